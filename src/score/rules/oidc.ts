// What a role's trust policy says about GitHub and GitLab OIDC: read by the trust rules (an
// unpinned sub) and by the service-wildcard rule (a deploy role pinned to one repository).
import type { IamRole, PolicyStatement } from '../../cloud/aws/types.js';
import { statements } from '../policy.js';

export interface OidcTrust {
  statement: PolicyStatement;
  provider: string;
  host: string;
  isGitHub: boolean;
  subs: string[];
  auds: string[];
  /** The sub value with a wildcard in its repository (or project) part, if any. */
  wildcard: string | undefined;
}

export function conditionValues(st: PolicyStatement, key: string): string[] {
  return Object.values(st.Condition ?? {}).flatMap((c) =>
    Object.entries(c)
      .filter(([k]) => k.toLowerCase() === key)
      .flatMap(([, v]) => (Array.isArray(v) ? v.map(String) : [String(v)])),
  );
}

export function oidcTrusts(role: IamRole): OidcTrust[] {
  const out: OidcTrust[] = [];
  for (const st of statements(role.trustPolicy)) {
    if (st.Effect !== 'Allow' || !st.Principal || st.Principal === '*') continue;
    for (const f of ([] as string[]).concat(st.Principal.Federated ?? [])) {
      const provider = f.split('oidc-provider/')[1] ?? '';
      const isGitHub = provider.startsWith('token.actions.githubusercontent.com');
      if (!isGitHub && !/gitlab/.test(provider)) continue;
      const host = isGitHub ? 'token.actions.githubusercontent.com' : provider;
      const subs = conditionValues(st, `${host}:sub`);
      // The repository (or project) part must be exact; a wildcard there trusts a whole org, or everyone.
      const wildcard = subs.find((v) => {
        if (v === '*') return true;
        const [kind, subject = ''] = v.split(':');
        return kind === 'repo' || kind === 'project_path' || kind === 'project_id' ? subject.includes('*') : v.startsWith('*');
      });
      out.push({ statement: st, provider, host, isGitHub, subs, auds: conditionValues(st, `${host}:aud`), wildcard });
    }
  }
  return out;
}

/** Only CI OIDC trusts the role, and each one pins sub to a repository or project. */
export function pinnedOidcRole(role: IamRole | null): boolean {
  if (!role) return false;
  const trusts = oidcTrusts(role);
  const allows = statements(role.trustPolicy).filter((st) => st.Effect === 'Allow');
  return trusts.length > 0 && trusts.length === allows.length && trusts.every((o) => o.subs.length > 0 && !o.wildcard);
}
