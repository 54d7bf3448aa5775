import { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import { Chart } from '../../charts/chart.tsx'
import { barChart, percentChart } from '../../charts/charts.ts'
import type { AppEnv } from '../../http/context.ts'
import { attachment, CSV } from '../../http/download.ts'
import { AppError } from '../../http/errors.ts'
import { ErrorSummary, Layout, type PageCtx, pageCtx, SelectField, TextField } from '../../http/layout.tsx'
import { formatDate, pick } from '../../i18n/i18n.ts'
import { CATEGORIES, SENIORITIES } from '../directory/directory.schema.ts'
import { toCsv } from '../directory/import/csv.ts'
import { MEETING_KINDS } from '../meetings/meetings.schema.ts'
import { SectorFilter } from '../structure/sector-inputs.tsx'
import { listSectors } from '../structure/structure.service.ts'
import { kindsOf } from './analytics.routes.ts'
import { type Series, seriesMetrics } from './series.ts'

/** The look back at a series of meetings: one page, the same numbers as the API and its CSV. */
export const analyticsPages = new Hono<AppEnv>()

const COLUMNS = [
  'date',
  'kind',
  'meeting',
  'city',
  'country',
  'region',
  'organizations',
  'participants',
  'developingShare',
  'smeShare',
  'executiveShare',
  'principalOrAlternateShare',
  'jaccardPrevious',
  'returningPrevious',
  'newcomers',
  'retainedNext',
  ...CATEGORIES.map((c) => `category_${c}`),
  ...SENIORITIES.map((c) => `seniority_${c}`),
  'awayFromHeadquarters',
  'consulted',
  'consultationLeadDays',
  'consultationTargets',
  'consultationResponses',
  'consultationResponseRate',
  'topicsDiscussed',
  'topicsCarried',
  'topicsToStandardization',
  'actions',
  'actionsDone',
  'actionsDropped',
  'actionsOverdue',
  'completionShare',
]

/** A chart and, beside it, the table of the same numbers (for screen readers and copy-paste). */
const ChartWithTable: FC<{
  ctx: PageCtx
  title: string
  svg: string
  rows: [string, string][]
  column: string
}> = ({ ctx, title, svg, rows, column }) => (
  <figure class="chart-with-table">
    <Chart svg={svg} />
    <details>
      <summary>{ctx.t('analytics.data_table')}</summary>
      <table class="data">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('reports.meeting.meeting')}</th>
            <th scope="col">{column}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, v]) => (
            <tr>
              <td>{k}</td>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  </figure>
)

