import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { useHarness } from '../../testing/harness.ts'

const h = useHarness()

describe('a home page for every role', () => {
  test('secretariat: readiness of coming meetings and overdue actions; member: invitations and registrations; focal point: its country; public: past meetings', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db, { country_code: 'KE' })
    const person = await buildPerson(h.db, { organization_id: org.id })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    const coming = await buildMeeting(h.db, {
      status: 'registration_open',
      starts_at: new Date(Date.now() + 20 * 86400_000),
    })
    const past = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: new Date(Date.now() - 40 * 86400_000),
    })
    await h.db
      .insertInto('meeting_invitation')
      .values([
        { meeting_id: coming.id, organization_id: org.id, person_id: person.id, state: 'accepted' },
        { meeting_id: coming.id, organization_id: (await buildOrganization(h.db)).id, state: 'pending' },
      ])
      .execute()
    await h.db
      .insertInto('meeting_registration')
      .values({
        meeting_id: coming.id,
        organization_id: org.id,
        person_id: person.id,
        participation: 'onsite',
        status: 'registered',
      })
      .execute()
    const cons = await h.db
      .insertInto('consultation')
      .values({
        titles: JSON.stringify({ en: 'Needs before the coming meeting' }),
        purpose: 'pre_meeting_developing_countries',
        meeting_id: coming.id,
        audience: JSON.stringify({}),
        opens_at: new Date(Date.now() - 86400_000),
        closes_at: new Date(Date.now() + 10 * 86400_000),
        confidentiality: 'secretariat',
        status: 'open',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await h.db
      .insertInto('consultation_target')
      .values({ consultation_id: cons.id, country_code: 'KE' })
      .execute()
    const conclusion = await h.db
      .insertInto('conclusion')
      .values({ meeting_id: past.id, texts: JSON.stringify({ en: 'Do it' }), type: 'request' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await h.db
      .insertInto('follow_up_action')
      .values({
        conclusion_id: conclusion.id,
        what: JSON.stringify({ en: 'Late work' }),
        owner_body: 'SG13',
        responsible_user_id: rep.userId,
        due_date: '2020-01-01',
      })
      .execute()
    // A colleague's action is the organization's too; another organization's representative's is not.
    const colleague = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const stranger = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    for (const [who, what] of [
      [colleague, 'Colleague work'],
      [stranger, 'Stranger work'],
    ] as const)
      await h.db
        .insertInto('follow_up_action')
        .values({
          conclusion_id: conclusion.id,
          what: JSON.stringify({ en: what }),
          owner_body: 'SG13',
          responsible_user_id: who.userId,
          due_date: '2030-01-01',
        })
        .execute()

    const secHome = await (await h.request('/', { as: sec })).text()
    assert.match(secHome, /Coming meetings: are they ready\?/)
    assert.match(secHome, new RegExp(`/meetings/${coming.id}`))
    assert.match(
      secHome,
      /<td>Yes<\/td><td>Not yet<\/td><td>1 \/ 2<\/td>/,
      'consulted, no agenda, one of two invitations answered',
    )
    assert.match(secHome, /href="\/bodies\/SG13">SG13<\/a>: 1/, 'one overdue; the others are due in 2030')

    const repHome = await (await h.request('/', { as: rep })).text()
    assert.match(repHome, /Your organization’s meetings/)
    assert.match(repHome, /accepted/)
    assert.match(repHome, /registered/)
    assert.match(repHome, /Late work/, 'the action they answer for')
    assert.match(repHome, /Colleague work/, 'a colleague’s action: the organization’s')
    assert.doesNotMatch(repHome, /Stranger work/, 'another organization’s action')
    assert.doesNotMatch(repHome, /Coming meetings: are they ready/)

    const focalHome = await (await h.request('/', { as: focal })).text()
    assert.match(focalHome, /Your country’s consultations/)
    assert.match(focalHome, /Needs before the coming meeting<\/a> \(KE\)/)

    const publicHome = await (await h.request('/')).text()
    assert.match(publicHome, /Recent meetings/)
    assert.match(publicHome, new RegExp(`/meetings/${past.id}`))
    assert.doesNotMatch(publicHome, /Your country’s consultations|are they ready/)
  })
})
