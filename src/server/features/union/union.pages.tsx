import { Hono } from 'hono'
import { Chart } from '../../charts/chart.tsx'
import { barChart } from '../../charts/charts.ts'
import type { AppEnv } from '../../http/context.ts'
import { attachment, CSV } from '../../http/download.ts'
import { AppError } from '../../http/errors.ts'
import { ErrorSummary, Layout, type PageCtx, pageCtx, TextField } from '../../http/layout.tsx'
import { formatDate } from '../../i18n/i18n.ts'
import { toCsv } from '../directory/import/csv.ts'
import {
  UNION_FIGURES,
  type UnionColumn,
  type UnionFigures,
  type UnionView,
  unionView,
} from './union.service.ts'

export const unionPages = new Hono<AppEnv>()

const RATIOS = new Set<keyof UnionFigures>(['developingShare', 'responseRate', 'completionShare'])

/** The figures in groups, as the page shows them. */
const GROUPS: { title: string; figures: (keyof UnionFigures)[] }[] = [
  { title: 'meetings', figures: ['meetings', 'executiveMeetings', 'workshops', 'panelMeetings'] },
  { title: 'participation', figures: ['organizations', 'participants', 'developingShare'] },
  {
    title: 'consultations',
    figures: ['consultations', 'consultationTargets', 'consultationResponses', 'responseRate'],
  },
  { title: 'follow_up', figures: ['topics', 'actions', 'actionsDone', 'actionsOverdue', 'completionShare'] },
  { title: 'panel', figures: ['advice', 'adviceImplemented'] },
]

function columnName(ctx: PageCtx, c: UnionColumn): string {
  if (c.kind === 'union') return ctx.t('structure.union_wide')
  if (c.kind === 'total') return ctx.t('union.total')
  return c.sector ?? ''
}

unionPages.get('/union', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const q = c.req.query()
  const db = c.get('deps').database.db
  const input = { from: q.from || undefined, to: q.to || undefined }
  let view: UnionView | null = null
  let errors: Record<string, string[]> | undefined
  try {
    view = await unionView(db, input, ctx.lang)
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'VALIDATION_FAILED')) throw error
    errors = error.fieldErrors
  }
  const nf = new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 0 })
  const pf = new Intl.NumberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 0 })
  const show = (k: keyof UnionFigures, v: number | null) =>
    v === null ? '—' : RATIOS.has(k) ? pf.format(v) : nf.format(v)

  if (q.format === 'csv' && view) {
    const columns = ['figure', ...view.columns.map((col) => (col.kind === 'sector' ? col.sector! : col.kind))]
    const rows = UNION_FIGURES.map((k) => ({
      figure: k,
      ...Object.fromEntries(
        view!.columns.map((col) => [col.kind === 'sector' ? col.sector! : col.kind, col.figures[k] ?? '']),
      ),
    }))
    return attachment(toCsv(columns, rows), CSV, `engage-union-${view.from}-${view.to}.csv`)
  }

  const sectorColumns = view?.columns.filter((col) => col.kind !== 'total') ?? []
  const chart = (figure: keyof UnionFigures) =>
    barChart({
      title: t(`union.figure.${figure}`),
      bars: sectorColumns.map((col) => ({ label: columnName(ctx, col), value: col.figures[figure] })),
      format: nf.format,
      rtl: ctx.lang === 'ar',
    })
  const query = new URLSearchParams({ ...(view ? { from: view.from, to: view.to } : {}) }).toString()
  return c.html(
    <Layout ctx={ctx} title={t('union.title')} status="wide">
      <h1>{t('union.title')}</h1>
      <p class="lead">{t('union.intro')}</p>
      <form method="get" class="filters" aria-label={t('analytics.filters')}>
        <TextField
          ctx={ctx}
          name="from"
          type="date"
          label={t('reports.from')}
          value={view?.from ?? q.from}
          errors={errors}
        />
        <TextField
          ctx={ctx}
          name="to"
          type="date"
          label={t('reports.to')}
          value={view?.to ?? q.to}
          errors={errors}
        />
        <div class="filter-actions">
          <button type="submit">{t('action.filter')}</button>
        </div>
      </form>
      <ErrorSummary ctx={ctx} errors={errors} />
      {view ? (
        <>
          <p>
            {t('union.period', { from: formatDate(view.from, ctx.lang), to: formatDate(view.to, ctx.lang) })}{' '}
            {t('union.multi_sector', {
              count: view.multiSectorOrganizations,
              n: nf.format(view.multiSectorOrganizations),
            })}
          </p>
          <p class="actions">
            <a class="button secondary" href={`/union?${query}&format=csv`} download>
              {t('union.download_csv')}
            </a>
            <a class="button secondary" href={`/api/v1/union?${query}`}>
              {t('analytics.api')}
            </a>
          </p>
          {view.columns[view.columns.length - 1]!.figures.meetings === 0 &&
          view.columns[view.columns.length - 1]!.figures.consultations === 0 &&
          view.columns[view.columns.length - 1]!.figures.actions === 0 ? (
            <p class="empty">{t('union.empty')}</p>
          ) : null}
          <div class="table-scroll">
            <table class="data union">
              <caption>{t('union.table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('union.figure_column')}</th>
                  {view.columns.map((col) => (
                    <th scope="col" title={col.kind === 'sector' ? col.name : undefined}>
                      {col.kind === 'sector' ? (
                        <a
                          href={`/analytics?sector=${encodeURIComponent(col.sector!)}&from=${view!.from}&to=${view!.to}`}
                        >
                          {columnName(ctx, col)}
                        </a>
                      ) : (
                        columnName(ctx, col)
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              {GROUPS.map((g) => (
                <tbody>
                  <tr class="group">
                    <th scope="colgroup" colspan={view!.columns.length + 1}>
                      {t(`union.group.${g.title}`)}
                    </th>
                  </tr>
                  {g.figures.map((k) => (
                    <tr>
                      <th scope="row">{t(`union.figure.${k}`)}</th>
                      {view!.columns.map((col) => (
                        <td class="number">{show(k, col.figures[k])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
          <p class="hint">{t('union.definitions')}</p>
          <div class="chart-grid">
            {(['meetings', 'organizations', 'consultationResponses', 'actions'] as const).map((k) => (
              <figure class="chart-figure">
                <figcaption>{t(`union.figure.${k}`)}</figcaption>
                <Chart svg={chart(k)} />
              </figure>
            ))}
          </div>
        </>
      ) : null}
    </Layout>,
    errors ? 422 : 200,
  )
})
