import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../http/errors.js';
import { callerOf } from '../http/outcome.js';
import { IdParams, Timestamp, iso } from '../http/schemas.js';
import { HOUR_MS, type UsageRow } from '../store/usage.js';
import type { AdminDeps } from './deps.js';
import { LicenseReply, licenseReply } from './licenses.js';

const DAY_MS = 24 * HOUR_MS;
/** The series of licenses that grant no product's feature. */
const NO_PRODUCT = '(no product)';
/** 24 hourly points or 30 daily ones. */
type Span = '24h' | '30d';
const Range = Type.Object({
  range: Type.Optional(Type.Unsafe<Span>(Type.String({ enum: ['24h', '30d'], default: '24h', description: '24h: hourly points; 30d: daily points.' }))),
});

/** Bucket starts covering the range, oldest first: 24 hours or 30 days ending with the current one. */
function buckets(range: Span, now: number): { size: number; starts: number[] } {
  const size = range === '24h' ? HOUR_MS : DAY_MS;
  const last = Math.floor(now / size) * size;
  const count = range === '24h' ? 24 : 30;
  return { size, starts: Array.from({ length: count }, (_, i) => last - (count - 1 - i) * size) };
}

/**
 * Points of a chart. Within a bucket, the peak is the largest hourly value (summed over the
 * licenses being drawn) and refusals add up.
 */
function chart(rows: UsageRow[], range: Span, now: number, seriesOf: (licenseId: string) => string[]) {
  const { size, starts } = buckets(range, now);
  const hourly = new Map<number, Map<string, number>>();
  const refused = new Map<number, number>();
  for (const row of rows) {
    const bucket = Math.floor(row.hour / size) * size;
    refused.set(bucket, (refused.get(bucket) ?? 0) + row.refused);
    const perSeries = hourly.get(row.hour) ?? new Map<string, number>();
    for (const series of seriesOf(row.licenseId)) perSeries.set(series, (perSeries.get(series) ?? 0) + row.peakLeases);
    hourly.set(row.hour, perSeries);
  }
  return starts.map((start) => {
    const peaks: Record<string, number> = {};
    for (const [hour, perSeries] of hourly) {
      if (hour < start || hour >= start + size) continue;
      for (const [series, value] of perSeries) peaks[series] = Math.max(peaks[series] ?? 0, value);
    }
    return { at: iso(start), refused: refused.get(start) ?? 0, peaks };
  });
}

/**
 * What the dashboard and the license page draw: seats in use now, usage over time, what needs
 * attention. Reads only, which the store answers directly.
 */
export const dashboardRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, { store, clock }) => {
  /*
   * The history is written from the lease events at each usage flush (every 30 s): read without
   * one, a refusal a moment ago was not counted yet and leases held now were missing from the
   * chart beside their live count. So every read of it first has the history catch up with the
   * outbox (nothing is written when no lease event is new). With several instances, only the one
   * holding the history's subscription can catch up; the others show it as of its last flush.
   */
  const upToDate = () => app.usage.flush();

  app.get(
    '/dashboard',
    {
      schema: {
        summary: 'Active leases now, refusals in the last 24 hours, licenses expiring within 30 days and licenses at their limit',
        description: 'refusedLast24h counts the current hour and the 23 before it, as the 24-hour chart does, up to the moment of the request.',
        tags: ['usage'],
        response: {
          200: Type.Object({
            activeLeases: Type.Integer(),
            refusedLast24h: Type.Integer(),
            expiringSoon: Type.Array(LicenseReply),
            atLimit: Type.Array(LicenseReply),
          }),
        },
      },
    },
    async (request) => {
      const { organizationId } = callerOf(request);
      await upToDate();
      const now = clock.now();
      const [activeLeases, rows, expiring, full] = await Promise.all([
        store.leases.countActiveInOrganization(organizationId, now),
        // The same 24 hours as the chart's hourly points, so that the count and the chart add up alike.
        store.usage.rows(organizationId, buckets('24h', now).starts[0]!, now + HOUR_MS),
        store.licenses.list(organizationId, now, { limit: 100, offset: 0, expiringBefore: now + 30 * DAY_MS }),
        store.licenses.list(organizationId, now, { limit: 100, offset: 0, atLimit: true }),
      ]);
      return {
        activeLeases,
        refusedLast24h: rows.reduce((sum, r) => sum + r.refused, 0),
        expiringSoon: expiring.items.sort((a, b) => a.expiry! - b.expiry!).map(licenseReply),
        atLimit: full.items.map(licenseReply),
      };
    },
  );

  app.get(
    '/usage',
    {
      schema: {
        summary: 'Concurrent leases per product and refused obtains over the last 24 hours or 30 days',
        description: 'Up to the moment of the request (with several instances, as of the last usage flush, within 30 seconds).',
        tags: ['usage'],
        querystring: Range,
        response: {
          200: Type.Object({
            products: Type.Array(Type.String()),
            points: Type.Array(Type.Object({ at: Timestamp, refused: Type.Integer(), peaks: Type.Record(Type.String(), Type.Integer()) })),
          }),
        },
      },
    },
    async (request) => {
      const { organizationId } = callerOf(request);
      const range = request.query.range ?? '24h';
      await upToDate();
      const now = clock.now();
      const since = buckets(range, now).starts[0]!;
      const rows = await store.usage.rows(organizationId, since, now + HOUR_MS);
      const products = await store.licenses.productNames([...new Set(rows.map((r) => r.licenseId))]);
      // A license that grants no feature still holds seats: its own series, whose name no product can have (names are identifiers).
      const seriesOf = (licenseId: string) => products.get(licenseId) ?? [NO_PRODUCT];
      const points = chart(rows, range, now, seriesOf);
      return { products: [...new Set(rows.flatMap((r) => seriesOf(r.licenseId)))].sort(), points };
    },
  );

  app.get(
    '/licenses/:id/usage',
    {
      schema: {
        summary: "A license's peak concurrent leases and refused obtains over the last 24 hours or 30 days",
        tags: ['usage'],
        params: IdParams,
        querystring: Range,
        response: { 200: Type.Object({ points: Type.Array(Type.Object({ at: Timestamp, peakLeases: Type.Integer(), refused: Type.Integer() })) }) },
      },
    },
    async (request) => {
      const { organizationId } = callerOf(request);
      const licenseId = request.params.id;
      const now = clock.now();
      if (!(await store.licenses.get(organizationId, licenseId, now))) throw notFound('license');
      await upToDate();
      const range = request.query.range ?? '24h';
      const rows = await store.usage.rows(organizationId, buckets(range, now).starts[0]!, now + HOUR_MS, licenseId);
      return { points: chart(rows, range, now, () => ['license']).map((p) => ({ at: p.at, peakLeases: p.peaks.license ?? 0, refused: p.refused })) };
    },
  );
};
