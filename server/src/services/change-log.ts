import { randomBytes } from 'node:crypto';
import type { NewDomainEvent, Store } from '../store/index.js';
import type { Caller } from './caller.js';

/** A change as the audit log and the outbox record it. */
export interface Change {
  /** The audit log's verb: create, update, delete, rotate, release, ... */
  action: string;
  resourceType: string;
  resourceId: string | null;
  /** The resource as the API shows it before and after; never a secret (mask key codes). */
  before?: unknown;
  after?: unknown;
  /** The event's type, when it is not `<resourceType>.<action in the past tense>`. */
  event?: string;
  /** The event's data, when it is more than `{ before, after }`. */
  data?: unknown;
}

const PAST: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  rotate: 'rotated',
  release: 'released',
  reset_password: 'password_reset',
  change_password: 'password_changed',
};

/** The event type a change records: `license.updated`, `signing_key.rotated`, ... */
export function eventTypeOf(change: Pick<Change, 'action' | 'resourceType' | 'event'>): string {
  return change.event ?? `${change.resourceType}.${PAST[change.action] ?? change.action}`;
}

// Audit ids sort by time; the sequence keeps events of one millisecond in the order they were made.
let sequence = 0;
export function auditId(at: number): string {
  return `${at.toString(36).padStart(10, '0')}-${(sequence++ % 1_679_616).toString(36).padStart(4, '0')}-${randomBytes(6).toString('hex')}`;
}

/**
 * Records changes in the audit log and as domain events, with `tx`: the transaction that makes the
 * change (`transact`), so that the record and the change commit together or not at all.
 */
export async function recordChanges(tx: Store, caller: Caller, at: number, changes: readonly Change[]): Promise<void> {
  const events: NewDomainEvent[] = [];
  for (const change of changes) {
    await tx.audit.record(caller.organizationId, {
      id: auditId(at),
      at,
      actor: caller.actor,
      action: change.action,
      resourceType: change.resourceType,
      resourceId: change.resourceId,
      before: change.before ?? null,
      after: change.after ?? null,
    });
    events.push({
      type: eventTypeOf(change),
      subject: { type: change.resourceType, id: change.resourceId },
      actor: caller.actor,
      data: change.data ?? { before: change.before ?? null, after: change.after ?? null },
    });
  }
  await tx.events.append(caller.organizationId, at, events);
}

/** One change: see `recordChanges`. */
export function recordChange(tx: Store, caller: Caller, at: number, change: Change): Promise<void> {
  return recordChanges(tx, caller, at, [change]);
}
