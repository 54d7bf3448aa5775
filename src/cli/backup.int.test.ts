import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { createApp } from '../server/app.ts'
import { type Database, type Db, openMemory } from '../server/db/database.ts'
import { migrateToLatest } from '../server/db/migrate.ts'
import { readEnv } from '../server/env.ts'
import { COMMAND_LINE } from '../server/features/auth/auth.policy.ts'
import { createApiToken, inviteUser } from '../server/features/auth/auth.service.ts'
import {
  BackupError,
  type BackupErrorCode,
  backupToFile,
  type Manifest,
  restoreBackup,
  tableChecksums,
} from '../server/features/backup/backup.service.ts'
import { ensureReferenceData } from '../server/features/directory/reference-data.ts'
import { useHarness } from '../server/testing/harness.ts'
import { openEmptyPostgres, openTestDatabase, testDbKind } from '../server/testing/test-db.ts'
import { generate } from './generate.ts'

const h = useHarness()
const env = readEnv({ DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:3000' })
let dir: string
let target: Database
let file: string
let manifest: Manifest
let source: Awaited<ReturnType<typeof tableChecksums>>
let sourceAudit: string

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'engage-backup-test-'))
  target = await openTestDatabase()
})
after(async () => {
  await target?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The audit log without the restore's own record, in a form that no session setting changes. */
async function auditDigest(db: Db): Promise<string> {
  const { rows } = await sql<{ d: string }>`
    SELECT md5(string_agg(concat_ws('|', id, actor_user_id, actor_label, action, entity_type, entity_id, summary,
      extract(epoch FROM occurred_at)::text, before::text, after::text), ',' ORDER BY id)) AS d
    FROM audit_log WHERE NOT (action = 'restore' AND entity_type = 'backup')`.execute(db)
  return rows[0]!.d
}

/** Every table as in the source; the audit log also, plus the one record of the restore. */
async function assertSameAsSource(db: Db, expected = source, expectedAudit?: string): Promise<void> {
  const restored = await tableChecksums(db)
  const { audit_log: restoredAudit, ...rest } = restored
  const { audit_log: sourceAudit, ...sourceRest } = expected
  assert.deepEqual(rest, sourceRest)
  assert.equal(restoredAudit!.rows, sourceAudit!.rows + 1, 'one more audit record: the restore')
  if (expectedAudit) assert.equal(await auditDigest(db), expectedAudit)
}

async function refused(promise: Promise<unknown>, code: BackupErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BackupError, String(error))
    assert.equal(error.code, code)
    assert.match(error.message, message)
    return true
  })
}

/** Rewrites a backup's decompressed lines. */
function tamper(from: string, to: string, edit: (lines: string[]) => string[]): void {
  const lines = gunzipSync(readFileSync(from)).toString('utf8').split('\n')
  writeFileSync(to, gzipSync(edit(lines).join('\n')))
}

