import { createHash } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { DB } from './schema.ts'

export type Db = Kysely<DB>
export type DatabaseKind = 'embedded' | 'postgres'

export type Database = {
  db: Db
  kind: DatabaseKind
  close: () => Promise<void>
}

// One parser policy for both drivers: int8 and numeric as numbers (counts and ids stay far below 2^53),
// DATE as its ISO string (never a Date shifted into the server's time zone).
const INT8 = 20
const NUMERIC = 1700
const DATE = 1082
pg.types.setTypeParser(INT8, (v) => Number(v))
pg.types.setTypeParser(NUMERIC, (v) => Number(v))
pg.types.setTypeParser(DATE, (v) => v)
const pgliteParsers = {
  [INT8]: (v: string) => Number(v),
  [NUMERIC]: (v: string) => Number(v),
  [DATE]: (v: string) => v,
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Engage process (pid ${pid}). ` +
        'Stop that process first, or set DATA_DIR to another directory.',
    )
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * PGlite must never be opened by two processes at once (a committed write was lost that way), so the
 * embedded database holds an exclusive lock file. A lock left by a dead process is taken over.
 */
function acquireLock(dataDir: string): () => void {
  const lockPath = join(dataDir, 'engage.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx')
      writeFileSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return () => {
        if (released) return
        released = true
        rmSync(lockPath, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number(readFileSync(lockPath, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new DataDirLockedError(dataDir, pid)
      }
      rmSync(lockPath, { force: true })
    }
  }
  throw new Error(`Could not lock ${lockPath}`)
}

const PLANNER_OPTIONS = '-c jit=off -c random_page_cost=1.1'
/** The same on the embedded database's one session (it has no JIT). */
const PLANNER_SETTINGS = 'SET random_page_cost = 1.1'

export async function openEmbedded(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true })
  const release = acquireLock(dataDir)
  try {
    const dbDir = join(dataDir, 'db')
    mkdirSync(dbDir, { recursive: true })
    const pglite = await PGlite.create(dbDir, { parsers: pgliteParsers })
    await pglite.exec(PLANNER_SETTINGS)
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) })
    return {
      db,
      kind: 'embedded',
      close: async () => {
        await db.destroy()
        release()
      },
    }
  } catch (error) {
    release()
    throw error
  }
}

/** An in-memory PGlite, optionally loaded from a dump (tests clone a migrated template this way). */
export async function openMemory(loadDataDir?: Blob): Promise<Database> {
  const pglite = await PGlite.create({ parsers: pgliteParsers, ...(loadDataDir ? { loadDataDir } : {}) })
  await pglite.exec(PLANNER_SETTINGS)
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) })
  return { db, kind: 'embedded', close: () => db.destroy() }
}

/** Statements one connection prepares at most; later new texts run unnamed (planned on every execution). */
export const MAX_PREPARED_STATEMENTS = 1000

/**
 * Each statement with parameters is prepared once per connection, under a name derived from its text, and
 * its plan reused (docs/performance.md): an unnamed statement is planned again on every execution, and on
 * the meeting page PostgreSQL spent as long planning its statements as running them (51 ms against 45 ms).
 * PostgreSQL still plans the first five executions for their parameters and keeps a generic plan only when
 * it costs no more. A connection prepares at most MAX_PREPARED_STATEMENTS texts, so texts that vary (a list
 * of literals) cannot grow the server's memory without bound. Statements without parameters (migrations,
 * transaction control) keep the simple protocol. Kysely calls `query(text, values)`; other calls are untouched.
 */
function preparedStatements(client: pg.PoolClient): void {
  const names = new Set<string>()
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  const prepared = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && rest.length === 0) {
      const name = `engage_${createHash('sha1').update(text).digest('hex')}`
      if (names.has(name) || names.size < MAX_PREPARED_STATEMENTS) {
        names.add(name)
        return query({ name, text, values })
      }
    }
    return query(text, values, ...rest)
  }
  Object.assign(client, { query: prepared })
}

export function openPostgres(connectionString: string, poolSize = 10): Database {
  // JIT compilation is off: on the analytics statements it cost 1.5 s per call for queries that run in
  // tens of milliseconds. Random reads are priced as on SSD and cached data (1.1, not the default 4), so a
  // meeting's 300 attendees are joined to people by index instead of hashing all 30,000 people (26 → 7 ms;
  // docs/performance.md). A connection string's own options still apply after these.
  const pool = new pg.Pool({ connectionString, max: poolSize, options: PLANNER_OPTIONS })
  // An idle connection the server dropped (a restart, a failover, a terminated backend) is discarded by the
  // pool, which opens a new one when next needed. Without a listener, that event would end the process.
  pool.on('error', (error) => console.warn('database: an idle connection was lost:', error.message))
  // A connection lost while checked out also emits 'error' on its client (besides failing the query, which
  // the request answers with a 503). The pool listens only while a client is idle, and an unheard 'error'
  // event ends the process: every client gets a listener of its own.
  pool.on('connect', (client) => {
    client.on('error', (error) => console.warn('database: a connection in use was lost:', error.message))
    preparedStatements(client)
  })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return { db, kind: 'postgres', close: () => db.destroy() }
}

export async function openDatabase(options: {
  dataDir: string
  databaseUrl?: string | undefined
}): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openEmbedded(options.dataDir)
}
