import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { lazySerializers, lazyValidator, lazyValidatorCompiler } from '../src/http/lazy-compile.js';

/*
 * Reply serializers come from @fastify/fast-json-stringify-compiler, a dependency of ours as well
 * as of Fastify (http/lazy-compile.ts). Replies are written exactly as Fastify would write them
 * only while both name the same version and npm installs one copy for both: an upgrade of Fastify
 * that moves to another version fails here, and the dependency is moved with it.
 */

const COMPILER = '@fastify/fast-json-stringify-compiler';
const fromServer = createRequire(new URL('../src/http/lazy-compile.ts', import.meta.url));
const fromFastify = createRequire(fromServer.resolve('fastify'));

interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
}
const packageJson = (path: string | URL) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;

/** The major and minor version of a range such as ^5.0.0 or 5.2.1. */
function majorMinor(range: string): string {
  const match = /^[\^~=v]*(\d+)\.(\d+)/.exec(range.trim());
  assert.ok(match, `not a plain version range: ${range}`);
  return `${match[1]}.${match[2]}`;
}

describe('the reply serializer compiler', () => {
  it('is a dependency at the major and minor version the installed Fastify depends on', () => {
    const fastify = packageJson(fromServer.resolve('fastify/package.json'));
    const ours = packageJson(new URL('../package.json', import.meta.url));
    const fastifys = fastify.dependencies?.[COMPILER];
    assert.ok(fastifys, `Fastify ${fastify.version} no longer depends on ${COMPILER}: see http/lazy-compile.ts`);
    const declared = ours.dependencies?.[COMPILER];
    assert.ok(declared, `server/package.json does not depend on ${COMPILER}`);
    assert.equal(majorMinor(declared), majorMinor(fastifys), `Fastify ${fastify.version} depends on ${COMPILER} ${fastifys}, server/package.json on ${declared}: make ours ${fastifys}`);
  });

  it('is the one copy Fastify itself loads', () => {
    assert.equal(fromServer.resolve(COMPILER), fromFastify.resolve(COMPILER), `two copies of ${COMPILER} are installed: run npm dedupe`);
  });

  it('builds each serializer at its first reply, not when the route is registered', () => {
    // A reference that does not resolve fails at build time: a serializer built up front would throw here.
    const route = { method: 'GET', url: '/broken', httpStatus: '200', schema: { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } } };
    const serialize = lazySerializers()({}, {})(route);
    assert.throws(() => serialize({ a: 1 }));
    const working = lazySerializers()({}, {})({ method: 'GET', url: '/ok', httpStatus: '200', schema: { type: 'object', properties: { n: { type: 'integer' } } } });
    assert.equal(working({ n: 2, hidden: 'no' }), '{"n":2}');
  });
});

describe('lazy validators', () => {
  it("compile at their first call, once, and report the compiled validator's errors", () => {
    let compiled = 0;
    const validate = lazyValidator(() => {
      compiled++;
      const check = ((data: unknown) => {
        check.errors = data === 1 ? null : [{ message: 'must be 1' }];
        return data === 1;
      }) as ((data: unknown) => boolean) & { errors?: unknown };
      return check;
    });
    assert.equal(compiled, 0);
    assert.equal(validate(2), false);
    assert.deepEqual(validate.errors, [{ message: 'must be 1' }]);
    assert.equal(validate(1), true);
    assert.equal(validate.errors, null);
    assert.equal(compiled, 1);
  });

  it('make the compiler itself at the first validation of any route', () => {
    let compilers = 0;
    const compiler = lazyValidatorCompiler(() => {
      compilers++;
      return () => (data: unknown) => data === 'ok';
    });
    const first = compiler({ schema: {}, method: 'GET', url: '/a', httpPart: 'querystring' }) as (data: unknown) => boolean;
    const second = compiler({ schema: {}, method: 'GET', url: '/b', httpPart: 'querystring' }) as (data: unknown) => boolean;
    assert.equal(compilers, 0);
    assert.equal(first('ok'), true);
    assert.equal(second('no'), false);
    assert.equal(compilers, 1);
  });
});
