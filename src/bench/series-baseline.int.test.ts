import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { generate } from '../cli/generate.ts'
import { seriesMetrics } from '../server/features/analytics/series.ts'
import { useHarness } from '../server/testing/harness.ts'
import { differences, seriesBaseline } from './series-baseline.ts'

const h = useHarness()

/** The bench's series ratio means something only while the baseline computes the series' own figures. */
describe('the series benchmark baseline', () => {
  test('gives every figure seriesMetrics gives, and a changed figure is reported', async () => {
    await generate(h.db, 'small', 1)
    const today = new Date().toISOString().slice(0, 10)
    const series = await seriesMetrics(h.db, {})
    const rows = await seriesBaseline(h.db, today)
    assert.ok(rows.length >= 18, 'the held meetings')
    assert.ok(
      rows.some((r) => r.common !== null && r.common > 0),
      'meetings share organizations',
    )
    assert.ok(
      rows.some((r) => r.consulted) && rows.some((r) => r.actions > 0) && rows.some((r) => r.topics > 0),
    )
    assert.deepEqual(differences(series, rows), [])

    const changed = structuredClone(rows)
    changed[3]!.newcomers += 1
    changed[5]!.by_region = { ...changed[5]!.by_region, X: 1 }
    changed[0]!.core += 1
    const found = differences(series, changed)
    assert.equal(found.length, 3, found.join('\n'))
    assert.match(found[0]!, /^meeting 4 newcomers/)
    assert.match(found[1]!, /^meeting 6 byRegion/)
    assert.match(found[2]!, /^core organizations/)
  })
})
