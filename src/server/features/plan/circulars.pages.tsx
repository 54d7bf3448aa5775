import { type Context, Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, uuidParam } from '../../http/forms.ts'
import {
  ConfirmButton,
  Csrf,
  ErrorSummary,
  type FormErrors,
  Layout,
  Notice,
  Pagination,
  pageCtx,
  SelectField,
  SortHeader,
  TextField,
} from '../../http/layout.tsx'
import { formatDate, formatDateTime } from '../../i18n/i18n.ts'
import { isStaff } from '../auth/auth.policy.ts'
import { contentDisposition } from '../meetings/content/file-types.ts'
import {
  CIRCULAR_AUDIENCES,
  type CircularAudience,
  circularFile,
  createCircular,
  FEEDBACK_FROM,
  getCircular,
  listCirculars,
  recordFeedback,
  sendCircular,
} from './circulars.service.ts'
import { assertPlanReader } from './plan.service.ts'

/** Circulars to the membership (AP5): recorded, sent through the outbox, and their feedback tracked. */
export const circularPages = new Hono<AppEnv>()

const PAGE_SIZE = 20

async function listPage(c: Context<AppEnv>, form: Record<string, string> = {}, errors?: FormErrors) {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertPlanReader(ctx.actor)
  const q = c.req.query()
  const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1)
  const sort = q.sort === 'number' ? 'number' : 'date'
  const search = (q.q ?? '').trim().slice(0, 200) || undefined
  const list = await listCirculars(c.get('deps').database.db, ctx.actor, {
    search,
    sort,
    page,
    pageSize: PAGE_SIZE,
  })
  return c.html(
    <Layout ctx={ctx} title={t('circulars.title')}>
      <p class="breadcrumb">
        <a href="/plan">{t('plan.title')}</a>
      </p>
      <h1>{t('circulars.title')}</h1>
      <p class="lead">{t('circulars.intro')}</p>
      <Notice ctx={ctx} />
      <form method="get" class="filters" aria-label={t('circulars.title')}>
        <TextField ctx={ctx} name="q" type="search" label={t('action.search')} value={search} />
        <div class="filter-actions">
          <button type="submit">{t('action.filter')}</button>
        </div>
      </form>
      {list.items.length ? (
        <>
          <table class="data">
            <thead>
              <tr>
                <SortHeader ctx={ctx} column="number" label={t('circulars.number')} sort={sort} dir="asc" />
                <SortHeader ctx={ctx} column="date" label={t('circulars.issued_on')} sort={sort} dir="desc" />
                <th scope="col">{t('circulars.subject')}</th>
                <th scope="col">{t('circulars.audience')}</th>
                <th scope="col">{t('field.status')}</th>
                <th scope="col">{t('circulars.feedback')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((x) => (
                <tr>
                  <td>
                    <a href={`/plan/circulars/${x.id}`}>{x.number}</a>
                  </td>
                  <td>{formatDate(x.issuedOn, ctx.lang)}</td>
                  <td>{x.subject}</td>
                  <td>{t(`circulars.audiences.${x.audience}`)}</td>
                  <td>
                    {x.sentAt
                      ? t('circulars.sent_to', { count: x.recipients ?? 0 })
                      : t('circulars.not_sent')}
                  </td>
                  <td>{new Intl.NumberFormat(ctx.lang).format(x.feedback)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination ctx={ctx} page={page} pageSize={PAGE_SIZE} total={list.total} />
        </>
      ) : (
        <p class="empty">{search ? t('circulars.none_match') : t('circulars.none')}</p>
      )}
      {isStaff(ctx.actor) ? (
        <section aria-labelledby="new-circular">
          <h2 id="new-circular">{t('circulars.new')}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action="/plan/circulars" enctype="multipart/form-data" class="stack" novalidate>
            <Csrf ctx={ctx} />
            <TextField
              ctx={ctx}
              name="number"
              label={t('circulars.number')}
              hint={t('circulars.number_hint')}
              value={form.number}
              errors={errors}
              required
              maxlength={40}
            />
            <TextField
              ctx={ctx}
              name="issuedOn"
              type="date"
              label={t('circulars.issued_on')}
              value={form.issuedOn ?? new Date().toISOString().slice(0, 10)}
              errors={errors}
              required
            />
            <TextField
              ctx={ctx}
              name="subject"
              label={t('circulars.subject')}
              value={form.subject}
              errors={errors}
              required
              maxlength={300}
            />
            <SelectField
              ctx={ctx}
              name="audience"
              label={t('circulars.audience')}
              value={form.audience ?? 'membership'}
              options={CIRCULAR_AUDIENCES.map((a) => ({ value: a, label: t(`circulars.audiences.${a}`) }))}
              errors={errors}
            />
            <div class={`field${errors?.file ? ' has-error' : ''}`}>
              <label for="f-file">{t('circulars.document')}</label>
              <p class="hint" id="f-file-hint">
                {t('circulars.document_hint')}
              </p>
              <input id="f-file" name="file" type="file" aria-describedby="f-file-hint" />
              {errors?.file ? (
                <p class="field-error">
                  {errors.file.map((e) => t(`validation.${e}`, { defaultValue: e })).join(' ')}
                </p>
              ) : null}
            </div>
            <button type="submit">{t('circulars.create')}</button>
          </form>
        </section>
      ) : null}
    </Layout>,
    errors ? 422 : 200,
  )
}

circularPages.get('/plan/circulars', (c) => listPage(c))

circularPages.post('/plan/circulars', async (c) => {
  const ctx = pageCtx(c)
  const body = await c.req.parseBody()
  const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '')
  const form = {
    number: field('number'),
    issuedOn: field('issuedOn'),
    subject: field('subject'),
    audience: field('audience'),
  }
  const file =
    body.file instanceof File && body.file.size > 0
      ? { name: body.file.name, bytes: new Uint8Array(await body.file.arrayBuffer()) }
      : undefined
  let id: string
  try {
    id = await createCircular(
      c.get('deps').database.db,
      ctx.actor,
      {
        number: form.number,
        issuedOn: form.issuedOn,
        subject: form.subject,
        audience: form.audience as CircularAudience,
      },
      file,
    )
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return listPage(c, form, error.fieldErrors)
    throw error
  }
  return c.redirect(`/plan/circulars/${id}?notice=saved`, 303)
})

async function circularPage(
  c: Context<AppEnv>,
  id: string,
  form: Record<string, string> = {},
  errors?: FormErrors,
  code?: string,
) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const x = await getCircular(c.get('deps').database.db, ctx.actor, id)
  const staff = isStaff(ctx.actor)
  return c.html(
    <Layout ctx={ctx} title={t('mail.circular.subject', { number: x.number, subject: x.subject })}>
      <p class="breadcrumb">
        <a href="/plan/circulars">{t('circulars.title')}</a>
      </p>
      <h1>{t('mail.circular.subject', { number: x.number, subject: x.subject })}</h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} code={code} />
      <dl class="facts">
        <dt>{t('circulars.issued_on')}</dt>
        <dd>{formatDate(x.issuedOn, ctx.lang)}</dd>
        <dt>{t('circulars.audience')}</dt>
        <dd>{t(`circulars.audiences.${x.audience}`)}</dd>
        <dt>{t('plan.item')}</dt>
        <dd>
          <a href={`/plan/items/${x.itemCode}`}>{x.itemCode}</a>
        </dd>
        <dt>{t('circulars.document')}</dt>
        <dd>{x.fileName ? <a href={`/plan/circulars/${x.id}/file`}>{x.fileName}</a> : '—'}</dd>
        <dt>{t('field.status')}</dt>
        <dd>
          {x.sentAt
            ? `${t('circulars.sent_to', { count: x.recipients ?? 0 })}, ${formatDateTime(x.sentAt, ctx.lang)} (${x.sentBy})`
            : t('circulars.not_sent')}
        </dd>
      </dl>
      {staff && !x.sentAt ? (
        <ConfirmButton
          ctx={ctx}
          action={`/plan/circulars/${x.id}/send`}
          label={t('circulars.send')}
          confirm={t('circulars.send_confirm')}
        />
      ) : null}
      <section aria-labelledby="feedback">
        <h2 id="feedback">{t('circulars.feedback')}</h2>
        {x.feedbackList.length ? (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('circulars.received_on')}</th>
                <th scope="col">{t('circulars.from')}</th>
                <th scope="col">{t('circulars.summary')}</th>
                <th scope="col">{t('circulars.reference')}</th>
              </tr>
            </thead>
            <tbody>
              {x.feedbackList.map((f) => (
                <tr>
                  <td>{formatDate(f.receivedOn, ctx.lang)}</td>
                  <td>
                    {f.fromLabel} <span class="muted">({t(`circulars.from_kinds.${f.fromKind}`)})</span>
                  </td>
                  <td class="prewrap">{f.summary}</td>
                  <td>{f.reference || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty">{t('circulars.no_feedback')}</p>
        )}
        {staff ? (
          <>
            <h3>{t('circulars.record_feedback')}</h3>
            <ErrorSummary ctx={ctx} errors={errors} />
            <form method="post" action={`/plan/circulars/${x.id}/feedback`} class="stack" novalidate>
              <Csrf ctx={ctx} />
              <SelectField
                ctx={ctx}
                name="fromKind"
                label={t('circulars.from_kind')}
                value={form.fromKind ?? 'regional_group'}
                options={FEEDBACK_FROM.map((k) => ({ value: k, label: t(`circulars.from_kinds.${k}`) }))}
                errors={errors}
              />
              <TextField
                ctx={ctx}
                name="fromLabel"
                label={t('circulars.from')}
                hint={t('circulars.from_hint')}
                value={form.fromLabel}
                errors={errors}
                required
                maxlength={200}
              />
              <TextField
                ctx={ctx}
                name="receivedOn"
                type="date"
                label={t('circulars.received_on')}
                value={form.receivedOn}
                errors={errors}
                required
              />
              <div class={`field${errors?.summary ? ' has-error' : ''}`}>
                <label for="f-summary" class="required">
                  {t('circulars.summary')}
                </label>
                <textarea
                  id="f-summary"
                  name="summary"
                  rows={5}
                  maxlength={4000}
                  aria-invalid={errors?.summary ? 'true' : undefined}
                >
                  {form.summary ?? ''}
                </textarea>
              </div>
              <TextField
                ctx={ctx}
                name="reference"
                label={t('circulars.reference')}
                hint={t('circulars.reference_hint')}
                value={form.reference}
                errors={errors}
              />
              <button type="submit">{t('circulars.record_feedback')}</button>
            </form>
          </>
        ) : null}
      </section>
    </Layout>,
    errors || code ? 422 : 200,
  )
}

circularPages.get('/plan/circulars/:id', (c) => circularPage(c, uuidParam(c, 'id')))

circularPages.get('/plan/circulars/:id/file', async (c) => {
  const ctx = pageCtx(c)
  const f = await circularFile(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'))
  return new Response(new Uint8Array(f.content), {
    headers: {
      'Content-Type': f.contentType,
      'Content-Disposition': contentDisposition(f.fileName),
      'X-Content-Type-Options': 'nosniff',
    },
  })
})

circularPages.post('/plan/circulars/:id/send', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  try {
    await sendCircular(c.get('deps').database.db, ctx.actor, id, c.get('deps').env.publicUrl)
  } catch (error) {
    if (error instanceof AppError && error.code === 'CIRCULAR_SENT')
      return circularPage(c, id, {}, undefined, 'CIRCULAR_SENT')
    throw error
  }
  return c.redirect(`/plan/circulars/${id}?notice=circular_sent`, 303)
})

circularPages.post('/plan/circulars/:id/feedback', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const f = await formFields(c)
  try {
    await recordFeedback(c.get('deps').database.db, ctx.actor, id, {
      fromKind: f.fromKind as 'regional_group' | 'member',
      fromLabel: f.fromLabel ?? '',
      receivedOn: f.receivedOn ?? '',
      summary: f.summary ?? '',
      reference: f.reference ?? '',
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return circularPage(c, id, f, error.fieldErrors)
    throw error
  }
  return c.redirect(`/plan/circulars/${id}?notice=saved#feedback`, 303)
})
