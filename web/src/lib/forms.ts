import { ApiError, errorMessage } from '../api/client';

/** Anything with Mantine form's `setErrors`/`setFieldError`. */
interface ErrorSink {
  setFieldError: (path: string, error: string) => void;
}

/**
 * Puts the server's field errors (`details[].field` such as `body.name`) on the form's fields.
 * `aliases` maps a server field (after `body.`) to a form path when they differ, and its keys may
 * end in `*` to match a prefix (`featureIds*` catches `featureIds.3`). Returns the message of
 * whatever could not be placed on a field (null when everything was), for a form-level alert.
 */
export function applyServerErrors(form: ErrorSink, error: unknown, fields: readonly string[], aliases: Record<string, string> = {}): string | null {
  if (!(error instanceof ApiError)) return errorMessage(error);
  const placed: string[] = [];
  const unplaced: string[] = [];
  for (const [field, message] of Object.entries(error.fieldErrors())) {
    const target = resolveField(field, fields, aliases);
    if (target) {
      form.setFieldError(target, capitalize(message));
      placed.push(target);
    } else {
      unplaced.push(field ? `${field} ${message}` : message);
    }
  }
  if (placed.length > 0 && unplaced.length === 0) return null;
  if (unplaced.length > 0 && placed.length > 0) return unplaced.join('; ');
  return error.message;
}

function resolveField(field: string, fields: readonly string[], aliases: Record<string, string>): string | null {
  for (const [pattern, target] of Object.entries(aliases)) {
    if (pattern.endsWith('*') ? field.startsWith(pattern.slice(0, -1)) : field === pattern) return target;
  }
  if (fields.includes(field)) return field;
  // `keys.0` belongs to the `keys.0` input when the form has it, else to `keys`.
  const top = field.split('.')[0] ?? '';
  return fields.includes(top) ? top : null;
}

/**
 * The server's field message as a sentence beside the field. It is written to follow the field's
 * name ("is not a phone number: ..."), so beside the field it reads "This is not a phone number: ...".
 */
function capitalize(text: string): string {
  if (/^(is|must|may|contains|has)\b/.test(text)) return `This ${text}`;
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}
