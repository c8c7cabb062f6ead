import { Button, Card, Group, List, Loader, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { Link } from 'react-router';
import type { License } from '../../api/types';
import { CustomerSelect } from '../../components/CustomerSelect';
import { ConfirmModal } from '../../components/ConfirmModal';
import { BackLink } from '../../components/detail/BackLink';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FeatureTree } from '../../components/FeatureTree';
import { FormAlert } from '../../components/FormAlert';
import { PageHeader } from '../../components/PageHeader';
import { UnsavedChangesPrompt } from '../../components/UnsavedChangesPrompt';
import { ExpiryField } from './ExpiryField';
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
  const { form, pending } = state;
  const title = license ? 'Edit license' : 'New license';
  const back = license ? `/licenses/${encodeURIComponent(license.id)}` : '/licenses';

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
              {/* Plain text, checked as typed: a number input would clamp, round or drop what it dislikes. */}
              <TextInput
                label="Lease limit"
                description="Most leases held at once: a whole number from 1 to 1,000,000,000. Leave empty for unlimited."
                placeholder="Unlimited"
                inputMode="numeric"
                autoComplete="off"
                {...form.getInputProps('leaseLimit')}
              />
              <ExpiryField state={state} />
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
      <ConfirmModal
        opened={pending !== null}
        onClose={() => pending?.cancel()}
        title={license ? 'Save these changes?' : 'Create this license?'}
        confirmLabel={license ? 'Save anyway' : 'Create anyway'}
        color="orange"
        onConfirm={async () => {
          await pending?.confirm();
        }}
      >
        {pending && (
          <List spacing="xs">
            {pending.risks.map((risk) => (
              <List.Item key={risk}>{risk}</List.Item>
            ))}
          </List>
        )}
      </ConfirmModal>
      <UnsavedChangesPrompt unsaved={state.unsaved} />
    </>
  );
}
