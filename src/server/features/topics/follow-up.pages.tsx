import type { Context } from 'hono'
import { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, nest, uuidParam, validate } from '../../http/forms.ts'
import {
  ChoiceSearch,
  Csrf,
  ErrorSummary,
  enumOptions,
  FieldErrors,
  type FormErrors,
  Layout,
  Notice,
  type PageCtx,
  pageCtx,
  SelectField,
  TextField,
} from '../../http/layout.tsx'
import { LocalizedInputs } from '../../http/localized-inputs.tsx'
import { formatDate, formatDateTime, LANGUAGES } from '../../i18n/i18n.ts'
import { deny, isStaff, isUser } from '../auth/auth.policy.ts'
import { inScope } from '../structure/scope.ts'
import { SectorField, SectorFilter, sectorOptions, sectorParam } from '../structure/sector-inputs.tsx'
import type { Body, Sector } from '../structure/structure.schema.ts'
import { bodyNamed, getBody, listSectors } from '../structure/structure.service.ts'
import {
  ActionInputSchema,
  ActionQuerySchema,
  ActionUpdateSchema,
  BodyName,
  ConclusionInputSchema,
} from './follow-up.routes.ts'
import * as followUp from './follow-up.service.ts'
import { TOPIC_STATES } from './topics.schema.ts'

export const followUpPages = new Hono<AppEnv>()

export const ActionStatus: FC<{ ctx: PageCtx; a: followUp.ActionView }> = ({ ctx, a }) => (
  <>
    <span class={`badge action-${a.status}`}>{ctx.t(`follow_up.statuses.${a.status}`)}</span>
    {a.overdue ? <span class="badge overdue"> {ctx.t('follow_up.overdue')}</span> : null}
  </>
)

