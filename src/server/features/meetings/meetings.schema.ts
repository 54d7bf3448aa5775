import { z } from '@hono/zod-openapi'
import { PageQuery } from '../../http/openapi.ts'
import { isTimeZone } from '../../i18n/time-zones.ts'
import { CountryCode, ITU_REGIONS, LocalizedSchema } from '../directory/directory.schema.ts'
import { SectorCode } from '../structure/scope.ts'

export const MEETING_KINDS = [
  'cto_meeting',
  'cxo_meeting',
  'workshop',
  'symposium',
  'advisory_panel',
  'consultation_session',
] as const
export const FORMATS = ['in_person', 'online', 'hybrid'] as const
export const SENIORITY_POLICIES = ['executives_only', 'executives_preferred', 'open'] as const
export const MEETING_STATUSES = [
  'draft',
  'announced',
  'registration_open',
  'registration_closed',
  'held',
  'concluded',
  'cancelled',
] as const
export const INVITATION_STATES = ['pending', 'accepted', 'declined', 'delegated'] as const
export const PARTICIPATIONS = ['onsite', 'remote'] as const
export const REGISTRATION_STATUSES = ['registered', 'waitlisted', 'cancelled'] as const
export const ATTENDED_AS = ['principal', 'alternate', 'substitute', 'other'] as const
export const CAPTURED_BY = ['check_in', 'list', 'self_declared'] as const

export type MeetingStatus = (typeof MEETING_STATUSES)[number]
export type MeetingKind = (typeof MEETING_KINDS)[number]

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const localDateTime = z
  .string({ error: 'required' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: 'datetime_invalid' })
  .openapi({
    description: 'Wall-clock time in the meeting’s time zone, YYYY-MM-DDTHH:mm',
    example: '2025-10-13T09:00',
  })

export const MeetingInputSchema = z
  .object({
    kind: z.enum(MEETING_KINDS, { error: 'choice_invalid' }),
    titles: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
    groupId: z.preprocess(blank, z.uuid().optional()).transform((v) => v ?? null),
    startsAt: localDateTime,
    endsAt: localDateTime,
    timeZone: z
      .string({ error: 'required' })
      .trim()
      .refine(isTimeZone, { error: 'time_zone_invalid' })
      .openapi({ description: 'IANA time zone of the venue', example: 'Asia/Kolkata' }),
    format: z.enum(FORMATS, { error: 'choice_invalid' }),
    city: z
      .preprocess(blank, z.string().trim().max(120, { error: 'too_long' }).optional())
      .transform((v) => v ?? null),
    countryCode: z.preprocess(blank, CountryCode.optional()).transform((v) => v ?? null),
    hostOrganizationId: z.preprocess(blank, z.uuid().optional()).transform((v) => v ?? null),
    capacity: z
      .preprocess(
        blank,
        z.coerce
          .number({ error: 'number_invalid' })
          .int({ error: 'number_invalid' })
          .min(1, { error: 'number_invalid' })
          .max(100000)
          .optional(),
      )
      .transform((v) => v ?? null),
    seniorityPolicy: z.enum(SENIORITY_POLICIES, { error: 'choice_invalid' }),
    registrationDeadline: z.preprocess(blank, localDateTime.optional()).transform((v) => v ?? null),
    sector: z.preprocess(blank, SectorCode.optional()).openapi({
      description:
        "The meeting's Sector (its code, e.g. ITU-R) or `union` for a Union-wide meeting. On creation, " +
        'without one: your own Sector if your role is limited to one, else the first Sector. On update, ' +
        'without one: unchanged.',
    }),
    panelId: z
      .preprocess(
        (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
        z.uuid({ error: 'choice_invalid' }).nullable().optional(),
      )
      .openapi({
        description:
          'The Industry Advisory Panel whose meeting this is (only for kind `advisory_panel`); null for none. ' +
          'On update, without one: unchanged.',
      }),
    /** The version the editor saw; a stale one is refused (409) so no edit is silently lost. */
    version: z.preprocess(blank, z.coerce.number().int().min(1).optional()),
  })
  .refine((m) => m.endsAt > m.startsAt, { path: ['endsAt'], error: 'end_before_start' })
  .refine((m) => !m.registrationDeadline || m.registrationDeadline <= m.endsAt, {
    path: ['registrationDeadline'],
    error: 'deadline_after_end',
  })
  .refine((m) => m.format === 'online' || m.countryCode, { path: ['countryCode'], error: 'required' })
  .openapi('MeetingInput')
export type MeetingInput = z.infer<typeof MeetingInputSchema>

export const MeetingSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(MEETING_KINDS),
    title: z.string(),
    titles: z.record(z.string(), z.string()),
    groupId: z.uuid().nullable(),
    groupName: z.string().nullable(),
    startsAt: z.string().openapi({ description: 'UTC instant' }),
    endsAt: z.string(),
    startsAtLocal: z.string().openapi({ description: 'Wall-clock time in timeZone' }),
    endsAtLocal: z.string(),
    timeZone: z.string(),
    format: z.enum(FORMATS),
    city: z.string().nullable(),
    countryCode: z.string().nullable(),
    countryName: z.string().nullable(),
    ituRegion: z.enum(ITU_REGIONS).nullable(),
    hostOrganizationId: z.uuid().nullable(),
    hostOrganizationName: z.string().nullable(),
    sector: z
      .string()
      .nullable()
      .openapi({ description: "The Sector's code; null for a Union-wide meeting", example: 'ITU-T' }),
    panelId: z.uuid().nullable(),
    panelName: z.string().nullable(),
    capacity: z.number().int().nullable(),
    seniorityPolicy: z.enum(SENIORITY_POLICIES),
    registrationDeadline: z.string().nullable(),
    registrationDeadlineLocal: z.string().nullable(),
    status: z.enum(MEETING_STATUSES),
    version: z.number().int(),
    updatedAt: z.string(),
    registered: z.number().int(),
    waitlisted: z.number().int(),
  })
  .openapi('Meeting')
