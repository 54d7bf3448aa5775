import { z } from '@hono/zod-openapi'
import { PageQuery } from '../../http/openapi.ts'
import { LANGUAGES } from '../../i18n/i18n.ts'

export const ITU_REGIONS = ['africa', 'americas', 'arab_states', 'asia_pacific', 'cis', 'europe'] as const
export const DEVELOPMENT_STATUSES = ['developed', 'developing'] as const
export const COUNTRY_TAGS = ['ldc', 'lldc', 'sids', 'eit'] as const
export const CATEGORIES = ['member_state', 'sector_member', 'associate', 'academia', 'other'] as const
export const SEGMENTS = [
  'operator',
  'vendor',
  'hyperscaler',
  'software',
  'semiconductor',
  'iot',
  'automotive',
  'finance',
  'media',
  'energy',
  'health',
  'research',
  'consultancy',
  'government',
  'other',
] as const
export const SENIORITIES = ['c_level', 'senior_executive', 'manager', 'expert'] as const
export const GROUP_KINDS = [
  'cto_group',
  'cxo_group',
  'industry_advisory_panel',
  'steering_committee',
  'other',
] as const

export type ItuRegion = (typeof ITU_REGIONS)[number]
export type Category = (typeof CATEGORIES)[number]
export type Seniority = (typeof SENIORITIES)[number]
export type GroupKind = (typeof GROUP_KINDS)[number]

/** Empty form fields arrive as '' — treat them as absent. */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const optionalText = (max: number) =>
  z
    .preprocess(blankToUndefined, z.string().trim().max(max, { error: 'too_long' }).optional())
    .transform((v) => v ?? null)
const isoDate = z.iso.date({ error: 'date_invalid' })
const optionalDate = z.preprocess(blankToUndefined, isoDate.optional()).transform((v) => v ?? null)
const checkbox = z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean())

const safeUrl = z
  .string()
  .trim()
  .max(500, { error: 'too_long' })
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v), { error: 'url_invalid' })

export const LocalizedSchema = z
  .object(
    Object.fromEntries(
      LANGUAGES.map((l) => [l, z.string().trim().max(300, { error: 'too_long' }).optional()]),
    ),
  )
  .transform(
    (o) =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v)) as Partial<
        Record<(typeof LANGUAGES)[number], string>
      >,
  )
  .openapi('Localized', { description: 'Text in several languages; missing languages fall back to English.' })

export const CountryCode = z
  .string({ error: 'required' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, { error: 'country_invalid' })
  .openapi({ example: 'KE', description: 'ISO 3166-1 alpha-2' })

// ---------------------------------------------------------------- countries

export const CountrySchema = z
  .object({
    code: z.string(),
    iso3: z.string(),
    name: z.string().openapi({ description: 'In the requested language' }),
    names: z.record(z.string(), z.string()),
    ituRegion: z.enum(ITU_REGIONS).nullable(),
    developmentStatus: z.enum(DEVELOPMENT_STATUSES),
    ldc: z.boolean(),
    lldc: z.boolean(),
    sids: z.boolean(),
    eit: z.boolean(),
    unMember: z.boolean(),
  })
  .openapi('Country')
export type Country = z.infer<typeof CountrySchema>

export const CountryUpdateSchema = z
  .object({
    names: LocalizedSchema.optional(),
    ituRegion: z.preprocess(blankToUndefined, z.enum(ITU_REGIONS).nullable().optional()),
    developmentStatus: z.enum(DEVELOPMENT_STATUSES).optional(),
    ldc: checkbox.optional(),
    lldc: checkbox.optional(),
    sids: checkbox.optional(),
    eit: checkbox.optional(),
  })
  .openapi('CountryUpdate')
export type CountryUpdate = z.infer<typeof CountryUpdateSchema>

export const CountryQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  region: z.enum(ITU_REGIONS).optional(),
  status: z.enum(DEVELOPMENT_STATUSES).optional(),
  tag: z.enum(COUNTRY_TAGS).optional(),
})

// ---------------------------------------------------------------- organizations

export const OrganizationInputSchema = z
  .object({
    name: z
      .string({ error: 'required' })
      .trim()
      .min(1, { error: 'required' })
      .max(300, { error: 'too_long' }),
    category: z.enum(CATEGORIES, { error: 'choice_invalid' }),
    countryCode: CountryCode,
    sme: checkbox.default(false),
    roa: checkbox.default(false),
    sio: checkbox.default(false),
    segment: z
      .preprocess(blankToUndefined, z.enum(SEGMENTS, { error: 'choice_invalid' }).optional())
      .transform((v) => v ?? null),
    website: z.preprocess(blankToUndefined, safeUrl.optional()).transform((v) => v ?? null),
    membershipStart: optionalDate,
    membershipEnd: optionalDate,
  })
  .refine((o) => !o.membershipStart || !o.membershipEnd || o.membershipEnd >= o.membershipStart, {
    path: ['membershipEnd'],
    error: 'end_before_start',
  })
  .openapi('OrganizationInput')
