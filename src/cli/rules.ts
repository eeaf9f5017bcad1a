import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { UsageError } from '../errors.js';
import { FileMatcher } from '../detect/file-matcher.js';
import type { FileRule } from '../detect/file-rule.js';
import { exampleProblems } from '../detect/rules/examples.js';
import { Matcher } from '../detect/matcher.js';
import { registry, ruleInfo, type RegisteredRule, type RuleInfo } from '../detect/registry.js';
import type { Rule } from '../detect/rule.js';
import { escapeControl, jsonSafe } from '../report/escape.js';
import { withGlobalOptions, writeStdout } from './common.js';

interface RulesFlags {
  format: 'text' | 'json';
  config?: string;
  debug?: boolean;
}

/** What a rule is under the config: `[rules] severity` changes its severity, `disable` turns it off. */
interface Listed extends RuleInfo {
  enabled: boolean;
}

function listed(config: Config): Array<RegisteredRule & { enabled: boolean }> {
  return registry(config).map((e) => ({ ...e, severity: config.severity.get(e.id) ?? e.severity, enabled: !config.disabledRules.has(e.id) }));
}

/** The default config is `.nhiscan.toml` in the current directory, as `scan .` would use. */
function configOf(flags: RulesFlags): Promise<Config> {
  return loadConfig(flags.config, '.');
}

const WIDTH = 100;

