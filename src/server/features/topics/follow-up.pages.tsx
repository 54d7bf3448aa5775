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
  type FormErrors,
  Layout,
  Notice,
  type PageCtx,
  pageCtx,
  SelectField,
  TextField,
} from '../../http/layout.tsx'
import { LocalizedInputs } from '../../http/localized-inputs.tsx'
import { formatDate, formatDateTime } from '../../i18n/i18n.ts'
import { deny, isStaff, isUser } from '../auth/auth.policy.ts'
import { ActionInputSchema, ActionUpdateSchema, BodyName, ConclusionInputSchema } from './follow-up.routes.ts'
import * as followUp from './follow-up.service.ts'
import { TOPIC_STATES } from './topics.schema.ts'

export const followUpPages = new Hono<AppEnv>()

export const ActionStatus: FC<{ ctx: PageCtx; a: followUp.ActionView }> = ({ ctx, a }) => (
  <>
    <span class={`badge action-${a.status}`}>{ctx.t(`follow_up.statuses.${a.status}`)}</span>
    {a.overdue ? <span class="badge overdue"> {ctx.t('follow_up.overdue')}</span> : null}
  </>
)

export const ActionsTable: FC<{ ctx: PageCtx; items: followUp.ActionView[]; showBody?: boolean }> = ({
  ctx,
  items,
  showBody,
}) => {
  const { t } = ctx
  return items.length === 0 ? (
    <p class="empty">{t('follow_up.no_actions')}</p>
  ) : (
    <table class="data">
      <thead>
        <tr>
          <th scope="col">{t('follow_up.what')}</th>
          {showBody ? <th scope="col">{t('follow_up.body')}</th> : null}
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
  canConclude: boolean
  errors?: FormErrors | undefined
  code?: string | undefined
  section?: string | undefined
}> = ({ ctx, meetingId, items, actions, topics, moreTopics, users, canConclude, errors, code, section }) => {
  const { t } = ctx
  const staff = isStaff(ctx.actor)
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
            <details open={section === `action-${c.id}` ? true : undefined}>
              <summary>{t('follow_up.add_action')}</summary>
              {section === `action-${c.id}` ? <ErrorSummary ctx={ctx} errors={errors} code={code} /> : null}
              <form method="post" action={`/conclusions/${c.id}/actions`} novalidate>
                <Csrf ctx={ctx} />
                <input type="hidden" name="meetingId" value={meetingId} />
                <div class="grid-2">
                  <LocalizedInputs
                    ctx={ctx}
                    name="what"
                    idPrefix={`f-what-${c.id}`}
                    label={t('follow_up.what')}
                    value={{}}
                    required
                    maxlength={300}
                  />
                  <TextField
                    ctx={ctx}
                    name="ownerBody"
                    label={t('follow_up.body')}
                    hint={t('follow_up.body_hint')}
                    required
                  />
                  <SelectField
                    ctx={ctx}
                    name="responsibleUserId"
                    label={t('follow_up.responsible')}
                    options={users.map((u) => ({ value: u.id, label: u.name }))}
                    required
                    empty=""
                  />
                  <TextField ctx={ctx} name="dueDate" label={t('follow_up.due')} type="date" required />
                </div>
                <button type="submit" class="secondary">
                  {t('follow_up.add_action')}
                </button>
              </form>
            </details>
          ) : null}
        </article>
      ))}
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
    const v = validate(ActionInputSchema, nest(f))
    if (!v.ok)
      return c.html(
        (await render(c, meetingId, v.errors, undefined, `action-${conclusionId}`)) as string,
        422,
      )
    return meetingRedirectOrPage(
      c,
      meetingId,
      async () => {
        await followUp.createAction(c.get('deps').database.db, ctx.actor, conclusionId, v.data)
      },
      `action-${conclusionId}`,
      (e, code, s) => render(c, meetingId, e, code, s),
    )
  })
}

// ---------------------------------------------------------------- one action

async function actionPage(c: Context<AppEnv>, errors?: FormErrors, code?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const [a] = await followUp.actions(db, ctx.actor, { actionId: uuidParam(c, 'id') }, ctx.lang)
  if (!a) throw new AppError('ACTION_NOT_FOUND')
  const may = await followUp.canUpdateAction(db, ctx.actor, {
    owner_body: a.ownerBody,
    responsible_user_id: a.responsibleUserId,
  })
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
        <dd>{a.ownerBody}</dd>
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

// ---------------------------------------------------------------- bodies

followUpPages.get('/bodies', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isUser(ctx.actor)) deny(ctx.actor)
  const list = await followUp.bodies(c.get('deps').database.db, ctx.actor)
  const nf = new Intl.NumberFormat(ctx.lang)
  return c.html(
    <Layout ctx={ctx} title={t('follow_up.bodies')}>
      <h1>{t('follow_up.bodies')}</h1>
      <p class="lead">{t('follow_up.bodies_intro')}</p>
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
                  <a href={`/bodies/${encodeURIComponent(b.body)}`}>{b.body}</a>
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
  const [items, leads] = await Promise.all([
    followUp.actions(db, ctx.actor, { body }, ctx.lang),
    followUp.bodyLeads(db, ctx.actor, body),
  ])
  return (
    <Layout ctx={ctx} title={body}>
      <p class="breadcrumb">
        <a href="/bodies">{t('follow_up.bodies')}</a>
      </p>
      <h1>{body}</h1>
      <Notice ctx={ctx} />
      <ActionsTable ctx={ctx} items={items} />
      <section aria-labelledby="leads-h">
        <h2 id="leads-h">{t('follow_up.leads')}</h2>
        <p class="hint">{t('follow_up.leads_hint')}</p>
        {leads.length ? (
          <ul>
            {leads.map((l) => (
              <li>
                {l.name}
                {isStaff(ctx.actor) ? (
                  <form
                    method="post"
                    action={`/bodies/${encodeURIComponent(body)}/leads`}
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
