import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { createOrganization, type CreatedOrganization } from '../src/bootstrap.js';
import type { Clock } from '../src/clock.js';
import { resolveConfig, type Config } from '../src/config.js';
import { openConfiguredStore } from '../src/server.js';
import type { Store } from '../src/store/index.js';
import type { SigningAlgorithm } from '../src/store/schema.js';
import { createTestSchema, TEST_DATABASE, type TestSchema } from './pg.js';

/** A clock that moves only when a test moves it. */
export class ManualClock implements Clock {
  constructor(public ms = Date.UTC(2030, 0, 1, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export const PUBLIC_URL = 'https://licenses.example.test';

/** A fresh temporary directory, removed by `close`. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'leasehold-test-'));
}

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  config: Config;
  org: CreatedOrganization;
  /** Path prefix of the organization's licensing API: /licensing/{id}. */
  licensingPath: string;
  /** Calls the admin API with the organization's token. */
  admin(method: InjectOptions['method'], url: string, body?: unknown, token?: string): Promise<LightMyRequestResponse>;
  /** Creates another organization on the same server. */
  addOrganization(name: string, algorithm?: SigningAlgorithm): Promise<CreatedOrganization>;
  /** Listens on a random loopback port and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds a server with one organization, on a manual clock, on a new database: an SQLite file, or
 * (when the suite runs on PostgreSQL) a schema of its own.
 */
export async function startTestServer(options: { algorithm?: SigningAlgorithm; env?: Record<string, string>; dir?: string } = {}): Promise<TestServer> {
  const dir = options.dir ?? tempDir();
  const schema: TestSchema | undefined = TEST_DATABASE === 'postgres' ? await createTestSchema() : undefined;
  // The key-encryption key: by default the key file beside the SQLite database; on PostgreSQL a
  // key file in the test's directory rather than ./data.
  const keyFile = schema ? { LEASEHOLD_SECRET_KEY_FILE: join(dir, 'leasehold.key') } : {};
  const config = resolveConfig({ database: schema?.url ?? join(dir, 'leasehold.db'), publicUrl: PUBLIC_URL, logLevel: 'silent' }, { ...keyFile, ...options.env });
  const clock = new ManualClock();
  const store = await openConfiguredStore(config);
  const org = await createOrganization(store, clock, { name: 'Test Org', algorithm: options.algorithm });
  const app = await buildApp({ config, store, clock, logger: false });
  return {
    app,
    store,
    clock,
    config,
    org,
    licensingPath: `/licensing/${org.organizationId}`,
    admin: (method, url, body, token = org.apiToken) => app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) }),
    addOrganization: (name, algorithm) => createOrganization(store, clock, { name, algorithm }),
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    },
    close: async () => {
      await app.close();
      await store.close();
      await schema?.drop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestLicense {
  licenseId: string;
  customerId: string;
  productId: string;
  featureIds: string[];
  key: string;
}

/** Creates a product with features, a customer and a license through the admin API. */
export async function createLicense(
  server: TestServer,
  options: { leaseLimit?: number | null; expiry?: string | null; product?: string; features?: string[]; token?: string } = {},
): Promise<TestLicense> {
  const token = options.token ?? server.org.apiToken;
  const ok = (res: LightMyRequestResponse) => {
    if (res.statusCode !== 201) throw new Error(`admin call failed: ${res.statusCode} ${res.body}`);
    return res.json<{ id: string; keys: string[] }>();
  };
  const suffix = Math.random().toString(36).slice(2, 8);
  const product = ok(await server.admin('POST', '/api/v1/products', { name: options.product ?? `product-${suffix}`, description: 'A product' }, token));
  const featureIds: string[] = [];
  for (const name of options.features ?? ['base']) {
    featureIds.push(ok(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name, description: `Feature ${name}` }, token)).id);
  }
  const customer = ok(await server.admin('POST', '/api/v1/customers', { name: `Customer ${suffix}` }, token));
  const license = ok(
    await server.admin(
      'POST',
      '/api/v1/licenses',
      {
        customerId: customer.id,
        featureIds,
        ...(options.leaseLimit !== undefined ? { leaseLimit: options.leaseLimit } : {}),
        ...(options.expiry !== undefined ? { expiry: options.expiry } : {}),
      },
      token,
    ),
  );
  return { licenseId: license.id, customerId: customer.id, productId: product.id, featureIds, key: license.keys[0]! };
}

/** Licensing calls as an application makes them. */
export function licensingClient(server: TestServer, organizationId = server.org.organizationId) {
  const base = `/licensing/${organizationId}`;
  const call = (method: 'GET' | 'POST', path: string, params: Record<string, unknown>) =>
    method === 'GET' ? server.app.inject({ method, url: `${base}${path}`, query: params as Record<string, string> }) : server.app.inject({ method, url: `${base}${path}`, payload: params });
  return {
    validateKey: (key: string) => call('GET', '/key/validate', { key }),
    obtain: (key: string, extra: { expiry?: number | null; clientId?: string | null } = {}) => call('POST', '/lease/obtain', { key, ...extra }),
    validateLease: (lease: string) => call('GET', '/lease/validate', { lease }),
    renew: (lease: string, extra: { expiry?: number | null } = {}) => call('POST', '/lease/renew', { lease, ...extra }),
    release: (lease: string) => call('POST', '/lease/release', { lease }),
  };
}
