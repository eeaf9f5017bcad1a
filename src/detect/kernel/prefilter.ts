// AssemblyScript, compiled to WebAssembly by `npm run build` (asc): the prefilter's hot loop. The
// JS side (../prefilter.ts) builds an Aho-Corasick automaton and lays its tables out in this
// module's memory (../prefilter-wasm.ts); scan() runs it over one blob and leaves, per keyword, how
// many times it was seen (capped) and where. The result is the JS kernel's exactly: a test runs
// both on the same inputs.
//
// Why this is faster than the same loop in JS (measured 1.1-1.3 GB/s against 0.3 GB/s on curl's
// sources): one automaton is a chain of dependent loads (the next state needs the last), so a CPU
// runs it at one load latency per byte. Four automata over four quarters of the blob, stepped in
// turn, are four independent chains the CPU overlaps. Each quarter after the first starts
// (longest keyword - 1) bytes early in the root state, so a keyword across a boundary is still
// seen, and reports only hits that end inside its own quarter, so none is counted twice. Terminal
// states are numbered last, so "did any of the four reach one" is one compare of the four states
// folded together (an OR of the four against a power of two), not four table loads.
//
// The loop is bound by how many instructions a byte costs, not by the loads' latency (eight
// automata were slower than four: their states no longer fit in registers). So the two tables it
// reads sit at fixed addresses, where a table's base is a constant the compiler folds into the load
// instruction, and both hold byte offsets into the step table rather than indices, so no shift is
// needed: a step is three loads, two adds and a shift of the byte. On 360 MB of curl's blobs the
// whole pass (with its JS) went from 0.98 to 1.24 GB/s (bench/walk-order-ab.mjs). Classes are 16 bits wide,
// so any number of them fits (8-bit ones were 3% faster, but hold at most 64 classes).
// CLASSES_AT and STEP_AT are exported for the JS side, which lays the tables out there.
const CLASSES_AT: usize = 1024; // u16[256]              byte -> 4 * class
const STEP_AT: usize = 2048; //    i32[states*width]     4 * (premultiplied next state) at (4 * premultiplied state + 4 * class)

export function classesAt(): usize {
  return CLASSES_AT;
}

export function stepAt(): usize {
  return STEP_AT;
}

// The other addresses and sizes, set once by setLayout(). States below are byte offsets into the
// step table (4 * premultiplied state), as the table holds them.
let dead: usize = 0; //      i32[states*width]      at a terminal state: the epoch (blob) in which it went quiet
let outStart: usize = 0; //  i32[states+1]          state st's keyword ids are outIds[outStart[st]..outStart[st+1])
let outIds: usize = 0; //    i32[]
let count: usize = 0; //     i32[keywords]          hits seen, capped at maxHits + 1
let positions: usize = 0; // i32[keywords*maxHits]  byte offsets just past each hit
let rowBytes: i32 = 4; //    4 * width
let firstTerminal: i32 = 0; // every state at or past it is terminal
let anyTerminal: i32 = 0; // a power of two: no plain state reaches it, and every terminal one does
let keywords: i32 = 0;
let maxHits: i32 = 0;
let saturated: i32 = 0;
let epoch: i32 = 0;

export function setLayout(
  deadAt: usize,
  outStartAt: usize,
  outIdsAt: usize,
  countAt: usize,
  positionsAt: usize,
  classWidth: i32,
  terminalFrom: i32,
  terminalBound: i32,
  keywordCount: i32,
  hitsPerKeyword: i32,
): void {
  dead = deadAt;
  outStart = outStartAt;
  outIds = outIdsAt;
  count = countAt;
  positions = positionsAt;
  rowBytes = classWidth << 2;
  firstTerminal = terminalFrom;
  anyTerminal = terminalBound;
  keywords = keywordCount;
  maxHits = hitsPerKeyword;
}

