import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type TestUser, useHarness } from '../../testing/harness.ts'
import { dispatchInvitations, sendConsultationReminders } from './invitations.ts'

const h = useHarness()
const PUBLIC = 'http://localhost:3000'

const questionnaire = {
  sections: [
    {
      id: 'needs',
      title: { en: 'Needs', fr: 'Besoins' },
      questions: [
        {
          id: 'priority',
          type: 'single_choice',
          text: { en: 'Top priority', fr: 'Priorité' },
          required: true,
          options: [
            { id: 'ai', label: { en: 'AI' } },
            { id: 'connect', label: { en: 'Connectivity' } },
          ],
        },
      ],
    },
  ],
}

async function create(sec: TestUser, overrides: Record<string, unknown> = {}) {
  const res = await h.request('/api/v1/consultations', {
    method: 'POST',
    as: sec,
    json: {
      titles: { en: 'Pre-meeting consultation', fr: 'Consultation préalable' },
      purpose: 'pre_meeting_developing_countries',
      // Two countries, chosen by name, so the counts below are exact.
      audience: { kind: 'countries', countries: ['SN', 'KE'] },
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 10 * 86400_000).toISOString(),
      confidentiality: 'secretariat',
      questionnaire,
      ...overrides,
    },
  })
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as { id: string; invitations: unknown }
}

const open = (sec: TestUser, id: string) =>
  h.request(`/api/v1/consultations/${id}/open`, { method: 'POST', as: sec })

async function mailTo(email: string) {
  return h.db
    .selectFrom('outbox_email')
    .select(['subject', 'body_text'])
    .where('to_address', '=', email)
    .orderBy('created_at')
    .execute()
}

const linkIn = (text: string) =>
  /(http:\/\/localhost:3000\/c\/\S+)/.exec(text)?.[1]?.replace(PUBLIC, '') ?? ''

/** A visitor's CSRF token (every form carries one), then the link's page as that visitor. */
async function visitorForm(path: string) {
  const signIn = await h.request('/auth/sign-in')
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signIn.text())?.[1] ?? ''
  const res = await h.request(path, { headers: { Cookie: cookie } })
  return { res, cookie, csrf }
}

async function useLink(path: string) {
  const { res, cookie, csrf } = await visitorForm(path)
  const post = await h.request(path, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf }),
  })
  return { get: res, post }
}