export type OrganizationInput = z.infer<typeof OrganizationInputSchema>

export const OrganizationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    category: z.enum(CATEGORIES),
    countryCode: z.string(),
    countryName: z.string(),
    ituRegion: z.enum(ITU_REGIONS).nullable(),
    developmentStatus: z.enum(DEVELOPMENT_STATUSES),
    sme: z.boolean(),
    roa: z.boolean(),
    sio: z.boolean(),
    segment: z.enum(SEGMENTS).nullable(),
    website: z.string().nullable(),
    membershipStart: z.string().nullable(),
    membershipEnd: z.string().nullable(),
    archived: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Organization')
export type Organization = z.infer<typeof OrganizationSchema>

export const ORGANIZATION_SORTS = ['name', 'country', 'category', 'region', 'created'] as const
export const OrganizationQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  region: z.preprocess(blankToUndefined, z.enum(ITU_REGIONS).optional()),
  status: z.preprocess(blankToUndefined, z.enum(DEVELOPMENT_STATUSES).optional()),
  tag: z.preprocess(blankToUndefined, z.enum(COUNTRY_TAGS).optional()),
  category: z.preprocess(blankToUndefined, z.enum(CATEGORIES).optional()),
  segment: z.preprocess(blankToUndefined, z.enum(SEGMENTS).optional()),
  country: z.preprocess(blankToUndefined, CountryCode.optional()),
  sme: z.preprocess(blankToUndefined, z.enum(['true', 'false']).optional()),
  archived: z.preprocess(blankToUndefined, z.enum(['exclude', 'include', 'only']).default('exclude')),
  sort: z.preprocess(blankToUndefined, z.enum(ORGANIZATION_SORTS).default('name')),
  dir: z.preprocess(blankToUndefined, z.enum(['asc', 'desc']).default('asc')),
  ...PageQuery,
})
export type OrganizationQuery = z.infer<typeof OrganizationQuerySchema>

// ---------------------------------------------------------------- people

export const PersonInputSchema = z
  .object({
    organizationId: z.uuid({ error: 'organization_required' }),
    name: z
      .string({ error: 'required' })
      .trim()
      .min(1, { error: 'required' })
      .max(200, { error: 'too_long' }),
    title: optionalText(200),
    seniority: z.enum(SENIORITIES, { error: 'choice_invalid' }),
    email: z
      .preprocess(
        blankToUndefined,
        z.email({ error: 'email_invalid' }).max(254, { error: 'too_long' }).optional(),
      )
      .transform((v) => v?.toLowerCase() ?? null),
    phone: z
      .preprocess(
        blankToUndefined,
        z
          .string()
          .trim()
          .max(40, { error: 'too_long' })
          .regex(/^[+()\d\s.-]+$/, { error: 'phone_invalid' })
          .optional(),
      )
      .transform((v) => v ?? null),
    preferredLanguage: z
      .preprocess(blankToUndefined, z.enum(LANGUAGES).optional())
      .transform((v) => v ?? null),
    publicConsent: checkbox.default(false),
  })
  .openapi('PersonInput')
export type PersonInput = z.infer<typeof PersonInputSchema>

export const PersonSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    countryCode: z.string(),
    name: z.string(),
    title: z.string().nullable(),
    seniority: z.enum(SENIORITIES),
    publicConsent: z.boolean(),
    archived: z.boolean(),
    /** Present only for those allowed to see personal data. */
    email: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
    preferredLanguage: z.enum(LANGUAGES).nullable().optional(),
    erased: z.boolean(),
  })
  .openapi('Person')
export type Person = z.infer<typeof PersonSchema>

export const PERSON_SORTS = ['name', 'organization', 'seniority'] as const
export const PersonQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  organizationId: z.preprocess(blankToUndefined, z.uuid().optional()),
  seniority: z.preprocess(blankToUndefined, z.enum(SENIORITIES).optional()),
  archived: z.preprocess(blankToUndefined, z.enum(['exclude', 'include', 'only']).default('exclude')),
  sort: z.preprocess(blankToUndefined, z.enum(PERSON_SORTS).default('name')),
  dir: z.preprocess(blankToUndefined, z.enum(['asc', 'desc']).default('asc')),
  ...PageQuery,
})
export type PersonQuery = z.infer<typeof PersonQuerySchema>

// ---------------------------------------------------------------- groups

export const GroupInputSchema = z
  .object({
    kind: z.enum(GROUP_KINDS, { error: 'choice_invalid' }),
    names: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
    descriptions: LocalizedSchema.default({}),
  })
  .openapi('GroupInput')
