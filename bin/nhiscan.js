#!/usr/bin/env node
// Thin shim: all logic lives in the compiled CLI so `npx nhiscan` and `node bin/nhiscan.js` behave the same.
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
