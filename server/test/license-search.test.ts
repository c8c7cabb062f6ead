// License search (GET /api/v1/licenses?q=): any part of a key code in any case, with or without dashes, the customer's name, the comment.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, ok, type Json } from './admin-replies.js';
import { startTestServer, type TestServer } from './helpers.js';
import { CANDIDATE_LIMIT, GRAM_LENGTH } from '../src/store/key-search.js';

describe('license search', () => {
  let server: TestServer;
  let token: string;
  let organizationId: string;
  let featureId: string;
  before(async () => {
    server = await startTestServer();
    const org = await server.addOrganization('Searching keys');
    token = org.apiToken;
    organizationId = org.organizationId;
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'searched' }, token));
    featureId = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'core' }, token)).id;
  });
  after(() => server.close());

  const customer = async (name: string) => created(await server.admin('POST', '/api/v1/customers', { name }, token)).id as string;
  const license = async (customerId: string, keys: string[], comment: string | null = null) =>
    created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], keys, comment }, token)).id as string;
  const search = async (q: string) => {
    const page = ok(await server.admin('GET', `/api/v1/licenses?q=${encodeURIComponent(q)}`, undefined, token));
    return (page.items as Json[]).map((l) => l.id as string).sort();
  };

  it('finds a license by any part of a key code, in any case, with or without dashes', async () => {
    const c = await customer('Key Holder');
    const a = await license(c, ['QX7RM-4KP2W-ZZT9H-ABCDE']);
    const b = await license(c, ['QX7RN-0000-1111-2222']);
    assert.deepEqual(await search('QX7RM-4KP2W-ZZT9H-ABCDE'), [a], 'the whole code');
    assert.deepEqual(await search('qx7rm-4kp2w-zzt9h-abcde'), [a], 'in lower case');
    assert.deepEqual(await search('4kp2'), [a], 'a part, in lower case');
    assert.deepEqual(await search('M4KP'), [a], 'a part across a dash, without it');
    assert.deepEqual(await search('m-4k'), [a], 'a part across a dash, with it');
    assert.deepEqual(await search('ZT9HAB'), [a]);
    assert.deepEqual(await search('QX7R'), [a, b].sort(), 'the part both codes share');
    assert.deepEqual(await search('RM4KPZ'), [], 'letters of the code that are not in one run match nothing');
  });

  it('matches no key code with fewer letters and digits than a gram, but still the other fields', async () => {
    const c = await customer('QX shop');
    const withKey = await license(await customer('Short Terms'), ['QXQXQ-77777-88888']);
    const named = await license(c, ['PLAIN-00000-11111']);
    assert.equal(GRAM_LENGTH, 3);
    assert.deepEqual(await search('QX'), [named], 'two letters: the customer name, not the key');
    assert.ok((await search('QXQ')).includes(withKey), 'three letters reach the key');
  });

  it('finds a license by any part of its customer’s name, in any case, Unicode included', async () => {
    const c = await customer('Ærøskøbing Øl & Co');
    const other = await customer('Initech');
    const id = await license(c, ['UNICODE-CUSTOMER-0001']);
    const notThis = await license(other, ['UNICODE-CUSTOMER-0002']);
    assert.deepEqual(await search('ærøskø'), [id]);
    assert.deepEqual(await search('ØL & CO'), [id]);
    assert.deepEqual(await search('INITECH'), [notThis]);
    assert.deepEqual(await search('%'), [], 'wildcards are literal');
  });

  it('still finds by the comment, and never another organization’s licenses', async () => {
    const mine = await license(await customer('Commented'), ['COMMENT-SEARCH-0001'], 'renewed by phone');
    assert.deepEqual(await search('BY PHONE'), [mine]);
    const theirs = ok(await server.admin('GET', '/api/v1/licenses?q=COMMENT-SEARCH-0001'));
    assert.equal(theirs.total, 0, 'the default organization sees none of these');
  });

  it('opens at most CANDIDATE_LIMIT candidates: beyond that a fragment matches by its grams alone', async () => {
    const c = await customer('Many keys');
    const keys = Array.from({ length: 40 }, (_, i) => `BROAD-PREFIX-${String(i).padStart(4, '0')}`);
    await license(c, keys);
    const exact = await server.store.licenses.matchKeys(organizationId, 'broadprefix');
    assert.equal(exact.kind, 'licenses');
    assert.ok(CANDIDATE_LIMIT >= 1000);
    const broad = await server.store.licenses.matchKeys(organizationId, 'broadprefix', 10);
    assert.equal(broad.kind, 'grams', 'more candidates than the limit are not opened');
    assert.equal((await search('broad-prefix-0039')).length, 1);
  });
});
