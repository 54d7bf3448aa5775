import type { Context } from 'hono'
import { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, nest, uuidParam, validate } from '../../http/forms.ts'
import {
  ConfirmButton,
  Csrf,
  ErrorSummary,
  type FormErrors,
  Layout,
  Notice,
  type PageCtx,
  pageCtx,
  SelectField,
  TextField,
} from '../../http/layout.tsx'
import { formatDateTime, type Localized, pick } from '../../i18n/i18n.ts'
import { deny, isStaff } from '../auth/auth.policy.ts'
import { assertRecordInScope, inScope } from '../structure/scope.ts'
import { AgendaEditSchema, WeightsSchema } from './agendas.routes.ts'
import * as agendas from './agendas.service.ts'
import { SCORE_COMPONENTS, type Score } from './score.ts'
import { StateBadge } from './topics.pages.tsx'

export const agendaPages = new Hono<AppEnv>()

/** Why an item is on the agenda: each score component with its value, weight and points. */
export const Reasons: FC<{ ctx: PageCtx; score: Score }> = ({ ctx, score }) => {
  const nf = new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 2 })
  const parts = score.parts.filter((p) => p.value !== 0)
  return (
    <p class="reasons">
      <strong>{ctx.t('agenda.score', { total: nf.format(score.total) })}</strong>
      {parts.length ? ' — ' : ''}
      {parts
        .map((p) =>
          ctx.t('agenda.part', {
            component: ctx.t(`agenda.components.${p.component}`),
            value: nf.format(p.value),
            weight: nf.format(p.weight),
            points: nf.format(p.points),
          }),
        )
        .join('; ')}
    </p>
  )
}

async function meetingTitle(c: Context<AppEnv>, meetingId: string) {
  return (await meetingHead(c, meetingId)).title
}

/** The meeting's title, and whether the actor may change its agenda (a limited secretariat: its Sector's). */
async function meetingHead(c: Context<AppEnv>, meetingId: string) {
  const row = await c
    .get('deps')
    .database.db.selectFrom('meeting')
    .select(['titles', 'status', 'sector_id'])
    .where('id', '=', meetingId)
    .executeTakeFirst()
  if (!row) throw new AppError('MEETING_NOT_FOUND')
  const ctx = pageCtx(c)
  return {
    title: pick(row.titles as Localized, ctx.lang),
    editable: isStaff(ctx.actor) && inScope(ctx.actor, row.sector_id),
  }
}

const AgendaList: FC<{ ctx: PageCtx; agenda: agendas.Agenda; reasons?: boolean }> = ({
  ctx,
  agenda,
  reasons,
}) => {
  let session: string | null | undefined
  return (
    <ol class="agenda">
      {agenda.items.map((i) => {
        const heading = i.sessionTitle !== session ? i.sessionTitle : undefined
        session = i.sessionTitle
        return (
          <li>
            {heading ? <p class="agenda-session">{heading}</p> : null}
            {i.topicId ? <a href={`/topics/${i.topicId}`}>{i.title}</a> : <span>{i.title}</span>}
            {i.topicState ? (
              <>
                {' '}
                <StateBadge ctx={ctx} state={i.topicState} />
              </>
            ) : null}
            {i.note ? <p>{i.note}</p> : null}
            {reasons && i.reasons ? <Reasons ctx={ctx} score={i.reasons} /> : null}
          </li>
        )
      })}
    </ol>
  )
}

// ---------------------------------------------------------------- the published agenda

