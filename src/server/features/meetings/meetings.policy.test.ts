import assert from 'node:assert/strict'
import { test } from 'node:test'
import { acceptsAttendance, canTransition, TRANSITIONS } from './meetings.policy.ts'
import { MEETING_STATUSES } from './meetings.schema.ts'

test('a meeting moves forward through its statuses and can be cancelled until held', () => {
  assert.equal(canTransition('draft', 'announced'), true)
  assert.equal(canTransition('announced', 'registration_open'), true)
  assert.equal(canTransition('registration_open', 'registration_closed'), true)
  assert.equal(canTransition('registration_closed', 'held'), true)
  assert.equal(canTransition('held', 'concluded'), true)
  assert.equal(canTransition('draft', 'held'), false)
  assert.equal(canTransition('held', 'cancelled'), false)
  assert.equal(canTransition('concluded', 'draft'), false)
  for (const s of MEETING_STATUSES) assert.ok(Array.isArray(TRANSITIONS[s]))
})

test('attendance is accepted only once the meeting is held', () => {
  assert.deepEqual(MEETING_STATUSES.filter(acceptsAttendance), ['held', 'concluded'])
})
