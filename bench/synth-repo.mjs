// Builds a synthetic repository with git fast-import: many commits of realistic-looking source,
// config and docs, a handful of planted secrets (one deleted later, one on a side branch).
// Deterministic (seeded), so figures from different runs describe the same repository.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { crc32 } from 'node:zlib';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('const let return function async await import export default class extends new this if else for while '
  + 'switch case break continue try catch finally throw null undefined true false request response config options '
  + 'user account service client server handler router middleware session token secret password key value data '
  + 'result error message status code logger debug info warn cache store queue worker retry timeout limit offset '
  + 'query params headers body json parse stringify encode decode hash crypto random buffer stream file path').split(' ');
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function b62(n, w) {
  let o = '';
  let v = n >>> 0;
  while (v > 0) { o = B62[v % 62] + o; v = Math.floor(v / 62); }
  return o.padStart(w, '0');
}

function makeLine(r) {
  const kind = r();
  const w = () => WORDS[Math.floor(r() * WORDS.length)];
  const ident = () => `${w()}${w()[0].toUpperCase()}${w().slice(1)}`;
  if (kind < 0.25) return `  const ${ident()} = ${ident()}.${w()}(${w()}, ${Math.floor(r() * 1000)});`;
  if (kind < 0.40) return `  if (${ident()} && ${ident()}.${w()}) { return ${w()}; }`;
  if (kind < 0.50) return `  // ${w()} ${w()} ${w()} ${w()} ${w()} ${w()}`;
  if (kind < 0.58) return `  ${w()}_${w()}: "${w()}-${w()}-${Math.floor(r() * 100)}",`;
  if (kind < 0.62) return `  ${w()}Token = options.${w()}Token ?? process.env.${w().toUpperCase()}_TOKEN;`;
  if (kind < 0.66) return `  password: config.${w()}.password,`;
  if (kind < 0.75) return `export async function ${ident()}(${w()}, ${w()}) {`;
  if (kind < 0.85) return `  await ${ident()}.${w()}({ ${w()}: ${w()}, ${w()}: ${Math.floor(r() * 1e6)} });`;
  return `  logger.${w()}(\`${w()} ${w()} \${${w()}} ${w()}\`);`;
}

function makeFile(r, lines) {
  const out = [];
  for (let i = 0; i < lines; i++) out.push(makeLine(r));
  return `${out.join('\n')}\n`;
}

export async function buildSynthRepo(dir, { commits = 20000, files = 3000, seed = 42 } = {}) {
  if (existsSync(dir)) return dir;
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '--bare', dir]);
  const r = rng(seed);
  const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const write = (s) => (child.stdin.write(s) ? Promise.resolve() : new Promise((res) => child.stdin.once('drain', res)));
  const data = async (content) => {
    const buf = Buffer.from(content);
    await write(`data ${buf.length}\n`);
    await write(buf);
    await write('\n');
  };
  const paths = Array.from({ length: files }, (_, i) => {
    const dirs = ['src', 'src/api', 'src/lib', 'src/workers', 'config', 'docs', 'test', 'scripts'];
    const ext = ['.ts', '.js', '.py', '.go', '.yaml', '.md'][i % 6];
    return `${dirs[i % dirs.length]}/m${i}${ext}`;
  });
  const token = (prefix, i) => {
    const rand = Array.from({ length: 30 }, (_, k) => B62[(i * 7 + k * 13) % 62]).join('');
    return `${prefix}${rand}${b62(crc32(rand), 6)}`;
  };
  let t = 1_600_000_000;
  let mark = 0;
  let leakedPath = null;
  for (let c = 0; c < commits; c++) {
    t += 600 + Math.floor(r() * 3600);
    const branch = c % 997 === 500 ? 'refs/heads/side' : 'refs/heads/main';
    await write(`commit ${branch}\nmark :${++mark}\ncommitter Bench <bench@example.org> ${t} +0000\n`);
    await data(`change ${c}`);
    if (c === 0) await write('deleteall\n');
    if (branch === 'refs/heads/side') await write(`from refs/heads/main\n`);
    const touched = c === 0 ? files : 1 + Math.floor(r() * 3);
    for (let k = 0; k < touched; k++) {
      const p = c === 0 ? paths[k] : paths[Math.floor(r() * files)];
      let content = makeFile(r, 40 + Math.floor(r() * 160));
      if (c === 5000 && k === 0) {
        content += `GITHUB_TOKEN=${token('ghp_', 1)}\n`;
        leakedPath = p;
      }
      if (c === 12000 && k === 0) content += `aws_secret_access_key = ${'Qm9v' + 'Zk3rT8xWp2LnBv7YcJ4sHd6Fa1Ue9Gi5Ko0R'}\n`;
      if (branch === 'refs/heads/side' && k === 0) content += `NPM_TOKEN=${token('npm_', c)}\n`;
      await write(`M 100644 inline ${p}\n`);
      await data(content);
    }
    // The token's file is deleted right after: it survives only in history.
    if (c === 5001 && leakedPath) await write(`D ${leakedPath}\n`);
    await write('\n');
  }
  await write('done\n');
  child.stdin.end();
  await new Promise((res, rej) => child.on('close', (code) => (code === 0 ? res() : rej(new Error(`fast-import exit ${code}`)))));
  execFileSync('git', ['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: dir });
  execFileSync('git', ['repack', '-a', '-d', '-q'], { cwd: dir, stdio: 'ignore' });
  return dir;
}
