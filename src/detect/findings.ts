import type { SecretFinding, SourceLocation } from '../model.js';
import type { Introduction } from '../sources/git/provenance.js';
import type { BlobHits } from './engine.js';
import { fingerprint, redact } from './fingerprint.js';
import type { RawMatch } from './matcher.js';

const MAX_LOCATIONS = 20;

export interface Provenance {
  /** Where each blob was introduced, oldest first; absent for sources without history. */
  introductions?: Map<string, Introduction[]>;
  /** Blobs present in HEAD's tree; absent for sources without history. */
  inHead?: Set<string>;
}

interface Group {
  match: RawMatch;
  places: Array<{ location: SourceLocation; time: number }>;
  blobs: Set<string>;
  inHead: boolean;
}

/**
 * Nosey Parker's order: match first, then attach provenance, then fold every sighting of the same
 * secret (same rule, same value) into one finding located at its first introduction.
 */
export function buildFindings(
  hits: BlobHits[],
  provenance: Provenance,
  opts: { showSecrets: boolean; keep?: (location: SourceLocation) => boolean },
): SecretFinding[] {
  const groups = new Map<string, Group>();
  const history = Boolean(provenance.introductions);
  for (const hit of hits) {
    const intros = provenance.introductions?.get(hit.key);
    const seenInBlob = new Set<string>();
    for (const match of hit.matches) {
      const fp = fingerprint(match.rule.id, match.secret);
      if (seenInBlob.has(fp)) continue;
      seenInBlob.add(fp);
      const base: SourceLocation = { path: hit.path, line: match.line, column: match.column };
      if (history) base.blob = hit.key;
      const places = intros?.length
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
      const kept = opts.keep ? places.filter((p) => opts.keep!(p.location)) : places;
      if (kept.length === 0) continue;
      let g = groups.get(fp);
      if (!g) groups.set(fp, (g = { match, places: [], blobs: new Set(), inHead: false }));
      g.places.push(...kept);
      g.blobs.add(hit.key);
      if (provenance.inHead?.has(hit.key)) g.inHead = true;
    }
  }

  const findings: SecretFinding[] = [];
  for (const [fp, g] of groups) {
    g.places.sort((a, b) => a.time - b.time || a.location.path.localeCompare(b.location.path));
    const firstPerPath = new Map<string, SourceLocation>();
    for (const p of g.places) if (!firstPerPath.has(p.location.path)) firstPerPath.set(p.location.path, p.location);
    const commits = new Set(g.places.map((p) => p.location.commit).filter(Boolean));
    const { rule } = g.match;
    const location = g.places[0]!.location;
    findings.push({
      kind: 'secret',
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      nhi: rule.nhi ?? ['NHI2'],
      fingerprint: fp,
      provider: rule.provider,
      secret: opts.showSecrets ? g.match.secret : redact(g.match.secret),
      location,
      occurrences: {
        commits: commits.size,
        paths: firstPerPath.size,
        blobs: g.blobs.size,
        locations: [...firstPerPath.values()].slice(0, MAX_LOCATIONS),
      },
      inHead: provenance.inHead ? g.inHead : null,
      validation: g.match.validation,
      ...(g.match.identifier ? { identifier: g.match.identifier } : {}),
      ...(g.match.account ? { account: g.match.account } : {}),
      ...(rule.revoke ? { remediation: { hint: rule.revoke } } : {}),
    });
  }
  return findings;
}
