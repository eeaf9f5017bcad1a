import { countDrop, type DropCounts, type DropReason } from './suppress.js';
import type { SecretFinding, Severity, SourceLocation } from '../model.js';
import type { Introduction } from '../sources/git/provenance.js';
import type { GateFileChange } from '../sources/git/range.js';
import type { BlobHits } from './engine.js';
import type { FileRule } from './file-rule.js';
import { fingerprint, redact } from './fingerprint.js';
import type { RawMatch } from './matcher.js';
import { attachRawSecret, markRedacted } from '../report/mask.js';
import { fillKeyId } from './fix-hints.js';

const MAX_LOCATIONS = 20;

export interface Provenance {
  /** Where each blob was introduced, oldest first; absent for sources without history. */
  introductions?: Map<string, Introduction[]>;
  /** Blobs present in HEAD's tree; absent for sources without history. */
  inHead?: Set<string>;
}

type Subject = { kind: 'secret'; match: RawMatch } | { kind: 'file'; rule: FileRule };

interface Group {
  subject: Subject;
  places: Array<{ location: SourceLocation; time: number }>;
  blobs: Set<string>;
  inHead: boolean;
}

export interface BuildOptions {
  showSecrets: boolean;
  /** Why a place does not count (an allowlisted path or commit), or null when it does. */
  drop?: (location: SourceLocation) => DropReason | null;
  /** Findings every place of which was dropped, counted once each by the first place's reason. */
  dropped?: DropCounts;
}

/**
 * Nosey Parker's order: match first, then attach provenance, then fold every sighting of the same
 * secret (same rule, same value) into one finding located at its first introduction.
 */
