import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTimeZone, utcToZoned, zonedToUtc } from './time-zones.ts'

test('recognizes IANA time zones and refuses made-up ones', () => {
  assert.equal(isTimeZone('Europe/Geneva'), false, 'Geneva uses Europe/Zurich')
  assert.equal(isTimeZone('Europe/Zurich'), true)
  assert.equal(isTimeZone('Asia/Kolkata'), true)
  assert.equal(isTimeZone('Mars/Olympus_Mons'), false)
  assert.equal(isTimeZone(''), false)
})

test('converts a wall-clock time in a zone to the UTC instant and back', () => {
  assert.equal(zonedToUtc('2024-10-14T09:30', 'Asia/Kolkata').toISOString(), '2024-10-14T04:00:00.000Z')
  assert.equal(zonedToUtc('2025-01-15T09:00', 'Europe/Zurich').toISOString(), '2025-01-15T08:00:00.000Z')
  assert.equal(zonedToUtc('2025-07-15T09:00', 'Europe/Zurich').toISOString(), '2025-07-15T07:00:00.000Z')
  assert.equal(zonedToUtc('2025-07-15T09:00', 'America/Sao_Paulo').toISOString(), '2025-07-15T12:00:00.000Z')
  assert.equal(zonedToUtc('2025-07-15T09:00', 'Pacific/Kiritimati').toISOString(), '2025-07-14T19:00:00.000Z')
  assert.equal(utcToZoned(new Date('2024-10-14T04:00:00Z'), 'Asia/Kolkata'), '2024-10-14T09:30')
})

test('handles the daylight-saving changes', () => {
  // Europe springs forward at 02:00 on 30 March 2025: 02:30 does not exist and moves to 03:30.
  assert.equal(zonedToUtc('2025-03-30T02:30', 'Europe/Zurich').toISOString(), '2025-03-30T01:30:00.000Z')
  // 02:30 on 26 October 2025 happens twice; the first (summer time) is taken.
  assert.equal(zonedToUtc('2025-10-26T02:30', 'Europe/Zurich').toISOString(), '2025-10-26T00:30:00.000Z')
})
