import type { ReactNode } from 'react';
import type { Confirmation } from '../lib/useConfirmation';
import { ConfirmModal } from './ConfirmModal';

interface ConfirmActionProps<T> {
  confirmation: Confirmation<T>;
  /** The dialog's title: a question that names the target ("Delete the customer Initech?"). */
  title: ReactNode | ((target: T) => ReactNode);
  confirmLabel: string;
  /** Runs the action on the target; a rejection keeps the dialog open with the server's reason. */
  onConfirm: (target: T) => Promise<void>;
  /** The question, about the target. */
  children: (target: T) => ReactNode;
  color?: string;
}

/** The confirmation of an action on one row of a list (delete, revoke), asked with `confirmation.ask(row)`. */
export function ConfirmAction<T>({ confirmation, title, confirmLabel, onConfirm, children, color }: ConfirmActionProps<T>) {
  const { target, opened, close } = confirmation;
  return (
    <ConfirmModal
      opened={opened && target !== null}
      onClose={close}
      title={typeof title === 'function' ? (target !== null ? title(target) : '') : title}
      confirmLabel={confirmLabel}
      color={color}
      onConfirm={async () => {
        if (target !== null) await onConfirm(target);
      }}
    >
      {target !== null && children(target)}
    </ConfirmModal>
  );
}
