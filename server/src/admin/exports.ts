// CSV exports of the lists: the same filters and order as each list, every matching row, read in bounded batches.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { maskKeyCode } from '../credentials.js';
import { exportFilename, sendCsv, type CsvColumn } from '../http/csv.js';
import { callerOf, valueOf } from '../http/outcome.js';
import { IdParams, iso } from '../http/schemas.js';
import { CustomerService, type CustomerView } from '../services/customer-service.js';
import { LeaseAdminService, type LeaseView } from '../services/lease-admin-service.js';
import { LicenseService, type LicenseView } from '../services/license-service.js';
import type { AuditEvent } from '../store/audit.js';
import { AuditFilterQuery, auditFilterOf } from './audit-query.js';
import { CustomerQuery } from './customers.js';
import type { AdminDeps } from './deps.js';
import { LicenseQuery, licenseFilterOf } from './license-query.js';
import { LeaseQuery } from './leases.js';

const CsvReply = { 200: Type.String({ description: 'text/csv; charset=utf-8: a header row, then one row per item, RFC 4180 quoting.' }) };
const produces = ['text/csv'];

type LicenseRow = LicenseView & { products: string[] };

/**
 * Key codes are written masked (the last 4 characters), as the audit log keeps them: an export is
 * a file that travels (mail, shared drives, spreadsheets), and a key code is what unlocks a
 * license. The code itself is on the license's page, for the roles that may see it.
 */
const licenseColumns: CsvColumn<LicenseRow>[] = [
  { header: 'id', value: (l) => l.id },
  { header: 'customer', value: (l) => l.customerName },
  { header: 'customerId', value: (l) => l.customerId },
  { header: 'products', value: (l) => l.products.join('; ') },
  { header: 'features', value: (l) => l.featureIds.length },
  { header: 'leaseLimit', value: (l) => l.leaseLimit },
  { header: 'leasesUsed', value: (l) => l.leasesUsed },
  { header: 'expiry', value: (l) => l.expiry },
  { header: 'keys', value: (l) => l.keys.map(maskKeyCode).join('; ') },
  { header: 'comment', value: (l) => l.comment },
  { header: 'createdAt', value: (l) => l.createdAt },
  { header: 'updatedAt', value: (l) => l.updatedAt },
];

const customerColumns: CsvColumn<CustomerView>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'name', value: (c) => c.name },
  { header: 'contactName', value: (c) => c.contactName },
  { header: 'contactEmail', value: (c) => c.contactEmail },
  { header: 'phone', value: (c) => c.phone },
  { header: 'comment', value: (c) => c.comment },
  { header: 'createdAt', value: (c) => c.createdAt },
  { header: 'updatedAt', value: (c) => c.updatedAt },
];

const leaseColumns: CsvColumn<LeaseView>[] = [
  { header: 'id', value: (l) => l.id },
  { header: 'licenseId', value: (l) => l.licenseId },
  { header: 'clientId', value: (l) => l.clientId },
  { header: 'state', value: (l) => l.state },
  { header: 'issuedAt', value: (l) => l.issuedAt },
  { header: 'expiry', value: (l) => l.expiry },
  { header: 'endedAt', value: (l) => l.endedAt },
];

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const auditColumns: CsvColumn<AuditEvent>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'at', value: (e) => iso(e.at) },
  { header: 'actorType', value: (e) => e.actor.type },
  { header: 'actorId', value: (e) => e.actor.id },
  { header: 'actorName', value: (e) => e.actor.name },
  { header: 'action', value: (e) => e.action },
  { header: 'resourceType', value: (e) => e.resourceType },
  { header: 'resourceId', value: (e) => e.resourceId },
  { header: 'before', value: (e) => json(e.before) },
  { header: 'after', value: (e) => json(e.after) },
];

/** The lists as CSV downloads; whoever may read a list may export it. */
export const exportRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const licenses = new LicenseService(deps);
  const customers = new CustomerService(deps);
  const leases = new LeaseAdminService(deps);
  const { store, clock } = deps;

  app.get(
    '/licenses/export.csv',
    { schema: { summary: 'Export the licenses that match the filters, in the list order, as CSV', tags: ['licenses'], produces, querystring: Type.Object(LicenseQuery), response: CsvReply } },
    async (request, reply) => {
      const caller = callerOf(request);
      const filter = licenseFilterOf(request.query);
      return sendCsv(reply, exportFilename('licenses', clock.now()), licenseColumns, async (page) => {
        const items = valueOf(await licenses.list(caller, { ...filter, ...page }), reply).items;
        const products = await store.licenses.productNames(items.map((l) => l.id));
        return items.map((l) => ({ ...l, products: (products.get(l.id) ?? []).sort() }));
      });
    },
  );

  app.get(
    '/customers/export.csv',
    { schema: { summary: 'Export the customers that match the search, in the list order, as CSV', tags: ['customers'], produces, querystring: Type.Object(CustomerQuery), response: CsvReply } },
    async (request, reply) => {
      const caller = callerOf(request);
      const { q, sort, order } = request.query;
      return sendCsv(reply, exportFilename('customers', clock.now()), customerColumns, async (page) => valueOf(await customers.list(caller, { q, sort, order, ...page }), reply).items);
    },
  );

  app.get(
    '/licenses/:id/leases/export.csv',
    {
      schema: {
        summary: "Export a license's leases, in the list order, as CSV",
        tags: ['leases'],
        produces,
        params: IdParams,
        querystring: Type.Object(LeaseQuery),
        response: CsvReply,
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { id } = request.params;
      return sendCsv(reply, exportFilename('leases', clock.now()), leaseColumns, async (page) => valueOf(await leases.listByLicense(caller, id, { ...request.query, ...page }), reply).items);
    },
  );

  app.get(
    '/audit/export.csv',
    { schema: { summary: 'Export the audit events that match the filters, in the list order, as CSV', tags: ['audit'], produces, querystring: Type.Object(AuditFilterQuery), response: CsvReply } },
    async (request, reply) => {
      const { organizationId } = callerOf(request);
      const filter = valueOf(auditFilterOf(request.query), reply);
      // A read: the store answers it directly, with the caller's organization, as the list does.
      return sendCsv(reply, exportFilename('audit', clock.now()), auditColumns, async (page) => (await store.audit.list(organizationId, { ...filter, ...page })).items);
    },
  );
};
