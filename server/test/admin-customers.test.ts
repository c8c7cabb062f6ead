// The admin API's customers: their fields, changes, paging and search, and deletion while they have licenses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertValidationFailed, created, ok, type Json } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

describe('admin API: customers', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const full = { name: 'Acme Corp', contactName: 'Wile E. Coyote', contactEmail: 'wile@acme.example', phone: '+1 (555) 010-9999', comment: 'Pays late' };

  it('creates a customer with every field and answers them back; fields not given are null', async () => {
    const customer = created(await server.admin('POST', '/api/v1/customers', full));
    assert.match(customer.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...customer, id: undefined, createdAt: undefined, updatedAt: undefined }, { ...full, id: undefined, createdAt: undefined, updatedAt: undefined });
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/customers/${customer.id}`)), customer);
    const minimal = created(await server.admin('POST', '/api/v1/customers', { name: 'Minimal' }));
    assert.deepEqual([minimal.contactName, minimal.contactEmail, minimal.phone, minimal.comment], [null, null, null, null]);
  });

  it('refuses a malformed e-mail address, a missing name and unknown fields with 400', async () => {
    for (const contactEmail of ['not-an-email', 'a@', '@b.example', 'two@@at.example']) {
      assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Bad mail', contactEmail }), 'body.contactEmail');
    }
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { contactEmail: 'x@y.example' }), 'body.name');
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Extra', fax: '123' }), 'body.fax');
    assert.equal(ok(await server.admin('GET', '/api/v1/customers?q=Bad%20mail')).total, 0);
    const customer = created(await server.admin('POST', '/api/v1/customers', { name: 'Patched mail', contactEmail: 'ok@x.example' }));
    assertValidationFailed(await server.admin('PATCH', `/api/v1/customers/${customer.id}`, { contactEmail: 'broken' }), 'body.contactEmail');
    assert.equal(ok(await server.admin('GET', `/api/v1/customers/${customer.id}`)).contactEmail, 'ok@x.example');
  });

  it('refuses a phone number with letters and an overlong name with 400', async () => {
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Phone', phone: 'call me' }), 'body.phone');
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'x'.repeat(201) }), 'body.name');
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Typed', comment: 5 }), 'body.comment');
  });

  it('changes the fields sent, keeps the others, and clears a field sent as null', async () => {
    const customer = created(await server.admin('POST', '/api/v1/customers', { ...full, name: 'Patch me' }));
    server.clock.advance(30);
    const changed = ok(await server.admin('PATCH', `/api/v1/customers/${customer.id}`, { contactEmail: 'new@acme.example', comment: null }));
    assert.equal(changed.name, 'Patch me');
    assert.equal(changed.contactName, full.contactName);
    assert.equal(changed.phone, full.phone);
    assert.equal(changed.contactEmail, 'new@acme.example');
    assert.equal(changed.comment, null);
    assert.equal(changed.createdAt, customer.createdAt);
    assert.equal(changed.updatedAt, new Date(server.clock.now()).toISOString());
    assertError(await server.admin('PATCH', '/api/v1/customers/00000000-0000-0000-0000-000000000000', { name: 'x' }), 404, 'NOT_FOUND');
  });

  it('refuses with 409 to delete a customer that has licenses, saying so, and deletes it once they are gone', async () => {
    const license = await createLicense(server);
    const error = assertError(await server.admin('DELETE', `/api/v1/customers/${license.customerId}`), 409, 'CONFLICT');
    assert.match(error.message, /licen[cs]e/i);
    ok(await server.admin('GET', `/api/v1/customers/${license.customerId}`));
    assert.equal((await licensingClient(server).validateKey(license.key)).json().isValid, true);
    assert.equal((await server.admin('DELETE', `/api/v1/licenses/${license.licenseId}`)).statusCode, 204);
    assert.equal((await server.admin('DELETE', `/api/v1/customers/${license.customerId}`)).statusCode, 204);
    assertError(await server.admin('GET', `/api/v1/customers/${license.customerId}`), 404, 'NOT_FOUND');
    assertError(await server.admin('DELETE', `/api/v1/customers/${license.customerId}`), 404, 'NOT_FOUND');
  });

  it('lists customers by name in pages and searches them with q', async () => {
    const org = await server.addOrganization('Paging customers');
    for (const name of ['Zeta GmbH', 'Alpha Ltd', 'Mu Inc', 'Alphabet Soup']) created(await server.admin('POST', '/api/v1/customers', { name }, org.apiToken));
    const all = ok(await server.admin('GET', '/api/v1/customers', undefined, org.apiToken));
    assert.equal(all.total, 4);
    assert.deepEqual(
      all.items.map((c: Json) => c.name),
      ['Alpha Ltd', 'Alphabet Soup', 'Mu Inc', 'Zeta GmbH'],
    );
    const page = ok(await server.admin('GET', '/api/v1/customers?limit=2&offset=1', undefined, org.apiToken));
    assert.deepEqual({ names: page.items.map((c: Json) => c.name), total: page.total, limit: page.limit, offset: page.offset }, { names: ['Alphabet Soup', 'Mu Inc'], total: 4, limit: 2, offset: 1 });
    const search = ok(await server.admin('GET', '/api/v1/customers?q=alpha', undefined, org.apiToken));
    assert.deepEqual(
      search.items.map((c: Json) => c.name),
      ['Alpha Ltd', 'Alphabet Soup'],
    );
    assert.equal(search.total, 2);
    assertValidationFailed(await server.admin('GET', '/api/v1/customers?limit=500', undefined, org.apiToken), 'querystring.limit');
  });

  it('searches customer names with q taking _ and % literally', async () => {
    const org = await server.addOrganization('Searching customers');
    for (const name of ['Under_score Co', 'UnderXscore Co', '100% Fun', '1000 Funs']) created(await server.admin('POST', '/api/v1/customers', { name }, org.apiToken));
    assert.deepEqual(
      ok(await server.admin('GET', '/api/v1/customers?q=r_s', undefined, org.apiToken)).items.map((c: Json) => c.name),
      ['Under_score Co'],
    );
    assert.deepEqual(
      ok(await server.admin('GET', '/api/v1/customers?q=0%25', undefined, org.apiToken)).items.map((c: Json) => c.name),
      ['100% Fun'],
    );
  });

  it('searches customer and product names with q by any part in any case, Unicode included, alike on both databases', async () => {
    const org = await server.addOrganization('Folding names');
    for (const name of ['Ærøskøbing Øl', 'INITECH', 'Straße Gmbh']) created(await server.admin('POST', '/api/v1/customers', { name }, org.apiToken));
    const names = async (q: string) => ok(await server.admin('GET', `/api/v1/customers?q=${encodeURIComponent(q)}`, undefined, org.apiToken)).items.map((c: Json) => c.name);
    assert.deepEqual(await names('ærø'), ['Ærøskøbing Øl']);
    assert.deepEqual(await names('ØL'), ['Ærøskøbing Øl']);
    assert.deepEqual(await names('nite'), ['INITECH']);
    assert.deepEqual(await names('STRASSE'), [], 'case is folded, spellings are not');
    assert.deepEqual(await names('STRAßE'), ['Straße Gmbh']);
    created(await server.admin('POST', '/api/v1/products', { name: 'Word-Processor' }, org.apiToken));
    const products = ok(await server.admin('GET', '/api/v1/products?q=PROCESS', undefined, org.apiToken)).items.map((p: Json) => p.name);
    assert.deepEqual(products, ['Word-Processor']);
  });

  it('lists the customers that share a whole name, in any case and without surrounding spaces, for the warning before a duplicate', async () => {
    const org = await server.addOrganization('Two Initechs');
    const first = created(await server.admin('POST', '/api/v1/customers', { name: 'Initech' }, org.apiToken));
    const second = created(await server.admin('POST', '/api/v1/customers', { name: ' INITECH ' }, org.apiToken));
    created(await server.admin('POST', '/api/v1/customers', { name: 'Initech Europe' }, org.apiToken));
    const same = ok(await server.admin('GET', `/api/v1/customers?name=${encodeURIComponent('initech')}`, undefined, org.apiToken));
    assert.deepEqual(same.items.map((c: Json) => c.id).sort(), [first.id, second.id].sort(), 'customers may share a name: both exist');
    assert.equal(ok(await server.admin('GET', '/api/v1/customers?name=Initec', undefined, org.apiToken)).total, 0, 'the whole name, not a part');
    assertValidationFailed(await server.admin('GET', '/api/v1/customers?name=', undefined, org.apiToken), 'querystring.name');
    assertValidationFailed(await server.admin('GET', `/api/v1/customers?name=${'x'.repeat(201)}`, undefined, org.apiToken), 'querystring.name');
  });
});
