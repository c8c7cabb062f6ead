import type { UseFormReturnType } from '@mantine/form';
import { useState, type SubmitEvent } from 'react';
import { applyServerErrors } from './forms';

/**
 * Saving a form: `saving` while the call runs, and a refusal put on the form's fields (the
 * server's `details`), with what fits no field in `formError` for an alert above the form.
 */
export function useFormSubmit<V>(form: UseFormReturnType<V>, fields: readonly string[] | ((values: V) => readonly string[]), save: (values: V) => Promise<void>) {
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  /** Saves values that passed the form's checks. */
  const run = async (values: V) => {
    setSaving(true);
    setFormError(null);
    try {
      await save(values);
    } catch (error) {
      setFormError(applyServerErrors(form, error, typeof fields === 'function' ? fields(values) : fields));
    } finally {
      setSaving(false);
    }
  };

  const submit: (event?: SubmitEvent<HTMLFormElement>) => void = form.onSubmit((values) => void run(values));
  return { saving, formError, submit, run };
}