analyticsPages.get('/analytics', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const q = c.req.query()
  const db = c.get('deps').database.db
  const kinds = c.req.queries('kind')?.flatMap((k) => kindsOf(k) ?? []) ?? []
  const filter = {
    group: q.group || undefined,
    kinds: kinds.length ? kinds : undefined,
    from: q.from || undefined,
    to: q.to || undefined,
    sector: q.sector || undefined,
  }
  let series: Series | null = null
  let errors: Record<string, string[]> | undefined
  try {
    series = await seriesMetrics(db, filter)
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'VALIDATION_FAILED')) throw error
    errors = error.fieldErrors
  }
  const pf = new Intl.NumberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 0 })
  const nf = new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 1 })
  const share = (v: number | null) => (v === null ? '—' : pf.format(v))
  const label = (m: Series['meetings'][number]) => `${formatDate(m.date, ctx.lang)} ${m.city ?? ''}`.trim()

  if (q.format === 'csv' && series) {
    const rows = series.meetings.map((m) => ({
      date: m.date,
      kind: m.kind,
      meeting: pick(m.titles, ctx.lang),
      city: m.city ?? '',
      country: m.country ?? '',
      region: m.region ?? '',
      organizations: m.organizations,
      participants: m.participants,
      developingShare: m.developingShare ?? '',
      smeShare: m.smeShare ?? '',
      executiveShare: m.executiveShare ?? '',
      principalOrAlternateShare: m.principalOrAlternateShare ?? '',
      jaccardPrevious: m.jaccardPrevious ?? '',
      returningPrevious: m.returningPrevious ?? '',
      newcomers: m.newcomers,
      retainedNext: m.retainedNext ?? '',
      ...Object.fromEntries(CATEGORIES.map((c) => [`category_${c}`, m.byCategory[c] ?? 0])),
      ...Object.fromEntries(SENIORITIES.map((c) => [`seniority_${c}`, m.bySeniority[c] ?? 0])),
      awayFromHeadquarters: m.awayFromHeadquarters ?? '',
      consulted: m.consulted,
      consultationLeadDays: m.consultationLeadDays ?? '',
      consultationTargets: m.consultationTargets,
      consultationResponses: m.consultationResponses,
      consultationResponseRate: m.consultationResponseRate ?? '',
      topicsDiscussed: m.topicsDiscussed,
      topicsCarried: m.topicsCarried,
      topicsToStandardization: m.topicsToStandardization,
      actions: m.actions,
      actionsDone: m.actionsDone,
      actionsDropped: m.actionsDropped,
      actionsOverdue: m.actionsOverdue,
      completionShare: m.completionShare ?? '',
    }))
    return attachment(toCsv(COLUMNS, rows), CSV, 'engage-meeting-series.csv')
  }

  const [groups, sectors] = await Promise.all([
    db
      .selectFrom('engagement_group')
      .select(['id', 'names'])
      .where('archived_at', 'is', null)
      .orderBy('kind')
      .execute(),
    listSectors(db, ctx.lang),
  ])
  const csvHref = `/analytics?${new URLSearchParams({ ...Object.fromEntries(Object.entries(q).filter(([k]) => k !== 'kind')), format: 'csv' }).toString()}${kinds.map((k) => `&kind=${encodeURIComponent(k)}`).join('')}`
  const rtl = ctx.lang === 'ar'
  // Where the meetings were held: meetings per host country, with the country's name and region.
  const hosts = new Map<string, { meetings: number; region: string | null }>()
  for (const m of series?.meetings ?? [])
    if (m.country)
      hosts.set(m.country, { meetings: (hosts.get(m.country)?.meetings ?? 0) + 1, region: m.region })
  const hostNames = hosts.size
    ? new Map(
        (
          await db
            .selectFrom('country')
            .select(['code', 'names'])
            .where('code', 'in', [...hosts.keys()])
            .execute()
        ).map((r) => [r.code, pick(r.names as Record<string, string>, ctx.lang)]),
      )
    : new Map<string, string>()
  const hostRows = [...hosts.entries()]
    .map(([code, h]) => ({ code, name: hostNames.get(code) ?? code, ...h }))
    .sort((a, b) => b.meetings - a.meetings || a.name.localeCompare(b.name, ctx.lang))
  const days = (n: number | null) => (n === null ? '—' : t('analytics.days', { count: n, n: nf.format(n) }))
  const ofShare = (part: number, whole: number) => (whole ? pf.format(part / whole) : '—')
  return c.html(
    <Layout ctx={ctx} title={t('analytics.title')}>
      <h1>{t('analytics.title')}</h1>
      <p class="lead">{t('analytics.intro')}</p>
      <form method="get" class="filters" aria-label={t('analytics.filters')}>
        <SelectField
          ctx={ctx}
          name="group"
          label={t('reports.meeting.group')}
          value={q.group}
          empty={t('analytics.all_groups')}
          options={groups.map((g) => ({
            value: g.id,
            label: pick(g.names as Record<string, string>, ctx.lang),
          }))}
          errors={errors}
        />
        <SectorFilter ctx={ctx} sectors={sectors} value={filter.sector} />
        <fieldset class="checkbox-group">
          <legend>{t('field.kind')}</legend>
          {MEETING_KINDS.map((k) => (
            <label>
              <input type="checkbox" name="kind" value={k} checked={kinds.includes(k)} />{' '}
              {t(`meeting_kind.${k}`)}
            </label>
          ))}
        </fieldset>
        <TextField
          ctx={ctx}
          name="from"
          type="date"
          label={t('reports.from')}
          value={q.from}
          errors={errors}
        />
        <TextField ctx={ctx} name="to" type="date" label={t('reports.to')} value={q.to} errors={errors} />
        <div class="filter-actions">
          <button type="submit">{t('reports.generate')}</button>
        </div>
      </form>
      <ErrorSummary ctx={ctx} errors={errors} />
      {series ? (
        <>
          <p class="actions">
            <a class="button secondary" href={csvHref} download>
              {t('analytics.download_csv')}
            </a>
            <a
              class="button secondary"
              href={`/api/v1/metrics/meetings?${new URLSearchParams({ ...(filter.group ? { group: filter.group } : {}), ...(kinds.length ? { kind: kinds.join(',') } : {}), ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}), ...(filter.sector ? { sector: filter.sector } : {}) }).toString()}`}
            >
              {t('analytics.api')}
            </a>
          </p>
          <h2>{t('analytics.summary')}</h2>
          <dl class="facts">
            <dt>{t('analytics.meetings')}</dt>
            <dd>{nf.format(series.summary.meetings)}</dd>
            <dt>{t('analytics.host_countries')}</dt>
            <dd>{nf.format(series.summary.hostCountries)}</dd>
            <dt>{t('analytics.host_regions')}</dt>
            <dd>{nf.format(series.summary.hostRegions)}</dd>
            <dt>{t('analytics.distinct_organizations')}</dt>
            <dd>{nf.format(series.summary.distinctOrganizations)}</dd>
            <dt>{t('analytics.core_organizations')}</dt>
            <dd>{nf.format(series.summary.coreOrganizations)}</dd>
            <dt>{t('analytics.median')}</dt>
            <dd>
              {series.summary.medianOrganizationsPerMeeting === null
                ? '—'
                : nf.format(series.summary.medianOrganizationsPerMeeting)}
            </dd>
            <dt>{t('analytics.away_share')}</dt>
            <dd>{share(series.summary.awayFromHeadquartersShare)}</dd>
            <dt>{t('analytics.consulted_share')}</dt>
            <dd>{share(series.summary.consultedShare)}</dd>
            <dt>{t('analytics.median_lead')}</dt>
            <dd>{days(series.summary.medianConsultationLeadDays)}</dd>
            <dt>{t('analytics.response_rate')}</dt>
            <dd>{share(series.summary.consultationResponseRate)}</dd>
            <dt>{t('analytics.topics_discussed')}</dt>
            <dd>{nf.format(series.summary.topicsDiscussed)}</dd>
            <dt>{t('analytics.topics_to_standardization')}</dt>
            <dd>{nf.format(series.summary.topicsToStandardization)}</dd>
            <dt>{t('analytics.actions_done')}</dt>
            <dd>
              {t('analytics.of', {
                part: nf.format(series.summary.actionsDone),
                whole: nf.format(series.summary.actions),
              })}
            </dd>
            <dt>{t('analytics.completion')}</dt>
            <dd>{share(series.summary.completionShare)}</dd>
            <dt>{t('analytics.overdue')}</dt>
            <dd>{nf.format(series.summary.actionsOverdue)}</dd>
          </dl>
          {series.meetings.length ? (
            <>
              <h2>{t('analytics.charts')}</h2>
              <ChartWithTable
                ctx={ctx}
                title={t('analytics.organizations_per_meeting')}
                column={t('reports.organizations')}
                svg={barChart({
                  title: t('analytics.organizations_per_meeting'),
                  bars: series.meetings.map((m) => ({ label: label(m), value: m.organizations })),
                  format: nf.format,
                  rtl,
                })}
                rows={series.meetings.map((m) => [label(m), nf.format(m.organizations)])}
              />
              <ChartWithTable
                ctx={ctx}
                title={t('analytics.developing_share')}
                column={t('analytics.share')}
                svg={percentChart(
                  t('analytics.developing_share'),
                  series.meetings.map((m) => ({
                    label: label(m),
                    part: Math.round((m.developingShare ?? 0) * m.organizations),
                    whole: m.organizations,
                  })),
                  { rtl, locale: ctx.lang },
                )}
                rows={series.meetings.map((m) => [label(m), share(m.developingShare)])}
              />
              <ChartWithTable
                ctx={ctx}
                title={t('analytics.stability')}
                column={t('analytics.jaccard')}
                svg={barChart({
                  title: t('analytics.stability'),
                  bars: series.meetings.map((m) => ({
                    label: label(m),
                    value: m.jaccardPrevious === null ? null : Math.round(m.jaccardPrevious * 100),
                  })),
                  max: 100,
                  format: (n) => pf.format(n / 100),
                  rtl,
                })}
                rows={series.meetings.map((m) => [label(m), share(m.jaccardPrevious)])}
              />
              <h2>{t('analytics.per_meeting')}</h2>
              <div class="table-scroll">
                <table class="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('reports.meeting.meeting')}</th>
                      <th scope="col">{t('reports.organizations')}</th>
                      <th scope="col">{t('analytics.participants')}</th>
                      <th scope="col">{t('reports.wtsa.developing_share')}</th>
                      <th scope="col">{t('reports.wtsa.sme_share')}</th>
                      <th scope="col">{t('analytics.executive_share')}</th>
                      <th scope="col">{t('analytics.principal_alternate')}</th>
                      <th scope="col">{t('analytics.jaccard')}</th>
                      <th scope="col">{t('analytics.newcomers')}</th>
                      <th scope="col">{t('analytics.retained_next')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {series.meetings.map((m) => (
                      <tr>
                        <th scope="row">
                          <a href={`/meetings/${m.id}`}>{pick(m.titles, ctx.lang)}</a>
                          <br />
                          <span class="muted">{label(m)}</span>
                        </th>
                        <td>{nf.format(m.organizations)}</td>
                        <td>{nf.format(m.participants)}</td>
                        <td>{share(m.developingShare)}</td>
                        <td>{share(m.smeShare)}</td>
                        <td>{share(m.executiveShare)}</td>
                        <td>{share(m.principalOrAlternateShare)}</td>
                        <td>{share(m.jaccardPrevious)}</td>
                        <td>{nf.format(m.newcomers)}</td>
                        <td>{share(m.retainedNext)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <h2>{t('analytics.composition')}</h2>
              <ChartWithTable
                ctx={ctx}
                title={t('analytics.executive_chart')}
                column={t('analytics.share')}
                svg={percentChart(
                  t('analytics.executive_chart'),
                  series.meetings.map((m) => {
                    const named = Object.values(m.bySeniority).reduce((a, b) => a + b, 0)
                    return { label: label(m), part: m.bySeniority.c_level ?? 0, whole: named }
                  }),
                  { rtl, locale: ctx.lang },
                )}
                rows={series.meetings.map((m) => [label(m), share(m.executiveShare)])}
              />
              <div class="table-scroll">
                <table class="data">
                  <caption>{t('analytics.composition_table')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('reports.meeting.meeting')}</th>
                      {CATEGORIES.map((c) => (
                        <th scope="col">{t(`category.${c}`)}</th>
                      ))}
                      {SENIORITIES.map((c) => (
                        <th scope="col">{t(`seniority.${c}`)}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {series.meetings.map((m) => {
                      const named = Object.values(m.bySeniority).reduce((a, b) => a + b, 0)
                      return (
                        <tr>
                          <th scope="row">{label(m)}</th>
                          {CATEGORIES.map((c) => (
                            <td>{ofShare(m.byCategory[c] ?? 0, m.organizations)}</td>
                          ))}
                          {SENIORITIES.map((c) => (
                            <td>{ofShare(m.bySeniority[c] ?? 0, named)}</td>
                          ))}
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              </div>
              <p class="hint">{t('analytics.composition_hint')}</p>

              <h2>{t('analytics.hosts')}</h2>
              {hostRows.length ? (
                <table class="data">
                  <caption>{t('analytics.hosts_table')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('field.country')}</th>
                      <th scope="col">{t('field.region')}</th>
                      <th scope="col">{t('analytics.meetings')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {hostRows.map((h) => (
                      <tr>
                        <th scope="row">{h.name}</th>
                        <td>{h.region ? t(`region.${h.region}`) : '—'}</td>
                        <td>{nf.format(h.meetings)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p class="empty">{t('analytics.no_hosts')}</p>
              )}

              <h2>{t('analytics.cycle')}</h2>
              <ChartWithTable
                ctx={ctx}
                title={t('analytics.lead_chart')}
                column={t('analytics.lead_days')}
                svg={barChart({
                  title: t('analytics.lead_chart'),
                  bars: series.meetings.map((m) => ({ label: label(m), value: m.consultationLeadDays })),
                  format: nf.format,
                  rtl,
                })}
                rows={series.meetings.map((m) => [label(m), days(m.consultationLeadDays)])}
              />
              <ChartWithTable
                ctx={ctx}
                title={t('analytics.completion_chart')}
                column={t('analytics.completion')}
                svg={percentChart(
                  t('analytics.completion_chart'),
                  series.meetings.map((m) => ({
                    label: label(m),
                    part: m.actionsDone,
                    whole: m.actions - m.actionsDropped,
                  })),
                  { rtl, locale: ctx.lang },
                )}
                rows={series.meetings.map((m) => [label(m), share(m.completionShare)])}
              />
              <div class="table-scroll">
                <table class="data">
                  <caption>{t('analytics.cycle_table')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('reports.meeting.meeting')}</th>
                      <th scope="col">{t('analytics.consulted')}</th>
                      <th scope="col">{t('analytics.lead_days')}</th>
                      <th scope="col">{t('analytics.response_rate')}</th>
                      <th scope="col">{t('analytics.topics')}</th>
                      <th scope="col">{t('analytics.topics_carried')}</th>
                      <th scope="col">{t('analytics.topics_to_standardization')}</th>
                      <th scope="col">{t('analytics.actions_done')}</th>
                      <th scope="col">{t('analytics.overdue')}</th>
                      <th scope="col">{t('analytics.completion')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {series.meetings.map((m) => (
                      <tr>
                        <th scope="row">{label(m)}</th>
                        <td>{m.consulted ? t('analytics.yes') : t('analytics.no')}</td>
                        <td>{days(m.consultationLeadDays)}</td>
                        <td>
                          {m.consultationTargets
                            ? `${share(m.consultationResponseRate)} (${nf.format(m.consultationResponses)}/${nf.format(m.consultationTargets)})`
                            : '—'}
                        </td>
                        <td>{nf.format(m.topicsDiscussed)}</td>
                        <td>{nf.format(m.topicsCarried)}</td>
                        <td>{nf.format(m.topicsToStandardization)}</td>
                        <td>
                          {t('analytics.of', { part: nf.format(m.actionsDone), whole: nf.format(m.actions) })}
                        </td>
                        <td>{nf.format(m.actionsOverdue)}</td>
                        <td>{share(m.completionShare)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p class="hint">{t('analytics.definitions')}</p>
              <p class="hint">{t('analytics.cycle_hint')}</p>
            </>
          ) : (
            <p class="empty">{t('analytics.none')}</p>
          )}
        </>
      ) : null}
    </Layout>,
    errors ? 422 : 200,
  )
})