export function buildFindings(hits: BlobHits[], provenance: Provenance, opts: BuildOptions): SecretFinding[] {
  const groups = new Map<string, Group>();
  /** Fingerprints all of whose places so far were dropped, with the reason: counted if none survives. */
  const droppedAs = new Map<string, DropReason>();
  const history = Boolean(provenance.introductions);

  const place = (hit: BlobHits, fp: string, subject: Subject, line: number, column: number, pathOk: (p: string) => boolean): void => {
    const base: SourceLocation = { path: hit.path, line, column };
    if (history) base.blob = hit.key;
    const intros = (provenance.introductions?.get(hit.key) ?? []).filter((i) => pathOk(i.path));
    const places = intros.length
      ? intros.map((i) => ({
          time: i.commit.time,
          location: {
            ...base,
            path: i.path,
            commit: i.commit.commit,
            author: i.commit.author,
            email: i.commit.email,
            date: i.commit.date,
            message: i.commit.message,
          },
        }))
      : [{ time: Number.MAX_SAFE_INTEGER, location: base }];
    let firstReason: DropReason | null = null;
    const kept = opts.drop
      ? places.filter((p) => {
          const why = opts.drop!(p.location);
          firstReason ??= why;
          return why === null;
        })
      : places;
    if (kept.length === 0) {
      if (firstReason && !groups.has(fp) && !droppedAs.has(fp)) droppedAs.set(fp, firstReason);
      return;
    }
    let g = groups.get(fp);
    if (!g) groups.set(fp, (g = { subject, places: [], blobs: new Set(), inHead: false }));
    g.places.push(...kept);
    g.blobs.add(hit.key);
    if (provenance.inHead?.has(hit.key)) g.inHead = true;
  };

  for (const hit of hits) {
    const seenInBlob = new Set<string>();
    for (const match of hit.matches) {
      const fp = fingerprint({ ruleId: match.rule.id, value: match.secret });
      if (seenInBlob.has(fp)) continue;
      seenInBlob.add(fp);
      place(hit, fp, { kind: 'secret', match }, match.line, match.column, () => true);
    }
    for (const rule of hit.files) {
      place(hit, fingerprint({ ruleId: rule.id, value: hit.contentId ?? hit.path }), { kind: 'file', rule }, 0, 0, (p) => rule.path.test(p));
    }
  }

  if (opts.dropped) for (const [fp, why] of droppedAs) if (!groups.has(fp)) countDrop(opts.dropped, why);
  const findings: SecretFinding[] = [];
  for (const [fp, g] of groups) {
    g.places.sort((a, b) => a.time - b.time || a.location.path.localeCompare(b.location.path));
    const firstPerPath = new Map<string, SourceLocation>();
    for (const p of g.places) if (!firstPerPath.has(p.location.path)) firstPerPath.set(p.location.path, p.location);
    const commits = new Set(g.places.map((p) => p.location.commit).filter(Boolean));
    const common = {
      fingerprint: fp,
      location: g.places[0]!.location,
      occurrences: {
        commits: commits.size,
        paths: firstPerPath.size,
        blobs: g.blobs.size,
        locations: [...firstPerPath.values()].slice(0, MAX_LOCATIONS),
      },
      inHead: provenance.inHead ? g.inHead : null,
    };
    if (g.subject.kind === 'file') {
      const { rule } = g.subject;
      const file = {
        kind: 'sensitive-file' as const,
        ruleId: rule.id,
        title: rule.title,
        severity: rule.severity,
        nhi: rule.nhi ?? ['NHI2'],
        provider: rule.provider,
        secret: '',
        validation: rule.content ? 'path and content match' : 'path matches',
        remediation: { hint: rule.revoke },
        ...common,
      };
      findings.push(opts.showSecrets ? file : markRedacted(file));
      continue;
    }
    const { match } = g.subject;
    const { rule } = match;
    const finding: SecretFinding = {
      kind: 'secret',
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      nhi: rule.nhi ?? ['NHI2'],
      provider: rule.provider,
      secret: opts.showSecrets ? match.secret : redact(match.secret),
      validation: match.validation,
      ...(match.identifier ? { identifier: match.identifier } : {}),
      ...(match.account ? { account: match.account } : {}),
      ...(match.decoded ? { decoded: match.decoded } : {}),
      ...(rule.revoke ? { remediation: { hint: fillKeyId(rule.revoke, match.identifier) } } : {}),
      ...common,
    };
    // The same value can sit in the commit message, the author, a path or another finding: the
    // writers mask every occurrence of it (src/report/mask.ts). A secret that is its own public
    // identifier (an AWS access key id) stays readable there, as in `identifier`.
    if (!opts.showSecrets) markRedacted(finding);
    if (!opts.showSecrets && match.secret !== match.identifier) attachRawSecret(finding, match.secret);
    findings.push(finding);
  }
  return findings;
}

/**
 * A range that adds, edits or deletes the gate's own config or baseline. The scan used the base
 * commit's version; this finding makes the change visible to `--fail-on`. Its fingerprint includes
 * the commit, so no baseline entry can pre-approve a future change.
 */
export function gateChangeFinding(change: GateFileChange, base: string, severity: Severity): SecretFinding {
  const ruleId = 'nhiscan-config-changed';
  const verb = change.status.startsWith('A') ? 'adds' : change.status.startsWith('D') ? 'deletes' : 'changes';
  const { commit } = change;
  const location: SourceLocation = {
    path: change.path,
    line: 0,
    column: 0,
    commit: commit.commit,
    author: commit.author,
    email: commit.email,
    date: commit.date,
    message: commit.message,
  };
  return {
    kind: 'sensitive-file',
    ruleId,
    title: `Commit ${verb} the scanner's own ${change.path}`,
    severity,
    nhi: [],
    provider: 'nhiscan',
    secret: '',
    fingerprint: fingerprint({ ruleId, value: `${change.path}@${commit.commit}` }),
    location,
    occurrences: { commits: 1, paths: 1, blobs: 0, locations: [location] },
    inHead: null,
    validation: `this scan applied ${change.path} as of the range's base ${base.slice(0, 12)}, not this commit's version`,
    remediation: { hint: `review the change to ${change.path}; it takes effect for scans of later ranges once merged` },
  };
}
