import { isForeignKeyViolation, isStorageFault, isUnavailable } from './db-errors.js';

/**
 * What a database error says about the request, named by the store so that no other layer reads
 * driver error codes:
 * - `storage`: the storage fails (a full disk, a read-only file or mount, an I/O error, a damaged
 *   file); it lasts until an operator acts.
 * - `unavailable`: the database cannot serve now (locked too long, unreachable, shutting down);
 *   retrying shortly succeeds.
 * - `reference_changed`: a record the change refers to was changed or deleted at the same moment
 *   (a foreign key failed): the client's conflict to retry, not a server fault.
 * - undefined: none of these; a fault of the server.
 */
export type Fault = 'storage' | 'unavailable' | 'reference_changed';

export function classifyFault(err: unknown): Fault | undefined {
  // A storage fault is also unavailability; it is named first because it lasts longer.
  if (isStorageFault(err)) return 'storage';
  if (isUnavailable(err)) return 'unavailable';
  if (isForeignKeyViolation(err)) return 'reference_changed';
  return undefined;
}
