import { type Actor, canWrite, isStaff, isUser } from '../auth/auth.policy.ts'
import { inScope } from '../structure/scope.ts'

/**
 * The Industry Advisory Panel's rules (draft Plenipotentiary resolution: a Panel of industry executives that
 * advises and reports to Council). Pure functions, unit-tested.
 */

export const MEMBER_ROLES = ['principal', 'alternate'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]

export const ADVICE_STATUSES = [
  'given',
  'under_consideration',
  'accepted',
  'partly_accepted',
  'not_accepted',
  'implemented',
] as const
export type AdviceStatus = (typeof ADVICE_STATUSES)[number]

/** The addressee's decisions: each needs its response, with the day it came. */
export const DECIDED: readonly AdviceStatus[] = ['accepted', 'partly_accepted', 'not_accepted']

/**
 * How advice moves: given → under consideration → accepted, partly accepted or not accepted → implemented.
 * A body may decide without a formal consideration step, and advice not accepted may be taken up again;
 * implemented is final. Staying in the same status records a note (or a response, or what was done).
 */
const MOVES: Record<AdviceStatus, readonly AdviceStatus[]> = {
  given: ['under_consideration', 'accepted', 'partly_accepted', 'not_accepted'],
  under_consideration: ['accepted', 'partly_accepted', 'not_accepted'],
  accepted: ['implemented'],
  partly_accepted: ['implemented'],
  not_accepted: ['under_consideration'],
  implemented: [],
}

export function allowedMoves(from: AdviceStatus): readonly AdviceStatus[] {
  return MOVES[from]
}

export function canMove(from: AdviceStatus, to: AdviceStatus): boolean {
  return from === to || MOVES[from].includes(to)
}

/** Advice still waiting on the addressee's response: overdue once its response due date has passed. */
export const AWAITING_RESPONSE: readonly AdviceStatus[] = ['given', 'under_consideration']

/** Advice not yet closed (answered and carried out, or not accepted): the Panel's "awaiting outcome". */
export const OPEN_ADVICE: readonly AdviceStatus[] = [
  'given',
  'under_consideration',
  'accepted',
  'partly_accepted',
]

export function isOpen(status: AdviceStatus): boolean {
  return AWAITING_RESPONSE.includes(status)
}

/** Everyone signed in reads the Panel, its advice and their outcomes: they go to the Council. */
export function canReadPanels(actor: Actor): boolean {
  return isUser(actor) || actor.kind === 'system'
}

/**
 * Staff who may write change a Panel and its records; a secretariat role limited to a Sector only those of
 * its Sector (not another Sector's, not a Union-wide Panel).
 */
export function canChangePanel(actor: Actor, sectorId: string | null): boolean {
  return isStaff(actor) && canWrite(actor) && inScope(actor, sectorId)
}

/** Whether a day falls within a term (both ends included). */
export function withinTerm(day: string, term: { startsOn: string; endsOn: string }): boolean {
  return day >= term.startsOn && day <= term.endsOn
}
