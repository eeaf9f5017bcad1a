import { fileURLToPath } from 'node:url';

// The installed package's root, where package.json, bin/, fixtures/ and dist/ live. Every file
// that finds one of those goes through here, so the three layouts that run this code agree: the
// TypeScript sources (src/*.ts, tests) and tsc's output (dist/*.js) sit one level below the root;
// esbuild's bundle (dist/bundle/*.js, all chunks in one folder) sits two, and its build defines
// NHISCAN_BUNDLE (scripts/bundle.mjs) because this module lands in whichever chunk esbuild picks.
declare const NHISCAN_BUNDLE: boolean | undefined;
const up = typeof NHISCAN_BUNDLE === 'boolean' ? '../../' : '../';

export const PACKAGE_ROOT: string = fileURLToPath(new URL(up, import.meta.url));
