#!/usr/bin/env node
// Thin shim: all logic lives in the compiled CLI so `npx nhiscan` and `node bin/nhiscan.js` behave the same.
// With --debug, stacks name the sources (src/...ts:line) where the bundle's source maps are present
// (a checkout; the package leaves them out). Set before the bundle loads: node reads a module's map
// only when it compiles it with source maps on.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
const { main, settled } = await import('../dist/bundle/main.js');

// If the run ends without main() settling, that is a failure, never a clean exit.
process.exitCode = 3;
// Anything that escapes main() is a runtime error: one line, exit 3, never Node's stack dump.
const crash = (err) => {
  const msg = String(err && err.message ? err.message : err).split('\n')[0].replace(/[A-Za-z0-9+_=.~-]{20,}/g, '[redacted]');
  process.stderr.write(`nhiscan: unexpected error: ${msg}${process.argv.includes('--debug') && err && err.stack ? `\n${err.stack}` : ''}\n`);
  process.exit(3);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
main(process.argv).then((code) => {
  process.exitCode = code;
  settled();
});
