import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { StringEnum } from '../http/schemas.js';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.js';
import { OrganizationService } from '../services/organization-service.js';
import type { AdminDeps } from './deps.js';

const tags = ['organization'];

const OrganizationReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  licensingEndpoint: Type.String({ description: 'The URL applications call: {public URL}/licensing/{id}.' }),
  signingAlgorithm: StringEnum(SIGNING_ALGORITHMS),
  publicKey: Type.String({ description: 'SPKI PEM of the key that signs new leases.' }),
});

const OrganizationPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    signingAlgorithm: Type.Optional(StringEnum(SIGNING_ALGORITHMS, { description: 'Choosing another algorithm rotates to a new key of it.' })),
  },
  { additionalProperties: false },
);

/** The caller's organization: its name, licensing endpoint and signing key. */
export const organizationRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const organizations = new OrganizationService(deps);

  app.get('/organization', { schema: { summary: 'Get the organization', tags, response: { 200: OrganizationReply } } }, async (request, reply) =>
    valueOf(await organizations.get(callerOf(request)), reply),
  );

  app.patch(
    '/organization',
    { schema: { summary: 'Rename the organization or choose its signing algorithm', tags, body: OrganizationPatch, response: { 200: OrganizationReply } } },
    async (request, reply) => valueOf(await organizations.update(callerOf(request), request.body), reply),
  );

  app.post(
    '/organization/signing-keys/rotate',
    {
      schema: {
        summary: 'Rotate the signing key',
        description: 'New leases are signed with a new key of the same algorithm; leases signed before stay verifiable with jwks.json until they expire.',
        tags,
        response: { 200: OrganizationReply },
      },
    },
    async (request, reply) => valueOf(await organizations.rotateSigningKey(callerOf(request)), reply),
  );
};