export const ActionsTable: FC<{
  ctx: PageCtx
  items: followUp.ActionView[]
  showBody?: boolean
  showSector?: boolean
  /** What to say when there is none (by default: no action yet). */
  empty?: string
}> = ({ ctx, items, showBody, showSector, empty }) => {
  const { t } = ctx
  return items.length === 0 ? (
    <p class="empty">{empty ?? t('follow_up.no_actions')}</p>
  ) : (
    <table class="data">
      <thead>
        <tr>
          <th scope="col">{t('follow_up.what')}</th>
          {showBody ? <th scope="col">{t('follow_up.body')}</th> : null}
          {showSector ? <th scope="col">{t('structure.sector')}</th> : null}
          <th scope="col">{t('follow_up.responsible')}</th>
          <th scope="col">{t('follow_up.due')}</th>
          <th scope="col">{t('field.status')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((a) => (
          <tr class={a.overdue ? 'overdue' : undefined}>
            <td>
              <a href={`/actions/${a.id}`}>{a.what}</a>
              {a.topicTitle ? <span class="muted"> · {a.topicTitle}</span> : null}
            </td>
            {showBody ? (
              <td>
                <a href={`/bodies/${encodeURIComponent(a.ownerBody)}`}>{a.ownerBody}</a>
              </td>
            ) : null}
            {showSector ? <td>{a.sector ?? t('structure.union_wide')}</td> : null}
            <td>{a.responsible}</td>
            <td>{formatDate(a.dueDate, ctx.lang)}</td>
            <td>
              <ActionStatus ctx={ctx} a={a} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * The addressees the action form offers: the bodies of the structure that exist on the day the action is
 * made, by Sector (`ITU-T SG13 — Future networks`; the Union's own bodies by their code). A secretariat
 * limited to a Sector is offered its Sector's bodies and the Union's. Another addressee may still be typed.
 */
export function addresseeChoices(ctx: PageCtx, bodies: Body[]): { value: string; label: string }[] {
  return bodies
    .filter((b) => b.sectorId === null || inScope(ctx.actor, b.sectorId))
    .map((b) => {
      const value = b.sectorCode ? `${b.sectorCode} ${b.code}` : b.code
      const name = b.name && b.name !== b.code ? ` — ${b.name}` : ''
      const union = b.sectorId === null ? ` (${ctx.t('structure.union_wide')})` : ''
      return { value, label: `${value}${name}${union}` }
    })
}

/** One list of addressees for every action form of a page. */
export const AddresseeList: FC<{ ctx: PageCtx; id: string; bodies: Body[] }> = ({ ctx, id, bodies }) => (
  <datalist id={id}>
    {addresseeChoices(ctx, bodies).map((o) => (
      <option value={o.value}>{o.label}</option>
    ))}
  </datalist>
)

type ActionValues = Record<string, string>

/**
 * The form that asks a body for follow-up. With the Sectors, it offers the action's Sector (preselected:
 * `sector`); with a list of addressees (a datalist's id), the addressee field proposes the structure's bodies
 * and still takes any other text.
 */
const ActionForm: FC<{
  ctx: PageCtx
  conclusionId: string
  meetingId: string
  users: { id: string; name: string }[]
  sectors?: Sector[] | undefined
  sector?: string | undefined
  addresseeList?: string | undefined
  values?: ActionValues | undefined
  errors?: FormErrors | undefined
  /** Field ids of a form repeated on one page; none on the form's own page (errors link to the fields). */
  idSuffix?: string | undefined
}> = ({ ctx, conclusionId, meetingId, users, sectors, sector, addresseeList, values, errors, idSuffix }) => {
  const { t } = ctx
  const v = values ?? {}
  const id = (name: string) => `f-${name}${idSuffix ? `-${idSuffix}` : ''}`
  const err = errors?.ownerBody
  const hint = addresseeList ? t('follow_up.addressee_hint') : t('follow_up.body_hint')
  return (
    <form method="post" action={`/conclusions/${conclusionId}/actions`} novalidate>
      <Csrf ctx={ctx} />
      <input type="hidden" name="meetingId" value={meetingId} />
      <div class="grid-2">
        <LocalizedInputs
          ctx={ctx}
          name="what"
          {...(idSuffix ? { idPrefix: `f-what-${idSuffix}` } : {})}
          label={t('follow_up.what')}
          value={Object.fromEntries(LANGUAGES.map((l) => [l, v[`what.${l}`]]))}
          errors={errors}
          required
          maxlength={300}
        />
        <div class={`field${err ? ' has-error' : ''}`}>
          <label for={id('ownerBody')} class="required">
            {t('follow_up.body')}
          </label>
          <p class="hint" id={`${id('ownerBody')}-hint`}>
            {hint}
          </p>
          <input
            id={id('ownerBody')}
            name="ownerBody"
            type="text"
            value={v.ownerBody ?? ''}
            list={addresseeList}
            autocomplete="off"
            maxlength={60}
            required
            aria-invalid={err ? 'true' : undefined}
            aria-describedby={`${id('ownerBody')}-hint${err ? ` ${id('ownerBody')}-error` : ''}`}
          />
          <FieldErrors ctx={ctx} id={id('ownerBody')} errors={err} />
        </div>
        {sectors ? (
          <SectorField
            ctx={ctx}
            sectors={sectors}
            value={v.sector || sector}
            errors={errors}
            id={id('sector')}
          />
        ) : null}
        <SelectField
          ctx={ctx}
          name="responsibleUserId"
          id={id('responsibleUserId')}
          label={t('follow_up.responsible')}
          value={v.responsibleUserId}
          options={users.map((u) => ({ value: u.id, label: u.name }))}
          required
          empty=""
          errors={errors}
        />
        <TextField
          ctx={ctx}
          name="dueDate"
          id={id('dueDate')}
          label={t('follow_up.due')}
          type="date"
          value={v.dueDate}
          required
          errors={errors}
        />
      </div>
      <button type="submit" class={idSuffix ? 'secondary' : undefined}>
        {t('follow_up.add_action')}
      </button>
    </form>
  )
}

/**
 * The Sector an action form starts with: its meeting's when the user may write it, else the form's default
 * (the user's own Sector, or the first); a Union-wide meeting's actions start with the default too.
 */
function actionSectorDefault(ctx: PageCtx, sectors: Sector[], meetingSector: string | null | undefined) {
  if (!meetingSector) return undefined
  return sectorOptions(ctx, sectors).some((o) => o.value === meetingSector) ? meetingSector : undefined
}

/** The meeting page's section: what was concluded, and what each conclusion asks of whom. */
export const MeetingConclusions: FC<{
  ctx: PageCtx
  meetingId: string
  items: followUp.ConclusionView[]
  actions: followUp.ActionView[]
  topics: { id: string; title: string }[]
  /** Whether the topics are the first CHOICE_LIMIT of more. */
  moreTopics?: boolean | undefined
  users: { id: string; name: string }[]
  /** The Sectors (the action form then offers the action's own) and the meeting's Sector code (null: Union-wide). */
  sectors?: Sector[] | undefined
  meetingSector?: string | null | undefined
  /** The bodies of the structure today, offered as the actions' addressees. */
  bodies?: Body[] | undefined
  canConclude: boolean
  errors?: FormErrors | undefined
  code?: string | undefined
  section?: string | undefined
}> = ({
  ctx,
  meetingId,
  items,
  actions,
  topics,
  moreTopics,
  users,
  sectors,
  meetingSector,
  bodies,
  canConclude,
  errors,
  code,
  section,
}) => {
  const { t } = ctx
  const staff = isStaff(ctx.actor)
  const list = staff && bodies && items.length ? 'addressees' : undefined
  return (
    <section aria-labelledby="conclusions-h">
      <h2 id="conclusions-h">{t('follow_up.conclusions')}</h2>
      {items.length === 0 ? <p class="empty">{t('follow_up.no_conclusions')}</p> : null}
      {items.map((c) => (
        <article class="conclusion">
          <p>
            <span class="badge">{t(`follow_up.types.${c.type}`)}</span>{' '}
            {c.topicId ? <a href={`/topics/${c.topicId}`}>{c.topicTitle}</a> : null}
          </p>
          <p>{c.text}</p>
          <ActionsTable ctx={ctx} items={actions.filter((a) => a.conclusionId === c.id)} showBody />
          {staff ? (
            <details>
              <summary>{t('follow_up.add_action')}</summary>
              <ActionForm
                ctx={ctx}
                conclusionId={c.id}
                meetingId={meetingId}
                users={users}
                sectors={sectors}
                sector={sectors ? actionSectorDefault(ctx, sectors, meetingSector) : undefined}
                addresseeList={list}
                idSuffix={c.id}
              />
              {list ? null : (
                <p class="hint">
                  <a href={`/conclusions/${c.id}/actions/new`}>{t('follow_up.full_form')}</a>
                </p>
              )}
            </details>
          ) : null}
        </article>
      ))}
      {list && bodies ? <AddresseeList ctx={ctx} id={list} bodies={bodies} /> : null}
      {staff && canConclude ? (
        <details open={section === 'conclusion' || ctx.url.searchParams.has('topic') ? true : undefined}>
          <summary>{t('follow_up.record')}</summary>
          {section === 'conclusion' ? <ErrorSummary ctx={ctx} errors={errors} code={code} /> : null}
          <ChoiceSearch
            ctx={ctx}
            name="topic"
            label={t('choices.topics')}
            anchor="conclusions-h"
            more={!!moreTopics}
          />
          <form method="post" action={`/meetings/${meetingId}/conclusions`} novalidate>
            <Csrf ctx={ctx} />
            <div class="grid-2">
              <SelectField
                ctx={ctx}
                name="topicId"
                label={t('follow_up.topic')}
                options={topics.map((x) => ({ value: x.id, label: x.title }))}
                empty={t('filter.none')}
              />
              <SelectField
                ctx={ctx}
                name="type"
                label={t('follow_up.type')}
                options={enumOptions(ctx, 'follow_up.types', followUp.CONCLUSION_TYPES)}
                required
              />
              <SelectField
                ctx={ctx}
                name="topicState"
                label={t('follow_up.topic_state')}
                value="concluded"
                options={enumOptions(ctx, 'topics.states', TOPIC_STATES)}
                empty={t('follow_up.leave_state')}
              />
            </div>
            <LocalizedInputs
              ctx={ctx}
              name="texts"
              idPrefix="f-conclusion"
              label={t('follow_up.conclusion_text')}
              value={{}}
              multiline
              required
            />
            <button type="submit">{t('follow_up.record')}</button>
          </form>
        </details>
      ) : null}
    </section>
  )
}

async function meetingRedirectOrPage(
  c: Context<AppEnv>,
  meetingId: string,
  run: () => Promise<void>,
  section: string,
  render: (errors?: FormErrors, code?: string, section?: string) => Promise<unknown>,
) {
  try {
    await run()
    return c.redirect(`/meetings/${meetingId}?notice=saved#conclusions-h`, 303)
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.status === 409))
      return c.html((await render(error.fieldErrors, error.code, section)) as string, error.status)
    throw error
  }
}

/** The meeting page renders these sections; it passes its own renderer so errors come back in place. */
export function registerMeetingFollowUp(
  render: (
    c: Context<AppEnv>,
    meetingId: string,
    errors?: FormErrors,
    code?: string,
    section?: string,
  ) => Promise<unknown>,
) {
  followUpPages.post('/meetings/:id/conclusions', async (c) => {
    const ctx = pageCtx(c)
    if (!isStaff(ctx.actor)) deny(ctx.actor)
    const id = uuidParam(c, 'id')
    const v = validate(ConclusionInputSchema, nest(await formFields(c)))
    if (!v.ok) return c.html((await render(c, id, v.errors, undefined, 'conclusion')) as string, 422)
    return meetingRedirectOrPage(
      c,
      id,
      async () => {
        await followUp.recordConclusion(c.get('deps').database.db, ctx.actor, id, v.data)
      },
      'conclusion',
      (e, code, s) => render(c, id, e, code, s),
    )
  })
  followUpPages.post('/conclusions/:id/actions', async (c) => {
    const ctx = pageCtx(c)
    if (!isStaff(ctx.actor)) deny(ctx.actor)
    const conclusionId = uuidParam(c, 'id')
    const f = await formFields(c)
    const meetingId = f.meetingId ?? ''
    if (!/^[0-9a-f-]{36}$/.test(meetingId)) throw new AppError('NOT_FOUND')
    // Refused input comes back on the form's own page, with what was typed.
    const v = validate(ActionInputSchema, nest(f))
    if (!v.ok) return c.html(await newActionPage(c, conclusionId, f, v.errors), 422)
    try {
      await followUp.createAction(c.get('deps').database.db, ctx.actor, conclusionId, v.data)
    } catch (error) {
      if (error instanceof AppError && (error.fieldErrors || error.status === 409 || error.status === 403))
        return c.html(
          await newActionPage(c, conclusionId, f, error.fieldErrors, error.code),
          error.status as 403,
        )
      throw error
    }
    return c.redirect(`/meetings/${meetingId}?notice=saved#conclusions-h`, 303)
  })
}

// ---------------------------------------------------------------- a new action, on its own page

async function newActionPage(
  c: Context<AppEnv>,
  conclusionId: string,
  values?: ActionValues,
  errors?: FormErrors,
  code?: string,
) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const { conclusion, users, sectors, bodies } = await followUp.actionFormChoices(
    db,
    ctx.actor,
    conclusionId,
    ctx.lang,
  )
  const meetingSector =
    conclusion.meetingSectorId === null
      ? null
      : (sectors.find((s) => s.id === conclusion.meetingSectorId)?.code ?? null)
  return (
    <Layout ctx={ctx} title={t('follow_up.add_action')}>
      <p class="breadcrumb">
        <a href={`/meetings/${conclusion.meetingId}#conclusions-h`}>{conclusion.meetingTitle}</a>
      </p>
      <h1>{t('follow_up.add_action')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} code={code} />
      <blockquote class="conclusion">
        <p>
          <span class="badge">{t(`follow_up.types.${conclusion.type}`)}</span>{' '}
          {conclusion.topicId ? <a href={`/topics/${conclusion.topicId}`}>{conclusion.topicTitle}</a> : null}
        </p>
        <p>{conclusion.text}</p>
      </blockquote>
      <ActionForm
        ctx={ctx}
        conclusionId={conclusionId}
        meetingId={conclusion.meetingId}
        users={users}
        sectors={sectors}
        sector={actionSectorDefault(ctx, sectors, meetingSector)}
        addresseeList="addressees"
        values={values}
        errors={errors}
      />
      <AddresseeList ctx={ctx} id="addressees" bodies={bodies} />
    </Layout>
  )
}

followUpPages.get('/conclusions/:id/actions/new', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  return c.html(await newActionPage(c, uuidParam(c, 'id')))
})

// ---------------------------------------------------------------- one action

async function actionPage(c: Context<AppEnv>, errors?: FormErrors, code?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const [[a], may] = await Promise.all([
    followUp.actions(db, ctx.actor, { actionId: id }, ctx.lang),
    followUp.mayUpdateAction(db, ctx.actor, id),
  ])
  if (!a) throw new AppError('ACTION_NOT_FOUND')
  return (
    <Layout ctx={ctx} title={a.what}>
      <p class="breadcrumb">
        <a href={`/bodies/${encodeURIComponent(a.ownerBody)}`}>{a.ownerBody}</a>
      </p>
      <h1>
        {a.what} <ActionStatus ctx={ctx} a={a} />
      </h1>
      <Notice ctx={ctx} />
      <dl class="facts">
        <dt>{t('follow_up.body')}</dt>
        <dd>
          {a.ownerBodyId ? <a href={`/structure/bodies/${a.ownerBodyId}`}>{a.ownerBody}</a> : a.ownerBody}
        </dd>
        <dt>{t('structure.sector')}</dt>
        <dd>{a.sector ?? t('structure.union_wide')}</dd>
        <dt>{t('follow_up.responsible')}</dt>
        <dd>{a.responsible}</dd>
        <dt>{t('follow_up.due')}</dt>
        <dd>{formatDate(a.dueDate, ctx.lang)}</dd>
        <dt>{t('follow_up.from_meeting')}</dt>
        <dd>
          <a href={`/meetings/${a.meetingId}`}>{a.meetingTitle}</a>
        </dd>
        {a.topicId ? (
          <>
            <dt>{t('follow_up.topic')}</dt>
            <dd>
              <a href={`/topics/${a.topicId}`}>{a.topicTitle}</a>
            </dd>
          </>
        ) : null}
      </dl>
      <h2>{t('follow_up.progress')}</h2>
      <ol class="timeline">
        {a.updates.map((u) => (
          <li>
            <time datetime={u.at}>{formatDateTime(u.at, ctx.lang)}</time> — {u.by}
            {u.statusTo ? <strong> · {t(`follow_up.statuses.${u.statusTo}`)}</strong> : null}
            {u.note ? <p>{u.note}</p> : null}
            {u.evidence ? (
              <p>
                {t('follow_up.evidence')}:{' '}
                {/^https?:\/\//.test(u.evidence) ? (
                  <a href={u.evidence} rel="noopener noreferrer">
                    {u.evidence}
                  </a>
                ) : (
                  u.evidence
                )}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      {may ? (
        <section aria-labelledby="report-h">
          <h2 id="report-h">{t('follow_up.report')}</h2>
          <ErrorSummary ctx={ctx} errors={errors} code={code} />
          <form method="post" novalidate>
            <Csrf ctx={ctx} />
            <input type="hidden" name="version" value={String(a.version)} />
            <SelectField
              ctx={ctx}
              name="status"
              label={t('field.status')}
              value={a.status}
              options={enumOptions(ctx, 'follow_up.statuses', followUp.ACTION_STATUSES)}
              required
              errors={errors}
            />
            <div class="field">
              <label for="f-note">{t('follow_up.note')}</label>
              <textarea id="f-note" name="note" rows={3} maxlength={4000} />
            </div>
            <TextField
              ctx={ctx}
              name="evidence"
              label={t('follow_up.evidence')}
              hint={t('follow_up.evidence_hint')}
              maxlength={500}
              errors={errors}
            />
            <button type="submit">{t('action.save')}</button>
          </form>
        </section>
      ) : null}
    </Layout>
  )
}

followUpPages.get('/actions/:id', async (c) => c.html(await actionPage(c)))

followUpPages.post('/actions/:id', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const v = validate(ActionUpdateSchema, await formFields(c))
  if (!v.ok) return c.html(await actionPage(c, v.errors), 422)
  try {
    await followUp.updateAction(c.get('deps').database.db, ctx.actor, id, v.data)
    return c.redirect(`/actions/${id}?notice=saved`, 303)
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.status === 409))
      return c.html(await actionPage(c, error.fieldErrors, error.code), error.status)
    throw error
  }
})

// ---------------------------------------------------------------- all actions

followUpPages.get('/actions', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isUser(ctx.actor)) deny(ctx.actor)
  const db = c.get('deps').database.db
  const sectors = await listSectors(db, ctx.lang)
  const parsed = ActionQuerySchema.safeParse(c.req.query())
  const query = parsed.success ? parsed.data : {}
  const { sector, known } = sectorParam(sectors, query.sector)
  const q = { ...query, sector }
  const items = await followUp.actions(db, ctx.actor, q, ctx.lang)
  const filtered = !!(q.sector || q.body || q.status || q.topicId || q.meetingId)
  return c.html(
    <Layout ctx={ctx} title={t('follow_up.actions_title')}>
      <div class="page-head">
        <h1>{t('follow_up.actions_title')}</h1>
        <div class="actions">
          <a class="button secondary" href="/bodies">
            {t('follow_up.bodies')}
          </a>
        </div>
      </div>
      <p class="lead">{t('follow_up.actions_intro')}</p>
      {parsed.success && known ? null : <p class="field-error">{t('validation.filters_invalid')}</p>}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <SectorFilter ctx={ctx} sectors={sectors} value={sector} />
        <TextField ctx={ctx} name="body" label={t('follow_up.body')} value={q.body} maxlength={60} />
        <SelectField
          ctx={ctx}
          name="status"
          label={t('field.status')}
          value={q.status}
          options={enumOptions(ctx, 'follow_up.statuses', followUp.ACTION_STATUSES)}
          empty={t('filter.all')}
        />
        <div class="filter-actions">
          <button type="submit">{t('action.filter')}</button>
          {filtered ? <a href="/actions">{t('action.clear')}</a> : null}
        </div>
      </form>
      <ActionsTable
        ctx={ctx}
        items={items}
        showBody
        showSector
        {...(filtered ? { empty: t('follow_up.none_match') } : {})}
      />
    </Layout>,
  )
})

// ---------------------------------------------------------------- bodies

followUpPages.get('/bodies', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isUser(ctx.actor)) deny(ctx.actor)
  const db = c.get('deps').database.db
  const sectors = await listSectors(db, ctx.lang)
  const { sector, known } = sectorParam(sectors, c.req.query('sector'))
  const list = await followUp.bodies(db, ctx.actor, { sector })
  const nf = new Intl.NumberFormat(ctx.lang)
  return c.html(
    <Layout ctx={ctx} title={t('follow_up.bodies')}>
      <div class="page-head">
        <h1>{t('follow_up.bodies')}</h1>
        <div class="actions">
          <a
            class="button secondary"
            href={sector ? `/actions?sector=${encodeURIComponent(sector)}` : '/actions'}
          >
            {t('follow_up.all_actions')}
          </a>
        </div>
      </div>
      <p class="lead">{t('follow_up.bodies_intro')}</p>
      {known ? null : <p class="field-error">{t('validation.filters_invalid')}</p>}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <SectorFilter ctx={ctx} sectors={sectors} value={sector} />
        <div class="filter-actions">
          <button type="submit">{t('action.filter')}</button>
          {sector ? <a href="/bodies">{t('action.clear')}</a> : null}
        </div>
      </form>
      {list.length === 0 ? (
        <p class="empty">{t('follow_up.no_actions')}</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('follow_up.body')}</th>
              <th scope="col">{t('follow_up.statuses.open')}</th>
              <th scope="col">{t('follow_up.overdue')}</th>
              <th scope="col">{t('follow_up.statuses.done')}</th>
              <th scope="col">{t('follow_up.statuses.dropped')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((b) => (
              <tr>
                <td>
                  <a
                    href={`/bodies/${encodeURIComponent(b.body)}${sector ? `?sector=${encodeURIComponent(sector)}` : ''}`}
                  >
                    {b.body}
                  </a>
                </td>
                <td>{nf.format(b.open)}</td>
                <td class={b.overdue ? 'overdue' : undefined}>{nf.format(b.overdue)}</td>
                <td>{nf.format(b.done)}</td>
                <td>{nf.format(b.dropped)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>,
  )
})

async function bodyPage(c: Context<AppEnv>, errors?: FormErrors) {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isUser(ctx.actor)) deny(ctx.actor)
  const parsed = BodyName.safeParse(decodeURIComponent(c.req.param('body') ?? ''))
  if (!parsed.success) throw new AppError('NOT_FOUND')
  const body = parsed.data
  const db = c.get('deps').database.db
  const sectors = await listSectors(db, ctx.lang)
  const { sector, known } = sectorParam(sectors, c.req.query('sector'))
  const [items, leads, bodyId] = await Promise.all([
    followUp.actions(db, ctx.actor, { body, sector }, ctx.lang),
    followUp.bodyLeads(db, ctx.actor, body),
    bodyNamed(db, body),
  ])
  // A body of the structure: its name and Sector today, and a link to its history.
  const structureBody = bodyId ? await getBody(db, bodyId, ctx.lang) : undefined
  return (
    <Layout ctx={ctx} title={body}>
      <p class="breadcrumb">
        <a href="/bodies">{t('follow_up.bodies')}</a>
      </p>
      <h1>{body}</h1>
      {structureBody ? (
        <p class="lead">
          <a href={`/structure/bodies/${structureBody.id}`}>
            {structureBody.code !== structureBody.name
              ? `${structureBody.code} — ${structureBody.name}`
              : structureBody.code}
          </a>{' '}
          · {structureBody.sectorCode ?? t('structure.union_wide')}
        </p>
      ) : null}
      <Notice ctx={ctx} />
      {known ? null : <p class="field-error">{t('validation.filters_invalid')}</p>}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <SectorFilter ctx={ctx} sectors={sectors} value={sector} />
        <div class="filter-actions">
          <button type="submit">{t('action.filter')}</button>
          {sector ? <a href={`/bodies/${encodeURIComponent(body)}`}>{t('action.clear')}</a> : null}
        </div>
      </form>
      <ActionsTable
        ctx={ctx}
        items={items}
        showSector
        {...(sector ? { empty: t('follow_up.none_match') } : {})}
      />
      <section aria-labelledby="leads-h">
        <h2 id="leads-h">{t('follow_up.leads')}</h2>
        <p class="hint">{t('follow_up.leads_hint')}</p>
        {leads.length ? (
          <ul>
            {leads.map((l) => (
              <li>
                {l.name}
                {l.key !== body ? (
                  <span class="muted"> {t('follow_up.lead_as', { code: l.key })}</span>
                ) : null}
                {isStaff(ctx.actor) ? (
                  <form
                    method="post"
                    action={`/bodies/${encodeURIComponent(l.key)}/leads`}
                    class="inline-form"
                    data-confirm={t('follow_up.remove_lead_confirm')}
                  >
                    <Csrf ctx={ctx} />
                    <input type="hidden" name="email" value={l.email} />
                    <input type="hidden" name="remove" value="true" />
                    <button type="submit" class="secondary">
                      {t('follow_up.remove_lead')}
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">{t('follow_up.no_leads')}</p>
        )}
        {isStaff(ctx.actor) ? (
          <form method="post" action={`/bodies/${encodeURIComponent(body)}/leads`} novalidate>
            <Csrf ctx={ctx} />
            <ErrorSummary ctx={ctx} errors={errors} />
            <TextField
              ctx={ctx}
              name="email"
              label={t('follow_up.lead_email')}
              type="email"
              required
              errors={errors}
            />
            <button type="submit" class="secondary">
              {t('follow_up.add_lead')}
            </button>
          </form>
        ) : null}
      </section>
    </Layout>
  )
}

followUpPages.get('/bodies/:body', async (c) => c.html(await bodyPage(c)))

followUpPages.post('/bodies/:body/leads', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const parsed = BodyName.safeParse(decodeURIComponent(c.req.param('body') ?? ''))
  if (!parsed.success) throw new AppError('NOT_FOUND')
  const f = await formFields(c)
  try {
    await followUp.setBodyLead(
      c.get('deps').database.db,
      ctx.actor,
      parsed.data,
      f.email ?? '',
      f.remove !== 'true',
    )
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors)
      return c.html(await bodyPage(c, error.fieldErrors), 422)
    throw error
  }
  return c.redirect(`/bodies/${encodeURIComponent(parsed.data)}?notice=saved`, 303)
})
