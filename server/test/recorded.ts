import type { DomainEvent } from '../src/store/index.js';
import type { AuditEvent } from '../src/store/audit.js';
import type { TestServer } from './helpers.js';

/** What a piece of work recorded for an organization: its new events, oldest first, and its new audit entries, newest first. */
export interface Recorded<T> {
  result: T;
  events: DomainEvent[];
  audit: AuditEvent[];
}

const everything = 10_000;

/**
 * Runs `work` and answers what it recorded for `organizationId` in the outbox and in the audit log.
 * Meant for work that runs alone on its server. Events are told apart by id rather than read after
 * a cursor: on PostgreSQL a reader only sees events older than every transaction running on the
 * database server, and other work on that server may hold that back for a while.
 */
export async function recorded<T>(server: TestServer, work: () => Promise<T>, organizationId = server.org.organizationId): Promise<Recorded<T>> {
  const seen = new Set((await server.store.events.list(organizationId, { limit: everything })).map((e) => e.cursor.id));
  const auditBefore = (await server.store.audit.list(organizationId, { limit: 1, offset: 0 })).total;
  const result = await work();
  const events = (await server.store.events.list(organizationId, { limit: everything })).filter((e) => !seen.has(e.cursor.id)).reverse();
  const log = await server.store.audit.list(organizationId, { limit: 200, offset: 0 });
  return { result, events, audit: log.items.slice(0, log.total - auditBefore) };
}

/** The events of `type` among `events`. */
export const ofType = (events: readonly DomainEvent[], type: string) => events.filter((e) => e.type === type);
