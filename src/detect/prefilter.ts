import { DECODE_LIMITS } from './decode.js';
import { newWasmKernel, type KernelTables, type WasmKernel } from './prefilter-wasm.js';
import type { Rule } from './rule.js';

/**
 * Which rules are worth running on a blob, decided in one pass over its raw bytes.
 *
 * An Aho-Corasick automaton over all rule keywords (ASCII, matched case-insensitively) costs the
 * same per byte however many keywords there are, and it runs before the blob is decoded, so blobs
 * without any keyword are never turned into strings at all. A V8 regex alternation of the
 * keywords was measured first: 190 ms for 53 MB with 80 keywords, but its cost grew with every
 * keyword added (2.0 s for the 253 MB bench with 220 keywords, against 0.5 s here).
 */
/** Bytes of the base64 and base64url alphabets (padding is picked up after the run). */
const BASE64_MASK = new Int32Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') BASE64_MASK[ch.charCodeAt(0)] = -1;
/** Each alphabet byte's 6-bit value, base64 and base64url alike (`+`/`-` are 62, `/`/`_` 63). */
const SEXTET = new Uint8Array(256);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'].forEach((ch, i) => (SEXTET[ch.charCodeAt(0)] = i));
SEXTET[0x2b] = SEXTET[0x2d] = 62;
SEXTET[0x2f] = SEXTET[0x5f] = 63;
/** Shortest run worth decoding: 24 base64 characters are 18 bytes. */
export const MIN_RUN = 24;

/**
 * Hit positions kept per keyword and blob. Past this many, the keyword is common in the blob and
 * its rules run over the whole text instead of windows (the windows would cover most of it anyway).
 * An anchored rule's tries are a few characters each, so a keyword as common as "pat" (airtable)
 * is still worth its positions: at 256, airtable-pat searched 3.7 % of curl's bytes whole; at 1024
 * the regex share fell from 11.6 % to 9.4 %, at the same matcher speed (1.2 MiB of positions).
 */
export const MAX_HITS = 1024;

/** What one pass found: the candidate rules, base64 runs, and per rule where its keywords are. */
export interface PassResult {
  rules: number[];
  runs: number[];
  /**
   * Parallel to `rules`: byte offsets where each keyword hit of that rule starts, ascending, or null
   * when the rule must see the whole text (a common keyword, a path rule, a rule without keywords).
   */
  hits: Array<number[] | null>;
}

/**
 * Could data[a, b) be the base64 of text, as decodeBase64() and looksLikeText() in decode.ts judge
 * it? A necessary test only (a run it refuses, the decoder refuses too): at least 12 decoded bytes,
 * valid UTF-8 in shape (a bad sequence decodes to U+FFFD), and at most one in 20 an ASCII control
 * byte (each is a non-printable character, and there are no more characters than bytes). Most
 * base64-alphabet runs in source code are identifiers and paths: decoded, random bytes that fail
 * here without a string being made. The kernel (kernel/prefilter.ts) has the same test.
 */
function textLike(data: Uint8Array, a: number, b: number): boolean {
  let acc = 0;
  let bits = 0;
  let n = 0;
  let ctrl = 0;
  let need = 0; // continuation bytes the current UTF-8 sequence still needs
  for (let i = a; i < b; i++) {
    acc = ((acc << 6) | SEXTET[data[i]!]!) & 0xffffff;
    bits += 6;
    if (bits < 8) continue;
    bits -= 8;
    const byte = (acc >> bits) & 0xff;
    n++;
    if (need > 0) {
      if ((byte & 0xc0) !== 0x80) return false;
      need--;
    } else if (byte < 0x80) {
      if ((byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 13) || byte === 0x7f) ctrl++;
    } else if (byte >= 0xc0 && byte < 0xe0) need = 1;
    else if (byte >= 0xe0 && byte < 0xf0) need = 2;
    else if (byte >= 0xf0 && byte < 0xf8) need = 3;
    else return false;
  }
  return need === 0 && n >= 12 && ctrl * 20 <= n;
}

