// Loads the prefilter's WebAssembly kernel (compiled from ./kernel/prefilter.ts by `npm run build`)
// and lays the automaton's tables out in its memory. One instance per prefilter: each worker
// thread and each matcher has its own memory, so nothing is shared between threads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

export interface KernelTables {
  classes: Uint8Array;
  step: Int32Array;
  width: number;
  firstTerminal: number;
  /** A power of two above every plain state and at or below every terminal one (premultiplied). */
  anyTerminal: number;
  outStart: Int32Array;
  outIds: Int32Array;
  keywords: number;
  maxHits: number;
  overlap: number;
  /** 1 for bytes of the base64 alphabets; runs at least minRun long are reported. */
  base64: Uint8Array;
  /** Each alphabet byte's 6-bit value: the kernel decodes a run to see whether it could be text. */
  sextet: Uint8Array;
  minRun: number;
  /** Longer runs are not decoded, so not reported. */
  maxRun: number;
}

export interface WasmKernel {
  /** Views of the last scan's per-keyword hit counts and positions (valid until the next scan). */
  count: Int32Array;
  positions: Int32Array;
  /** One copy of the blob in, then the keyword pass, and the base64 runs when asked for. */
  scan(data: Uint8Array, wantRuns: boolean): { count: Int32Array; positions: Int32Array; runs: number[] };
}

// Only what is used of the WebAssembly global (its types are not in Node 20's type definitions).
interface Memory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
type Module = object;
interface Wasm {
  Module: new (bytes: Uint8Array) => Module;
  Instance: new (mod: Module, imports: object) => { exports: object };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: Wasm };

interface Exports {
  memory: Memory;
  classesAt(): number;
  stepAt(): number;
  setLayout(...args: number[]): void;
  scan(data: number, n: number, overlap: number, epoch: number): void;
  setBase64(at: number, sextetAt: number): void;
  runs(data: number, n: number, minRun: number, out: number, maxRun: number): number;
}

// Where `npm run build` writes it; the sources (tests), tsc's output and the bundle all read that one.
const KERNEL_FILE = join(PACKAGE_ROOT, 'dist', 'detect', 'kernel', 'prefilter.wasm');

let compiled: Module | null | undefined;

/** The compiled module, or null when the .wasm is absent or this runtime refuses it. */
function kernelModule(): Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    compiled = new WebAssembly.Module(readFileSync(KERNEL_FILE));
  } catch {
    // absent or not loadable: the JS kernel does the same work
  }
  return compiled;
}

const PAGE = 65536;
const align = (n: number): number => (n + 15) & ~15;

/** A kernel over these tables, or null when the module cannot load (NHISCAN_PREFILTER=js forces that). */
export function newWasmKernel(t: KernelTables): WasmKernel | null {
  if (process.env.NHISCAN_PREFILTER === 'js') return null;
  const mod = kernelModule();
  if (!mod) return null;
  const { memory, classesAt, stepAt, setLayout, scan, setBase64, runs } = new WebAssembly.Instance(mod, {}).exports as Exports;
  // The hot loop's two tables go where the module reads them at fixed addresses (the class table
  // first, the step table after it, above what the module keeps for itself); the rest follow.
  const classAt = classesAt();
  const stepsAt = stepAt();
  let at = align(stepsAt + t.step.length * 4);
  const place = (bytes: number): number => {
    const here = at;
    at += align(bytes);
    return here;
  };
  const base64At = place(256);
  const sextetAt = place(256);
  const deadAt = place(t.step.length * 4);
  const outStartAt = place(t.outStart.length * 4);
  const outIdsAt = place(t.outIds.length * 4);
  const countAt = place(t.keywords * 4);
  const positionsAt = place(t.keywords * t.maxHits * 4);
  const dataAt = at;
  let epoch = 0;
  const grow = (n: number): void => {
    const need = dataAt + n;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
  };
  grow(4 * PAGE);
  let data8 = new Uint8Array(memory.buffer);
  const kernel: WasmKernel = {
    count: new Int32Array(memory.buffer, countAt, t.keywords),
    positions: new Int32Array(memory.buffer, positionsAt, t.keywords * t.maxHits),
    scan(data, wantRuns) {
      // The blob, then room for its runs: each is at least minRun bytes and a separator long.
      const runsAt = align(dataAt + data.length);
      const room = 4 * (2 * Math.ceil(data.length / (t.minRun + 1)) + 2);
      if (runsAt + room > memory.buffer.byteLength) {
        grow(runsAt + room - dataAt);
        // Growing detaches the old ArrayBuffer: the views are made again.
        kernel.count = new Int32Array(memory.buffer, countAt, t.keywords);
        kernel.positions = new Int32Array(memory.buffer, positionsAt, t.keywords * t.maxHits);
        data8 = new Uint8Array(memory.buffer);
      }
      data8.set(data, dataAt);
      scan(dataAt, data.length, t.overlap, ++epoch);
      const found: number[] = [];
      if (wantRuns) {
        const k = runs(dataAt, data.length, t.minRun, runsAt, t.maxRun);
        const view = new Int32Array(memory.buffer, runsAt, k);
        for (let j = 0; j < k; j++) found.push(view[j]!);
      }
      return { count: kernel.count, positions: kernel.positions, runs: found };
    },
  };
  // In the module both tables hold byte offsets into the step table: a class times 4, a state times 4.
  new Uint16Array(memory.buffer, classAt, 256).set(Array.from(t.classes, (c) => c * 4));
  new Int32Array(memory.buffer, stepsAt, t.step.length).set(t.step.map((v) => v * 4));
  data8.set(t.base64, base64At);
  data8.set(t.sextet, sextetAt);
  setBase64(base64At, sextetAt);
  new Int32Array(memory.buffer, outStartAt, t.outStart.length).set(t.outStart);
  new Int32Array(memory.buffer, outIdsAt, t.outIds.length).set(t.outIds);
  setLayout(deadAt, outStartAt, outIdsAt, countAt, positionsAt, t.width, t.firstTerminal * 4, t.anyTerminal * 4, t.keywords, t.maxHits);
  return kernel;
}
