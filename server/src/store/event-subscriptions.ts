import type { Db } from './db.js';
import type { EventCursor } from './events.js';

export interface EventSubscription {
  name: string;
  cursor: EventCursor;
  holder: string | null;
  heldUntil: number;
}

/**
 * Where each subscriber of the outbox has got to, and which instance delivers to it: one instance
 * at a time holds a subscription, for a while that it extends as it goes. An instance that stops
 * (or dies) without letting go is replaced once its hold runs out; the events after the cursor it
 * left are then delivered again, which is what "at least once" allows.
 */
export class EventSubscriptionStore {
  constructor(private readonly db: Db) {}

  /**
   * Takes the subscription for `holder` until `until`, or extends its hold, unless another holder
   * has it and its hold has not run out: one statement, so two instances never both hold it.
   * A new subscription starts at `start`. Returns the cursor to deliver from, or undefined when
   * another instance holds it.
   */
  async acquire(name: string, holder: string, now: number, until: number, start: EventCursor): Promise<EventCursor | undefined> {
    const row = await this.db.kysely
      .insertInto('event_subscription')
      .values({ name, cursor_tx: start.tx, cursor_id: start.id, holder, held_until: until, updated_at: now })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, held_until: until, updated_at: now })
          .where((eb) => eb.or([eb('event_subscription.holder', 'is', null), eb('event_subscription.holder', '=', holder), eb('event_subscription.held_until', '<=', now)])),
      )
      .returning(['cursor_tx', 'cursor_id'])
      .executeTakeFirst();
    return row && { tx: Number(row.cursor_tx), id: Number(row.cursor_id) };
  }

  /**
   * Moves the cursor from `from` past delivered events and extends the hold; false when `holder`
   * lost the subscription meanwhile, or the cursor is no longer at `from` (someone else delivered
   * the batch). Run in the transaction of a subscriber's own writes, it makes them exactly once:
   * they commit only with the cursor's move, and only one transaction can move it from `from`.
   */
  async advance(name: string, holder: string, from: EventCursor, to: EventCursor, now: number, until: number): Promise<boolean> {
    const result = await this.db.kysely
      .updateTable('event_subscription')
      .set({ cursor_tx: to.tx, cursor_id: to.id, held_until: until, updated_at: now })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .where('cursor_tx', '=', from.tx)
      .where('cursor_id', '=', from.id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the subscription up at once (a clean stop), so another instance need not wait for the hold to run out. */
  async letGo(name: string, holder: string): Promise<void> {
    await this.db.kysely.updateTable('event_subscription').set({ holder: null, held_until: 0 }).where('name', '=', name).where('holder', '=', holder).execute();
  }

  async get(name: string): Promise<EventSubscription | undefined> {
    const row = await this.db.kysely.selectFrom('event_subscription').selectAll().where('name', '=', name).executeTakeFirst();
    return row && { name: row.name, cursor: { tx: Number(row.cursor_tx), id: Number(row.cursor_id) }, holder: row.holder, heldUntil: Number(row.held_until) };
  }
}
