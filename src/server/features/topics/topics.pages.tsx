import type { Context } from 'hono'
import { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import type { output, ZodType } from 'zod'
import { Chart } from '../../charts/chart.tsx'
import { barChart } from '../../charts/charts.ts'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, formFieldsAll, nest, uuidParam, validate } from '../../http/forms.ts'
import {
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
  SortHeader,
  TextField,
  withQuery,
} from '../../http/layout.tsx'
import { LocalizedInputs } from '../../http/localized-inputs.tsx'
import { direction, formatDate, formatDateTime, LANGUAGES, type Localized, pick } from '../../i18n/i18n.ts'
import { deny, isAdmin, isStaff, isUser } from '../auth/auth.policy.ts'
import { listGroups } from '../directory/directory.service.ts'
import { meetingChoices } from '../meetings/meetings.service.ts'
import { assertRecordInScope, inScope, sectorScope, UNION } from '../structure/scope.ts'
import { SectorField, SectorFilter, sectorName, sectorParam } from '../structure/sector-inputs.tsx'
import { listSectors } from '../structure/structure.service.ts'
import { ActionStatus } from './follow-up.pages.tsx'
import * as followUp from './follow-up.service.ts'
import { reasonText } from './lifecycle.ts'
import {
  MergeInputSchema,
  PRIORITY_KINDS,
  PriorityInputSchema,
  SplitInputSchema,
  SupportInputSchema,
  TOPIC_SOURCES,
  TOPIC_STATES,
  type Topic,
  type TopicEvent,
  TopicInputSchema,
  TopicQuerySchema,
  type TopicState,
  TopicUpdateSchema,
  TransitionInputSchema,
} from './topics.schema.ts'
import * as topics from './topics.service.ts'

export const topicPages = new Hono<AppEnv>()

export const StateBadge: FC<{ ctx: PageCtx; state: string }> = ({ ctx, state }) => (
  <span class={`badge topic-${state}`}>{ctx.t(`topics.states.${state}`)}</span>
)

// ---------------------------------------------------------------- list and board

