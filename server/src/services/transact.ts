import { ConflictError, NotFoundError, type Store } from '../store/index.js';
import { conflict, failed, type Outcome } from './outcome.js';

/** Carries a refusal out of the transaction callback, so that the transaction rolls back. */
class Refused<T> extends Error {
  constructor(readonly outcome: Outcome<T>) {
    super('refused');
  }
}

/**
 * Runs a service's change in one write transaction (see `Store.transaction`). The change commits
 * when `fn` answers a value, and rolls back, writes included, when it answers a refusal. The
 * store's named errors (a duplicate name, a row that is gone) become refusals too; anything else
 * is a fault and propagates.
 */
export async function transact<T>(store: Store, fn: (tx: Store) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await store.transaction(async (tx) => {
      const outcome = await fn(tx);
      if (!outcome.ok) throw new Refused(outcome);
      return outcome;
    });
  } catch (err) {
    if (err instanceof Refused) return err.outcome;
    if (err instanceof ConflictError) return conflict(err.message, err.related);
    if (err instanceof NotFoundError) return failed({ kind: 'not_found', message: err.message });
    throw err;
  }
}
