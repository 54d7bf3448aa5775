import { fromDatabaseError } from '../http/errors.ts'
import type { Db } from './database.ts'

/** Runs a use case in one transaction; a constraint violation that slipped past the checks becomes a domain error. */
export async function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(fn)
  } catch (error) {
    throw fromDatabaseError(error) ?? error
  }
}
