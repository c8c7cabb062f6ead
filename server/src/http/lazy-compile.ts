import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler, FastifySchemaValidationError, FastifyServerOptions } from 'fastify';

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
 * Fastify's own serializer factory, with each serializer built at its first reply. The compiler is
 * a dependency of ours at the version Fastify depends on, so that it is the one copy Fastify would
 * use itself and replies are written exactly as Fastify writes them (test/serializer-compiler.test.ts
 * fails when the two versions part).
 */
export function lazySerializers(): BuildSerializer {
  const factory: BuildSerializer = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = factory(externalSchemas, options);
    const lazy: SerializerCompiler = (route) => {
      let serialize: ReturnType<SerializerCompiler> | undefined;
      return (data) => (serialize ??= compile(route))(data);
    };
    return lazy;
  };
}
