import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { startTestServer, type TestServer } from './helpers.js';

const PASSWORD = 'correct horse battery';

describe('the last owner under simultaneous changes', () => {
  let server: TestServer;
  let operator: string;
  before(async () => {
    server = await startTestServer();
    // An operator's token (as `leasehold token create` makes), so the calls keep their rights whoever is demoted.
    operator = (await createApiToken(server.store, server.clock, server.org.organizationId, 'operator', 'owner')).token;
  });
  after(() => server.close());

  const call = (method: 'PATCH' | 'DELETE' | 'POST', url: string, body?: unknown) => server.admin(method, url, body, operator);
  const owners = async () => {
    const res = await server.admin('GET', '/api/v1/users?limit=100', undefined, operator);
    return (res.json().items as { id: string; role: string }[]).filter((u) => u.role === 'owner');
  };
  const addOwner = async (username: string) => {
    const res = await call('POST', '/api/v1/users', { username, displayName: username, role: 'owner', password: PASSWORD });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };

  it('of two owners demoted at the same moment, exactly one is demoted (10 rounds)', async () => {
    const first = (await owners())[0]!.id;
    const second = await addOwner('second-owner');
    for (let round = 0; round < 10; round++) {
      const replies = await Promise.all([first, second].map((id) => call('PATCH', `/api/v1/users/${id}`, { role: 'viewer' })));
      const codes = replies.map((r) => r.statusCode).sort();
      assert.deepEqual(codes, [200, 409], `round ${round}: ${replies.map((r) => r.body).join(' | ')}`);
      assert.equal((await owners()).length, 1, `round ${round}: one owner remains`);
      for (const id of [first, second]) assert.equal((await call('PATCH', `/api/v1/users/${id}`, { role: 'owner' })).statusCode, 200);
    }
  });

  it('of two owners removed at the same moment, exactly one is removed (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const ids = [await addOwner(`a-owner-${round}`), await addOwner(`b-owner-${round}`)];
      // Leave just these two owners.
      for (const o of await owners()) if (!ids.includes(o.id)) assert.equal((await call('PATCH', `/api/v1/users/${o.id}`, { role: 'admin' })).statusCode, 200);
      const replies = await Promise.all(ids.map((id) => call('DELETE', `/api/v1/users/${id}`)));
      assert.deepEqual(replies.map((r) => r.statusCode).sort(), [204, 409], `round ${round}`);
      assert.equal((await owners()).length, 1, `round ${round}: one owner remains`);
    }
  });

  it('of one owner removed while the other is demoted, exactly one change is made (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const ids = [await addOwner(`c-owner-${round}`), await addOwner(`d-owner-${round}`)];
      for (const o of await owners()) if (!ids.includes(o.id)) assert.equal((await call('PATCH', `/api/v1/users/${o.id}`, { role: 'admin' })).statusCode, 200);
      const replies = await Promise.all([call('DELETE', `/api/v1/users/${ids[0]}`), call('PATCH', `/api/v1/users/${ids[1]}`, { role: 'admin' })]);
      assert.equal(replies.filter((r) => r.statusCode === 409).length, 1, `round ${round}: ${replies.map((r) => r.statusCode).join(',')}`);
      assert.equal((await owners()).length, 1, `round ${round}: one owner remains`);
    }
  });
});
