import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.js';
import { notFound } from '../http/errors.js';
import type { SigningAlgorithm } from '../store/schema.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';

const tags = ['organization'];

const OrganizationReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  licensingEndpoint: Type.String({ description: 'The URL applications call: {public URL}/licensing/{id}.' }),
  signingAlgorithm: Type.String({ enum: [...SIGNING_ALGORITHMS] }),
  publicKey: Type.String({ description: 'SPKI PEM of the key that signs new leases.' }),
});

const OrganizationPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    signingAlgorithm: Type.Optional(Type.String({ enum: [...SIGNING_ALGORITHMS], description: 'Choosing another algorithm rotates to a new key of it.' })),
  },
  { additionalProperties: false },
);

/** The caller's organization: its name, licensing endpoint and signing key. */
export const organizationRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const { store, keychain, endpointOf } = deps;
  const describe = async (organizationId: string) => {
    const [org, key] = await Promise.all([store.organizations.get(organizationId), store.signingKeys.current(organizationId)]);
    if (!org || !key) throw notFound('organization');
    return { id: org.id, name: org.name, licensingEndpoint: endpointOf(org.id), signingAlgorithm: key.algorithm, publicKey: key.publicKeyPem };
  };

  app.get('/organization', { schema: { summary: 'Get the organization', tags, response: { 200: OrganizationReply } } }, async (request) =>
    describe(request.principal!.organizationId),
  );

  app.patch(
    '/organization',
    { schema: { summary: 'Rename the organization or choose its signing algorithm', tags, body: OrganizationPatch, response: { 200: OrganizationReply } } },
    async (request) => {
      const organizationId = request.principal!.organizationId;
      const body = request.body as { name?: string; signingAlgorithm?: SigningAlgorithm };
      const before = await describe(organizationId);
      if (body.name !== undefined) await store.organizations.rename(organizationId, body.name);
      if (body.signingAlgorithm !== undefined && before.signingAlgorithm !== body.signingAlgorithm) await keychain.rotate(organizationId, body.signingAlgorithm);
      const after = await describe(organizationId);
      await recordChange(deps, request, { action: 'update', resourceType: 'organization', resourceId: organizationId, before, after });
      return after;
    },
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
    async (request) => {
      const organizationId = request.principal!.organizationId;
      const before = await describe(organizationId);
      await keychain.rotate(organizationId, before.signingAlgorithm);
      const after = await describe(organizationId);
      await recordChange(deps, request, { action: 'rotate', resourceType: 'signing_key', resourceId: organizationId, before, after });
      return after;
    },
  );
};
