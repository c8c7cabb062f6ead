import { PasswordInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { api } from '../../api/endpoints';
import type { User } from '../../api/types';
import type { Confirmation } from '../../lib/useConfirmation';
import { notifySuccess } from '../../lib/notify';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { FormModal } from '../form/FormModal';
import { ModalForm } from '../form/ModalForm';
import { passwordRule } from './passwordRule';

/** An owner sets a new password for a user (asked with `resetting.ask(user)`). */
export function ResetPasswordModal({ resetting }: { resetting: Confirmation<User> }) {
  const { target: user, opened, close } = resetting;
  return (
    <FormModal opened={opened && user !== null} onClose={close} title={`Reset the password of ${user?.username ?? ''}`}>
      {user && <ResetPasswordForm user={user} onClose={close} />}
    </FormModal>
  );
}

function ResetPasswordForm({ user, onClose }: { user: User; onClose: () => void }) {
  const form = useForm({ initialValues: { password: '' }, validate: { password: passwordRule } });
  const { submit, saving, formError } = useFormSubmit(form, ['password'], async (v) => {
    await api.users.resetPassword(user.id, v.password);
    notifySuccess(`New password set for ${user.username}`);
    onClose();
  });
  return (
    <ModalForm onSubmit={submit} onCancel={onClose} saving={saving} formError={formError} submitLabel="Set password">
      <PasswordInput label="New password" description="10 to 200 characters." required data-autofocus autoComplete="new-password" {...form.getInputProps('password')} />
    </ModalForm>
  );
}
