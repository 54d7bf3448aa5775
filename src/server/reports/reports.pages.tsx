import { Hono } from 'hono'
import { assertStaff } from '../features/auth/auth.policy.ts'
import type { AppEnv } from '../http/context.ts'
import { AppError } from '../http/errors.ts'
import { uuidParam } from '../http/forms.ts'
import { Layout, pageCtx, SelectField, TextField } from '../http/layout.tsx'
import { isLanguage, LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n/i18n.ts'
import { meetingReport } from './meeting-report.ts'
import { reportBodyHtml, reportCsv, reportDocx, reportHtmlDocument, reportJson } from './render.ts'

export const reportPages = new Hono<AppEnv>()

/** "as of" a date: the end of that day (UTC); nothing or garbage means now. */
function asOfDate(v: string | undefined): Date {
  if (v && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = new Date(`${v}T23:59:59.999Z`)
    if (!Number.isNaN(d.getTime())) return d
  }
  return new Date()
}

const download = (body: string | Uint8Array<ArrayBuffer>, type: string, name: string) =>
  new Response(body, {
    status: 200,
    headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"` },
  })

reportPages.get('/meetings/:id/report', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertStaff(ctx.actor)
  const id = uuidParam(c, 'id')
  const q = c.req.query()
  // The report's language is chosen apart from the page's (a French report from an English screen).
  const lang: Language = isLanguage(q.in) ? q.in : ctx.lang
  const asOf = asOfDate(q.asOf)
  const report = await meetingReport(c.get('deps').database.db, ctx.actor, id, lang, asOf)
  const name = `engage-meeting-report-${id.slice(0, 8)}-${lang}`
  switch (q.format) {
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
      const csv = reportCsv(report, q.table ?? '')
      if (csv === undefined) throw new AppError('NOT_FOUND')
      return download(csv, 'text/csv; charset=utf-8', `${name}-${q.table}.csv`)
    }
  }
  const self = `/meetings/${id}/report?in=${lang}${q.asOf ? `&asOf=${q.asOf}` : ''}`
  return c.html(
    <Layout ctx={ctx} title={report.header.title}>
      <p class="breadcrumb">
        <a href={`/meetings/${id}`}>{report.header.title}</a>
      </p>
      <h1>{t('reports.preview')}</h1>
      <form method="get" class="filters" aria-label={t('reports.preview')}>
        <SelectField
          ctx={ctx}
          name="in"
          label={t('reports.language')}
          value={lang}
          options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
        />
        <TextField ctx={ctx} name="asOf" label={t('reports.as_of')} type="date" value={q.asOf} />
        <div class="filter-actions">
          <button type="submit">{t('reports.generate')}</button>
        </div>
      </form>
      <p class="actions">
        <a class="button" href={`${self}&format=docx`} download>
          {t('reports.download_docx')}
        </a>
        <a class="button secondary" href={`${self}&format=html`} download>
          {t('reports.download_html')}
        </a>
        <a class="button secondary" href={`${self}&format=json`} download>
          {t('reports.download_json')}
        </a>
      </p>
      <div
        lang={lang}
        dir={lang === 'ar' ? 'rtl' : 'ltr'}
        dangerouslySetInnerHTML={{ __html: reportBodyHtml(report) }}
      />
    </Layout>,
  )
})
