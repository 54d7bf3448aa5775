import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  pageOf,
  security,
} from '../../http/openapi.ts'
import { type Actor, assertSignedIn } from './auth.policy.ts'
import {
  ApiTokenCreatedSchema,
  ApiTokenInputSchema,
  ApiTokenSchema,
  GrantInputSchema,
  InvitationSchema,
  MeSchema,
  UserQuerySchema,
  UserSchema,
  UserStatusSchema,
} from './auth.schema.ts'
import * as auth from './auth.service.ts'

export const authApi = createApi()

const GrantParams = IdParam.extend({ grantId: z.uuid().openapi({ param: { name: 'grantId', in: 'path' } }) })

function me(actor: Actor): z.infer<typeof MeSchema> {
  assertSignedIn(actor)
  const { userId: id, name, email, grants, via } = actor
  return {
    id,
    name,
    email,
    roles: [...new Set(grants.map((g) => g.role))],
    grants,
    via,
    tokenScope: actor.tokenScope ?? null,
  }
}

// ---------------------------------------------------------------- the signed-in user

authApi.openapi(
  createRoute({
    method: 'get',
    path: '/me',
    tags: ['Account'],
    summary: 'Who is signed in, with their roles',
    security,
    responses: { 200: jsonContent(MeSchema, 'The current user'), ...errorResponses },
  }),
  (c) => c.json(me(c.get('actor')), 200),
)

authApi.openapi(
  createRoute({
    method: 'get',
    path: '/tokens',
    tags: ['Account'],
    summary: 'List my API tokens',
    security,
    responses: { 200: jsonContent(z.array(ApiTokenSchema), 'My tokens, newest first'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await auth.listApiTokens(db, actor), 200)
  },
)

authApi.openapi(
  createRoute({
    method: 'post',
    path: '/tokens',
    tags: ['Account'],
    summary: 'Create an API token (the secret is returned once)',
    description: 'Only a signed-in person can create a token; a token cannot create another.',
    security,
    request: { body: jsonBody(ApiTokenInputSchema) },
    responses: { 201: jsonContent(ApiTokenCreatedSchema, 'The token and its secret'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await auth.createApiToken(db, actor, c.req.valid('json')), 201)
  },
)

authApi.openapi(
  createRoute({
    method: 'delete',
    path: '/tokens/{id}',
    tags: ['Account'],
    summary: 'Revoke an API token',
    security,
    request: { params: IdParam },
    responses: { 204: { description: 'Revoked' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await auth.revokeApiToken(db, actor, c.req.valid('param').id)
    return c.body(null, 204)
  },
)

// ---------------------------------------------------------------- users and roles (administrators)

authApi.openapi(
  createRoute({
    method: 'get',
    path: '/users',
    tags: ['Users'],
    summary: 'List user accounts',
    security,
    request: { query: UserQuerySchema },
    responses: { 200: jsonContent(pageOf(UserSchema, 'UserPage'), 'A page of users'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { q, page, pageSize } = c.req.valid('query')
    const result = await auth.listUsers(db, actor, { search: q, page, pageSize })
    return c.json({ ...result, page, pageSize }, 200)
  },
)

authApi.openapi(
  createRoute({
    method: 'post',
    path: '/users',
    tags: ['Users'],
    summary: 'Invite a user',
    description:
      'Creates the account (or finds the existing one), grants the roles and e-mails a link to set a password. ' +
      'Answers 201 for a new account and 200 when the address already had one.',
    security,
    request: { body: jsonBody(InvitationSchema) },
    responses: {
      200: jsonContent(UserSchema, 'The existing account, invited again'),
      201: jsonContent(UserSchema, 'The new account'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const r = await auth.inviteUser(db, actor, {
      ...c.req.valid('json'),
      publicUrl: c.get('deps').env.publicUrl,
    })
    return r.created ? c.json(r.user, 201) : c.json(r.user, 200)
  },
)

authApi.openapi(
  createRoute({
    method: 'get',
    path: '/users/{id}',
    tags: ['Users'],
    summary: 'One user account',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(UserSchema, 'The user'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await auth.getUser(db, actor, c.req.valid('param').id), 200)
  },
)

authApi.openapi(
  createRoute({
    method: 'post',
    path: '/users/{id}/roles',
    tags: ['Users'],
    summary: 'Grant a role',
    security,
    request: { params: IdParam, body: jsonBody(GrantInputSchema) },
    responses: { 200: jsonContent(UserSchema, 'The user with the new role'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await auth.assignRole(db, actor, c.req.valid('param').id, c.req.valid('json')), 200)
  },
)

authApi.openapi(
  createRoute({
    method: 'delete',
    path: '/users/{id}/roles/{grantId}',
    tags: ['Users'],
    summary: 'Withdraw a role (ends the user’s sessions)',
    security,
    request: { params: GrantParams },
    responses: { 200: jsonContent(UserSchema, 'The user without the role'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { id, grantId } = c.req.valid('param')
    return c.json(await auth.removeRole(db, actor, id, grantId), 200)
  },
)

authApi.openapi(
  createRoute({
    method: 'post',
    path: '/users/{id}/status',
    tags: ['Users'],
    summary: 'Enable or disable an account',
    description: 'Disabling ends the user’s sessions and revokes their API tokens.',
    security,
    request: { params: IdParam, body: jsonBody(UserStatusSchema) },
    responses: { 200: jsonContent(UserSchema, 'The user'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const user = await auth.setUserStatus(db, actor, c.req.valid('param').id, c.req.valid('json').status)
    return c.json(user, 200)
  },
)