/** Records a hit ending at `end` in terminal state s; true once every keyword is common. */
function hit(s: i32, end: i32): bool {
  if (load<i32>(dead + <usize>s) == epoch) return false;
  const st = s / rowBytes;
  const a = load<i32>(outStart + (<usize>st << 2));
  const b = load<i32>(outStart + (<usize>(st + 1) << 2));
  let open = false;
  for (let j = a; j < b; j++) {
    const id = load<i32>(outIds + (<usize>j << 2));
    const at = count + (<usize>id << 2);
    const c = load<i32>(at);
    if (c < maxHits) {
      store<i32>(positions + (<usize>(id * maxHits + c) << 2), end);
      store<i32>(at, c + 1);
      open = true;
    } else if (c == maxHits) {
      store<i32>(at, c + 1);
      saturated++;
    }
  }
  // All of this state's keywords are common here: stop reporting it for the rest of this blob.
  if (!open) store<i32>(dead + <usize>s, epoch);
  return saturated == keywords;
}

/** The state after byte data[i] from state s. */
@inline function next(s: i32, data: usize, i: i32): i32 {
  const c = <i32>load<u16>(<usize>load<u8>(data + <usize>i) << 1, CLASSES_AT);
  return load<i32>(<usize>(s + c), STEP_AT);
}

/** One automaton over data[from, to) from state s, reporting hits that end after reportAfter. */
function single(data: usize, from: i32, to: i32, s: i32, reportAfter: i32): bool {
  const t = firstTerminal;
  for (let i = from; i < to; i++) {
    s = next(s, data, i);
    if (s >= t && i + 1 > reportAfter && hit(s, i + 1)) return true;
  }
  return false;
}

/**
 * Scans data[0, n). `overlap` is the longest keyword's length minus one; `passEpoch` must differ
 * from every earlier call's (it is how states silenced in the last blob come back to life).
 */
export function scan(data: usize, n: i32, overlap: i32, passEpoch: i32): void {
  epoch = passEpoch;
  saturated = 0;
  memory.fill(count, 0, <usize>keywords << 2);
  if (keywords == 0) return;
  const q = n >> 2;
  // Short blobs (and quarters not much longer than the overlap) are not worth splitting.
  if (q < 256 || q <= overlap) {
    single(data, 0, n, 0, -1);
    return;
  }
  const t = firstTerminal;
  const any = anyTerminal;
  const b1 = q;
  const b2 = 2 * q;
  const b3 = 3 * q;
  let i0: i32 = 0;
  let i1: i32 = b1 - overlap;
  let i2: i32 = b2 - overlap;
  let i3: i32 = b3 - overlap;
  let s0: i32 = 0;
  let s1: i32 = 0;
  let s2: i32 = 0;
  let s3: i32 = 0;
  // The first quarter is the shortest (no overlap): step all four that many times.
  for (; i0 < b1; i0++, i1++, i2++, i3++) {
    s0 = next(s0, data, i0);
    s1 = next(s1, data, i1);
    s2 = next(s2, data, i2);
    s3 = next(s3, data, i3);
    // Plain states are all below `any`, a power of two, and terminal ones at or above it: the OR
    // of the four reaches it exactly when one of them is terminal.
    if ((s0 | s1 | s2 | s3) < any) continue;
    if (s0 >= t && hit(s0, i0 + 1)) return;
    if (s1 >= t && i1 + 1 > b1 && hit(s1, i1 + 1)) return;
    if (s2 >= t && i2 + 1 > b2 && hit(s2, i2 + 1)) return;
    if (s3 >= t && i3 + 1 > b3 && hit(s3, i3 + 1)) return;
  }
  if (single(data, i1, b2, s1, b1)) return;
  if (single(data, i2, b3, s2, b2)) return;
  single(data, i3, n, s3, b3);
}

// Base64 runs: the same search as base64Runs() in ../prefilter.ts, here because in JS it cost as
// much as the keyword pass itself. A run at least minRun long holds one of every minRun-th byte,
// so only those are looked at and each hit is grown both ways.
let base64: usize = 0; // u8[256]: 1 for bytes of the base64 and base64url alphabets
let sextet: usize = 0; // u8[256]: each alphabet byte's 6-bit value (`+`/`-` 62, `/`/`_` 63)

