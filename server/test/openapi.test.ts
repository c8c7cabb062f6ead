import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STATUS_OF, type LicensingErrorCode } from '../src/licensing/error-codes.js';
import { nameSchemas } from '../src/openapi.js';
import { startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;

/** Every value of `key` anywhere in `node`. */
function valuesOf(node: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const item of node) valuesOf(item, key, found);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push(v);
      valuesOf(v, key, found);
    }
  }
  return found;
}

/** The schema a reply refers to, followed through its $ref. */
function resolve(doc: Json, schema: Json): Json {
  const ref = schema.$ref as string | undefined;
  return ref ? doc.components.schemas[ref.replace('#/components/schemas/', '')] : schema;
}

/** The error codes a reply schema lists (through $refs and anyOf). */
function codesOf(doc: Json, schema: Json): string[] {
  const own = resolve(doc, schema);
  if (own.anyOf) return own.anyOf.flatMap((s: Json) => codesOf(doc, s));
  return ((own.properties?.errorCode?.enum ?? []) as unknown[]).filter((c): c is string => typeof c === 'string');
}

describe('the OpenAPI document', () => {
  let server: TestServer;
  let doc: Json;
  before(async () => {
    server = await startTestServer();
    doc = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  after(() => server.close());

  const licensingOperations = () =>
    Object.entries(doc.paths as Json)
      .filter(([path]) => path.startsWith('/licensing/'))
      .flatMap(([path, item]) => Object.entries(item as Json).map(([method, operation]) => ({ path, method, responses: (operation as Json).responses as Json })));

  it('lists every error code the licensing routes answer, and no other, each at the status it is answered with', () => {
    const documented = new Map<string, Set<string>>();
    for (const { responses } of licensingOperations()) {
      for (const [status, response] of Object.entries(responses)) {
        const schema = (response as Json).content?.['application/json']?.schema;
        for (const code of schema ? codesOf(doc, schema) : []) documented.set(code, (documented.get(code) ?? new Set()).add(status));
      }
    }
    assert.deepEqual([...documented.keys()].sort(), Object.keys(STATUS_OF).sort());
    for (const [code, statuses] of documented) {
      const status = STATUS_OF[code as LicensingErrorCode];
      assert.ok(statuses.has(String(status)) || (status >= 400 && status < 500 && statuses.has('4XX')), `${code} is answered with ${status}, documented at ${[...statuses].join(', ')}`);
    }
  });

  it('documents LICENSING_ENDPOINT_INVALID at 404 on every licensing route, as every route answers it', async () => {
    const operations = licensingOperations();
    assert.equal(operations.length, 7);
    for (const { path, method, responses } of operations) {
      assert.ok(codesOf(doc, responses['404'].content['application/json'].schema).includes('LICENSING_ENDPOINT_INVALID'), path);
      const res = await server.app.inject({ method: method.toUpperCase() as 'GET' | 'POST', url: path.replace('{organizationId}', '00000000-0000-4000-8000-000000000000') });
      assert.equal(res.statusCode, 404, path);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.deepEqual(res.json(), { errorCode: 'LICENSING_ENDPOINT_INVALID', message: 'No organization has this licensing endpoint.' });
    }
  });

  it('names the reply schemas once, under components, and every reference resolves', () => {
    const schemas = doc.components.schemas as Json;
    for (const name of ['KeyValidateReply', 'LeaseObtainReply', 'ValidForProduct', 'JsonWebKeySet', 'License', 'Product', 'User', 'Session', 'ApiToken', 'AuditEvent']) {
      assert.equal(typeof schemas[name], 'object', name);
    }
    const refs = valuesOf(doc, '$ref') as string[];
    for (const ref of refs) assert.ok(schemas[ref.replace('#/components/schemas/', '')], ref);
    const list = doc.paths['/api/v1/licenses'].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(list.properties.items.items, { $ref: '#/components/schemas/License' });
    assert.deepEqual(schemas.Session.properties.user, { $ref: '#/components/schemas/User' });
    // Requests stay spelled out where their route takes them.
    assert.equal(JSON.stringify(doc.paths['/api/v1/licenses'].post.requestBody).includes('$ref'), false);
  });

  it('fails to be made, naming the schema, when a named reply is not where it was', () => {
    assert.throws(() => nameSchemas({ paths: {} }), /no schema at "get \/licensing\/\{organizationId\}\/key\/validate 200 [^"]*" to name ValidForFeature/);
  });
});
