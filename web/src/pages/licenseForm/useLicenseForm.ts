import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/endpoints';
import type { License, LicenseInput } from '../../api/types';
import { notifySuccess } from '../../lib/notify';
import { useCatalog } from '../../lib/useCatalog';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { useNow } from '../../lib/useNow';
import { useUnsavedChanges } from '../../lib/useUnsavedChanges';
import { keyRemovalRisk, risksOf } from './licenseFormRisks';
import { fieldsOf, initialValues, keyRowErrors, licenseBody, validation, type LicenseFormValues } from './licenseFormValues';

/** The license form's state: its values and checks, the catalog to pick from, and saving. */
export function useLicenseForm(license: License | undefined) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const catalog = useCatalog();
  const form = useForm<LicenseFormValues>({ initialValues: initialValues(license, params.get('customerId')), validate: validation(license) });
  const now = useNow();
  const unsaved = useUnsavedChanges(form.isDirty());
  /** Values waiting for the person to confirm what saving them does. */
  const [pending, setPending] = useState<{ values: LicenseFormValues; risks: string[] } | null>(null);

  const { saving, formError, run } = useFormSubmit(form, fieldsOf, async (values) => {
    const body = licenseBody(values, license);
    let saved: License;
    if (license) {
      saved = Object.keys(body).length > 0 ? await api.licenses.update(license.id, body) : license;
      notifySuccess('License saved');
    } else {
      saved = await api.licenses.create(body as LicenseInput);
      notifySuccess('License created');
    }
    unsaved.release();
    navigate(`/licenses/${encodeURIComponent(saved.id)}`);
  });

  // The key code rows are checked with the form's own checks, before anything is sent; what
  // saving would do that is hard to undo (a past expiry, a limit below use, leases ended by a
  // removed key code) is asked first.
  const submit = form.onSubmit(
    (values) => {
      const rowErrors = keyRowErrors(values, license);
      const risks = risksOf(values, license, now);
      if (Object.keys(rowErrors).length > 0) form.setErrors({ ...form.errors, ...rowErrors });
      else if (risks.length > 0) setPending({ values, risks });
      else void run(values);
    },
    (errors) => form.setErrors({ ...errors, ...keyRowErrors(form.getValues(), license) }),
  );

  const setKeyMode = (mode: LicenseFormValues['keyMode']) => {
    form.setFieldValue('keyMode', mode);
    // A new license whose codes the user enters starts with one empty row.
    if (mode === 'custom' && form.values.keys.length === 0 && !license) form.insertListItem('keys', '');
  };

  const setFeatureIds = (ids: string[]) => {
    form.setFieldValue('featureIds', ids);
    for (const key of Object.keys(form.errors)) if (key.startsWith('featureIds')) form.clearFieldError(key);
  };

  const removedKeys = license ? license.keys.filter((k) => !form.values.keys.map((x) => x.trim()).includes(k)) : [];
  return {
    form,
    unsaved,
    /** What saving would do, waiting for "Save anyway"; `confirm` saves, `cancel` goes back to the form. */
    pending: pending && {
      risks: pending.risks,
      confirm: () => run(pending.values),
      cancel: () => setPending(null),
    },
    catalog,
    saving,
    formError,
    submit,
    setKeyMode,
    setFeatureIds,
    /** A server error on `featureIds` or one of its items (`featureIds.2`). */
    featureError: Object.entries(form.errors).find(([k]) => k === 'featureIds' || k.startsWith('featureIds.'))?.[1],
    /** Codes of the license that the form no longer has: removing them ends their leases. */
    removedKeys,
    /** What removing them ends, one sentence per code that has active leases. */
    removedKeyRisks: license ? removedKeys.flatMap((code) => keyRemovalRisk(license, code) ?? []) : [],
  };
}

export type LicenseFormState = ReturnType<typeof useLicenseForm>;
