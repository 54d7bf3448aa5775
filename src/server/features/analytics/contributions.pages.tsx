import { Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { attachment, CSV } from '../../http/download.ts'
import { uuidParam } from '../../http/forms.ts'
import { Layout, pageCtx } from '../../http/layout.tsx'
import { formatNumber } from '../../i18n/i18n.ts'
import { toCsv } from '../directory/import/csv.ts'
import { contributions } from './contributions.ts'

/** An organization's contributions: for the secretariat and the organization's own representatives. */
export const contributionPages = new Hono<AppEnv>()

contributionPages.get('/organizations/:id/contributions', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const x = await contributions(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'))
  if (c.req.query('format') === 'csv') {
    const columns = ['person', 'meetings', 'as_principal', 'as_alternate', 'as_substitute', 'as_other']
    return attachment(
      toCsv(
        columns,
        x.people.map((p) => ({
          person: p.name,
          meetings: p.meetings,
          as_principal: p.asPrincipal,
          as_alternate: p.asAlternate,
          as_substitute: p.asSubstitute,
          as_other: p.asOther,
        })),
      ),
      CSV,
      'engage-contributions.csv',
      { 'Cache-Control': 'private, no-store' },
    )
  }
  const n = (v: number) => formatNumber(v, ctx.lang)
  return c.html(
    <Layout ctx={ctx} title={t('contributions.title', { organization: x.organization.name })}>
      <p class="breadcrumb">
        <a href={`/organizations/${x.organization.id}`}>{x.organization.name}</a>
      </p>
      <h1>{t('contributions.title', { organization: x.organization.name })}</h1>
      <p class="lead">{t('contributions.intro')}</p>
      <dl class="facts">
        <dt>{t('contributions.meetings')}</dt>
        <dd>{n(x.meetings)}</dd>
        <dt>{t('contributions.consultations')}</dt>
        <dd>{n(x.consultationsAnswered)}</dd>
        <dt>{t('contributions.topics')}</dt>
        <dd>{n(x.topicsProposed)}</dd>
        <dt>{t('contributions.actions')}</dt>
        <dd>
          {t('contributions.actions_value', { owned: n(x.actionsOwned), completed: n(x.actionsCompleted) })}
        </dd>
      </dl>
      <h2>{t('contributions.people')}</h2>
      {x.people.length ? (
        <>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('contributions.person')}</th>
                <th scope="col">{t('contributions.meetings')}</th>
                <th scope="col">{t('attended_as.principal')}</th>
                <th scope="col">{t('attended_as.alternate')}</th>
                <th scope="col">{t('attended_as.substitute')}</th>
                <th scope="col">{t('attended_as.other')}</th>
              </tr>
            </thead>
            <tbody>
              {x.people.map((p) => (
                <tr>
                  <th scope="row">
                    <a href={`/people/${p.personId}`}>{p.name}</a>
                  </th>
                  <td>{n(p.meetings)}</td>
                  <td>{n(p.asPrincipal)}</td>
                  <td>{n(p.asAlternate)}</td>
                  <td>{n(p.asSubstitute)}</td>
                  <td>{n(p.asOther)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a
              class="button secondary"
              href={`/organizations/${x.organization.id}/contributions?format=csv`}
              download
            >
              {t('contributions.download')}
            </a>
          </p>
        </>
      ) : (
        <p class="empty">{t('contributions.none')}</p>
      )}
    </Layout>,
  )
})
