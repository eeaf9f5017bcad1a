import type { Rule } from '../rule.js';
import { aiRules } from './ai.js';
import { awsRules } from './aws.js';
import { chatRules } from './chat.js';
import { genericRules } from './generic.js';
import { githubRules } from './github.js';
import { gitlabRules } from './gitlab.js';
import { googleRules } from './google.js';
import { keyRules } from './keys.js';
import { paymentRules } from './payments.js';
import { registryRules } from './registries.js';
import { urlRules } from './urls.js';

/** Specific rules first: when two rules claim the same span, the earlier, more specific one wins. */
export const builtinRules: Rule[] = [
  ...awsRules,
  ...githubRules,
  ...gitlabRules,
  ...chatRules,
  ...paymentRules,
  ...registryRules,
  ...aiRules,
  ...googleRules,
  ...keyRules,
  ...urlRules,
  ...genericRules,
];
