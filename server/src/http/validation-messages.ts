import type { FastifySchemaValidationError } from 'fastify';

/**
 * Plain sentences for the validator's findings. The validator speaks of schemas ("must match
 * pattern \"^[A-Za-z0-9_.@-]+$\"", "must match format \"email\""), which means nothing to the
 * person at the form; each reply's `details[].message` says instead what the field accepts. A
 * sentence starts after the field's name: "name may contain only letters, digits and _ . -".
 */

/** What each pattern of the admin API's schemas accepts, in words. */
const PATTERNS: Record<string, string> = {
  '^[A-Za-z0-9_.-]+$': 'may contain only letters, digits and _ . -',
  '^[A-Za-z0-9_.@-]+$': 'may contain only letters, digits and _ . @ -',
  '^[A-Za-z0-9][A-Za-z0-9_.-]*$': 'may contain only letters, digits and _ . -, and must start with a letter or digit',
  '^[0-9+()./ -]*$': 'is not a phone number: use digits, spaces and + ( ) . / -',
};

/** What each format means, as a sentence about a value that is not one. */
const FORMATS: Record<string, string> = {
  email: 'is not an email address (such as name@example.com)',
  'date-time': 'is not a date and time (such as 2027-06-30T23:59:59Z)',
  date: 'is not a date (such as 2027-06-30)',
  uri: 'is not a web address',
  uuid: 'is not a valid id',
};

const TYPES: Record<string, string> = {
  integer: 'must be a whole number',
  number: 'must be a number',
  string: 'must be text',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be an object',
  null: 'must be empty',
};

const characters = (n: number) => (n === 1 ? '1 character' : `${n} characters`);
const items = (n: number) => (n === 1 ? '1 item' : `${n} items`);

/** The sentence for one finding of the validator. */
export function plainMessage(error: FastifySchemaValidationError): string {
  const params = error.params;
  switch (error.keyword) {
    case 'pattern':
      return PATTERNS[String(params.pattern)] ?? 'contains characters that are not allowed here';
    case 'format':
      return FORMATS[String(params.format)] ?? 'is not in the expected form';
    case 'type':
      return TYPES[String(params.type)] ?? 'is of the wrong kind';
    case 'minLength':
      return Number(params.limit) === 1 ? 'must not be empty' : `must have at least ${characters(Number(params.limit))}`;
    case 'maxLength':
      return `must have at most ${characters(Number(params.limit))}`;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'exclusiveMinimum':
      return `must be more than ${String(params.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(params.limit)}`;
    case 'minItems':
      return Number(params.limit) === 1 ? 'must have at least one item' : `must have at least ${items(Number(params.limit))}`;
    case 'maxItems':
      return `must have at most ${items(Number(params.limit))}`;
    case 'enum':
      return Array.isArray(params.allowedValues) ? `must be one of: ${params.allowedValues.map(String).join(', ')}` : 'is not one of the allowed values';
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return 'is invalid';
  }
}

/**
 * The findings worth telling. A field that may be empty (`Type.Union([X, Type.Null()])`) fails
 * both branches, and the validator reports "must be null" and "must match a schema in anyOf"
 * beside the real reason: those two go when another finding names the same field.
 */
export function tellingFindings(errors: readonly FastifySchemaValidationError[]): FastifySchemaValidationError[] {
  const noise = (e: FastifySchemaValidationError) => e.keyword === 'anyOf' || e.keyword === 'oneOf' || (e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null');
  return errors.filter((e) => !noise(e) || !errors.some((other) => other !== e && !noise(other) && other.instancePath === e.instancePath));
}
