import { z } from '@hono/zod-openapi'
import { PageQuery } from '../../http/openapi.ts'
import { LANGUAGES } from '../../i18n/i18n.ts'
import { CountryCode } from '../directory/directory.schema.ts'
import { SectorCode } from '../structure/scope.ts'
import { ROLES } from './auth.policy.ts'

export const RoleGrantSchema = z
  .object({
    id: z.uuid(),
    role: z.enum(ROLES),
    countryCode: z.string().nullable().openapi({ description: 'Set for focal points' }),
    organizationId: z.uuid().nullable().openapi({ description: 'Set for member representatives' }),
    sectorId: z
      .uuid()
      .nullable()
      .openapi({ description: 'Set when a secretariat role is limited to one Sector' }),
  })
  .openapi('RoleGrant')

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    status: z.enum(['active', 'disabled']),
    preferredLanguage: z.enum(LANGUAGES).nullable(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
    lastSignInAt: z.string().nullable(),
    grants: z.array(RoleGrantSchema),
  })
  .openapi('User')

export const MeSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    roles: z.array(z.enum(ROLES)).openapi({ description: 'The distinct roles held, whatever their scope' }),
    grants: z.array(RoleGrantSchema),
    via: z.enum(['session', 'token']),
    tokenScope: z
      .enum(['read', 'write'])
      .nullable()
      .openapi({ description: 'Set when signed in with an API token' }),
  })
  .openapi('Me')

export const ApiTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the secret, to recognise it' }),
    scope: z.enum(['read', 'write']),
    createdAt: z.string(),
    expiresAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken')

export const ApiTokenInputSchema = z
  .object({
    name: z
      .string({ error: 'required' })
      .trim()
      .min(1, { error: 'required' })
      .max(100, { error: 'too_long' }),
    scope: z.enum(['read', 'write'], { error: 'choice_invalid' }),
    days: z.number().int().min(1).max(365),
  })
  .openapi('ApiTokenInput')

export const ApiTokenCreatedSchema = z
  .object({
    token: z.string().openapi({ description: 'The secret, shown this once and never stored' }),
    apiToken: ApiTokenSchema,
  })
  .openapi('ApiTokenCreated')

export const GrantInputSchema = z
  .object({
    role: z.enum(ROLES, { error: 'choice_invalid' }),
    countryCode: CountryCode.nullish().openapi({ description: 'Required for focal_point' }),
    organizationId: z.uuid().nullish().openapi({ description: 'Required for member_representative' }),
    sector: SectorCode.nullish().openapi({
      description: "A Sector's code: limits a secretariat role to that Sector",
    }),
  })
  .openapi('RoleGrantInput')

export const InvitationSchema = z
  .object({
    email: z.email({ error: 'email_invalid' }).max(254, { error: 'too_long' }),
    name: z
      .string({ error: 'required' })
      .trim()
      .min(1, { error: 'required' })
      .max(200, { error: 'too_long' }),
    language: z.enum(LANGUAGES).optional(),
    grants: z.array(GrantInputSchema).max(20).default([]),
  })
  .openapi('Invitation')

export const UserStatusSchema = z.object({ status: z.enum(['active', 'disabled']) }).openapi('UserStatus')

export const UserQuerySchema = z.object({ q: z.string().trim().max(100).optional(), ...PageQuery })
