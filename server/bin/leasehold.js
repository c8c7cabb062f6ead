#!/usr/bin/env node
// Runs the TypeScript sources directly: nothing to build before `npx leasehold` works after `npm ci`.
//
// Start-up: compiling the sources file by file (tsx) and loading kysely's and typebox's hundreds of
// small modules took most of a start. So the first start bundles the sources, with those two
// packages, into one JavaScript file (esbuild, which tsx brings) and caches it, like tsx caches its
// output, in node_modules/.cache under a hash of everything that goes into it; later starts
// import that file. Every other package stays outside, imported by its absolute path. When the
// bundle cannot be made or written (no esbuild, a read-only directory), tsx runs the sources as
// before; LEASEHOLD_NO_BUNDLE=1 asks for that too.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const server = fileURLToPath(new URL('..', import.meta.url));
const entry = join(server, 'src', 'cli', 'main.ts');
/** Packages of many small modules, bundled; all others are imported from node_modules as they are. */
const BUNDLED = ['kysely', 'typebox'];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** The package.json of an installed package, found from its entry point. */
function packageJson(name) {
  for (let dir = dirname(fileURLToPath(import.meta.resolve(name))); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === name) return readFileSync(file);
  }
  throw new Error(`no package.json for ${name}`);
}

/** The lockfile that decides what node_modules holds, if any: a change there may move the packages imported by path. */
function lockfileStamp() {
  for (let dir = server; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package-lock.json');
    if (existsSync(file)) {
      const { size, mtimeMs } = statSync(file);
      return `${file}:${size}:${mtimeMs}`;
    }
  }
  return '';
}

/**
 * Where bundles are kept: node_modules/.cache/leasehold beside the installed packages, as build
 * tools keep theirs. Not the shared temporary directory, where another user could plant a file
 * under the name a bundle will have and have this process import it.
 */
function cacheDir() {
  for (let dir = server; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', 'esbuild'))) return join(dir, 'node_modules', '.cache', 'leasehold');
  }
  throw new Error('no node_modules with esbuild');
}

/** The cached bundle of the current sources: its path, built first when there is none. */
async function bundle() {
  const hash = createHash('sha256');
  hash.update(`${server}\0${readFileSync(fileURLToPath(import.meta.url))}\0${lockfileStamp()}\0`);
  for (const name of BUNDLED) hash.update(packageJson(name));
  for (const file of files(join(server, 'src'))) hash.update(`${relative(server, file)}\0`).update(readFileSync(file));
  const dir = cacheDir();
  const out = join(dir, `${hash.digest('hex').slice(0, 32)}.mjs`);
  if (existsSync(out)) return out;

  const esbuild = await import('esbuild');
  const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  const plugin = {
    name: 'leasehold',
    setup(b) {
      // Packages outside the bundle: imported by the absolute path they resolve to from here, as from src/.
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:')) return { path: args.path, external: true };
        if (BUNDLED.includes(packageOf(args.path))) return undefined;
        return { path: import.meta.resolve(args.path), external: true };
      });
      // import.meta.url in a source file keeps meaning that file, wherever the bundle is.
      b.onLoad({ filter: /\.ts$/ }, (args) =>
        args.path.startsWith(join(server, 'src') + sep)
          ? { contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' }
          : undefined,
      );
    },
  };
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      outfile: out,
      sourcemap: 'linked',
      logLevel: 'silent',
      plugins: [plugin],
    });
  } finally {
    // esbuild's service process would otherwise live as long as the server (and count as one of its children).
    await esbuild.stop();
  }
  mkdirSync(dir, { recursive: true });
  // Written under temporary names, then renamed: processes starting together never see half a file.
  const temp = `.${process.pid}.${Date.now()}.tmp`;
  for (const file of [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('.mjs')) - Number(b.path.endsWith('.mjs')))) {
    writeFileSync(file.path + temp, file.contents);
    renameSync(file.path + temp, file.path);
  }
  // Bundles of older sources go after a day.
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!file.startsWith(out) && Date.now() - statSync(file).mtimeMs > 86_400_000) rmSync(file, { force: true });
  }
  return out;
}

let compiled;
if (process.env.LEASEHOLD_NO_BUNDLE !== '1') {
  try {
    compiled = await bundle();
  } catch {
    compiled = undefined;
  }
}
if (compiled) {
  // Stack traces name the TypeScript sources, as under tsx.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
