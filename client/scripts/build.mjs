// Builds dist/esm (ES modules) and dist/cjs (CommonJS), each with .d.ts declarations, from src/
// with the TypeScript compiler: two runs of tsc on tsconfig.build.json. A package.json in each
// output directory tells Node which module system its .js files use.
// Usage: node scripts/build.mjs [--if-stale]   (--if-stale: only when src/ changed since the last build)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const stamp = join(dist, '.built');

function newest(dir) {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
}

if (process.argv.includes('--if-stale') && existsSync(stamp)) {
  const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'tsconfig.build.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (statSync(stamp).mtimeMs >= sources) process.exit(0);
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compile = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), ...args], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc ${args.join(' ')} exited with ${code}`))));
  });

rmSync(dist, { recursive: true, force: true });
try {
  await Promise.all([compile(['--outDir', join(dist, 'esm')]), compile(['--outDir', join(dist, 'cjs'), '--module', 'commonjs', '--moduleResolution', 'node10', '--verbatimModuleSyntax', 'false'])]);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
writeFileSync(join(dist, 'esm', 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
writeFileSync(join(dist, 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
mkdirSync(dist, { recursive: true });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.log('built dist/esm and dist/cjs');
