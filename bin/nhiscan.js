#!/usr/bin/env node
// Thin shim: all logic lives in the compiled CLI so `npx nhiscan` and `node bin/nhiscan.js` behave the same.
import { main } from '../dist/cli/main.js';

// If the run ends without main() settling, that is a failure, never a clean exit.
process.exitCode = 3;
main(process.argv).then((code) => {
  process.exitCode = code;
});
