import { decodePolicyDocument } from './decode.js';
import { FormatError, isoTime } from './format.js';
import type { IamGroup, IamRole, IamUser, InlinePolicy, ManagedPolicy, PolicyDocument, Tag } from './types.js';

// Shape shared by the SDK's GetAccountAuthorizationDetails pages and the AWS CLI's JSON output.
interface Page {
  UserDetailList?: Array<Record<string, unknown>>;
  GroupDetailList?: Array<Record<string, unknown>>;
  RoleDetailList?: Array<Record<string, unknown>>;
  Policies?: Array<Record<string, unknown>>;
}

/** A part of the details that could not be read: `what` names it (never its content). */
export type DetailsProblem = (what: string, reason: string) => void;

const str = (v: unknown): string => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : '');
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
/** IAM times: strings from the query API and CLI, Dates from the SDK, epoch seconds from CLI v1. */
const time = (v: unknown, field: string): string => isoTime(v, field) ?? '';

function tags(list: unknown): Tag[] {
  return arr<Tag>(list).map((t) => ({ Key: String(t.Key), Value: String(t.Value) }));
}

function attached(list: unknown): string[] {
  return arr<Record<string, unknown>>(list).map((p) => str(p.PolicyArn));
}

export interface AuthorizationDetails {
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  policies: ManagedPolicy[];
}

/**
 * Merge pages (short pages are fine) into decoded, typed lists. One policy document that cannot
 * be decoded must not cost the whole account: it is reported through `problem` (a coverage gap)
 * and read as granting nothing, and everything else is still read.
 */
export function parseAuthorizationDetails(pages: Page[], problem: DetailsProblem): AuthorizationDetails {
  const out: AuthorizationDetails = { users: [], groups: [], roles: [], policies: [] };
  const doc = (v: unknown, what: string): PolicyDocument | null => {
    try {
      return decodePolicyDocument(v);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      problem(what, `${err.message}; read as granting nothing`);
      return null;
    }
  };
  const inline = (list: unknown, owner: string): InlinePolicy[] =>
    arr<Record<string, unknown>>(list).map((p) => ({
      name: str(p.PolicyName),
      document: doc(p.PolicyDocument, `${owner} inline policy ${str(p.PolicyName)}`) ?? { Statement: [] },
    }));
  for (const page of pages) {
    for (const u of arr<Record<string, unknown>>(page.UserDetailList)) {
      const name = str(u.UserName);
      out.users.push({
        name,
        arn: str(u.Arn),
        path: str(u.Path) || '/',
        created: time(u.CreateDate, `user ${name} CreateDate`),
        groups: arr<string>(u.GroupList),
        attachedPolicies: attached(u.AttachedManagedPolicies),
        inlinePolicies: inline(u.UserPolicyList, `user ${name}`),
        tags: tags(u.Tags),
      });
    }
    for (const g of arr<Record<string, unknown>>(page.GroupDetailList)) {
      const name = str(g.GroupName);
      out.groups.push({ name, arn: str(g.Arn), attachedPolicies: attached(g.AttachedManagedPolicies), inlinePolicies: inline(g.GroupPolicyList, `group ${name}`) });
    }
    for (const r of arr<Record<string, unknown>>(page.RoleDetailList)) {
      const name = str(r.RoleName);
      const lastUsed = (r.RoleLastUsed ?? {}) as Record<string, unknown>;
      out.roles.push({
        name,
        arn: str(r.Arn),
        path: str(r.Path) || '/',
        created: time(r.CreateDate, `role ${name} CreateDate`),
        trustPolicy: doc(r.AssumeRolePolicyDocument, `role ${name} trust policy`),
        lastUsed: isoTime(lastUsed.LastUsedDate, `role ${name} RoleLastUsed.LastUsedDate`),
        lastUsedRegion: str(lastUsed.Region) || null,
        attachedPolicies: attached(r.AttachedManagedPolicies),
        inlinePolicies: inline(r.RolePolicyList, `role ${name}`),
        tags: tags(r.Tags),
      });
    }
    for (const p of arr<Record<string, unknown>>(page.Policies)) {
      const versions = arr<Record<string, unknown>>(p.PolicyVersionList);
      const current = versions.find((v) => v.IsDefaultVersion === true) ?? versions[0];
      out.policies.push({ arn: str(p.Arn), name: str(p.PolicyName), document: current ? doc(current.Document, `managed policy ${str(p.Arn)}`) : null });
    }
  }
  return out;
}
