// What a SeatKeeper reports as it goes: the events the application listens to.
import type { LicensingErrorCode, Unavailable, ValidFor } from './types.js';

export interface SeatKeeperEvents {
  /** A seat was taken. `replaced` names why the previous lease ended when this one replaced it. */
  acquired: { lease: string; expiry: Date; validFor: ValidFor; replaced: LicensingErrorCode | null };
  /** The lease was renewed: a new code for the same seat. */
  renewed: { lease: string; expiry: Date };
  /** The server stopped answering; `heldUntil` is how long the seat is still held without it. */
  offline: { error: Unavailable; heldUntil: Date | null };
  /** The server answers again. */
  online: Record<string, never>;
  /** The seat is no longer held: LEASE_EXPIRED (offline too long), or the server's code. */
  lost: { errorCode: LicensingErrorCode; message: string };
  /** Every seat of the license is taken; the keeper asks again in `retryInMs`. */
  limitReached: { message: string; retryInMs: number };
  /** The key is invalid or expired, or the endpoint is wrong: the keeper stops trying. */
  denied: { errorCode: LicensingErrorCode; message: string };
  /** stop() gave the seat back. */
  released: { lease: string };
  /** stop() finished; `released` is false when there was no seat or the server could not be told. */
  stopped: { released: boolean };
  /** A listener threw; the keeper carried on. */
  error: { error: unknown; event: string };
}
