import { Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import { applyServerErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { FormAlert } from '../FormAlert';

/** Changing one's own password (every role may). */
export function PasswordSettings() {
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: {
      currentPassword: (v) => (v ? null : 'Enter your current password'),
      newPassword: (v) => (v.length < 10 ? 'Use at least 10 characters' : v.length > 200 ? 'Use at most 200 characters' : null),
      confirmPassword: (v, values) => (v === values.newPassword ? null : 'The passwords do not match'),
    },
  });
  const submit = form.onSubmit(async (v) => {
    setSaving(true);
    setFormError(null);
    try {
      await api.session.changePassword(v.currentPassword, v.newPassword);
      form.reset();
      notifySuccess('Password changed. Your other sessions were signed out.');
    } catch (error) {
      setFormError(applyServerErrors(form, error, ['currentPassword', 'newPassword']));
    } finally {
      setSaving(false);
    }
  });
  return (
    <Card withBorder padding="lg" radius="md" maw={520}>
      <Title order={3} size="h4" mb={4}>
        Change your password
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Your other sessions end; this one goes on.
      </Text>
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
