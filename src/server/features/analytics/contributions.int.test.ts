import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { useHarness } from '../../testing/harness.ts'

const h = useHarness()

describe('contributors recognized', () => {
  test('an organization’s record across meetings, consultations, topics and actions; its own and the secretariat only', async () => {
    const org = await buildOrganization(h.db, { country_code: 'KE' })
    const ada = await buildPerson(h.db, { organization_id: org.id, name: 'Ada Contributor' })
    const ben = await buildPerson(h.db, { organization_id: org.id, name: 'Ben Contributor' })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const sec = await h.user([{ role: 'secretariat' }])
    const m1 = await buildMeeting(h.db, { status: 'concluded', starts_at: new Date('2020-03-10T08:00:00Z') })
    const m2 = await buildMeeting(h.db, { status: 'concluded', starts_at: new Date('2021-03-10T08:00:00Z') })
    const draft = await buildMeeting(h.db, { status: 'draft' })
    for (const [m, p, as] of [
      [m1, ada, 'principal'],
      [m2, ada, 'alternate'],
      [m2, ben, 'substitute'],
      [draft, ben, 'principal'],
    ] as const)
      await h.db
        .insertInto('meeting_attendance')
        .values({
          meeting_id: m.id,
          organization_id: org.id,
          person_id: p.id,
          attended_as: as,
          captured_by: 'list',
        })
        .execute()
    await h.db
      .insertInto('topic')
      .values({
        titles: JSON.stringify({ en: 'Proposed by them' }),
        source: 'member_proposal',
        proposed_by_organization_id: org.id,
      })
      .execute()
    const conclusion = await h.db
      .insertInto('conclusion')
      .values({ meeting_id: m1.id, texts: JSON.stringify({ en: 'x' }), type: 'request' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await h.db
      .insertInto('follow_up_action')
      .values([
        {
          conclusion_id: conclusion.id,
          what: JSON.stringify({ en: 'a' }),
          owner_body: 'SG13',
          responsible_user_id: rep.userId,
          due_date: '2021-01-01',
          status: 'done',
        },
        {
          conclusion_id: conclusion.id,
          what: JSON.stringify({ en: 'b' }),
          owner_body: 'SG13',
          responsible_user_id: rep.userId,
          due_date: '2022-01-01',
        },
      ])
      .execute()

    const page = await h.request(`/organizations/${org.id}/contributions`, { as: rep })
    assert.equal(page.status, 200)
    const html = await page.text()
    assert.match(html, /<dt>Meetings attended<\/dt><dd>2<\/dd>/, 'the draft meeting does not count')
    assert.match(html, /<dt>Topics proposed<\/dt><dd>1<\/dd>/)
    assert.match(html, /2 owned, 1 completed/)
    assert.match(html, /Ada Contributor<\/a><\/th><td>2<\/td><td>1<\/td><td>1<\/td><td>0<\/td>/)
    const csv = await (
      await h.request(`/organizations/${org.id}/contributions?format=csv`, { as: sec })
    ).text()
    assert.match(csv, /^person,meetings,as_principal,as_alternate,as_substitute,as_other/)
    assert.match(csv, /Ben Contributor,1,0,0,1,0/)
    const other = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    assert.equal((await h.request(`/organizations/${org.id}/contributions`, { as: other })).status, 403)
    assert.equal(
      (await h.request(`/organizations/${org.id}/contributions`)).status,
      303,
      'anonymous: sign in',
    )
    const orgPage = await (await h.request(`/organizations/${org.id}`, { as: other })).text()
    assert.doesNotMatch(orgPage, /\/contributions/, 'no link for those who may not see it')
  })
})
