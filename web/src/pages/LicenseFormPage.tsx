import { ActionIcon, Alert, Anchor, Button, Card, Center, Group, Loader, NumberInput, SegmentedControl, Stack, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconArrowLeft, IconInfoCircle, IconPlus, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { License, LicenseInput } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { CopyValue } from '../components/CopyValue';
import { CustomerSelect } from '../components/CustomerSelect';
import { ErrorAlert } from '../components/ErrorAlert';
import { FeatureTree } from '../components/FeatureTree';
import { FormAlert } from '../components/FormAlert';
import { PageHeader } from '../components/PageHeader';
import { applyServerErrors } from '../lib/forms';
import { endOfLocalDay, localDateOf, orNull } from '../lib/format';
import { generateKeyCode, keyCodeError } from '../lib/keys';
import { notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { useCatalog } from '../lib/useCatalog';

export interface LicenseFormValues {
  customerId: string | null;
  featureIds: string[];
  leaseLimit: number | string;
  expiry: string | null;
  keyMode: 'generate' | 'custom';
  keys: string[];
  comment: string;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

function initialValues(license: License | undefined, customerId: string | null): LicenseFormValues {
  return {
    customerId: license?.customerId ?? customerId,
    featureIds: license?.featureIds ?? [],
    leaseLimit: license?.leaseLimit ?? '',
    expiry: localDateOf(license?.expiry ?? null),
    keyMode: license ? 'custom' : 'generate',
    keys: license ? [...license.keys] : [],
    comment: license?.comment ?? '',
  };
}

/** The body of POST /licenses, or the changed fields for PATCH /licenses/{id}. */
export function licenseBody(values: LicenseFormValues, original?: License): Partial<LicenseInput> {
  const leaseLimit = values.leaseLimit === '' || values.leaseLimit === null ? null : Number(values.leaseLimit);
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

export function LicenseFormPage() {
  const { id } = useParams();
  const editing = Boolean(id);
  const { canWrite } = usePermissions();
  const license = useApi((signal) => (id ? api.licenses.get(id, signal) : Promise.resolve(undefined)), [id]);

  if (!canWrite) return <Navigate to={id ? `/licenses/${encodeURIComponent(id)}` : '/licenses'} replace />;
  if (editing && license.error) {
    return license.error instanceof ApiError && license.error.status === 404 ? (
      <>
        <PageHeader title="License not found" />
        <Text c="dimmed">This license does not exist or was deleted.</Text>
      </>
    ) : (
      <ErrorAlert error={license.error} onRetry={license.reload} />
    );
  }
  if (editing && !license.data) {
    return (
      <Center h={240}>
        <Loader aria-label="Loading license" />
      </Center>
    );
  }
  return <LicenseForm key={id ?? 'new'} license={license.data} />;
}

function LicenseForm({ license }: { license?: License }) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const catalog = useCatalog();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const form = useForm<LicenseFormValues>({
    initialValues: initialValues(license, params.get('customerId')),
    validate: {
      customerId: (v) => (v ? null : 'Choose a customer'),
      leaseLimit: (v) => (v === '' || (Number.isInteger(Number(v)) && Number(v) >= 1) ? null : 'Enter a whole number of at least 1, or leave empty for unlimited'),
      keys: (keys, values) => {
        if (values.keyMode !== 'custom') return null;
        if (keys.length === 0) return license ? 'A license needs at least one key code' : 'Add a key code, or let the server generate one';
        const seen = new Set<string>();
        for (const k of keys) {
          if (seen.has(k.trim())) return `The key code ${k.trim()} appears twice`;
          seen.add(k.trim());
        }
        return null;
      },
    },
  });

  // One validator per key row.
  const keyErrors = (values: LicenseFormValues) =>
    values.keyMode === 'custom' ? Object.fromEntries(values.keys.map((k, i) => [`keys.${i}`, keyCodeError(k.trim(), license?.keys)]).filter(([, e]) => e)) : {};

  useEffect(() => {
    if (form.values.keyMode === 'custom' && form.values.keys.length === 0 && !license) form.insertListItem('keys', '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [form.values.keyMode]);

  const submit = form.onSubmit(async (values) => {
    const rowErrors = keyErrors(values);
    if (Object.keys(rowErrors).length > 0) {
      form.setErrors({ ...form.errors, ...rowErrors });
      return;
    }
    setSaving(true);
    setFormError(null);
    try {
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
    } catch (error) {
      const fields = ['customerId', 'featureIds', 'leaseLimit', 'expiry', 'keys', 'comment', ...values.keys.map((_, i) => `keys.${i}`)];
      setFormError(applyServerErrors(form, error, fields));
    } finally {
      setSaving(false);
    }
  });

  const removedKeys = license ? license.keys.filter((k) => !form.values.keys.map((x) => x.trim()).includes(k)) : [];
  const expiryInPast = form.values.expiry !== null && Date.parse(endOfLocalDay(form.values.expiry)) < Date.now();
  const featureError = Object.entries(form.errors).find(([k]) => k === 'featureIds' || k.startsWith('featureIds.'))?.[1];
  const back = license ? `/licenses/${encodeURIComponent(license.id)}` : '/licenses';

  return (
    <>
      <PageHeader
        before={
          <Anchor component={Link} to={back} size="sm">
            <Group gap={4}>
              <IconArrowLeft size={14} /> {license ? 'License' : 'Licenses'}
            </Group>
          </Anchor>
        }
        title={license ? 'Edit license' : 'New license'}
      />
      <Card withBorder padding="lg" radius="md" maw={880}>
        <form onSubmit={submit} noValidate aria-label={license ? 'Edit license' : 'New license'}>
          <Stack gap="lg">
            <FormAlert message={formError} />
            <CustomerSelect
              label="Customer"
              placeholder="Search customers"
              required
              value={form.values.customerId}
              onChange={(value) => form.setFieldValue('customerId', value)}
              error={form.errors.customerId}
            />

            {catalog.error ? (
              <ErrorAlert error={catalog.error} onRetry={catalog.reload} title="Could not load products and features" />
            ) : catalog.data ? (
              <FeatureTree
                label="Features"
                description="What the license grants; pick features of one or several products."
                products={catalog.data.products}
                features={catalog.data.features}
                value={form.values.featureIds}
                onChange={(ids) => {
                  form.setFieldValue('featureIds', ids);
                  for (const key of Object.keys(form.errors)) if (key.startsWith('featureIds')) form.clearFieldError(key);
                }}
                error={featureError}
              />
            ) : (
              <Group gap="xs">
                <Loader size="xs" aria-label="Loading features" />
                <Text size="sm" c="dimmed">
                  Loading products and features…
                </Text>
              </Group>
            )}

            <Group grow align="flex-start">
              <NumberInput
                label="Lease limit"
                description="Most leases held at once. Leave empty for unlimited."
                placeholder="Unlimited"
                min={1}
                max={1_000_000_000}
                allowDecimal={false}
                allowNegative={false}
                {...form.getInputProps('leaseLimit')}
              />
              <DateInput
                label="Expiry"
                description="Ends at the end of this day (your time). Leave empty for never."
                placeholder="Never"
                valueFormat="YYYY-MM-DD"
                clearable
                {...form.getInputProps('expiry')}
                error={form.errors.expiry ?? (expiryInPast ? 'This date is past: the license will be expired' : undefined)}
              />
            </Group>

            <Stack gap="xs">
              <Group justify="space-between" align="flex-end">
                <div>
                  <Text size="sm" fw={500}>
                    Key codes
                  </Text>
                  <Text size="xs" c="dimmed">
                    What customers enter in the application: 12 to 128 letters, digits, _ . -
                  </Text>
                </div>
                {!license && (
                  <SegmentedControl
                    size="xs"
                    aria-label="Key codes"
                    value={form.values.keyMode}
                    onChange={(v) => form.setFieldValue('keyMode', v as 'generate' | 'custom')}
                    data={[
                      { value: 'generate', label: 'Generate one' },
                      { value: 'custom', label: 'Enter my own' },
                    ]}
                  />
                )}
              </Group>
              {form.values.keyMode === 'generate' ? (
                <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
                  The server generates a strong key code (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX) when the license is created.
                </Alert>
              ) : (
                <>
                  {form.values.keys.map((_, index) => (
                    <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
                      <TextInput
                        aria-label={`Key code ${index + 1}`}
                        placeholder="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"
                        ff="monospace"
                        maxLength={128}
                        style={{ flex: 1 }}
                        {...form.getInputProps(`keys.${index}`)}
                      />
                      {form.values.keys[index] && <CopyValue value={form.values.keys[index]!} label={`key code ${index + 1}`} />}
                      <Tooltip label="Remove">
                        <ActionIcon variant="subtle" color="red" aria-label={`Remove key code ${index + 1}`} onClick={() => form.removeListItem('keys', index)} mt={4}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  ))}
                  {form.errors.keys && (
                    <Text size="xs" c="red" role="alert">
                      {form.errors.keys}
                    </Text>
                  )}
                  <Group gap="xs">
                    <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('keys', '')}>
                      Add key code
                    </Button>
                    <Button variant="light" size="xs" leftSection={<IconRefresh size={14} />} onClick={() => form.insertListItem('keys', generateKeyCode())}>
                      Generate key code
                    </Button>
                  </Group>
                  {removedKeys.length > 0 && (
                    <Alert variant="light" color="orange" icon={<IconInfoCircle size={18} />}>
                      Removing {removedKeys.length === 1 ? 'a key code' : `${removedKeys.length} key codes`} revokes the leases obtained with {removedKeys.length === 1 ? 'it' : 'them'}.
                    </Alert>
                  )}
                </>
              )}
            </Stack>

            <Textarea label="Comment" description="For you: not shown to applications." autosize minRows={2} maxRows={6} maxLength={4000} {...form.getInputProps('comment')} />

            <Group justify="flex-end">
              <Button variant="default" component={Link} to={back}>
                Cancel
              </Button>
              <Button type="submit" loading={saving}>
                {license ? 'Save license' : 'Create license'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}