topicPages.get('/topics', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isUser(ctx.actor)) deny(ctx.actor)
  const parsed = TopicQuerySchema.safeParse(c.req.query())
  const db = c.get('deps').database.db
  const sectors = await listSectors(db, ctx.lang)
  const parsedQ = parsed.success ? parsed.data : TopicQuerySchema.parse({})
  // An unknown Sector in the address is dropped with the filters message, not answered with an error page.
  const sector = sectorParam(sectors, parsedQ.sector).sector
  const sectorKnown = !parsedQ.sector || sector !== undefined
  const q = { ...parsedQ, sector }
  const [result, priorities, speakable, groups] = await Promise.all([
    topics.listTopics(db, ctx.actor, q, ctx.lang),
    topics.listPriorities(db, ctx.actor, ctx.lang),
    topics.speakableOrganizations(db, ctx.actor),
    listGroups(db, ctx.actor, ctx.lang),
  ])
  const filtered = !!(
    q.q ||
    q.state ||
    q.source ||
    q.priorityId ||
    q.studyGroup ||
    q.year ||
    q.groupId ||
    q.sector
  )
  const canPropose = isStaff(ctx.actor) || speakable.size > 0
  const nf = new Intl.NumberFormat(ctx.lang)
  const thisYear = new Date().getUTCFullYear()
  return c.html(
    <Layout ctx={ctx} title={t('topics.list_title')}>
      <div class="page-head">
        <h1>{t('topics.list_title')}</h1>
        <div class="actions">
          <a class="button secondary" href="/bodies">
            {t('follow_up.bodies')}
          </a>
          {isStaff(ctx.actor) ? (
            <a class="button secondary" href="/priorities">
              {t('topics.priorities')}
            </a>
          ) : null}
          {canPropose ? (
            <a class="button" href="/topics/new">
              {t('topics.new')}
            </a>
          ) : null}
        </div>
      </div>
      <Notice ctx={ctx} />
      <p class="lead">{t('topics.intro')}</p>
      {!parsed.success || !sectorKnown ? <p class="field-error">{t('validation.filters_invalid')}</p> : null}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <TextField ctx={ctx} name="q" label={t('action.search')} value={q.q} type="search" />
        <SectorFilter ctx={ctx} sectors={sectors} value={q.sector} />
        <SelectField
          ctx={ctx}
          name="source"
          label={t('topics.source')}
          value={q.source}
          options={enumOptions(ctx, 'topics.sources', TOPIC_SOURCES)}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="priorityId"
          label={t('topics.priority')}
          value={q.priorityId}
          options={priorities.map((p) => ({ value: p.id, label: p.title }))}
          empty={t('filter.all')}
        />
        <TextField ctx={ctx} name="studyGroup" label={t('topics.study_group')} value={q.studyGroup} />
        <SelectField
          ctx={ctx}
          name="groupId"
          label={t('topics.group')}
          value={q.groupId}
          options={groups.map((g) => ({ value: g.id, label: g.name }))}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="year"
          label={t('topics.year')}
          value={q.year ? String(q.year) : ''}
          options={Array.from({ length: 10 }, (_, i) => String(thisYear - i)).map((y) => ({
            value: y,
            label: y,
          }))}
          empty={t('filter.all')}
        />
        {q.state ? <input type="hidden" name="state" value={q.state} /> : null}
        <div class="filter-actions">
          <button type="submit">{t('action.filter')}</button>
          {filtered ? <a href="/topics">{t('action.clear')}</a> : null}
        </div>
      </form>
      <section aria-labelledby="funnel-h">
        <h2 id="funnel-h">{t('topics.funnel')}</h2>
        <ul class="funnel">
          {TOPIC_STATES.map((s) => (
            <li>
              <a
                href={withQuery(ctx.url, { state: q.state === s ? undefined : s })}
                aria-current={q.state === s ? 'true' : undefined}
              >
                <span class="funnel-count">{nf.format(result.byState[s])}</span> {t(`topics.states.${s}`)}
              </a>
            </li>
          ))}
        </ul>
        <Chart
          svg={barChart({
            title: t('topics.funnel'),
            bars: TOPIC_STATES.map((s) => ({ label: t(`topics.states.${s}`), value: result.byState[s] })),
            format: (n) => nf.format(n),
            rtl: direction(ctx.lang) === 'rtl',
          })}
        />
      </section>
      {result.items.length === 0 ? (
        <p class="empty">{filtered ? t('topics.none_match') : t('topics.none')}</p>
      ) : (
        <table class="data">
          <caption class="visually-hidden">{t('topics.list_title')}</caption>
          <thead>
            <tr>
              <SortHeader ctx={ctx} column="title" label={t('topics.title')} sort={q.sort} dir={q.dir} />
              <SortHeader ctx={ctx} column="state" label={t('topics.state')} sort={q.sort} dir={q.dir} />
              <th scope="col">{t('structure.sector')}</th>
              <th scope="col">{t('topics.source')}</th>
              <th scope="col">{t('topics.proposed_by')}</th>
              <SortHeader
                ctx={ctx}
                column="supports"
                label={t('topics.supports')}
                sort={q.sort}
                dir={q.dir}
              />
              <SortHeader ctx={ctx} column="updated" label={t('topics.updated')} sort={q.sort} dir={q.dir} />
            </tr>
          </thead>
          <tbody>
            {result.items.map((x) => (
              <tr>
                <td>
                  <a href={`/topics/${x.id}`}>{x.title}</a>
                  {x.studyGroups.length ? <span class="muted"> · {x.studyGroups.join(', ')}</span> : null}
                </td>
                <td>
                  <StateBadge ctx={ctx} state={x.state} />
                </td>
                <td>{x.sector ?? t('structure.union_wide')}</td>
                <td>{t(`topics.sources.${x.source}`)}</td>
                <td>{x.proposedBy ?? '—'}</td>
                <td>{nf.format(x.supports)}</td>
                <td>{formatDateTime(x.updatedAt, ctx.lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination ctx={ctx} page={q.page} pageSize={q.pageSize} total={result.total} />
    </Layout>,
  )
})

// ---------------------------------------------------------------- propose and edit

type TopicForm = {
  titles: Record<string, string | undefined>
  descriptions: Record<string, string | undefined>
  keywords: string
  studyGroups: string
  source?: string
  proposedByOrganizationId?: string
  priorityIds: string[]
  /** A Sector's code or `union`; empty for the form's default. */
  sector?: string
  version?: string
}

async function topicFormPage(
  c: Context<AppEnv>,
  existing: Topic | undefined,
  v: TopicForm,
  errors?: FormErrors,
  code?: string,
) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const [priorities, orgs, sectors] = await Promise.all([
    topics.listPriorities(db, ctx.actor, ctx.lang),
    topics.speakableOrganizationChoices(db, ctx.actor),
    listSectors(db, ctx.lang),
  ])
  const staff = isStaff(ctx.actor)
  const title = existing ? t('topics.edit_title', { title: existing.title }) : t('topics.new')
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} code={code} />
      <form method="post" action={existing ? `/topics/${existing.id}/edit` : '/topics/new'} novalidate>
        <Csrf ctx={ctx} />
        {existing ? (
          <input type="hidden" name="version" value={v.version ?? String(existing.version)} />
        ) : null}
        <LocalizedInputs
          ctx={ctx}
          name="titles"
          label={t('topics.title')}
          value={v.titles}
          errors={errors}
          required
          maxlength={300}
        />
        <LocalizedInputs
          ctx={ctx}
          name="descriptions"
          label={t('topics.description')}
          value={v.descriptions}
          errors={errors}
          multiline
        />
        <div class="grid-2">
          <TextField
            ctx={ctx}
            name="keywords"
            label={t('topics.keywords')}
            hint={t('topics.list_hint')}
            value={v.keywords}
            errors={errors}
          />
          <TextField
            ctx={ctx}
            name="studyGroups"
            label={t('topics.study_groups')}
            hint={t('topics.study_groups_hint')}
            value={v.studyGroups}
            errors={errors}
          />
          {staff ? <SectorField ctx={ctx} sectors={sectors} value={v.sector} errors={errors} /> : null}
          {!existing && staff ? (
            <SelectField
              ctx={ctx}
              name="source"
              label={t('topics.source')}
              value={v.source ?? 'secretariat'}
              options={enumOptions(ctx, 'topics.sources', TOPIC_SOURCES)}
              required
              errors={errors}
            />
          ) : null}
          {!existing && orgs.length ? (
            <SelectField
              ctx={ctx}
              name="proposedByOrganizationId"
              label={t('topics.proposed_for')}
              value={v.proposedByOrganizationId}
              options={orgs.map((o) => ({ value: o.id, label: `${o.name} (${o.country_code})` }))}
              required={!staff}
              empty={staff ? t('filter.none') : undefined}
              errors={errors}
            />
          ) : null}
        </div>
        {priorities.length ? (
          <fieldset class="checkboxes" id="f-priorityIds">
            <legend>{t('topics.priorities_linked')}</legend>
            {priorities.map((p) => (
              <label>
                <input
                  type="checkbox"
                  name="priorityIds"
                  value={p.id}
                  checked={v.priorityIds.includes(p.id)}
                />{' '}
                {p.title} <span class="muted">({t(`topics.priority_kinds.${p.kind}`)})</span>
              </label>
            ))}
          </fieldset>
        ) : null}
        <div class="form-actions">
          <button type="submit">{existing ? t('action.save') : t('topics.propose')}</button>
          <a href={existing ? `/topics/${existing.id}` : '/topics'}>{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>
  )
}

async function readTopicForm(c: Context<AppEnv>): Promise<{ raw: Record<string, unknown>; form: TopicForm }> {
  const all = await formFieldsAll(c)
  const single = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v[v.length - 1] ?? '']))
  const nested = nest(single) as Record<string, unknown>
  const raw = { ...nested, priorityIds: all.priorityIds ?? [] }
  const form: TopicForm = {
    titles: (nested.titles ?? {}) as Record<string, string>,
    descriptions: (nested.descriptions ?? {}) as Record<string, string>,
    keywords: single.keywords ?? '',
    studyGroups: single.studyGroups ?? '',
    source: single.source,
    proposedByOrganizationId: single.proposedByOrganizationId,
    priorityIds: all.priorityIds ?? [],
    sector: single.sector,
    version: single.version,
  }
  return { raw, form }
}

