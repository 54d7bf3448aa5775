import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'

/**
 * A fixed-window counter in the database, so every app instance behind a load balancer shares it.
 * Returns the hits so far in the window, this one included.
 */
export async function hit(db: Db, key: string, windowSeconds: number): Promise<number> {
  const { rows } = await sql<{ hits: number }>`
    INSERT INTO rate_limit (key, window_start, hits)
    VALUES (${key}, to_timestamp(floor(extract(epoch FROM now()) / ${windowSeconds}) * ${windowSeconds}), 1)
    ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit.hits + 1
    RETURNING hits`.execute(db)
  return Number(rows[0]?.hits ?? 0)
}

export async function enforce(db: Db, key: string, limit: number, windowSeconds: number): Promise<void> {
  const hits = await hit(db, key, windowSeconds)
  if (hits > limit) throw new AppError('RATE_LIMITED', { retryAfterSeconds: windowSeconds })
}

/** Drops expired windows; run from the periodic housekeeping, not on the request path. */
export async function pruneRateLimits(db: Db): Promise<void> {
  await sql`DELETE FROM rate_limit WHERE window_start < now() - interval '1 day'`.execute(db)
}
