import { Button, Card, Group, Loader, NumberInput, Stack, Text, Textarea } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { Link } from 'react-router';
import type { License } from '../../api/types';
import { CustomerSelect } from '../../components/CustomerSelect';
import { BackLink } from '../../components/detail/BackLink';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FeatureTree } from '../../components/FeatureTree';
import { FormAlert } from '../../components/FormAlert';
import { PageHeader } from '../../components/PageHeader';
import { endOfLocalDay } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { KeyCodesField } from './KeyCodesField';
import { useLicenseForm, type LicenseFormState } from './useLicenseForm';

function FeaturesField({ state }: { state: LicenseFormState }) {
  const { catalog, form } = state;
  if (catalog.error) return <ErrorAlert error={catalog.error} onRetry={catalog.reload} title="Could not load products and features" />;
  if (!catalog.data) {
    return (
      <Group gap="xs">
        <Loader size="xs" aria-label="Loading features" />
        <Text size="sm" c="dimmed">
          Loading products and features…
        </Text>
      </Group>
    );
  }
  return (
    <FeatureTree
      label="Features"
      description="What the license grants; pick features of one or several products."
      products={catalog.data.products}
      features={catalog.data.features}
      value={form.values.featureIds}
      onChange={state.setFeatureIds}
      error={state.featureError}
    />
  );
}

/** Creates a license, or edits `license`. */
export function LicenseForm({ license }: { license?: License }) {
  const state = useLicenseForm(license);
  const now = useNow();
  const { form } = state;
  const title = license ? 'Edit license' : 'New license';
  const back = license ? `/licenses/${encodeURIComponent(license.id)}` : '/licenses';
  const expiryInPast = form.values.expiry !== null && Date.parse(endOfLocalDay(form.values.expiry)) < now;

  return (
    <>
      <PageHeader before={<BackLink to={back}>{license ? 'License' : 'Licenses'}</BackLink>} title={title} documentTitle={[title, 'Licenses']} />
      <Card withBorder padding="lg" radius="md" maw={880}>
        <form onSubmit={state.submit} noValidate aria-label={title}>
          <Stack gap="lg">
            <FormAlert message={state.formError} />
            <CustomerSelect
              label="Customer"
              placeholder="Search customers"
              required
              value={form.values.customerId}
              onChange={(value) => form.setFieldValue('customerId', value)}
              error={form.errors.customerId}
            />
            <FeaturesField state={state} />
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
            <KeyCodesField state={state} editing={Boolean(license)} />
            <Textarea label="Comment" description="For you: not shown to applications." autosize minRows={2} maxRows={6} maxLength={4000} {...form.getInputProps('comment')} />
            <Group justify="flex-end">
              <Button variant="default" component={Link} to={back}>
                Cancel
              </Button>
              <Button type="submit" loading={state.saving}>
                {license ? 'Save license' : 'Create license'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}
