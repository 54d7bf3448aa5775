import { AppError } from '../../http/errors.ts'

export const ROLES = ['admin', 'secretariat', 'focal_point', 'member_representative'] as const
export type Role = (typeof ROLES)[number]

export type RoleGrant = {
  id: string
  role: Role
  countryCode: string | null
  organizationId: string | null
  /** A secretariat role limited to one Sector (issue 11); null: not limited. */
  sectorId: string | null
}

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user'
      userId: string
      name: string
      email: string
      grants: RoleGrant[]
      /** How the request was authenticated; a read-scoped API token may not change anything. */
      via: 'session' | 'token'
      tokenScope?: 'read' | 'write'
    }

  /** The command line on the server: it holds the machine, so it acts with administrator rights. */
  | { kind: 'system'; label: string }

export type UserActor = Extract<Actor, { kind: 'user' }>

export const ANONYMOUS: Actor = { kind: 'anonymous' }
export const COMMAND_LINE: Actor = { kind: 'system', label: 'command line' }

export function isUser(actor: Actor): actor is UserActor {
  return actor.kind === 'user'
}

export function hasRole(actor: Actor, role: Role): boolean {
  if (actor.kind === 'system') return role === 'admin' || role === 'secretariat'
  return isUser(actor) && actor.grants.some((g) => g.role === role)
}

export function isAdmin(actor: Actor): boolean {
  return hasRole(actor, 'admin')
}

/** Admins and the secretariat run the mechanism; most management rights follow from this. */
export function isStaff(actor: Actor): boolean {
  return hasRole(actor, 'admin') || hasRole(actor, 'secretariat')
}

export function representedOrganizationIds(actor: Actor): string[] {
  if (!isUser(actor)) return []
  return actor.grants.filter((g) => g.role === 'member_representative').map((g) => g.organizationId!)
}

export function focalPointCountries(actor: Actor): string[] {
  if (!isUser(actor)) return []
  return actor.grants.filter((g) => g.role === 'focal_point').map((g) => g.countryCode!)
}

export function canWrite(actor: Actor): boolean {
  if (actor.kind === 'system') return true
  return isUser(actor) && !(actor.via === 'token' && actor.tokenScope === 'read')
}

/** Throws UNAUTHENTICATED for anonymous actors and FORBIDDEN for users, so callers cannot mix them up. */
export function deny(actor: Actor): never {
  throw new AppError(actor.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN')
}

export function assertSignedIn(actor: Actor): asserts actor is UserActor {
  if (!isUser(actor)) throw new AppError('UNAUTHENTICATED')
}

export function assertStaff(actor: Actor, write = false): void {
  if (!isStaff(actor)) deny(actor)
  if (write && !canWrite(actor)) deny(actor)
}

export function assertAdmin(actor: Actor, write = false): void {
  if (!isAdmin(actor)) deny(actor)
  if (write && !canWrite(actor)) deny(actor)
}

export function actorLabel(actor: Actor): string {
  if (actor.kind === 'system') return actor.label
  if (!isUser(actor)) return 'anonymous'
  return actor.via === 'token' ? `${actor.email} (API token)` : actor.email
}

export function actorUserId(actor: Actor): string | null {
  return isUser(actor) ? actor.userId : null
}

/** Who may assign which roles: only admins manage accounts and roles. */
export function canManageUsers(actor: Actor): boolean {
  return isAdmin(actor) && canWrite(actor)
}
