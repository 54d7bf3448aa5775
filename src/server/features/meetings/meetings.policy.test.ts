import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Actor, Role } from '../auth/auth.policy.ts'
import {
  acceptsAttendance,
  acceptsPanel,
  canTransition,
  speaksAsStaffOnly,
  TRANSITIONS,
} from './meetings.policy.ts'
import { MEETING_KINDS, MEETING_STATUSES } from './meetings.schema.ts'

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

test('the secretariat speaks for an organization as staff unless it also represents it', () => {
  const user = (grants: { role: Role; organizationId?: string; countryCode?: string }[]): Actor => ({
    kind: 'user',
    userId: 'u',
    name: 'U',
    email: 'u@example.org',
    via: 'session',
    grants: grants.map((g, i) => ({
      id: String(i),
      role: g.role,
      countryCode: g.countryCode ?? null,
      organizationId: g.organizationId ?? null,
      sectorId: null,
    })),
  })
  const org = { id: 'o1', countryCode: 'KE', category: 'member_state' }
  assert.equal(speaksAsStaffOnly(user([{ role: 'secretariat' }]), org), true)
  assert.equal(speaksAsStaffOnly(user([{ role: 'admin' }]), org), true)
  assert.equal(
    speaksAsStaffOnly(
      user([{ role: 'secretariat' }, { role: 'member_representative', organizationId: 'o1' }]),
      org,
    ),
    false,
  )
  assert.equal(
    speaksAsStaffOnly(user([{ role: 'secretariat' }, { role: 'focal_point', countryCode: 'KE' }]), org),
    false,
  )
  assert.equal(
    speaksAsStaffOnly(user([{ role: 'secretariat' }, { role: 'focal_point', countryCode: 'KE' }]), {
      ...org,
      category: 'sector_member',
    }),
    true,
    'a focal point speaks for its Member State only',
  )
  assert.equal(speaksAsStaffOnly(user([{ role: 'member_representative', organizationId: 'o1' }]), org), false)
})

test('only an advisory panel meeting can be linked to a panel', () => {
  assert.deepEqual(MEETING_KINDS.filter(acceptsPanel), ['advisory_panel'])
})
