import type { Context } from 'hono'
import { Hono } from 'hono'
import type { Db } from '../../db/database.ts'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, nest, uuidParam, validate } from '../../http/forms.ts'
import {
  CHOICE_LIMIT,
  ChoiceSearch,
  ConfirmButton,
  Csrf,
  ErrorSummary,
  enumOptions,
  type FormErrors,
  Layout,
  Notice,
  type PageCtx,
  Pagination,
  pageCtx,
  SelectField,
  TextField,
} from '../../http/layout.tsx'
import { direction, formatDateTime, formatNumber, LANGUAGE_NAMES, LANGUAGES } from '../../i18n/i18n.ts'
import { type Actor, deny, isStaff, isUser } from '../auth/auth.policy.ts'
import { actorByCalendarToken } from '../auth/auth.service.ts'
import { MeetingConsultationsPanel } from '../consultations/consultations.pages.tsx'
import { consultationsForMeeting } from '../consultations/consultations.service.ts'
import { ITU_REGIONS } from '../directory/directory.schema.ts'
import { getGroup, listCountries, listGroups, organizationChoices } from '../directory/directory.service.ts'
import { inScope, sectorScope, UNION } from '../structure/scope.ts'
import { SectorField, SectorFilter } from '../structure/sector-inputs.tsx'
import { listSectors } from '../structure/structure.service.ts'
import { MeetingConclusions, registerMeetingFollowUp } from '../topics/follow-up.pages.tsx'
import * as followUp from '../topics/follow-up.service.ts'
import {
  DOCUMENT_KINDS,
  DocumentMetaSchema,
  MinutesInputSchema,
  SessionInputSchema,
} from './content/content.schema.ts'
import * as content from './content/content.service.ts'
import { meetingsCalendar } from './meetings.ics.ts'
import { acceptsAttendance, canManageMeetings, TRANSITIONS } from './meetings.policy.ts'
import {
  ATTENDED_AS,
  AttendanceInputSchema,
  CAPTURED_BY,
  FORMATS,
  InvitationResponseSchema,
  InviteSchema,
  MEETING_KINDS,
  MEETING_STATUSES,
  type Meeting,
  MeetingInputSchema,
  MeetingQuerySchema,
  PARTICIPATIONS,
  RegistrationInputSchema,
  SENIORITY_POLICIES,
  TransitionSchema,
} from './meetings.schema.ts'
import * as meetings from './meetings.service.ts'

/** Rows per page of a meeting's invitations, registrations and participants. */
const LIST_PAGE_SIZE = 50

export const meetingPages = new Hono<AppEnv>()

function when(ctx: PageCtx, m: Meeting): string {
  return `${formatDateTime(m.startsAt, ctx.lang, m.timeZone)} – ${formatDateTime(m.endsAt, ctx.lang, m.timeZone)}`
}

function place(ctx: PageCtx, m: Meeting): string {
  const where = [m.city, m.countryName].filter(Boolean).join(', ')
  return m.format === 'online'
    ? ctx.t('meeting_format.online')
    : `${where}${m.format === 'hybrid' ? ` · ${ctx.t('meeting_format.hybrid')}` : ''}`
}

