import { sql } from 'kysely'
import type { Db } from './database.ts'

/**
 * Derived figures kept under the data version they were computed from (migration 0018,
 * docs/performance.md). A figure is recomputed only after a transaction changed a domain table; until then
 * every request, on every app instance, reads the stored value. The cache lives in the database, so several
 * instances on one PostgreSQL share it and no instance can serve a figure older than the data it has seen.
 *
 * Correctness rests on one order: the version is read before the figure is computed, so the stored value
 * is at least as new as its version (a change committed in between only makes it newer, and the next
 * reader then sees a higher version and recomputes). Inside a transaction that has changed data the value
 * is computed and returned but never stored: it could include writes that are later rolled back.
 */
/** Whether the current transaction has changed a domain table (set by the data_change trigger, migration 0018). */
const changedHere = sql<boolean>`current_setting('engage.data_changed', true) IS NOT DISTINCT FROM 'on'`

/** One figure, stored under the data version it was computed from (the rules of `derivedMany`). */
export async function derived<T>(db: Db, key: string, compute: () => Promise<T>): Promise<T> {
  return (await derivedMany(db, [key], async () => [await compute()])).get(key) as T
}

const inFlight = new Map<string, Promise<unknown>>()

/**
 * Many figures at once: the stored ones among `keys` in one statement, the missing ones computed together by
 * `compute` (given the missing keys, it returns their values in that order) and stored in one statement.
 * The same rules as `derived`: the version is read first, nothing is stored from a transaction that changed
 * data, and concurrent requests in this process for the same missing keys wait for one computation.
 */
export async function derivedMany<T>(
  db: Db,
  keys: string[],
  compute: (missing: string[]) => Promise<T[]>,
): Promise<Map<string, T>> {
  const found = new Map<string, T>()
  // Two figures may share a key (two indicators on one query): each key is computed and stored once.
  keys = [...new Set(keys)]
  if (!keys.length) return found
  const { rows } = await sql<{
    version: string | number
    dirty: boolean
    key: string | null
    value: T | null
  }>`
    SELECT v.version, ${changedHere} AS dirty, c.key, c.value
    FROM data_version v LEFT JOIN derived_cache c ON c.key = ANY(${keys}::text[]) AND c.version = v.version`.execute(
    db,
  )
  const first = rows[0]
  const dirty = !first || first.dirty
  if (!dirty) for (const r of rows) if (r.key !== null) found.set(r.key, r.value as T)
  const missing = keys.filter((k) => !found.has(k))
  if (!missing.length) return found
  if (dirty) {
    const values = await compute(missing)
    for (const [i, k] of missing.entries()) found.set(k, normalized(values[i] as T))
    return found
  }
  const version = Number(first.version)
  const flight = `${version}\u0000${missing.join('\u0000')}`
  let work = inFlight.get(flight) as Promise<T[]> | undefined
  if (!work) {
    work = (async () => {
      const json = (await compute(missing)).map((v) => JSON.stringify(v))
      await sql`
        INSERT INTO derived_cache (key, version, value)
        SELECT k, ${version}, v::jsonb FROM unnest(${missing}::text[], ${json}::text[]) AS x(k, v)
        ON CONFLICT (key) DO UPDATE SET version = excluded.version, value = excluded.value, computed_at = now()
        WHERE derived_cache.version < excluded.version`.execute(db)
      return json.map((j) => JSON.parse(j) as T)
    })()
    inFlight.set(flight, work)
    work.finally(() => inFlight.delete(flight)).catch(() => {})
  }
  const values = await work
  for (const [i, k] of missing.entries()) found.set(k, values[i] as T)
  return found
}

/**
 * Drops figures of earlier versions computed over a day ago; keys carry their filters (periods, groups, the day),
 * so they would otherwise pile up. Run from the periodic housekeeping, not on the request path.
 */
export async function pruneDerived(db: Db): Promise<void> {
  await sql`DELETE FROM derived_cache
    WHERE version < (SELECT version FROM data_version) AND computed_at < now() - interval '1 day'`.execute(db)
}

/** The value as a reader of the cache gets it, so a first computation and a cached read look the same. */
const normalized = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T
