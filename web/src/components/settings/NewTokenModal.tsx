import { Alert, Button, Code, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import type { CreatedApiToken, Role } from '../../api/types';
import { useClock } from '../../lib/clock';
import { formatDateTime } from '../../lib/format';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { useOpenings } from '../../lib/useOpenings';
import { CopyValue } from '../CopyValue';
import { ModalForm } from '../form/ModalForm';
import { ROLE_OPTIONS } from './roles';
import { EXPIRY_OPTIONS, MAX_TOKEN_DAYS, expiresAtOf, expiryDateError, type ExpiryChoice } from './tokenExpiry';

/**
 * Creates an API token, then shows it the only time it can be seen. Until it has been copied,
 * every way of closing (Esc, ×, a click outside, Done) first asks whether to close without it.
 */
export function NewTokenModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: () => void }) {
  const opening = useOpenings(opened);
  // The token made during this opening; a later opening starts with the form again.
  const [created, setCreated] = useState<{ opening: number; token: CreatedApiToken; copied: boolean; leaving: boolean } | null>(null);
  const shown = created?.opening === opening ? created : null;
  const close = () => {
    if (shown && !shown.copied) setCreated({ ...shown, leaving: true });
    else onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={shown ? 'Your new API token' : 'New API token'} size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      {shown ? (
        <CreatedToken
          token={shown.token}
          leaving={shown.leaving}
          onCopied={() => setCreated({ ...shown, copied: true, leaving: false })}
          onStay={() => setCreated({ ...shown, leaving: false })}
          onDone={close}
          onLeave={onClose}
        />
      ) : (
        <NewTokenForm
          key={opening}
          onCancel={onClose}
          onCreated={(made) => {
            setCreated({ opening, token: made, copied: false, leaving: false });
            onCreated();
          }}
        />
      )}
    </Modal>
  );
}

function NewTokenForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (token: CreatedApiToken) => void }) {
  const clock = useClock();
  const form = useForm({
    initialValues: { name: '', role: 'admin' as Role, expiry: '90' as ExpiryChoice, date: null as string | null },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name, such as what the token is for'),
      date: (date, values) => expiryDateError(values.expiry, date, clock.now()),
    },
  });
  const { submit, saving, formError } = useFormSubmit(form, ['name', 'role', 'expiresAt'], async (v) => {
    onCreated(await api.tokens.create({ name: v.name.trim(), role: v.role, expiresAt: expiresAtOf(v.expiry, v.date, clock.now()) }));
  });
  const now = clock.now();
  return (
    <ModalForm onSubmit={submit} onCancel={onCancel} saving={saving} formError={formError} submitLabel="Create token">
      <TextInput label="Name" description="What or who uses it, such as CI or billing." required data-autofocus maxLength={200} {...form.getInputProps('name')} />
      <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
      <Select
        label="Expires"
        description="From then on the token is refused. A token that never expires works until it is revoked."
        data={EXPIRY_OPTIONS}
        allowDeselect={false}
        {...form.getInputProps('expiry')}
      />
      {form.values.expiry === 'date' && (
        <DateInput
          label="Last day it works"
          description="It stops at the end of this day, your time."
          valueFormat="YYYY-MM-DD"
          minDate={new Date(now)}
          maxDate={new Date(now + MAX_TOKEN_DAYS * 86_400_000)}
          {...form.getInputProps('date')}
        />
      )}
    </ModalForm>
  );
}

function CreatedToken({
  token,
  leaving,
  onCopied,
  onStay,
  onDone,
  onLeave,
}: {
  token: CreatedApiToken;
  leaving: boolean;
  onCopied: () => void;
  onStay: () => void;
  onDone: () => void;
  onLeave: () => void;
}) {
  return (
    <Stack>
      <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Copy it now">
        This is the only time the token is shown. Store it somewhere safe: the server keeps only a hash of it.
      </Alert>
      <Group gap="xs" wrap="nowrap">
        <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} aria-label="New API token" onCopy={onCopied}>
          {token.token}
        </Code>
        <CopyValue value={token.token} label="API token" onCopy={onCopied} />
      </Group>
      <Text size="sm" c="dimmed">
        Send it as <Code>Authorization: Bearer …</Code>. Name: {token.name}; role: {token.role}; {token.expiresAt ? `expires ${formatDateTime(token.expiresAt)}` : 'never expires'}.
      </Text>
      {leaving ? (
        <Alert color="red" variant="light" role="alertdialog" aria-label="Close without copying the token?" title="Close without copying the token?">
          <Stack gap="sm">
            <Text size="sm">You have not copied it. Once this dialog closes, nobody can show it again: you would have to make a new one.</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={onStay} data-autofocus>
                Keep it open
              </Button>
              <Button color="red" onClick={onLeave}>
                Close without copying
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : (
        <Group justify="flex-end">
          <Button onClick={onDone}>Done</Button>
        </Group>
      )}
    </Stack>
  );
}
