import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import { seriesMetrics } from '../server/features/analytics/series.ts'
import { useHarness } from '../server/testing/harness.ts'
import { generate, SCALES } from './generate.ts'

const h = useHarness()

describe('the synthetic dataset for benchmarks', () => {
  test('small: the planned counts, the same content on both databases, and a second run adds nothing', async () => {
    const before = await generate(h.db, 'small', 3)
    const s = SCALES.small
    const past = s.meetings - 2
    const counts = await generate(h.db, 'small', 3)
    assert.deepEqual(counts, before, 'the same scale and seed again: nothing added')
    const mine = (table: string, column: string, like: string) =>
      sql<{
        n: number
      }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${sql.ref(column)} LIKE ${like}`
        .execute(h.db)
        .then((r) => Number(r.rows[0]!.n))
    assert.equal(await mine('organization', 'name', 'Generated small.3-%'), s.organizations)
    assert.equal(await mine('person', 'name', 'Person small.3-%'), s.people)
    const meetings = await h.db
      .selectFrom('meeting')
      .select(['id', 'status'])
      .where(sql<boolean>`titles->>'en' LIKE 'Generated meeting small.3-%'`)
      .execute()
    assert.equal(meetings.length, s.meetings)
    assert.equal(meetings.filter((m) => m.status === 'concluded').length, past, 'the last two are to come')
    const attendance = await h.db
      .selectFrom('meeting_attendance')
      .where(
        'meeting_id',
        'in',
        meetings.map((m) => m.id),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(attendance.n), past * s.attended)

    // Content, not only counts: a digest of the organizations and of the attendance, pinned, so PGlite and
    // PostgreSQL (and every machine) must produce exactly this dataset from seed 3.
    const { rows } = await sql<{ orgs: string; att: string }>`
      SELECT (SELECT md5(string_agg(name || country_code || category || sme::text, ',' ORDER BY name))
                FROM organization WHERE name LIKE 'Generated small.3-%') AS orgs,
             (SELECT md5(string_agg(a.id::text || coalesce(a.person_id::text, '-') || a.attended_as, ',' ORDER BY a.id))
                FROM meeting_attendance a JOIN meeting m ON m.id = a.meeting_id
                WHERE m.titles->>'en' LIKE 'Generated meeting small.3-%') AS att`.execute(h.db)
    assert.deepEqual(rows[0], {
      orgs: '3b56976e73be2b8990d90b3dd5fbaafc',
      att: '5591f1b4dccb67548d864383ab49f13e',
    })

    // The figures work on it: the CTO group's concluded meetings, with consecutive meetings overlapping.
    const series = await seriesMetrics(h.db, { group: 'CTO group (generated small.3)' })
    assert.equal(series.meetings.length, past - Math.floor(past / 4) - Math.floor((past + 1) / 4))
    assert.ok(series.meetings.slice(1).every((m) => (m.jaccardPrevious ?? 0) > 0.5))
  })
})
