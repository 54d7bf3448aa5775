import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Agenda, diffAgendas } from './agendas.service.ts'
import { STALENESS_CAP_MONTHS, score, staleness } from './score.ts'

describe('agenda score', () => {
  test('is the sum of weight × value, every part shown (hand-computed)', () => {
    const s = score(
      {
        strategic: 5.5,
        consultation_demand: 3,
        developing_demand: 2,
        supports: 4,
        open_actions: 2,
        staleness: 7,
      },
      {
        strategic: 3,
        consultation_demand: 2,
        developing_demand: 2,
        supports: 1,
        open_actions: 1.5,
        staleness: 0.5,
      },
    )
    // 5.5×3 + 3×2 + 2×2 + 4×1 + 2×1.5 + 7×0.5 = 16.5 + 6 + 4 + 4 + 3 + 3.5 = 37
    assert.equal(s.total, 37)
    assert.deepEqual(
      s.parts.map((p) => [p.component, p.value, p.weight, p.points]),
      [
        ['strategic', 5.5, 3, 16.5],
        ['consultation_demand', 3, 2, 6],
        ['developing_demand', 2, 2, 4],
        ['supports', 4, 1, 4],
        ['open_actions', 2, 1.5, 3],
        ['staleness', 7, 0.5, 3.5],
      ],
    )
  })

  test('a weight of zero removes a component; parts are rounded to cents and add up to the total', () => {
    const s = score(
      {
        strategic: 1,
        consultation_demand: 1,
        developing_demand: 1,
        supports: 1,
        open_actions: 1,
        staleness: 1,
      },
      {
        strategic: 0.333,
        consultation_demand: 0.333,
        developing_demand: 0.333,
        supports: 0,
        open_actions: 0,
        staleness: 0,
      },
    )
    assert.equal(s.total, 0.99)
    assert.equal(s.parts.find((p) => p.component === 'supports')!.points, 0)
  })

  test('staleness counts whole 30-day months, capped', () => {
    const at = new Date('2026-12-01T00:00:00Z')
    assert.equal(staleness(new Date('2026-11-20T00:00:00Z'), at), 0)
    assert.equal(staleness(new Date('2026-09-01T00:00:00Z'), at), 3)
    assert.equal(staleness(new Date('2020-01-01T00:00:00Z'), at), STALENESS_CAP_MONTHS)
    assert.equal(staleness(new Date('2027-01-01T00:00:00Z'), at), 0, 'never negative')
  })
})

describe('agenda versions', () => {
  const item = (title: string, position: number, topicId: string | null) => ({
    id: `${title}-${position}`,
    position,
    sessionId: null,
    sessionTitle: null,
    topicId,
    topicState: null,
    title,
    note: '',
    reasons: null,
  })
  const agenda = (items: ReturnType<typeof item>[]): Agenda => ({
    id: 'a',
    meetingId: 'm',
    version: 1,
    status: 'published',
    publishedAt: null,
    lockVersion: 1,
    items,
  })
  test('the difference lists what was added, removed and moved', () => {
    const v1 = agenda([item('AI', 1, 't1'), item('Quantum', 2, 't2'), item('Coffee', 3, null)])
    const v2 = agenda([item('Quantum', 1, 't2'), item('AI', 2, 't1'), item('Metaverse', 3, 't3')])
    assert.deepEqual(diffAgendas(v1, v2), {
      added: ['Metaverse'],
      removed: ['Coffee'],
      moved: [
        { title: 'Quantum', from: 2, to: 1 },
        { title: 'AI', from: 1, to: 2 },
      ],
    })
  })
})
