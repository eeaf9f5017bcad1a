// Every cloud rule, as data, in the order their findings are produced for one subject.
import { consoleRules } from './console.js';
import { groupRules } from './group.js';
import { keyRules } from './keys.js';
import { offboardingRules } from './offboarding.js';
import { privilegeRules } from './privilege.js';
import { rootRules } from './root.js';
import { secretRules } from './secrets.js';
import { trustRules } from './trust.js';
import type { CloudRule } from './types.js';

export const CLOUD_RULES: readonly CloudRule[] = [...rootRules, ...privilegeRules, ...groupRules, ...keyRules, ...consoleRules, ...trustRules, ...offboardingRules, ...secretRules];

export type { CloudRule, CloudScope, Hit, Thresholds } from './types.js';
export { DEFAULT_THRESHOLDS } from './types.js';