export type GroupInput = z.infer<typeof GroupInputSchema>

export const MembershipSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    countryCode: z.string(),
    principal: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    alternate: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    startDate: z.string(),
    endDate: z.string().nullable(),
  })
  .openapi('GroupMembership')
export type Membership = z.infer<typeof MembershipSchema>

export const GroupSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(GROUP_KINDS),
    name: z.string(),
    names: z.record(z.string(), z.string()),
    description: z.string(),
    descriptions: z.record(z.string(), z.string()),
    archived: z.boolean(),
    currentMembers: z.number().int(),
  })
  .openapi('Group')
export type Group = z.infer<typeof GroupSchema>

export const MembershipInputSchema = z
  .object({
    organizationId: z.uuid({ error: 'organization_required' }),
    principalPersonId: z.preprocess(blankToUndefined, z.uuid().optional()).transform((v) => v ?? null),
    alternatePersonId: z.preprocess(blankToUndefined, z.uuid().optional()).transform((v) => v ?? null),
    startDate: isoDate,
  })
  .refine((m) => !m.principalPersonId || m.principalPersonId !== m.alternatePersonId, {
    path: ['alternatePersonId'],
    error: 'alternate_same_as_principal',
  })
  .openapi('MembershipInput')
export type MembershipInput = z.infer<typeof MembershipInputSchema>

export const MembershipChangeSchema = z
  .object({
    principalPersonId: z.preprocess(blankToUndefined, z.uuid().optional()).transform((v) => v ?? null),
    alternatePersonId: z.preprocess(blankToUndefined, z.uuid().optional()).transform((v) => v ?? null),
    effectiveDate: isoDate,
  })
  .refine((m) => !m.principalPersonId || m.principalPersonId !== m.alternatePersonId, {
    path: ['alternatePersonId'],
    error: 'alternate_same_as_principal',
  })
  .openapi('MembershipChange')
export type MembershipChange = z.infer<typeof MembershipChangeSchema>

export const MembershipEndSchema = z.object({ endDate: isoDate }).openapi('MembershipEnd')

// ---------------------------------------------------------------- responses of the API

export const IMPORT_KINDS = ['countries', 'organizations', 'people', 'meetings', 'attendance'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

export const CreatedIdSchema = z.object({ id: z.uuid() }).openapi('CreatedId')

export const GroupDetailSchema = GroupSchema.extend({ memberships: z.array(MembershipSchema) }).openapi(
  'GroupDetail',
)

export const PersonDataExportSchema = z
  .object({
    exportedAt: z.string(),
    person: z.object({
      id: z.uuid(),
      name: z.string(),
      title: z.string().nullable(),
      seniority: z.string().openapi({ enum: [...SENIORITIES] }),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      preferredLanguage: z.string().nullable(),
      publicConsent: z.boolean(),
      organization: z.string(),
      createdAt: z.string(),
      updatedAt: z.string(),
      erased: z.boolean(),
    }),
    groupRoles: z.array(
      z.object({
        group: z.string(),
        role: z.string().openapi({ enum: ['principal', 'alternate'] }),
        from: z.string(),
        to: z.string().nullable(),
      }),
    ),
    panelRoles: z.array(
      z.object({ panel: z.string(), role: z.string(), from: z.string(), to: z.string().nullable() }),
    ),
    invitations: z.array(
      z.object({
        meeting: z.string(),
        meetingDate: z.string(),
        as: z.string().openapi({ enum: ['invitee', 'principal', 'alternate', 'delegate'] }),
        state: z.string(),
        sentAt: z.string(),
        respondedAt: z.string().nullable(),
      }),
    ),
    registrations: z.array(
      z.object({
        meeting: z.string(),
        meetingDate: z.string(),
        status: z.string(),
        participation: z.string(),
        seniorityNote: z.string().nullable(),
        overrideReason: z.string().nullable(),
        registeredAt: z.string(),
      }),
    ),
    attendance: z.array(
      z.object({
        meeting: z.string(),
        meetingDate: z.string(),
        attendedAs: z.string(),
        capturedBy: z.string(),
        capturedAt: z.string(),
      }),
    ),
  })
  .openapi('PersonDataExport')

export const ImportReportSchema = z
  .object({
    kind: z.enum(IMPORT_KINDS),
    dryRun: z.boolean(),
    committed: z.boolean(),
    rows: z.array(
      z.object({
        row: z.number().int().openapi({ description: 'Line in the file; the header is line 1' }),
        status: z.enum(['created', 'updated', 'unchanged', 'error']),
        key: z.string(),
        errors: z.array(z.string()),
      }),
    ),
    counts: z.object({
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      error: z.number().int(),
    }),
    fileErrors: z.array(z.string()),
  })
  .openapi('ImportReport')