/**
 * [start, end) byte ranges of base64-alphabet runs at least MIN_RUN long (and at most
 * DECODE_LIMITS.maxSpanLength: longer ones are never decoded) that could decode to text. A run
 * that long holds one of every MIN_RUN-th byte, so only those are looked at, and each hit is grown
 * both ways: most bytes are never read (measured 2-3x faster than a per-byte pass on source code).
 */
export function base64Runs(data: Uint8Array): number[] {
  const runs: number[] = [];
  const n = data.length;
  let floor = 0;
  for (let i = MIN_RUN - 1; i < n; ) {
    if (BASE64_MASK[data[i]!] === 0) {
      i += MIN_RUN;
      continue;
    }
    let a = i;
    while (a > floor && BASE64_MASK[data[a - 1]!] !== 0) a--;
    let b = i + 1;
    while (b < n && BASE64_MASK[data[b]!] !== 0) b++;
    if (b - a >= MIN_RUN && b - a <= DECODE_LIMITS.maxSpanLength && textLike(data, a, b)) runs.push(a, b);
    floor = b;
    i = b + MIN_RUN;
  }
  return runs;
}

export class KeywordPrefilter {
  private readonly classes = new Uint8Array(256);
  private readonly width: number;
  /** Keyword ids recognised on entering each state (own and via suffix links). */
  private readonly outputs: number[][];
  /**
   * The hot loop's table: transitions hold the next state already multiplied by the width (no
   * multiply per byte; measured 1.3-1.5x faster than `delta[s * width + c]` on curl's sources).
   * States are numbered so that every terminal one comes last: "is this a hit" is one compare with
   * `firstTerminal` (premultiplied), not a table load.
   */
  private readonly step: Int32Array;
  private readonly firstTerminal: number;
  /** A power of two at or below firstTerminal and above every plain state (see the renumbering). */
  private readonly anyTerminal: number;
  /** Longest keyword in bytes: how far a split kernel must look back across a boundary. */
  private readonly longest: number;
  private readonly rulesByKeyword: number[][];
  private readonly alwaysRun: number[] = [];
  /** Path-restricted rules with their path test: decided by the path, before any byte is read. */
  private readonly pathRules: Array<{ index: number; paths: { test(path: string): boolean } }> = [];
  private readonly keywordCount: number;
  private readonly keywordsByRule: number[][];
  /** Bytes in each keyword: the kernels record where a hit ends, rules want where it starts. */
  private readonly keywordLength: number[] = [];
  /** Where a pass leaves its hit counts and positions per keyword (MAX_HITS slots each). */
  private count: Uint16Array | Int32Array;
  private positions: Int32Array;
  /** The WebAssembly kernel, or null where it cannot load (the JS loop below gives the same result). */
  private readonly kernel: WasmKernel | null;
  /** JS kernel only: per state, the pass in which it went quiet (all its keywords common). */
  private readonly deadIn: Int32Array;
  private epoch = 0;

