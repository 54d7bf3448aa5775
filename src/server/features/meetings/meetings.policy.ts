import {
  type Actor,
  canWrite,
  focalPointCountries,
  isStaff,
  representedOrganizationIds,
} from '../auth/auth.policy.ts'
import { type OrgScope, speaksFor } from '../directory/directory.policy.ts'
import type { MeetingStatus } from './meetings.schema.ts'

/** The status machine. A meeting can be cancelled until it is held; registration can be reopened. */
export const TRANSITIONS: Record<MeetingStatus, readonly MeetingStatus[]> = {
  draft: ['announced', 'cancelled'],
  announced: ['registration_open', 'draft', 'cancelled'],
  registration_open: ['registration_closed', 'cancelled'],
  registration_closed: ['registration_open', 'held', 'cancelled'],
  held: ['concluded'],
  concluded: [],
  cancelled: [],
}

export function canTransition(from: MeetingStatus, to: MeetingStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

/** Attendance is a fact about a meeting that took place. */
export function acceptsAttendance(status: MeetingStatus): boolean {
  return status === 'held' || status === 'concluded'
}

export function canManageMeetings(actor: Actor): boolean {
  return canWrite(actor) && isStaff(actor)
}

/** Drafts are the secretariat's working copies; everything announced is public. */
export function canSeeMeeting(actor: Actor, status: MeetingStatus): boolean {
  return status !== 'draft' || isStaff(actor)
}

/** Registering someone means speaking for their organization. */
export function canRegisterFor(actor: Actor, org: OrgScope): boolean {
  return canWrite(actor) && speaksFor(actor, org)
}

/**
 * Whether the actor speaks for the organization only through a staff role, i.e. manages its registration
 * or invitation as the secretariat rather than as its representative or focal point. Such a change is a
 * staff change to the meeting, which a Sector-limited secretariat may make only in its own Sector.
 */
export function speaksAsStaffOnly(actor: Actor, org: OrgScope): boolean {
  if (!isStaff(actor)) return false
  if (representedOrganizationIds(actor).includes(org.id)) return false
  return !(org.category === 'member_state' && focalPointCountries(actor).includes(org.countryCode))
}

/** A meeting of an Industry Advisory Panel is the only kind that can be linked to a panel. */
export function acceptsPanel(kind: string): boolean {
  return kind === 'advisory_panel'
}

export function canOverrideSeniority(actor: Actor): boolean {
  return canWrite(actor) && isStaff(actor)
}

export function isExecutive(seniority: string): boolean {
  return seniority === 'c_level' || seniority === 'senior_executive'
}
