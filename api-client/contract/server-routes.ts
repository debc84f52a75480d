import { z } from 'zod';
import { Id } from './common';
import type { RouteDef } from './routes';
import { ScimDiscoveryList, ScimDiscoveryResource, ScimListQuery, ScimListResponse, ScimPatch, ScimUser, ScimUserInput } from './scim';

/**
 * The rest of what the server answers, described like `routes` so the OpenAPI document covers it:
 * SCIM for identity providers, the probes, the document itself and the console. Not in `routes`,
 * so the typed client gets no methods for them and the server registers them itself, at these paths.
 */
function route<const R extends RouteDef>(r: R): R {
  return r;
}
const SCIM = { mediaType: 'application/scim+json', errorFormat: 'scim' } as const;
const ScimIdParams = z.strictObject({ id: Id });
const DiscoveryIdParams = z.strictObject({ id: z.string().min(1).max(256) });

export const scimRoutes = {
  scimServiceProviderConfig: route({
    ...SCIM,
    method: 'GET',
    path: '/scim/v2/ServiceProviderConfig',
    summary: 'What this SCIM service supports (no credentials needed)',
    auth: 'none',
    status: 200,
    response: ScimDiscoveryResource,
  }),
  scimListResourceTypes: route({
    ...SCIM,
    method: 'GET',
    path: '/scim/v2/ResourceTypes',
    summary: 'SCIM resource types (User)',
    auth: 'none',
    status: 200,
    response: ScimDiscoveryList,
  }),
  scimGetResourceType: route({
    ...SCIM,
    method: 'GET',
    path: '/scim/v2/ResourceTypes/:id',
    summary: 'One SCIM resource type',
    auth: 'none',
    params: DiscoveryIdParams,
    status: 200,
    response: ScimDiscoveryResource,
  }),
  scimListSchemas: route({
    ...SCIM,
    method: 'GET',
    path: '/scim/v2/Schemas',
    summary: 'SCIM schemas (the attributes Warden keeps)',
    auth: 'none',
    status: 200,
    response: ScimDiscoveryList,
  }),
  scimGetSchema: route({
    ...SCIM,
    method: 'GET',
    path: '/scim/v2/Schemas/:id',
    summary: 'One SCIM schema, by URN',
    auth: 'none',
    params: DiscoveryIdParams,
    status: 200,
    response: ScimDiscoveryResource,
  }),
  scimListUsers: route({
    ...SCIM,
    method: 'GET',
    path: '/scim/v2/Users',
    summary: 'List or filter users (userName eq, externalId eq)',
    auth: 'token',
    query: ScimListQuery,
    status: 200,
    response: ScimListResponse,
  }),
  scimCreateUser: route({
    ...SCIM,
    method: 'POST',
    path: '/scim/v2/Users',
    summary: 'Provision a user',
    auth: 'token',
    body: ScimUserInput,
    status: 201,
    response: ScimUser,
    etag: true,
    location: true,
  }),
  scimGetUser: route({
    ...SCIM,
    method: 'GET',
    path: '/scim/v2/Users/:id',
    summary: 'Get a user',
    auth: 'token',
    params: ScimIdParams,
    status: 200,
    response: ScimUser,
    etag: true,
  }),
  scimReplaceUser: route({
    ...SCIM,
    method: 'PUT',
    path: '/scim/v2/Users/:id',
    summary: 'Replace a user',
    auth: 'token',
    params: ScimIdParams,
    body: ScimUserInput,
    status: 200,
    response: ScimUser,
    etag: true,
    ifMatch: true,
  }),
  scimPatchUser: route({
    ...SCIM,
    method: 'PATCH',
    path: '/scim/v2/Users/:id',
    summary: 'Patch a user (RFC 7644 3.5.2)',
    auth: 'token',
    params: ScimIdParams,
    body: ScimPatch,
    status: 200,
    response: ScimUser,
    etag: true,
    ifMatch: true,
  }),
  scimDeleteUser: route({
    ...SCIM,
    method: 'DELETE',
    path: '/scim/v2/Users/:id',
    summary: 'Delete a user',
    auth: 'token',
    params: ScimIdParams,
    status: 204,
    response: null,
    ifMatch: true,
  }),
} as const satisfies Record<string, RouteDef>;

export const Readiness = z.object({ status: z.enum(['ready', 'unavailable']), store: z.enum(['sqlite', 'postgres']) });
const TEXT = z.string();

export const serverRoutes = {
  health: route({ method: 'GET', path: '/healthz', summary: 'Liveness: the process answers', auth: 'none', status: 200, response: z.object({ status: z.literal('ok') }) }),
  readiness: route({
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the store is reachable',
    auth: 'none',
    status: 200,
    response: Readiness,
    otherResponses: [{ status: 503, description: 'The store is unreachable', body: Readiness, mediaType: 'application/json' }],
  }),
  metrics: route({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition format 0.0.4)',
    auth: 'none',
    status: 200,
    response: TEXT,
    mediaType: 'text/plain',
  }),
  openapi: route({ method: 'GET', path: '/v1/openapi.json', summary: 'This document', auth: 'none', status: 200, response: z.looseObject({ openapi: z.string() }) }),
  consoleIndex: route({ method: 'GET', path: '/', summary: 'The web console (docs/console.md)', auth: 'none', status: 200, response: TEXT, mediaType: 'text/html' }),
  consoleAsset: route({
    method: 'GET',
    path: '/console/:asset',
    summary: "The web console's script and stylesheet",
    auth: 'none',
    params: z.strictObject({ asset: z.string() }),
    status: 200,
    response: TEXT,
    mediaType: 'text/javascript',
    otherResponses: [
      { status: 200, description: 'The stylesheet', body: TEXT, mediaType: 'text/css' },
      { status: 404, description: 'No such asset', body: TEXT, mediaType: 'text/plain' },
    ],
  }),
} as const satisfies Record<string, RouteDef>;
