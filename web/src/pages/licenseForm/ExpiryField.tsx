import { DateInput } from '@mantine/dates';
// The date picker's styles come with the form that shows one, not with the sign-in page.
import '@mantine/dates/styles.css';
import type { KeyboardEvent } from 'react';
import { calendarDate } from '../../lib/calendarDate';
import type { LicenseFormState } from './useLicenseForm';

/**
 * The license's expiry: a date picked or typed as YYYY-MM-DD. What is typed stays as typed
 * (no fixing on blur, no rolling 2027-06-31 over to July) so that the form can say what is wrong
 * with it; and Enter here never submits the form, as a half-typed date is easily sent by mistake.
 */
export function ExpiryField({ state }: { state: LicenseFormState }) {
  const { form } = state;
  const error = form.errors.expiry ?? form.errors.expiryText;
  const setText = (text: string) => {
    form.setFieldValue('expiryText', text);
    form.clearFieldError('expiry');
  };
  return (
    <DateInput
      label="Expiry"
      description="Ends at the end of this day (your time). Leave empty for never."
      placeholder="Never (or YYYY-MM-DD)"
      valueFormat="YYYY-MM-DD"
      clearable
      fixOnBlur={false}
      dateParser={(text) => calendarDate(text)}
      value={form.values.expiry}
      onChange={(date) => {
        form.setFieldValue('expiry', date);
        setText(date ?? '');
      }}
      onInput={(event) => setText(event.currentTarget.value)}
      onKeyDown={(event: KeyboardEvent<HTMLInputElement>) => {
        if (event.key === 'Enter') event.preventDefault();
      }}
      error={error}
    />
  );
}
