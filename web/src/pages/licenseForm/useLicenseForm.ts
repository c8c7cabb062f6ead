import { useForm } from '@mantine/form';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/endpoints';
import type { License, LicenseInput } from '../../api/types';
import { notifySuccess } from '../../lib/notify';
import { useCatalog } from '../../lib/useCatalog';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { fieldsOf, initialValues, keyRowErrors, licenseBody, validation, type LicenseFormValues } from './licenseFormValues';

/** The license form's state: its values and checks, the catalog to pick from, and saving. */
export function useLicenseForm(license: License | undefined) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const catalog = useCatalog();
  const form = useForm<LicenseFormValues>({ initialValues: initialValues(license, params.get('customerId')), validate: validation(license) });

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
    navigate(`/licenses/${encodeURIComponent(saved.id)}`);
  });

  // The key code rows are checked once the form's own checks pass, before anything is sent.
  const submit = form.onSubmit((values) => {
    const rowErrors = keyRowErrors(values, license);
    if (Object.keys(rowErrors).length > 0) form.setErrors({ ...form.errors, ...rowErrors });
    else void run(values);
  });

  const setKeyMode = (mode: LicenseFormValues['keyMode']) => {
    form.setFieldValue('keyMode', mode);
    // A new license whose codes the user enters starts with one empty row.
    if (mode === 'custom' && form.values.keys.length === 0 && !license) form.insertListItem('keys', '');
  };

  const setFeatureIds = (ids: string[]) => {
    form.setFieldValue('featureIds', ids);
    for (const key of Object.keys(form.errors)) if (key.startsWith('featureIds')) form.clearFieldError(key);
  };

  return {
    form,
    catalog,
    saving,
    formError,
    submit,
    setKeyMode,
    setFeatureIds,
    /** A server error on `featureIds` or one of its items (`featureIds.2`). */
    featureError: Object.entries(form.errors).find(([k]) => k === 'featureIds' || k.startsWith('featureIds.'))?.[1],
    /** Codes of the license that the form no longer has: removing them revokes their leases. */
    removedKeys: license ? license.keys.filter((k) => !form.values.keys.map((x) => x.trim()).includes(k)) : [],
  };
}

export type LicenseFormState = ReturnType<typeof useLicenseForm>;
