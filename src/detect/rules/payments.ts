// Payments and commerce: Stripe, Braintree, PayPal, Square, Shopify, Flutterwave, Razorpay, Coinbase, Adyen.
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
      positive: [
        { text: 'STRIPE_SECRET_KEY=sk_live_1C7cS9FI3tnZ8vScclpnSy4M', secret: 'sk_live_1C7cS9FI3tnZ8vScclpnSy4M' },
        { text: "stripe.api_key = 'sk_live_1C7cS9FI3tnZ8vScclpnSy4M'", secret: 'sk_live_1C7cS9FI3tnZ8vScclpnSy4M' },
      ],
      negative: [
        'STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
        'pk_live_1C7cS9FI3tnZ8vScclpnSy4M is publishable',
        // near miss: embedded in a longer identifier
        'fixture: sk_live_1C7cS9FI3tnZ8vScclpnSy4M_redacted',
      ],
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
      positive: [
        { text: 'STRIPE_KEY=rk_live_KikVQXyaSMtN8XDZybJIbDTh', secret: 'rk_live_KikVQXyaSMtN8XDZybJIbDTh' },
        { text: '"rk_live_KikVQXyaSMtN8XDZybJIbDTh"', secret: 'rk_live_KikVQXyaSMtN8XDZybJIbDTh' },
      ],
      negative: [
        'STRIPE_KEY=rk_live_0000000000000000000000',
        'rk_live_ keys are restricted',
        // near miss: embedded in a longer token
        'STRIPE_KEY=Zqrk_live_KikVQXyaSMtN8XDZybJIbDTh',
      ],
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
      positive: [
        { text: 'STRIPE_SECRET_KEY=sk_test_7QI6AbenOzGTPIfSho5sSuQM', secret: 'sk_test_7QI6AbenOzGTPIfSho5sSuQM' },
        { text: "key: 'sk_test_7QI6AbenOzGTPIfSho5sSuQM'", secret: 'sk_test_7QI6AbenOzGTPIfSho5sSuQM' },
      ],
      negative: [
        'STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx',
        'pk_test_7QI6AbenOzGTPIfSho5sSuQM',
        // near miss: embedded in a longer token
        'key: \'Zqsk_test_7QI6AbenOzGTPIfSho5sSuQM\'',
      ],
    },
  },
  {
    id: 'stripe-webhook-secret',
    title: 'Stripe webhook signing secret',
    severity: 'medium',
    provider: 'stripe',
    keywords: ['whsec_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>whsec_[A-Za-z0-9]{32,64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Roll the signing secret in the Stripe dashboard (Developers > Webhooks).',
    examples: {
      positive: [
        { text: 'KEY=whsec_gaOjzR6RC04mVXmAkaPeHIuUIjnpXk2c', secret: 'whsec_gaOjzR6RC04mVXmAkaPeHIuUIjnpXk2c' },
        { text: 'token: "whsec_icQk1IrKc4pm0zEdryGKuh6f3AESZ8hk"', secret: 'whsec_icQk1IrKc4pm0zEdryGKuh6f3AESZ8hk' },
      ],
      negative: [
        'KEY=whsec_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'whsec_ is the prefix of Stripe webhook signing secret values',
        // near miss: one character short
        'KEY=whsec_gaOjzR6RC04mVXmAkaPeHIuUIjnpXk2',
      ],
    },
  },
  {
    id: 'braintree-access-token',
    title: 'Braintree/PayPal access token',
    severity: 'critical',
    provider: 'paypal',
    keywords: ['access_token$production$'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Revoke it in the Braintree control panel (API keys) or PayPal developer dashboard.',
    examples: {
      positive: [
        { text: 'KEY=access_token$production$x7xdt2or31acyukg$3a9869ac8764626a45c3a785860f794b', secret: 'access_token$production$x7xdt2or31acyukg$3a9869ac8764626a45c3a785860f794b' },
        { text: 'token: "access_token$production$r7z5a3xqrn5utaen$a3ab64e78043388ac3fec2eda995c528"', secret: 'access_token$production$r7z5a3xqrn5utaen$a3ab64e78043388ac3fec2eda995c528' },
      ],
      negative: ['KEY=access_token$production$xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'access_token$production$ is the prefix of Braintree/PayPal access token values'],
    },
  },
  {
    id: 'paypal-client-secret',
    title: 'PayPal REST client secret',
    severity: 'critical',
    provider: 'paypal',
    keywords: ['paypal'],
    pattern: /paypal[A-Za-z0-9_ .-]{0,20}(?:secret|client_secret)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>E[A-Za-z0-9_-]{79})(?![A-Za-z0-9_-])/i,
    minEntropy: 4.0,
    revoke: 'Regenerate the secret for the REST app in the PayPal developer dashboard.',
    examples: {
      positive: [
        { text: 'PAYPAL_CLIENT_SECRET=EBwYM34t2vzHTxd7CC0wKvyeEk_vWgZ0hTr8Q2yZ4KhQ6omBvd7HifcMItW2lWko2KKD5ZJzf5JN8IXG', secret: 'EBwYM34t2vzHTxd7CC0wKvyeEk_vWgZ0hTr8Q2yZ4KhQ6omBvd7HifcMItW2lWko2KKD5ZJzf5JN8IXG' },
        { text: 'paypal_secret: "EnJkLHoB8jt6chZAaM4lJjuviuz_j03x8Uxl9JXMtX16n8GRWAM5gRwPG92OUPUYeqW4lRh3zD6x5Ahk"', secret: 'EnJkLHoB8jt6chZAaM4lJjuviuz_j03x8Uxl9JXMtX16n8GRWAM5gRwPG92OUPUYeqW4lRh3zD6x5Ahk' },
      ],
      negative: ['PAYPAL_CLIENT_SECRET=Exxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'paypal_secret = env.SECRET'],
    },
  },
  {
    id: 'square-access-token',
    title: 'Square access token',
    severity: 'critical',
    provider: 'square',
    keywords: ['eaaa'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>EAAA[A-Za-z0-9_-]{60})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke it in the Square developer dashboard (Credentials).',
    examples: {
      positive: [
        { text: 'KEY=EAAA18mqh6iFiUCxRcuZ7gPVtNrGT-MveqBKW82mH3jmLa8cN0F93nCdCKLG53_T', secret: 'EAAA18mqh6iFiUCxRcuZ7gPVtNrGT-MveqBKW82mH3jmLa8cN0F93nCdCKLG53_T' },
        { text: 'token: "EAAAzh5uLOeDpp6--6MDtovsCoks-5TXVBeHEPu-iP0wlbN3ydIy8-bwysZ7jVzS"', secret: 'EAAAzh5uLOeDpp6--6MDtovsCoks-5TXVBeHEPu-iP0wlbN3ydIy8-bwysZ7jVzS' },
      ],
      negative: [
        'KEY=EAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'EAAA is the prefix of Square access token values',
        // near miss: one character short
        'KEY=EAAA18mqh6iFiUCxRcuZ7gPVtNrGT-MveqBKW82mH3jmLa8cN0F93nCdCKLG53_',
      ],
    },
  },
  {
    id: 'square-legacy-access-token',
    title: 'Square legacy access token',
    severity: 'critical',
    provider: 'square',
    keywords: ['sq0atp-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sq0atp\-[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in the Square developer dashboard.',
    examples: {
      positive: [
        { text: 'KEY=sq0atp-lQTp1UplA4tcf-vMngpeUA', secret: 'sq0atp-lQTp1UplA4tcf-vMngpeUA' },
        { text: 'token: "sq0atp-uoQ0JSamYn5i3OZVn9xgWD"', secret: 'sq0atp-uoQ0JSamYn5i3OZVn9xgWD' },
      ],
      negative: [
        'KEY=sq0atp-xxxxxxxxxxxxxxxxxxxxxx',
        'sq0atp- is the prefix of Square legacy access token values',
        // near miss: one character short
        'KEY=sq0atp-lQTp1UplA4tcf-vMngpeU',
      ],
    },
  },
  {
    id: 'square-oauth-secret',
    title: 'Square OAuth application secret',
    severity: 'critical',
    provider: 'square',
    keywords: ['sq0csp-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sq0csp\-[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Replace the application secret in the Square developer dashboard.',
    examples: {
      positive: [
        { text: 'KEY=sq0csp-xBT-I9aiJeQH6GJvgDZ6-FKC5z9YO-LIHCmLljTAQYL', secret: 'sq0csp-xBT-I9aiJeQH6GJvgDZ6-FKC5z9YO-LIHCmLljTAQYL' },
        { text: 'token: "sq0csp-goLq-ZLvGN7u_QjOu4swt6x7E6MTpKRX0WChiFuB5J-"', secret: 'sq0csp-goLq-ZLvGN7u_QjOu4swt6x7E6MTpKRX0WChiFuB5J-' },
      ],
      negative: [
        'KEY=sq0csp-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'sq0csp- is the prefix of Square OAuth application secret values',
        // near miss: one character short
        'KEY=sq0csp-xBT-I9aiJeQH6GJvgDZ6-FKC5z9YO-LIHCmLljTAQY',
      ],
    },
  },
  {
    id: 'shopify-access-token',
    title: 'Shopify Admin API access token',
    severity: 'critical',
    provider: 'shopify',
    keywords: ['shpat_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>shpat_[a-fA-F0-9]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Uninstall or rotate the app credentials in the Shopify admin / Partner dashboard.',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'shpat_ is the prefix of Shopify Admin API access token values',
        // near miss: one character short
        'KEY=shpat_979e1caceeeae4c0e77c5aa74bbd5c3',
      ],
    },
  },
  {
    id: 'shopify-shared-secret',
    title: 'Shopify app shared secret',
    severity: 'high',
    provider: 'shopify',
    keywords: ['shpss_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>shpss_[a-fA-F0-9]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Uninstall or rotate the app credentials in the Shopify admin / Partner dashboard.',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=shpss_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'shpss_ is the prefix of Shopify app shared secret values',
        // near miss: one character short
        'KEY=shpss_542822a503f61e90240b5723ed0162e',
      ],
    },
  },
  {
    id: 'shopify-custom-app-token',
    title: 'Shopify custom app access token',
    severity: 'critical',
    provider: 'shopify',
    keywords: ['shpca_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>shpca_[a-fA-F0-9]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Uninstall or rotate the app credentials in the Shopify admin / Partner dashboard.',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=shpca_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'shpca_ is the prefix of Shopify custom app access token values',
        // near miss: one character short
        'KEY=shpca_0683ed89439bc4b7f19832211caf0ed',
      ],
    },
  },
  {
    id: 'shopify-private-app-token',
    title: 'Shopify private app access token',
    severity: 'critical',
    provider: 'shopify',
    keywords: ['shppa_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>shppa_[a-fA-F0-9]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Uninstall or rotate the app credentials in the Shopify admin / Partner dashboard.',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=shppa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'shppa_ is the prefix of Shopify private app access token values',
        // near miss: one character short
        'KEY=shppa_0e5171154b3b33d8de83db3f229f187',
      ],
    },
  },
  {
    id: 'flutterwave-secret-key',
    title: 'Flutterwave live secret key',
    severity: 'critical',
    provider: 'flutterwave',
    keywords: ['flwseck-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>FLWSECK\-[a-f0-9]{32}-X)(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Regenerate the keys in the Flutterwave dashboard (Settings > API).',
    examples: {
      positive: [
        { text: 'KEY=FLWSECK-dcbc4b1d3b7316ac9bc01f5cab8de012-X', secret: 'FLWSECK-dcbc4b1d3b7316ac9bc01f5cab8de012-X' },
        { text: 'token: "FLWSECK-aac362481e1ee8c2e7ad7a2985de38e6-X"', secret: 'FLWSECK-aac362481e1ee8c2e7ad7a2985de38e6-X' },
      ],
      negative: [
        'KEY=FLWSECK-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'FLWSECK- is the prefix of Flutterwave live secret key values',
        // near miss: one character short
        'KEY=FLWSECK-dcbc4b1d3b7316ac9bc01f5cab8de012-',
      ],
    },
  },
  {
    id: 'razorpay-key-secret',
    title: 'Razorpay key secret',
    severity: 'critical',
    provider: 'razorpay',
    keywords: ['razorpay'],
    pattern: /razorpay[A-Za-z0-9_ .-]{0,20}(?:secret)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[A-Za-z0-9]{24})(?![A-Za-z0-9])/i,
    minEntropy: 3.5,
    revoke: 'Regenerate the API key in the Razorpay dashboard.',
    examples: {
      positive: [
        { text: 'RAZORPAY_KEY_SECRET=Ka3h91XUBGKtBlG8LGGB2Ike', secret: 'Ka3h91XUBGKtBlG8LGGB2Ike' },
        { text: 'razorpay_secret: "mKcCEeGdXaI6Vetbfa2GmoLJ"', secret: 'mKcCEeGdXaI6Vetbfa2GmoLJ' },
      ],
      negative: ['RAZORPAY_KEY_SECRET=xxxxxxxxxxxxxxxxxxxxxxxx', 'RAZORPAY_KEY_ID=rzp_live_p04lqR0bzq7UNC'],
    },
  },
  {
    id: 'coinbase-commerce-key',
    title: 'Coinbase Commerce API key',
    severity: 'high',
    provider: 'coinbase',
    keywords: ['coinbase'],
    pattern: /coinbase[A-Za-z0-9_ .-]{0,20}(?:key|secret|token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Delete the key in Coinbase Commerce settings.',
    examples: {
      positive: [
        { text: 'COINBASE_COMMERCE_API_KEY=00cd2070-466c-476e-a6b8-4a99fd050c48', secret: '00cd2070-466c-476e-a6b8-4a99fd050c48' },
        { text: 'coinbase_secret: "e3a5d78b-1a4f-4cff-a170-d7af4c39f0df"', secret: 'e3a5d78b-1a4f-4cff-a170-d7af4c39f0df' },
      ],
      negative: ['COINBASE_API_KEY=00000000-0000-0000-0000-000000000000', 'coinbase_key = env.KEY'],
    },
  },
  {
    id: 'adyen-api-key',
    title: 'Adyen API key',
    severity: 'critical',
    provider: 'adyen',
    keywords: ['adyen'],
    pattern: /adyen[A-Za-z0-9_ .-]{0,20}(?:key|token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>AQE[A-Za-z0-9_=.-]{100,300})(?![A-Za-z0-9_=.-])/i,
    minEntropy: 3.0,
    revoke: 'Generate a new key for the API credential in the Adyen Customer Area and revoke the old one.',
    examples: {
      positive: [
        { text: 'ADYEN_API_KEY=AQEgcEVVSRbJ8KUNqppFiQ63NewO7ZR89mNd4vnDvGNIl1Qi0h2gAwAb3vCjxI7A0US6V3_1z2eRzedj13Cxmpn05zO2VtnES-h0PjC1bqbfpRnwoZAhZ9z0nHq', secret: 'AQEgcEVVSRbJ8KUNqppFiQ63NewO7ZR89mNd4vnDvGNIl1Qi0h2gAwAb3vCjxI7A0US6V3_1z2eRzedj13Cxmpn05zO2VtnES-h0PjC1bqbfpRnwoZAhZ9z0nHq' },
        { text: 'adyen_key: "AQEjkNkT9H2bAc12ixntAR6w2UqcRMILJhcAadfl5WPYRdgyr5Rp-EuaxyjQN2pL4j5eQ6qlxgx-ChQof86ZzC7fBaB6yTRre3bI1CbILL7IEFhy3iNdiR27YEP"', secret: 'AQEjkNkT9H2bAc12ixntAR6w2UqcRMILJhcAadfl5WPYRdgyr5Rp-EuaxyjQN2pL4j5eQ6qlxgx-ChQof86ZzC7fBaB6yTRre3bI1CbILL7IEFhy3iNdiR27YEP' },
      ],
      negative: [
        'ADYEN_API_KEY=AQExxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'adyen_key = env.KEY',
        // near miss: embedded in a longer token
        'adyen_key: "ZqAQEjkNkT9H2bAc12ixntAR6w2UqcRMILJhcAadfl5WPYRdgyr5Rp-EuaxyjQN2pL4j5eQ6qlxgx-ChQof86ZzC7fBaB6yTRre3bI1CbILL7IEFhy3iNdiR27YEP"',
      ],
    },
  },
]);
