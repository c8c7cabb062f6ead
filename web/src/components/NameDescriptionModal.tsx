import { Alert, TextInput, Textarea } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { orNull } from '../lib/format';
import { useFormSubmit } from '../lib/useFormSubmit';
import { FormModal } from './form/FormModal';
import { ModalForm } from './form/ModalForm';

export const IDENTIFIER = /^[A-Za-z0-9_.-]+$/;

interface NameDescription {
  name: string;
  description: string | null;
}

interface Props {
  opened: boolean;
  onClose: () => void;
  title: string;
  submitLabel: string;
  nameLabel: string;
  nameDescription?: string;
  initial?: NameDescription;
  /** Shown once the name differs from `initial`'s: what renaming breaks (applications check names). */
  renameWarning?: (from: string, to: string) => string;
  /** Saves; a rejection puts the server's field errors on the form. */
  onSubmit: (values: NameDescription) => Promise<void>;
}

/** Create or edit something with an identifier name and a description (products, features). */
export function NameDescriptionModal({ opened, onClose, title, ...form }: Props) {
  return (
    <FormModal opened={opened} onClose={onClose} title={title}>
      <NameDescriptionForm {...form} onClose={onClose} />
    </FormModal>
  );
}

function NameDescriptionForm({ onClose, submitLabel, nameLabel, nameDescription, initial, renameWarning, onSubmit }: Omit<Props, 'opened' | 'title'>) {
  const form = useForm({
    initialValues: { name: initial?.name ?? '', description: initial?.description ?? '' },
    validate: {
      name: (v) => (!v.trim() ? 'Enter a name' : IDENTIFIER.test(v.trim()) ? null : 'Use only letters, digits, _ . and -'),
    },
  });
  const { submit, saving, formError } = useFormSubmit(form, ['name', 'description'], async (values) => {
    await onSubmit({ name: values.name.trim(), description: orNull(values.description) });
    onClose();
  });

  return (
    <ModalForm dirty={form.isDirty()} onSubmit={submit} onCancel={onClose} saving={saving} formError={formError} submitLabel={submitLabel}>
      <TextInput label={nameLabel} description={nameDescription} required data-autofocus maxLength={100} ff="monospace" {...form.getInputProps('name')} />
      {initial && renameWarning && form.values.name.trim() && form.values.name.trim() !== initial.name && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Renaming">
          {renameWarning(initial.name, form.values.name.trim())}
        </Alert>
      )}
      <Textarea label="Description" autosize minRows={2} maxRows={5} maxLength={2000} {...form.getInputProps('description')} />
    </ModalForm>
  );
}
