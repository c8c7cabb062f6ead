import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { lazyValidatorCompiler } from './lazy-compile.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const base: Options = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false };

function ajv(options: Options): Ajv {
  return addFormats(new Ajv({ ...base, ...options }));
}

/**
 * Validators that take every input as the type it was sent with: a JSON body's `"5"` is not 5, and
 * an array is never unwrapped into a string. Query strings and path parameters are text by
 * nature, so `coerceText` lets their numbers and booleans be read from text (arrays stay refused).
 */
export function strictValidatorCompiler({ coerceText }: { coerceText: boolean }): FastifySchemaCompiler<unknown> {
  // Made at the first validation (see lazy-compile.ts): start-up need not pay for them.
  let exact: Ajv | undefined;
  let text: Ajv | undefined;
  return lazyValidatorCompiler(() => ({ schema, httpPart }) => {
    exact ??= ajv({ coerceTypes: false });
    text ??= coerceText ? ajv({ coerceTypes: true }) : exact;
    return (httpPart === 'body' ? exact : text).compile(schema as object);
  });
}
