import type { FastifySchemaCompiler, FastifySchemaValidationError, FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

/*
 * Schemas compiled at their first use rather than at start. Fastify compiles every route's
 * validators (ajv) and reply serializers (fast-json-stringify) before it listens, which was a
 * quarter of start-up; a licensing instance never calls most admin routes. Each schema is still
 * compiled once, at the first request that needs it.
 */

type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

/** A validator that compiles at its first call and then behaves exactly as the compiled one (its `errors` included). */
export function lazyValidator(compile: () => object): Validate {
  let validate: Validate | undefined;
  const lazy: Validate = (data) => {
    validate ??= compile() as Validate;
    const result = validate(data);
    lazy.errors = validate.errors;
    return result;
  };
  lazy.errors = null;
  return lazy;
}

/** Wraps a validator compiler so that each validator compiles at its first call. */
export function lazyValidatorCompiler(compiler: () => FastifySchemaCompiler<unknown>): FastifySchemaCompiler<unknown> {
  let compile: FastifySchemaCompiler<unknown> | undefined;
  return (route) => lazyValidator(() => (compile ??= compiler())(route) as object) as ReturnType<FastifySchemaCompiler<unknown>>;
}

type BuildSerializer = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;
type SerializerCompiler = ReturnType<BuildSerializer>;

/**
 * Fastify's own serializer factory (fast-json-stringify, from Fastify's dependencies, so that
 * replies are written exactly as before), with each serializer built at its first reply.
 */
export function lazySerializers(): BuildSerializer {
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  const factory = (fromFastify('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => BuildSerializer }).SerializerSelector();
  return (externalSchemas, options) => {
    const compile = factory(externalSchemas, options);
    const lazy: SerializerCompiler = (route) => {
      let serialize: ReturnType<SerializerCompiler> | undefined;
      return (data) => (serialize ??= compile(route))(data);
    };
    return lazy;
  };
}