  constructor(rules: readonly Rule[], opts: { kernel?: 'wasm' | 'js' } = {}) {
    const keywordIds = new Map<string, number>();
    this.rulesByKeyword = [];
    this.keywordsByRule = rules.map(() => []);
    rules.forEach((rule, i) => {
      // The structured config stage finds these by parsing, not by keyword (Matcher.scan runs it).
      if (rule.structured) return;
      // Path-restricted rules are gated by the path instead: their keywords (":") would match everything.
      if (rule.paths) {
        this.pathRules.push({ index: i, paths: rule.paths });
        return;
      }
      // An empty keyword is in every text: such a rule runs on all of them, like one without any.
      if (rule.keywords.length === 0 || rule.keywords.includes('')) {
        this.alwaysRun.push(i);
        return;
      }
      for (const raw of rule.keywords) {
        const kw = raw.toLowerCase();
        let id = keywordIds.get(kw);
        if (id === undefined) {
          id = keywordIds.size;
          keywordIds.set(kw, id);
          this.rulesByKeyword.push([]);
        }
        this.rulesByKeyword[id]!.push(i);
        this.keywordsByRule[i]!.push(id);
      }
    });
    this.keywordCount = keywordIds.size;
    this.mark = new Int32Array(rules.length);
    for (const [kw, id] of keywordIds) this.keywordLength[id] = Buffer.byteLength(kw, 'latin1');
    this.longest = Math.max(1, ...[...keywordIds.keys()].map((k) => Buffer.byteLength(k, 'latin1')));

    // Byte classes: every byte used in a keyword (folded to lower case) gets its own class; the rest share 0.
    let next = 1;
    for (const kw of keywordIds.keys()) {
      for (const b of Buffer.from(kw, 'latin1')) {
        if (this.classes[b] === 0) {
          this.classes[b] = next;
          const upper = String.fromCharCode(b).toUpperCase().charCodeAt(0);
          if (upper !== b && upper < 256) this.classes[upper] = next;
          next++;
        }
      }
    }
    const width = (this.width = next);

    // The trie: `trie` is a dense lookup (-1: no edge), `kids` each state's edges as (class, state)
    // pairs. Typed arrays, not Maps: building the automaton is on every command's start-up path
    // (`scan --staged` in a hook), so nothing below loops over every (state, byte class) pair in JS.
    let bound = 1;
    for (const kw of keywordIds.keys()) bound += kw.length;
    const trie = new Int32Array(bound * width).fill(-1);
    const own: number[][] = [[]];
    const kids: number[][] = [[]];
    for (const [kw, id] of keywordIds) {
      let s = 0;
      for (let k = 0; k < kw.length; k++) {
        const c = this.classes[kw.charCodeAt(k) & 0xff]!;
        if (trie[s * width + c] === -1) {
          trie[s * width + c] = own.length;
          kids[s]!.push(c, own.length);
          own.push([]);
          kids.push([]);
        }
        s = trie[s * width + c]!;
      }
      own[s]!.push(id);
    }

    // Breadth-first failure links over the trie. A state's own keyword is longer than any reached
    // through its failure link, so the two output lists never share an id.
    const states = own.length;
    const outputs = own;
    const fail = new Int32Array(states);
    const queue = new Int32Array(states);
    let tail = 0;
    for (let i = 1; i < kids[0]!.length; i += 2) queue[tail++] = kids[0]![i]!;
    for (let qi = 0; qi < tail; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      if (outputs[f]!.length) outputs[s] = outputs[s]!.concat(outputs[f]!);
      const edges = kids[s]!;
      for (let i = 0; i < edges.length; i += 2) {
        const c = edges[i]!;
        let g = f;
        let to = trie[g * width + c]!;
        while (to === -1 && g !== 0) {
          g = fail[g]!;
          to = trie[g * width + c]!;
        }
        fail[edges[i + 1]!] = to === -1 ? 0 : to;
        queue[tail++] = edges[i + 1]!;
      }
    }

    // Renumber: non-terminal states first (the root stays 0), terminal ones after them, from the
    // first row at or past a power of two (`anyTerminal`). The rows between are never entered: they
    // let the WebAssembly kernel ask "is any of four states terminal" as one OR and one compare.
    const order = [...Array(states).keys()];
    const plain = order.filter((st) => outputs[st]!.length === 0);
    const terminal = order.filter((st) => outputs[st]!.length > 0);
    // With no plain state (only were a keyword empty, and those rules run whole, above) every state
    // would be terminal: the bound is then 0, and the root stays row 0, where every pass starts.
    let anyTerminal = plain.length === 0 ? 0 : 1;
    while (anyTerminal > 0 && anyTerminal < plain.length * width) anyTerminal *= 2;
    const firstTerminalRow = Math.ceil(anyTerminal / width);
    const rows = firstTerminalRow + terminal.length;
    const newId = new Int32Array(states);
    plain.forEach((st, i) => (newId[st] = i));
    terminal.forEach((st, i) => (newId[st] = firstTerminalRow + i));
    this.firstTerminal = firstTerminalRow * width;
    this.anyTerminal = anyTerminal;
    this.outputs = new Array<number[]>(rows).fill([]);
    for (let st = 0; st < states; st++) this.outputs[newId[st]!] = outputs[st]!;

    // The full table, in the new numbering: a state's row is its failure state's row (one native
    // copy; that row is done, being shallower) with the state's own edges written over it.
    const step = new Int32Array(rows * width);
    for (let i = 0; i < kids[0]!.length; i += 2) step[kids[0]![i]!] = newId[kids[0]![i + 1]!]! * width;
    for (let qi = 0; qi < tail; qi++) {
      const s = queue[qi]!;
      const at = newId[s]! * width;
      const from = newId[fail[s]!]! * width;
      step.copyWithin(at, from, from + width);
      const edges = kids[s]!;
      for (let i = 0; i < edges.length; i += 2) step[at + edges[i]!] = newId[edges[i + 1]!]! * width;
    }
    this.step = step;
    this.deadIn = new Int32Array(rows);

    this.kernel = opts.kernel === 'js' ? null : newWasmKernel(this.tables());
    if (this.kernel) {
      this.count = this.kernel.count;
      this.positions = this.kernel.positions;
    } else {
      this.count = new Uint16Array(this.keywordCount);
      this.positions = new Int32Array(this.keywordCount * MAX_HITS);
    }
  }

