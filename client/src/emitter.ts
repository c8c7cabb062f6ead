/** A small typed event emitter that works in browsers and Node alike, and never lets a listener's error escape. */
export class Emitter<Events extends Record<keyof Events, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => unknown>>();

  /** Calls `listener` on every `event`; returns a function that removes it. */
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => unknown): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<E extends keyof Events>(event: E, listener: (payload: Events[E]) => unknown): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Calls `listener` on the next `event` only. */
  once<E extends keyof Events>(event: E, listener: (payload: Events[E]) => unknown): () => void {
    const off = this.on(event, (payload) => {
      off();
      return listener(payload);
    });
    return off;
  }

  protected listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Calls each listener; one that throws (or rejects) is reported to 'error' listeners, never rethrown. */
  protected emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        const result = (listener as (payload: Events[E]) => unknown)(payload);
        if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
          (result as PromiseLike<unknown>).then(undefined, (error: unknown) => this.listenerFailed(event, error));
        }
      } catch (error) {
        this.listenerFailed(event, error);
      }
    }
  }

  private listenerFailed(event: keyof Events, error: unknown): void {
    if (event === 'error') return;
    this.emit('error' as keyof Events, { error, event } as Events[keyof Events]);
  }
}
