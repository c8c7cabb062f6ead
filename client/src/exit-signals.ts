// In Node, a SeatKeeper gives its seat back when the process is told to end or runs out of work.
import { nodeProcess } from './node.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The keeper's listeners on Node's process, each of which stops the keeper; in a browser there are none. */
export class ExitSignals {
  private handlers: [string, () => void][] = [];

  constructor(
    private readonly wanted: boolean | readonly string[],
    private readonly stop: () => Promise<unknown>,
  ) {}

  install(): void {
    const proc = nodeProcess();
    const wanted = this.wanted;
    if (!proc || wanted === false || this.handlers.length > 0) return;
    const signals: readonly string[] = wanted === true ? (proc.platform === 'win32' ? [...SIGNALS, 'SIGBREAK'] : SIGNALS) : wanted;
    for (const signal of signals) {
      const handler = () => {
        this.remove();
        void this.stop().then(() => {
          // Nobody else listens: do what the signal would have done without us.
          if (proc.listenerCount(signal) === 0) proc.kill(proc.pid, signal);
        });
      };
      proc.on(signal, handler);
      this.handlers.push([signal, handler]);
    }
    // The event loop emptied (the application finished) while a seat is held: give it back.
    const beforeExit = () => {
      this.remove();
      void this.stop();
    };
    proc.on('beforeExit', beforeExit);
    this.handlers.push(['beforeExit', beforeExit]);
  }

  remove(): void {
    const proc = nodeProcess();
    for (const [signal, handler] of this.handlers) proc?.removeListener(signal, handler);
    this.handlers = [];
  }
}
