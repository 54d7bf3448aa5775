import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import { generate } from '../../cli/generate.ts'
import { useHarness } from '../testing/harness.ts'

const h = useHarness()

/**
 * No N+1: the number of SQL statements behind each page must not grow with the rows it shows. Every page is
 * counted on the small synthetic dataset, then again after the data has doubled and the very objects the
 * pages show have gained many more related rows (attendees, events, people, members, answers).
 */
describe('the statements a page issues are bounded', () => {
  test('list, detail, analytics and home pages: the same count with twice the data', async () => {
    await generate(h.db, 'small', 1)
    const sec = await h.user([{ role: 'secretariat' }])
    const one = async <T>(q: Promise<T | undefined>) => {
      const r = await q
      assert.ok(r)
      return r
    }
    const meeting = await one(
      h.db
        .selectFrom('meeting')
        .select('id')
        .where('status', '=', 'concluded')
        .where(sql<boolean>`titles->>'en' = 'Generated meeting small.1-5'`)
        .executeTakeFirst(),
    )
    const topic = await one(
      h.db
        .selectFrom('topic')
        .select('id')
        .where(sql<boolean>`titles->>'en' = 'Generated topic small.1-7'`)
        .executeTakeFirst(),
    )
    const org = await one(
      h.db
        .selectFrom('organization')
        .select('id')
        .where('name', '=', 'Generated small.1-00005')
        .executeTakeFirst(),
    )
    const person = await one(
      h.db.selectFrom('person').select('id').where('organization_id', '=', org.id).executeTakeFirst(),
    )
    const group = await one(
      h.db
        .selectFrom('engagement_group')
        .select('id')
        .where(sql<boolean>`names->>'en' = 'CTO group (generated small.1)'`)
        .executeTakeFirst(),
    )
    const consultation = await one(
      h.db
        .selectFrom('consultation')
        .select('id')
        .where(sql<boolean>`titles->>'en' = 'Generated consultation small.1-1'`)
        .executeTakeFirst(),
    )
    const action = await one(
      h.db
        .selectFrom('follow_up_action as a')
        .innerJoin('conclusion as c', 'c.id', 'a.conclusion_id')
        .select('a.id')
        .where('c.meeting_id', '=', meeting.id)
        .executeTakeFirst(),
    )
    const pages = [
      '/',
      '/organizations',
      `/organizations/${org.id}`,
      `/organizations/${org.id}/contributions`,
      '/people',
      `/people/${person.id}`,
      '/groups',
      `/groups/${group.id}`,
      '/meetings',
      `/meetings/${meeting.id}`,
      `/meetings/${meeting.id}/agenda`,
      '/topics',
      `/topics/${topic.id}`,
      '/consultations',
      `/consultations/${consultation.id}`,
      `/consultations/${consultation.id}/results`,
      '/bodies',
      '/bodies/SG13',
      `/actions/${action.id}`,
      '/analytics',
      `/analytics?group=${group.id}`,
      '/api/v1/metrics/meetings',
      '/api/v1/organizations',
      '/api/v1/meetings',
      '/plan',
      '/plan/indicators',
      '/plan/scorecard',
      '/reports',
    ]
    const count = async () => {
      const out: Record<string, number> = {}
      for (const path of pages) {
        // Derived figures are computed, not read from the cache (src/server/db/derived.ts): the count is
        // the one that could grow with the data. A warm cache only replaces computations by one read each.
        await h.db.deleteFrom('derived_cache').execute()
        const before = h.statements.count
        const res = await h.request(path, { as: sec })
        assert.equal(res.status, 200, path)
        await res.arrayBuffer()
        out[path] = h.statements.count - before
      }
      return out
    }
    const small = await count()
    for (const p of pages) assert.ok(small[p]! > 0, `${p} is counted`)

    // Twice the data, and many more rows on the very objects shown.
    await generate(h.db, 'small', 2)
    const others = await h.db
      .selectFrom('organization')
      .select('id')
      .where('name', 'like', 'Generated small.2-%')
      .orderBy('name')
      .limit(60)
      .execute()
    const people = await h.db
      .selectFrom('person')
      .select(['id', 'organization_id'])
      .where(
        'organization_id',
        'in',
        others.map((o) => o.id),
      )
      .execute()
    const firstOf = new Map<string, string>()
    for (const p of people) if (!firstOf.has(p.organization_id)) firstOf.set(p.organization_id, p.id)
    for (const o of others) {
      const p = firstOf.get(o.id) ?? null
      await h.db
        .insertInto('meeting_invitation')
        .values({ meeting_id: meeting.id, organization_id: o.id, person_id: p, state: 'accepted' })
        .execute()
      if (p)
        await h.db
          .insertInto('meeting_registration')
          .values({
            meeting_id: meeting.id,
            organization_id: o.id,
            person_id: p,
            participation: 'onsite',
            status: 'registered',
          })
          .execute()
      await h.db
        .insertInto('meeting_attendance')
        .values({
          meeting_id: meeting.id,
          organization_id: o.id,
          person_id: p,
          attended_as: 'principal',
          captured_by: 'list',
        })
        .execute()
      await h.db
        .insertInto('group_membership')
        .values({
          group_id: group.id,
          organization_id: o.id,
          principal_person_id: p,
          start_date: '2020-01-01',
        })
        .execute()
      const target = await h.db
        .insertInto('consultation_target')
        .values({ consultation_id: consultation.id, organization_id: o.id })
        .returning('id')
        .executeTakeFirstOrThrow()
      await h.db
        .insertInto('consultation_response')
        .values({
          consultation_id: consultation.id,
          target_id: target.id,
          questionnaire_version: 1,
          answers: JSON.stringify({ theme: 'ai', why: 'More' }),
          state: 'submitted',
          submitted_at: new Date('2020-01-01T00:00:00Z'),
        })
        .execute()
    }
    for (let i = 0; i < 30; i++) {
      await h.db
        .insertInto('person')
        .values({ name: `More people ${i}`, organization_id: org.id, seniority: 'expert' })
        .execute()
      await h.db
        .insertInto('topic_event')
        .values({ topic_id: topic.id, kind: 'supported', reason: `Note ${i}`, by_label: 'Test' })
        .execute()
      const conclusion = await h.db
        .insertInto('conclusion')
        .values({
          meeting_id: meeting.id,
          topic_id: topic.id,
          texts: JSON.stringify({ en: `More ${i}` }),
          type: 'decision',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await h.db
        .insertInto('follow_up_action')
        .values({
          conclusion_id: conclusion.id,
          what: JSON.stringify({ en: `More action ${i}` }),
          owner_body: 'SG13',
          responsible_user_id: sec.userId,
          due_date: '2030-01-01',
        })
        .execute()
      await h.db
        .insertInto('action_update')
        .values({ action_id: action.id, note: `Step ${i}`, by_label: 'Test' })
        .execute()
    }
    const large = await count()
    if (process.env.SHOW_STATEMENTS) console.log(pages.map((p) => `${small[p]} ${large[p]} ${p}`).join('\n'))
    const grew = pages.filter((p) => large[p] !== small[p]).map((p) => `${p}: ${small[p]} → ${large[p]}`)
    assert.deepEqual(grew, [], 'statements that grew with the data (N+1)')
  })
})
