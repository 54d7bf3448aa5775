import { Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { Csrf, Layout, type PageCtx, pageCtx, SelectField } from '../../http/layout.tsx'
import { assertStaff } from '../auth/auth.policy.ts'
import { canEditCountries } from './directory.policy.ts'
import { MAX_IMPORT_BYTES } from './import/csv.ts'
import {
  IMPORT_COLUMNS,
  IMPORT_KINDS,
  type ImportKind,
  type ImportReport,
  importCsv,
  importTemplate,
} from './import/directory.import.ts'

export const importPages = new Hono<AppEnv>()

function kinds(ctx: PageCtx): ImportKind[] {
  return IMPORT_KINDS.filter((k) => k !== 'countries' || canEditCountries(ctx.actor))
}

const ImportPage = ({
  ctx,
  kind,
  report,
  csv,
}: {
  ctx: PageCtx
  kind: ImportKind
  report?: ImportReport
  csv?: string
}) => {
  const t = ctx.t
  const { required, optional } = IMPORT_COLUMNS[kind]
  return (
    <Layout ctx={ctx} title={t('import.title')}>
      <h1>{t('import.title')}</h1>
      <p>{t('import.intro')}</p>
      <form method="get" class="filters">
        <SelectField
          ctx={ctx}
          name="kind"
          label={t('import.kind')}
          value={kind}
          options={kinds(ctx).map((k) => ({ value: k, label: t(`import.kind_${k}`) }))}
        />
        <button type="submit">{t('action.apply')}</button>
      </form>
      <p>
        {t('import.columns_required')}: <code>{required.join(', ')}</code>
        <br />
        {t('import.columns_optional')}: <code>{optional.join(', ')}</code>
      </p>
      <p class="actions">
        <a href={`/import/template/${kind}`}>{t('import.template')}</a>
        <a href={`/api/v1/export/${kind}?format=csv`}>{t('import.current_data')}</a>
      </p>
      {report ? <ReportView ctx={ctx} report={report} /> : null}
      {report?.dryRun && report.counts.error === 0 && report.fileErrors.length === 0 && csv ? (
        <form method="post" action="/import" enctype="multipart/form-data">
          <Csrf ctx={ctx} />
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="csv" value={csv} />
          <input type="hidden" name="mode" value="commit" />
          <button type="submit">{t('import.commit', { count: report.rows.length })}</button>
        </form>
      ) : null}
      <form method="post" action="/import" enctype="multipart/form-data">
        <Csrf ctx={ctx} />
        <input type="hidden" name="kind" value={kind} />
        <input type="hidden" name="mode" value="dry_run" />
        <div class="field">
          <label for="f-file">{t('import.file')}</label>
          <input id="f-file" type="file" name="file" accept=".csv,text/csv" required />
        </div>
        <button type="submit">{t('import.check')}</button>
      </form>
    </Layout>
  )
}

const ReportView = ({ ctx, report }: { ctx: PageCtx; report: ImportReport }) => {
  const t = ctx.t
  const errors = report.rows.filter((r) => r.status === 'error')
  return (
    <section aria-labelledby="report-h" role="status">
      <h2 id="report-h">
        {report.committed
          ? t('import.done')
          : report.dryRun
            ? t('import.dry_run_result')
            : t('import.not_committed')}
      </h2>
      {report.fileErrors.length ? (
        <ul class="status-error">
          {report.fileErrors.map((e) => (
            <li>
              {t(`import.file_error.${e.split(':')[0]}`, { detail: e.split(':').slice(1).join(':').trim() })}
            </li>
          ))}
        </ul>
      ) : (
        <p>
          {t('import.counts', {
            created: report.counts.created,
            updated: report.counts.updated,
            unchanged: report.counts.unchanged,
            errors: report.counts.error,
          })}
        </p>
      )}
      {errors.length ? (
        <>
          <p class="status-error">{t('import.nothing_written')}</p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('import.row')}</th>
                <th scope="col">{t('import.record')}</th>
                <th scope="col">{t('import.problems')}</th>
              </tr>
            </thead>
            <tbody>
              {errors.slice(0, 500).map((r) => (
                <tr>
                  <td>{r.row}</td>
                  <td>{r.key}</td>
                  <td>
                    {r.errors
                      .map((e) => {
                        const [field, msg] = e.includes(': ') ? e.split(': ') : ['', e]
                        const text = t(`validation.${msg}`, {
                          defaultValue: t(`errors.${msg}`, { defaultValue: msg }),
                        })
                        return field ? `${field}: ${text}` : text
                      })
                      .join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  )
}

importPages.get('/import', (c) => {
  const ctx = pageCtx(c)
  assertStaff(ctx.actor)
  const requested = c.req.query('kind') as ImportKind
  const kind = kinds(ctx).includes(requested) ? requested : 'organizations'
  return c.html(<ImportPage ctx={ctx} kind={kind} />)
})

importPages.get('/import/template/:kind', (c) => {
  assertStaff(c.get('actor'))
  const kind = c.req.param('kind') as ImportKind
  if (!IMPORT_KINDS.includes(kind)) throw new AppError('NOT_FOUND')
  c.header('Content-Disposition', `attachment; filename="engage-${kind}-template.csv"`)
  return c.body(importTemplate(kind), 200, { 'Content-Type': 'text/csv; charset=utf-8' })
})

importPages.post('/import', async (c) => {
  const ctx = pageCtx(c)
  assertStaff(ctx.actor)
  const body = await c.req.parseBody()
  const kind = String(body.kind) as ImportKind
  if (!kinds(ctx).includes(kind)) throw new AppError('VALIDATION_FAILED', {}, { kind: ['choice_invalid'] })
  const file = body.file
  const csv = file instanceof File ? await file.text() : typeof body.csv === 'string' ? body.csv : ''
  if (csv.length > MAX_IMPORT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE')
  const dryRun = body.mode !== 'commit'
  const report = await importCsv(c.get('deps').database.db, ctx.actor, kind, csv, dryRun)
  const failed = report.fileErrors.length > 0 || report.counts.error > 0
  return c.html(
    <ImportPage ctx={ctx} kind={kind} report={report} csv={dryRun && !failed ? csv : undefined} />,
    failed ? 422 : 200,
  )
})
