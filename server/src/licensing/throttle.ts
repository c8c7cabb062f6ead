import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { FailurePolicy, Store } from '../store/index.js';
import { TtlCache } from '../ttl-cache.js';

export interface LookupThrottleSettings {
  /** Failed lookups an address may make per minute before it is blocked; 0 turns the limit off. */
  failuresPerMinute: number;
  /** How long an address that went over the limit is blocked, in seconds. */
  blockSeconds: number;
}

const WINDOW_MS = 60_000;
/** Blocked addresses one instance remembers; beyond that the oldest is forgotten (and relearned at its next failure). */
const MAX_BLOCKS = 100_000;
/** Addresses whose good keys one instance remembers, each with at most KEYS_PER_ADDRESS keys, for a day. */
const MAX_ADDRESSES = 10_000;
const KEYS_PER_ADDRESS = 8;
const KNOWN_FOR_MS = 86_400_000;

/**
 * Limits guessing on the licensing API: failed key and lease lookups (an unknown key, an unknown
 * lease code) are counted per client address in the database, so the limit holds across
 * instances; an address over the limit is blocked for a while. Successful lookups write nothing.
 *
 * While an address is blocked, key lookups from it answer 429 without looking the key up, so a
 * guesser learns nothing, except keys that this instance saw succeed from that address before
 * (a customer behind the same address keeps working). Lease codes are signed and unguessable, so
 * they are always looked up; only failures answer 429. Each instance keeps the blocks it learned
 * in memory, so requests from a blocked address cost no database work.
 */
export class LookupThrottle {
  private readonly blocks = new Map<string, number>();
  private readonly known: TtlCache<string, string[]>;
  private readonly policy: FailurePolicy;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    settings: LookupThrottleSettings,
  ) {
    this.policy = { limit: settings.failuresPerMinute, windowMs: WINDOW_MS, blockMs: settings.blockSeconds * 1000 };
    this.known = new TtlCache(KNOWN_FOR_MS, MAX_ADDRESSES, () => clock.now());
  }

  get enabled(): boolean {
    return this.policy.limit > 0;
  }

  /** Milliseconds until `address` may look things up again, as far as this instance knows; 0 when it may now. */
  blockedFor(address: string): number {
    if (!this.enabled) return 0;
    const until = this.blocks.get(address);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left > 0) return left;
    this.blocks.delete(address);
    return 0;
  }

  /** Whether a blocked `address` may still look up `key`: one this instance saw succeed from it before. */
  knowsKey(address: string, organizationId: string, key: string): boolean {
    return this.known.get(address)?.includes(digest(organizationId, key)) ?? false;
  }

  /** Remembers a key that succeeded from `address`, so that a later block spares it. */
  keySucceeded(address: string, organizationId: string, key: string): void {
    if (!this.enabled) return;
    const keys = this.known.get(address) ?? [];
    const d = digest(organizationId, key);
    if (keys.includes(d)) return;
    this.known.set(address, [d, ...keys].slice(0, KEYS_PER_ADDRESS));
  }

  /**
   * Counts a failed lookup from `address`; returns the milliseconds it is now blocked for (0 when
   * it is not). A failure from an address this instance already knows blocked costs nothing.
   */
  async failed(address: string): Promise<number> {
    if (!this.enabled) return 0;
    const known = this.blockedFor(address);
    if (known > 0) return known;
    const now = this.clock.now();
    const { blockedUntil } = await this.store.licensingThrottle.recordFailure(address, now, this.policy);
    if (blockedUntil <= now) return 0;
    if (this.blocks.size >= MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    this.blocks.set(address, blockedUntil);
    return blockedUntil - now;
  }
}

/**
 * What the limit counts for a client address: an IPv4 address as it is (also when IPv4-mapped,
 * `::ffff:192.0.2.1`), an IPv6 address by its /64 network, since one subscriber or host usually
 * holds a whole /64 and could otherwise spread its guesses over 2^64 addresses.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Keys are remembered by digest, not kept in memory as they are. */
function digest(organizationId: string, key: string): string {
  return createHash('sha256').update(organizationId).update('\u0000').update(key).digest('base64url');
}
