import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { checkAnswers, QuestionnaireSchema } from '../server/features/consultations/questionnaire.ts'
import { type TestUser, useHarness } from '../server/testing/harness.ts'
import { loadDemo } from './demo.ts'

const h = useHarness()
let counts: Awaited<ReturnType<typeof loadDemo>>
let sec: TestUser

describe('the demo dataset', () => {
  before(async () => {
    counts = await loadDemo(h.db)
    sec = await h.user([{ role: 'secretariat' }])
  })

  test('has topics, conclusions, follow-up actions and consultations besides the meetings', () => {
    for (const key of [
      'organizations',
      'meetings',
      'topics',
      'conclusions',
      'actions',
      'consultations',
    ] as const)
      assert.ok(counts[key] > 0, `${key}: ${counts[key]}`)
  })

  test('spreads its meetings over the three Sectors and the Union, with the Industry Advisory Panel and its advice', async () => {
    const bySector = await h.db
      .selectFrom('meeting as m')
      .leftJoin('sector as s', 's.id', 'm.sector_id')
      .select(['s.code', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('s.code')
      .execute()
    const n = (code: string | null) => Number(bySector.find((r) => r.code === code)?.n ?? 0)
    assert.ok(n('ITU-T') > 10 && n('ITU-R') >= 1 && n('ITU-D') >= 2 && n(null) >= 1, JSON.stringify(bySector))
    const unsectored = await h.db
      .selectFrom('follow_up_action as a')
      .innerJoin('conclusion as c', 'c.id', 'a.conclusion_id')
      .innerJoin('meeting as m', 'm.id', 'c.meeting_id')
      .select('a.id')
      .where((eb) => eb('a.sector_id', 'is distinct from', eb.ref('m.sector_id')))
      .execute()
    assert.equal(unsectored.length, 0, 'actions take their meeting’s Sector')
    const toTsag = await h.db
      .selectFrom('follow_up_action')
      .select(['owner_body_id'])
      .where('owner_body', '=', 'TSAG')
      .execute()
    assert.ok(
      toTsag.length > 0 && toTsag.every((a) => a.owner_body_id),
      'actions to TSAG are linked to the body',
    )
    const advice = await h.db
      .selectFrom('advisory_panel_advice as a')
      .innerJoin('advisory_panel as p', 'p.id', 'a.panel_id')
      .select(['a.status', 'a.addressed_to_body_id', 'p.reports_to_body_id'])
      .execute()
    assert.ok(advice.length >= 4)
    assert.ok(
      advice.every((a) => a.addressed_to_body_id && a.reports_to_body_id),
      'addressed to bodies of the structure',
    )
    assert.ok(new Set(advice.map((a) => a.status)).size >= 4)
  })

  test('refuses to load twice', async () => {
    await assert.rejects(loadDemo(h.db), /already loaded/)
  })

  test('every topic is in the state its last transition took it to, and every move is allowed', async () => {
    const { rows: topics } = await sql<{ title: string; state: string; last: string | null }>`
      SELECT t.titles->>'en' AS title, t.state,
        (SELECT e.to_state FROM topic_event e WHERE e.topic_id = t.id AND e.kind = 'transition'
         ORDER BY e.id DESC LIMIT 1) AS last
      FROM topic t`.execute(h.db)
    assert.equal(topics.length, counts.topics)
    for (const t of topics) assert.equal(t.state, t.last ?? 'proposed', t.title)
    const { rows: bad } = await sql<{ from_state: string; to_state: string }>`
      SELECT e.from_state, e.to_state FROM topic_event e
      WHERE e.kind = 'transition' AND NOT EXISTS (SELECT 1 FROM topic_transition_rule r
        WHERE r.from_state = e.from_state AND r.to_state = e.to_state)`.execute(h.db)
    assert.deepEqual(bad, [])
    const states = new Set(topics.map((t) => t.state))
    for (const s of ['proposed', 'work_item', 'standard_approved', 'closed'])
      assert.ok(states.has(s), `some topic is ${s}`)
  })

  test('each transition starts where the previous one ended, at a concluded meeting, in time order', async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        SELECT e.*, lag(e.to_state) OVER w AS before, lag(e.at) OVER w AS before_at
        FROM topic_event e WINDOW w AS (PARTITION BY e.topic_id ORDER BY e.id)) x
      LEFT JOIN meeting m ON m.id = x.meeting_id
      WHERE x.kind = 'transition' AND (x.from_state IS DISTINCT FROM x.before OR x.at < x.before_at
        OR m.status IS DISTINCT FROM 'concluded' OR x.at <> m.ends_at)`.execute(h.db)
    assert.equal(rows[0]!.n, 0)
  })

  test('concluded meetings have three to six conclusions, dated at their end', async () => {
    const { rows } = await sql<{ n: number; late: number }>`
      SELECT count(c.id)::int AS n, count(*) FILTER (WHERE c.created_at <> m.ends_at)::int AS late
      FROM meeting m LEFT JOIN conclusion c ON c.meeting_id = m.id
      WHERE m.status = 'concluded' GROUP BY m.id`.execute(h.db)
    for (const r of rows) {
      assert.ok(r.n >= 3 && r.n <= 6, `${r.n} conclusions`)
      assert.equal(r.late, 0)
    }
  })

  test('actions start with an "open" update and move in order before their due date; some are overdue', async () => {
    const actions = await h.db.selectFrom('follow_up_action').selectAll().orderBy('created_at').execute()
    assert.equal(actions.length, counts.actions)
    const updates = await h.db.selectFrom('action_update').selectAll().orderBy('id').execute()
    for (const a of actions) {
      const mine = updates.filter((u) => u.action_id === a.id)
      assert.equal(mine[0]?.status_to, 'open')
      assert.equal(mine[0]?.at.getTime(), a.created_at.getTime())
      let status = 'open'
      let at = a.created_at
      for (const u of mine.slice(1)) {
        assert.equal(u.status_from, status)
        assert.ok(
          u.at >= at && u.at <= new Date(`${a.due_date}T23:59:59Z`),
          `${u.at.toISOString()} ${a.due_date}`,
        )
        status = u.status_to ?? status
        at = u.at
      }
      assert.equal(a.status, status)
      assert.equal(a.version, mine.length)
    }
    assert.ok(actions.some((a) => a.status !== 'done' && a.status !== 'dropped' && a.due_date < '2026-11-23'))
    assert.ok(actions.some((a) => a.status === 'done'))
  })

  test('consultations: closed before their meeting, answered by 30-70 % of targets with valid answers', async () => {
    const consultations = await h.db
      .selectFrom('consultation')
      .innerJoin('meeting', 'meeting.id', 'consultation.meeting_id')
      .select(['consultation.id', 'consultation.status', 'consultation.closes_at', 'meeting.starts_at'])
      .execute()
    assert.equal(consultations.length, counts.consultations)
    for (const c of consultations) {
      assert.equal(c.status, 'closed')
      assert.ok(c.closes_at < c.starts_at)
      const version = await h.db
        .selectFrom('questionnaire_version')
        .select('definition')
        .where('consultation_id', '=', c.id)
        .executeTakeFirstOrThrow()
      const definition = QuestionnaireSchema.parse(version.definition)
      const targets = await h.db
        .selectFrom('consultation_target')
        .leftJoin('consultation_response', 'consultation_response.target_id', 'consultation_target.id')
        .leftJoin('consultation_invitation', 'consultation_invitation.target_id', 'consultation_target.id')
        .select([
          'consultation_response.state',
          'consultation_response.answers',
          'consultation_invitation.sent_at',
        ])
        .where('consultation_target.consultation_id', '=', c.id)
        .execute()
      const submitted = targets.filter((t) => t.state === 'submitted')
      const rate = submitted.length / targets.length
      assert.ok(rate >= 0.25 && rate <= 0.75, `response rate ${rate}`)
      assert.ok(targets.every((t) => t.sent_at))
      for (const t of submitted) {
        const check = checkAnswers(definition, t.answers as Record<string, unknown>, 'submit')
        assert.ok(check.ok, JSON.stringify(check.errors))
      }
    }
  })

  test('topics proposed in a consultation point to the answer that proposed them', async () => {
    const { rows } = await sql<{ title: string; proposed: string | null }>`
      SELECT t.titles->>'en' AS title,
        r.answers->'topics'->t.consultation_proposal_index->>'title' AS proposed
      FROM topic t LEFT JOIN consultation_response r ON r.id = t.consultation_response_id
      WHERE t.source = 'consultation'`.execute(h.db)
    assert.ok(rows.length > 0)
    for (const r of rows) assert.equal(`${r.proposed} (demo)`, r.title)
  })

  test('the pages and the report to TSAG show the demo without errors', async () => {
    const meeting = await h.db
      .selectFrom('meeting')
      .innerJoin('consultation', 'consultation.meeting_id', 'meeting.id')
      .select(['meeting.id', 'consultation.id as consultationId'])
      .orderBy('meeting.starts_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()
    const topic = await h.db
      .selectFrom('topic')
      .select('id')
      .where('state', '=', 'standard_approved')
      .limit(1)
      .executeTakeFirstOrThrow()
    const action = await h.db.selectFrom('follow_up_action').select('id').limit(1).executeTakeFirstOrThrow()
    for (const path of [
      '/topics',
      `/topics/${topic.id}`,
      '/priorities',
      `/meetings/${meeting.id}`,
      `/meetings/${meeting.id}/report`,
      `/consultations/${meeting.consultationId}`,
      `/consultations/${meeting.consultationId}/results`,
      '/bodies',
      '/bodies/TSB',
      `/actions/${action.id}`,
    ]) {
      const res = await h.request(path, { as: sec })
      assert.equal(res.status, 200, `${path}: ${res.status}`)
    }
  })
})