  /** Which kernel runs the byte pass: reported under --debug. */
  get kernelName(): 'wasm' | 'js' {
    return this.kernel ? 'wasm' : 'js';
  }

  private tables(): KernelTables {
    const outStart = [0];
    const outIds: number[] = [];
    for (const o of this.outputs) {
      outIds.push(...o);
      outStart.push(outIds.length);
    }
    return {
      classes: this.classes,
      step: this.step,
      width: this.width,
      firstTerminal: this.firstTerminal,
      anyTerminal: this.anyTerminal,
      outStart: Int32Array.from(outStart),
      outIds: Int32Array.from(outIds),
      keywords: this.keywordCount,
      maxHits: MAX_HITS,
      overlap: this.longest - 1,
      base64: Uint8Array.from(BASE64_MASK, (m) => (m ? 1 : 0)),
      sextet: SEXTET,
      minRun: MIN_RUN,
      maxRun: DECODE_LIMITS.maxSpanLength,
    };
  }

  /** Indices of the rules worth running on `data`, in rule order. */
  candidates(data: Uint8Array, path = ''): number[] {
    return this.pass(data, false, path).rules;
  }

  /**
   * One pass over the bytes for both jobs: the rules worth running, with where their keywords are,
   * and (when `runs` is asked for) the byte ranges of base64-alphabet runs long enough to be
   * encoded secrets, so decoding needs no regex pass of its own. `path` decides path rules.
   */
  pass(data: Uint8Array, wantRuns: boolean, path = ''): PassResult {
    let runs: number[];
    if (this.kernel) {
      const result = this.kernel.scan(data, wantRuns);
      this.count = result.count;
      this.positions = result.positions;
      runs = result.runs;
    } else {
      this.jsPass(data);
      runs = wantRuns ? base64Runs(data) : [];
    }
    // Marks per rule instead of Sets: with 219 rules and 328 keywords this is the pass's JS.
    const mark = this.mark;
    const pick = ++this.pickEpoch;
    const whole = this.pathRulesFor(path);
    const rules: number[] = [];
    for (const r of whole) {
      mark[r] = pick;
      rules.push(r);
    }
    const count = this.count;
    for (let id = 0; id < this.keywordCount; id++) {
      if (!count[id]) continue;
      for (const r of this.rulesByKeyword[id]!) {
        if (mark[r] === pick) continue;
        mark[r] = pick;
        rules.push(r);
      }
    }
    // In rule order. A blob picks a few rules, so an insertion sort beats a pass over all 219.
    for (let i = 1; i < rules.length; i++) {
      const r = rules[i]!;
      let j = i - 1;
      for (; j >= 0 && rules[j]! > r; j--) rules[j + 1] = rules[j]!;
      rules[j + 1] = r;
    }
    const hits = rules.map((r) => (whole.includes(r) ? null : this.hitsOf(r)));
    return { rules, runs, hits };
  }

