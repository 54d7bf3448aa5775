import { Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { Layout, Notice, pageCtx } from '../../http/layout.tsx'
import { formatDateTime, formatNumber } from '../../i18n/i18n.ts'
import { isAdmin, isStaff, isUser } from '../auth/auth.policy.ts'
import { ConsultationQuerySchema } from '../consultations/consultations.schema.ts'
import { listConsultations } from '../consultations/consultations.service.ts'
import { directoryCounts } from '../directory/directory.service.ts'
import { MeetingQuerySchema } from '../meetings/meetings.schema.ts'
import { searchMeetings } from '../meetings/meetings.service.ts'

export const homePages = new Hono<AppEnv>()

homePages.get('/', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const [counts, upcoming, openConsultations] = await Promise.all([
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
  ])
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
              </>
            ) : null}
            <li>
              <a href="/topics">{t('home.topics')}</a>
            </li>
            <li>
              <a href="/bodies">{t('home.follow_up')}</a>
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
