import { defineRules } from '../rule.js';

const REVOKE = 'Roll the key in the Stripe dashboard (Developers > API keys > Roll key).';

export const paymentRules = defineRules([
  {
    id: 'stripe-secret-key',
    title: 'Stripe live secret key',
    severity: 'critical',
    provider: 'stripe',
    keywords: ['sk_live_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>sk_live_[0-9A-Za-z]{20,247})(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    revoke: REVOKE,
    examples: {
      positive: ['STRIPE_SECRET_KEY=sk_live_1C7cS9FI3tnZ8vScclpnSy4M', "stripe.api_key = 'sk_live_1C7cS9FI3tnZ8vScclpnSy4M'"],
      negative: ['STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx', 'pk_live_1C7cS9FI3tnZ8vScclpnSy4M is publishable'],
    },
  },
  {
    id: 'stripe-restricted-key',
    title: 'Stripe live restricted key',
    severity: 'high',
    provider: 'stripe',
    keywords: ['rk_live_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>rk_live_[0-9A-Za-z]{20,247})(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    revoke: REVOKE,
    examples: {
      positive: ['STRIPE_KEY=rk_live_KikVQXyaSMtN8XDZybJIbDTh', '"rk_live_KikVQXyaSMtN8XDZybJIbDTh"'],
      negative: ['STRIPE_KEY=rk_live_0000000000000000000000', 'rk_live_ keys are restricted'],
    },
  },
  {
    id: 'stripe-test-secret-key',
    title: 'Stripe test-mode secret key',
    severity: 'low',
    provider: 'stripe',
    keywords: ['sk_test_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>sk_test_[0-9A-Za-z]{20,247})(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    revoke: REVOKE,
    examples: {
      positive: ['STRIPE_SECRET_KEY=sk_test_7QI6AbenOzGTPIfSho5sSuQM', "key: 'sk_test_7QI6AbenOzGTPIfSho5sSuQM'"],
      negative: ['STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx', 'pk_test_7QI6AbenOzGTPIfSho5sSuQM'],
    },
  },
]);
