import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { canMove, pathTo, type TransitionRules } from './lifecycle.ts'

// The lifecycle as delivered (migration 0009).
const rules: TransitionRules = new Map([
  ['proposed', ['shortlisted', 'on_agenda', 'closed']],
  ['shortlisted', ['proposed', 'on_agenda', 'closed']],
  ['on_agenda', ['shortlisted', 'discussed', 'closed']],
  ['discussed', ['on_agenda', 'concluded', 'closed']],
  ['concluded', ['on_agenda', 'referred', 'work_item', 'monitoring', 'closed']],
  ['referred', ['on_agenda', 'work_item', 'monitoring', 'closed']],
  ['work_item', ['standard_approved', 'monitoring', 'closed']],
  ['standard_approved', ['monitoring', 'closed']],
  ['monitoring', ['on_agenda', 'work_item', 'closed']],
  ['closed', ['proposed']],
])

describe('topic lifecycle', () => {
  test('moves are those the rules list, and only those', () => {
    assert.equal(canMove(rules, 'proposed', 'on_agenda'), true)
    assert.equal(canMove(rules, 'proposed', 'standard_approved'), false)
    assert.equal(canMove(rules, 'closed', 'proposed'), true, 'a closed topic can be reopened')
    assert.equal(canMove(rules, 'standard_approved', 'proposed'), false)
  })

  test('a conclusion takes a topic on the agenda through "discussed"', () => {
    assert.deepEqual(pathTo(rules, 'on_agenda', 'concluded'), ['discussed', 'concluded'])
    assert.deepEqual(pathTo(rules, 'discussed', 'concluded'), ['concluded'])
    assert.deepEqual(pathTo(rules, 'concluded', 'work_item'), ['work_item'])
    assert.deepEqual(pathTo(rules, 'concluded', 'concluded'), [])
  })

  test('no path where the rules give none, even through "discussed"', () => {
    assert.deepEqual(pathTo(rules, 'proposed', 'concluded'), [], 'proposed cannot go to discussed directly')
    assert.deepEqual(pathTo(rules, 'on_agenda', 'standard_approved'), [])
    const strict: TransitionRules = new Map([['on_agenda', ['discussed']]])
    assert.deepEqual(pathTo(strict, 'on_agenda', 'concluded'), [], 'discussed → concluded not allowed here')
  })
})
