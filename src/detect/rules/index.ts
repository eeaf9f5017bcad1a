import type { Rule } from '../rule.js';
import { structuredRules } from '../structured/rules.js';
import { formatRules } from './formats.js';
import { aiRules } from './ai.js';
import { atlassianRules } from './atlassian.js';
import { awsRules } from './aws.js';
import { azureRules } from './azure.js';
import { chatRules } from './chat.js';
import { cloudRules } from './cloud.js';
import { connectionStringRules } from './connection-strings.js';
import { credentialFileRules } from './credential-files.js';
import { devopsRules } from './devops.js';
import { genericRules } from './generic.js';
import { giteaRules } from './gitea.js';
import { githubRules } from './github.js';
import { gitlabRules } from './gitlab.js';
import { googleRules } from './google.js';
import { hashicorpRules } from './hashicorp.js';
import { hostingRules } from './hosting.js';
import { httpAuthRules } from './http-auth.js';
import { keyRules } from './keys.js';
import { messagingRules } from './messaging.js';
import { monitoringRules } from './monitoring.js';
import { paymentRules } from './payments.js';
import { productivityRules } from './productivity.js';
import { registryRules } from './registries.js';
import { urlRules } from './urls.js';

/**
 * One file per provider or kind. Specific rules first: when two rules claim the same span, the
 * earlier, more specific one wins (test/rules.test.ts runs every example against this whole list,
 * so a rule that steals another's example fails there). Credential files come before URL rules (a
 * .git-credentials line is more than a basic-auth URL), and the generic assignment rules come last.
 * Examples are fake but valid for their kind (checksums and all), so they prove the patterns match.
 */
export const builtinRules: Rule[] = [
  ...awsRules,
  ...googleRules,
  ...azureRules,
  ...cloudRules,
  ...hostingRules,
  ...devopsRules,
  ...githubRules,
  ...gitlabRules,
  ...atlassianRules,
  ...giteaRules,
  ...chatRules,
  ...messagingRules,
  ...paymentRules,
  ...registryRules,
  ...aiRules,
  ...monitoringRules,
  ...productivityRules,
  ...hashicorpRules,
  ...keyRules,
  ...credentialFileRules,
  // Formats with a known shape (framework keys, tool configs, env names, hashed credentials): after
  // the providers, so a provider token in a URL stays the provider's, and before the generic rules.
  ...formatRules,
  ...urlRules,
  ...connectionStringRules,
  ...httpAuthRules,
  ...genericRules,
  // Found by parsing config files (src/detect/structured), after every regex rule: a span a content
  // rule reported stays that rule's.
  ...structuredRules,
];
