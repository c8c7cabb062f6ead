import type { Store } from '../store/index.js';
import type { AdminUser } from '../store/users.js';
import { usernameKey } from '../usernames.js';
import { auditId } from './change-log.js';

/** How a sign-in ended, as the audit log records it. */
export type SignInResult =
  | { result: 'success' }
  /** `blockedUntil`: this failure was the last free one, and the account is blocked until then. */
  | { result: 'wrong_password'; blockedUntil: string | null }
  | { result: 'throttled'; blockedUntil: string };

const ACTION: Record<SignInResult['result'], string> = { success: 'sign_in', wrong_password: 'sign_in_failed', throttled: 'sign_in_throttled' };

/** Longest client address recorded: an IPv6 address with a zone fits; anything longer is cut. */
const MAX_ADDRESS = 100;

/**
 * Records a sign-in on an account in its organization's audit log, with `tx`: the attempted name
 * in its normalized form, the client's address, and how it ended; never the password. The target
 * and the actor are the account: the organization whose account was tried is the one that sees
 * it, and no other. An attempt on a name that matches no account belongs to no organization and
 * is recorded in none (the sign-in throttle still counts it, and the request log counts its 401).
 *
 * What an attacker can make this write is bounded by the throttle: wrong passwords reach the
 * check at most five times per account in 15 minutes, and while the account is blocked only the
 * first refused attempt of the block is recorded (`throttledSince` tells whether one was).
 */
export async function recordSignIn(
  tx: Store,
  user: Pick<AdminUser, 'id' | 'organizationId' | 'username'>,
  attempt: { username: string; address: string },
  at: number,
  outcome: SignInResult,
): Promise<void> {
  const attempted = usernameKey(attempt.username).slice(0, 100);
  await tx.audit.record(user.organizationId, {
    id: auditId(at),
    at,
    actor: { type: 'user', id: user.id, name: user.username },
    action: ACTION[outcome.result],
    resourceType: 'user',
    resourceId: user.id,
    before: null,
    after: { username: attempted, address: attempt.address.slice(0, MAX_ADDRESS), ...outcome },
  });
}

/** Whether the account's refused attempt of the block that began at `since` is recorded already; with `tx` holding the account's throttle row, for one answer per block. */
export async function throttledSince(store: Store, user: Pick<AdminUser, 'id' | 'organizationId'>, since: number): Promise<boolean> {
  return store.audit.recordedSince(user.organizationId, { resourceType: 'user', resourceId: user.id, action: ACTION.throttled }, since);
}
