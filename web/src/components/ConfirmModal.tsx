import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../api/client';
import { useOpenings } from '../lib/useOpenings';

interface ConfirmModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Runs the action; a rejection keeps the modal open and shows the server's reason. */
  onConfirm: () => Promise<void>;
  color?: string;
}

export function ConfirmModal({ opened, onClose, title, children, confirmLabel, onConfirm, color = 'red' }: ConfirmModalProps) {
  const opening = useOpenings(opened);
  const [busy, setBusy] = useState(false);
  // A refusal belongs to the opening it happened in: the dialog opens again without it.
  const [refusal, setRefusal] = useState<{ opening: number; message: string } | null>(null);
  const error = refusal?.opening === opening ? refusal.message : null;

  const confirm = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setRefusal({ opening, message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={busy ? () => undefined : onClose} title={title} centered>
      <Stack>
        <Text size="sm" component="div">
          {children}
        </Text>
        {error && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert" title="Refused">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button color={color} onClick={() => void confirm()} loading={busy}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