  /** Per rule, the pass that last picked it. */
  private readonly mark: Int32Array;
  private pickEpoch = 0;
  /** The rules a path makes run whole (rules without keywords, and path rules it matches), by path. */
  private readonly byPath = new Map<string, number[]>();

  /**
   * The rules run whole on a blob at `path`, in rule order: decided once per path (a history's blobs
   * are mostly versions of the same files), not by every path rule's regex for every blob.
   */
  private pathRulesFor(path: string): number[] {
    let whole = this.byPath.get(path);
    if (whole) return whole;
    whole = [...this.alwaysRun];
    for (const { index, paths } of this.pathRules) if (path !== '' && paths.test(path)) whole.push(index);
    whole.sort((a, b) => a - b);
    // Bounded: a scan of many distinct paths starts the cache over rather than growing it.
    if (this.byPath.size >= 4096) this.byPath.clear();
    this.byPath.set(path, whole);
    return whole;
  }

  /** The same pass as the WebAssembly kernel's, one automaton in plain JS. */
  private jsPass(data: Uint8Array): void {
    const { classes, step, firstTerminal, width, outputs, deadIn } = this;
    const count = this.count;
    const positions = this.positions;
    const epoch = ++this.epoch;
    count.fill(0);
    let saturated = 0;
    let s = 0;
    const n = data.length;
    for (let i = 0; i < n; i++) {
      s = step[s + classes[data[i]!]!]!;
      if (s < firstTerminal) continue;
      const st = s / width;
      // A state stops being checked once all its keywords are common in this blob.
      if (deadIn[st] === epoch) continue;
      let open = false;
      for (const id of outputs[st]!) {
        const c = count[id]!;
        if (c < MAX_HITS) {
          positions[id * MAX_HITS + c] = i + 1;
          count[id] = c + 1;
          open = true;
        } else if (c === MAX_HITS) {
          count[id] = MAX_HITS + 1;
          saturated++;
        }
      }
      if (!open) deadIn[st] = epoch;
      if (saturated === this.keywordCount) break;
    }
  }

  /** Positions of a rule's keyword hits in the last pass, or null if any of its keywords is common. */
  private hitsOf(rule: number): number[] | null {
    const ids = this.keywordsByRule[rule]!;
    const count = this.count;
    let n = 0;
    for (const id of ids) {
      const c = count[id]!;
      if (c > MAX_HITS) return null;
      n += c;
    }
    if (n > this.sortBuffer.length) this.sortBuffer = new Int32Array(Math.max(n, 2 * this.sortBuffer.length));
    const s = this.sortBuffer;
    let k = 0;
    for (const id of ids) {
      const c = count[id]!;
      const len = this.keywordLength[id]!;
      const base = id * MAX_HITS;
      for (let j = 0; j < c; j++) s[k++] = this.positions[base + j]! - len;
    }
    // The split kernel records the four quarters of a blob in turn: sort, as numbers in a typed
    // array (a comparator sort of plain arrays was nine tenths of this function's time). Two
    // keywords of one rule can start at one place ("http" and "http://"): once is enough.
    const sorted = s.subarray(0, n).sort();
    const out: number[] = [];
    for (let j = 0; j < n; j++) if (j === 0 || sorted[j] !== sorted[j - 1]) out.push(sorted[j]!);
    return out;
  }

  /** Where hitsOf sorts a rule's positions. */
  private sortBuffer = new Int32Array(4096);
}
