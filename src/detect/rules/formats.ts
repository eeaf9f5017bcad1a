// Format-specific content rules (issue 11), in the order they should take in builtinRules: after
// the provider rules (a ghp_ token inside a URL is reported as a GitHub token) and the
// credential-file rules (netrc-password, with host and user, wins over netrc-password-any-order),
// and before the generic assignment rules, which would otherwise claim several of these spans
// at medium severity (SECRET_KEY_BASE, secret_key in .s3cfg, a 38-character AWS secret).
import type { Rule } from '../rule.js';
import { envNameRules } from './env-names.js';
import { frameworkRules } from './frameworks.js';
import { hashedCredentialRules } from './hashed-credentials.js';
import { toolConfigRules } from './tool-configs.js';
import { urlPasswordRules } from './url-passwords.js';

export const formatRules: Rule[] = [...envNameRules, ...frameworkRules, ...toolConfigRules, ...urlPasswordRules, ...hashedCredentialRules];
