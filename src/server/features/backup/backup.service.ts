import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip, createGzip } from 'node:zlib'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, assertAdmin } from '../auth/auth.policy.ts'

/**
 * Logical backup and restore (docs/backup.md). A backup is one gzip'd JSON-lines file: a manifest line,
 * then for each table a `{"table": name}` line followed by its rows (`row_to_json`, so every value keeps
 * PostgreSQL's own text form), then an end line. It is written from one REPEATABLE READ READ ONLY snapshot
 * and is the same on PGlite and PostgreSQL, so it also moves an embedded install onto a server.
 */
export const BACKUP_FORMAT = 'engage-backup'
export const BACKUP_VERSION = 1

/**
 * Tables a backup leaves out. Sign-in state (sessions, two-step challenges, one-time links) is not data
 * but live credentials: restoring it would revive sign-ins and links that were ended or used after the
 * backup. The outbox holds e-mailed one-time links and pending mail a restored install would send twice.
 * Idempotency keys only answer a client's retry within a day. Caches and counters are recomputed; the migration tables are the schema, checked instead of copied.
 */
export const EXCLUDED_TABLES = [
  'data_change',
  'data_version',
  'derived_cache',
  'idempotency_key',
  'kysely_migration',
  'kysely_migration_lock',
  'one_time_token',
  'outbox_email',
  'rate_limit',
  'session',
  'sign_in_challenge',
] as const

/** Kept by a restore: the schema's own state. Every other table is emptied, restored or not. */
const KEPT_ON_RESTORE = ['data_change', 'data_version', 'kysely_migration', 'kysely_migration_lock']

/**
 * A database is in use when it holds an account, an audit record (every change through the app or the
 * command line writes one) or a directory, meeting, topic or consultation record. Tables filled by the
 * migrations and the reference data (countries, the action plan, settings) do not count: a fresh install
 * has them, and a restore replaces them.
 */
const IN_USE_TABLES = [
  'app_user',
  'audit_log',
  'consultation',
  'engagement_group',
  'meeting',
  'organization',
  'person',
  'topic',
]

export type TableManifest = { name: string; columns: string[]; rows: number; checksum: string }
export type SequenceManifest = { table: string; column: string; lastValue: string; isCalled: boolean }
export type Manifest = {
  format: typeof BACKUP_FORMAT
  version: number
  id: string
  createdAt: string
  source: { database: 'embedded' | 'postgres'; serverVersion: string }
  migrations: string[]
  tables: TableManifest[]
  sequences: SequenceManifest[]
}

export type BackupErrorCode =
  | 'BACKUP_FILE_INVALID'
  | 'BACKUP_MIGRATIONS_DIFFER'
  | 'BACKUP_TARGET_NOT_EMPTY'
  | 'BACKUP_CHECKSUM_MISMATCH'

/** A refused backup or restore; the message says what is wrong and what to do. */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message)
  }
}

// Every value's text form must be the same on both engines and whatever the server's settings.
async function setOutputSettings(trx: Db): Promise<void> {
  await sql`SET LOCAL TimeZone = 'UTC'`.execute(trx)
  await sql`SET LOCAL DateStyle = 'ISO, MDY'`.execute(trx)
  await sql`SET LOCAL IntervalStyle = 'postgres'`.execute(trx)
  await sql`SET LOCAL bytea_output = 'hex'`.execute(trx)
  await sql`SET LOCAL extra_float_digits = 1`.execute(trx)
}

async function appliedMigrations(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db)
  return rows.map((r) => r.name)
}

/** The backed-up tables and their columns (generated columns are left out: they are recomputed). */
async function tableColumns(db: Db): Promise<Map<string, string[]>> {
  const { rows } = await sql<{ table: string; column: string }>`
    SELECT c.relname AS table, a.attname AS column
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relkind = 'r' AND a.attgenerated = ''
    ORDER BY c.relname, a.attnum`.execute(db)
  const tables = new Map<string, string[]>()
  for (const r of rows) {
    if ((EXCLUDED_TABLES as readonly string[]).includes(r.table)) continue
    const columns = tables.get(r.table) ?? []
    columns.push(r.column)
    tables.set(r.table, columns)
  }
  return tables
}