/** A refusal shown on the form, nothing typed lost: invalid input, a stale version, a Sector out of scope. */
function fieldErrorsOf(error: unknown): { errors?: FormErrors; code: string; status: number } | undefined {
  if (
    error instanceof AppError &&
    (error.fieldErrors ||
      error.status === 409 ||
      error.status === 422 ||
      error.code === 'SECTOR_OUT_OF_SCOPE')
  )
    return {
      ...(error.fieldErrors ? { errors: error.fieldErrors } : {}),
      code: error.code,
      status: error.status,
    }
  return undefined
}

const emptyForm = (): TopicForm => ({
  titles: {},
  descriptions: {},
  keywords: '',
  studyGroups: '',
  priorityIds: [],
})

topicPages.get('/topics/new', async (c) => {
  const ctx = pageCtx(c)
  if (!isUser(ctx.actor)) deny(ctx.actor)
  return c.html(await topicFormPage(c, undefined, emptyForm()))
})

topicPages.post('/topics/new', async (c) => {
  const ctx = pageCtx(c)
  const { raw, form } = await readTopicForm(c)
  const v = validate(TopicInputSchema, raw)
  if (!v.ok) return c.html(await topicFormPage(c, undefined, form, v.errors), 422)
  try {
    const topic = await topics.createTopic(c.get('deps').database.db, ctx.actor, v.data, ctx.lang)
    return c.redirect(`/topics/${topic.id}?notice=created`, 303)
  } catch (error) {
    const f = fieldErrorsOf(error)
    if (f) return c.html(await topicFormPage(c, undefined, form, f.errors, f.code), f.status as 409)
    throw error
  }
})

topicPages.get('/topics/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const topic = await topics.getTopic(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  // A secretariat limited to another Sector is refused before it fills the form in, not on saving it.
  if (isStaff(ctx.actor)) await assertRecordInScope(db, ctx.actor, 'topic', topic.id)
  return c.html(
    await topicFormPage(c, topic, {
      titles: topic.titles,
      descriptions: topic.descriptions,
      keywords: topic.keywords.join(', '),
      studyGroups: topic.studyGroups.join(', '),
      priorityIds: topic.priorities.map((p) => p.id),
      sector: topic.sector ?? UNION,
      version: String(topic.version),
    }),
  )
})

topicPages.post('/topics/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const topic = await topics.getTopic(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  const { raw, form } = await readTopicForm(c)
  const v = validate(TopicUpdateSchema, raw)
  if (!v.ok) return c.html(await topicFormPage(c, topic, form, v.errors), 422)
  try {
    await topics.updateTopic(db, ctx.actor, topic.id, v.data, ctx.lang)
    return c.redirect(`/topics/${topic.id}?notice=saved`, 303)
  } catch (error) {
    const f = fieldErrorsOf(error)
    if (f) return c.html(await topicFormPage(c, topic, form, f.errors, f.code), f.status as 409)
    throw error
  }
})

