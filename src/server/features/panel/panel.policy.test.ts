import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ANONYMOUS, type UserActor } from '../auth/auth.policy.ts'
import {
  ADVICE_STATUSES,
  allowedMoves,
  canChangePanel,
  canMove,
  canReadPanels,
  isOpen,
  withinTerm,
} from './panel.policy.ts'

const user = (
  grants: UserActor['grants'],
  via: 'session' | 'token' = 'session',
  tokenScope?: 'read',
): UserActor => ({
  kind: 'user',
  userId: 'u',
  name: 'U',
  email: 'u@example.org',
  grants,
  via,
  ...(tokenScope ? { tokenScope } : {}),
})
const grant = (role: UserActor['grants'][number]['role'], sectorId: string | null = null) => ({
  id: 'g',
  role,
  countryCode: null,
  organizationId: role === 'member_representative' ? 'org' : null,
  sectorId,
})

test('advice moves given → under consideration → a decision → implemented, and nowhere else', () => {
  assert.ok(canMove('given', 'under_consideration'))
  assert.ok(canMove('given', 'accepted'), 'a body may decide without a formal consideration step')
  assert.ok(canMove('under_consideration', 'partly_accepted'))
  assert.ok(canMove('accepted', 'implemented'))
  assert.ok(canMove('partly_accepted', 'implemented'))
  assert.ok(canMove('not_accepted', 'under_consideration'), 'advice not accepted may be taken up again')
  assert.ok(!canMove('given', 'implemented'), 'nothing is implemented before it is accepted')
  assert.ok(!canMove('not_accepted', 'implemented'))
  assert.ok(!canMove('implemented', 'accepted'), 'implemented is final')
  assert.deepEqual(allowedMoves('implemented'), [])
  for (const s of ADVICE_STATUSES) assert.ok(canMove(s, s), `a note without a move from ${s}`)
  assert.deepEqual(
    ADVICE_STATUSES.filter((s) => isOpen(s)),
    ['given', 'under_consideration'],
  )
})

test('staff who may write change Panels; a Sector-limited secretariat only those of its Sector', () => {
  assert.ok(canChangePanel(user([grant('secretariat')]), null))
  assert.ok(canChangePanel(user([grant('admin')]), 'itu-r'))
  const limited = user([grant('secretariat', 'itu-r')])
  assert.ok(canChangePanel(limited, 'itu-r'))
  assert.ok(!canChangePanel(limited, 'itu-t'), 'not another Sector’s Panel')
  assert.ok(!canChangePanel(limited, null), 'not a Union-wide Panel')
  assert.ok(!canChangePanel(user([grant('member_representative')]), null))
  assert.ok(!canChangePanel(user([grant('secretariat')], 'token', 'read'), null), 'a read-only token')
  assert.ok(!canChangePanel(ANONYMOUS, null))
  assert.ok(canReadPanels(user([grant('member_representative')])))
  assert.ok(canReadPanels(user([])), 'every signed-in user reads the Panel')
  assert.ok(!canReadPanels(ANONYMOUS))
})

test('a term holds its first and last day', () => {
  const term = { startsOn: '2026-01-01', endsOn: '2028-12-31' }
  assert.ok(withinTerm('2026-01-01', term))
  assert.ok(withinTerm('2028-12-31', term))
  assert.ok(!withinTerm('2025-12-31', term))
  assert.ok(!withinTerm('2029-01-01', term))
})