meetingPages.get('/meetings', async (c) => {
  const ctx = pageCtx(c)
  const parsed = MeetingQuerySchema.safeParse(c.req.query())
  let q = parsed.success ? parsed.data : MeetingQuerySchema.parse({})
  const db = c.get('deps').database.db
  const [groups, sectors] = await Promise.all([
    listGroups(db, ctx.actor, ctx.lang),
    listSectors(db, ctx.lang),
  ])
  let result: Awaited<ReturnType<typeof meetings.searchMeetings>>
  let filterErrors: FormErrors | undefined
  try {
    result = await meetings.searchMeetings(db, ctx.actor, q, ctx.lang)
  } catch (error) {
    // An unknown Sector code is said, not answered with an empty list (nor silently with every meeting).
    if (!(error instanceof AppError && error.fieldErrors?.sector)) throw error
    filterErrors = error.fieldErrors
    q = { ...q, sector: undefined }
    result = { items: [], total: 0, page: q.page, pageSize: q.pageSize }
  }
  const t = ctx.t
  const thisYear = new Date().getUTCFullYear()
  return c.html(
    <Layout ctx={ctx} title={t('meeting.list_title')}>
      <div class="page-head">
        <h1>{t('meeting.list_title')}</h1>
        {canManageMeetings(ctx.actor) ? (
          <a class="button" href="/meetings/new">
            {t('meeting.new')}
          </a>
        ) : null}
      </div>
      <Notice ctx={ctx} />
      {!parsed.success || filterErrors ? (
        <p class="field-error" role="alert">
          {t('validation.filters_invalid')}
        </p>
      ) : null}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <SectorFilter ctx={ctx} sectors={sectors} value={q.sector} />
        <SelectField
          ctx={ctx}
          name="when"
          label={t('meeting.when')}
          value={q.when}
          options={enumOptions(ctx, 'meeting_when', ['upcoming', 'past', 'all'])}
        />
        <SelectField
          ctx={ctx}
          name="kind"
          label={t('field.kind')}
          value={q.kind}
          options={enumOptions(ctx, 'meeting_kind', MEETING_KINDS)}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="groupId"
          label={t('meeting.group')}
          value={q.groupId}
          options={groups.map((g) => ({ value: g.id, label: g.name }))}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="year"
          label={t('meeting.year')}
          value={q.year ? String(q.year) : ''}
          options={Array.from({ length: 25 }, (_, i) => String(thisYear + 1 - i)).map((y) => ({
            value: y,
            label: y,
          }))}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="region"
          label={t('field.region')}
          value={q.region}
          options={enumOptions(ctx, 'region', ITU_REGIONS)}
          empty={t('filter.all')}
        />
        {isStaff(ctx.actor) ? (
          <SelectField
            ctx={ctx}
            name="status"
            label={t('field.status')}
            value={q.status}
            options={enumOptions(ctx, 'meeting_status', MEETING_STATUSES)}
            empty={t('filter.all')}
          />
        ) : null}
        <div class="actions">
          <button type="submit">{t('action.filter')}</button>
          <a href="/meetings">{t('action.clear')}</a>
        </div>
      </form>
      {result.items.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('meeting.dates')}</th>
              <th scope="col">{t('meeting.title')}</th>
              <th scope="col">{t('structure.sector')}</th>
              <th scope="col">{t('field.kind')}</th>
              <th scope="col">{t('meeting.venue')}</th>
              <th scope="col">{t('field.status')}</th>
              <th scope="col">{t('meeting.registered')}</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((m) => (
              <tr>
                <td>{when(ctx, m)}</td>
                <td>
                  <a href={`/meetings/${m.id}`}>{m.title}</a>
                </td>
                <td>{m.sector ?? t('structure.union_wide')}</td>
                <td>{t(`meeting_kind.${m.kind}`)}</td>
                <td>{place(ctx, m)}</td>
                <td>{t(`meeting_status.${m.status}`)}</td>
                <td>
                  {formatNumber(m.registered, ctx.lang)}
                  {m.capacity ? ` / ${formatNumber(m.capacity, ctx.lang)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('meeting.none')}</p>
      )}
      <Pagination ctx={ctx} page={q.page} pageSize={q.pageSize} total={result.total} />
    </Layout>,
    filterErrors ? 422 : 200,
  )
})

async function formPage(
  c: Context<AppEnv>,
  meeting: Meeting | undefined,
  values: Record<string, unknown>,
  errors?: FormErrors,
  code?: string,
) {
  const ctx = pageCtx(c)
  const t = ctx.t
  const db = c.get('deps').database.db
  const [countries, groups, hosts, sectors, panels] = await Promise.all([
    listCountries(db, ctx.lang),
    listGroups(db, ctx.actor, ctx.lang),
    organizationChoices(db),
    listSectors(db, ctx.lang),
    meetings.panelChoices(db, ctx.lang),
  ])
  const titles = (values.titles ?? {}) as Record<string, string>
  const str = (k: string) => (values[k] === null || values[k] === undefined ? undefined : String(values[k]))
  const title = meeting ? t('meeting.edit_title', { title: meeting.title }) : t('meeting.new')
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} code={code} />
      <form method="post" action={meeting ? `/meetings/${meeting.id}/edit` : '/meetings/new'} novalidate>
        <Csrf ctx={ctx} />
        {meeting ? (
          <input type="hidden" name="version" value={String(values.version ?? meeting.version)} />
        ) : null}
        <div class="grid-2">
          <SectorField ctx={ctx} sectors={sectors} value={str('sector')} errors={errors} />
          <SelectField
            ctx={ctx}
            name="kind"
            label={t('field.kind')}
            value={str('kind')}
            options={enumOptions(ctx, 'meeting_kind', MEETING_KINDS)}
            required
            errors={errors}
            empty=""
          />
          <SelectField
            ctx={ctx}
            name="groupId"
            label={t('meeting.group')}
            value={str('groupId')}
            options={groups.map((g) => ({ value: g.id, label: g.name }))}
            empty={t('filter.none')}
            errors={errors}
          />
          {panels.length || str('panelId') ? (
            <div>
              <SelectField
                ctx={ctx}
                name="panelId"
                label={t('meeting_panel.panel')}
                value={str('panelId')}
                options={panels.map((p) => ({ value: p.id, label: p.name }))}
                empty={t('filter.none')}
                errors={errors}
              />
              <p class="hint">{t('meeting_panel.panel_hint')}</p>
            </div>
          ) : null}
        </div>
        <fieldset>
          <legend>{t('meeting.titles')}</legend>
          {errors?.titles ? (
            <p class="field-error">
              {errors.titles.map((e) => t(`validation.${e}`, { defaultValue: e })).join(' ')}
            </p>
          ) : null}
          <div class="grid-2">
            {LANGUAGES.map((l) => (
              <TextField
                ctx={ctx}
                name={`titles.${l}`}
                label={LANGUAGE_NAMES[l]}
                value={titles[l]}
                lang={l}
                dir={direction(l)}
                maxlength={300}
                errors={errors}
              />
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('meeting.dates')}</legend>
          <div class="grid-2">
            <TextField
              ctx={ctx}
              name="startsAt"
              label={t('meeting.starts')}
              type="datetime-local"
              value={str('startsAt')}
              required
              errors={errors}
            />
            <TextField
              ctx={ctx}
              name="endsAt"
              label={t('meeting.ends')}
              type="datetime-local"
              value={str('endsAt')}
              required
              errors={errors}
            />
            <TextField
              ctx={ctx}
              name="timeZone"
              label={t('meeting.time_zone')}
              value={str('timeZone') ?? 'Europe/Zurich'}
              required
              errors={errors}
              hint={t('meeting.time_zone_hint')}
            />
            <TextField
              ctx={ctx}
              name="registrationDeadline"
              label={t('meeting.deadline')}
              type="datetime-local"
              value={str('registrationDeadline')}
              errors={errors}
            />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('meeting.venue')}</legend>
          <div class="grid-2">
            <SelectField
              ctx={ctx}
              name="format"
              label={t('meeting.format')}
              value={str('format') ?? 'in_person'}
              options={enumOptions(ctx, 'meeting_format', FORMATS)}
              required
              errors={errors}
            />
            <TextField
              ctx={ctx}
              name="city"
              label={t('meeting.city')}
              value={str('city')}
              maxlength={120}
              errors={errors}
            />
            <SelectField
              ctx={ctx}
              name="countryCode"
              label={t('field.country')}
              value={str('countryCode')}
              options={countries.map((co) => ({ value: co.code, label: co.name }))}
              empty={t('filter.none')}
              errors={errors}
            />
            <SelectField
              ctx={ctx}
              name="hostOrganizationId"
              label={t('meeting.host')}
              value={str('hostOrganizationId')}
              options={hosts.map((o) => ({ value: o.id, label: `${o.name} (${o.country_code})` }))}
              empty={t('filter.none')}
              errors={errors}
            />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('meeting.participation')}</legend>
          <div class="grid-2">
            <TextField
              ctx={ctx}
              name="capacity"
              label={t('meeting.capacity')}
              type="number"
              value={str('capacity')}
              errors={errors}
              hint={t('meeting.capacity_hint')}
            />
            <SelectField
              ctx={ctx}
              name="seniorityPolicy"
              label={t('meeting.seniority_policy')}
              value={str('seniorityPolicy') ?? 'executives_preferred'}
              options={enumOptions(ctx, 'seniority_policy', SENIORITY_POLICIES)}
              required
              errors={errors}
            />
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit">{t('action.save')}</button>
          <a href={meeting ? `/meetings/${meeting.id}` : '/meetings'}>{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>
  )
}

/**
 * Whether the actor's staff role may change this meeting: always unless it is limited to other Sectors
 * (then the Sector's id is looked up; no query for everyone else).
 */
async function meetingInScope(db: Db, actor: Actor, m: Meeting): Promise<boolean> {
  if (sectorScope(actor) === null) return true
  const sectorId =
    m.sector === null ? null : ((await listSectors(db, 'en')).find((s) => s.code === m.sector)?.id ?? null)
  return inScope(actor, sectorId)
}

meetingPages.get('/meetings/new', async (c) => {
  const ctx = pageCtx(c)
  if (!canManageMeetings(ctx.actor)) deny(ctx.actor)
  return c.html(await formPage(c, undefined, {}))
})

meetingPages.post('/meetings/new', async (c) => {
  const ctx = pageCtx(c)
  const input = nest(await formFields(c))
  const v = validate(MeetingInputSchema, input)
  if (!v.ok) return c.html(await formPage(c, undefined, input, v.errors), 422)
  try {
    const m = await meetings.createMeeting(c.get('deps').database.db, ctx.actor, v.data, ctx.lang)
    return c.redirect(`/meetings/${m.id}?notice=created`, 303)
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.code === 'SECTOR_OUT_OF_SCOPE'))
      return c.html(await formPage(c, undefined, input, error.fieldErrors, error.code), error.status)
    throw error
  }
})

meetingPages.get('/meetings/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  if (!canManageMeetings(ctx.actor)) deny(ctx.actor)
  const db = c.get('deps').database.db
  const m = await meetings.getMeeting(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  // A Sector-limited secretariat reads another Sector's meeting but may not edit it.
  if (!(await meetingInScope(db, ctx.actor, m))) throw new AppError('SECTOR_OUT_OF_SCOPE')
  return c.html(
    await formPage(c, m, {
      ...m,
      sector: m.sector ?? UNION,
      startsAt: m.startsAtLocal,
      endsAt: m.endsAtLocal,
      registrationDeadline: m.registrationDeadlineLocal,
    }),
  )
})

meetingPages.post('/meetings/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const m = await meetings.getMeeting(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  const input = nest(await formFields(c))
  const v = validate(MeetingInputSchema, input)
  if (!v.ok) return c.html(await formPage(c, m, input, v.errors), 422)
  try {
    await meetings.updateMeeting(db, ctx.actor, m.id, v.data, ctx.lang)
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.fieldErrors || error.status === 409 || error.code === 'SECTOR_OUT_OF_SCOPE')
    ) {
      return c.html(await formPage(c, m, input, error.fieldErrors, error.code), error.status)
    }
    throw error
  }
  return c.redirect(`/meetings/${m.id}?notice=saved`, 303)
})

const FigureTable = ({
  ctx,
  caption,
  prefix,
  rows,
}: {
  ctx: PageCtx
  caption: string
  prefix: string
  rows: { key: string | null; organizations: number; people: number }[]
}) => (
  <table>
    <caption>{caption}</caption>
    <thead>
      <tr>
        <th scope="col">{caption}</th>
        <th scope="col">{ctx.t('meeting.organizations')}</th>
        <th scope="col">{ctx.t('meeting.people')}</th>
      </tr>
    </thead>
    <tbody>
      {rows.map((r) => (
        <tr>
          <th scope="row">{r.key === null ? '—' : ctx.t(`${prefix}.${r.key}`, { defaultValue: r.key })}</th>
          <td>{formatNumber(r.organizations, ctx.lang)}</td>
          <td>{formatNumber(r.people, ctx.lang)}</td>
        </tr>
      ))}
    </tbody>
  </table>
)

async function detailPage(
  c: Context<AppEnv>,
  opts2: {
    errors?: FormErrors | undefined
    code?: string | undefined
    section?: string
    /** What the user submitted, shown again when the action is refused. */
    values?: Record<string, string>
    /** When the route's :id is not the meeting's (a conclusion's actions are posted to the conclusion). */
    meetingId?: string
  } = {},
) {
  const ctx = pageCtx(c)
  const t = ctx.t
  const db = c.get('deps').database.db
  const m = await meetings.getMeeting(db, ctx.actor, opts2.meetingId ?? uuidParam(c, 'id'), ctx.lang)
  // The secretariat sees a meeting's staff view (drafts of minutes, unpublished documents); it changes the
  // meeting only if its role is not limited to another Sector.
  const staff = canManageMeetings(ctx.actor)
  const manage = staff && (await meetingInScope(db, ctx.actor, m))
  // Answering invitations and cancelling registrations: the organizations' own people, or the secretariat
  // that may change this meeting.
  const answers = !staff || manage
  // A large meeting's lists are paged in SQL, each with its own parameter.
  const pageAsked = (name: string) => {
    const n = Number(ctx.url.searchParams.get(name))
    return { page: Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1, pageSize: LIST_PAGE_SIZE }
  }
  const [invitationList, registrationList, attendanceList, figures] = await Promise.all([
    meetings.pageOfInvitations(db, ctx.actor, m.id, pageAsked('invitations')),
    meetings.pageOfRegistrations(db, ctx.actor, m.id, pageAsked('registrations')),
    meetings.pageOfAttendance(db, ctx.actor, m.id, pageAsked('participants')),
    meetings.figures(db, m.id),
  ])
  const invitations = invitationList.rows
  const registrations = registrationList.rows
  const attendance = attendanceList.rows
  const groups = manage ? await listGroups(db, ctx.actor, ctx.lang) : []
  // Selects carry at most CHOICE_LIMIT choices; a search (ChoiceSearch) finds the others.
  const search = (name: string) => ctx.url.searchParams.get(name)?.slice(0, 200) || undefined
  const orgRows = manage ? await organizationChoices(db, { search: search('org'), limit: CHOICE_LIMIT }) : []
  const moreOrgs = orgRows.length > CHOICE_LIMIT
  const orgs = orgRows.slice(0, CHOICE_LIMIT)
  const member = isUser(ctx.actor)
  const [sessions, documents, minutes, consultationsHere, conclusionsHere, actionsHere, followUpChoices] =
    await Promise.all([
      content.listSessions(db, ctx.actor, m.id, ctx.lang),
      content.listDocuments(db, ctx.actor, m.id),
      content.getMinutes(db, ctx.actor, m.id),
      consultationsForMeeting(db, ctx.actor, m.id, ctx.lang),
      member ? followUp.conclusions(db, ctx.actor, { meetingId: m.id }, ctx.lang) : Promise.resolve([]),
      member ? followUp.actions(db, ctx.actor, { meetingId: m.id }, ctx.lang) : Promise.resolve([]),
      manage
        ? followUp.followUpChoices(db, m.id, ctx.lang, { search: search('topic'), limit: CHOICE_LIMIT })
        : Promise.resolve({ topics: [], users: [], more: false, sectors: [], bodies: [] }),
    ])
  const attendanceOpen = manage && acceptsAttendance(m.status)
  // One list serves every select on the page: the people the actor may register, invite, delegate to
  // or record as present (all of them for the secretariat, their own organizations' for the others).
  const speakableRows =
    isUser(ctx.actor) && m.status !== 'cancelled'
      ? await meetings.registrablePeople(db, ctx.actor, {
          search: search('person'),
          limit: CHOICE_LIMIT,
          meetingId: m.id,
        })
      : []
  const morePeople = speakableRows.length > CHOICE_LIMIT
  const speakable = speakableRows.slice(0, CHOICE_LIMIT)
  const people = m.status === 'registration_open' && answers ? speakable : []
  const invitable = manage && !['held', 'concluded', 'cancelled'].includes(m.status) ? speakable : []
  const colleagues = staff ? [] : speakable
  const attendeeChoices = attendanceOpen ? speakable : []
  const errorsFor = (section: string) => (opts2.section === section ? opts2.errors : undefined)
  const listPage = (list: { rows: unknown[]; total: number; page: number }, param: string) => ({
    rows: list.rows,
    page: list.page,
    pageSize: LIST_PAGE_SIZE,
    total: list.total,
    param,
  })
  const invitationPage = { ...listPage(invitationList, 'invitations'), rows: invitations }
  const registrationPage = { ...listPage(registrationList, 'registrations'), rows: registrations }
  const attendancePage = { ...listPage(attendanceList, 'participants'), rows: attendance }
  return (
    <Layout ctx={ctx} title={m.title}>
      <p>
        <a href="/meetings">
          <span class="back-arrow" aria-hidden="true">
            ←
          </span>{' '}
          {t('meeting.list_title')}
        </a>
      </p>
      <div class="page-head">
        <h1>{m.title}</h1>
        <div class="actions">
          <a class="button secondary" href={`/api/v1/meetings/${m.id}/calendar.ics`}>
            {t('meeting.add_to_calendar')}
          </a>
          {staff ? (
            <a
              class="button secondary"
              href={`/meetings/${m.id}/report${m.kind === 'workshop' ? '?kind=workshop' : ''}`}
            >
              {m.kind === 'workshop' ? t('reports.kinds.workshop') : t('reports.preview')}
            </a>
          ) : null}
          {manage && m.status !== 'concluded' && m.status !== 'cancelled' ? (
            <a class="button" href={`/meetings/${m.id}/edit`}>
              {t('action.edit')}
            </a>
          ) : null}
        </div>
      </div>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={opts2.section ? undefined : opts2.errors} code={opts2.code} />
      <dl class="facts">
        <dt>{t('field.status')}</dt>
        <dd>{t(`meeting_status.${m.status}`)}</dd>
        <dt>{t('field.kind')}</dt>
        <dd>{t(`meeting_kind.${m.kind}`)}</dd>
        <dt>{t('structure.sector')}</dt>
        <dd>{m.sector ?? t('structure.union_wide')}</dd>
        {m.panelId ? (
          <>
            <dt>{t('meeting_panel.panel')}</dt>
            <dd>
              <a href={`/panels/${m.panelId}`}>{m.panelName}</a>
            </dd>
          </>
        ) : null}
        <dt>{t('meeting.dates')}</dt>
        <dd>{when(ctx, m)}</dd>
        <dt>{t('meeting.venue')}</dt>
        <dd>{place(ctx, m)}</dd>
        {m.groupName ? (
          <>
            <dt>{t('meeting.group')}</dt>
            <dd>
              <a href={`/groups/${m.groupId}`}>{m.groupName}</a>
            </dd>
          </>
        ) : null}
        {m.hostOrganizationName ? (
          <>
            <dt>{t('meeting.host')}</dt>
            <dd>
              <a href={`/organizations/${m.hostOrganizationId}`}>{m.hostOrganizationName}</a>
            </dd>
          </>
        ) : null}
        <dt>{t('meeting.seniority_policy')}</dt>
        <dd>{t(`seniority_policy.${m.seniorityPolicy}`)}</dd>
        <dt>{t('meeting.registered')}</dt>
        <dd>
          {formatNumber(m.registered, ctx.lang)}
          {m.capacity ? ` / ${formatNumber(m.capacity, ctx.lang)}` : ''}
          {m.waitlisted ? ` · ${t('meeting.waitlisted_count', { count: m.waitlisted })}` : ''}
        </dd>
        {m.registrationDeadline ? (
          <>
            <dt>{t('meeting.deadline')}</dt>
            <dd>{formatDateTime(m.registrationDeadline, ctx.lang, m.timeZone)}</dd>
          </>
        ) : null}
      </dl>

      {manage && TRANSITIONS[m.status].length ? (
        <section aria-labelledby="status-h">
          <h2 id="status-h">{t('meeting.change_status')}</h2>
          <div class="actions">
            {TRANSITIONS[m.status].map((to) => (
              <ConfirmButton
                ctx={ctx}
                action={`/meetings/${m.id}/status`}
                fields={{ status: to, version: String(m.version) }}
                label={t(`meeting_action.${to}`)}
                confirm={t('meeting.status_confirm', { status: t(`meeting_status.${to}`) })}
                danger={to === 'cancelled'}
              />
            ))}
          </div>
        </section>
      ) : null}

      <MeetingConsultationsPanel ctx={ctx} meetingId={m.id} items={consultationsHere} />

      {member ? (
        <MeetingConclusions
          ctx={ctx}
          meetingId={m.id}
          items={conclusionsHere}
          actions={actionsHere}
          topics={followUpChoices.topics}
          moreTopics={followUpChoices.more}
          users={followUpChoices.users}
          sectors={followUpChoices.sectors}
          bodies={followUpChoices.bodies}
          meetingSector={m.sector}
          canConclude={
            manage && m.status !== 'draft' && m.status !== 'cancelled' && new Date(m.startsAt) <= new Date()
          }
          errors={
            opts2.section === 'conclusion' || opts2.section?.startsWith('action-') ? opts2.errors : undefined
          }
          code={
            opts2.section === 'conclusion' || opts2.section?.startsWith('action-') ? opts2.code : undefined
          }
          section={opts2.section}
        />
      ) : null}

      <section aria-labelledby="agenda-h">
        <h2 id="agenda-h">{t('content.agenda')}</h2>
        <p>
          <a href={`/meetings/${m.id}/agenda`}>{t('agenda.see_agenda')}</a>
          {manage ? (
            <>
              {' · '}
              <a href={`/meetings/${m.id}/agenda/builder`}>{t('agenda.build')}</a>
            </>
          ) : null}
        </p>
        <ErrorSummary ctx={ctx} errors={errorsFor('session')} />
        {sessions.length ? (
          <ol class="sessions">
            {sessions.map((s) => (
              <li>
                <strong>{s.title}</strong>
                {s.startsAt ? (
                  <span class="muted">
                    {' '}
                    — {s.startsAt.replace('T', ' ')}
                    {s.endsAt ? ` – ${s.endsAt.slice(11)}` : ''}
                  </span>
                ) : null}
                {s.outline.length ? (
                  <ul>
                    {s.outline.map((item) => (
                      <li>{item}</li>
                    ))}
                  </ul>
                ) : null}
                {manage ? (
                  <ConfirmButton
                    ctx={ctx}
                    action={`/sessions/${s.id}/remove`}
                    fields={{ meetingId: m.id }}
                    label={t('content.remove_session')}
                    confirm={t('content.remove_session_confirm', { title: s.title })}
                    danger
                  />
                ) : null}
              </li>
            ))}
          </ol>
        ) : (
          <p class="empty">{t('content.no_sessions')}</p>
        )}
        {manage ? (
          <details>
            <summary>{t('content.add_session')}</summary>
            <form method="post" action={`/meetings/${m.id}/sessions`}>
              <Csrf ctx={ctx} />
              <TextField
                ctx={ctx}
                name="titles.en"
                label={`${t('content.session_title')} (${LANGUAGE_NAMES.en})`}
                required
                maxlength={300}
                errors={errorsFor('session')}
              />
              <div class="grid-2">
                <TextField
                  ctx={ctx}
                  name="startsAt"
                  label={t('meeting.starts')}
                  type="datetime-local"
                  errors={errorsFor('session')}
                />
                <TextField
                  ctx={ctx}
                  name="endsAt"
                  label={t('meeting.ends')}
                  type="datetime-local"
                  errors={errorsFor('session')}
                />
              </div>
              <div class="field">
                <label for="f-outline">{t('content.outline')}</label>
                <p class="hint" id="f-outline-hint">
                  {t('content.outline_hint')}
                </p>
                <textarea id="f-outline" name="outline" rows={5} aria-describedby="f-outline-hint" />
              </div>
              <button type="submit">{t('content.add_session')}</button>
            </form>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="docs-h">
        <h2 id="docs-h">{t('content.documents')}</h2>
        <ErrorSummary
          ctx={ctx}
          errors={errorsFor('document')}
          code={opts2.section === 'document' ? opts2.code : undefined}
        />
        {documents.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('content.document_title')}</th>
                <th scope="col">{t('field.kind')}</th>
                <th scope="col">{t('content.size')}</th>
                {staff ? <th scope="col">{t('content.visibility')}</th> : null}
                {manage ? <th scope="col">{t('group.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {documents.map((d) => (
                <tr>
                  <td>
                    <a href={`/api/v1/documents/${d.id}`}>{d.title}</a>{' '}
                    <span class="muted">({d.fileName})</span>
                  </td>
                  <td>{t(`document_kind.${d.kind}`)}</td>
                  <td>
                    {new Intl.NumberFormat(ctx.lang, {
                      style: 'unit',
                      unit: 'kilobyte',
                      maximumFractionDigits: 0,
                    }).format(Math.max(1, d.sizeBytes / 1024))}
                  </td>
                  {staff ? <td>{d.published ? t('content.published') : t('content.unpublished')}</td> : null}
                  {manage ? (
                    <td>
                      <div class="actions">
                        <ConfirmButton
                          ctx={ctx}
                          action={`/documents/${d.id}/${d.published ? 'unpublish' : 'publish'}`}
                          fields={{ meetingId: m.id }}
                          label={d.published ? t('content.unpublish') : t('content.publish')}
                          confirm={
                            d.published ? t('content.unpublish_confirm') : t('content.publish_confirm')
                          }
                        />
                        <ConfirmButton
                          ctx={ctx}
                          action={`/documents/${d.id}/delete`}
                          fields={{ meetingId: m.id }}
                          label={t('content.delete')}
                          confirm={t('content.delete_confirm', { title: d.title })}
                          danger
                        />
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty">{t('content.no_documents')}</p>
        )}
        {manage ? (
          <details open={opts2.section === 'document'}>
            <summary>{t('content.upload')}</summary>
            <form method="post" action={`/meetings/${m.id}/documents`} enctype="multipart/form-data">
              <Csrf ctx={ctx} />
              <div class="grid-2">
                <TextField
                  ctx={ctx}
                  name="title"
                  label={t('content.document_title')}
                  required
                  maxlength={300}
                  errors={errorsFor('document')}
                />
                <SelectField
                  ctx={ctx}
                  name="kind"
                  label={t('field.kind')}
                  value="presentation"
                  options={enumOptions(ctx, 'document_kind', DOCUMENT_KINDS)}
                  required
                />
              </div>
              <div class="field">
                <label for="f-file">{t('content.file')}</label>
                <p class="hint" id="f-file-hint">
                  {t('content.file_hint')}
                </p>
                <input
                  id="f-file"
                  type="file"
                  name="file"
                  required
                  aria-describedby="f-file-hint"
                  accept=".pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.txt,.csv"
                />
              </div>
              <div class="field checkbox">
                <input id="f-published" type="checkbox" name="published" value="true" />
                <label for="f-published">{t('content.publish_now')}</label>
              </div>
              <button type="submit">{t('content.upload')}</button>
            </form>
          </details>
        ) : null}
      </section>

      {isUser(ctx.actor) ? (
        <section aria-labelledby="inv-h">
          <h2 id="inv-h">{staff ? t('meeting.invitations') : t('meeting.your_invitations')}</h2>
          <ErrorSummary ctx={ctx} errors={errorsFor('invite')} />
          {invitations.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('field.organization')}</th>
                  <th scope="col">{t('meeting.invitee')}</th>
                  <th scope="col">{t('meeting.group_role')}</th>
                  <th scope="col">{t('field.status')}</th>
                  <th scope="col">{t('group.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {invitationPage.rows.map((inv) => (
                  <tr>
                    <td>
                      {inv.organizationName} <span class="muted">({inv.countryCode})</span>
                    </td>
                    <td>{inv.personName ?? '—'}</td>
                    <td>{inv.groupRole ? t(`group.${inv.groupRole}`) : '—'}</td>
                    <td>
                      {t(`invitation_state.${inv.state}`)}
                      {inv.delegatePersonId ? ` → ${inv.delegatePersonName ?? ''}` : ''}
                    </td>
                    <td>
                      {answers &&
                      inv.state === 'pending' &&
                      m.status !== 'concluded' &&
                      m.status !== 'cancelled' ? (
                        <div class="actions">
                          <ConfirmButton
                            ctx={ctx}
                            action={`/invitations/${inv.id}/respond`}
                            fields={{ state: 'accepted', meetingId: m.id }}
                            label={t('meeting.accept')}
                            confirm={t('meeting.accept_confirm')}
                          />
                          <ConfirmButton
                            ctx={ctx}
                            action={`/invitations/${inv.id}/respond`}
                            fields={{ state: 'declined', meetingId: m.id }}
                            label={t('meeting.decline')}
                            confirm={t('meeting.decline_confirm')}
                          />
                          {!staff ? (
                            <form method="post" action={`/invitations/${inv.id}/respond`} class="inline-form">
                              <Csrf ctx={ctx} />
                              <input type="hidden" name="state" value="delegated" />
                              <input type="hidden" name="meetingId" value={m.id} />
                              <label for={`delegate-${inv.id}`} class="visually-hidden">
                                {t('meeting.delegate_to')}
                              </label>
                              <select id={`delegate-${inv.id}`} name="delegatePersonId" required>
                                <option value="">{t('meeting.delegate_to')}</option>
                                {colleagues
                                  .filter(
                                    (p) => p.organization_id === inv.organizationId && p.id !== inv.personId,
                                  )
                                  .map((p) => (
                                    <option value={p.id}>{p.name}</option>
                                  ))}
                              </select>
                              <button type="submit" class="secondary">
                                {t('meeting.delegate')}
                              </button>
                            </form>
                          ) : null}
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="empty">{t('meeting.no_invitations')}</p>
          )}
          {invitationPage.total > invitationPage.pageSize ? (
            <Pagination ctx={ctx} {...invitationPage} anchor="inv-h" />
          ) : null}
          {manage && m.status !== 'held' && m.status !== 'concluded' && m.status !== 'cancelled' ? (
            <ChoiceSearch
              ctx={ctx}
              name="org"
              label={t('choices.organizations')}
              anchor="inv-h"
              more={moreOrgs}
            />
          ) : null}
          {manage && m.status !== 'held' && m.status !== 'concluded' && m.status !== 'cancelled' ? (
            <ChoiceSearch
              ctx={ctx}
              name="person"
              label={t('choices.people')}
              anchor="inv-h"
              more={morePeople}
            />
          ) : null}
          {manage && m.status !== 'held' && m.status !== 'concluded' && m.status !== 'cancelled' ? (
            <div class="grid-2">
              <form method="post" action={`/meetings/${m.id}/invite`} class="filters">
                <Csrf ctx={ctx} />
                <SelectField
                  ctx={ctx}
                  name="groupId"
                  label={t('meeting.invite_group')}
                  value={m.groupId ?? ''}
                  options={groups.map((g) => ({ value: g.id, label: g.name }))}
                  required
                  empty=""
                />
                <button type="submit">{t('meeting.invite_group_submit')}</button>
              </form>
              <form method="post" action={`/meetings/${m.id}/invite`} class="filters">
                <Csrf ctx={ctx} />
                <SelectField
                  ctx={ctx}
                  name="organizationId"
                  label={t('meeting.invite_organization')}
                  options={orgs.map((o) => ({ value: o.id, label: `${o.name} (${o.country_code})` }))}
                  required
                  empty=""
                />
                <button type="submit">{t('meeting.invite_submit')}</button>
              </form>
              <form method="post" action={`/meetings/${m.id}/invite`} class="filters">
                <Csrf ctx={ctx} />
                <SelectField
                  ctx={ctx}
                  name="person"
                  label={t('meeting.invite_person')}
                  options={invitable.map((p) => ({
                    value: `${p.organization_id}:${p.id}`,
                    label: `${p.name} — ${p.organization_name}`,
                  }))}
                  required
                  empty=""
                />
                <button type="submit">{t('meeting.invite_submit')}</button>
              </form>
            </div>
          ) : null}
        </section>
      ) : null}

      {isUser(ctx.actor) ? (
        <section aria-labelledby="reg-h">
          <h2 id="reg-h">{staff ? t('meeting.registrations') : t('meeting.your_registrations')}</h2>
          <ErrorSummary ctx={ctx} errors={errorsFor('register')} />
          {registrations.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('field.name')}</th>
                  <th scope="col">{t('field.organization')}</th>
                  <th scope="col">{t('field.seniority')}</th>
                  <th scope="col">{t('meeting.participation_mode')}</th>
                  <th scope="col">{t('field.status')}</th>
                  <th scope="col">{t('group.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {registrationPage.rows.map((r) => (
                  <tr>
                    <td>{r.personName}</td>
                    <td>{r.organizationName}</td>
                    <td>
                      {t(`seniority.${r.seniority}`)}
                      {r.seniorityNote ? (
                        <span class="tag">{t(`seniority_note.${r.seniorityNote}`)}</span>
                      ) : null}
                      {r.overrideReason ? (
                        <div class="muted">
                          {t('meeting.override_reason')}: {r.overrideReason}
                        </div>
                      ) : null}
                    </td>
                    <td>{t(`participation.${r.participation}`)}</td>
                    <td>{t(`registration_status.${r.status}`)}</td>
                    <td>
                      {answers &&
                      r.status !== 'cancelled' &&
                      !acceptsAttendance(m.status) &&
                      m.status !== 'cancelled' ? (
                        <ConfirmButton
                          ctx={ctx}
                          action={`/registrations/${r.id}/cancel`}
                          fields={{ meetingId: m.id }}
                          label={t('meeting.cancel_registration')}
                          confirm={t('meeting.cancel_registration_confirm', { name: r.personName })}
                          danger
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="empty">{t('meeting.no_registrations')}</p>
          )}
          {registrationPage.total > registrationPage.pageSize ? (
            <Pagination ctx={ctx} {...registrationPage} anchor="reg-h" />
          ) : null}
          {m.status === 'registration_open' && (people.length || search('person')) ? (
            <ChoiceSearch
              ctx={ctx}
              name="person"
              label={t('choices.people')}
              anchor="reg-h"
              more={morePeople}
            />
          ) : null}
          {m.status === 'registration_open' && people.length ? (
            <form method="post" action={`/meetings/${m.id}/register`} class="filters">
              <Csrf ctx={ctx} />
              <SelectField
                ctx={ctx}
                name="personId"
                label={t('meeting.register_person')}
                options={people.map((p) => ({
                  value: p.id,
                  label: `${p.name} — ${p.organization_name} (${t(`seniority.${p.seniority}`)})`,
                }))}
                required
                empty=""
                errors={errorsFor('register')}
              />
              <SelectField
                ctx={ctx}
                name="participation"
                label={t('meeting.participation_mode')}
                value={m.format === 'online' ? 'remote' : 'onsite'}
                options={enumOptions(ctx, 'participation', PARTICIPATIONS)}
                required
              />
              {manage ? (
                <TextField
                  ctx={ctx}
                  name="overrideReason"
                  label={t('meeting.override_reason')}
                  hint={t('meeting.override_hint')}
                  maxlength={500}
                  errors={errorsFor('register')}
                />
              ) : null}
              <button type="submit">{t('meeting.register')}</button>
            </form>
          ) : m.status !== 'registration_open' ? (
            <p class="hint">{t('meeting.registration_closed_note')}</p>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="att-h">
        <h2 id="att-h">{t('meeting.participants')}</h2>
        <ErrorSummary ctx={ctx} errors={errorsFor('attendance')} />
        {attendance.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('field.organization')}</th>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('meeting.attended_as')}</th>
                {staff ? <th scope="col">{t('meeting.captured_by')}</th> : null}
                {manage ? <th scope="col">{t('group.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {attendancePage.rows.map((a) => (
                <tr>
                  <td>{a.organizationName}</td>
                  <td>{a.personName ?? '—'}</td>
                  <td>{t(`attended_as.${a.attendedAs}`)}</td>
                  {staff ? <td>{t(`captured_by.${a.capturedBy}`)}</td> : null}
                  {manage ? (
                    <td>
                      <ConfirmButton
                        ctx={ctx}
                        action={`/attendance/${a.id}/remove`}
                        fields={{ meetingId: m.id }}
                        label={t('meeting.remove_attendance')}
                        confirm={t('meeting.remove_attendance_confirm')}
                        danger
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty">
            {acceptsAttendance(m.status) ? t('meeting.no_attendance') : t('meeting.attendance_after_held')}
          </p>
        )}
        {attendancePage.total > attendancePage.pageSize ? (
          <Pagination ctx={ctx} {...attendancePage} anchor="att-h" />
        ) : null}
        {attendanceOpen ? (
          <ChoiceSearch
            ctx={ctx}
            name="person"
            label={t('choices.people')}
            anchor="att-h"
            more={morePeople}
          />
        ) : null}
        {attendanceOpen ? (
          <form method="post" action={`/meetings/${m.id}/attendance`} class="filters">
            <Csrf ctx={ctx} />
            <SelectField
              ctx={ctx}
              name="personId"
              label={t('meeting.attendee')}
              options={attendeeChoices.map((p) => ({
                value: `${p.organization_id}:${p.id}`,
                label: `${p.name} — ${p.organization_name}`,
              }))}
              required
              empty=""
              errors={errorsFor('attendance')}
            />
            <SelectField
              ctx={ctx}
              name="attendedAs"
              label={t('meeting.attended_as')}
              value=""
              options={enumOptions(ctx, 'attended_as', ATTENDED_AS)}
              empty={t('meeting.attended_as_auto')}
            />
            <SelectField
              ctx={ctx}
              name="capturedBy"
              label={t('meeting.captured_by')}
              value="list"
              options={enumOptions(ctx, 'captured_by', CAPTURED_BY)}
              required
            />
            <button type="submit">{t('meeting.record_attendance')}</button>
          </form>
        ) : null}
      </section>

      {figures.organizations ? (
        <section aria-labelledby="fig-h">
          <h2 id="fig-h">{t('meeting.figures')}</h2>
          <p>
            {t('meeting.figures_total', {
              organizations: formatNumber(figures.organizations, ctx.lang),
              people: formatNumber(figures.people, ctx.lang),
            })}
          </p>
          <div class="figures">
            <FigureTable ctx={ctx} caption={t('field.region')} prefix="region" rows={figures.byRegion} />
            <FigureTable
              ctx={ctx}
              caption={t('field.development_status')}
              prefix="development"
              rows={figures.byDevelopmentStatus}
            />
            <FigureTable
              ctx={ctx}
              caption={t('field.category')}
              prefix="category"
              rows={figures.byCategory}
            />
            <FigureTable ctx={ctx} caption={t('field.sme')} prefix="sme" rows={figures.bySme} />
            <FigureTable
              ctx={ctx}
              caption={t('field.seniority')}
              prefix="seniority"
              rows={figures.bySeniority}
            />
            <FigureTable
              ctx={ctx}
              caption={t('meeting.attended_as')}
              prefix="attended_as"
              rows={figures.byAttendedAs}
            />
          </div>
        </section>
      ) : null}

      <section aria-labelledby="minutes-h">
        <h2 id="minutes-h">{t('content.minutes')}</h2>
        <ErrorSummary
          ctx={ctx}
          errors={errorsFor('minutes')}
          code={opts2.section === 'minutes' ? opts2.code : undefined}
        />
        {minutes ? (
          <>
            <p class="muted">
              {t('content.minutes_revision', { revision: minutes.revision })} ·{' '}
              {t(`minutes_state.${minutes.state}`)} ·{' '}
              {formatDateTime(minutes.createdAt, ctx.lang, m.timeZone)}
            </p>
            {!manage || minutes.state === 'final' ? <div class="minutes">{minutes.body}</div> : null}
          </>
        ) : (
          <p class="empty">{t('content.no_minutes')}</p>
        )}
        {manage && minutes?.state !== 'final' ? (
          <form method="post" action={`/meetings/${m.id}/minutes`}>
            <Csrf ctx={ctx} />
            <input type="hidden" name="baseRevision" value={String(minutes?.revision ?? 0)} />
            {opts2.values?.body !== undefined ? <p class="hint">{t('content.kept_text')}</p> : null}
            <div class="field">
              <label for="f-minutes">{t('content.minutes_text')}</label>
              <textarea id="f-minutes" name="body" rows={14}>
                {opts2.values?.body ?? minutes?.body ?? ''}
              </textarea>
            </div>
            <div class="actions">
              <button type="submit" name="final" value="false">
                {t('content.save_draft')}
              </button>
              <button type="submit" name="final" value="true" class="secondary">
                {t('content.save_final')}
              </button>
            </div>
          </form>
        ) : null}
        {staff && minutes && minutes.history.length > 1 ? (
          <details>
            <summary>{t('content.history')}</summary>
            <ul>
              {minutes.history.map((r) => (
                <li>
                  {t('content.minutes_revision', { revision: r.revision })} · {t(`minutes_state.${r.state}`)}{' '}
                  · {formatDateTime(r.createdAt, ctx.lang, m.timeZone)}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>
    </Layout>
  )
}

meetingPages.get('/meetings/:id', async (c) => c.html(await detailPage(c)))

registerMeetingFollowUp((c, meetingId, errors, code, section) =>
  detailPage(c, {
    meetingId,
    ...(errors ? { errors } : {}),
    ...(code ? { code } : {}),
    ...(section ? { section } : {}),
  }),
)

/** Runs an action from the meeting page; its field errors and conflicts are shown on the page again. */
async function act(
  c: Context<AppEnv>,
  section: string,
  run: () => Promise<unknown>,
  notice: string,
  meetingId: string,
  values?: Record<string, string>,
) {
  try {
    await run()
  } catch (error) {
    // A Sector-limited secretariat refused a change: said at the top of the meeting page.
    if (error instanceof AppError && error.code === 'SECTOR_OUT_OF_SCOPE')
      return c.html(await detailPage(c, { code: error.code }), error.status)
    if (error instanceof AppError && (error.fieldErrors || [409, 413, 422].includes(error.status))) {
      return c.html(
        await detailPage(c, {
          errors: error.fieldErrors,
          code: error.code,
          section,
          ...(values ? { values } : {}),
        }),
        error.status,
      )
    }
    throw error
  }
  return c.redirect(`/meetings/${meetingId}?notice=${notice}`, 303)
}

meetingPages.post('/meetings/:id/status', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const v = validate(TransitionSchema, await formFields(c))
  if (!v.ok) throw new AppError('VALIDATION_FAILED', {}, v.errors)
  return act(
    c,
    'status',
    () =>
      meetings.transitionMeeting(
        c.get('deps').database.db,
        ctx.actor,
        id,
        v.data.status,
        v.data.version,
        ctx.lang,
      ),
    'saved',
    id,
  )
})

meetingPages.post('/meetings/:id/invite', async (c) => {
  const id = uuidParam(c, 'id')
  const f = await formFields(c)
  // The person list sends "organization:person" so one select names both.
  if (f.person) [f.organizationId, f.personId] = f.person.split(':') as [string, string]
  const v = validate(InviteSchema, f)
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors, section: 'invite' }), 422)
  return act(
    c,
    'invite',
    () => meetings.invite(c.get('deps').database.db, c.get('actor'), id, v.data, c.get('deps').env.publicUrl),
    'invited',
    id,
  )
})

meetingPages.post('/meetings/:id/register', async (c) => {
  const id = uuidParam(c, 'id')
  const v = validate(RegistrationInputSchema, await formFields(c))
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors, section: 'register' }), 422)
  return act(
    c,
    'register',
    () => meetings.register(c.get('deps').database.db, c.get('actor'), id, v.data),
    'registered',
    id,
  )
})

meetingPages.post('/meetings/:id/attendance', async (c) => {
  const id = uuidParam(c, 'id')
  const f = await formFields(c)
  const [organizationId, personId] = (f.personId ?? '').split(':')
  const db = c.get('deps').database.db
  const attendedAs =
    f.attendedAs ||
    (organizationId ? await meetings.suggestedCapacity(db, id, organizationId, personId ?? null) : '')
  const v = validate(AttendanceInputSchema, {
    organizationId,
    personId,
    attendedAs,
    capturedBy: f.capturedBy,
  })
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors, section: 'attendance' }), 422)
  return act(c, 'attendance', () => meetings.recordAttendance(db, c.get('actor'), id, v.data), 'saved', id)
})

/** Actions on a sub-record return to its meeting (given as a hidden field, checked to be a UUID). */
function meetingIdField(f: Record<string, string>): string {
  const id = f.meetingId ?? ''
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND')
  return id
}

meetingPages.post('/invitations/:id/respond', async (c) => {
  const f = await formFields(c)
  const meetingId = meetingIdField(f)
  const v = validate(InvitationResponseSchema, f)
  if (!v.ok) throw new AppError('VALIDATION_FAILED', {}, v.errors)
  await meetings.respondToInvitation(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'), v.data)
  return c.redirect(`/meetings/${meetingId}?notice=saved`, 303)
})

meetingPages.post('/registrations/:id/cancel', async (c) => {
  const f = await formFields(c)
  const meetingId = meetingIdField(f)
  await meetings.cancelRegistration(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'))
  return c.redirect(`/meetings/${meetingId}?notice=saved`, 303)
})

meetingPages.post('/attendance/:id/remove', async (c) => {
  const f = await formFields(c)
  const meetingId = meetingIdField(f)
  await meetings.removeAttendance(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'))
  return c.redirect(`/meetings/${meetingId}?notice=saved`, 303)
})

function calendarResponse(c: Context<AppEnv>, body: string, filename: string) {
  return c.body(body, 200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `inline; filename="${filename}"`,
    'Cache-Control': 'private, max-age=300',
  })
}

/** A group's meetings as a feed anyone may subscribe to (only announced meetings are in it). */
meetingPages.get('/groups/:id/calendar.ics', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const group = await getGroup(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  const list = await meetings.groupFeedMeetings(db, group.id, ctx.lang)
  return calendarResponse(
    c,
    meetingsCalendar(group.name, list, c.get('deps').env.publicUrl),
    `group-${group.id}.ics`,
  )
})

/** A person's own feed, reached through the secret link from their account page. */
meetingPages.get('/calendar/:file', async (c) => {
  const file = c.req.param('file')
  const secret = file.endsWith('.ics') ? file.slice(0, -4) : ''
  const db = c.get('deps').database.db
  const actor = secret ? await actorByCalendarToken(db, secret) : undefined
  if (!actor) throw new AppError('NOT_FOUND')
  const list = await meetings.personalFeedMeetings(db, actor, c.get('lang'))
  return calendarResponse(
    c,
    meetingsCalendar(`Engage — ${actor.name}`, list, c.get('deps').env.publicUrl),
    'engage.ics',
  )
})

meetingPages.post('/meetings/:id/sessions', async (c) => {
  const id = uuidParam(c, 'id')
  const v = validate(SessionInputSchema, nest(await formFields(c)))
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors, section: 'session' }), 422)
  return act(
    c,
    'session',
    () => content.addSession(c.get('deps').database.db, c.get('actor'), id, v.data),
    'saved',
    id,
  )
})

meetingPages.post('/sessions/:id/remove', async (c) => {
  const meetingId = meetingIdField(await formFields(c))
  await content.removeSession(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'))
  return c.redirect(`/meetings/${meetingId}?notice=saved`, 303)
})

meetingPages.post('/meetings/:id/documents', async (c) => {
  const id = uuidParam(c, 'id')
  const body = await c.req.parseBody()
  const meta = validate(DocumentMetaSchema, body)
  if (!meta.ok) return c.html(await detailPage(c, { errors: meta.errors, section: 'document' }), 422)
  const file = body.file
  if (!(file instanceof File) || file.size === 0)
    return c.html(await detailPage(c, { errors: { file: ['required'] }, section: 'document' }), 422)
  const bytes = new Uint8Array(await file.arrayBuffer())
  return act(
    c,
    'document',
    () =>
      content.uploadDocument(c.get('deps').database.db, c.get('actor'), id, meta.data, {
        name: file.name,
        bytes,
      }),
    'saved',
    id,
  )
})

for (const [verb, published] of [
  ['publish', true],
  ['unpublish', false],
] as const) {
  meetingPages.post(`/documents/:id/${verb}`, async (c) => {
    const meetingId = meetingIdField(await formFields(c))
    await content.setDocumentPublished(
      c.get('deps').database.db,
      c.get('actor'),
      uuidParam(c, 'id'),
      published,
    )
    return c.redirect(`/meetings/${meetingId}?notice=saved`, 303)
  })
}

meetingPages.post('/documents/:id/delete', async (c) => {
  const meetingId = meetingIdField(await formFields(c))
  await content.deleteDocument(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'))
  return c.redirect(`/meetings/${meetingId}?notice=saved`, 303)
})

meetingPages.post('/meetings/:id/minutes', async (c) => {
  const id = uuidParam(c, 'id')
  const f = await formFields(c)
  const v = validate(MinutesInputSchema, f)
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors, section: 'minutes' }), 422)
  const state = f.final === 'true' ? 'final' : 'draft'
  return act(
    c,
    'minutes',
    () => content.saveMinutes(c.get('deps').database.db, c.get('actor'), id, v.data, state),
    'saved',
    id,
    { body: v.data.body },
  )
})
