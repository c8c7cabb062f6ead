import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AdminDeps } from './deps.js';

/**
 * Records a change in the audit log, after it was made. Ids sort by time, so events of the same
 * millisecond keep their order. `before` and `after` are the resource as the API shows it, never
 * secrets (password hashes and token secrets are not part of any reply).
 */
let sequence = 0;

export async function recordChange(
  deps: Pick<AdminDeps, 'store' | 'clock'>,
  request: FastifyRequest,
  change: { action: string; resourceType: string; resourceId: string | null; before?: unknown; after?: unknown },
): Promise<void> {
  const principal = request.principal!;
  const at = deps.clock.now();
  await deps.store.audit.record(principal.organizationId, {
    id: `${at.toString(36).padStart(10, '0')}-${(sequence++ % 1_679_616).toString(36).padStart(4, '0')}-${randomBytes(6).toString('hex')}`,
    at,
    actor: principal.actor,
    action: change.action,
    resourceType: change.resourceType,
    resourceId: change.resourceId,
    before: change.before ?? null,
    after: change.after ?? null,
  });
}