// ---------------------------------------------------------------- one topic and its story

function eventText(ctx: PageCtx, e: TopicEvent): string {
  const { t } = ctx
  const state = (s: string | null) => (s ? t(`topics.states.${s}`) : '')
  switch (e.kind) {
    case 'transition':
      return t('topics.events.transition', { from: state(e.fromState), to: state(e.toState) })
    case 'merged_into':
    case 'merged_from':
    case 'split_into':
    case 'split_from':
      return t(`topics.events.${e.kind}`, { topic: e.relatedTopicTitle ?? '' })
    case 'supported':
    case 'support_withdrawn':
      return t(`topics.events.${e.kind}`, { organization: e.organizationName ?? '' })
    default:
      return t(`topics.events.${e.kind}`, { defaultValue: e.kind })
  }
}

const TimelineEvent: FC<{ ctx: PageCtx; e: TopicEvent }> = ({ ctx, e }) => (
  <li>
    <time datetime={e.at}>{formatDateTime(e.at, ctx.lang)}</time> —{' '}
    <strong>
      {e.relatedTopicId ? <a href={`/topics/${e.relatedTopicId}`}>{eventText(ctx, e)}</a> : eventText(ctx, e)}
    </strong>
    <span class="muted"> · {e.by}</span>
    {e.meetingId ? (
      <>
        {' · '}
        <a href={`/meetings/${e.meetingId}`}>{e.meetingTitle}</a>
      </>
    ) : null}
    {e.reason && e.reason !== 'consultation' ? <p>{reasonText(ctx.t, e.reason)}</p> : null}
    {e.evidenceUrl ? (
      <p>
        <a href={e.evidenceUrl} rel="noopener noreferrer">
          {ctx.t('topics.evidence')}
        </a>
      </p>
    ) : null}
  </li>
)