async function ownedSequences(db: Db): Promise<{ table: string; column: string; sequence: string }[]> {
  const { rows } = await sql<{ table: string; column: string; sequence: string }>`
    SELECT t.relname AS table, a.attname AS column, s.relname AS sequence
    FROM pg_class s
    JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S'
    ORDER BY 1, 2`.execute(db)
  return rows.filter((r) => !(EXCLUDED_TABLES as readonly string[]).includes(r.table))
}

/**
 * A table's row count and checksum: the md5 of its rows' md5s in sorted order. Sorting the digests rather
 * than the rows needs no primary key and no collation (PGlite sorts text as "C", a server by its locale),
 * so both engines give the same checksum for the same rows. Run with setOutputSettings.
 */
async function tableChecksum(db: Db, table: string): Promise<{ rows: number; checksum: string }> {
  const { rows } = await sql<{ n: string; checksum: string }>`
    SELECT count(*)::text AS n,
           coalesce(md5(string_agg(h, '' ORDER BY h COLLATE "C")), md5('')) AS checksum
    FROM (SELECT md5(t::text) AS h FROM ${sql.table(table)} AS t) AS s`.execute(db)
  return { rows: Number(rows[0]!.n), checksum: rows[0]!.checksum }
}

/** Per-table counts and checksums of the backed-up tables, in one snapshot (tests compare databases). */
export async function tableChecksums(db: Db): Promise<Record<string, { rows: number; checksum: string }>> {
  return db.transaction().execute(async (trx) => {
    await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`.execute(trx)
    await setOutputSettings(trx)
    const result: Record<string, { rows: number; checksum: string }> = {}
    for (const table of (await tableColumns(trx)).keys()) result[table] = await tableChecksum(trx, table)
    return result
  })
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain')
}

/**
 * Writes a backup of the whole database to `out` (gzip'd) from one consistent snapshot, and records it in
 * the audit log first (so the backup holds its own record). Only administrators with write rights (the
 * command line, a session, a write-scoped token): a backup carries password digests and everything else.
 */
export async function createBackup(
  db: Db,
  actor: Actor,
  kind: 'embedded' | 'postgres',
  out: Writable,
): Promise<Manifest> {
  assertAdmin(actor, true)
  const id = randomUUID()
  await db
    .transaction()
    .execute((trx) =>
      recordAudit(trx, actor, { action: 'create', entityType: 'backup', entityId: id, summary: 'Backup' }),
    )
  const gzip = createGzip()
  gzip.pipe(out)
  const done = finished(out)
  done.catch(() => {})
  try {
    const manifest = await writeSnapshot(db, id, kind, gzip)
    gzip.end(
      `${JSON.stringify({ end: manifest.id, rows: manifest.tables.reduce((n, t) => n + t.rows, 0) })}\n`,
    )
    await done
    return manifest
  } catch (error) {
    gzip.destroy()
    out.destroy()
    throw error
  }
}

async function writeSnapshot(
  db: Db,
  id: string,
  kind: 'embedded' | 'postgres',
  gzip: Writable,
): Promise<Manifest> {
  // PGlite has one session: while this transaction runs, the app's other queries wait for it. Only the
  // database and the local gzip stream are awaited inside it.
  return db.transaction().execute(async (trx) => {
    await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`.execute(trx)
    await setOutputSettings(trx)
    const { rows: version } = await sql<{ v: string }>`SELECT version() AS v`.execute(trx)
    const columns = await tableColumns(trx)
    const tables: TableManifest[] = []
    for (const [name, cols] of columns)
      tables.push({ name, columns: cols, ...(await tableChecksum(trx, name)) })
    const sequences: SequenceManifest[] = []
    for (const s of await ownedSequences(trx)) {
      const { rows } = await sql<{ last_value: string; is_called: boolean }>`
        SELECT last_value::text AS last_value, is_called FROM ${sql.table(s.sequence)}`.execute(trx)
      sequences.push({
        table: s.table,
        column: s.column,
        lastValue: rows[0]!.last_value,
        isCalled: rows[0]!.is_called,
      })
    }
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      id,
      createdAt: new Date().toISOString(),
      source: { database: kind, serverVersion: version[0]!.v },
      migrations: await appliedMigrations(trx),
      tables,
      sequences,
    }
    await write(gzip, `${JSON.stringify(manifest)}\n`)
    for (const t of tables) {
      await write(gzip, `${JSON.stringify({ table: t.name })}\n`)
      if (t.rows === 0) continue
      const cursor = sql.id(`backup_${t.name}`)
      const list = sql.join(t.columns.map((c) => sql.ref(`t.${c}`)))
      await sql`DECLARE ${cursor} NO SCROLL CURSOR FOR
        SELECT row_to_json(r)::text AS j FROM (SELECT ${list} FROM ${sql.table(t.name)} AS t) AS r`.execute(
        trx,
      )
      for (;;) {
        const { rows } = await sql<{ j: string }>`FETCH 500 FROM ${cursor}`.execute(trx)
        if (rows.length === 0) break
        await write(gzip, `${rows.map((r) => r.j).join('\n')}\n`)
      }
      await sql`CLOSE ${cursor}`.execute(trx)
    }
    return manifest
  })
}

