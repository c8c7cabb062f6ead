import { Group, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api, rememberCustomer, type CustomerInput } from '../api/endpoints';
import type { Customer } from '../api/types';
import { orNull } from '../lib/format';
import { emailError } from '../lib/email';
import { useFormSubmit } from '../lib/useFormSubmit';
import { FormModal } from './form/FormModal';
import { ModalForm } from './form/ModalForm';
import { customersNamed, SameNameWarning, sameNameKey } from './SameNameCustomers';

const FIELDS = ['name', 'contactName', 'contactEmail', 'phone', 'comment'] as const;

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The customer to edit; none to create one. */
  customer?: Customer | null;
  onSaved: (customer: Customer) => void;
}

export function CustomerFormModal({ opened, onClose, customer, onSaved }: Props) {
  return (
    <FormModal opened={opened} onClose={onClose} title={customer ? `Edit ${customer.name}` : 'New customer'} size="lg">
      <CustomerForm customer={customer} onSaved={onSaved} onClose={onClose} />
    </FormModal>
  );
}

function CustomerForm({ customer, onSaved, onClose }: Omit<Props, 'opened'>) {
  const form = useForm({
    initialValues: {
      name: customer?.name ?? '',
      contactName: customer?.contactName ?? '',
      contactEmail: customer?.contactEmail ?? '',
      phone: customer?.phone ?? '',
      comment: customer?.comment ?? '',
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name'),
      contactEmail: emailError,
    },
  });
  // The name last checked for other customers of that name, and those found: shown once, then the user may go on.
  const [checked, setChecked] = useState<{ key: string; customers: Customer[] } | null>(null);
  const { submit, saving, formError } = useFormSubmit(form, FIELDS, async (values) => {
    const key = sameNameKey(values.name);
    if ((!customer || sameNameKey(customer.name) !== key) && checked?.key !== key) {
      const same = await customersNamed(values.name, customer?.id);
      setChecked({ key, customers: same });
      if (same.length > 0) return;
    }
    const body: CustomerInput = {
      name: values.name.trim(),
      contactName: orNull(values.contactName),
      contactEmail: orNull(values.contactEmail),
      phone: orNull(values.phone),
      comment: orNull(values.comment),
    };
    const saved = customer ? await api.customers.update(customer.id, body) : await api.customers.create(body);
    rememberCustomer(saved);
    onSaved(saved);
    onClose();
  });

  const warned = checked?.key === sameNameKey(form.values.name) && checked.customers.length > 0 ? checked.customers : null;
  const submitLabel = customer ? (warned ? 'Save anyway' : 'Save') : warned ? 'Create anyway' : 'Create customer';
  return (
    <ModalForm dirty={form.isDirty()} onSubmit={submit} onCancel={onClose} saving={saving} formError={formError} submitLabel={submitLabel}>
      {warned && <SameNameWarning customers={warned} action={submitLabel} />}
      <TextInput label="Name" required data-autofocus maxLength={200} {...form.getInputProps('name')} />
      <Group grow align="flex-start">
        <TextInput label="Contact name" maxLength={200} {...form.getInputProps('contactName')} />
        <TextInput label="Contact email" type="email" maxLength={320} {...form.getInputProps('contactEmail')} />
      </Group>
      <TextInput label="Phone" maxLength={50} {...form.getInputProps('phone')} />
      <Textarea label="Comment" autosize minRows={2} maxRows={6} maxLength={4000} {...form.getInputProps('comment')} />
    </ModalForm>
  );
}
