import { Modal, type ModalProps } from '@mantine/core';
import { Fragment, type ReactNode } from 'react';
import { useOpenings } from '../../lib/useOpenings';

interface FormModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  size?: ModalProps['size'];
  /** The form; mounted afresh at each opening, so it starts from its initial values. */
  children: ReactNode;
}

/** A dialog holding a form (ModalForm) that starts over each time the dialog opens. */
export function FormModal({ opened, onClose, title, size, children }: FormModalProps) {
  const opening = useOpenings(opened);
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size}>
      <Fragment key={opening}>{children}</Fragment>
    </Modal>
  );
}
