import { type Actor, canWrite, isStaff } from '../auth/auth.policy.ts'
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

export function canOverrideSeniority(actor: Actor): boolean {
  return canWrite(actor) && isStaff(actor)
}

export function isExecutive(seniority: string): boolean {
  return seniority === 'c_level' || seniority === 'senior_executive'
}