describe('consultation invitations and personal links', () => {
  test('opening invites each focal point of each targeted country once, in their language', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const sn1 = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const sn2 = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const fr = await h.user([{ role: 'focal_point', countryCode: 'FR' }])
    await h.db
      .updateTable('app_user')
      .set({ preferred_language: 'fr' })
      .where('id', '=', sn1.userId)
      .execute()
    const c = await create(sec)
    assert.equal((await open(sec, c.id)).status, 200)
    const [mail] = await mailTo(sn1.email)
    assert.ok(mail)
    assert.match(mail.subject, /Consultation préalable/, 'the subject is in French, the title too')
    assert.match(mail.body_text, /Consultation préalable/)
    assert.ok(linkIn(mail.body_text).startsWith('/c/'))
    assert.equal((await mailTo(sn2.email)).length, 1)
    assert.equal((await mailTo(fr.email)).length, 0, 'a country outside the audience is not asked')
    // Running the periodic dispatch again sends nothing new; a focal point named later is invited then.
    assert.equal(await dispatchInvitations(h.db, PUBLIC), 0)
    const ke = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal(await dispatchInvitations(h.db, PUBLIC, { consultationId: c.id }), 1)
    assert.equal((await mailTo(ke.email)).length, 1)
    const got = (await (await h.request(`/api/v1/consultations/${c.id}`, { as: sec })).json()) as {
      invitations: { targetsInvited: number; peopleInvited: number; firstSentAt: string; reminded: number }
    }
    assert.equal(got.invitations.targetsInvited, 2)
    assert.equal(got.invitations.peopleInvited, 3)
    assert.equal(got.invitations.reminded, 0)
    const asFocal = (await (await h.request(`/api/v1/consultations/${c.id}`, { as: sn1 })).json()) as {
      invitations: unknown
    }
    assert.equal(asFocal.invitations, null, 'who was invited is for the secretariat')
  })

  test('a consultation opened before its opening date sends its invitations when the date comes', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const sn = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const c = await create(sec, {
      opensAt: new Date(Date.now() + 2 * 86400_000).toISOString(),
      closesAt: new Date(Date.now() + 12 * 86400_000).toISOString(),
    })
    await open(sec, c.id)
    assert.equal((await mailTo(sn.email)).length, 0)
    await dispatchInvitations(h.db, PUBLIC, {
      consultationId: c.id,
      now: new Date(Date.now() + 2 * 86400_000 + 60_000),
    })
    assert.equal((await mailTo(sn.email)).length, 1)
  })

  test('a link signs its respondent in once and opens the response; used, expired or staff links are refused', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const sn = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const ke = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    const c = await create(sec)
    await open(sec, c.id)
    const link = linkIn((await mailTo(sn.email))[0]!.body_text)
    const first = await useLink(link)
    assert.equal(first.get.status, 200)
    assert.match(await first.get.text(), /Pre-meeting consultation, for Senegal/)
    assert.equal(first.post.status, 303)
    const location = first.post.headers.get('location') ?? ''
    assert.match(location, new RegExp(`^/consultations/${c.id}/respond/[0-9a-f-]{36}$`))
    const session = /engage_session=([^;]+)/.exec(first.post.headers.get('set-cookie') ?? '')?.[1]
    assert.ok(session, 'the link signed the respondent in')
    const page = await h.request(location, { headers: { Cookie: `__Host-engage_session=${session}` } })
    assert.equal(page.status, 200)
    assert.match(await page.text(), /Top priority/)

    const again = await useLink(link)
    assert.equal(again.get.status, 400)
    assert.match(await again.get.text(), /already been used/)
    assert.equal(again.post.status, 400)
    assert.equal((again.post.headers.get('set-cookie') ?? '').includes('engage_session='), false)

    // Expired.
    const keLink = linkIn((await mailTo(ke.email))[0]!.body_text)
    await h.db
      .updateTable('consultation_invitation')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', ke.userId)
      .execute()
    const expired = await useLink(keLink)
    assert.equal(expired.get.status, 400)
    assert.match(await expired.get.text(), /expired/)
    assert.equal(expired.post.status, 400)

    // A staff account is never signed in by a link, even one that was issued to it.
    const both = await h.user([{ role: 'focal_point', countryCode: 'SN' }, { role: 'secretariat' }])
    await dispatchInvitations(h.db, PUBLIC, { consultationId: c.id })
    const staffLink = linkIn((await mailTo(both.email))[0]!.body_text)
    assert.equal((await useLink(staffLink)).post.status, 400)

    // Unknown.
    assert.equal((await useLink('/c/not-a-real-token')).get.status, 400)
  })

  test('reminders go once, before closing, to those whose country has not submitted, with a fresh link', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const sn = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const ke = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    const c = await create(sec)
    await open(sec, c.id)
    const snFirst = linkIn((await mailTo(sn.email))[0]!.body_text)
    await useLink(snFirst)
    const [target] = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: ke })
    ).json()) as { id: string }[]
    const submitted = await h.request(`/api/v1/consultations/${c.id}/responses/${target!.id}`, {
      method: 'PUT',
      as: ke,
      json: { answers: { priority: 'ai' }, submit: true },
    })
    assert.equal(submitted.status, 200)
    // Too early: closing is 10 days away.
    assert.equal(await sendConsultationReminders(h.db, PUBLIC), 0)
    const nearClosing = new Date(Date.now() + 8 * 86400_000)
    // (Other tests' consultations close then too: the count covers them; the mail below is this one's.)
    assert.ok((await sendConsultationReminders(h.db, PUBLIC, nearClosing)) >= 1)
    assert.equal(await sendConsultationReminders(h.db, PUBLIC, nearClosing), 0, 'once')
    const snMail = await mailTo(sn.email)
    assert.equal(snMail.length, 2)
    assert.match(snMail[1]!.subject, /Reminder/)
    assert.equal((await mailTo(ke.email)).length, 1, 'Kenya submitted: no reminder')
    const fresh = linkIn(snMail[1]!.body_text)
    assert.notEqual(fresh, snFirst)
    assert.equal((await useLink(fresh)).post.status, 303)
  })

  test('a closed consultation’s links no longer work', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const sn = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const c = await create(sec)
    await open(sec, c.id)
    await h.request(`/api/v1/consultations/${c.id}/close`, { method: 'POST', as: sec })
    const link = linkIn((await mailTo(sn.email))[0]!.body_text)
    const r = await useLink(link)
    assert.equal(r.get.status, 400)
    assert.equal(r.post.status, 400)
  })
})