/** Writes a backup to a file, atomically: a failed backup leaves no file behind, nor a half-written one. */
export async function backupToFile(
  db: Db,
  actor: Actor,
  kind: 'embedded' | 'postgres',
  file: string,
): Promise<Manifest> {
  const partial = `${file}.partial`
  try {
    const manifest = await createBackup(db, actor, kind, createWriteStream(partial))
    renameSync(partial, file)
    return manifest
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  }
}

/** The file's lines, decompressed; a damaged gzip stream throws. */
async function* lines(file: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  let rest = ''
  for await (const chunk of createReadStream(file).pipe(createGunzip())) {
    const parts = (rest + decoder.write(chunk as Buffer)).split('\n')
    rest = parts.pop()!
    yield* parts
  }
  rest += decoder.end()
  if (rest) yield rest
}

function invalid(message: string): BackupError {
  return new BackupError(
    'BACKUP_FILE_INVALID',
    `Not a usable Engage backup: ${message}. Nothing was changed.`,
  )
}

function parseLine(line: string, where: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line)
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {}
  throw invalid(`${where} is not a JSON object`)
}

type Section = { table: TableManifest; rows: string[] }

/**
 * Reads a backup file: the manifest, then each table's rows in batches. Checks the structure as it goes
 * (every row an object with the manifest's columns, each table's row count, the end line); a gzip error
 * (damaged or truncated file) is reported as an invalid file.
 */