describe('backup and restore', () => {
  test('restores into a fresh database: every table’s rows and checksum, sequences, and a working app', async () => {
    await generate(h.db, 'small', 2)
    // Values whose text form is easy to lose on the way: bytes, microseconds, numeric, arrays, JSON, Unicode.
    const meeting = await h.db.selectFrom('meeting').select('id').limit(1).executeTakeFirstOrThrow()
    await sql`INSERT INTO meeting_document (meeting_id, kind, file_name, content_type, size_bytes, content, sha256, title)
      VALUES (${meeting.id}, 'other', ${'محضر "1"\n.pdf'}, 'application/pdf', 4, '\\x00ff0a27'::bytea, repeat('a', 64), ${'Ünïcode ✓ \\ \u2028'})`.execute(
      h.db,
    )
    // A self-reference that points forwards, so no row order could load it with immediate foreign keys.
    await sql`UPDATE topic SET merged_into = (SELECT id FROM topic ORDER BY id DESC LIMIT 1)
      WHERE id = (SELECT id FROM topic ORDER BY id LIMIT 1)`.execute(h.db)
    await sql`INSERT INTO topic_event (topic_id, kind, by_label, at)
      SELECT id, 'created', 'test', '2026-01-02 03:04:05.123456+00' FROM topic LIMIT 3`.execute(h.db)
    file = join(dir, 'a.jsonl.gz')
    const started = performance.now()
    manifest = await backupToFile(h.db, COMMAND_LINE, h.database.kind, file)
    const took = performance.now() - started
    source = await tableChecksums(h.db)
    sourceAudit = await auditDigest(h.db)
    assert.deepEqual(
      Object.fromEntries(manifest.tables.map((t) => [t.name, { rows: t.rows, checksum: t.checksum }])),
      source,
      'the manifest describes the database as it is (the backup recorded itself before its snapshot)',
    )
    assert.ok(source.person!.rows >= 1000 && source.organization!.rows >= 200)
    for (const excluded of ['session', 'rate_limit', 'derived_cache', 'kysely_migration', 'outbox_email'])
      assert.equal(source[excluded], undefined, `${excluded} is not backed up`)
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'actor_label'])
      .where('entity_type', '=', 'backup')
      .where('entity_id', '=', manifest.id)
      .execute()
    assert.deepEqual(audit, [{ action: 'create', actor_label: 'command line' }])

    const r = await restoreBackup(target.db, COMMAND_LINE, file)
    assert.equal(
      r.rows,
      manifest.tables.reduce((n, t) => n + t.rows, 0),
    )
    await assertSameAsSource(target.db, source, sourceAudit)
    const { rows: deferrable } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND condeferrable`.execute(target.db)
    assert.equal(deferrable[0]!.n, 0, 'the foreign keys are immediate again')

    // The restored install works: an administrator is invited, gets a token and lists the organizations
    // (audit_log's sequence continues past the restored ids, or these inserts would collide).
    const app = createApp({ database: target, env, mailer: undefined })
    await inviteUser(target.db, COMMAND_LINE, {
      email: 'restored-admin@example.org',
      name: 'Restored admin',
      grants: [{ role: 'admin' }],
      publicUrl: env.publicUrl,
      purpose: 'sign_in',
    })
    const { token } = await createApiToken(target.db, COMMAND_LINE, {
      email: 'restored-admin@example.org',
      name: 'test',
      scope: 'read',
      days: 1,
    })
    const res = await app.request('/api/v1/organizations?archived=include&pageSize=1', {
      headers: { Authorization: `Bearer ${token}` },
    })
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as { total: number }).total, source.organization!.rows)
    console.log(`backup (${h.database.kind}): ${Math.round(took)} ms for ${r.rows} rows`)
  })

  test('a database that holds data is refused without --force, and replaced with it', async () => {
    const before = await tableChecksums(target.db)
    await refused(
      restoreBackup(target.db, COMMAND_LINE, file),
      'BACKUP_TARGET_NOT_EMPTY',
      /already holds data \(.*app_user.*\).*--force.*Nothing was changed/,
    )
    assert.deepEqual(await tableChecksums(target.db), before)
    await restoreBackup(target.db, COMMAND_LINE, file, { force: true })
    await assertSameAsSource(target.db, source, sourceAudit)
    const { rows } = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM app_user WHERE email = ${'restored-admin@example.org'}`.execute(
      target.db,
    )
    assert.equal(rows[0]!.n, 0, 'what the target held is gone')
  })

  test('a tampered, damaged or foreign file is refused with the reason, and nothing changes', async () => {
    const before = await tableChecksums(target.db)
    const bad = join(dir, 'bad.jsonl.gz')
    const firstOrg = (lines: string[]) => lines.indexOf('{"table":"organization"}') + 1

    // One value changed, the manifest left alone: found by the checksum after loading, rolled back.
    tamper(file, bad, (lines) => {
      const i = firstOrg(lines)
      lines[i] = lines[i]!.replace(/"name":"([^"]*)"/, '"name":"$1 (edited)"')
      return lines
    })
    await refused(
      restoreBackup(target.db, COMMAND_LINE, bad, { force: true }),
      'BACKUP_CHECKSUM_MISMATCH',
      /Table organization differs/,
    )
    // A row removed: the count no longer matches the manifest; the database is not even opened for writing.
    tamper(file, bad, (lines) => lines.filter((_, i) => i !== firstOrg(lines)))
    await refused(
      restoreBackup(target.db, COMMAND_LINE, bad, { force: true }),
      'BACKUP_FILE_INVALID',
      /table organization has \d+ rows, the manifest says/,
    )
    // Truncated compressed data, and something that is not a backup at all.
    const bytes = readFileSync(file)
    writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length / 2)))
    await refused(
      restoreBackup(target.db, COMMAND_LINE, bad, { force: true }),
      'BACKUP_FILE_INVALID',
      /damaged or truncated/,
    )
    writeFileSync(bad, gzipSync('{"hello":"world"}\n'))
    await refused(
      restoreBackup(target.db, COMMAND_LINE, bad, { force: true }),
      'BACKUP_FILE_INVALID',
      /not an Engage backup/,
    )
    writeFileSync(bad, 'plain text')
    await refused(
      restoreBackup(target.db, COMMAND_LINE, bad, { force: true }),
      'BACKUP_FILE_INVALID',
      /damaged/,
    )
    // From another schema version.
    tamper(file, bad, (lines) => {
      const m = JSON.parse(lines[0]!) as Manifest
      m.migrations = m.migrations.slice(0, -1)
      lines[0] = JSON.stringify(m)
      return lines
    })
    await refused(
      restoreBackup(target.db, COMMAND_LINE, bad, { force: true }),
      'BACKUP_MIGRATIONS_DIFFER',
      /predates .*Engage version that made it/,
    )
    assert.deepEqual(await tableChecksums(target.db), before, 'nothing changed')
  })

  test('a backup taken while writes go on is one snapshot of all tables', async () => {
    // Each write adds an organization and its audit record in one transaction: a backup that read the
    // tables at different moments would hold one without the other.
    let stop = false
    let written = 0
    let failed: unknown
    const country = await h.db.selectFrom('country').select('code').limit(1).executeTakeFirstOrThrow()
    const writer = (async () => {
      while (!stop) {
        const n = written
        await h.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('organization')
            .values({ name: `Concurrent ${n}`, country_code: country.code, category: 'other' })
            .execute()
          await sql`SELECT pg_sleep(0.002)`.execute(trx)
          await trx
            .insertInto('audit_log')
            .values({
              actor_label: 'test',
              action: 'create',
              entity_type: 'concurrent',
              entity_id: String(n),
            })
            .execute()
        })
        written++
        // Like requests arriving from the network: on PGlite a query never leaves the microtask queue, so a
        // loop of them alone would starve every timer.
        await new Promise((r) => setImmediate(r))
      }
    })().catch((error: unknown) => {
      failed = error
    })
    const waitFor = async (n: number) => {
      while (written < n && !failed) await new Promise((r) => setTimeout(r, 5))
      if (failed) throw failed
    }
    await waitFor(5)
    const during = join(dir, 'during.jsonl.gz')
    await backupToFile(h.db, COMMAND_LINE, h.database.kind, during)
    const atEnd = written
    await waitFor(atEnd + 3)
    stop = true
    await writer
    if (failed) throw failed

    await restoreBackup(target.db, COMMAND_LINE, during, { force: true })
    const { rows } = await sql<{ orgs: number; audits: number }>`
      SELECT (SELECT count(*)::int FROM organization WHERE name LIKE 'Concurrent %') AS orgs,
             (SELECT count(*)::int FROM audit_log WHERE entity_type = 'concurrent') AS audits`.execute(
      target.db,
    )
    assert.ok(rows[0]!.orgs >= 5, 'the writes before the backup are in it')
    assert.ok(rows[0]!.orgs < written, 'the writes after it are not')
    assert.equal(rows[0]!.audits, rows[0]!.orgs)
  })

  test('over the API: administrators only (write rights), recorded in the audit log', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const staff = await h.user([{ role: 'secretariat' }])
    assert.equal((await h.request('/api/v1/admin/backup', { method: 'POST' })).status, 401)
    assert.equal((await h.request('/api/v1/admin/backup', { method: 'POST', as: staff })).status, 403)
    const { token: readToken } = await createApiToken(h.db, COMMAND_LINE, {
      email: admin.email,
      name: 'read',
      scope: 'read',
      days: 1,
    })
    const readOnly = await h.request('/api/v1/admin/backup', {
      method: 'POST',
      headers: { Authorization: `Bearer ${readToken}` },
    })
    assert.equal(readOnly.status, 403, 'a read-scoped token cannot copy the whole database')
    const { token } = await createApiToken(h.db, COMMAND_LINE, {
      email: admin.email,
      name: 'write',
      scope: 'write',
      days: 1,
    })
    const res = await h.request('/api/v1/admin/backup', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'application/gzip')
    const viaApi = join(dir, 'api.jsonl.gz')
    writeFileSync(viaApi, Buffer.from(await res.arrayBuffer()))
    const expected = await tableChecksums(h.db)
    const r = await restoreBackup(target.db, COMMAND_LINE, viaApi, { force: true })
    await assertSameAsSource(target.db, expected)
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'action'])
      .where('entity_type', '=', 'backup')
      .where('entity_id', '=', r.manifest.id)
      .execute()
    assert.deepEqual(audit, [{ actor_user_id: admin.userId, action: 'create' }])
  })

  test('crosses engines: this database → the other engine → back', async () => {
    // On PGlite the other engine is the PostgreSQL server, and the other way round.
    const otherKind = testDbKind() === 'postgres' ? 'embedded' : 'postgres'
    const other = otherKind === 'embedded' ? await openMemory() : await openEmptyPostgres('engage_backup')
    try {
      await migrateToLatest(other.db)
      await ensureReferenceData(other.db)
      await restoreBackup(other.db, COMMAND_LINE, file)
      await assertSameAsSource(other.db, source, sourceAudit)
      const back = join(dir, `${otherKind}.jsonl.gz`)
      const fromOther = await backupToFile(other.db, COMMAND_LINE, otherKind, back)
      assert.equal(fromOther.source.database, otherKind)
      const expected = await tableChecksums(other.db)
      await restoreBackup(target.db, COMMAND_LINE, back, { force: true })
      await assertSameAsSource(target.db, expected, await auditDigest(other.db))
    } finally {
      await other.close()
    }
  })
})
