// CSV exports of the lists: content, quoting, formula injection, filters and order, roles and tenants.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { csvCell, csvLine, EXPORT_BATCH } from '../src/http/csv.js';
import { assertError, assertValidationFailed, created } from './admin-replies.js';
import { startTestServer, type TestServer } from './helpers.js';

/** Parses RFC 4180 text: quoted cells with doubled quotes and line breaks, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell + row.join(''), '', 'the text ends with CRLF');
  return rows;
}

function csvOf(res: LightMyRequestResponse): { header: string[]; rows: Record<string, string>[] } {
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="[a-z]+-\d{4}-\d\d-\d\d\.csv"$/);
  const [header, ...records] = parseCsv(res.body);
  return { header: header!, rows: records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))) };
}

describe('admin API: CSV exports', () => {
  let server: TestServer;
  let featureId: string;
  let hostile: string;
  before(async () => {
    server = await startTestServer();
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'exported' }));
    featureId = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'base' })).id;
    hostile = created(await server.admin('POST', '/api/v1/customers', { name: '=HYPERLINK("http://x.test","click")', comment: 'line one\nline "two", three' })).id;
    created(await server.admin('POST', '/api/v1/customers', { name: 'Plain Customer', contactName: '@mention', phone: '+1 555 0100' }));
  });
  after(() => server.close());

  it('writes cells per RFC 4180 and defuses every leading character a spreadsheet reads as a formula', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) assert.equal(csvCell(`${lead}1+1`).replace(/^"/, '')[0], "'", JSON.stringify(lead));
    assert.equal(csvCell(-3), '-3', 'a number is a number, not a formula');
    assert.equal(csvCell(null), '');
    assert.equal(csvLine(['a', null, 2]), 'a,,2\r\n');
  });

  it('exports every customer with a header row, quoting and defused formulas intact after a round trip', async () => {
    const { header, rows } = csvOf(await server.admin('GET', '/api/v1/customers/export.csv'));
    assert.deepEqual(header, ['id', 'name', 'contactName', 'contactEmail', 'phone', 'comment', 'createdAt', 'updatedAt']);
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    assert.equal(byId[hostile]!.name, `'=HYPERLINK("http://x.test","click")`);
    assert.equal(byId[hostile]!.comment, 'line one\nline "two", three');
    const plain = rows.find((r) => r.name === 'Plain Customer')!;
    assert.equal(plain.contactName, "'@mention");
    assert.equal(plain.phone, "'+1 555 0100");
    assert.equal(plain.contactEmail, '', 'null is an empty cell');
  });

  it('takes the list filters and order, and reads past one batch without repeating or dropping a row', async () => {
    const customerId = created(await server.admin('POST', '/api/v1/customers', { name: 'Many Licenses' })).id;
    const count = EXPORT_BATCH + 3;
    const inserts = [];
    for (let i = 0; i < count; i++) inserts.push({ customerId, featureIds: [featureId], leaseLimit: (i % 7) + 1, comment: i % 2 ? 'odd' : 'even' });
    for (const body of inserts) created(await server.admin('POST', '/api/v1/licenses', body));
    const { rows } = csvOf(await server.admin('GET', `/api/v1/licenses/export.csv?customerId=${customerId}&sort=leaseLimit&order=desc`));
    assert.equal(rows.length, count);
    assert.equal(new Set(rows.map((r) => r.id)).size, count);
    const limits = rows.map((r) => Number(r.leaseLimit));
    assert.deepEqual(
      limits,
      [...limits].sort((a, b) => b - a),
    );
    assert.ok(rows.every((r) => r.customer === 'Many Licenses' && r.products === 'exported'));
    const odd = csvOf(await server.admin('GET', `/api/v1/licenses/export.csv?customerId=${customerId}&q=odd`)).rows;
    assert.equal(odd.length, Math.floor(count / 2));
  });

  it('writes key codes masked, never the code itself', async () => {
    const customerId = created(await server.admin('POST', '/api/v1/customers', { name: 'Key Holder' })).id;
    const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId] }));
    const res = await server.admin('GET', `/api/v1/licenses/export.csv?customerId=${customerId}`);
    const [row] = csvOf(res).rows;
    assert.equal(row!.keys, `…${license.keys[0].slice(-4)}`);
    assert.ok(!res.body.includes(license.keys[0]));
  });

  it("exports a license's leases and the audit log with their filters", async () => {
    const customerId = created(await server.admin('POST', '/api/v1/customers', { name: 'Leaseholder' })).id;
    const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId] }));
    const leases = csvOf(await server.admin('GET', `/api/v1/licenses/${license.id}/leases/export.csv?state=active`));
    assert.deepEqual(leases.header, ['id', 'licenseId', 'clientId', 'state', 'issuedAt', 'expiry', 'endedAt']);
    assert.equal(leases.rows.length, 0);
    assertError(await server.admin('GET', '/api/v1/licenses/no-such-license/leases/export.csv'), 404, 'NOT_FOUND');

    const audit = csvOf(await server.admin('GET', '/api/v1/audit/export.csv?resourceType=customer&sort=at&order=asc'));
    assert.ok(audit.rows.length >= 4);
    assert.ok(audit.rows.every((r) => r.resourceType === 'customer' && r.action === 'create'));
    assert.equal(audit.rows[0]!.resourceId, hostile, 'the oldest first, as asked');
    assert.equal(JSON.parse(audit.rows[0]!.after!).comment, 'line one\nline "two", three');
    assertValidationFailed(await server.admin('GET', '/api/v1/audit/export.csv?since=yesterday'), 'querystring.since');
  });

  it('lets a viewer export what it may list, and shows no organization another one’s rows', async () => {
    const viewer = await createApiToken(server.store, server.clock, server.org.organizationId, 'reader', 'viewer');
    assert.ok(csvOf(await server.admin('GET', '/api/v1/customers/export.csv', undefined, viewer.token)).rows.length >= 2);
    const other = await server.addOrganization('Other Org');
    for (const what of ['customers', 'licenses', 'audit']) {
      const { rows } = csvOf(await server.admin('GET', `/api/v1/${what}/export.csv`, undefined, other.apiToken));
      assert.deepEqual(rows, [], what);
    }
    assertError(await server.app.inject({ method: 'GET', url: '/api/v1/customers/export.csv' }), 401, 'UNAUTHORIZED');
  });
});
