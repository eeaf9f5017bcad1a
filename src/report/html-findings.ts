import { isLeakFinding, isSecretFinding, locate, nhiIdsOf, severityRank, type Finding, type LeakFinding, type Report, type SecretFinding } from '../model.js';
import { NHI_CATALOGUE } from '../score/nhi.js';
import { COLOR, type Lane } from './html-charts.js';
import { esc } from './html-text.js';

// What the HTML report shows of each finding: its table row, and its access key's timeline lane.

/** A date that never wraps at its hyphens. */
function day(s: string | null | undefined): string {
  return `<span class="nw">${s ? esc(s.slice(0, 10)) : '?'}</span>`;
}

/** Code whose words wrap whole: a line breaks between them, inside one only when it is too long. */
function code(s: string, cls = 'v'): string {
  return `<code class="${cls}">${s.split(' ').map((w) => `<span class="tok">${esc(w)}</span>`).join(' ')}</code>`;
}

function ms(v: unknown): number | null {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : null;
}

/**
 * Whether the report spans several AWS accounts (--org): then each row names its account. A secret's
 * own `account` is only the account its key id decodes to, so it does not make a report multi-account.
 */
export function multiAccount(report: Report): boolean {
  return Boolean(report.accounts?.length) || report.findings.some((f) => !isSecretFinding(f) && f.account);
}

function line(cls: string, html: string): string {
  return `<div class="${cls}">${html}</div>`;
}

/** The source side: repository, file and line, the commit that introduced it, whether HEAD still has it. */
function sourceCell(f: SecretFinding, repo: string | undefined): string {
  const l = f.location;
  const out: string[] = [];
  if (repo) out.push(line('repo', `repository <span class="v">${esc(repo)}</span>`));
  out.push(line('path', `<span class="v">${esc(l.path)}${l.line ? `:${l.line}` : ''}</span>`));
  if (l.commit) {
    out.push(line('commit', `commit <code class="v">${esc(l.commit.slice(0, 12))}</code>${l.author ? ` by ${esc(l.author)}` : ''}${l.date ? `, ${day(l.date)}` : ''}`));
    if (l.message) out.push(line('msg', `“${esc(l.message)}”`));
  }
  if (f.inHead !== null) out.push(line('head', f.inHead ? 'still in HEAD' : 'history only (not in HEAD)'));
  if (f.occurrences.commits > 1 || f.occurrences.paths > 1) out.push(line('occ', `in ${f.occurrences.commits} commit(s), ${f.occurrences.paths} path(s)`));
  return out.join('');
}

function leakDetails(f: LeakFinding): string {
  const c = f.cloud;
  const out: string[] = [line('key', `key <code class="v">${esc(f.credential.id)}</code> of ${esc(f.identity.name)}`)];
  if (c.state) {
    const s = c.state;
    const use = s.lastUsed ? `last used ${day(s.lastUsed)}${s.lastUsedService ? ` by ${esc(s.lastUsedService)}` : ''}${s.lastUsedRegion ? ` in ${esc(s.lastUsedRegion)}` : ''}` : 'never used';
    out.push(line('state', `<span class="status status-${s.status === 'Active' ? 'active' : 'inactive'}">${esc(s.status)}</span> · created ${day(s.created)} · ${use}`));
  } else {
    const where = { 'foreign-account': `belongs to account ${esc(c.account ?? '?')}, not this one`, canary: 'a canary token: never contacted', 'not-found': 'not found in the account', 'in-account': 'in the account' }[c.match];
    out.push(line('state', where));
  }
  out.push(line('exposure', c.exposure.days !== null ? `exposed <b class="days">${c.exposure.days} days</b> since ${day(c.exposure.since)}` : 'exposure window unknown (no commit date)'));
  const used = c.usedAfterLeak === null ? 'used after the leak: unknown' : c.usedAfterLeak ? '<b class="flag">used after the leak</b>' : 'not used after the leak';
  out.push(line('after', used));
  if (c.secretKeyLeakedToo) out.push(line('pair', '<b class="flag">secret key leaked beside it</b>'));
  return out.join('');
}

function secretDetails(f: SecretFinding): string {
  const out: string[] = [];
  if (f.secret) out.push(line('secret', `<code class="v">${esc(f.secret)}</code>`));
  if (f.identifier) out.push(line('id', `id <code class="v">${esc(f.identifier)}</code>`));
  if (f.validation) out.push(line('valid', esc(f.validation)));
  return out.join('');
}

function findingCell(f: Finding): string {
  const details = isLeakFinding(f) ? leakDetails(f) : isSecretFinding(f) ? secretDetails(f) : f.credential ? line('cred', `${esc(f.credential.kind)} <code class="v">${esc(f.credential.id)}</code>`) : '';
  return `<div class="title">${esc(f.title)}</div>${details}`;
}

