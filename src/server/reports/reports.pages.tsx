import { type Context, Hono } from 'hono'
import type { FC } from 'hono/jsx'
import { sql } from 'kysely'
import { assertStaff, isStaff } from '../features/auth/auth.policy.ts'
import { sectorFilter, sectorScope, UNION } from '../features/structure/scope.ts'
import { sectorOptions } from '../features/structure/sector-inputs.tsx'
import { listBodies, listSectors } from '../features/structure/structure.service.ts'
import type { AppEnv } from '../http/context.ts'
import { attachment } from '../http/download.ts'
import { AppError } from '../http/errors.ts'
import { formFields, isUuid, uuidParam, validate } from '../http/forms.ts'
import {
  Csrf,
  ErrorSummary,
  type FormErrors,
  Layout,
  Notice,
  type PageCtx,
  Pagination,
  pageCtx,
  SelectField,
  SortHeader,
  TextField,
} from '../http/layout.tsx'
import {
  formatDate,
  formatDateTime,
  isLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  pick,
} from '../i18n/i18n.ts'
import {
  MEETING_KINDS,
  PERIOD_KINDS,
  REPORT_KINDS,
  type Report,
  type ReportKind,
  type ReportParams,
  reportTables,
} from './model.ts'
import { reportBodyHtml, reportCsv, reportDocx, reportHtmlDocument, reportJson } from './render.ts'
import { kickReportJobs } from './reports.routes.ts'
import {
  type AddressedTo,
  addressees,
  asOfDate,
  buildReport,
  compareReports,
  defaultAddressee,
  editFindings,
  getIssue,
  getJob,
  ISSUE_SORTS,
  issueReport,
  listIssues,
  listJobs,
  type ReportJob,
  ReportRequestSchema,
  requestReport,
  verifyIssue,
} from './reports.service.ts'

export const reportPages = new Hono<AppEnv>()

const download = (body: string | Uint8Array<ArrayBuffer>, type: string, name: string) =>
  attachment(body, type, name)

/** The same report in the format asked for, or undefined for the HTML preview. */
async function downloadAs(
  report: Report,
  format: string | undefined,
  table: string | undefined,
  name: string,
) {
  switch (format) {
    case 'docx':
      return download(
        new Uint8Array(await reportDocx(report)),
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        `${name}.docx`,
      )
    case 'html':
      return download(reportHtmlDocument(report), 'text/html; charset=utf-8', `${name}.html`)
    case 'json':
      return download(reportJson(report), 'application/json; charset=utf-8', `${name}.json`)
    case 'csv': {
      const csv = reportCsv(report, table ?? '')
      if (csv === undefined) throw new AppError('NOT_FOUND')
      return download(csv, 'text/csv; charset=utf-8', `${name}-${table}.csv`)
    }
  }
  return undefined
}

const fileName = (kind: ReportKind, lang: string, id: string) =>
  `engage-${kind}-report-${id.slice(0, 8)}-${lang}`

