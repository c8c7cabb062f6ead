import { maskKeyCode } from '../credentials.js';
import type { NewDomainEvent } from '../store/index.js';
import type { AddedKey, RemovedKey } from '../store/licenses.js';
import type { Caller } from './caller.js';
import { invalid, ok, type Outcome } from './outcome.js';

/**
 * Key codes are the only secret a licensing call needs, so one an admin chooses must be long
 * enough not to be guessed: at least MIN_NEW_KEY_LENGTH characters. Shorter codes made before
 * that rule keep working and may be kept when a license's keys are changed, so only new ones are
 * refused.
 */
export const MIN_NEW_KEY_LENGTH = 12;

/** Refuses key codes shorter than the minimum, except those the license already has. */
export function checkNewKeys(codes: readonly string[] | undefined, existing: readonly string[] = []): Outcome<void> {
  const details = (codes ?? []).flatMap((code, i) =>
    code.length < MIN_NEW_KEY_LENGTH && !existing.includes(code) ? [{ field: `body.keys.${i}`, message: `must have at least ${MIN_NEW_KEY_LENGTH} characters` }] : [],
  );
  return details.length > 0 ? invalid(`a new key code must have at least ${MIN_NEW_KEY_LENGTH} characters`, details) : ok(undefined);
}

/**
 * The events of the key codes a license change added and removed, beside its `license.updated`:
 * codes masked as the audit log masks them, and for a removal the active leases it revoked.
 */
export function keyEvents(caller: Caller, licenseId: string, added: readonly AddedKey[], removed: readonly RemovedKey[]): NewDomainEvent[] {
  const event = (type: string, keyId: string, data: object): NewDomainEvent => ({ type, subject: { type: 'license_key', id: keyId }, actor: caller.actor, data });
  return [
    ...removed.map((k) => event('license_key.removed', k.id, { licenseId, code: maskKeyCode(k.code), revokedLeases: k.revokedLeases })),
    ...added.map((k) => event('license_key.added', k.id, { licenseId, code: maskKeyCode(k.code) })),
  ];
}