/** The repository comes from the finding's own `where` (finalizeReport), so a multi-repository audit names each one. */
function whereCell(f: Finding): string {
  const repo = (f.where ?? locate(f)).repository;
  if (isSecretFinding(f)) return sourceCell(f, repo);
  const identity = line('identity', `${esc(f.identity.name)}<div class="arn">${code(f.identity.arn)}</div>`);
  return isLeakFinding(f) ? `${sourceCell(f.leaked, repo)}${line('joined', 'joined with')}${identity}` : identity;
}

function fixCell(f: Finding): string {
  const r = f.remediation;
  if (!r) return '';
  return `${r.hint ? `<p class="hint">${esc(r.hint)}</p>` : ''}${r.command ? code(r.command, 'cmd') : ''}`;
}

/**
 * One table row. Sort keys sit in data-sort: severity sorts by rank then risk, risk by risk then
 * rank, NHI ids zero-padded so NHI10 follows NHI9.
 */
export function row(f: Finding, opts: { account: boolean }): string {
  const rank = severityRank(f.severity);
  const risk = f.risk ?? -1;
  const nhi = nhiIdsOf(f);
  const nhiKey = nhi.map((n) => n.replace(/\d+/, (d) => d.padStart(2, '0'))).join(' ');
  const nhiTip = nhi.map((n) => `${n} ${NHI_CATALOGUE[n]}`).join('; ');
  return (
    `<tr data-severity="${f.severity}" data-rank="${rank}" data-kind="${f.kind}">` +
    `<td class="c-sev" data-sort="${rank * 1000 + risk}"><span class="sev" style="background:${COLOR[f.severity]}">${f.severity}</span></td>` +
    `<td class="c-risk" data-sort="${risk * 10 + rank}">${f.risk ?? ''}</td>` +
    `<td class="c-nhi" data-sort="${esc(nhiKey)}" title="${esc(nhiTip)}">${esc(nhi.join(' '))}</td>` +
    `<td class="c-rule">${esc(f.ruleId)}</td>` +
    (opts.account ? `<td class="c-acct" data-label="account">${esc((f.where ?? locate(f)).account ?? '')}</td>` : '') +
    `<td class="c-finding">${findingCell(f)}</td>` +
    `<td class="c-where" data-label="where">${whereCell(f)}</td>` +
    `<td class="c-fix" data-label="fix">${fixCell(f)}</td></tr>`
  );
}

/**
 * One lane per access key: leaks (which carry the key's state, typed) and the account's key
 * findings (whose evidence has created, lastUsed and status) merged by key id. Leaked keys first.
 */
export function keyLanes(findings: Finding[]): Lane[] {
  const lanes = new Map<string, Lane>();
  const lane = (id: string, owner: string, f: Finding): Lane => {
    let l = lanes.get(id);
    if (!l) {
      l = { keyId: id, owner, status: null, note: null, created: null, lastUsed: null, leaked: null, exposureDays: null, usedAfterLeak: null, severity: f.severity };
      lanes.set(id, l);
    }
    if (severityRank(f.severity) > severityRank(l.severity)) l.severity = f.severity;
    return l;
  };
  for (const f of findings) {
    if (isLeakFinding(f)) {
      const c = f.cloud;
      const l = lane(f.credential.id, f.identity.name, f);
      if (c.state) {
        l.status = c.state.status;
        l.created ??= ms(c.state.created);
        l.lastUsed ??= ms(c.state.lastUsed);
      } else {
        // The owner's name already says `account …` or `canary account …` for these: the note adds what it does not.
        l.note = { 'foreign-account': "another account's key", canary: /canary/i.test(f.identity.name) ? null : 'canary token', 'not-found': 'not in the account', 'in-account': null }[c.match];
      }
      const since = ms(c.exposure.since);
      if (since !== null && (l.leaked === null || since < l.leaked)) {
        l.leaked = since;
        l.exposureDays = c.exposure.days;
      }
      l.usedAfterLeak = c.usedAfterLeak;
      continue;
    }
    if (isSecretFinding(f) || f.credential?.kind !== 'access-key') continue;
    const e = f.evidence;
    if (ms(e.created) === null) continue; // the root key and two-key findings name no single dated key
    const l = lane(f.credential.id, f.identity.name, f);
    l.created ??= ms(e.created);
    l.lastUsed ??= ms(e.lastUsed);
    if (l.status === null && (e.status === 'Active' || e.status === 'Inactive')) l.status = e.status;
  }
  return [...lanes.values()]
    .sort((a, b) => Number(b.leaked !== null) - Number(a.leaked !== null) || severityRank(b.severity) - severityRank(a.severity) || (a.leaked ?? a.created ?? 0) - (b.leaked ?? b.created ?? 0))
    .slice(0, 40);
}
