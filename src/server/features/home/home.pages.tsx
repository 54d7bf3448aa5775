import { Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { Layout, Notice, pageCtx } from '../../http/layout.tsx'
import { formatDate, formatDateTime, formatNumber } from '../../i18n/i18n.ts'
import { isAdmin, isStaff, isUser } from '../auth/auth.policy.ts'
import { ConsultationQuerySchema } from '../consultations/consultations.schema.ts'
import { listConsultations } from '../consultations/consultations.service.ts'
import { directoryCounts } from '../directory/directory.service.ts'
import { MeetingQuerySchema } from '../meetings/meetings.schema.ts'
import { searchMeetings } from '../meetings/meetings.service.ts'
import { focalPointDashboard, memberDashboard, publicDashboard, secretariatDashboard } from './dashboards.ts'

export const homePages = new Hono<AppEnv>()

homePages.get('/', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const [counts, upcoming, openConsultations, sec, member, focal, open] = await Promise.all([
    directoryCounts(db, ctx.actor),
    searchMeetings(db, ctx.actor, MeetingQuerySchema.parse({ when: 'upcoming', pageSize: 5 }), ctx.lang),
    isUser(ctx.actor)
      ? listConsultations(
          db,
          ctx.actor,
          ConsultationQuerySchema.parse({ status: 'open', sort: 'closes', dir: 'asc', pageSize: 5 }),
          ctx.lang,
        )
      : Promise.resolve({ items: [], total: 0 }),
    secretariatDashboard(db, ctx.actor, ctx.lang),
    memberDashboard(db, ctx.actor, ctx.lang),
    focalPointDashboard(db, ctx.actor, ctx.lang),
    publicDashboard(db, ctx.lang),
  ])
  const yes = (v: boolean) => (v ? ctx.t('home.dash.yes') : ctx.t('home.dash.no'))
  const t = ctx.t
  const cards = [
    {
      href: '/organizations',
      label: t('nav.organizations'),
      n: counts.organizations,
      text: t('home.organizations'),
    },
    { href: '/people', label: t('nav.people'), n: counts.people, text: t('home.people') },
    { href: '/groups', label: t('nav.groups'), n: counts.groups, text: t('home.groups') },
    { href: '/countries', label: t('nav.countries'), n: counts.countries, text: t('home.countries') },
  ]
  return c.html(
    <Layout ctx={ctx} title={t('home.title')}>
      <h1>{t('home.title')}</h1>
      <Notice ctx={ctx} />
      <p>{t('home.intro')}</p>
      {sec ? (
        <section aria-labelledby="ready-h">
          <h2 id="ready-h">{t('home.dash.readiness')}</h2>
          {sec.meetings.length ? (
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{t('reports.meeting.meeting')}</th>
                  <th scope="col">{t('home.dash.consulted')}</th>
                  <th scope="col">{t('home.dash.agenda')}</th>
                  <th scope="col">{t('home.dash.answered')}</th>
                </tr>
              </thead>
              <tbody>
                {sec.meetings.map((m) => (
                  <tr>
                    <th scope="row">
                      <a href={`/meetings/${m.id}`}>{m.title}</a>
                      <br />
                      <span class="muted">{formatDateTime(m.startsAt, ctx.lang)}</span>
                    </th>
                    <td>{yes(m.consulted)}</td>
                    <td>{yes(m.agendaPublished)}</td>
                    <td>
                      {formatNumber(m.answered, ctx.lang)} / {formatNumber(m.invited, ctx.lang)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="empty">{t('home.no_upcoming')}</p>
          )}
          <h3>{t('home.dash.overdue')}</h3>
          {sec.overdue.length ? (
            <ul>
              {sec.overdue.map((o) => (
                <li>
                  <a href={`/bodies/${encodeURIComponent(o.body)}`}>{o.body}</a>:{' '}
                  {formatNumber(o.n, ctx.lang)}
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">{t('home.dash.none_overdue')}</p>
          )}
          <h3>{t('home.dash.off_track')}</h3>
          {sec.offTrack.length ? (
            <ul>
              {sec.offTrack.map((i) => (
                <li>
                  <a href={`/plan/indicators#ind-${i.code}`}>{i.name}</a> —{' '}
                  {t(`plan.indicator_status.${i.status}`)}
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">{t('home.dash.none_off_track')}</p>
          )}
        </section>
      ) : null}
      {member ? (
        <section aria-labelledby="member-h">
          <h2 id="member-h">{t('home.dash.your_meetings')}</h2>
          <h3>{t('home.dash.invitations')}</h3>
          {member.invitations.length ? (
            <ul>
              {member.invitations.map((m) => (
                <li>
                  <a href={`/meetings/${m.id}`}>{m.title}</a> — {formatDateTime(m.startsAt, ctx.lang)} ·{' '}
                  {t(`home.dash.invitation_states.${m.state}`)}
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">{t('home.dash.no_invitations')}</p>
          )}
          <h3>{t('home.dash.registrations')}</h3>
          {member.registrations.length ? (
            <ul>
              {member.registrations.map((m) => (
                <li>
                  <a href={`/meetings/${m.id}`}>{m.title}</a> — {m.person} ·{' '}
                  {t(`home.dash.registration_states.${m.status}`)}
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">{t('home.dash.no_registrations')}</p>
          )}
          <h3>{t('home.dash.your_actions')}</h3>
          {member.actions.length ? (
            <ul>
              {member.actions.map((a) => (
                <li>
                  <a href={`/actions/${a.id}`}>{a.what}</a> — {a.responsible} · {t('follow_up.due')}{' '}
                  {formatDate(a.dueDate, ctx.lang)}
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">{t('home.dash.no_actions')}</p>
          )}
        </section>
      ) : null}
      {focal ? (
        <section aria-labelledby="focal-h">
          <h2 id="focal-h">{t('home.dash.country_consultations')}</h2>
          {focal.length ? (
            <ul>
              {focal.map((x) => (
                <li>
                  <a href={`/consultations/${x.id}`}>{x.title}</a> ({x.country}) —{' '}
                  {x.answer === 'submitted'
                    ? t('home.dash.answered_yes')
                    : x.status === 'open'
                      ? t('home.closes', { when: formatDateTime(x.closesAt, ctx.lang) })
                      : t('home.dash.not_answered')}
                  {x.status === 'closed' ? (
                    <>
                      {' '}
                      · <a href={`/consultations/${x.id}/results`}>{t('home.dash.results')}</a>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">{t('home.dash.no_country_consultations')}</p>
          )}
        </section>
      ) : null}
      <section aria-labelledby="upcoming-h">
        <h2 id="upcoming-h">{t('home.upcoming')}</h2>
        {upcoming.items.length ? (
          <ul>
            {upcoming.items.map((m) => (
              <li>
                <a href={`/meetings/${m.id}`}>{m.title}</a> —{' '}
                {formatDateTime(m.startsAt, ctx.lang, m.timeZone)}
                {m.city ? ` · ${m.city}` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">{t('home.no_upcoming')}</p>
        )}
        <p>
          <a href="/meetings">{t('home.all_meetings')}</a>
        </p>
      </section>
      {isUser(ctx.actor) ? (
        <section aria-labelledby="consultations-h">
          <h2 id="consultations-h">{t('home.open_consultations')}</h2>
          {openConsultations.items.length ? (
            <ul>
              {openConsultations.items.map((x) => (
                <li>
                  <a href={`/consultations/${x.id}`}>{x.title}</a> —{' '}
                  {t('home.closes', { when: formatDateTime(x.closesAt, ctx.lang) })}
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">{t('home.no_open_consultations')}</p>
          )}
          <p>
            <a href="/consultations">{t('home.all_consultations')}</a>
          </p>
        </section>
      ) : null}
      <section aria-labelledby="past-h">
        <h2 id="past-h">{t('home.dash.past')}</h2>
        {open.past.length ? (
          <ul>
            {open.past.map((m) => (
              <li>
                <a href={`/meetings/${m.id}`}>{m.title}</a> — {formatDateTime(m.startsAt, ctx.lang)}
                {m.city ? ` · ${m.city}` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">{t('home.dash.no_past')}</p>
        )}
        {open.results.length ? (
          <>
            <h3>{t('home.dash.published_results')}</h3>
            <ul>
              {open.results.map((x) => (
                <li>
                  <a href={`/consultations/${x.id}/results`}>{x.title}</a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <p>
          {t('home.dash.open_data')} <a href="/analytics">{t('nav.analytics')}</a> ·{' '}
          <a href="/api/docs">{t('nav.api')}</a>
        </p>
      </section>
      <ul class="cards">
        {cards.map((card) => (
          <li class="card">
            <h2>
              <a href={card.href}>{card.label}</a>
            </h2>
            <p class="figure">{formatNumber(card.n, ctx.lang)}</p>
            <p class="muted">{card.text}</p>
          </li>
        ))}
      </ul>
      {isUser(ctx.actor) || ctx.actor.kind === 'system' ? (
        <section aria-labelledby="work-h">
          <h2 id="work-h">{t('home.your_work')}</h2>
          <ul>
            {isStaff(ctx.actor) ? (
              <>
                <li>
                  <a href="/meetings/new">{t('meeting.new')}</a>
                </li>
                <li>
                  <a href="/consultations/new">{t('consultations.new')}</a>
                </li>
                <li>
                  <a href="/priorities">{t('topics.priorities')}</a>
                </li>
                <li>
                  <a href="/reports">{t('home.reports')}</a>
                </li>
                <li>
                  <a href="/organizations/new">{t('org.new')}</a>
                </li>
                <li>
                  <a href="/import">{t('nav.import')}</a>
                </li>
                <li>
                  <a href="/admin/outbox">{t('nav.outbox')}</a>
                </li>
              </>
            ) : null}
            {isAdmin(ctx.actor) ? (
              <>
                <li>
                  <a href="/admin/users">{t('nav.users')}</a>
                </li>
                <li>
                  <a href="/admin/audit">{t('nav.audit')}</a>
                </li>
                <li>
                  <a href="/admin/retention">{t('nav.retention')}</a>
                </li>
              </>
            ) : null}
            <li>
              <a href="/topics">{t('home.topics')}</a>
            </li>
            <li>
              <a href="/bodies">{t('home.follow_up')}</a>
            </li>
            <li>
              <a href="/structure">{t('home.structure')}</a>
            </li>
            <li>
              <a href="/plan">{t('home.plan')}</a>
            </li>
            {isAdmin(ctx.actor) ? (
              <li>
                <a href="/admin/topic-lifecycle">{t('topics.lifecycle_title')}</a>
              </li>
            ) : null}
            <li>
              <a href="/account">{t('account.title')}</a>
            </li>
          </ul>
        </section>
      ) : (
        <p>
          <a href="/auth/sign-in">{t('home.sign_in_prompt')}</a>
        </p>
      )}
    </Layout>,
  )
})
