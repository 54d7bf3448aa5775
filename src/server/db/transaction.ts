import { fromDatabaseError } from '../http/errors.ts'
import type { Db } from './database.ts'

/**
 * Runs a use case in one transaction; a constraint violation that slipped past the checks becomes a domain
 * error. Called inside a transaction (one use case made of others, like a bulk update), it joins it.
 */
export async function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db)
  try {
    return await db.transaction().execute(fn)
  } catch (error) {
    throw fromDatabaseError(error) ?? error
  }
}
