import type { FastifySchema } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { EndpointErrorReply } from './licensing/schemas.js';

/*
 * How /openapi.json is made from the route schemas beyond what @fastify/swagger does by itself.
 * Documentation only: every route still validates and serializes with its own schema as written.
 * The client library and the web app take their API types from this document
 * (scripts/generate-api-types.mjs), so what it says is what they compile against.
 */

/**
 * What the document adds to one route: the admin API's authentication, and on every licensing
 * route the 404 for a URL that names no organization, which the licensing routes answer before
 * their handler runs and so before their reply schema applies.
 */
export function documentRoute({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  if (url.startsWith('/api/')) return { schema: { ...schema, security: [{ apiToken: [] }] }, url };
  if (url.startsWith('/licensing/')) {
    const response = (schema.response ?? {}) as Record<string, TSchema>;
    const own = response['404'] ?? response['4xx'];
    const unknownEndpoint = {
      description: `${own ? "The route's own 404 error code, or " : ''}LICENSING_ENDPOINT_INVALID: no organization has this licensing endpoint`,
      content: { 'application/json': { schema: own ? Type.Union([own, EndpointErrorReply]) : EndpointErrorReply } },
    };
    return { schema: { ...schema, response: { ...response, 404: unknownEndpoint } }, url };
  }
  return { schema, url };
}

/**
 * The schemas the document names under components.schemas: where each is first answered, as
 * "method path status", and a JSON pointer into that reply for a part of it. Every schema in a
 * reply that is equal to a named one becomes a $ref to it, so readers and the generated types
 * see `License` rather than the same object spelled out in every route that answers one. Named by
 * where they are answered rather than marked in the route files, so that routes keep their schemas
 * as they are; a route that moves fails here, loudly, when the document is made.
 */
const NAMED: Record<string, string> = {
  // The licensing API
  ValidForFeature: 'get /licensing/{organizationId}/key/validate 200 /properties/validFor/items/properties/features/items',
  ValidForProduct: 'get /licensing/{organizationId}/key/validate 200 /properties/validFor/items',
  KeyValidateReply: 'get /licensing/{organizationId}/key/validate 200',
  LeaseObtainReply: 'post /licensing/{organizationId}/lease/obtain 200',
  LeaseValidateReply: 'get /licensing/{organizationId}/lease/validate 200',
  LeaseRenewReply: 'post /licensing/{organizationId}/lease/renew 200',
  LeaseReleaseReply: 'post /licensing/{organizationId}/lease/release 200',
  LicensingEndpointError: 'get /licensing/{organizationId}/jwks.json 404',
  JsonWebKeySet: 'get /licensing/{organizationId}/jwks.json 200',
  // The admin API
  User: 'post /api/v1/users 201',
  Session: 'get /api/v1/session 200',
  Organization: 'get /api/v1/organization 200',
  Product: 'get /api/v1/products/{id} 200',
  Feature: 'get /api/v1/features/{id} 200',
  Customer: 'get /api/v1/customers/{id} 200',
  License: 'get /api/v1/licenses/{id} 200',
  Lease: 'get /api/v1/licenses/{id}/leases 200 /properties/items/items',
  LeaseRelease: 'post /api/v1/leases/{id}/release 200',
  ApiToken: 'get /api/v1/tokens 200 /properties/items/items',
  CreatedApiToken: 'post /api/v1/tokens 201',
  AuditEvent: 'get /api/v1/audit 200 /properties/items/items',
  Dashboard: 'get /api/v1/dashboard 200',
  OrganizationUsage: 'get /api/v1/usage 200',
  LicenseUsage: 'get /api/v1/licenses/{id}/usage 200',
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A schema as text with its keys sorted, so that equal schemas give equal text whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (!isObject(value)) return JSON.stringify(value);
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
    .join(',')}}`;
}

function locate(document: Json, name: string, at: string): Json {
  const [method = '', path = '', status = '', pointer = ''] = at.split(' ');
  let node: unknown = (document.paths as Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> | undefined)?.[path]?.[method]?.responses?.[
    status
  ]?.content?.['application/json']?.schema;
  for (const segment of pointer.split('/').slice(1)) node = isObject(node) ? node[segment] : undefined;
  if (!isObject(node)) throw new Error(`OpenAPI document: no schema at "${at}" to name ${name}`);
  return node;
}

/** The document with the NAMED schemas under components.schemas, and every copy of one in a reply replaced by a $ref. */
export function nameSchemas<T extends object>(document: T): T {
  const source = document as Json;
  const located = Object.entries(NAMED).map(([name, at]) => ({ name, schema: locate(source, name, at) }));
  const byText = new Map<string, string>();
  for (const { name, schema } of located) {
    const text = canonical(schema);
    const other = byText.get(text);
    if (other) throw new Error(`OpenAPI document: ${name} and ${other} are the same schema`);
    byText.set(text, name);
  }
  const refer = (node: unknown, own?: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => refer(item));
    if (!isObject(node)) return node;
    const name = byText.get(canonical(node));
    if (name && name !== own) return { $ref: `#/components/schemas/${name}` };
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, refer(value)]));
  };
  const components = isObject(source.components) ? source.components : {};
  const schemas: Json = isObject(components.schemas) ? { ...components.schemas } : {};
  for (const { name, schema } of located) {
    if (name in schemas) throw new Error(`OpenAPI document: components.schemas already has ${name}`);
    schemas[name] = refer(schema, name);
  }
  // Replies only: request schemas stay spelled out where their route takes them.
  const pathsIn: Json = isObject(source.paths) ? source.paths : {};
  const paths = Object.entries(pathsIn).map(([path, item]): [string, unknown] => [
    path,
    isObject(item) ? Object.fromEntries(Object.entries(item).map(([method, op]) => [method, isObject(op) && op.responses ? { ...op, responses: refer(op.responses) } : op])) : item,
  ]);
  return { ...source, paths: Object.fromEntries(paths), components: { ...components, schemas } } as T;
}
