/** Admin API answers as the server shapes them (see server/src/admin/*.ts), for component tests. */
import type { Customer, Feature, Lease, License, Page, Product, Role, Session, User } from '../api/types';

const CREATED = '2025-01-15T09:30:00.000Z';

export function user(role: Role = 'admin', overrides: Partial<User> = {}): User {
  return {
    id: `user-${role}`,
    username: role === 'viewer' ? 'vera' : role === 'owner' ? 'olga' : 'adam',
    displayName: role === 'viewer' ? 'Vera Viewer' : role === 'owner' ? 'Olga Owner' : 'Adam Admin',
    email: null,
    role,
    createdAt: CREATED,
    ...overrides,
  };
}

export function session(role: Role = 'admin'): Session {
  return {
    user: user(role),
    organization: { id: 'org-1', name: 'Acme Software' },
    csrfToken: `csrf-${role}-token`,
  };
}

export function page<T>(items: T[], overrides: Partial<Page<T>> = {}): Page<T> {
  return { items, total: items.length, limit: 25, offset: 0, ...overrides };
}

export function customer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: 'cust-1',
    name: 'Globex Corporation',
    contactName: 'Hank Scorpio',
    contactEmail: 'hank@globex.example',
    phone: '+1 555 0100',
    comment: null,
    createdAt: CREATED,
    updatedAt: CREATED,
    ...overrides,
  };
}

export function product(overrides: Partial<Product> = {}): Product {
  return { id: 'prod-1', name: 'cad-suite', description: 'The CAD suite', createdAt: CREATED, updatedAt: CREATED, ...overrides };
}

export function feature(overrides: Partial<Feature> = {}): Feature {
  return { id: 'feat-1', productId: 'prod-1', name: 'render', description: null, createdAt: CREATED, updatedAt: CREATED, ...overrides };
}

/** Two products with two and one features. */
export const catalog = {
  products: [product({ id: 'prod-cad', name: 'cad-suite', description: 'The CAD suite' }), product({ id: 'prod-viewer', name: 'viewer', description: null })],
  features: [
    feature({ id: 'feat-render', productId: 'prod-cad', name: 'render', description: 'Photo-realistic rendering' }),
    feature({ id: 'feat-export', productId: 'prod-cad', name: 'export' }),
    feature({ id: 'feat-view', productId: 'prod-viewer', name: 'view' }),
  ],
};

export function license(overrides: Partial<License> = {}): License {
  const keys = overrides.keys ?? ['ABCDE-FGHJK-MNPQR-STVWX-YZ012'];
  return {
    // No lease per key unless a test says so.
    keyLeases: keys.map((key) => ({ key, activeLeases: 0 })),
    id: 'lic-1',
    customerId: 'cust-1',
    customerName: 'Globex Corporation',
    featureIds: ['feat-render', 'feat-view'],
    leaseLimit: 10,
    expiry: '2099-12-31T22:59:59.999Z',
    keys: ['ABCDE-FGHJK-MNPQR-STVWX-YZ012'],
    leasesUsed: 2,
    comment: null,
    createdAt: CREATED,
    updatedAt: CREATED,
    ...overrides,
  };
}

/** An active lease obtained ten minutes ago that runs for another fifty. */
export function lease(overrides: Partial<Lease> = {}): Lease {
  const now = Date.now();
  return {
    id: 'lease-1',
    licenseId: 'lic-1',
    clientId: 'workstation-17',
    issuedAt: new Date(now - 10 * 60_000).toISOString(),
    expiry: new Date(now + 50 * 60_000).toISOString(),
    state: 'active',
    endedAt: null,
    ...overrides,
  };
}
