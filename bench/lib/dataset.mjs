// Generates the benchmark's data straight into a database that `leasehold init` created and
// migrated: products, features, customers, licenses with one key each, and active leases. Going
// through the HTTP API would take hours for a million licenses; the rows written here are the
// ones the API would write (same ids, same code hashes, key codes and private keys sealed under the
// same key-encryption key, LEASEHOLD_SECRET_KEY, by the server's own SecretBox), so the server cannot
// tell them apart. A database of a version from before sealing (LEASEHOLD_BENCH_SERVER) gets plain codes.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { tsImport } from 'tsx/esm/api';

const require = createRequire(new URL('../../server/package.json', import.meta.url));

/**
 * How license_key rows are written: sealed with the server's SecretBox under LEASEHOLD_SECRET_KEY
 * when the schema has code_hash (migration 004), else with the plain code as older versions kept it.
 */
async function keyWriter(sealed) {
  if (!sealed) return { columns: 'id, organization_id, license_id, code, created_at', values: (id, org, license, code, now) => [id, org, license, code, now], open: (_, pem) => pem };
  const { SecretBox, decodeSecretKey } = await tsImport('../../server/src/keys/secret-box.ts', import.meta.url);
  const key = decodeSecretKey(process.env.LEASEHOLD_SECRET_KEY ?? '');
  if (!key) throw new Error('the dataset is sealed under LEASEHOLD_SECRET_KEY, which must be set (to the key the server is given)');
  const box = new SecretBox(key);
  return {
    columns: 'id, organization_id, license_id, code_sealed, code_hash, created_at',
    values: (id, org, license, code, now) => [id, org, license, box.sealKeyCode(id, code), box.keyCodeHash(org, code), now],
    open: (id, pem) => (SecretBox.isSealed(pem) ? box.openPrivateKey(id, pem) : pem),
  };
}

export const PRODUCTS = 5;
export const FEATURES_PER_PRODUCT = 3;
export const LICENSES_PER_CUSTOMER = 100;
export const LEASE_LIMIT = 5;
/** Generated leases live a day: longer than any run, and the server's default maximum. */
const LEASE_MS = 86_400_000;

