import { Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { applyServerErrors } from '../lib/forms';
import { orNull } from '../lib/format';
import { FormAlert } from './FormAlert';

export const IDENTIFIER = /^[A-Za-z0-9_.-]+$/;

interface Props {
  opened: boolean;
  onClose: () => void;
  title: string;
  submitLabel: string;
  nameLabel: string;
  nameDescription?: string;
  initial?: { name: string; description: string | null };
  /** Saves; a rejection puts the server's field errors on the form. */
  onSubmit: (values: { name: string; description: string | null }) => Promise<void>;
}

/** Create or edit something with an identifier name and a description (products, features). */
export function NameDescriptionModal({ opened, onClose, title, submitLabel, nameLabel, nameDescription, initial, onSubmit }: Props) {
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: '', description: '' },
    validate: {
      name: (v) => (!v.trim() ? 'Enter a name' : IDENTIFIER.test(v.trim()) ? null : 'Use only letters, digits, _ . and -'),
    },
  });

  useEffect(() => {
    if (!opened) return;
    setFormError(null);
    form.setValues({ name: initial?.name ?? '', description: initial?.description ?? '' });
    form.clearErrors();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, initial]);

  const submit = form.onSubmit(async (values) => {
    setSaving(true);
    setFormError(null);
    try {
      await onSubmit({ name: values.name.trim(), description: orNull(values.description) });
      onClose();
    } catch (error) {
      setFormError(applyServerErrors(form, error, ['name', 'description']));
    } finally {
      setSaving(false);
    }
  });

  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormAlert message={formError} />
          <TextInput label={nameLabel} description={nameDescription} required data-autofocus maxLength={100} ff="monospace" {...form.getInputProps('name')} />
          <Textarea label="Description" autosize minRows={2} maxRows={5} maxLength={2000} {...form.getInputProps('description')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
