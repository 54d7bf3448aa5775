import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { generate } from '../cli/generate.ts'
import { COMMAND_LINE } from '../server/features/auth/auth.policy.ts'
import { wtsaReport } from '../server/reports/wtsa-report.ts'
import { useHarness } from '../server/testing/harness.ts'
import { differences, wtsaBaseline } from './wtsa-baseline.ts'

const h = useHarness()

/**
 * The benchmark compares the WTSA report model with a hand-written statement; the comparison means
 * something only while both compute the same figures.
 */
describe('the WTSA benchmark baseline', () => {
  test('computes the figures of the report model, and a changed figure is reported', async () => {
    await generate(h.db, 'small', 1)
    const asOf = new Date('2026-01-31T23:59:59Z')
    for (const period of [
      { from: '2022-01-01', to: '2025-12-31' },
      { from: '2021-03-01', to: '2023-06-30' },
    ]) {
      const report = await wtsaReport(h.db, COMMAND_LINE, period, 'en', asOf)
      const baseline = await wtsaBaseline(h.db, period, asOf)
      assert.ok(baseline.meetings.length > 5, 'the period holds meetings')
      assert.ok(
        baseline.retention.some((r) => r.returned !== null),
        'and group meetings with a previous one',
      )
      assert.ok(baseline.topics.length > 0 && baseline.actions.length > 0)
      assert.deepEqual(differences(report, baseline, period), [])

      const changed = structuredClone(baseline)
      changed.retention[0]!.organizations += 1
      changed.actions[0]!.done += 1
      changed.scorecard.d3 += 1
      const found = differences(report, changed, period)
      assert.equal(found.length, 3, found.join('\n'))
      assert.match(found[0]!, /^retention/)
      assert.match(found[1]!, /^follow-up per body/)
      assert.match(found[2]!, /^scorecard values/)
    }
  })

  test('agrees with a report whose date falls inside the period', async () => {
    await generate(h.db, 'small', 2)
    const period = { from: '2021-01-01', to: '2025-12-31' }
    const asOf = new Date('2024-06-30T23:59:59Z')
    const report = await wtsaReport(h.db, COMMAND_LINE, period, 'en', asOf)
    const baseline = await wtsaBaseline(h.db, period, asOf)
    assert.ok(baseline.meetings.every((m) => m.organizations >= 0))
    assert.deepEqual(differences(report, baseline, period), [])
  })
})