async function topicPage(
  c: Context<AppEnv>,
  opts: {
    errors?: FormErrors | undefined
    code?: string | undefined
    section?: string
    values?: Record<string, string>
  } = {},
) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const topic = await topics.getTopic(db, ctx.actor, id, ctx.lang)
  const sectors = await listSectors(db, ctx.lang)
  const sectorId = topic.sector === null ? null : (sectors.find((s) => s.code === topic.sector)?.id ?? null)
  // The secretariat changes the topic; a secretariat limited to another Sector reads it only.
  const staff = isStaff(ctx.actor) && inScope(ctx.actor, sectorId)
  const readOnly = isStaff(ctx.actor) && !staff
  const [timeline, orgs, meetingList, others, conclusions, actions, agendaRows] = await Promise.all([
    topics.topicTimeline(db, ctx.actor, id, ctx.lang),
    topics.speakableOrganizationChoices(db, ctx.actor),
    staff
      ? meetingChoices(db, ctx.actor, ctx.lang, { limit: 100, include: opts.values?.meetingId })
      : Promise.resolve(null),
    staff
      ? topics.listTopics(
          db,
          ctx.actor,
          TopicQuerySchema.parse({ pageSize: 200, sort: 'title', dir: 'asc' }),
          ctx.lang,
        )
      : Promise.resolve(null),
    followUp.conclusions(db, ctx.actor, { topicId: id }, ctx.lang),
    followUp.actions(db, ctx.actor, { topicId: id }, ctx.lang),
    db
      .selectFrom('agenda_item')
      .innerJoin('agenda', 'agenda.id', 'agenda_item.agenda_id')
      .innerJoin('meeting', 'meeting.id', 'agenda.meeting_id')
      .select(['agenda.meeting_id', 'agenda.version', 'agenda.published_at', 'meeting.titles'])
      .where('agenda_item.topic_id', '=', id)
      .where('agenda.status', '=', 'published')
      .execute(),
  ])
  const speakable = new Set(orgs.map((o) => o.id))
  const errorsFor = (s: string) => (opts.section === s ? opts.errors : undefined)
  const codeFor = (s: string) => (opts.section === s ? opts.code : undefined)
  const values = opts.values ?? {}
  return (
    <Layout ctx={ctx} title={topic.title}>
      <p class="breadcrumb">
        <a href="/topics">{t('topics.list_title')}</a>
      </p>
      <div class="page-head">
        <h1>
          {topic.title} <StateBadge ctx={ctx} state={topic.state} />
        </h1>
        {staff ||
        (topic.state === 'proposed' &&
          topic.proposedBy?.organizationId &&
          speakable.has(topic.proposedBy.organizationId)) ? (
          <div class="actions">
            <a class="button secondary" href={`/topics/${id}/edit`}>
              {t('action.edit')}
            </a>
          </div>
        ) : null}
      </div>
      <Notice ctx={ctx} />
      {readOnly ? (
        <p class="notice">
          {t('topics.sector_read_only', {
            sectors: (sectorScope(ctx.actor) ?? [])
              .map((sid) => sectors.find((s) => s.id === sid)?.code ?? '')
              .filter(Boolean)
              .join(', '),
          })}
        </p>
      ) : null}
      {topic.mergedInto ? (
        <p class="notice">
          {t('topics.merged_notice')} <a href={`/topics/${topic.mergedInto}`}>{t('topics.see_kept')}</a>
        </p>
      ) : null}
      {topic.description ? <p class="lead">{topic.description}</p> : null}
      <dl class="facts">
        <dt>{t('structure.sector')}</dt>
        <dd>{sectorName(ctx, sectors, topic.sector)}</dd>
        <dt>{t('topics.source')}</dt>
        <dd>
          {t(`topics.sources.${topic.source}`)}
          {topic.consultationId ? (
            <>
              {' · '}
              <a href={`/consultations/${topic.consultationId}`}>{t('topics.from_consultation')}</a>
            </>
          ) : null}
        </dd>
        {topic.proposedBy ? (
          <>
            <dt>{t('topics.proposed_by')}</dt>
            <dd>{topic.proposedBy.name}</dd>
          </>
        ) : null}
        {topic.keywords.length ? (
          <>
            <dt>{t('topics.keywords')}</dt>
            <dd>{topic.keywords.join(', ')}</dd>
          </>
        ) : null}
        {topic.studyGroups.length ? (
          <>
            <dt>{t('topics.study_groups')}</dt>
            <dd>{topic.studyGroups.join(', ')}</dd>
          </>
        ) : null}
        <dt>{t('topics.priorities_linked')}</dt>
        <dd>{topic.priorities.length ? topic.priorities.map((p) => p.title).join(', ') : '—'}</dd>
        <dt>{t('topics.supports')}</dt>
        <dd>{new Intl.NumberFormat(ctx.lang).format(topic.supports)}</dd>
        {topic.splitFrom ? (
          <>
            <dt>{t('topics.split_from')}</dt>
            <dd>
              <a href={`/topics/${topic.splitFrom}`}>{t('topics.see_origin')}</a>
            </dd>
          </>
        ) : null}
      </dl>

      {orgs.length && !topic.mergedInto ? (
        <section aria-labelledby="support-h">
          <h2 id="support-h">{t('topics.support_title')}</h2>
          <ErrorSummary ctx={ctx} errors={errorsFor('support')} code={codeFor('support')} />
          <ul class="plain">
            {orgs.map((o) => (
              <li>
                {topic.supportedByYou.includes(o.id) ? (
                  <ConfirmButton
                    ctx={ctx}
                    action={`/topics/${id}/supports/withdraw`}
                    label={t('topics.withdraw_support', { organization: o.name })}
                    confirm={t('topics.withdraw_confirm')}
                    fields={{ organizationId: o.id }}
                  />
                ) : (
                  <form method="post" action={`/topics/${id}/supports`} class="inline-form">
                    <Csrf ctx={ctx} />
                    <input type="hidden" name="organizationId" value={o.id} />
                    <button type="submit">{t('topics.support_for', { organization: o.name })}</button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {staff && !topic.mergedInto ? (
        <section aria-labelledby="move-h">
          <h2 id="move-h">{t('topics.move_title')}</h2>
          <ErrorSummary ctx={ctx} errors={errorsFor('transition')} code={codeFor('transition')} />
          {topic.allowedTransitions.length ? (
            <form method="post" action={`/topics/${id}/transitions`} novalidate>
              <Csrf ctx={ctx} />
              <input type="hidden" name="version" value={String(topic.version)} />
              <div class="grid-2">
                <SelectField
                  ctx={ctx}
                  name="to"
                  label={t('topics.move_to')}
                  value={values.to}
                  options={topic.allowedTransitions.map((s) => ({
                    value: s,
                    label: t(`topics.states.${s}`),
                  }))}
                  required
                  errors={errorsFor('transition')}
                />
                <SelectField
                  ctx={ctx}
                  name="meetingId"
                  label={t('topics.at_meeting')}
                  value={values.meetingId}
                  options={(meetingList ?? []).map((m) => ({ value: m.id, label: m.title }))}
                  empty={t('filter.none')}
                  errors={errorsFor('transition')}
                />
                <TextField
                  ctx={ctx}
                  name="reason"
                  label={t('topics.reason')}
                  value={values.reason}
                  required
                  maxlength={2000}
                  errors={errorsFor('transition')}
                />
                <TextField
                  ctx={ctx}
                  name="evidenceUrl"
                  label={t('topics.evidence')}
                  type="url"
                  value={values.evidenceUrl}
                  hint={t('topics.evidence_hint')}
                  errors={errorsFor('transition')}
                />
              </div>
              <button type="submit">{t('topics.move')}</button>
            </form>
          ) : (
            <p class="empty">{t('topics.no_moves')}</p>
          )}
        </section>
      ) : null}

      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t('topics.timeline')}</h2>
        <ol class="timeline">
          {[
            ...timeline.map((e) => ({ at: e.at, event: e })),
            ...agendaRows.map((a) => ({
              at: a.published_at!.toISOString(),
              node: (
                <>
                  <strong>{t('topics.story.on_agenda', { version: a.version })}</strong> ·{' '}
                  <a href={`/meetings/${a.meeting_id}/agenda?version=${a.version}`}>
                    {pick(a.titles as Localized, ctx.lang)}
                  </a>
                </>
              ),
            })),
            ...conclusions.map((c) => ({
              at: c.createdAt,
              node: (
                <>
                  <strong>{t('topics.story.conclusion', { type: t(`follow_up.types.${c.type}`) })}</strong> ·{' '}
                  <a href={`/meetings/${c.meetingId}#conclusions-h`}>{c.meetingTitle}</a>
                  <p>{c.text}</p>
                </>
              ),
            })),
            ...actions.map((a) => ({
              at: a.updates[0]?.at ?? a.dueDate,
              node: (
                <>
                  <strong>{t('topics.story.action', { body: a.ownerBody })}</strong>{' '}
                  <a href={`/actions/${a.id}`}>{a.what}</a> · <ActionStatus ctx={ctx} a={a} />
                  <span class="muted">
                    {' '}
                    · {t('topics.story.due', { date: formatDate(a.dueDate, ctx.lang) })}
                  </span>
                </>
              ),
            })),
          ]
            .sort((a, b) => a.at.localeCompare(b.at))
            .map((entry) =>
              'node' in entry ? (
                <li>
                  <time datetime={entry.at}>{formatDateTime(entry.at, ctx.lang)}</time> — {entry.node}
                </li>
              ) : (
                <TimelineEvent ctx={ctx} e={entry.event} />
              ),
            )}
        </ol>
      </section>

      {staff && !topic.mergedInto ? (
        <section aria-labelledby="tidy-h">
          <h2 id="tidy-h">{t('topics.tidy_title')}</h2>
          <details open={opts.section === 'merge' ? true : undefined}>
            <summary>{t('topics.merge_title')}</summary>
            <ErrorSummary ctx={ctx} errors={errorsFor('merge')} code={codeFor('merge')} />
            <form
              method="post"
              action={`/topics/${id}/merge`}
              data-confirm={t('topics.merge_confirm')}
              novalidate
            >
              <Csrf ctx={ctx} />
              <SelectField
                ctx={ctx}
                name="intoId"
                label={t('topics.merge_into')}
                value={values.intoId}
                options={(others?.items ?? [])
                  .filter((x) => x.id !== id)
                  .map((x) => ({ value: x.id, label: x.title }))}
                required
                empty=""
                errors={errorsFor('merge')}
              />
              <TextField
                ctx={ctx}
                id="f-merge-reason"
                name="reason"
                label={t('topics.reason')}
                required
                errors={errorsFor('merge')}
              />
              <button type="submit" class="secondary">
                {t('topics.merge')}
              </button>
            </form>
          </details>
          <details open={opts.section === 'split' ? true : undefined}>
            <summary>{t('topics.split_title')}</summary>
            <ErrorSummary ctx={ctx} errors={errorsFor('split')} code={codeFor('split')} />
            <form method="post" action={`/topics/${id}/split`} novalidate>
              <Csrf ctx={ctx} />
              <TextField
                ctx={ctx}
                name="titles.en"
                label={t('topics.new_title_en')}
                required
                errors={errorsFor('split')}
              />
              <TextField
                ctx={ctx}
                id="f-split-reason"
                name="reason"
                label={t('topics.reason')}
                required
                errors={errorsFor('split')}
              />
              <button type="submit" class="secondary">
                {t('topics.split')}
              </button>
            </form>
          </details>
        </section>
      ) : null}
    </Layout>
  )
}

topicPages.get('/topics/:id', async (c) => c.html(await topicPage(c)))

/** A form on the topic page: validate, act, come back with a notice, or show the page with the errors. */
function topicAction<S extends ZodType>(
  path: string,
  section: string,
  schema: S,
  act: (c: Context<AppEnv>, id: string, data: output<S>) => Promise<string>,
) {
  topicPages.post(`/topics/:id/${path}`, async (c) => {
    const id = uuidParam(c, 'id')
    const values = await formFields(c)
    const v = validate(schema, nest(values))
    if (!v.ok) return c.html(await topicPage(c, { errors: v.errors, section, values }), 422)
    try {
      const to = await act(c, id, v.data)
      return c.redirect(to, 303)
    } catch (error) {
      // A Sector out of scope is answered by the error page: the page hides these forms from that user.
      const f = fieldErrorsOf(error)
      if (f && f.code !== 'SECTOR_OUT_OF_SCOPE')
        return c.html(
          await topicPage(c, { errors: f.errors, code: f.code, section, values }),
          f.status as 409,
        )
      throw error
    }
  })
}

const scopeOf = (c: Context<AppEnv>) => {
  const ctx = pageCtx(c)
  return { db: c.get('deps').database.db, actor: ctx.actor, lang: ctx.lang }
}

topicAction('transitions', 'transition', TransitionInputSchema, async (c, id, data) => {
  const { db, actor, lang } = scopeOf(c)
  await topics.transitionTopic(db, actor, id, data, lang)
  return `/topics/${id}?notice=saved`
})
topicAction('merge', 'merge', MergeInputSchema, async (c, id, data) => {
  const { db, actor, lang } = scopeOf(c)
  const kept = await topics.mergeTopic(db, actor, id, data, lang)
  return `/topics/${kept.id}?notice=topic_merged`
})
topicAction('split', 'split', SplitInputSchema, async (c, id, data) => {
  const { db, actor, lang } = scopeOf(c)
  const part = await topics.splitTopic(db, actor, id, data, lang)
  return `/topics/${part.id}?notice=created`
})
for (const [path, support] of [
  ['supports', true],
  ['supports/withdraw', false],
] as const) {
  topicAction(path, 'support', SupportInputSchema, async (c, id, data) => {
    const { db, actor, lang } = scopeOf(c)
    await topics.supportTopic(db, actor, id, data.organizationId, support, lang)
    return `/topics/${id}?notice=${support ? 'supported' : 'support_withdrawn'}`
  })
}

// ---------------------------------------------------------------- strategic priorities

const PriorityForm: FC<{
  ctx: PageCtx
  action: string
  values?: Record<string, string> | undefined
  errors?: FormErrors | undefined
  submit: string
}> = ({ ctx, action, values, errors, submit }) => {
  const { t } = ctx
  const titles = Object.fromEntries(LANGUAGES.map((l) => [l, values?.[`titles.${l}`]]))
  return (
    <form method="post" action={action} novalidate>
      <Csrf ctx={ctx} />
      {values?.version ? <input type="hidden" name="version" value={values.version} /> : null}
      <LocalizedInputs
        ctx={ctx}
        name="titles"
        label={t('topics.title')}
        value={titles}
        errors={errors}
        required
        maxlength={300}
      />
      <div class="grid-2">
        <SelectField
          ctx={ctx}
          name="kind"
          label={t('topics.kind')}
          value={values?.kind}
          options={enumOptions(ctx, 'topics.priority_kinds', PRIORITY_KINDS)}
          required
          errors={errors}
        />
        <TextField
          ctx={ctx}
          name="weight"
          label={t('topics.weight')}
          type="number"
          value={values?.weight ?? '1'}
          hint={t('topics.weight_hint')}
          required
          errors={errors}
        />
        <TextField
          ctx={ctx}
          name="periodStart"
          label={t('topics.period_start')}
          type="date"
          value={values?.periodStart}
          required
          errors={errors}
        />
        <TextField
          ctx={ctx}
          name="periodEnd"
          label={t('topics.period_end')}
          type="date"
          value={values?.periodEnd}
          errors={errors}
        />
      </div>
      <button type="submit">{submit}</button>
    </form>
  )
}

async function prioritiesPage(c: Context<AppEnv>, errors?: FormErrors, values?: Record<string, string>) {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isUser(ctx.actor)) deny(ctx.actor)
  const db = c.get('deps').database.db
  const list = await topics.listPriorities(db, ctx.actor, ctx.lang, true)
  const nf = new Intl.NumberFormat(ctx.lang)
  return (
    <Layout ctx={ctx} title={t('topics.priorities')}>
      <p class="breadcrumb">
        <a href="/topics">{t('topics.list_title')}</a>
      </p>
      <h1>{t('topics.priorities')}</h1>
      <Notice ctx={ctx} />
      <p class="lead">{t('topics.priorities_intro')}</p>
      {list.length === 0 ? (
        <p class="empty">{t('topics.no_priorities')}</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('topics.title')}</th>
              <th scope="col">{t('topics.kind')}</th>
              <th scope="col">{t('topics.weight')}</th>
              <th scope="col">{t('topics.period')}</th>
              <th scope="col">{t('topics.topics_linked')}</th>
              {isStaff(ctx.actor) ? <th scope="col">{t('topics.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr class={p.archived ? 'archived' : undefined}>
                <td>
                  {p.title}
                  {p.archived ? <span class="muted"> ({t('topics.archived')})</span> : null}
                </td>
                <td>{t(`topics.priority_kinds.${p.kind}`)}</td>
                <td>{nf.format(p.weight)}</td>
                <td>
                  {p.periodStart} – {p.periodEnd ?? '…'}
                </td>
                <td>
                  <a href={`/topics?priorityId=${p.id}`}>{nf.format(p.topics)}</a>
                </td>
                {isStaff(ctx.actor) ? (
                  <td>
                    <a href={`/priorities/${p.id}/edit`}>{t('action.edit')}</a>{' '}
                    {!p.archived ? (
                      <ConfirmButton
                        ctx={ctx}
                        action={`/priorities/${p.id}/archive`}
                        label={t('action.archive')}
                        confirm={t('topics.archive_priority_confirm')}
                      />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isStaff(ctx.actor) ? (
        <section aria-labelledby="add-priority-h">
          <h2 id="add-priority-h">{t('topics.add_priority')}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <PriorityForm
            ctx={ctx}
            action="/priorities"
            values={values}
            errors={errors}
            submit={t('topics.add_priority')}
          />
        </section>
      ) : null}
    </Layout>
  )
}

topicPages.get('/priorities', async (c) => c.html(await prioritiesPage(c)))

topicPages.post('/priorities', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const values = await formFields(c)
  const v = validate(PriorityInputSchema, nest(values))
  if (!v.ok) return c.html(await prioritiesPage(c, v.errors, values), 422)
  await topics.savePriority(c.get('deps').database.db, ctx.actor, null, v.data, ctx.lang)
  return c.redirect('/priorities?notice=created', 303)
})

async function priorityEditPage(
  c: Context<AppEnv>,
  values?: Record<string, string>,
  errors?: FormErrors,
  code?: string,
) {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const id = uuidParam(c, 'id')
  const p = (await topics.listPriorities(c.get('deps').database.db, ctx.actor, ctx.lang, true)).find(
    (x) => x.id === id,
  )
  if (!p) throw new AppError('PRIORITY_NOT_FOUND')
  const current: Record<string, string> = values ?? {
    ...Object.fromEntries(Object.entries(p.titles).map(([l, v]) => [`titles.${l}`, v])),
    kind: p.kind,
    weight: String(p.weight),
    periodStart: p.periodStart,
    periodEnd: p.periodEnd ?? '',
    version: String(p.version),
  }
  return (
    <Layout ctx={ctx} title={t('topics.edit_title', { title: p.title })}>
      <p class="breadcrumb">
        <a href="/priorities">{t('topics.priorities')}</a>
      </p>
      <h1>{t('topics.edit_title', { title: p.title })}</h1>
      <ErrorSummary ctx={ctx} errors={errors} code={code} />
      <PriorityForm
        ctx={ctx}
        action={`/priorities/${id}/edit`}
        values={current}
        errors={errors}
        submit={t('action.save')}
      />
    </Layout>
  )
}

topicPages.get('/priorities/:id/edit', async (c) => c.html(await priorityEditPage(c)))

topicPages.post('/priorities/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const values = await formFields(c)
  const v = validate(PriorityInputSchema, nest(values))
  if (!v.ok) return c.html(await priorityEditPage(c, values, v.errors), 422)
  try {
    await topics.savePriority(
      c.get('deps').database.db,
      ctx.actor,
      uuidParam(c, 'id'),
      { ...v.data, version: Number(values.version) || undefined },
      ctx.lang,
    )
  } catch (error) {
    if (error instanceof AppError && error.status === 409)
      return c.html(await priorityEditPage(c, values, undefined, error.code), 409)
    throw error
  }
  return c.redirect('/priorities?notice=saved', 303)
})

topicPages.post('/priorities/:id/archive', async (c) => {
  const ctx = pageCtx(c)
  await topics.archivePriority(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'), true)
  return c.redirect('/priorities?notice=archived', 303)
})

// ---------------------------------------------------------------- lifecycle rules (administrators)

async function lifecyclePage(c: Context<AppEnv>, errors?: FormErrors) {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isAdmin(ctx.actor)) deny(ctx.actor)
  const rules = await topics.transitionRules(c.get('deps').database.db)
  return (
    <Layout ctx={ctx} title={t('topics.lifecycle_title')}>
      <h1>{t('topics.lifecycle_title')}</h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="lead">{t('topics.lifecycle_intro')}</p>
      <form method="post" action="/admin/topic-lifecycle">
        <Csrf ctx={ctx} />
        <div class="table-scroll">
          <table class="data matrix">
            <caption>{t('topics.lifecycle_caption')}</caption>
            <thead>
              <tr>
                <td />
                {TOPIC_STATES.map((to) => (
                  <th scope="col">{t(`topics.states.${to}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {TOPIC_STATES.map((from) => (
                <tr>
                  <th scope="row">{t(`topics.states.${from}`)}</th>
                  {TOPIC_STATES.map((to) => (
                    <td>
                      {from === to ? (
                        '—'
                      ) : (
                        <input
                          type="checkbox"
                          name="rule"
                          value={`${from}>${to}`}
                          checked={rules.get(from)?.includes(to)}
                          aria-label={t('topics.rule_label', {
                            from: t(`topics.states.${from}`),
                            to: t(`topics.states.${to}`),
                          })}
                        />
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="submit">{t('action.save')}</button>
      </form>
    </Layout>
  )
}

topicPages.get('/admin/topic-lifecycle', async (c) => c.html(await lifecyclePage(c)))

topicPages.post('/admin/topic-lifecycle', async (c) => {
  const ctx = pageCtx(c)
  const all = await formFieldsAll(c)
  const rules = (all.rule ?? [])
    .map((r) => r.split('>'))
    .filter(
      (p): p is [TopicState, TopicState] =>
        p.length === 2 &&
        (TOPIC_STATES as readonly string[]).includes(p[0]!) &&
        (TOPIC_STATES as readonly string[]).includes(p[1]!) &&
        p[0] !== p[1],
    )
    .map(([from, to]) => ({ from, to }))
  // No move at all would freeze every topic where it is: almost certainly a slip, so it is refused.
  if (!isAdmin(ctx.actor)) deny(ctx.actor)
  if (!rules.length) return c.html(await lifecyclePage(c, { rule: ['rules_required'] }), 422)
  await topics.setTransitionRules(c.get('deps').database.db, ctx.actor, rules)
  return c.redirect('/admin/topic-lifecycle?notice=saved', 303)
})
