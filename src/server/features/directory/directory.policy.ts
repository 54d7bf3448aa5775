import {
  type Actor,
  canWrite,
  focalPointCountries,
  isAdmin,
  isStaff,
  representedOrganizationIds,
} from '../auth/auth.policy.ts'

/** What the rules need to know about an organization. */
export type OrgScope = { id: string; countryCode: string; category: string }

/**
 * Who speaks for an organization: the secretariat, its own representatives, and — for a Member State —
 * the country's focal points (a Member State is its government, which the focal point represents).
 */
export function speaksFor(actor: Actor, org: OrgScope): boolean {
  if (isStaff(actor)) return true
  if (representedOrganizationIds(actor).includes(org.id)) return true
  return org.category === 'member_state' && focalPointCountries(actor).includes(org.countryCode)
}

export function canSeePersonalData(actor: Actor, org: OrgScope): boolean {
  return speaksFor(actor, org)
}

export function canSeePerson(
  actor: Actor,
  person: { publicConsent: boolean; archived: boolean; erased: boolean },
  org: OrgScope,
): boolean {
  if (speaksFor(actor, org)) return true
  return person.publicConsent && !person.archived && !person.erased
}

export function canEditOrganization(actor: Actor, org: OrgScope): boolean {
  return canWrite(actor) && speaksFor(actor, org)
}

export function canEditPeopleOf(actor: Actor, org: OrgScope): boolean {
  return canWrite(actor) && speaksFor(actor, org)
}

export function canCreateOrganization(actor: Actor): boolean {
  return canWrite(actor) && isStaff(actor)
}

export function canArchive(actor: Actor): boolean {
  return canWrite(actor) && isStaff(actor)
}

export function canSeeArchived(actor: Actor): boolean {
  return isStaff(actor)
}

/** Changing the category or country moves an organization between scopes: only the secretariat may. */
export function canChangeScopeFields(actor: Actor): boolean {
  return isStaff(actor)
}

export function canManageGroups(actor: Actor): boolean {
  return canWrite(actor) && isStaff(actor)
}

export function canEditCountries(actor: Actor): boolean {
  return canWrite(actor) && isAdmin(actor)
}

export function canErasePerson(actor: Actor): boolean {
  return canWrite(actor) && isStaff(actor)
}

export function canImportExport(actor: Actor): boolean {
  return isStaff(actor)
}
