import type { Rule } from '../rule.js';
import { aiExtraRules } from './ai-more.js';
import { aiRules } from './ai.js';
import { awsRules } from './aws.js';
import { chatRules } from './chat.js';
import { cloudRules } from './cloud.js';
import { connectionStringRules } from './connection-strings.js';
import { credentialFileRules } from './credential-files.js';
import { genericRules } from './generic.js';
import { githubRules } from './github.js';
import { gitlabRules } from './gitlab.js';
import { googleRules } from './google.js';
import { hashicorpRules } from './hashicorp.js';
import { httpAuthRules } from './http-auth.js';
import { keyExtraRules } from './keys-more.js';
import { keyRules } from './keys.js';
import { messagingRules } from './messaging.js';
import { monitoringRules } from './monitoring.js';
import { paymentExtraRules } from './payments-more.js';
import { paymentRules } from './payments.js';
import { productivityRules } from './productivity.js';
import { registryExtraRules } from './registries-more.js';
import { registryRules } from './registries.js';
import { urlRules } from './urls.js';
import { vcsRules } from './vcs.js';

/**
 * Specific rules first: when two rules claim the same span, the earlier, more specific one wins.
 * Credential files come before URL rules (a .git-credentials line is more than a basic-auth URL),
 * and the generic assignment rules come last.
 */
export const builtinRules: Rule[] = [
  ...awsRules,
  ...cloudRules,
  ...githubRules,
  ...gitlabRules,
  ...vcsRules,
  ...chatRules,
  ...messagingRules,
  ...paymentRules,
  ...paymentExtraRules,
  ...registryRules,
  ...registryExtraRules,
  ...aiRules,
  ...aiExtraRules,
  ...googleRules,
  ...monitoringRules,
  ...productivityRules,
  ...hashicorpRules,
  ...keyRules,
  ...keyExtraRules,
  ...credentialFileRules,
  ...urlRules,
  ...connectionStringRules,
  ...httpAuthRules,
  ...genericRules,
];
