import type { CredentialReportRow, IamRole, IamUser, PolicyDocument, Tag } from '../cloud/aws/types.js';
import type { IdentityKind } from '../model.js';
import { statements } from './policy.js';

export interface Classification {
  kind: IdentityKind;
  reason: string;
}

const SERVICE_NAME = /(?:^|[-_.])(?:svc|service|bot|ci|cd|deploy|deployer|automation|app|api|sa|robot|runner|pipeline|jenkins|github|gitlab|terraform|backup|etl|sync|integration|monitor)(?:[-_.]|$)|^(?:svc|sa|app)[-_]|[-_](?:svc|sa)$/i;
const AGENT_NAME = /(?:^|[-_.])(?:agent|ai|llm|bedrock|copilot|assistant|mcp)(?:[-_.]|$)/i;
const AGENT_SERVICES = ['bedrock.amazonaws.com', 'bedrock-agentcore.amazonaws.com', 'sagemaker.amazonaws.com', 'q.amazonaws.com'];

function tagValue(tags: Tag[], ...keys: string[]): string | undefined {
  return tags.find((t) => keys.includes(t.Key.toLowerCase()))?.Value.toLowerCase();
}

const TAG_KINDS: Record<string, IdentityKind> = {
  human: 'human-user',
  person: 'human-user',
  service: 'service-user',
  machine: 'service-user',
  workload: 'workload-role',
  agent: 'ai-agent-role',
  'ai-agent': 'ai-agent-role',
};

/** Tags such as identity-type=service override every guess below. */
function fromTags(tags: Tag[]): Classification | null {
  const v = tagValue(tags, 'identity-type', 'identitytype', 'nhi-type', 'owner-type');
  const kind = v ? TAG_KINDS[v] : undefined;
  return kind ? { kind, reason: `tag identity-type=${v}` } : null;
}

export function classifyUser(user: IamUser | undefined, row: CredentialReportRow | undefined): Classification {
  const tagged = user ? fromTags(user.tags) : null;
  if (tagged && (tagged.kind === 'human-user' || tagged.kind === 'service-user')) return tagged;
  const name = user?.name ?? row?.user ?? '';
  if (SERVICE_NAME.test(name)) return { kind: 'service-user', reason: `name "${name}" looks like a service account` };
  if (row?.passwordEnabled) return { kind: 'human-user', reason: 'has a console password' };
  return { kind: 'service-user', reason: 'no console password' };
}

function principals(doc: PolicyDocument | null): { services: string[]; federated: string[]; aws: string[]; any: boolean } {
  const out = { services: [] as string[], federated: [] as string[], aws: [] as string[], any: false };
  for (const st of statements(doc)) {
    if (st.Effect !== 'Allow') continue;
    const p = st.Principal;
    if (p === '*') {
      out.any = true;
      continue;
    }
    if (!p) continue;
    const l = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    out.services.push(...l(p.Service));
    out.federated.push(...l(p.Federated));
    for (const a of l(p.AWS)) {
      if (a === '*') out.any = true;
      else out.aws.push(a);
    }
  }
  return out;
}

export function trustPrincipals(role: IamRole): ReturnType<typeof principals> {
  return principals(role.trustPolicy);
}

export function accountOf(principal: string): string | null {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1] ?? null;
}

export function classifyRole(role: IamRole, account: string | null): Classification {
  const tagged = fromTags(role.tags);
  if (tagged) return { kind: tagged.kind === 'service-user' ? 'workload-role' : tagged.kind === 'human-user' ? 'workload-role' : tagged.kind, reason: tagged.reason };
  if (role.path.startsWith('/aws-service-role/')) return { kind: 'service-linked-role', reason: 'path /aws-service-role/' };
  const p = principals(role.trustPolicy);
  const agentService = p.services.find((s) => AGENT_SERVICES.includes(s));
  if (agentService) return { kind: 'ai-agent-role', reason: `trusted by ${agentService}` };
  if (AGENT_NAME.test(role.name)) return { kind: 'ai-agent-role', reason: `name "${role.name}" looks like an AI agent` };
  if (p.federated.length) return { kind: 'federated-role', reason: `trusts ${p.federated[0]}` };
  const foreign = p.aws.map(accountOf).find((a) => a && a !== account);
  if (foreign || p.any) return { kind: 'cross-account-role', reason: p.any ? 'trusts any principal' : `trusts account ${foreign}` };
  if (p.services.length) return { kind: 'workload-role', reason: `trusted by ${p.services.join(', ')}` };
  return { kind: 'workload-role', reason: 'assumed by principals in this account' };
}
