import { z } from '@hono/zod-openapi'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'
import { type Actor, isUser } from '../auth/auth.policy.ts'

/**
 * Sectors on records (issue 11). Every meeting, consultation, topic, action, report and action plan belongs
 * to one Sector or is Union-wide (sector_id null). A secretariat role can be limited to one Sector: such a
 * user reads what the secretariat reads, but creates and changes only records of their Sector(s) — not
 * another Sector's, and not Union-wide ones. An unlimited staff role (admin, or secretariat without a
 * Sector) is not limited.
 */

/** The tables whose rows carry a sector_id, for the per-object scope check. */
export type SectorTable =
  | 'meeting'
  | 'consultation'
  | 'topic'
  | 'follow_up_action'
  | 'plan_version'
  | 'report_job'
  | 'advisory_panel'

/** What forms and the API send for a record's Sector: a Sector's code, or `union` for Union-wide. */
export const UNION = 'union'
export const SectorCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,20}$/, { error: 'sector_code' })
  .describe("A Sector's code (e.g. ITU-R), or `union` for a Union-wide record.")

/** The Sectors a user's staff role is limited to; null when it is not limited (or the actor is not staff). */
export function sectorScope(actor: Actor): string[] | null {
  if (!isUser(actor)) return null
  const staff = actor.grants.filter((g) => g.role === 'admin' || g.role === 'secretariat')
  if (staff.length === 0 || staff.some((g) => !g.sectorId)) return null
  return [...new Set(staff.map((g) => g.sectorId!))]
}

export function inScope(actor: Actor, sectorId: string | null): boolean {
  const scope = sectorScope(actor)
  return scope === null || (sectorId !== null && scope.includes(sectorId))
}

/** Refuses (403 SECTOR_OUT_OF_SCOPE) a change to a record outside the actor's Sector(s). */
export function assertInScope(actor: Actor, sectorId: string | null): void {
  if (!inScope(actor, sectorId)) throw new AppError('SECTOR_OUT_OF_SCOPE')
}

/**
 * The per-object check before a change: the record's Sector must be in the actor's scope. Free for actors
 * whose role is not limited (no query). A missing record passes, so the caller answers its own 404. Called in
 * the use case's transaction, it locks the record (FOR UPDATE, as the use cases lock what they change), so the
 * record cannot be moved to another Sector between this check and the change.
 */
export async function assertRecordInScope(
  db: Db,
  actor: Actor,
  table: SectorTable,
  id: string,
): Promise<void> {
  if (sectorScope(actor) === null) return
  const row = await sql<{
    sector_id: string | null
  }>`SELECT sector_id FROM ${sql.table(table)} WHERE id = ${id} FOR UPDATE`.execute(db)
  if (row.rows[0]) assertInScope(actor, row.rows[0].sector_id)
}

/**
 * The Sector a new or changed record gets from its input: a code (any case) names a Sector, `union` makes it
 * Union-wide. Without one, the actor's own Sector when their role is limited to one, else the first Sector of
 * the structure (an installation's own), else Union-wide. Unknown codes are refused; so is a Sector outside
 * the actor's scope.
 */
export async function resolveSector(
  db: Db,
  actor: Actor,
  code: string | null | undefined,
): Promise<string | null> {
  let id: string | null
  if (code === undefined || code === null || code === '') {
    const scope = sectorScope(actor)
    if (scope?.length === 1) id = scope[0]!
    else {
      const first = await db
        .selectFrom('sector')
        .select('id')
        .orderBy('position')
        .orderBy('code')
        .executeTakeFirst()
      id = scope ? (scope[0] ?? null) : (first?.id ?? null)
    }
  } else if (code.toLowerCase() === UNION) id = null
  else id = await sectorIdOf(db, code)
  assertInScope(actor, id)
  return id
}

/** A Sector's id by its code (any case); an unknown code is a VALIDATION_FAILED on the field `sector`. */
export async function sectorIdOf(db: Db, code: string): Promise<string> {
  const row = await db
    .selectFrom('sector')
    .select('id')
    .where(sql`lower(code)`, '=', code.toLowerCase())
    .executeTakeFirst()
  if (!row) throw new AppError('VALIDATION_FAILED', {}, { sector: ['sector_unknown'] })
  return row.id
}

/**
 * A list's Sector filter: undefined (all), null (Union-wide records only) or a Sector's id. Unknown codes
 * are refused with a clear message rather than answering an empty list.
 */
export async function sectorFilter(db: Db, code: string | undefined): Promise<string | null | undefined> {
  if (code === undefined || code === '') return undefined
  if (code.toLowerCase() === UNION) return null
  return sectorIdOf(db, code)
}

/** The Sectors' codes by id, for showing a record's Sector (a handful of rows). */
export async function sectorCodes(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('sector').select(['id', 'code']).execute()
  return new Map(rows.map((r) => [r.id, r.code]))
}