async function* readBackup(file: string, batchRows = 1000): AsyncGenerator<Manifest | Section> {
  let manifest: Manifest | undefined
  let current: { table: TableManifest; count: number; columns: Set<string> } | undefined
  let nextTable = 0
  let batch: string[] = []
  let batchChars = 0
  let ended = false
  let lineNo = 0
  const closeTable = function* (): Generator<Section> {
    if (!current) return
    if (batch.length) yield { table: current.table, rows: batch }
    batch = []
    batchChars = 0
    if (current.count !== current.table.rows)
      throw invalid(
        `table ${current.table.name} has ${current.count} rows, the manifest says ${current.table.rows}`,
      )
    current = undefined
  }
  try {
    for await (const line of lines(file)) {
      lineNo++
      if (ended) throw invalid(`data after the end line (line ${lineNo})`)
      if (!manifest) {
        const m = parseLine(line, 'the first line')
        if (m.format !== BACKUP_FORMAT) throw invalid('the first line is not an Engage backup manifest')
        if (m.version !== BACKUP_VERSION)
          throw invalid(`format version ${String(m.version)} (this Engage reads version ${BACKUP_VERSION})`)
        if (!Array.isArray(m.tables) || !Array.isArray(m.migrations) || !Array.isArray(m.sequences))
          throw invalid('the manifest is incomplete')
        manifest = m as unknown as Manifest
        yield manifest
        continue
      }
      if (line.startsWith('{"table":') || line.startsWith('{"end":')) {
        const marker = parseLine(line, `line ${lineNo}`)
        if (typeof marker.table === 'string') {
          yield* closeTable()
          const expected = manifest.tables[nextTable++]
          if (!expected || expected.name !== marker.table)
            throw invalid(`table ${marker.table} is not the next one the manifest lists`)
          current = { table: expected, count: 0, columns: new Set(expected.columns) }
          continue
        }
        if (typeof marker.end === 'string') {
          yield* closeTable()
          if (marker.end !== manifest.id || nextTable !== manifest.tables.length)
            throw invalid('the end line does not match the manifest')
          ended = true
          continue
        }
      }
      if (!current) throw invalid(`line ${lineNo} is outside any table`)
      const row = parseLine(line, `line ${lineNo} (table ${current.table.name})`)
      const keys = Object.keys(row)
      if (keys.length !== current.columns.size || !keys.every((k) => current!.columns.has(k)))
        throw invalid(`line ${lineNo} does not have the columns of table ${current.table.name}`)
      current.count++
      batch.push(line)
      batchChars += line.length
      if (batch.length >= batchRows || batchChars > 4_000_000) {
        yield { table: current.table, rows: batch }
        batch = []
        batchChars = 0
      }
    }
  } catch (error) {
    if (error instanceof BackupError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw invalid(`file ${file} not found`)
    if (
      code?.startsWith('Z_') ||
      code === 'ERR_INVALID_ARG_TYPE' ||
      /gzip|header|end of file/i.test(String(error))
    )
      throw invalid(`the file is damaged or truncated (${String((error as Error).message)})`)
    throw error
  }
  if (!manifest) throw invalid('the file is empty')
  if (!ended) throw invalid('the file is truncated (no end line)')
}

/** Reads the whole file once and checks it, without touching any database. */
export async function verifyBackupFile(file: string): Promise<Manifest> {
  let manifest: Manifest | undefined
  for await (const item of readBackup(file)) if (!('rows' in item && 'table' in item)) manifest = item
  return manifest!
}

export type RestoreResult = { manifest: Manifest; rows: number; tables: number }

/**
 * Restores a backup into this database, all or nothing: the file is checked first; the database must have
 * the same migrations and hold no data of its own (a fresh install), unless `force`, which clears it. All
 * tables are emptied and loaded in one transaction with the foreign keys deferred, sequences are set past
 * the restored values, and every table's count and checksum is compared with the manifest before commit.
 */
export async function restoreBackup(
  db: Db,
  actor: Actor,
  file: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  assertAdmin(actor, true)
  const manifest = await verifyBackupFile(file)
  const migrations = await appliedMigrations(db)
  if (JSON.stringify(migrations) !== JSON.stringify(manifest.migrations)) {
    const missing = manifest.migrations.filter((m) => !migrations.includes(m))
    const extra = migrations.filter((m) => !manifest.migrations.includes(m))
    throw new BackupError(
      'BACKUP_MIGRATIONS_DIFFER',
      `The backup was made with another version of the database schema (${missing.length ? `this database lacks ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `the backup predates ${extra.join(', ')}` : ''}). Restore it with the Engage version that made it, then upgrade. Nothing was changed.`,
    )
  }
  const columns = await tableColumns(db)
  const expected = [...columns.keys()].join(',')
  if (manifest.tables.map((t) => t.name).join(',') !== expected)
    throw invalid('its tables are not those of this database schema')
  for (const t of manifest.tables)
    if (t.columns.join(',') !== columns.get(t.name)!.join(','))
      throw invalid(`the columns of table ${t.name} are not those of this database schema`)

  const loaded = await db.transaction().execute(async (trx) => {
    await setOutputSettings(trx)
    if (!options.force) {
      const used: string[] = []
      for (const table of IN_USE_TABLES) {
        if (!columns.has(table)) continue
        const { rows } = await sql`SELECT 1 FROM ${sql.table(table)} LIMIT 1`.execute(trx)
        if (rows.length) used.push(table)
      }
      if (used.length)
        throw new BackupError(
          'BACKUP_TARGET_NOT_EMPTY',
          `This database already holds data (${used.slice(0, 5).join(', ')}${used.length > 5 ? ', …' : ''}). Restore into a fresh install, or add --force to replace everything in it. Nothing was changed.`,
        )
    }
    const present = new Set(
      (
        await sql<{
          tablename: string
        }>`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`.execute(trx)
      ).rows.map((r) => r.tablename),
    )
    const cleared = [...present].filter((t) => !KEPT_ON_RESTORE.includes(t))
    // The audit log refuses TRUNCATE by trigger; a restore replaces it with the backup's own, then records
    // itself in it. DDL is transactional: on any failure the trigger is back as it was.
    await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(trx)
    await sql`TRUNCATE ${sql.join(cleared.map((t) => sql.table(t)))}`.execute(trx)
    await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(trx)

    // Self-references (a topic merged into another, a plan version based on another) make any table order
    // fail somewhere, so the foreign keys are deferred while loading and checked once at the end.
    const { rows: keys } = await sql<{ table: string; name: string }>`
      SELECT t.relname AS table, c.conname AS name
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
      WHERE c.contype = 'f' AND NOT c.condeferrable`.execute(trx)
    for (const k of keys)
      await sql`ALTER TABLE ${sql.table(k.table)} ALTER CONSTRAINT ${sql.ref(k.name)} DEFERRABLE INITIALLY DEFERRED`.execute(
        trx,
      )
    let rows = 0
    for await (const item of readBackup(file)) {
      if (!('rows' in item && 'table' in item)) continue
      const { table, rows: batch } = item
      const list = sql.join(table.columns.map((c) => sql.ref(c)))
      await sql`INSERT INTO ${sql.table(table.name)} (${list}) OVERRIDING SYSTEM VALUE
        SELECT ${list} FROM json_populate_recordset(NULL::${sql.table(table.name)}, ${`[${batch.join(',')}]`}::json)`.execute(
        trx,
      )
      rows += batch.length
    }
    try {
      await sql`SET CONSTRAINTS ALL IMMEDIATE`.execute(trx)
    } catch (error) {
      throw new BackupError(
        'BACKUP_CHECKSUM_MISMATCH',
        `The restored rows break a reference (${(error as Error).message}); the backup is inconsistent. Nothing was changed.`,
      )
    }
    for (const t of manifest.tables) {
      const actual = await tableChecksum(trx, t.name)
      if (actual.rows !== t.rows || actual.checksum !== t.checksum)
        throw new BackupError(
          'BACKUP_CHECKSUM_MISMATCH',
          `Table ${t.name} differs from the backup's manifest after loading (${actual.rows} rows, checksum ${actual.checksum}; expected ${t.rows}, ${t.checksum}): the file was altered or damaged. Nothing was changed.`,
        )
    }
    for (const k of keys)
      await sql`ALTER TABLE ${sql.table(k.table)} ALTER CONSTRAINT ${sql.ref(k.name)} NOT DEFERRABLE`.execute(
        trx,
      )
    for (const s of manifest.sequences) {
      // Past both the backup's sequence and the restored ids, so new rows never reuse an id.
      await sql`SELECT setval(pg_get_serial_sequence(${s.table}, ${s.column}),
          greatest(${s.lastValue}::bigint, coalesce((SELECT max(${sql.ref(s.column)}) FROM ${sql.table(s.table)}), 0), 1),
          ${s.isCalled} OR coalesce((SELECT max(${sql.ref(s.column)}) FROM ${sql.table(s.table)}), 0) > ${s.lastValue}::bigint)`.execute(
        trx,
      )
    }
    await recordAudit(trx, actor, {
      action: 'restore',
      entityType: 'backup',
      entityId: manifest.id,
      summary: `Restored the backup of ${manifest.createdAt} (${rows} rows)${options.force ? ', replacing the data' : ''}`,
    })
    return rows
  })
  return { manifest, rows: loaded, tables: manifest.tables.length }
}
