import type { FastifyRequest } from 'fastify';
import { auditId } from '../services/change-log.js';
import type { AdminDeps } from './deps.js';

/**
 * Records a change in the audit log, after it was made. Ids sort by time, so events of the same
 * millisecond keep their order. `before` and `after` are the resource as the API shows it, never
 * secrets (password hashes and token secrets are not part of any reply).
 */
export async function recordChange(
  deps: Pick<AdminDeps, 'store' | 'clock'>,
  request: FastifyRequest,
  change: { action: string; resourceType: string; resourceId: string | null; before?: unknown; after?: unknown },
): Promise<void> {
  const principal = request.principal!;
  const at = deps.clock.now();
  await deps.store.audit.record(principal.organizationId, {
    id: auditId(at),
    at,
    actor: principal.actor,
    action: change.action,
    resourceType: change.resourceType,
    resourceId: change.resourceId,
    before: change.before ?? null,
    after: change.after ?? null,
  });
}
