import { Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { api } from '../../api/endpoints';
import { notifySuccess } from '../../lib/notify';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { useUnsavedChanges } from '../../lib/useUnsavedChanges';
import { FormAlert } from '../FormAlert';
import { UnsavedChangesPrompt } from '../UnsavedChangesPrompt';
import { passwordRule } from './passwordRule';

/** Changing one's own password (every role may). */
export function PasswordSettings() {
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: {
      currentPassword: (v) => (v ? null : 'Enter your current password'),
      newPassword: passwordRule,
      confirmPassword: (v, values) => (v === values.newPassword ? null : 'The passwords do not match'),
    },
  });
  const { submit, saving, formError } = useFormSubmit(form, ['currentPassword', 'newPassword'], async (v) => {
    await api.session.changePassword(v.currentPassword, v.newPassword);
    form.reset();
    notifySuccess('Password changed. Your other sessions were signed out.');
  });
  const unsaved = useUnsavedChanges(form.isDirty());
  return (
    <Card withBorder padding="lg" radius="md" maw={520}>
      <Title order={3} size="h4" mb={4}>
        Change your password
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Your other sessions end; this one goes on.
      </Text>
      <UnsavedChangesPrompt unsaved={unsaved} />
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormAlert message={formError} />
          <PasswordInput label="Current password" autoComplete="current-password" required {...form.getInputProps('currentPassword')} />
          <PasswordInput label="New password" description="10 to 200 characters." autoComplete="new-password" required {...form.getInputProps('newPassword')} />
          <PasswordInput label="Repeat the new password" autoComplete="new-password" required {...form.getInputProps('confirmPassword')} />
          <Group justify="flex-end">
            <Button type="submit" loading={saving}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
