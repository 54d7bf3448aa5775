import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  pageOf,
  publicSecurity,
  security,
} from '../../http/openapi.ts'
import { CreatedIdSchema } from '../directory/directory.schema.ts'
import { meetingsCalendar } from './meetings.ics.ts'
import {
  AttendanceInputSchema,
  AttendanceSchema,
  InvitationResponseSchema,
  InvitationSchema,
  InvitationsCreatedSchema,
  InviteSchema,
  MeetingFiguresSchema,
  MeetingInputSchema,
  MeetingQuerySchema,
  MeetingSchema,
  RegistrationInputSchema,
  RegistrationSchema,
  TransitionSchema,
} from './meetings.schema.ts'
import * as meetings from './meetings.service.ts'

export const meetingsApi = createApi()

const tags = ['Meetings']

// ---------------------------------------------------------------- meetings

meetingsApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings',
    tags,
    summary: 'Search meetings',
    description:
      'Draft meetings are listed only for the secretariat. `sector` keeps one Sector’s meetings (its code) or ' +
      'the Union-wide ones (`union`); an unknown code is refused with 422.',
    security: publicSecurity,
    request: { query: MeetingQuerySchema },
    responses: {
      200: jsonContent(pageOf(MeetingSchema, 'MeetingPage'), 'A page of meetings'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await meetings.searchMeetings(db, actor, c.req.valid('query'), lang), 200)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings',
    tags,
    summary: 'Create a meeting, as a draft (secretariat)',
    description:
      'A secretariat whose role is limited to a Sector creates only meetings of that Sector (403 ' +
      'SECTOR_OUT_OF_SCOPE otherwise). `panelId` links a meeting of kind `advisory_panel` to its panel.',
    security,
    request: { body: jsonBody(MeetingInputSchema) },
    responses: { 201: jsonContent(MeetingSchema, 'The new meeting'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await meetings.createMeeting(db, actor, c.req.valid('json'), lang), 201)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}',
    tags,
    summary: 'One meeting',
    description: 'A draft meeting is not found for those who may not see it.',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(MeetingSchema, 'The meeting'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await meetings.getMeeting(db, actor, c.req.valid('param').id, lang), 200)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'put',
    path: '/meetings/{id}',
    tags,
    summary: 'Replace a meeting’s details (secretariat)',
    description:
      'Send the `version` you last read: if someone else saved since, the edit is refused with 409 ' +
      'MEETING_CONFLICT instead of silently overwriting theirs. A concluded or cancelled meeting is closed. ' +
      'Without `sector` (or `panelId`) the meeting keeps its own. A secretariat limited to a Sector changes ' +
      'only that Sector’s meetings, and cannot move one out of it (403 SECTOR_OUT_OF_SCOPE).',
    security,
    request: { params: IdParam, body: jsonBody(MeetingInputSchema) },
    responses: { 200: jsonContent(MeetingSchema, 'The updated meeting'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const meeting = await meetings.updateMeeting(
      db,
      actor,
      c.req.valid('param').id,
      c.req.valid('json'),
      lang,
    )
    return c.json(meeting, 200)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/status',
    tags,
    summary: 'Move a meeting to another status (secretariat)',
    description:
      'draft → announced → registration_open → registration_closed → held → concluded, or cancelled. ' +
      'The `version` must be the current one; a meeting cannot be held before it starts.',
    security,
    request: { params: IdParam, body: jsonBody(TransitionSchema) },
    responses: { 200: jsonContent(MeetingSchema, 'The meeting in its new status'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { status, version } = c.req.valid('json')
    const meeting = await meetings.transitionMeeting(
      db,
      actor,
      c.req.valid('param').id,
      status,
      version,
      lang,
    )
    return c.json(meeting, 200)
  },
)

// ---------------------------------------------------------------- invitations

meetingsApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/invitations',
    tags,
    summary: 'A meeting’s invitations',
    description: 'The secretariat sees all; others see only those of the organizations they speak for.',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.array(InvitationSchema), 'The invitations'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const meeting = await meetings.getMeeting(db, actor, c.req.valid('param').id, lang)
    return c.json(await meetings.listInvitations(db, actor, meeting.id), 200)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/invitations',
    tags,
    summary: 'Invite a group’s principals and alternates, or one organization (secretariat)',
    description:
      'Existing invitations are left as they are; each new one is e-mailed in the invitee’s language. ' +
      'Answers how many invitations were created.',
    security,
    request: { params: IdParam, body: jsonBody(InviteSchema) },
    responses: {
      201: jsonContent(InvitationsCreatedSchema, 'The number of new invitations'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { publicUrl } = c.get('deps').env
    return c.json(
      await meetings.invite(db, actor, c.req.valid('param').id, c.req.valid('json'), publicUrl),
      201,
    )
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'post',
    path: '/invitations/{id}/response',
    tags,
    summary: 'Accept, decline or delegate an invitation',
    description: 'By a representative of the invited organization, or the secretariat.',
    security,
    request: { params: IdParam, body: jsonBody(InvitationResponseSchema) },
    responses: { 204: { description: 'Recorded' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await meetings.respondToInvitation(db, actor, c.req.valid('param').id, c.req.valid('json'))
    return c.body(null, 204)
  },
)

// ---------------------------------------------------------------- registrations

meetingsApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/registrations',
    tags,
    summary: 'A meeting’s registrations',
    description: 'The secretariat sees all; others see only those of the organizations they speak for.',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.array(RegistrationSchema), 'The registrations'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const meeting = await meetings.getMeeting(db, actor, c.req.valid('param').id, lang)
    return c.json(await meetings.listRegistrations(db, actor, meeting.id), 200)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/registrations',
    tags,
    summary: 'Register a person of an organization you speak for',
    description:
      'Only while registration is open and before the deadline. Past capacity the registration joins the ' +
      'waiting list. Registering someone below executive level for an executives-only meeting needs an ' +
      '`overrideReason` and the secretariat.',
    security,
    request: { params: IdParam, body: jsonBody(RegistrationInputSchema) },
    responses: { 201: jsonContent(RegistrationSchema, 'The new registration'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await meetings.register(db, actor, c.req.valid('param').id, c.req.valid('json')), 201)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'post',
    path: '/registrations/{id}/cancel',
    tags,
    summary: 'Cancel a registration',
    description: 'A freed seat goes to the first person on the waiting list.',
    security,
    request: { params: IdParam },
    responses: { 204: { description: 'Cancelled (or already cancelled)' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await meetings.cancelRegistration(db, actor, c.req.valid('param').id)
    return c.body(null, 204)
  },
)

// ---------------------------------------------------------------- attendance and figures

meetingsApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/attendance',
    tags,
    summary: 'Who attended a meeting',
    description: 'A person’s name appears only with their consent, except to the secretariat.',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.array(AttendanceSchema), 'The attendance records'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const meeting = await meetings.getMeeting(db, actor, c.req.valid('param').id, lang)
    return c.json(await meetings.listAttendance(db, actor, meeting.id), 200)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/attendance',
    tags,
    summary: 'Record who attended and in which capacity (secretariat)',
    description:
      'Only once the meeting has been held. Recording the same organization and person again corrects ' +
      'the existing record; its id is answered.',
    security,
    request: { params: IdParam, body: jsonBody(AttendanceInputSchema) },
    responses: { 201: jsonContent(CreatedIdSchema, 'The attendance record'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const id = await meetings.recordAttendance(db, actor, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ id }, 201)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'delete',
    path: '/attendance/{id}',
    tags,
    summary: 'Remove an attendance record (secretariat)',
    security,
    request: { params: IdParam },
    responses: { 204: { description: 'Removed' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await meetings.removeAttendance(db, actor, c.req.valid('param').id)
    return c.body(null, 204)
  },
)

meetingsApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/figures',
    tags,
    summary: 'Attendance figures: organizations and people, by region, category, seniority and more',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(MeetingFiguresSchema, 'The figures'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const meeting = await meetings.getMeeting(db, actor, c.req.valid('param').id, lang)
    return c.json(await meetings.figures(db, meeting.id), 200)
  },
)

// ---------------------------------------------------------------- calendar

meetingsApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/calendar.ics',
    tags,
    summary: 'The meeting as an iCalendar file',
    description: 'The event keeps its UID across updates, so re-importing it updates the calendar entry.',
    security: publicSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: 'The iCalendar file', content: { 'text/calendar': { schema: z.string() } } },
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const meeting = await meetings.getMeeting(db, actor, c.req.valid('param').id, lang)
    return c.body(meetingsCalendar(meeting.title, [meeting], c.get('deps').env.publicUrl), 200, {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `attachment; filename="meeting-${meeting.id}.ics"`,
    })
  },
)
