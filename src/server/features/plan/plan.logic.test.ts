import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { clauseStatus, createsCycle, indicatorStatus, type RollUpInput, rollUp } from './plan.logic.ts'

const item = (code: string, parentCode: string | null, o: Partial<RollUpInput> = {}): RollUpInput => ({
  code,
  parentCode,
  status: 'in_progress',
  progress: null,
  weight: 1,
  retired: false,
  ...o,
})

describe('progress roll-up', () => {
  test('weighted average of children, leaves keep their own, done counts 100', () => {
    const r = rollUp([
      item('AP1', null, { progress: 5 }),
      item('AP1.1', 'AP1'),
      item('AP1.1.1', 'AP1.1', { progress: 40 }),
      item('AP1.1.2', 'AP1.1', { status: 'done' }),
      item('AP1.1.3', 'AP1.1', { progress: 10, weight: 2 }),
      item('AP1.2', 'AP1', { progress: 80, weight: 3 }),
      item('AP1.3', 'AP1', { status: 'dropped', progress: 0 }),
      item('AP1.4', 'AP1', { retired: true, progress: 0 }),
    ])
    // AP1.1 = (40 + 100 + 2×10) / 4 = 40; AP1 = (40 + 3×80) / 4 = 70 (dropped and retired left out)
    assert.equal(r.get('AP1.1'), 40)
    assert.equal(r.get('AP1'), 70)
    assert.equal(r.get('AP1.1.2'), 100)
    assert.equal(r.has('AP1.4'), false)
  })

  test('a cycle is detected before it is saved', () => {
    const items = [item('AP1', null), item('AP1.1', 'AP1'), item('AP1.1.1', 'AP1.1')]
    assert.equal(createsCycle(items, 'AP1', 'AP1.1.1'), true)
    assert.equal(createsCycle(items, 'AP1.1.1', 'AP1'), false)
    assert.equal(createsCycle(items, 'AP1', 'AP1'), true)
  })
})

describe('indicator status', () => {
  const rule = {
    direction: 'increase' as const,
    baselineValue: 20,
    baselineDate: '2024-01-01',
    targetValue: 40,
    targetDate: '2028-01-01',
  }
  test('no measurement is no data', () => {
    assert.equal(indicatorStatus(rule, [], '2025-01-01'), 'no_data')
  })
  test('reaching the target is achieved', () => {
    assert.equal(indicatorStatus(rule, [{ on: '2026-01-01', value: 41 }], '2026-01-01'), 'achieved')
  })
  test('more than half way at half time is on track; a quarter at half time is off track', () => {
    assert.equal(indicatorStatus(rule, [{ on: '2026-01-01', value: 31 }], '2026-01-01'), 'on_track')
    assert.equal(indicatorStatus(rule, [{ on: '2026-01-01', value: 25 }], '2026-01-01'), 'off_track')
  })
  test('falling back since the previous value is deteriorating', () => {
    assert.equal(
      indicatorStatus(
        rule,
        [
          { on: '2025-01-01', value: 30 },
          { on: '2026-01-01', value: 28 },
        ],
        '2026-01-01',
      ),
      'deteriorating',
    )
    assert.equal(indicatorStatus(rule, [{ on: '2025-01-01', value: 15 }], '2025-01-01'), 'deteriorating')
  })
  test('decrease and reach', () => {
    const down = { ...rule, direction: 'decrease' as const, baselineValue: 60, targetValue: 30 }
    assert.equal(indicatorStatus(down, [{ on: '2026-01-01', value: 29 }], '2026-01-01'), 'achieved')
    assert.equal(indicatorStatus(down, [{ on: '2026-01-01', value: 44 }], '2026-01-01'), 'on_track')
    const reach = { ...rule, direction: 'reach' as const, targetValue: 50 }
    assert.equal(indicatorStatus(reach, [{ on: '2026-01-01', value: 50.5 }], '2026-01-01'), 'achieved')
  })
})

describe('scorecard clause status', () => {
  test('thresholds decide; no value is no data', () => {
    const t = { met: 0.9, partly: 0.5 }
    assert.equal(clauseStatus(0.95, t), 'met')
    assert.equal(clauseStatus(0.9, t), 'met')
    assert.equal(clauseStatus(0.6, t), 'partly_met')
    assert.equal(clauseStatus(0.2, t), 'not_met')
    assert.equal(clauseStatus(null, t), 'no_data')
  })
})
