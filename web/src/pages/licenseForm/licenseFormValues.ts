import type { FormErrors } from '@mantine/form';
import type { License, LicenseInput } from '../../api/types';
import { endOfLocalDay, localDateOf, orNull } from '../../lib/format';
import { calendarDateError } from '../../lib/calendarDate';
import { keyCodeError } from '../../lib/keys';
import { leaseLimitError, leaseLimitOf } from './leaseLimit';

export interface LicenseFormValues {
  customerId: string | null;
  featureIds: string[];
  /** As typed: checked, never rounded or clamped (see leaseLimit.ts). */
  leaseLimit: string;
  /** The date picked or typed, as `YYYY-MM-DD`; null for never. */
  expiry: string | null;
  /** The expiry field's text as typed, which may be no date at all (2027-06-31). */
  expiryText: string;
  keyMode: 'generate' | 'custom';
  keys: string[];
  comment: string;
}

/** The form's fields, for the server's field errors; each key code row is a field too. */
export const fieldsOf = (values: LicenseFormValues) => ['customerId', 'featureIds', 'leaseLimit', 'expiry', 'keys', 'comment', ...values.keys.map((_, i) => `keys.${i}`)];

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function initialValues(license: License | undefined, customerId: string | null): LicenseFormValues {
  return {
    customerId: license?.customerId ?? customerId,
    featureIds: license?.featureIds ?? [],
    leaseLimit: license?.leaseLimit == null ? '' : String(license.leaseLimit),
    expiry: localDateOf(license?.expiry ?? null),
    expiryText: localDateOf(license?.expiry ?? null) ?? '',
    keyMode: license ? 'custom' : 'generate',
    keys: license ? [...license.keys] : [],
    comment: license?.comment ?? '',
  };
}

/** The form's checks; `license` is the one being edited, if any. */
export function validation(license: License | undefined) {
  return {
    customerId: (v: string | null) => (v ? null : 'Choose a customer'),
    featureIds: (ids: string[]) => (ids.length > 0 ? null : 'Choose at least one feature: a license that grants nothing lets no application in'),
    leaseLimit: (v: string) => leaseLimitError(v),
    expiryText: (v: string) => calendarDateError(v),
    keys: (keys: string[], values: LicenseFormValues) => {
      if (values.keyMode !== 'custom') return null;
      if (keys.length === 0) return license ? 'A license needs at least one key code' : 'Add a key code, or let the server generate one';
      const seen = new Set<string>();
      for (const k of keys) {
        if (seen.has(k.trim())) return `The key code ${k.trim()} appears twice`;
        seen.add(k.trim());
      }
      return null;
    },
  };
}

/** What is wrong with each key code row (`keys.0` ...); codes the license already has may stay as they are. */
export function keyRowErrors(values: LicenseFormValues, license: License | undefined): FormErrors {
  if (values.keyMode !== 'custom') return {};
  return Object.fromEntries(values.keys.map((k, i): [string, string | null] => [`keys.${i}`, keyCodeError(k.trim(), license?.keys)]).filter(([, e]) => e));
}

/** The body of POST /licenses, or the changed fields for PATCH /licenses/{id}. */
export function licenseBody(values: LicenseFormValues, original?: License): Partial<LicenseInput> {
  const leaseLimit = leaseLimitOf(values.leaseLimit);
  const keys = values.keys.map((k) => k.trim());
  if (!original) {
    const body: LicenseInput = {
      customerId: values.customerId ?? '',
      featureIds: values.featureIds,
      leaseLimit,
      expiry: values.expiry ? endOfLocalDay(values.expiry) : null,
    };
    if (values.keyMode === 'custom') body.keys = keys;
    const comment = orNull(values.comment);
    if (comment !== null) body.comment = comment;
    return body;
  }
  const patch: Partial<LicenseInput> = {};
  if (values.customerId && values.customerId !== original.customerId) patch.customerId = values.customerId;
  if (!sameSet(values.featureIds, original.featureIds)) patch.featureIds = values.featureIds;
  if (leaseLimit !== original.leaseLimit) patch.leaseLimit = leaseLimit;
  if (values.expiry !== localDateOf(original.expiry)) patch.expiry = values.expiry ? endOfLocalDay(values.expiry) : null;
  if (!(keys.length === original.keys.length && keys.every((k, i) => k === original.keys[i]))) patch.keys = keys;
  if (orNull(values.comment) !== (original.comment ?? null)) patch.comment = orNull(values.comment);
  return patch;
}