export function setBase64(tableAt: usize, sextetAt: usize): void {
  base64 = tableAt;
  sextet = sextetAt;
}

/**
 * Could data[a, b) be the base64 of text, as decodeBase64() and looksLikeText() in ../decode.ts
 * judge it? A necessary test only, so that a run it refuses is one the decoder would refuse too:
 * the decoded bytes must be at least 12, valid UTF-8 in shape (a bad sequence decodes to U+FFFD),
 * and at most one in 20 an ASCII control byte (each is a non-printable character, and there are
 * at most as many characters as bytes). Identifiers and paths in source code are most base64-
 * alphabet runs; decoded they are random bytes, and almost all fail here, without a string made.
 */
function textLike(data: usize, a: i32, b: i32): bool {
  let acc: u32 = 0;
  let bits: i32 = 0;
  let n: i32 = 0;
  let ctrl: i32 = 0;
  let need: i32 = 0; // continuation bytes the current UTF-8 sequence still needs
  for (let i = a; i < b; i++) {
    acc = (acc << 6) | <u32>load<u8>(sextet + <usize>load<u8>(data + <usize>i));
    bits += 6;
    if (bits < 8) continue;
    bits -= 8;
    const byte = (acc >> <u32>bits) & 0xff;
    n++;
    if (need > 0) {
      if ((byte & 0xc0) != 0x80) return false;
      need--;
    } else if (byte < 0x80) {
      if ((byte < 0x20 && byte != 9 && byte != 10 && byte != 13) || byte == 0x7f) ctrl++;
    } else if (byte >= 0xc0 && byte < 0xe0) need = 1;
    else if (byte >= 0xe0 && byte < 0xf0) need = 2;
    else if (byte >= 0xf0 && byte < 0xf8) need = 3;
    else return false;
  }
  return need == 0 && n >= 12 && ctrl * 20 <= n;
}

/** Keeps the run data[a, b) when its length is in range and it could decode to text; returns the new count. */
@inline function keep(data: usize, a: i32, b: i32, minRun: i32, maxRun: i32, out: usize, k: i32): i32 {
  if (b - a >= minRun && b - a <= maxRun && textLike(data, a, b)) {
    store<i32>(out + (<usize>k << 2), a);
    store<i32>(out + (<usize>(k + 1) << 2), b);
    return k + 2;
  }
  return k;
}

// The alphabet as nibble tables: a byte is of it when the groups its high nibble allows and the
// groups its low nibble allows share a bit. Groups: bit 0 `+` `-` `/` (high 2, low B D F), bit 1
// the digits (3, 0-9), bit 2 A-O and a-o (4 and 6, 1-F), bit 3 P-Z and `_` (5, 0-A and F), bit 4
// p-z (7, 0-A). High nibbles 8-F allow none. Two table lookups and an AND replace eleven compares
// and ORs; the search it feeds cost a fifth of the keyword kernel's time.
const HI_GROUPS = i8x16(0, 0, 1, 2, 4, 8, 4, 16, 0, 0, 0, 0, 0, 0, 0, 0);
const LO_GROUPS = i8x16(26, 30, 30, 30, 30, 30, 30, 30, 30, 30, 28, 5, 4, 5, 4, 13);

/** One bit a byte of data[p, p+16): set for the base64 and base64url alphabets (BASE64_MASK in ../prefilter.ts). */
@inline function alphabet16(p: usize): u64 {
  const c = v128.load(p);
  const hi = i8x16.swizzle(HI_GROUPS, i8x16.shr_u(c, 4));
  const lo = i8x16.swizzle(LO_GROUPS, v128.and(c, i8x16.splat(0x0f)));
  return <u64>(~i8x16.bitmask(i8x16.eq(v128.and(hi, lo), i8x16.splat(0))) & 0xffff);
}

@inline function alphabet64(p: usize): u64 {
  return alphabet16(p) | (alphabet16(p + 16) << 16) | (alphabet16(p + 32) << 32) | (alphabet16(p + 48) << 48);
}

