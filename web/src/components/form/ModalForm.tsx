import { Button, Group, Stack } from '@mantine/core';
import { useContext, useEffect, type ReactNode, type SubmitEvent } from 'react';
import { useUnsavedChanges } from '../../lib/useUnsavedChanges';
import { FormAlert } from '../FormAlert';
import { UnsavedChangesPrompt } from '../UnsavedChangesPrompt';
import { ReportDirty } from './unsavedDialog';

interface ModalFormProps {
  onSubmit: (event?: SubmitEvent<HTMLFormElement>) => void;
  onCancel: () => void;
  saving: boolean;
  /** What the server said that belongs to no field. */
  formError: string | null;
  submitLabel: string;
  /** The form has changes not saved yet: leaving the page asks first. */
  dirty?: boolean;
  children: ReactNode;
}

/** A dialog's form: the server's form-level error, the fields, then Cancel and the submit button. */
export function ModalForm({ onSubmit, onCancel, saving, formError, submitLabel, dirty = false, children }: ModalFormProps) {
  const unsaved = useUnsavedChanges(dirty);
  const reportDirty = useContext(ReportDirty);
  useEffect(() => {
    reportDirty?.(dirty);
    return () => reportDirty?.(false);
  }, [dirty, reportDirty]);
  return (
    <form onSubmit={onSubmit} noValidate>
      <UnsavedChangesPrompt unsaved={unsaved} />
      <Stack>
        <FormAlert message={formError} />
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