/** Links to every format of a report, and one CSV per table. */
const Downloads: FC<{ ctx: PageCtx; base: string; report: Report }> = ({ ctx, base, report }) => {
  const { t } = ctx
  const sep = base.includes('?') ? '&' : '?'
  const tables = reportTables(report)
  return (
    <section aria-labelledby="downloads">
      <h2 id="downloads">{t('reports.downloads')}</h2>
      <p class="actions">
        <a class="button" href={`${base}${sep}format=docx`} download>
          {t('reports.download_docx')}
        </a>
        <a class="button secondary" href={`${base}${sep}format=html`} download>
          {t('reports.download_html')}
        </a>
        <a class="button secondary" href={`${base}${sep}format=json`} download>
          {t('reports.download_json')}
        </a>
      </p>
      {tables.length ? (
        <details>
          <summary>{t('reports.download_csv', { count: tables.length })}</summary>
          <ul>
            {tables.map((x) => (
              <li>
                <a href={`${base}${sep}format=csv&table=${encodeURIComponent(x.id)}`} download>
                  {x.title}
                </a>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  )
}

const Preview: FC<{ report: Report }> = ({ report }) => (
  <div
    class="report-preview"
    lang={report.lang}
    dir={report.lang === 'ar' ? 'rtl' : 'ltr'}
    dangerouslySetInnerHTML={{ __html: reportBodyHtml(report) }}
  />
)

function subject(
  ctx: PageCtx,
  job: { kind: ReportKind; params: ReportJob['params'] },
  titles: Map<string, string>,
) {
  if ('meetingId' in job.params) return titles.get(job.params.meetingId) ?? '—'
  const period = `${formatDate(job.params.from, ctx.lang)} – ${formatDate(job.params.to, ctx.lang)}`
  if ('panelId' in job.params) return `${titles.get(job.params.panelId) ?? '—'}, ${period}`
  return period
}

/** The titles of the meetings and panels the reports are about, by id. */
async function meetingTitles(c: Context<AppEnv>, params: ReportParams[]) {
  const out = new Map<string, string>()
  const db = c.get('deps').database.db
  const meetings = params.flatMap((p) => ('meetingId' in p ? [p.meetingId] : []))
  const panels = params.flatMap((p) => ('panelId' in p ? [p.panelId] : []))
  const [m, p] = await Promise.all([
    meetings.length
      ? db.selectFrom('meeting').select(['id', 'titles']).where('id', 'in', meetings).execute()
      : Promise.resolve([]),
    panels.length
      ? db.selectFrom('advisory_panel').select(['id', 'names', 'code']).where('id', 'in', panels).execute()
      : Promise.resolve([]),
  ])
  for (const r of m) out.set(r.id, pick(r.titles as Record<string, string>, c.get('lang')))
  for (const r of p) out.set(r.id, pick(r.names as Record<string, string>, c.get('lang')) || r.code)
  return out
}

/** What a report covers: its Sector, "Union-wide", or every Sector. */
function sectorText(ctx: PageCtx, r: { kind: ReportKind; params: ReportParams; sector: string | null }) {
  if ('sector' in r.params && r.params.sector)
    return r.params.sector === UNION ? ctx.t('structure.union_wide') : r.params.sector
  if (r.sector) return r.sector
  return PERIOD_KINDS.includes(r.kind) ? ctx.t('structure.all_sectors') : ctx.t('structure.union_wide')
}

const addresseeText = (a: AddressedTo | null) => (a ? a.name : '—')

// ---------------------------------------------------------------- the reports page

async function reportsPage(
  c: Context<AppEnv>,
  form: Record<string, string> = {},
  errors?: FormErrors,
  code?: string,
  /** A sentence that helps more than the field's message (a body's dates). */
  detail?: string,
) {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertStaff(ctx.actor)
  const db = c.get('deps').database.db
  const q = c.req.query()
  const limitedTo = sectorScope(ctx.actor)
  const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1)
  const sort = (ISSUE_SORTS as readonly string[]).includes(q.sort ?? '') ? q.sort! : 'issued'
  const kindFilter = (REPORT_KINDS as readonly string[]).includes(q.kind ?? '')
    ? (q.kind as ReportKind)
    : undefined
  const search = (q.q ?? '').trim().slice(0, 200) || undefined
  const bodyFilter = isUuid(q.body ?? '') ? q.body!.toLowerCase() : undefined
  // An unknown Sector in the address is ignored, like an unknown kind: the list shows every Sector.
  const sectorId = await sectorFilter(db, q.sector?.slice(0, 20)).catch(() => undefined)
  const sectorValue = sectorId === undefined ? undefined : q.sector
  const today = new Date().toISOString().slice(0, 10)
  const [jobs, issues, meetings, sectors, bodies, panels, sentTo] = await Promise.all([
    listJobs(db, ctx.actor),
    listIssues(db, ctx.actor, {
      kind: kindFilter,
      search,
      body: bodyFilter,
      sectorId,
      sort,
      page,
      pageSize: 20,
    }),
    db
      .selectFrom('meeting')
      .select(['id', 'titles', 'starts_at', 'kind', 'sector_id'])
      .where('status', '<>', 'draft')
      // Limited to the user's Sectors before the cut, so a limited secretariat's own meetings are all there.
      .$if(limitedTo !== null, (q) => q.where('sector_id', 'in', limitedTo!))
      .orderBy('starts_at', 'desc')
      .limit(500)
      .execute(),
    listSectors(db, ctx.lang),
    listBodies(db, { at: today }, ctx.lang),
    db
      .selectFrom('advisory_panel')
      .select(['id', 'code', 'names', 'term_starts_on', 'term_ends_on', 'sector_id'])
      .$if(limitedTo !== null, (q) => q.where('sector_id', 'in', limitedTo!))
      .orderBy('term_starts_on', 'desc')
      .limit(200)
      .execute(),
    addressees(db, ctx.actor, ctx.lang),
  ])
  const titles = await meetingTitles(
    c,
    jobs.map((j) => j.params),
  )
  const kindOptions = REPORT_KINDS.map((k) => ({ value: k, label: t(`reports.kinds.${k}`) }))
  const scope = sectorScope(ctx.actor)
  // A secretariat limited to a Sector is offered only the meetings and panels it may report on.
  const mine = (r: { sector_id: string | null }) => !scope || (!!r.sector_id && scope.includes(r.sector_id))
  // A secretariat limited to a Sector addresses reports to its own bodies and the Union-wide ones only.
  const bodyOptions = bodies
    .filter((b) => !scope || b.sectorId === null || scope.includes(b.sectorId))
    .map((b) => ({
      value: b.id,
      label: `${b.sectorCode ?? t('structure.union_wide')} · ${b.code === b.name ? b.code : `${b.code} — ${b.name}`}`,
    }))
  const filtered = search || kindFilter || bodyFilter || sectorId !== undefined
  return c.html(
    <Layout ctx={ctx} title={t('reports.title')}>
      <h1>{t('reports.title')}</h1>
      <p class="lead">{t('reports.intro')}</p>
      <section aria-labelledby="new-report">
        <h2 id="new-report">{t('reports.new')}</h2>
        <ErrorSummary ctx={ctx} errors={errors} code={code} />
        {detail ? (
          <p class="field-error" role="alert">
            {detail}
          </p>
        ) : null}
        <form method="post" action="/reports" class="stack" novalidate data-report-form>
          <Csrf ctx={ctx} />
          <SelectField
            ctx={ctx}
            name="kind"
            label={t('reports.kind')}
            value={form.kind ?? 'meeting'}
            options={kindOptions}
            errors={errors}
            required
          />
          <fieldset data-for-kinds={MEETING_KINDS.join(' ')}>
            <legend>{t('reports.for_meeting')}</legend>
            <p class="hint">{t('reports.for_meeting_hint')}</p>
            <SelectField
              ctx={ctx}
              name="meetingId"
              label={t('reports.meeting.meeting')}
              value={form.meetingId}
              empty={t('reports.choose_meeting')}
              options={meetings.filter(mine).map((m) => ({
                value: m.id,
                label: `${pick(m.titles as Record<string, string>, ctx.lang)} (${formatDate(m.starts_at.toISOString().slice(0, 10), ctx.lang)})`,
              }))}
              errors={errors}
            />
          </fieldset>
          <fieldset data-for-kinds="panel">
            <legend>{t('reports.panel.for_panel')}</legend>
            <p class="hint">{t('reports.panel.for_panel_hint')}</p>
            {panels.length ? (
              <SelectField
                ctx={ctx}
                name="panelId"
                label={t('reports.panel.panel')}
                value={form.panelId}
                empty={t('reports.panel.choose')}
                options={panels.filter(mine).map((p) => ({
                  value: p.id,
                  label: `${pick(p.names as Record<string, string>, ctx.lang) || p.code} (${formatDate(p.term_starts_on, ctx.lang)} – ${formatDate(p.term_ends_on, ctx.lang)})`,
                }))}
                errors={errors}
              />
            ) : (
              <p class="empty">{t('reports.panel.no_panels')}</p>
            )}
          </fieldset>
          <fieldset data-for-kinds={[...PERIOD_KINDS, 'panel'].join(' ')}>
            <legend>{t('reports.for_period')}</legend>
            <p class="hint">{t('reports.for_period_hint')}</p>
            <div class="field-row">
              <TextField
                ctx={ctx}
                name="from"
                type="date"
                label={t('reports.from')}
                value={form.from}
                errors={errors}
              />
              <TextField
                ctx={ctx}
                name="to"
                type="date"
                label={t('reports.to')}
                value={form.to}
                errors={errors}
              />
            </div>
            <div data-for-kinds={PERIOD_KINDS.join(' ')}>
              <SelectField
                ctx={ctx}
                name="sector"
                label={t('structure.sector')}
                value={form.sector}
                options={sectorOptions(ctx, sectors)}
                empty={scope ? undefined : t('structure.all_sectors')}
                errors={errors}
              />
              <p class="hint">{t('reports.scope.sector_hint')}</p>
            </div>
          </fieldset>
          <SelectField
            ctx={ctx}
            name="addressedTo"
            label={t('reports.scope.addressed_to')}
            value={form.addressedTo}
            options={bodyOptions}
            empty={t('reports.scope.no_addressee')}
            errors={errors}
          />
          <p class="hint">{t('reports.scope.addressee_hint')}</p>
          <div class="field-row">
            <SelectField
              ctx={ctx}
              name="lang"
              label={t('reports.language')}
              value={form.lang ?? ctx.lang}
              options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
              errors={errors}
            />
            <TextField
              ctx={ctx}
              name="asOf"
              type="date"
              label={t('reports.as_of')}
              hint={t('reports.as_of_hint')}
              value={form.asOf}
              errors={errors}
            />
          </div>
          <button type="submit">{t('reports.generate_report')}</button>
        </form>
      </section>

      <section aria-labelledby="drafts">
        <h2 id="drafts">{t('reports.drafts')}</h2>
        {jobs.length ? (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('reports.kind')}</th>
                <th scope="col">{t('reports.subject')}</th>
                <th scope="col">{t('structure.sector')}</th>
                <th scope="col">{t('reports.scope.addressed_to')}</th>
                <th scope="col">{t('reports.language')}</th>
                <th scope="col">{t('reports.requested')}</th>
                <th scope="col">{t('field.status')}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr>
                  <td>
                    <a href={`/reports/jobs/${j.id}`}>{t(`reports.kinds.${j.kind}`)}</a>
                  </td>
                  <td>{subject(ctx, j, titles)}</td>
                  <td>{sectorText(ctx, j)}</td>
                  <td>{addresseeText(j.addressedTo)}</td>
                  <td>{LANGUAGE_NAMES[j.lang]}</td>
                  <td>
                    {formatDateTime(j.createdAt, ctx.lang)}
                    {j.requestedBy ? `, ${j.requestedBy}` : ''}
                  </td>
                  <td>
                    {t(`reports.job_status.${j.status}`)}
                    {j.status === 'running'
                      ? ` (${new Intl.NumberFormat(ctx.lang).format(j.progress)} %)`
                      : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty">{t('reports.no_drafts')}</p>
        )}
      </section>

      <section aria-labelledby="issued">
        <h2 id="issued">{t('reports.issued')}</h2>
        <form method="get" class="filters" aria-label={t('reports.issued')}>
          <TextField ctx={ctx} name="q" label={t('action.search')} value={search} type="search" />
          <SelectField
            ctx={ctx}
            id="f-issued-kind"
            name="kind"
            label={t('reports.kind')}
            value={kindFilter}
            empty={t('reports.all_kinds')}
            options={kindOptions}
          />
          <SelectField
            ctx={ctx}
            id="f-issued-body"
            name="body"
            label={t('reports.scope.addressed_to')}
            value={bodyFilter}
            empty={t('reports.scope.all_addressees')}
            options={sentTo.map((b) => ({ value: b.id, label: b.name }))}
          />
          <SelectField
            ctx={ctx}
            id="f-issued-sector"
            name="sector"
            label={t('structure.sector')}
            value={sectorValue}
            empty={t('structure.all_sectors')}
            options={[
              ...sectors.map((x) => ({ value: x.code, label: x.code })),
              { value: UNION, label: t('structure.union_wide') },
            ]}
          />
          <div class="filter-actions">
            <button type="submit">{t('action.filter')}</button>
          </div>
        </form>
        {issues.items.length ? (
          <>
            <table class="data">
              <thead>
                <tr>
                  <SortHeader
                    ctx={ctx}
                    column="number"
                    label={t('reports.header.document')}
                    sort={sort}
                    dir="asc"
                  />
                  <th scope="col">{t('reports.header.title')}</th>
                  <SortHeader ctx={ctx} column="kind" label={t('reports.kind')} sort={sort} dir="asc" />
                  <th scope="col">{t('reports.scope.addressed_to')}</th>
                  <th scope="col">{t('structure.sector')}</th>
                  <th scope="col">{t('reports.language')}</th>
                  <SortHeader
                    ctx={ctx}
                    column="issued"
                    label={t('reports.issued_at')}
                    sort={sort}
                    dir="desc"
                  />
                </tr>
              </thead>
              <tbody>
                {issues.items.map((i) => (
                  <tr>
                    <td>
                      <a href={`/reports/issued/${i.id}`}>{i.documentNumber}</a>
                    </td>
                    <td>{i.title}</td>
                    <td>{t(`reports.kinds.${i.kind}`)}</td>
                    <td>{addresseeText(i.addressedTo)}</td>
                    <td>{sectorText(ctx, i)}</td>
                    <td>{LANGUAGE_NAMES[i.lang]}</td>
                    <td>
                      {formatDateTime(i.issuedAt, ctx.lang)}, {i.issuedBy}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination ctx={ctx} page={page} pageSize={20} total={issues.total} />
          </>
        ) : (
          <p class="empty">{filtered ? t('reports.no_issued_match') : t('reports.no_issued')}</p>
        )}
      </section>
    </Layout>,
    errors || code ? 422 : 200,
  )
}

reportPages.get('/reports', (c) => reportsPage(c))

/** Queues a report and starts generating it at once; the job page shows the progress. */
reportPages.post('/reports', async (c) => {
  const ctx = pageCtx(c)
  assertStaff(ctx.actor, true)
  const form = await formFields(c)
  const parsed = validate(ReportRequestSchema, form)
  if (!parsed.ok) return reportsPage(c, form, parsed.errors)
  const db = c.get('deps').database.db
  let job: ReportJob
  try {
    job = await requestReport(db, ctx.actor, parsed.data)
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.fieldErrors)
      return reportsPage(c, form, error.fieldErrors)
    if (error instanceof AppError && error.code === 'BODY_NOT_IN_PERIOD') {
      // Say when the body existed: the user picks the right body, or the right date.
      const d = error.details as { startsOn?: string; endsOn?: string | null; day?: string }
      const f = (v: string | null | undefined) => (v ? formatDate(v, ctx.lang) : '')
      const detail = d.endsOn
        ? ctx.t('reports.scope.body_dates', { from: f(d.startsOn), to: f(d.endsOn), day: f(d.day) })
        : ctx.t('reports.scope.body_since', { from: f(d.startsOn), day: f(d.day) })
      return reportsPage(c, form, error.fieldErrors, error.code, detail)
    }
    throw error
  }
  kickReportJobs(c)
  return c.redirect(`/reports/jobs/${job.id}`, 303)
})

// ---------------------------------------------------------------- one generated report (a draft)

async function jobPage(c: Context<AppEnv>, job: ReportJob, errors?: FormErrors, code?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const titles = await meetingTitles(c, [job.params])
  const heading = `${t(`reports.kinds.${job.kind}`)}: ${subject(ctx, job, titles)}`
  const pending = job.status === 'queued' || job.status === 'running'
  const earlier =
    job.status === 'done'
      ? await db
          .selectFrom('report_issue')
          .select(['id', 'document_number', 'issued_at'])
          .where('kind', '=', job.kind)
          .where('lang', '=', job.lang)
          .where(sql<boolean>`params @> ${JSON.stringify(job.params)}::jsonb`)
          .orderBy('issued_at', 'desc')
          .limit(10)
          .execute()
      : []
  const findings = job.model?.blocks.find((b) => b.kind === 'findings')
  return c.html(
    <Layout ctx={ctx} title={heading}>
      <p class="breadcrumb">
        <a href="/reports">{t('reports.title')}</a>
      </p>
      <h1>{heading}</h1>
      <Notice ctx={ctx} />
      <dl class="facts">
        <dt>{t('structure.sector')}</dt>
        <dd>{sectorText(ctx, job)}</dd>
        <dt>{t('reports.scope.addressed_to')}</dt>
        <dd>{addresseeText(job.addressedTo)}</dd>
        <dt>{t('reports.language')}</dt>
        <dd>{LANGUAGE_NAMES[job.lang]}</dd>
        <dt>{t('reports.as_of')}</dt>
        <dd>{formatDateTime(job.asOf, ctx.lang)}</dd>
        <dt>{t('reports.requested')}</dt>
        <dd>
          {formatDateTime(job.createdAt, ctx.lang)}
          {job.requestedBy ? `, ${job.requestedBy}` : ''}
        </dd>
      </dl>
      {pending ? (
        <section aria-labelledby="progress" data-refresh="2">
          <h2 id="progress">{t(`reports.job_status.${job.status}`)}</h2>
          <p role="status">
            <label for="job-progress">{job.step || t('reports.waiting')}</label>{' '}
            <progress id="job-progress" max={100} value={job.progress}>
              {job.progress} %
            </progress>
          </p>
          <p class="hint">
            {t('reports.progress_hint')} <a href={`/reports/jobs/${job.id}`}>{t('reports.refresh')}</a>
          </p>
        </section>
      ) : null}
      {job.status === 'failed' ? (
        <div class="error-summary" role="alert">
          <h2>{t('reports.job_status.failed')}</h2>
          <p>{t(`errors.${job.error ?? 'INTERNAL'}`)}</p>
        </div>
      ) : null}
      {job.status === 'done' && job.model ? (
        <>
          <ErrorSummary ctx={ctx} errors={errors} code={code} />
          <Downloads ctx={ctx} base={`/reports/jobs/${job.id}/download`} report={job.model} />
          <section aria-labelledby="issue">
            <h2 id="issue">{t('reports.issue')}</h2>
            <p class="hint">{t('reports.issue_hint')}</p>
            <form
              method="post"
              action={`/reports/jobs/${job.id}/issue`}
              class="inline-form"
              data-confirm={t('reports.issue_confirm')}
              novalidate
            >
              <Csrf ctx={ctx} />
              <TextField
                ctx={ctx}
                name="documentNumber"
                label={t('reports.document_number')}
                hint={t('reports.document_number_hint')}
                maxlength={60}
                errors={errors}
                required
              />
              <button type="submit">{t('reports.issue_button')}</button>
            </form>
            {earlier.length ? (
              <>
                <h3>{t('reports.compare_with')}</h3>
                <ul>
                  {earlier.map((e) => (
                    <li>
                      <a href={`/reports/issued/${e.id}/compare?job=${job.id}`}>
                        {t('reports.compare_link', {
                          number: e.document_number,
                          date: formatDateTime(e.issued_at.toISOString(), ctx.lang),
                        })}
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
          {findings ? (
            <section aria-labelledby="findings">
              <h2 id="findings">{t('reports.edit_findings')}</h2>
              <p class="hint">
                {job.findingsEditedBy
                  ? t('reports.findings_edited', {
                      by: job.findingsEditedBy,
                      at: formatDateTime(job.findingsEditedAt!, ctx.lang),
                    })
                  : t('reports.findings_drafted')}
              </p>
              <form method="post" action={`/reports/jobs/${job.id}/findings`} class="stack">
                <Csrf ctx={ctx} />
                <div class={`field${errors?.findings ? ' has-error' : ''}`}>
                  <label for="f-findings">{t('reports.findings_label')}</label>
                  <textarea
                    id="f-findings"
                    name="findings"
                    rows={14}
                    lang={job.lang}
                    dir={job.lang === 'ar' ? 'rtl' : 'ltr'}
                  >
                    {findings.paragraphs.join('\n\n')}
                  </textarea>
                </div>
                <button type="submit" class="secondary">
                  {t('reports.save_findings')}
                </button>
              </form>
            </section>
          ) : null}
          <section aria-labelledby="preview">
            <h2 id="preview">{t('reports.preview_heading')}</h2>
            <Preview report={job.model} />
          </section>
        </>
      ) : null}
    </Layout>,
    errors || code ? 422 : 200,
  )
}

reportPages.get('/reports/jobs/:id', async (c) => {
  const ctx = pageCtx(c)
  const job = await getJob(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'))
  return jobPage(c, job)
})

/** For the progress script: status and percentage only. */
reportPages.get('/reports/jobs/:id/status', async (c) => {
  const ctx = pageCtx(c)
  const job = await getJob(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'))
  return c.json({ status: job.status, progress: job.progress, step: job.step })
})

reportPages.get('/reports/jobs/:id/download', async (c) => {
  const ctx = pageCtx(c)
  const job = await getJob(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'))
  if (job.status !== 'done' || !job.model) throw new AppError('REPORT_NOT_READY')
  const q = c.req.query()
  const res = await downloadAs(job.model, q.format, q.table, fileName(job.kind, job.lang, job.id))
  if (!res) throw new AppError('NOT_FOUND')
  return res
})

reportPages.post('/reports/jobs/:id/findings', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const form = await formFields(c)
  const db = c.get('deps').database.db
  try {
    await editFindings(db, ctx.actor, id, form.findings ?? '')
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return jobPage(c, await getJob(db, ctx.actor, id), error.fieldErrors)
    throw error
  }
  return c.redirect(`/reports/jobs/${id}?notice=findings_saved#findings`, 303)
})

reportPages.post('/reports/jobs/:id/issue', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const form = await formFields(c)
  const db = c.get('deps').database.db
  try {
    const issue = await issueReport(db, ctx.actor, id, form.documentNumber ?? '')
    return c.redirect(`/reports/issued/${issue.id}?notice=report_issued`, 303)
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return jobPage(c, await getJob(db, ctx.actor, id), error.fieldErrors)
    throw error
  }
})

// ---------------------------------------------------------------- issued reports

reportPages.get('/reports/issued/:id', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const issue = await getIssue(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'))
  const intact = verifyIssue(issue)
  const staff = isStaff(ctx.actor)
  return c.html(
    <Layout ctx={ctx} title={`${issue.documentNumber}: ${issue.title}`}>
      <p class="breadcrumb">
        {staff ? (
          <a href="/reports">{t('reports.title')}</a>
        ) : issue.addressedTo ? (
          // A lead of the body it was sent to reads it from the body's page.
          <a href={`/structure/bodies/${issue.addressedTo.id}`}>{issue.addressedTo.name}</a>
        ) : null}
      </p>
      <h1>
        {issue.documentNumber}: {issue.title}
      </h1>
      <Notice ctx={ctx} />
      <dl class="facts">
        <dt>{t('reports.kind')}</dt>
        <dd>{t(`reports.kinds.${issue.kind}`)}</dd>
        <dt>{t('structure.sector')}</dt>
        <dd>{sectorText(ctx, issue)}</dd>
        <dt>{t('reports.scope.addressed_to')}</dt>
        <dd>{addresseeText(issue.addressedTo)}</dd>
        <dt>{t('reports.language')}</dt>
        <dd>{LANGUAGE_NAMES[issue.lang]}</dd>
        <dt>{t('reports.as_of')}</dt>
        <dd>{formatDateTime(issue.asOf, ctx.lang)}</dd>
        <dt>{t('reports.issued_by')}</dt>
        <dd>
          {issue.issuedBy}, {formatDateTime(issue.issuedAt, ctx.lang)}
        </dd>
        <dt>{t('reports.checksum')}</dt>
        <dd>
          <code>{issue.checksum}</code> {intact ? t('reports.checksum_ok') : t('reports.checksum_bad')}
        </dd>
      </dl>
      {issue.model ? (
        <Downloads ctx={ctx} base={`/reports/issued/${issue.id}/download`} report={issue.model} />
      ) : null}
      {staff ? (
        <section aria-labelledby="compare">
          <h2 id="compare">{t('reports.compare')}</h2>
          <p class="hint">{t('reports.compare_hint')}</p>
          <form method="post" action="/reports" class="inline-form">
            <Csrf ctx={ctx} />
            <input type="hidden" name="kind" value={issue.kind} />
            <input type="hidden" name="lang" value={issue.lang} />
            {'meetingId' in issue.params ? (
              <input type="hidden" name="meetingId" value={issue.params.meetingId} />
            ) : (
              <>
                {'panelId' in issue.params ? (
                  <input type="hidden" name="panelId" value={issue.params.panelId} />
                ) : null}
                {'sector' in issue.params && issue.params.sector ? (
                  <input type="hidden" name="sector" value={issue.params.sector} />
                ) : null}
                <input type="hidden" name="from" value={issue.params.from} />
                <input type="hidden" name="to" value={issue.params.to} />
              </>
            )}
            {issue.addressedTo ? (
              <input type="hidden" name="addressedTo" value={issue.addressedTo.id} />
            ) : null}
            <button type="submit" class="secondary">
              {t('reports.new_draft')}
            </button>
          </form>
        </section>
      ) : null}
      {issue.model ? (
        <section aria-labelledby="preview">
          <h2 id="preview">{t('reports.preview_heading')}</h2>
          <Preview report={issue.model} />
        </section>
      ) : null}
    </Layout>,
  )
})

reportPages.get('/reports/issued/:id/download', async (c) => {
  const ctx = pageCtx(c)
  const issue = await getIssue(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'))
  const q = c.req.query()
  const safe = issue.documentNumber.replace(/[^A-Za-z0-9._-]+/g, '-')
  const res = issue.model
    ? await downloadAs(issue.model, q.format, q.table, `${safe}-${issue.lang}`)
    : undefined
  if (!res) throw new AppError('NOT_FOUND')
  return res
})

reportPages.get('/reports/issued/:id/compare', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const issue = await getIssue(db, ctx.actor, uuidParam(c, 'id'))
  const jobId = c.req.query('job') ?? ''
  if (!/^[0-9a-f-]{36}$/i.test(jobId)) throw new AppError('NOT_FOUND')
  const job = await getJob(db, ctx.actor, jobId.toLowerCase())
  if (job.status !== 'done' || !job.model || !issue.model) throw new AppError('REPORT_NOT_READY')
  const diff = compareReports(issue.model, job.model)
  return c.html(
    <Layout ctx={ctx} title={t('reports.compare')}>
      <p class="breadcrumb">
        <a href="/reports">{t('reports.title')}</a> ›{' '}
        <a href={`/reports/issued/${issue.id}`}>{issue.documentNumber}</a>
      </p>
      <h1>{t('reports.compare_title', { number: issue.documentNumber })}</h1>
      <p>
        {t('reports.compare_between', {
          issued: formatDateTime(issue.issuedAt, ctx.lang),
          draft: formatDateTime(job.createdAt, ctx.lang),
        })}{' '}
        <a href={`/reports/jobs/${job.id}`}>{t('reports.open_draft')}</a>
      </p>
      {diff.length ? (
        <table class="data diff">
          <caption>{t('reports.differences', { count: diff.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.change')}</th>
              <th scope="col">{t('reports.text')}</th>
            </tr>
          </thead>
          <tbody>
            {diff.map((d) => (
              <tr class={d.change}>
                <td>{t(`reports.changes.${d.change}`)}</td>
                <td>{d.line}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="notice" role="status">
          {t('reports.no_differences')}
        </p>
      )}
    </Layout>,
  )
})

// ---------------------------------------------------------------- a meeting's reports, previewed at once

/** A meeting's reports are quick to make: previewed on request, and prepared for issue through a job. */
reportPages.get('/meetings/:id/report', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertStaff(ctx.actor)
  const id = uuidParam(c, 'id')
  const q = c.req.query()
  const kind: ReportKind = (MEETING_KINDS as readonly string[]).includes(q.kind ?? '')
    ? (q.kind as ReportKind)
    : 'meeting'
  // The report's language is chosen apart from the page's (a French report from an English screen).
  const lang: Language = isLanguage(q.in) ? q.in : ctx.lang
  const asOf = q.asOf && /^\d{4}-\d{2}-\d{2}$/.test(q.asOf) ? q.asOf : undefined
  const db = c.get('deps').database.db
  // The preview goes where the report would go by default: the advisory group of the meeting's Sector.
  const sectorId = (
    await db.selectFrom('meeting').select('sector_id').where('id', '=', id).executeTakeFirst()
  )?.sector_id
  const addressedTo = sectorId
    ? await defaultAddressee(db, kind, sectorId, asOf ?? new Date().toISOString().slice(0, 10))
    : null
  const report = await buildReport(
    db,
    ctx.actor,
    kind,
    { meetingId: id, ...(addressedTo ? { addressedTo } : {}) },
    lang,
    asOfDate(asOf),
  )
  const res = await downloadAs(report, q.format, q.table, fileName(kind, lang, id))
  if (res) return res
  const self = `/meetings/${id}/report?kind=${kind}&in=${lang}${asOf ? `&asOf=${asOf}` : ''}`
  return c.html(
    <Layout ctx={ctx} title={report.header.title}>
      <p class="breadcrumb">
        <a href={`/meetings/${id}`}>{t('reports.back_to_meeting')}</a>
      </p>
      <h1>{t(`reports.kinds.${kind}`)}</h1>
      <form method="get" class="filters" aria-label={t('reports.kinds.meeting')}>
        <SelectField
          ctx={ctx}
          name="kind"
          label={t('reports.kind')}
          value={kind}
          options={MEETING_KINDS.map((k) => ({ value: k, label: t(`reports.kinds.${k}`) }))}
        />
        <SelectField
          ctx={ctx}
          name="in"
          label={t('reports.language')}
          value={lang}
          options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
        />
        <TextField ctx={ctx} name="asOf" label={t('reports.as_of')} type="date" value={asOf} />
        <div class="filter-actions">
          <button type="submit">{t('reports.generate')}</button>
        </div>
      </form>
      <Downloads ctx={ctx} base={self} report={report} />
      <form method="post" action="/reports" class="inline-form">
        <Csrf ctx={ctx} />
        <input type="hidden" name="kind" value={kind} />
        <input type="hidden" name="meetingId" value={id} />
        <input type="hidden" name="lang" value={lang} />
        {asOf ? <input type="hidden" name="asOf" value={asOf} /> : null}
        <button type="submit" class="secondary">
          {t('reports.prepare_issue')}
        </button>
      </form>
      <Preview report={report} />
    </Layout>,
  )
})
