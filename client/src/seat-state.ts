// The seat a SeatKeeper holds, and the state it reports to the application.
import { decodeLease } from './lease.js';
import type { Denied, Unavailable, ValidFor } from './types.js';

/**
 * - stopped: not started, or stopped
 * - acquiring: asking for a seat
 * - held: a seat is held (online, or offline within the signed lease's life)
 * - waiting: every seat is taken; asking again later
 * - offline: no seat, the server cannot be reached; retrying with backoff
 * - denied: the key is invalid or expired (or the endpoint is wrong): the keeper gave up
 * - lost: the seat was lost and `reacquire` is off
 */
export type SeatStatus = 'stopped' | 'acquiring' | 'held' | 'waiting' | 'offline' | 'denied' | 'lost';

export interface SeatState {
  status: SeatStatus;
  /** A seat is held: the lease is unexpired and the server has not said otherwise. */
  held: boolean;
  /** The last call reached the server. */
  online: boolean;
  lease: string | null;
  /** The lease's expiry (server time). */
  expiry: Date | null;
  validFor: ValidFor;
  lastError: Denied | Unavailable | null;
}

export interface Seat {
  code: string;
  expiry: Date;
  validFor: ValidFor;
  /** When the lease was asked for, on the keeper's clock. */
  sentAt: number;
  /** The lease's life in ms (exp - iat). */
  life: number;
  /** When it runs out on the keeper's clock: sentAt + life, never later than the server's expiry. */
  expiresAt: number;
}

/** A lease the server just gave, as a seat: its life from the token when it can be read, else from the reply's expiry. */
export function seatOf(code: string, expiry: Date, validFor: ValidFor, sentAt: number): Seat {
  const claims = decodeLease(code)?.claims;
  const life = Math.max(0, claims ? (claims.exp - claims.iat) * 1000 : expiry.getTime() - sentAt);
  return { code, expiry, validFor, sentAt, life, expiresAt: sentAt + life };
}