export type Meeting = z.infer<typeof MeetingSchema>

export const MeetingQuerySchema = z.object({
  when: z.preprocess(blank, z.enum(['upcoming', 'past', 'all']).default('all')),
  kind: z.preprocess(blank, z.enum(MEETING_KINDS).optional()),
  groupId: z.preprocess(blank, z.uuid().optional()),
  year: z.preprocess(blank, z.coerce.number().int().min(1900).max(2200).optional()),
  region: z.preprocess(blank, z.enum(ITU_REGIONS).optional()),
  status: z.preprocess(blank, z.enum(MEETING_STATUSES).optional()),
  sector: z.preprocess(blank, SectorCode.optional()).openapi({
    description: "Only one Sector's meetings (its code), or `union` for the Union-wide meetings only",
  }),
  ...PageQuery,
})
export type MeetingQuery = z.infer<typeof MeetingQuerySchema>

export const TransitionSchema = z
  .object({
    status: z.enum(MEETING_STATUSES, { error: 'choice_invalid' }),
    version: z.coerce.number().int().min(1),
  })
  .openapi('MeetingTransition')

export const InviteSchema = z
  .object({
    groupId: z.preprocess(blank, z.uuid().optional()),
    organizationId: z.preprocess(blank, z.uuid().optional()),
    personId: z.preprocess(blank, z.uuid().optional()),
  })
  .refine((i) => i.groupId || i.organizationId, { path: ['organizationId'], error: 'organization_required' })
  .openapi('Invite', {
    description:
      'Either a group (its current principals and alternates) or one organization, optionally one person',
  })

export const InvitationSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    countryCode: z.string(),
    personId: z.uuid().nullable(),
    personName: z.string().nullable(),
    groupRole: z.enum(['principal', 'alternate']).nullable(),
    state: z.enum(INVITATION_STATES),
    delegatePersonId: z.uuid().nullable(),
    delegatePersonName: z.string().nullable(),
    sentAt: z.string(),
    respondedAt: z.string().nullable(),
  })
  .openapi('Invitation')
export type Invitation = z.infer<typeof InvitationSchema>

export const InvitationsCreatedSchema = z
  .object({ created: z.number().int().openapi({ description: 'How many new invitations were sent' }) })
  .openapi('InvitationsCreated')

export const InvitationResponseSchema = z
  .object({
    state: z.enum(['accepted', 'declined', 'delegated'], { error: 'choice_invalid' }),
    delegatePersonId: z.preprocess(blank, z.uuid().optional()),
  })
  .refine((r) => r.state !== 'delegated' || r.delegatePersonId, {
    path: ['delegatePersonId'],
    error: 'required',
  })
  .openapi('InvitationResponse')

export const RegistrationInputSchema = z
  .object({
    personId: z.uuid({ error: 'required' }),
    participation: z.enum(PARTICIPATIONS, { error: 'choice_invalid' }),
    overrideReason: z.preprocess(blank, z.string().trim().max(500, { error: 'too_long' }).optional()),
  })
  .openapi('RegistrationInput')
export type RegistrationInput = z.infer<typeof RegistrationInputSchema>

export const RegistrationSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    personId: z.uuid(),
    personName: z.string(),
    seniority: z.string(),
    participation: z.enum(PARTICIPATIONS),
    status: z.enum(REGISTRATION_STATUSES),
    seniorityNote: z.string().nullable(),
    overrideReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Registration')
export type Registration = z.infer<typeof RegistrationSchema>

export const AttendanceInputSchema = z
  .object({
    organizationId: z.uuid({ error: 'organization_required' }),
    personId: z.preprocess(blank, z.uuid().optional()).transform((v) => v ?? null),
    attendedAs: z.enum(ATTENDED_AS, { error: 'choice_invalid' }),
    capturedBy: z.enum(CAPTURED_BY, { error: 'choice_invalid' }),
  })
  .openapi('AttendanceInput')
export type AttendanceInput = z.infer<typeof AttendanceInputSchema>

export const AttendanceSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    personId: z.uuid().nullable(),
    personName: z.string().nullable(),
    attendedAs: z.enum(ATTENDED_AS),
    capturedBy: z.enum(CAPTURED_BY),
    capturedAt: z.string(),
  })
  .openapi('Attendance')
export type Attendance = z.infer<typeof AttendanceSchema>

const Breakdown = z.array(
  z.object({ key: z.string().nullable(), organizations: z.number().int(), people: z.number().int() }),
)
export const MeetingFiguresSchema = z
  .object({
    organizations: z.number().int(),
    people: z.number().int(),
    byRegion: Breakdown,
    byDevelopmentStatus: Breakdown,
    byCategory: Breakdown,
    bySme: Breakdown,
    bySeniority: Breakdown,
    byAttendedAs: Breakdown,
  })
  .openapi('MeetingFigures')
export type MeetingFigures = z.infer<typeof MeetingFiguresSchema>