/** Cut to `n` characters (code points), marking the cut; escaping comes first, so it is counted. */
function fit(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, Math.max(0, n - 1)).join('')}…`;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - [...s].length));
}

/**
 * One line a rule: id, kind, severity, provider, title, in columns sized to the data but never
 * wider than 100 columns. Every field is escaped: a `[[rule]]` title can hold terminal controls.
 */
export function listText(rules: Listed[]): string {
  const rows = rules.map((r) => [r.id, r.kind, r.enabled ? r.severity : 'off', r.provider, r.title].map(escapeControl));
  const caps = [40, 13, 8, 14];
  const widths = caps.map((cap, c) => Math.min(cap, Math.max(...rows.map((row) => [...row[c]!].length), 1)));
  const titleWidth = WIDTH - widths.reduce((a, b) => a + b + 1, 0);
  return rows.map((row) => `${widths.map((w, c) => pad(fit(row[c]!, w), w)).join(' ')} ${fit(row[4]!, titleWidth)}`.trimEnd() + '\n').join('');
}

interface Failure {
  rule: string;
  example: 'positive' | 'negative';
  /** 1-based, in the rule's own list. */
  index: number;
  problem: string;
  /** What the scanner reported instead, masked like a report masks secrets. */
  reported: Array<{ rule: string; secret: string }>;
}

interface CheckResult {
  rules: number;
  examples: number;
  failures: Failure[];
  /** Rules `[rules] disable` turns off: the scanner does not run them, so neither does the check. */
  disabled: string[];
  /** `[[rule]]` tables without examples: nothing to check (not a failure; a built-in must have some). */
  untested: string[];
}



/**
 * Every example through the scanner a scan would build: one Matcher of all enabled content rules
 * (custom ones first, as in a scan) and one FileMatcher of all enabled file rules. A positive must
 * be reported by its own rule; a negative by no rule at all.
 */
function check(config: Config): { result: CheckResult; gaps: string[] } {
  const entries = listed(config);
  const on = entries.filter((e) => e.enabled);
  // Severity does not change what is found; the rule objects are used as they are.
  const content = [...on.filter((e) => e.kind === 'config-custom'), ...on.filter((e) => e.kind === 'content' || e.kind === 'structured')].map(
    (e) => e.rule as Rule,
  );
  const matcher = new Matcher(content, { decodeDepth: 1 });
  const files = new FileMatcher(on.filter((e) => e.kind === 'file').map((e) => e.rule as FileRule));
  const result: CheckResult = { rules: 0, examples: 0, failures: [], disabled: entries.filter((e) => !e.enabled).map((e) => e.id), untested: [] };
  const fail = (f: Failure) => result.failures.push(f);

  for (const e of on) {
    // The gate's check is about a range's own commits, a cloud rule about an AWS inventory: neither
    // has text to run examples on (the cloud rules' tests are test/cloud-rules*.test.ts).
    if (e.kind === 'gate' || e.kind === 'cloud') continue;
    result.rules++;
    const ex = e.rule.examples;
    if (ex.positive.length === 0) {
      if (e.kind === 'config-custom') result.untested.push(e.id);
      else fail({ rule: e.id, example: 'positive', index: 0, problem: 'has no positive example', reported: [] });
    }
    if (e.kind === 'file') {
      const bytes = (c?: string) => Buffer.from(c ?? '\u0000\u0001\u0002\u0003');
      (e.rule as FileRule).examples.positive.forEach((x, i) => {
        result.examples++;
        const hits = files.match(x.path, bytes(x.content)).map((r) => r.id);
        if (!hits.includes(e.id)) fail({ rule: e.id, example: 'positive', index: i + 1, problem: 'not reported by its rule', reported: hits.map((id) => ({ rule: id, secret: '' })) });
      });
      (e.rule as FileRule).examples.negative.forEach((x, i) => {
        result.examples++;
        const hits = files.match(x.path, bytes(x.content)).map((r) => r.id);
        if (hits.length) fail({ rule: e.id, example: 'negative', index: i + 1, problem: 'reported', reported: hits.map((id) => ({ rule: id, secret: '' })) });
      });
      continue;
    }
    result.examples += e.rule.examples.positive.length + e.rule.examples.negative.length;
  }
  // Content and structured rules: the same check test/rules.test.ts runs (src/detect/rules/examples.ts):
  // each positive reported by its own rule at exactly its secret's span and by nothing else, each
  // negative by nothing, and a near-miss negative for every built-in rule. Problems name rule ids
  // and spans, never the matched text.
  const custom = new Set(on.filter((e) => e.kind === 'config-custom').map((e) => e.rule));
  for (const p of exampleProblems(content, { matcher, needsNearMiss: (r) => !custom.has(r) })) {
    const m = /^(positive|negative)(?:\[(\d+)\])?$/.exec(p.example);
    fail({ rule: p.rule, example: m?.[1] === 'positive' ? 'positive' : 'negative', index: m?.[2] === undefined ? 0 : Number(m[2]) + 1, problem: p.problem, reported: [] });
  }
  // A custom regex stopped for being too slow did not see its whole example: that is not a pass.
  return { result, gaps: matcher.gaps().map((g) => `${g.scope}: ${g.reason}`) };
}

function failureLine(f: Failure): string {
  const which = f.index ? `${f.example} example ${f.index}` : 'examples';
  const by = f.reported.map((r) => (r.secret ? `${r.rule} (${r.secret})` : r.rule)).join(', ');
  const said = !by ? f.problem : f.example === 'negative' ? `${f.problem} by ${by}` : `${f.problem}; found: ${by}`;
  return `${escapeControl(`FAIL ${f.rule} ${which}: ${said}`)}\n`;
}

function summaryLine(r: CheckResult): string {
  const parts = [`rules check: ${r.rules} rule(s), ${r.examples} example(s), ${r.failures.length} failure(s)`];
  if (r.disabled.length) parts.push(`${r.disabled.length} disabled rule(s) not checked`);
  if (r.untested.length) parts.push(`${r.untested.length} [[rule]] without examples: ${r.untested.join(', ')}`);
  return `${escapeControl(parts.join('; '))}\n`;
}

function formatOption(): Option {
  return new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text');
}

export function rulesCommand(setExit: (code: number) => void): Command {
  const list = new Command('list')
    .description('list every rule: content, structured, file, cloud (AWS) and the config’s own [[rule]] tables')
    .addOption(formatOption())
    .option('-c, --config <file>', 'config file (default: .nhiscan.toml in the current directory)');
  withGlobalOptions(list);
  list.action(async (flags: RulesFlags) => {
    const config = await configOf(flags);
    const rules: Listed[] = listed(config).map((e) => ({ ...ruleInfo(e), enabled: e.enabled }));
    await writeStdout(flags.format === 'json' ? `${jsonSafe(JSON.stringify(rules, null, 2))}\n` : listText(rules));
    setExit(0);
  });

  const checkCmd = new Command('check')
    .description("run every rule's examples through the whole scanner: exit 1 if any positive is missed or any negative reported")
    .addOption(formatOption())
    .option('-c, --config <file>', 'config file (default: .nhiscan.toml in the current directory)');
  withGlobalOptions(checkCmd);
  checkCmd.action(async (flags: RulesFlags) => {
    const config = await configOf(flags);
    const { result, gaps } = check(config);
    const text = flags.format === 'json' ? `${jsonSafe(JSON.stringify({ ...result, complete: gaps.length === 0, gaps }, null, 2))}\n` : result.failures.map(failureLine).join('') + summaryLine(result);
    await writeStdout(text);
    if (gaps.length) {
      process.stderr.write(`nhiscan: incomplete: ${escapeControl(gaps[0]!)}${gaps.length > 1 ? ` (+${gaps.length - 1} more)` : ''}\n`);
      setExit(3);
      return;
    }
    setExit(result.failures.length ? 1 : 0);
  });

  const rules = new Command('rules').description('list the detection rules, or check them against their own examples').addCommand(list).addCommand(checkCmd);
  // Bare `nhiscan rules`: one usage line (commander would print the whole help on stderr).
  // Commander quotes an unknown word back; it is not echoed (it could be a pasted secret).
  rules.helpCommand(true).allowExcessArguments(true).action((_opts: unknown, cmd: Command) => {
    throw new UsageError(`${cmd.args.length ? 'unknown rules command' : 'rules needs a command'}: list or check (see nhiscan rules --help)`);
  });
  return rules;
}