agendaPages.get('/meetings/:id/agenda', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const id = uuidParam(c, 'id')
  const db = c.get('deps').database.db
  const { published, draft } = await agendas.meetingAgendas(db, ctx.actor, id, ctx.lang)
  const { title, editable } = await meetingHead(c, id)
  const wanted = Number(c.req.query('version'))
  const shown = published.find((a) => a.version === wanted) ?? published[0]
  const previous = shown ? published.find((a) => a.version === shown.version - 1) : undefined
  const diff = shown && previous ? agendas.diffAgendas(previous, shown) : undefined
  return c.html(
    <Layout ctx={ctx} title={t('agenda.title', { meeting: title })}>
      <p class="breadcrumb">
        <a href={`/meetings/${id}`}>{title}</a>
      </p>
      <div class="page-head">
        <h1>{t('agenda.title', { meeting: title })}</h1>
        {editable ? (
          <a class="button" href={`/meetings/${id}/agenda/builder`}>
            {draft ? t('agenda.continue_draft', { version: draft.version }) : t('agenda.build')}
          </a>
        ) : null}
      </div>
      <Notice ctx={ctx} />
      {shown ? (
        <>
          <p class="muted">
            {t('agenda.version_published', {
              version: shown.version,
              when: formatDateTime(shown.publishedAt, ctx.lang),
            })}
          </p>
          <AgendaList ctx={ctx} agenda={shown} reasons />
          {diff ? (
            <section aria-labelledby="changes-h">
              <h2 id="changes-h">{t('agenda.changes', { version: previous!.version })}</h2>
              {diff.added.length + diff.removed.length + diff.moved.length === 0 ? (
                <p class="empty">{t('agenda.no_changes')}</p>
              ) : (
                <ul>
                  {diff.added.map((x) => (
                    <li>{t('agenda.added', { item: x })}</li>
                  ))}
                  {diff.removed.map((x) => (
                    <li>{t('agenda.removed', { item: x })}</li>
                  ))}
                  {diff.moved.map((x) => (
                    <li>{t('agenda.moved', { item: x.title, from: x.from, to: x.to })}</li>
                  ))}
                </ul>
              )}
            </section>
          ) : null}
          {published.length > 1 ? (
            <section aria-labelledby="versions-h">
              <h2 id="versions-h">{t('agenda.versions')}</h2>
              <ul>
                {published.map((a) => (
                  <li>
                    <a
                      href={`/meetings/${id}/agenda?version=${a.version}`}
                      aria-current={a === shown ? 'true' : undefined}
                    >
                      {t('agenda.version_published', {
                        version: a.version,
                        when: formatDateTime(a.publishedAt, ctx.lang),
                      })}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : (
        <p class="empty">{t('agenda.none')}</p>
      )}
    </Layout>,
  )
})

// ---------------------------------------------------------------- the builder

async function builderPage(c: Context<AppEnv>, errors?: FormErrors, code?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const id = uuidParam(c, 'id')
  const db = c.get('deps').database.db
  // A secretariat limited to another Sector is refused before it builds anything.
  await assertRecordInScope(db, ctx.actor, 'meeting', id)
  const [title, { draft, published }, list, sessions] = await Promise.all([
    meetingTitle(c, id),
    agendas.meetingAgendas(db, ctx.actor, id, ctx.lang),
    agendas.candidates(db, ctx.actor, id, ctx.lang),
    db
      .selectFrom('meeting_session')
      .select(['id', 'titles'])
      .where('meeting_id', '=', id)
      .orderBy('position')
      .execute(),
  ])
  const sessionOptions = sessions.map((s) => ({ value: s.id, label: pick(s.titles as Localized, ctx.lang) }))
  const lock = draft ? String(draft.lockVersion) : ''
  const nf = new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 2 })
  const hidden = (kind: string, extra: Record<string, string> = {}) => (
    <>
      <Csrf ctx={ctx} />
      <input type="hidden" name="kind" value={kind} />
      {lock ? <input type="hidden" name="lockVersion" value={lock} /> : null}
      {Object.entries(extra).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
    </>
  )
  const action = `/meetings/${id}/agenda/builder`
  return (
    <Layout ctx={ctx} title={t('agenda.builder_title', { meeting: title })} status="wide">
      <p class="breadcrumb">
        <a href={`/meetings/${id}/agenda`}>{t('agenda.title', { meeting: title })}</a>
      </p>
      <h1>{t('agenda.builder_title', { meeting: title })}</h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} code={code} />
      <section aria-labelledby="draft-h">
        <h2 id="draft-h">
          {draft
            ? t('agenda.draft_version', { version: draft.version })
            : t('agenda.draft_version', { version: (published[0]?.version ?? 0) + 1 })}
        </h2>
        {draft?.items.length ? (
          <ol class="agenda builder">
            {draft.items.map((i, n) => (
              <li>
                <strong>{i.title}</strong>
                {i.topicState ? (
                  <>
                    {' '}
                    <StateBadge ctx={ctx} state={i.topicState} />
                  </>
                ) : null}
                {i.reasons ? <Reasons ctx={ctx} score={i.reasons} /> : null}
                <div class="builder-actions">
                  <form method="post" action={action} class="inline-form">
                    {hidden('move', { itemId: i.id, direction: 'up' })}
                    <button type="submit" class="secondary" disabled={n === 0}>
                      {t('consultations.builder.move_up')}
                    </button>
                  </form>
                  <form method="post" action={action} class="inline-form">
                    {hidden('move', { itemId: i.id, direction: 'down' })}
                    <button type="submit" class="secondary" disabled={n === draft.items.length - 1}>
                      {t('consultations.builder.move_down')}
                    </button>
                  </form>
                  <form
                    method="post"
                    action={action}
                    class="inline-form"
                    data-confirm={t('agenda.remove_confirm')}
                  >
                    {hidden('remove', { itemId: i.id })}
                    <button type="submit" class="secondary">
                      {t('agenda.remove')}
                    </button>
                  </form>
                </div>
                <form method="post" action={action} class="inline-fields">
                  {hidden('update', { itemId: i.id })}
                  <SelectField
                    ctx={ctx}
                    name="sessionId"
                    label={t('agenda.session')}
                    value={i.sessionId}
                    options={sessionOptions}
                    empty={t('filter.none')}
                  />
                  <TextField ctx={ctx} name="note" label={t('agenda.note')} value={i.note} maxlength={2000} />
                  <button type="submit" class="secondary">
                    {t('action.save')}
                  </button>
                </form>
              </li>
            ))}
          </ol>
        ) : (
          <p class="empty">{t('agenda.draft_empty')}</p>
        )}
        <details>
          <summary>{t('agenda.add_free')}</summary>
          <form method="post" action={action} novalidate>
            {hidden('add_free')}
            <TextField ctx={ctx} name="titles.en" label={t('topics.title_en')} required errors={errors} />
            <TextField ctx={ctx} name="note" label={t('agenda.note')} maxlength={2000} />
            <button type="submit" class="secondary">
              {t('agenda.add')}
            </button>
          </form>
        </details>
        {draft?.items.length ? (
          <ConfirmButton
            ctx={ctx}
            action={`/meetings/${id}/agenda/publish`}
            label={t('agenda.publish', { version: draft.version })}
            confirm={t('agenda.publish_confirm')}
            fields={{ lockVersion: lock }}
          />
        ) : null}
      </section>
      <section aria-labelledby="candidates-h">
        <h2 id="candidates-h">{t('agenda.candidates')}</h2>
        <p class="hint">
          {t('agenda.candidates_hint')} <a href="/topics/score-weights">{t('agenda.weights')}</a>
        </p>
        {list.length === 0 ? (
          <p class="empty">{t('agenda.no_candidates')}</p>
        ) : (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('topics.title')}</th>
                <th scope="col">{t('topics.state')}</th>
                <th scope="col">{t('agenda.score_column')}</th>
                {SCORE_COMPONENTS.map((k) => (
                  <th scope="col">{t(`agenda.components.${k}`)}</th>
                ))}
                <th scope="col">{t('topics.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((x) => (
                <tr>
                  <td>
                    <a href={`/topics/${x.topicId}`}>{x.title}</a>
                  </td>
                  <td>
                    <StateBadge ctx={ctx} state={x.state} />
                  </td>
                  <td>
                    <strong>{nf.format(x.score.total)}</strong>
                  </td>
                  {x.score.parts.map((p) => (
                    <td title={`${nf.format(p.value)} × ${nf.format(p.weight)}`}>
                      {nf.format(p.value)} <span class="muted">({nf.format(p.points)})</span>
                    </td>
                  ))}
                  <td>
                    {x.onDraft ? (
                      <span class="muted">{t('agenda.on_draft')}</span>
                    ) : (
                      <form method="post" action={action} class="inline-form">
                        {hidden('add_topic', { topicId: x.topicId })}
                        <button
                          type="submit"
                          class="secondary"
                          aria-label={t('agenda.add_named', { title: x.title })}
                        >
                          {t('agenda.add')}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  )
}

agendaPages.get('/meetings/:id/agenda/builder', async (c) => c.html(await builderPage(c)))

agendaPages.post('/meetings/:id/agenda/builder', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const id = uuidParam(c, 'id')
  const v = validate(AgendaEditSchema, nest(await formFields(c)))
  if (!v.ok) return c.html(await builderPage(c, v.errors), 422)
  const { lockVersion, ...edit } = v.data
  try {
    await agendas.editAgenda(
      c.get('deps').database.db,
      ctx.actor,
      id,
      edit as agendas.AgendaEdit,
      lockVersion,
      ctx.lang,
    )
    return c.redirect(`/meetings/${id}/agenda/builder?notice=saved`, 303)
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.status === 409 || error.status === 404))
      return c.html(await builderPage(c, error.fieldErrors, error.code), error.status)
    throw error
  }
})

agendaPages.post('/meetings/:id/agenda/publish', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const id = uuidParam(c, 'id')
  const f = await formFields(c)
  try {
    await agendas.publishAgenda(
      c.get('deps').database.db,
      ctx.actor,
      id,
      Number(f.lockVersion) || 0,
      ctx.lang,
    )
    return c.redirect(`/meetings/${id}/agenda?notice=agenda_published`, 303)
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.status === 409))
      return c.html(await builderPage(c, error.fieldErrors, error.code), error.status)
    throw error
  }
})

// ---------------------------------------------------------------- score weights

async function weightsPage(c: Context<AppEnv>, errors?: FormErrors, values?: Record<string, string>) {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const weights = await agendas.scoreWeights(c.get('deps').database.db)
  return (
    <Layout ctx={ctx} title={t('agenda.weights')} status="narrow">
      <h1>{t('agenda.weights')}</h1>
      <Notice ctx={ctx} />
      <p class="lead">{t('agenda.weights_intro')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action="/topics/score-weights" novalidate>
        <Csrf ctx={ctx} />
        {SCORE_COMPONENTS.map((k) => (
          <TextField
            ctx={ctx}
            name={k}
            label={t(`agenda.components.${k}`)}
            hint={t(`agenda.component_hints.${k}`)}
            type="number"
            value={values?.[k] ?? String(weights[k])}
            required
            errors={errors}
          />
        ))}
        <button type="submit">{t('action.save')}</button>
      </form>
    </Layout>
  )
}

agendaPages.get('/topics/score-weights', async (c) => c.html(await weightsPage(c)))

agendaPages.post('/topics/score-weights', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const values = await formFields(c)
  const v = validate(WeightsSchema, values)
  if (!v.ok) return c.html(await weightsPage(c, v.errors, values), 422)
  await agendas.setScoreWeights(c.get('deps').database.db, ctx.actor, v.data)
  return c.redirect('/topics/score-weights?notice=saved', 303)
})
