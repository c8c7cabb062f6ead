import { Alert, Anchor, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError, errorMessage, relatedLicensesPath } from '../api/client';
import { useOpenings } from '../lib/useOpenings';

interface ConfirmModalProps {
  opened: boolean;
  onClose: () => void;
  /** The question, naming what it is about ("Delete the customer Initech?"): the dialog's name. */
  title: ReactNode;
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
  const [refusal, setRefusal] = useState<{ opening: number; message: string; related?: string } | null>(null);
  const error = refusal?.opening === opening ? refusal : null;

  const confirm = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      // Refused because of licenses: a link to exactly those, so the refusal is no dead end.
      const related = err instanceof ApiError && err.related ? relatedLicensesPath(err.related) : undefined;
      setRefusal({ opening, message: errorMessage(err), ...(related ? { related } : {}) });
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
            {error.message}
            {error.related && (
              <>
                {' '}
                <Anchor component={Link} to={error.related} onClick={onClose}>
                  Show them
                </Anchor>
              </>
            )}
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