/** A deterministic, random-looking UUID (the same as PostgreSQL's md5(text)::uuid). */
export function uid(kind, i) {
  const h = createHash('md5').update(`${kind}${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** License i's key code, shaped like generated ones: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX. */
export function keyCode(i) {
  const h = createHash('md5').update(`key${i}`).digest('hex').toUpperCase();
  return `${h.slice(0, 5)}-${h.slice(5, 10)}-${h.slice(10, 15)}-${h.slice(15, 20)}-${h.slice(20, 25)}`;
}

/** What license i grants, as the licensing API answers it: two features of product i % PRODUCTS. */
export function validForOf(i) {
  const p = i % PRODUCTS;
  return [
    {
      product: `product-${p}`,
      productDescription: `Product ${p}`,
      features: [0, 1].map((f) => ({ feature: `feature-${f}`, featureDescription: `Feature ${f} of product ${p}` })),
    },
  ];
}

/**
 * The shape of a dataset: `licenses` licenses, `activeLeases` active leases spread evenly over
 * them, of which `usableLeases` (spread evenly over those) get real, signed lease codes the
 * benchmark can validate and renew; the others hold seats under codes nobody knows.
 */
export function plan(licenses, activeLeases, usableLeases) {
  const leaseStride = Math.max(1, Math.floor(licenses / activeLeases));
  const usableStride = Math.max(1, Math.floor(activeLeases / usableLeases));
  return { licenses, activeLeases, usableLeases: Math.floor(activeLeases / usableStride), leaseStride, usableStride };
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs lease codes exactly as the server does (keys/lease-code.ts), with the organization's key (`private_key_pem` opened). */
function leaseSigner(signingKey) {
  const privateKey = createPrivateKey(signingKey.pem);
  const header = b64({ alg: signingKey.algorithm, kid: signingKey.id, typ: 'JWT' });
  const options = signingKey.algorithm === 'ES256' ? ['sha256', { key: privateKey, dsaEncoding: 'ieee-p1363' }] : signingKey.algorithm === 'EdDSA' ? [null, privateKey] : ['sha256', privateKey];
  return (claims) => {
    const input = `${header}.${b64(claims)}`;
    return `${input}.${sign(options[0], Buffer.from(input), options[1]).toString('base64url')}`;
  };
}

/** One `?` per column of a comma-separated column list. */
const questionMarks = (columns) => Array.from(columns.split(','), () => '?').join(', ');

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/**
 * The active leases: lease j sits on license j * leaseStride; every usableStride-th one gets a
 * signed code. Returns the rows to insert (in batches, through `emit`) and the usable leases.
 */
const isUsable = (p, j) => j % p.usableStride === 0 && j / p.usableStride < p.usableLeases;

function* leaseRows(p, { organizationId, signingKey, endpoint, now, usableOnly = false }) {
  const signCode = leaseSigner(signingKey);
  const iat = Math.floor(now / 1000);
  const exp = Math.floor((now + LEASE_MS) / 1000);
  for (let j = 0; j < p.activeLeases; j++) {
    const usable = isUsable(p, j);
    if (usableOnly && !usable) continue;
    const license = j * p.leaseStride;
    const id = uid('lea', j);
    const clientId = `bench-client-${j}`;
    const code = usable ? signCode({ iss: endpoint, sub: uid('lic', license), jti: id, iat, exp, cid: clientId, validFor: validForOf(license) }) : undefined;
    yield {
      row: [id, organizationId, uid('lic', license), uid('key', license), clientId, now, exp * 1000, 'active', null, signingKey.id, sha256(code ?? `filler${j}`), null, null],
      usable: code && { code, license },
    };
  }
}

const LEASE_COLUMNS = 'id, organization_id, license_id, key_id, client_id, issued_at, expires_at, state, revoked_reason, signing_key_id, code_hash, replaced_by, ended_at';

async function signingKeyOf(query, organizationId) {
  const rows = await query(`select id, algorithm, private_key_pem from signing_key where organization_id = $1 and retired_at is null order by created_at desc limit 1`, [organizationId]);
  if (!rows[0]) throw new Error(`no signing key for organization ${organizationId}`);
  return rows[0];
}

/** Fills an SQLite database. Returns the usable leases: [{ code, license }]. */
export async function fillSqlite(path, p, { organizationId, endpoint, log }) {
  const Database = require('better-sqlite3');
  const db = new Database(path);
  // A bulk load nobody else sees: no journal, no syncs, a large cache; the server's settings (WAL) come back after.
  db.pragma('journal_mode = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -524288');
  const now = Date.now();
  const stored = db.prepare(`select id, algorithm, private_key_pem from signing_key where organization_id = ? and retired_at is null order by created_at desc limit 1`).get(organizationId);
  if (!stored) throw new Error(`no signing key for organization ${organizationId}`);
  const keys = await keyWriter(db.prepare(`select 1 from pragma_table_info('license_key') where name = 'code_hash'`).get() !== undefined);
  const signingKey = { ...stored, pem: keys.open(stored.id, stored.private_key_pem) };
  const usable = [];
  db.transaction(() => {
    const product = db.prepare('insert into product (id, organization_id, name, description, created_at, updated_at) values (?, ?, ?, ?, ?, ?)');
    const feature = db.prepare('insert into feature (id, organization_id, product_id, name, description, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)');
    for (let pr = 0; pr < PRODUCTS; pr++) {
      product.run(uid('prd', pr), organizationId, `product-${pr}`, `Product ${pr}`, now, now);
      for (let f = 0; f < FEATURES_PER_PRODUCT; f++) {
        feature.run(uid('fea', pr * FEATURES_PER_PRODUCT + f), organizationId, uid('prd', pr), `feature-${f}`, `Feature ${f} of product ${pr}`, now, now);
      }
    }
    const customer = db.prepare('insert into customer (id, organization_id, name, created_at, updated_at) values (?, ?, ?, ?, ?)');
    for (let c = 0; c * LICENSES_PER_CUSTOMER < p.licenses; c++) customer.run(uid('cus', c), organizationId, `Customer ${c}`, now, now);
    const license = db.prepare('insert into license (id, organization_id, customer_id, lease_limit, expiry, comment, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)');
    const grant = db.prepare('insert into license_feature (license_id, feature_id) values (?, ?)');
    const key = db.prepare(`insert into license_key (${keys.columns}) values (${questionMarks(keys.columns)})`);
    const features = Array.from({ length: PRODUCTS * FEATURES_PER_PRODUCT }, (_, f) => uid('fea', f));
    let customerId = '';
    for (let i = 0; i < p.licenses; i++) {
      const id = uid('lic', i);
      if (i % LICENSES_PER_CUSTOMER === 0) customerId = uid('cus', i / LICENSES_PER_CUSTOMER);
      license.run(id, organizationId, customerId, LEASE_LIMIT, null, null, now, now);
      const pr = i % PRODUCTS;
      grant.run(id, features[pr * FEATURES_PER_PRODUCT]);
      grant.run(id, features[pr * FEATURES_PER_PRODUCT + 1]);
      key.run(keys.values(uid('key', i), organizationId, id, keyCode(i), now));
      if (log && i > 0 && i % 250_000 === 0) log(`  ${i.toLocaleString('en-US')} licenses`);
    }
    const lease = db.prepare(`insert into lease (${LEASE_COLUMNS}) values (${questionMarks(LEASE_COLUMNS)})`);
    for (const { row, usable: u } of leaseRows(p, { organizationId, signingKey, endpoint, now })) {
      lease.run(row);
      if (u) usable.push(u);
    }
  })();
  db.pragma('locking_mode = NORMAL');
  db.pragma('journal_mode = WAL');
  db.close();
  return usable;
}

/** Fills a PostgreSQL schema: catalog rows with generate_series, leases in batches. */
export async function fillPostgres(url, p, { organizationId, endpoint, log }) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const query = async (text, values) => (await client.query(text, values)).rows;
  try {
    const now = Date.now();
    const stored = await signingKeyOf(query, organizationId);
    const keys = await keyWriter(
      (await query(`select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'license_key' and column_name = 'code_hash'`)).length > 0,
    );
    const signingKey = { ...stored, pem: keys.open(stored.id, stored.private_key_pem) };
    // The rows are consistent by construction: skip the foreign key checks (a trigger per row) when
    // the role may (a superuser); otherwise they run, slower.
    await query('set session_replication_role = replica').catch(() => undefined);
    await query('begin');
    await query('set local synchronous_commit = off');
    const org = `'${organizationId}'`;
    await query(
      `insert into product (id, organization_id, name, description, created_at, updated_at) select md5('prd' || p)::uuid::text, ${org}, 'product-' || p, 'Product ' || p, ${now}, ${now} from generate_series(0, ${PRODUCTS - 1}) p`,
    );
    await query(
      `insert into feature (id, organization_id, product_id, name, description, created_at, updated_at) select md5('fea' || (p * ${FEATURES_PER_PRODUCT} + f))::uuid::text, ${org}, md5('prd' || p)::uuid::text, 'feature-' || f, 'Feature ' || f || ' of product ' || p, ${now}, ${now}
       from generate_series(0, ${PRODUCTS - 1}) p, generate_series(0, ${FEATURES_PER_PRODUCT - 1}) f`,
    );
    await query(
      `insert into customer (id, organization_id, name, created_at, updated_at)
       select md5('cus' || c)::uuid::text, ${org}, 'Customer ' || c, ${now}, ${now} from generate_series(0, ${Math.ceil(p.licenses / LICENSES_PER_CUSTOMER) - 1}) c`,
    );
    await query(
      `insert into license (id, organization_id, customer_id, lease_limit, expiry, comment, created_at, updated_at) select md5('lic' || i)::uuid::text, ${org}, md5('cus' || (i / ${LICENSES_PER_CUSTOMER}))::uuid::text, ${LEASE_LIMIT}, null, null, ${now}, ${now}
       from generate_series(0, ${p.licenses - 1}) i`,
    );
    log?.('  licenses');
    await query(
      `insert into license_feature (license_id, feature_id) select md5('lic' || i)::uuid::text, md5('fea' || ((i % ${PRODUCTS}) * ${FEATURES_PER_PRODUCT} + f))::uuid::text
       from generate_series(0, ${p.licenses - 1}) i, generate_series(0, 1) f`,
    );
    // Key codes are sealed here, in JavaScript, and sent 10,000 rows a statement as arrays.
    const width = keys.columns.split(',').length;
    for (let from = 0; from < p.licenses; from += 10_000) {
      const rows = [];
      for (let i = from; i < Math.min(p.licenses, from + 10_000); i++) rows.push(keys.values(uid('key', i), organizationId, uid('lic', i), keyCode(i), now));
      const arrays = Array.from({ length: width }, (_, c) => rows.map((r) => r[c]));
      const types = arrays.map((_, c) => (c === width - 1 ? 'bigint[]' : 'text[]'));
      await query(`insert into license_key (${keys.columns}) select * from unnest(${types.map((t, c) => `$${c + 1}::${t}`).join(', ')})`, arrays);
    }
    log?.('  keys and features');
    const usable = [];
    let batch = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const width = batch[0].length;
      const placeholders = batch.map((_, r) => `(${batch[0].map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
      await query(`insert into lease (${LEASE_COLUMNS}) values ${placeholders}`, batch.flat());
      batch = [];
    };
    // The leases nobody will use, in SQL (the same rows leaseRows would make); the usable ones, signed here.
    const exp = Math.floor((now + LEASE_MS) / 1000) * 1000;
    await query(
      `insert into lease (${LEASE_COLUMNS})
       select md5('lea' || j)::uuid::text, ${org}, md5('lic' || (j * ${p.leaseStride}))::uuid::text, md5('key' || (j * ${p.leaseStride}))::uuid::text,
              'bench-client-' || j, ${now}, ${exp}, 'active', null, '${signingKey.id}', encode(sha256(('filler' || j)::bytea), 'hex'), null, null
       from generate_series(0, ${p.activeLeases - 1}) j
       where j % ${p.usableStride} <> 0 or j / ${p.usableStride} >= ${p.usableLeases}`,
    );
    for (const { row, usable: u } of leaseRows(p, { organizationId, signingKey, endpoint, now, usableOnly: true })) {
      batch.push(row);
      if (u) usable.push(u);
      if (batch.length >= 2000) await flush();
    }
    await flush();
    await query('commit');
    await query('analyze');
    return usable;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
