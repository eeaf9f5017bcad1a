import { decodePolicyDocument } from './decode.js';
import type { IamGroup, IamRole, IamUser, InlinePolicy, ManagedPolicy, Tag } from './types.js';

// Shape shared by the SDK's GetAccountAuthorizationDetails pages and the AWS CLI's JSON output.
interface Page {
  UserDetailList?: Array<Record<string, unknown>>;
  GroupDetailList?: Array<Record<string, unknown>>;
  RoleDetailList?: Array<Record<string, unknown>>;
  Policies?: Array<Record<string, unknown>>;
}

const str = (v: unknown): string => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : '');
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function inline(list: unknown): InlinePolicy[] {
  return arr<Record<string, unknown>>(list).map((p) => ({
    name: str(p.PolicyName),
    document: decodePolicyDocument(p.PolicyDocument) ?? { Statement: [] },
  }));
}

function attached(list: unknown): string[] {
  return arr<Record<string, unknown>>(list).map((p) => str(p.PolicyArn));
}

function tags(list: unknown): Tag[] {
  return arr<Tag>(list).map((t) => ({ Key: String(t.Key), Value: String(t.Value) }));
}

export interface AuthorizationDetails {
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  policies: ManagedPolicy[];
}

/** Merge pages (short pages are fine) into decoded, typed lists. */
export function parseAuthorizationDetails(pages: Page[]): AuthorizationDetails {
  const out: AuthorizationDetails = { users: [], groups: [], roles: [], policies: [] };
  for (const page of pages) {
    for (const u of arr<Record<string, unknown>>(page.UserDetailList)) {
      out.users.push({
        name: str(u.UserName),
        arn: str(u.Arn),
        path: str(u.Path) || '/',
        created: str(u.CreateDate),
        groups: arr<string>(u.GroupList),
        attachedPolicies: attached(u.AttachedManagedPolicies),
        inlinePolicies: inline(u.UserPolicyList),
        tags: tags(u.Tags),
      });
    }
    for (const g of arr<Record<string, unknown>>(page.GroupDetailList)) {
      out.groups.push({ name: str(g.GroupName), arn: str(g.Arn), attachedPolicies: attached(g.AttachedManagedPolicies), inlinePolicies: inline(g.GroupPolicyList) });
    }
    for (const r of arr<Record<string, unknown>>(page.RoleDetailList)) {
      const lastUsed = (r.RoleLastUsed ?? {}) as Record<string, unknown>;
      out.roles.push({
        name: str(r.RoleName),
        arn: str(r.Arn),
        path: str(r.Path) || '/',
        created: str(r.CreateDate),
        trustPolicy: decodePolicyDocument(r.AssumeRolePolicyDocument),
        lastUsed: str(lastUsed.LastUsedDate) || null,
        lastUsedRegion: str(lastUsed.Region) || null,
        attachedPolicies: attached(r.AttachedManagedPolicies),
        inlinePolicies: inline(r.RolePolicyList),
        tags: tags(r.Tags),
      });
    }
    for (const p of arr<Record<string, unknown>>(page.Policies)) {
      const versions = arr<Record<string, unknown>>(p.PolicyVersionList);
      const current = versions.find((v) => v.IsDefaultVersion === true) ?? versions[0];
      out.policies.push({ arn: str(p.Arn), name: str(p.PolicyName), document: current ? decodePolicyDocument(current.Document) : null });
    }
  }
  return out;
}
