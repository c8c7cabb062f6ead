import type { License } from '../../api/types';
import { endOfLocalDay, localDateOf } from '../../lib/format';
import { shortKeyCode as shortKey } from '../../lib/keys';
import { leaseLimitOf } from './leaseLimit';
import type { LicenseFormValues } from './licenseFormValues';

const leases = (n: number) => (n === 1 ? '1 active lease' : `${n} active leases`);
const seats = (n: number) => (n === 1 ? 'the 1 seat' : `the ${n} seats`);

/** Active leases per key code of `license`, as the server counted them. */
export function activeLeasesOf(license: License, code: string): number {
  return license.keyLeases.find((k) => k.key === code)?.activeLeases ?? 0;
}

/** The sentence for removing one key code of `license`, or null when nothing hangs on it. */
export function keyRemovalRisk(license: License, code: string): string | null {
  const n = activeLeasesOf(license, code);
  return n > 0 ? `Removing the key ${shortKey(code)} ends its ${leases(n)}.` : null;
}

/**
 * What saving these values does that the person may not expect, one sentence each: a past expiry,
 * a limit below the seats in use, key codes whose active leases would end. Empty: nothing to ask.
 * A consequence already in place (the license was expired before) is not asked again.
 */
export function risksOf(values: LicenseFormValues, license: License | undefined, now: number): string[] {
  const risks: string[] = [];
  const expiryChanged = !license || values.expiry !== localDateOf(license.expiry);
  if (values.expiry && expiryChanged && Date.parse(endOfLocalDay(values.expiry)) < now) {
    risks.push(`The expiry ${values.expiry} is past: the license is expired as soon as it is saved, and applications are refused.`);
  }
  if (!license) return risks;
  const limit = leaseLimitOf(values.leaseLimit);
  if (limit !== null && limit !== license.leaseLimit && limit < license.leasesUsed) {
    // The server ends no lease for a lower limit: leases run (and renew) on; new seats wait (store/leases.ts, claimSeat).
    risks.push(`The limit ${limit} is below ${seats(license.leasesUsed)} in use; those leases continue until they end, and no new lease is given until use falls below it.`);
  }
  const kept = new Set(values.keys.map((k) => k.trim()));
  for (const code of license.keys) {
    const risk = kept.has(code) ? null : keyRemovalRisk(license, code);
    if (risk) risks.push(risk);
  }
  return risks;
}
