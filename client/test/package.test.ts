import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) => promisify(execFile)(process.execPath, args, { cwd: root });

describe('the built package (dist/, built by test/run.js)', () => {
  it('loads with require() and with import, with the same API', async () => {
    const probe =
      "const c = M; const client = new c.LicenseClient({ endpoint: 'https://x.test/licensing/o' }); console.log(JSON.stringify([Object.keys(c).sort(), typeof client.keeper().start, c.hasFeature([{product:'p',productDescription:null,features:[{feature:'f',featureDescription:null}]}],'p','f')]))";
    const cjs = await node(['-e', probe.replace('M', "require('@leasehold/client')")]);
    const esm = await node(['--input-type=module', '-e', `import * as M from '@leasehold/client'; ${probe.replace('M', 'M')}`]);
    const [cjsKeys, cjsStart, cjsFeature] = JSON.parse(cjs.stdout);
    assert.deepEqual(JSON.parse(esm.stdout), JSON.parse(cjs.stdout));
    assert.deepEqual(cjsKeys, ['LICENSING_ERROR_CODES', 'LicenseClient', 'SIGNING_ALGORITHMS', 'SeatKeeper', 'decodeLease', 'hasFeature', 'hasProduct', 'machineClientId', 'verifyLease']);
    assert.equal(cjsStart, 'function');
    assert.equal(cjsFeature, true);
    // Node-only code is reached through dynamic imports that work from both builds.
    const id = await node(['-e', "require('@leasehold/client').machineClientId().then((id) => console.log(id))"]);
    assert.match(id.stdout.trim(), /^[0-9a-f]{32}$/);
  });

  it('works where WebCrypto is not a global (Node 18): verification and client ids use node:crypto', async () => {
    // Node 18 has no global crypto by default; here it is taken away before the library loads.
    const program = `
      delete globalThis.crypto;
      const { generateKeyPairSync, sign } = require('node:crypto');
      const { verifyLease, machineClientId } = require('@leasehold/client');
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const input = part({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' }) + '.' + part({ iss: 'https://x.test/licensing/o', sub: 'l', jti: 'j', iat: now, exp: now + 600, validFor: [] });
      const lease = input + '.' + sign(null, Buffer.from(input), privateKey).toString('base64url');
      verifyLease(lease, { publicKey: publicKey.export({ type: 'spki', format: 'pem' }), issuer: 'https://x.test/licensing/o' })
        .then(async (v) => console.log(typeof globalThis.crypto, v.ok, await machineClientId()));`;
    const { stdout } = await node(['-e', program]);
    assert.match(stdout.trim(), /^undefined true [0-9a-f]{32}$/);
  });

  it('has type declarations for both builds, and no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.peerDependencies, undefined);
    for (const condition of ['import', 'require']) {
      for (const target of [pkg.exports['.'][condition].types, pkg.exports['.'][condition].default]) {
        assert.ok(readdirSync(join(root, target, '..')).includes(target.split('/').pop()), target);
      }
    }
    assert.match(readFileSync(join(root, 'dist/esm/index.d.ts'), 'utf8'), /LicenseClient/);
    assert.equal(JSON.parse(readFileSync(join(root, 'dist/cjs/package.json'), 'utf8')).type, 'commonjs');
  });

  it('imports nothing from Node statically, so the ESM build bundles for browsers', () => {
    for (const file of readdirSync(join(root, 'dist/esm')).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(root, 'dist/esm', file), 'utf8');
      for (const line of code.split('\n').filter((l) => /^\s*(import|export)\b.*\bfrom\s+['"]/.test(l))) {
        assert.match(line, /from '\.\/[a-z-]+\.js'/, `${file}: ${line}`);
      }
      assert.doesNotMatch(code, /\brequire\(|\bBuffer\b|process\.(env|exit)/, file);
    }
  });

  it('bundles for the browser with esbuild, without Node built-ins', async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({ entryPoints: [join(root, 'dist/esm/index.js')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    assert.deepEqual(result.errors, []);
    const code = result.outputFiles[0]!.text;
    assert.ok(/export \{[^}]*\bLicenseClient\b/.test(code), 'the bundle exports LicenseClient');
    assert.ok(!/from ['"]node:|require\(['"]node:/.test(code), 'no Node built-in is imported statically');
  });
});
