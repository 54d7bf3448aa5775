import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Actor, RoleGrant } from '../auth/auth.policy.ts'
import { ANONYMOUS } from '../auth/auth.policy.ts'
import {
  canArchive,
  canCreateOrganization,
  canEditCountries,
  canEditOrganization,
  canSeePerson,
  canSeePersonalData,
} from './directory.policy.ts'

function user(
  grants: Omit<RoleGrant, 'id'>[],
  via: 'session' | 'token' = 'session',
  tokenScope?: 'read' | 'write',
): Actor {
  return {
    kind: 'user',
    userId: 'u1',
    name: 'U',
    email: 'u@example.org',
    grants: grants.map((g, i) => ({ id: `g${i}`, ...g })),
    via,
    ...(tokenScope ? { tokenScope } : {}),
  }
}

const orgA = { id: 'org-a', countryCode: 'KE', category: 'sector_member' }
const kenya = { id: 'org-ke', countryCode: 'KE', category: 'member_state' }
const france = { id: 'org-fr', countryCode: 'FR', category: 'member_state' }
const secretariat = user([{ role: 'secretariat', countryCode: null, organizationId: null, sectorId: null }])
const admin = user([{ role: 'admin', countryCode: null, organizationId: null, sectorId: null }])
const repA = user([
  { role: 'member_representative', countryCode: null, organizationId: 'org-a', sectorId: null },
])
const focalKE = user([{ role: 'focal_point', countryCode: 'KE', organizationId: null, sectorId: null }])

test('personal data is visible to the secretariat and the organization’s own representative only', () => {
  assert.equal(canSeePersonalData(secretariat, orgA), true)
  assert.equal(canSeePersonalData(repA, orgA), true)
  assert.equal(canSeePersonalData(repA, kenya), false)
  assert.equal(
    canSeePersonalData(focalKE, orgA),
    false,
    'a focal point does not see a company in its country',
  )
  assert.equal(canSeePersonalData(focalKE, kenya), true, 'but speaks for its own Member State')
  assert.equal(canSeePersonalData(focalKE, france), false)
  assert.equal(canSeePersonalData(ANONYMOUS, orgA), false)
})

test('others see a person only with public-list consent, and never an erased or archived one', () => {
  const p = { publicConsent: true, archived: false, erased: false }
  assert.equal(canSeePerson(ANONYMOUS, p, orgA), true)
  assert.equal(canSeePerson(ANONYMOUS, { ...p, publicConsent: false }, orgA), false)
  assert.equal(canSeePerson(ANONYMOUS, { ...p, archived: true }, orgA), false)
  assert.equal(canSeePerson(repA, { ...p, publicConsent: false }, orgA), true)
})

test('a member representative edits only its own organization', () => {
  assert.equal(canEditOrganization(repA, orgA), true)
  assert.equal(canEditOrganization(repA, kenya), false)
  assert.equal(canCreateOrganization(repA), false)
  assert.equal(canArchive(repA), false)
})

test('a read-scoped API token changes nothing, whatever the role', () => {
  const readToken = user(
    [{ role: 'admin', countryCode: null, organizationId: null, sectorId: null }],
    'token',
    'read',
  )
  assert.equal(canCreateOrganization(readToken), false)
  assert.equal(canEditCountries(readToken), false)
  assert.equal(canSeePersonalData(readToken, orgA), true)
})

test('only administrators edit the country reference data', () => {
  assert.equal(canEditCountries(admin), true)
  assert.equal(canEditCountries(secretariat), false)
  assert.equal(canEditCountries(ANONYMOUS), false)
})
