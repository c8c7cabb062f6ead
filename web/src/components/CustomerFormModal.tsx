import { Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { api, rememberCustomer, type CustomerInput } from '../api/endpoints';
import type { Customer } from '../api/types';
import { applyServerErrors } from '../lib/forms';
import { orNull } from '../lib/format';
import { FormAlert } from './FormAlert';

const FIELDS = ['name', 'contactName', 'contactEmail', 'phone', 'comment'] as const;

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The customer to edit; none to create one. */
  customer?: Customer | null;
  onSaved: (customer: Customer) => void;
}

export function CustomerFormModal({ opened, onClose, customer, onSaved }: Props) {
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const form = useForm({
    initialValues: { name: '', contactName: '', contactEmail: '', phone: '', comment: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name'),
      contactEmail: (v) => (!v.trim() || /^[^\s@]+@[^\s@]+$/.test(v.trim()) ? null : 'Enter a valid email address'),
    },
  });

  useEffect(() => {
    if (!opened) return;
    setFormError(null);
    form.setValues({
      name: customer?.name ?? '',
      contactName: customer?.contactName ?? '',
      contactEmail: customer?.contactEmail ?? '',
      phone: customer?.phone ?? '',
      comment: customer?.comment ?? '',
    });
    form.clearErrors();
    form.resetDirty();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, customer]);

  const submit = form.onSubmit(async (values) => {
    setSaving(true);
    setFormError(null);
    const body: CustomerInput = {
      name: values.name.trim(),
      contactName: orNull(values.contactName),
      contactEmail: orNull(values.contactEmail),
      phone: orNull(values.phone),
      comment: orNull(values.comment),
    };
    try {
      const saved = customer ? await api.customers.update(customer.id, body) : await api.customers.create(body);
      rememberCustomer(saved);
      onSaved(saved);
      onClose();
    } catch (error) {
      setFormError(applyServerErrors(form, error, FIELDS));
    } finally {
      setSaving(false);
    }
  });

  return (
    <Modal opened={opened} onClose={onClose} title={customer ? `Edit ${customer.name}` : 'New customer'} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormAlert message={formError} />
          <TextInput label="Name" required data-autofocus maxLength={200} {...form.getInputProps('name')} />
          <Group grow align="flex-start">
            <TextInput label="Contact name" maxLength={200} {...form.getInputProps('contactName')} />
            <TextInput label="Contact email" type="email" maxLength={320} {...form.getInputProps('contactEmail')} />
          </Group>
          <TextInput label="Phone" maxLength={50} {...form.getInputProps('phone')} />
          <Textarea label="Comment" autosize minRows={2} maxRows={6} maxLength={4000} {...form.getInputProps('comment')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              {customer ? 'Save' : 'Create customer'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
