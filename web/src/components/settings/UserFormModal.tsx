import { PasswordInput, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { api } from '../../api/endpoints';
import type { User } from '../../api/types';
import { orNull } from '../../lib/format';
import { emailError } from '../../lib/email';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { FormModal } from '../form/FormModal';
import { ModalForm } from '../form/ModalForm';
import { passwordRule } from './passwordRule';
import { ROLE_OPTIONS } from './roles';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The user to edit; null to create one. */
  user: User | null;
  onSaved: (user: User) => void;
}

export function UserFormModal({ opened, onClose, user, onSaved }: Props) {
  return (
    <FormModal opened={opened} onClose={onClose} title={user ? `Edit ${user.username}` : 'New user'}>
      <UserForm user={user} onSaved={onSaved} onClose={onClose} />
    </FormModal>
  );
}

function UserForm({ user, onSaved, onClose }: Omit<Props, 'opened'>) {
  const form = useForm({
    initialValues: { username: user?.username ?? '', displayName: user?.displayName ?? '', email: user?.email ?? '', role: user?.role ?? 'viewer', password: '' },
    validate: {
      username: (v) => (user || v.trim() ? null : 'Enter a username'),
      displayName: (v) => (v.trim() ? null : 'Enter a display name'),
      email: emailError,
      password: (v) => (user ? null : passwordRule(v)),
    },
  });
  const { submit, saving, formError } = useFormSubmit(form, ['username', 'displayName', 'email', 'role', 'password'], async (v) => {
    const saved = user
      ? await api.users.update(user.id, { displayName: v.displayName.trim(), email: orNull(v.email), role: v.role })
      : await api.users.create({ username: v.username.trim(), displayName: v.displayName.trim(), email: orNull(v.email), role: v.role, password: v.password });
    onSaved(saved);
    onClose();
  });

  return (
    <ModalForm dirty={form.isDirty()} onSubmit={submit} onCancel={onClose} saving={saving} formError={formError} submitLabel={user ? 'Save' : 'Create user'}>
      {!user && <TextInput label="Username" required data-autofocus maxLength={100} autoComplete="off" {...form.getInputProps('username')} />}
      <TextInput label="Display name" required maxLength={200} {...form.getInputProps('displayName')} />
      <TextInput label="Email" type="email" maxLength={320} {...form.getInputProps('email')} />
      <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
      {!user && (
        <PasswordInput label="Password" description="10 to 200 characters. Give it to the user over a safe channel." required autoComplete="new-password" {...form.getInputProps('password')} />
      )}
    </ModalForm>
  );
}
