import { Chalk, type ChalkInstance } from 'chalk';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { DROP_REASONS } from '../detect/suppress.js';
import { isLeakFinding, isSecretFinding, NHI_IDS, nhiIdsOf, SEVERITIES, type CloudFinding, type Finding, type LeakFinding, type Report, type SecretFinding, type Severity, type SourceLocation } from '../model.js';
import { NHI_CATALOGUE } from '../score/nhi.js';
import { displaySafe } from './escape.js';

export interface TextOptions {
  color: boolean;
  /** Columns to wrap at; the CLI passes the terminal's (100 off a terminal). */
  width?: number;
  verbose?: boolean;
  quiet?: boolean;
  exitReason?: string;
}

/** Labels are padded to this, so values line up in one column. */
const LABEL = 10;
const INDENT = '  ';
/** Occurrences shown per secret without --verbose. */
const ALSO = 5;

function paint(c: ChalkInstance, s: Severity): (t: string) => string {
  switch (s) {
    case 'critical':
      return (t) => c.bgRed.white.bold(t);
    case 'high':
      return (t) => c.red.bold(t);
    case 'medium':
      return (t) => c.yellow(t);
    case 'low':
      return (t) => c.cyan(t);
    default:
      return (t) => c.gray(t);
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Lays text out at a width: labelled fields wrap under their value column, commands go whole on a
 * line of their own (a command split mid-word cannot be pasted), and nothing else passes the width.
 */
class Layout {
  readonly lines: string[] = [];
  constructor(
    readonly c: ChalkInstance,
    readonly width: number,
  ) {}

  /** Wrapped at the width; a word longer than a line is broken (paths, ARNs), never a command. */
  wrap(text: string, indent: string, firstIndent = indent): void {
    const room = Math.max(20, this.width - indent.length);
    const wrapped = text.split('\n').flatMap((t) => wrapAnsi(t, room, { hard: true, trim: true }).split('\n'));
    wrapped.forEach((l, i) => this.lines.push(`${i === 0 ? firstIndent : indent}${l}`));
  }

  /** `  label     value`, the value wrapped under itself. */
  field(label: string, value: string, indent = INDENT, labelWidth = LABEL): void {
    if (!value) return;
    const pad = `${indent}${label.padEnd(labelWidth)}  `;
    this.wrap(value, ' '.repeat(pad.length), `${indent}${this.c.dim(label.padEnd(labelWidth))}  `);
  }

  /**
   * `  label     a · b · c`, items packed whole onto lines (an item is split only when it alone is
   * wider than the line), so a name never parts from its count.
   */
  items(label: string, items: string[], indent = INDENT): void {
    if (!items.length) return;
    const pad = ' '.repeat(indent.length + LABEL + 2);
    const room = Math.max(20, this.width - pad.length);
    const lines: string[] = [];
    let cur = '';
    for (const item of items) {
      const next = cur ? `${cur} · ${item}` : item;
      if (cur && stringWidth(next) + 2 > room) {
        lines.push(`${cur} ·`);
        cur = item;
      } else cur = next;
    }
    lines.push(cur);
    this.field(label, lines.join('\n'), indent);
  }

  /**
   * A command on its own line, never split inside a word: a terminal would wrap a line wider than
   * itself mid-word, so a too-wide `a && b` goes on two lines joined by a shell continuation
   * (`a && \` then `b`), which still pastes as one command. A part wider than the terminal by
   * itself stays whole.
   */
  command(cmd: string, indent = INDENT): void {
    // Too wide at its column: from the margin instead.
    if (indent.length + 2 + stringWidth(cmd) > this.width) indent = INDENT;
    const parts = indent.length + 2 + stringWidth(cmd) > this.width ? cmd.split(' && ') : [cmd];
    parts.forEach((part, i) => {
      const lead = i === 0 ? `${this.c.green('$')} ` : '  ';
      this.lines.push(`${indent}${lead}${this.c.bold(part)}${i < parts.length - 1 ? ' && \\' : ''}`);
    });
  }

  heading(text: string): void {
    this.lines.push(this.c.bold.underline(text), '');
  }

  blank(): void {
    if (this.lines.length && this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }
}

function at(l: SourceLocation): string {
  return `${l.path}${l.line ? `:${l.line}:${l.column}` : ''}`;
}

/** Where a secret is, and what git says about it: one labelled field each. */
function sourceFields(o: Layout, f: SecretFinding, report: Report, verbose: boolean): void {
  const { c } = o;
  const loc = f.location;
  o.field('where', c.bold(at(loc)));
  // Several repositories: every finding names its own (one repository: the header names it).
  if (f.repository && (verbose || (report.targets?.length ?? 1) > 1 || report.command === 'audit')) o.field('repo', f.repository);
  if (loc.commit) {
    const who = [loc.author, loc.email ? `<${loc.email}>` : ''].filter(Boolean).join(' ');
    o.field('commit', [c.yellow(loc.commit.slice(0, 12)), who, (loc.date ?? '').slice(0, 10)].filter(Boolean).join(' · '));
    if (loc.message) o.field('message', c.dim(`"${verbose ? loc.message : loc.message.slice(0, 72)}"`));
  }
  const facts: string[] = [];
  if (f.validation) facts.push(f.validation);
  if (f.decoded?.[0]?.encoding === 'strings') facts.push(`in a binary file's printable text, byte ${f.decoded[0].start}`);
  else if (f.decoded?.length) facts.push(`found after decoding ${f.decoded.map((d) => d.encoding).join(' > ')}`);
  if (f.inHead !== null) facts.push(f.inHead ? c.red('still in HEAD') : 'not in HEAD (history only)');
  if (f.occurrences.commits > 1 || f.occurrences.paths > 1) facts.push(`${plural(f.occurrences.commits, 'commit')}, ${plural(f.occurrences.paths, 'path')}, ${plural(f.occurrences.blobs, 'version')}`);
  o.field('facts', facts.join(' · '));
  const others = f.occurrences.locations.slice(1);
  const shown = verbose ? others : others.slice(0, ALSO);
  for (const other of shown) o.field('also', `${at(other)}${other.commit ? ` (${other.commit.slice(0, 12)})` : ''}`);
  if (shown.length < others.length) o.field('', c.dim(`… and ${others.length - shown.length} more (--verbose shows every occurrence)`));
}

function head(o: Layout, f: Finding, name: string): void {
  const { c } = o;
  const sev = paint(c, f.severity)(` ${f.severity.toUpperCase()} `.padEnd(10));
  const tail = [f.risk !== undefined ? `risk ${f.risk}` : '', nhiIdsOf(f).join(',')].filter(Boolean).join(' · ');
  o.wrap(`${sev} ${c.bold(f.title)}${name ? `  ${name}` : ''}${tail ? `  ${c.dim(tail)}` : ''}`, ' '.repeat(11), '');
}

function fix(o: Layout, f: Finding): void {
  if (!f.remediation) return;
  o.field('fix', f.remediation.hint);
  if (f.remediation.command) o.command(f.remediation.command);
}

function secretBlock(o: Layout, f: SecretFinding, report: Report, verbose: boolean): void {
  head(o, f, '');
  o.field('secret', f.secret);
  if (f.identifier && f.identifier !== f.secret) o.field('id', f.identifier);
  sourceFields(o, f, report, verbose);
  fix(o, f);
  o.blank();
}

/** The typed cloud half of a leak, as labelled fields. */
function leakBlock(o: Layout, f: LeakFinding, report: Report, verbose: boolean): void {
  const { c } = o;
  const { state, exposure } = f.cloud;
  head(o, f, '');
  o.field('identity', `${c.bold(f.identity.name)} (${f.identity.kind})`);
  o.field('arn', c.dim(f.identity.arn));
  const key: string[] = [f.credential.id];
  if (state) {
    key.push(state.status === 'Active' ? c.red('Active') : state.status);
    if (state.created) key.push(`created ${state.created.slice(0, 10)}`);
    key.push(state.lastUsed ? `last used ${state.lastUsed.slice(0, 10)}${state.lastUsedService ? ` by ${state.lastUsedService}` : ''}${state.lastUsedRegion ? ` in ${state.lastUsedRegion}` : ''}` : 'never used');
    if (state.from === 'GetAccessKeyLastUsed') key.push('owner from GetAccessKeyLastUsed');
  } else if (f.cloud.match === 'foreign-account') key.push(`account ${f.cloud.account ?? '?'} (not contacted)`);
  else if (f.cloud.match === 'canary') key.push('canary account (not contacted)');
  else key.push('not in the audited account');
  o.field('key', key.join(' · '));
  const exp: string[] = [];
  if (exposure.days !== null) exp.push(`${plural(exposure.days, 'day')} since ${(exposure.since ?? '').slice(0, 10)}`);
  if (f.cloud.usedAfterLeak) exp.push(c.red('used after the leak'));
  if (f.cloud.secretKeyLeakedToo) exp.push('secret key leaked beside it');
  o.field('exposure', exp.join(' · '));
  sourceFields(o, f.leaked, report, verbose);
  fix(o, f);
  o.blank();
}

function evidenceText(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : String(v);
}

/** Cloud findings as one table per identity (worst identity first), with column headers. */
function identityTables(o: Layout, findings: CloudFinding[], verbose: boolean): void {
  const { c } = o;
  const byIdentity = new Map<string, CloudFinding[]>();
  for (const f of findings) byIdentity.set(f.identity.arn, [...(byIdentity.get(f.identity.arn) ?? []), f]);
  // Findings arrive worst first, so a group's first finding is its worst: groups keep that order.
  for (const group of byIdentity.values()) {
    const id = group[0]!.identity;
    const risk = Math.max(...group.map((f) => f.risk ?? 0));
    o.lines.push(`${c.bold(id.name)}  ${c.dim(`${id.kind} · risk ${risk}`)}`);
    o.wrap(c.dim(id.arn), INDENT);
    const nhiW = Math.max(3, ...group.map((f) => nhiIdsOf(f).join(',').length));
    const cols = `${INDENT}${'SEVERITY'.padEnd(8)}  ${'RISK'.padStart(4)}  ${'NHI'.padEnd(nhiW)}  `;
    o.lines.push(c.dim(`${cols}FINDING`));
    for (const f of group) {
      // A secret's credential id is its ARN, already under the identity's name.
      const cred = f.credential && f.credential.id !== id.arn ? ` ${c.dim(f.credential.id)}` : '';
      const lead = `${INDENT}${paint(c, f.severity)(f.severity.toUpperCase().padEnd(8))}  ${String(f.risk ?? '').padStart(4)}  ${(nhiIdsOf(f).join(',') || '-').padEnd(nhiW)}  `;
      o.wrap(`${f.title}${cred}`, ' '.repeat(cols.length), lead);
      if (verbose) {
        const keys = Object.keys(f.evidence);
        const w = Math.max(0, ...keys.map((k) => k.length));
        for (const k of keys) o.field(k, evidenceText(f.evidence[k]), ' '.repeat(cols.length), w);
        if (f.remediation) o.field('fix', f.remediation.hint, ' '.repeat(cols.length), w);
      }
      if (f.remediation?.command) o.command(f.remediation.command, ' '.repeat(cols.length));
    }
    o.blank();
  }
}

/** The header: what was looked at. */
function header(o: Layout, report: Report): void {
  const { c } = o;
  const s = report.summary;
  o.lines.push(c.bold(`nhiscan ${report.version}${report.command ? ` ${report.command}` : ''}`));
  const targets = report.targets ?? [report.target];
  targets.forEach((t, i) => o.field(i === 0 ? (targets.length > 1 ? 'targets' : 'target') : '', t));
  if (report.mode || report.account !== undefined) {
    o.field('account', [report.account ?? 'unknown', report.mode ? `${report.mode}${report.mode === 'offline' ? ' (exports)' : ''}` : ''].filter(Boolean).join(' · '));
    o.field('caller', report.caller ?? (report.mode === 'offline' ? 'none (offline exports)' : 'unknown'));
  }
  if (s.inventory) {
    const i = s.inventory;
    o.field('examined', `${plural(i.identities, 'identity', 'identities')} (${plural(i.users, 'user')}, ${plural(i.roles, 'role')}), ${plural(i.accessKeys, 'access key')}, ${i.secrets === null ? 'secrets not read (no --secrets export)' : plural(i.secrets, 'secret')}`);
  }
  if (s.scan) {
    const st = s.scan;
    const parts = [`${plural(st.blobs, 'blob')}, ${mb(st.bytes)}${st.commits ? ` from ${plural(st.commits, 'commit')}` : ''}`];
    if (st.skippedLarge) parts.push(`${st.skippedLarge} over the size limit skipped`);
    if (st.skippedBinary) parts.push(`${st.skippedBinary} binary read for printable text only`);
    o.field('scanned', parts.join(' · '));
    // What the suppression stage dropped, by reason (src/detect/suppress.ts).
    o.items('dropped', DROP_REASONS.map((why) => [why, st.dropped?.[why] ?? 0] as const).filter(([, n]) => n).map(([why, n]) => `${n} ${why}`));
  }
}

/** Counts by severity, OWASP NHI id and rule. */
function counts(o: Layout, report: Report): void {
  const { c } = o;
  const s = report.summary;
  const sev = SEVERITIES.filter((k) => s.bySeverity[k] > 0).map((k) => paint(c, k)(`${s.bySeverity[k]} ${k}`));
  o.field('findings', `${s.total}${sev.length ? `: ${sev.join(' · ')}` : ''}`);
  if (s.hidden) o.field('shown', `${s.total - s.hidden} (${s.hidden} below --severity not shown)`);
  if (s.muted?.total) o.field('muted', `${s.muted.total} by the mutelist${s.muted.expiredEntries ? ` (${s.muted.expiredEntries} expired entr${s.muted.expiredEntries === 1 ? 'y' : 'ies'} muted nothing)` : ''}`);
  const nhi = NHI_IDS.filter((n) => s.byNhi[n]);
  nhi.forEach((n, i) => o.field(i === 0 ? 'by NHI' : '', `${n} ${NHI_CATALOGUE[n]}: ${s.byNhi[n]}`));
  const rules = Object.entries(s.byRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  o.items('by rule', rules.map(([r, n]) => `${r} ${n}`));
}

export function summaryLine(report: Report, color = false): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const s = report.summary;
  const counted = SEVERITIES.filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`)
    .join(', ');
  const parts = [`${s.total} finding(s)${counted ? ` (${counted})` : ''}`];
  if (s.scan) {
    parts.push(`scanned ${s.scan.blobs} blob(s), ${mb(s.scan.bytes)}${s.scan.commits ? ` from ${s.scan.commits} commit(s)` : ''}`);
    // What the suppression stage dropped, by reason (src/detect/suppress.ts).
    const dropped = DROP_REASONS.map((why) => [why, s.scan!.dropped?.[why] ?? 0] as const).filter(([, n]) => n);
    if (dropped.length) parts.push(`not reported: ${dropped.map(([why, n]) => `${n} ${why}`).join(', ')}`);
    else if (s.scan.suppressed) parts.push(`${s.scan.suppressed} allowed inline`);
  }
  if (report.baseline) {
    const b = report.baseline;
    parts.push(`baseline: ${b.suppressed} known${b.stale.length ? `, ${b.stale.length} stale` : ''}${b.expired.length ? `, ${b.expired.length} expired` : ''}`);
  }
  parts.push(`${(s.durationMs / 1000).toFixed(2)}s`);
  const line = parts.join('; ');
  return report.coverage.complete ? line : `${line}; ${c.red('INCOMPLETE')}`;
}

/**
 * Summary first (what was looked at, then counts), then the findings in headed sections, worst
 * first (severity, then risk), then what could not be read and why the run exits as it does.
 * Every scanned value reaches the terminal escaped (see escape.ts), with or without colour.
 */
export function renderText(unsafe: Report, opts: TextOptions | boolean): string {
  const { color, width = 100, verbose = false, quiet = false, exitReason } = typeof opts === 'boolean' ? { color: opts } : opts;
  const report = displaySafe(unsafe);
  const c = new Chalk({ level: color ? 1 : 0 });
  const o = new Layout(c, width);
  header(o, report);
  o.blank();
  counts(o, report);
  o.blank();
  if (!quiet) {
    const leaks = report.findings.filter(isLeakFinding);
    const secrets = report.findings.filter(isSecretFinding);
    const cloud = report.findings.filter((f): f is CloudFinding => f.kind === 'cloud');
    if (leaks.length) {
      o.heading(`Leaked and live (${leaks.length})`);
      for (const f of leaks) leakBlock(o, f, report, verbose);
    }
    if (secrets.length) {
      // "in git" only when they came from history; a directory or stdin scan has no git.
      o.heading(`${secrets.some((f) => f.location.commit) ? 'Secrets in git' : 'Secrets in files'} (${secrets.length})`);
      for (const f of secrets) secretBlock(o, f, report, verbose);
    }
    if (cloud.length) {
      o.heading(`Cloud identities (${cloud.length})`);
      identityTables(o, cloud, verbose);
    }
    const b = report.baseline;
    if (b) {
      for (const e of b.expired) o.wrap(c.yellow(`baseline entry expired ${e.expires}: ${e.ruleId} at ${e.path} (${e.fingerprint.slice(0, 12)}) now counts as new`), INDENT, '');
      for (const e of b.stale) o.wrap(c.dim(`baseline entry no longer seen (stale): ${e.ruleId} at ${e.path} (${e.fingerprint.slice(0, 12)})`), INDENT, '');
      o.blank();
    }
  }
  for (const g of report.coverage.gaps) o.wrap(c.red(`incomplete: ${g.scope}: ${g.reason}`), INDENT, '');
  o.blank();
  const clean = report.summary.total === 0 && report.coverage.complete;
  o.wrap(clean ? c.green(`✓ ${summaryLine(report)}`) : summaryLine(report, color), INDENT, '');
  if (exitReason) o.wrap(c.bold(exitReason), INDENT, '');
  return `${o.lines.join('\n')}\n`;
}
