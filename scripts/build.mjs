// Builds what the repository ships. Parts:
//   web         web/dist: the admin web app (Vite), each text file with its .br and .gz beside it
//               (scripts/compress-web.mjs); source maps only with LEASEHOLD_SOURCE_MAPS=1
//   server      server/dist: the server as plain JavaScript (tsc -p server/tsconfig.build.json),
//               with kysely and typebox each bundled into one module under dist/vendor
//   client      client/dist: the client library, ES modules and CommonJS (client/scripts/build.mjs)
//   server-web  copies web/dist, without its source maps, into server/web for the server's package
//               (its prepack; postpack runs remove-server-web)
// Usage: node scripts/build.mjs [--if-stale] [part...]   (default: web, server, client)
//   --if-stale: build a part only when it is missing or older than its sources, as `npm start` and
//   the test runners do, so that a fresh clone works after `npm ci` alone.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressWeb } from './compress-web.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const server = join(root, 'server');
const client = join(root, 'client');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Packages of hundreds of small ES modules each: loading them one by one made a start of the
 * compiled server 40% slower than of one bundle (about 170 ms of CPU more), so the build bundles
 * each into one module that the compiled sources import instead. Nothing bundles at run time.
 */
const VENDORED = ['kysely', 'typebox'];

const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const parts = args.filter((a) => !a.startsWith('--'));

/** A build that cannot go on: reported in one line, after whatever was half made is removed. */
class BuildError extends Error {}

function fail(message) {
  throw new BuildError(message);
}

/** The newest modification time under `path`; directories count too, since deleting a file changes its directory's. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const newestOf = (paths) => Math.max(...paths.filter((p) => existsSync(p)).map(newest));

function run(command, commandArgs, cwd) {
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
  if (result.status !== 0) fail(`${[command, ...commandArgs].join(' ')} failed; see the errors above`);
}

function buildWeb() {
  const built = join(web, 'dist', 'index.html');
  const sources = [...['src', 'public', 'index.html', 'package.json', 'vite.config.ts', 'tsconfig.json'].map((p) => join(web, p)), join(root, 'scripts', 'compress-web.mjs')];
  if (ifStale && existsSync(built) && newestOf(sources) <= statSync(built).mtimeMs) return;
  console.log('Building the web app (web/dist)...');
  run(npm, ['run', 'build', '-w', 'web'], root);
  compressWeb(join(web, 'dist'));
}

const serverRequire = createRequire(join(server, 'package.json'));

/** An installed package's directory, found from its entry point (not every package exports its package.json). */
function packageDir(name) {
  for (let dir = dirname(serverRequire.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === name) return dir;
  }
  fail(`no package.json found for ${name}`);
}

/** The vendored packages' versions: a build of other versions is stale whatever the dates say. */
function vendoredVersions() {
  return Object.fromEntries(VENDORED.map((name) => [name, JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version]));
}

function serverIsFresh(stamp) {
  if (!existsSync(stamp) || !existsSync(join(server, 'dist', 'cli', 'main.js'))) return false;
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(stamp, 'utf8')).vendored;
  } catch {
    return false;
  }
  if (JSON.stringify(recorded) !== JSON.stringify(vendoredVersions())) return false;
  const sources = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((p) => join(server, p));
  return newestOf([...sources, fileURLToPath(import.meta.url)]) <= statSync(stamp).mtimeMs;
}

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

/** Bundles each vendored package into `out`/vendor/NAME.js, its license at the top. */
async function vendor(out) {
  const esbuild = await import(serverRequire.resolve('esbuild'));
  try {
    for (const name of VENDORED) {
      const dir = packageDir(name);
      const licenseFile = readdirSync(dir).find((f) => /^licen[sc]e(\.md|\.txt)?$/i.test(f));
      const license = licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').replaceAll('*/', '* /').trim() : 'see its package';
      const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      await esbuild.build({
        // Named exports only, which is all the sources import.
        stdin: { contents: `export * from '${name}';`, resolveDir: server, sourcefile: `${name}.js` },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: join(out, 'vendor', `${name}.js`),
        banner: { js: `/*! ${name} ${version}, bundled from its npm package into one module. Its license:\n\n${license}\n*/` },
        legalComments: 'eof',
        logLevel: 'warning',
      });
    }
  } finally {
    await esbuild.stop();
  }
  // The compiled sources import the bundles by relative path. A subpath (kysely/helpers/...) is
  // not in a bundle: it fails the build rather than load a second copy of the package at run time.
  const specifier = new RegExp(`((?:\\bfrom|\\bimport)\\s*\\(?\\s*)(['"])(${VENDORED.join('|')})(/[^'"]*)?\\2`, 'g');
  for (const file of jsFiles(out).filter((f) => !f.startsWith(join(out, 'vendor') + sep))) {
    const code = readFileSync(file, 'utf8');
    const rewritten = code.replace(specifier, (_match, keyword, quote, name, subpath) => {
      if (subpath) fail(`${relative(out, file)} imports ${name}${subpath}: only the package's main entry is bundled (scripts/build.mjs, VENDORED)`);
      const target = relative(dirname(file), join(out, 'vendor', `${name}.js`))
        .split(sep)
        .join('/');
      return `${keyword}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`;
    });
    if (rewritten !== code) writeFileSync(file, rewritten);
  }
}

async function buildServer() {
  const dist = join(server, 'dist');
  const stamp = join(dist, '.built');
  if (ifStale && serverIsFresh(stamp)) return;
  console.log('Building the server (server/dist)...');
  // Built beside dist, then swapped in: a server starting meanwhile finds the old build or the new, whole.
  const out = join(server, `dist.building-${process.pid}`);
  const old = join(server, `dist.old-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  try {
    run(process.execPath, [serverRequire.resolve('typescript/bin/tsc'), '-p', join(server, 'tsconfig.build.json'), '--outDir', out], server);
    await vendor(out);
    writeFileSync(join(out, '.built'), `${JSON.stringify({ builtAt: new Date().toISOString(), vendored: vendoredVersions() })}\n`);
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(out, dist);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

function buildClient() {
  run(process.execPath, [join(client, 'scripts', 'build.mjs'), ...(ifStale ? ['--if-stale'] : [])], client);
}

/** The web app inside the server's package, where server/src/app.ts looks first. Source maps stay out of what is published. */
function copyWebIntoServer() {
  const from = join(web, 'dist');
  const to = join(server, 'web');
  if (!existsSync(join(from, 'index.html'))) fail('web/dist has no index.html: build the web app first');
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, filter: (source) => !source.endsWith('.map') });
}

const steps = {
  web: buildWeb,
  server: buildServer,
  client: buildClient,
  'server-web': copyWebIntoServer,
  'remove-server-web': () => rmSync(join(server, 'web'), { recursive: true, force: true }),
};
try {
  for (const part of parts) if (!(part in steps)) fail(`unknown part "${part}" (known: ${Object.keys(steps).join(', ')})`);
  for (const part of parts.length > 0 ? parts : ['web', 'server', 'client']) await steps[part]();
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`build: ${error.message}`);
  process.exit(1);
}