/** The end of the alphabet run that holds data[from - 1]: the first byte at or after `from` outside it. */
function runEnd(data: usize, n: i32, from: i32): i32 {
  let b = from;
  while (b + 16 <= n && alphabet16(data + <usize>b) == 0xffff) b += 16;
  while (b < n && load<u8>(base64 + <usize>load<u8>(data + <usize>b)) != 0) b++;
  return b;
}

/**
 * The sampled search (every minRun-th byte looked at, each hit grown both ways) over data[from, n),
 * where data[from - 1] is not of the alphabet (or from is 0).
 */
function runsFrom(data: usize, from: i32, n: i32, minRun: i32, out: usize, maxRun: i32, k: i32): i32 {
  let floor: i32 = from;
  let i: i32 = from + minRun - 1;
  while (i < n) {
    if (load<u8>(base64 + <usize>load<u8>(data + <usize>i)) == 0) {
      i += minRun;
      continue;
    }
    let a = i;
    while (a > floor && load<u8>(base64 + <usize>load<u8>(data + <usize>(a - 1))) != 0) a--;
    let b = i + 1;
    while (b < n && load<u8>(base64 + <usize>load<u8>(data + <usize>b)) != 0) b++;
    k = keep(data, a, b, minRun, maxRun, out, k);
    floor = b;
    i = b + minRun;
  }
  return k;
}

/**
 * Writes [start, end) pairs of the runs of data[0, n) at out that could decode to text (at least
 * minRun, at most maxRun long: longer ones are not decoded); returns how many numbers it wrote.
 *
 * Why SIMD: in source code most bytes are of the alphabet (identifiers), so the sampled search
 * grew a run at nearly every sample, a table load and a hard-to-predict branch per byte; it cost a
 * third as much as the keyword pass. Here 64 bytes become a 64-bit mask in a few vector ops, and
 * a block with no run of minRun set bits (most of them) costs a handful of bit operations. The
 * runs found are the same maximal runs: a test holds both to the JS base64Runs() on every input.
 * minRun must be 16 to 32 (the shifts below build a run of 16, then extend it).
 */
export function runs(data: usize, n: i32, minRun: i32, out: usize, maxRun: i32): i32 {
  let k: i32 = 0;
  let p: i32 = 0;
  // Start of the alphabet run that reaches data[p - 1] from earlier blocks, or -1 if data[p - 1]
  // is not of the alphabet, or its run was already judged.
  let open: i32 = -1;
  const extend = <u64>(minRun - 16);
  while (p + 64 <= n) {
    const m = alphabet64(data + <usize>p);
    if (open >= 0) {
      // Alphabet bytes at the block's start continue the open run.
      const lead = <i32>ctz<u64>(~m);
      if (p + lead - open >= minRun) {
        const b = lead < 64 ? p + lead : runEnd(data, n, p + 64);
        k = keep(data, open, b, minRun, maxRun, out, k);
        open = -1;
        p = b; // data[b] is not of the alphabet: the next block starts clear
        continue;
      }
      // It ended short; its bytes here are too few to make a run of their own below.
    }
    // Bit i of r: bytes i .. i + minRun - 1 of the block are all of the alphabet.
    let r = m & (m >> 1);
    r &= r >> 2;
    r &= r >> 4;
    r &= r >> 8;
    r &= r >> extend;
    if (r != 0) {
      // The lowest such bit starts a run: the byte before it is outside the alphabet.
      const a = p + <i32>ctz<u64>(r);
      const b = runEnd(data, n, a + minRun);
      k = keep(data, a, b, minRun, maxRun, out, k);
      open = -1;
      p = b;
      continue;
    }
    const tail = <i32>clz<u64>(~m); // alphabet bytes at the block's end, carried into the next
    // (A block all of the alphabet had a run above, so this one ends inside it.)
    open = tail > 0 ? p + 64 - tail : -1;
    p += 64;
  }
  return runsFrom(data, open >= 0 ? open : p, n, minRun, out, maxRun, k);
}
