import { Button, Group, Modal, Stack, Text, type ModalProps } from '@mantine/core';
import { Fragment, useCallback, useRef, useState, type ReactNode } from 'react';
import { useOpenings } from '../../lib/useOpenings';
import { ReportDirty } from './unsavedDialog';

interface FormModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  size?: ModalProps['size'];
  /** The form; mounted afresh at each opening, so it starts from its initial values. */
  children: ReactNode;
}

/**
 * A dialog holding a form (ModalForm) that starts over each time the dialog opens. Closing it by
 * Esc, × or a click outside while the form has unsaved changes asks first: those are easy slips,
 * and the changes would be gone. Cancel and a save close it at once.
 */
export function FormModal({ opened, onClose, title, size, children }: FormModalProps) {
  const opening = useOpenings(opened);
  const dirty = useRef(false);
  const [asking, setAsking] = useState(false);
  const report = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);
  const close = () => {
    if (dirty.current) setAsking(true);
    else onClose();
  };
  const discard = () => {
    setAsking(false);
    dirty.current = false;
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} size={size}>
      <ReportDirty.Provider value={report}>
        <Fragment key={opening}>{children}</Fragment>
      </ReportDirty.Provider>
      <Modal opened={opened && asking} onClose={() => setAsking(false)} title="Discard your changes?" centered>
        <Stack>
          <Text size="sm">This form has changes that are not saved. Closing it now loses them.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              Keep editing
            </Button>
            <Button color="red" onClick={discard}>
              Discard changes
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Modal>
  );
}
