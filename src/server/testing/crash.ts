import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { openDatabase } from '../db/database.ts'
import { freePort } from './ports.ts'
import { createEmptyPostgres } from './test-db.ts'

/**
 * Crash safety, measured on the real server: start it, stream writes through the API, kill it with SIGKILL
 * at a random moment, start it again, and so on; then check that every write the server acknowledged (201)
 * is in the database exactly once, and that the invariants hold (every organization has its audit entry,
 * written in the same transaction; no audit entry without its organization).
 *
 * Used by src/server/crash.int.test.ts (a few kills, in CI) and scripts/crash.ts (long runs).
 */
export type CrashOptions = {
  kind: 'embedded' | 'postgres'
  kills: number
  /** Concurrent writers. */
  writers?: number
  /** Longest random wait before a kill, after the server answers. */
  maxRunMs?: number
  seed?: number
  log?: (line: string) => void
}

export type CrashResult = {
  kind: 'embedded' | 'postgres'
  kills: number
  acknowledged: number
  missing: string[]
  duplicated: string[]
  /** Organizations stored without their audit entry, or audit entries without their organization. */
  brokenInvariants: string[]
  /** Requests that failed other than by the kill (a 4xx/5xx answer). */
  unexpectedAnswers: string[]
  /** Writes in flight when the server died: stored or not, either is correct; reported for information. */
  inFlightAtKill: number
  restartsMs: number[]
}

/** A small deterministic generator, so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} while starting`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the server did not become healthy')
}

export async function runCrashTest(options: CrashOptions): Promise<CrashResult> {
  const log = options.log ?? (() => {})
  const rand = random(options.seed ?? 1)
  const writers = options.writers ?? 4
  const maxRunMs = options.maxRunMs ?? 1500
  const dataDir = mkdtempSync(join(tmpdir(), 'engage-crash-'))
  const scratch = options.kind === 'postgres' ? await createEmptyPostgres('engage_crash') : undefined
  const databaseUrl = scratch?.url
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PUBLIC_URL: base,
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl ?? '',
  }
  if (!databaseUrl) delete env.DATABASE_URL
  const cli = (args: string[]) =>
    execFileSync(process.execPath, ['bin/engage.js', ...args], { env, encoding: 'utf8', stdio: 'pipe' })

  const result: CrashResult = {
    kind: options.kind,
    kills: 0,
    acknowledged: 0,
    missing: [],
    duplicated: [],
    brokenInvariants: [],
    unexpectedAnswers: [],
    inFlightAtKill: 0,
    restartsMs: [],
  }
  const acknowledged: string[] = []
  try {
    // The command line works only while no server holds the embedded database.
    cli(['admin', 'create', '--email', 'crash@example.org', '--name', 'Crash Test'])
    const token = cli([
      'token',
      'create',
      '--email',
      'crash@example.org',
      '--scope',
      'write',
      '--name',
      'crash',
    ])
      .trim()
      .split('\n')
      .at(-1)!
      .trim()

    let serial = 0
    for (let round = 0; round <= options.kills; round++) {
      const started = Date.now()
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
        env,
        stdio: 'ignore',
      })
      await waitHealthy(base, child)
      if (round > 0) result.restartsMs.push(Date.now() - started)
      const last = round === options.kills
      let dead = false
      let inFlight = 0
      const writer = async () => {
        while (!dead) {
          const name = `Crash Org ${round}-${serial++}`
          inFlight++
          try {
            const res = await fetch(`${base}/api/v1/organizations`, {
              method: 'POST',
              headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
              body: JSON.stringify({ name, category: 'academia', countryCode: 'KE' }),
            })
            if (res.status === 201) acknowledged.push(name)
            else result.unexpectedAnswers.push(`${name}: ${res.status} ${await res.text()}`)
          } catch {
            // The connection died with the server: not acknowledged.
            if (!dead) result.unexpectedAnswers.push(`${name}: connection failed before the kill`)
            else result.inFlightAtKill++
          } finally {
            inFlight--
          }
        }
      }
      const before = acknowledged.length
      const running = Array.from({ length: writers }, writer)
      // Writes must be flowing before the kill: a few acknowledged in this round, then a random wait.
      while (acknowledged.length - before < 5 && result.unexpectedAnswers.length === 0)
        await new Promise((r) => setTimeout(r, 20))
      await new Promise((r) => setTimeout(r, Math.floor(rand() * maxRunMs)))
      if (last) {
        dead = true
        await Promise.all(running)
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      } else {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGKILL')
        dead = true
        const atKill = inFlight
        await exited
        await Promise.all(running)
        result.kills++
        log(
          `kill ${result.kills}: ${acknowledged.length} acknowledged so far, ${atKill} in flight at the kill`,
        )
      }
    }

    // Check, with the server stopped, straight in the database.
    const database = await openDatabase({ dataDir, databaseUrl })
    try {
      const stored = await database.db
        .selectFrom('organization')
        .select(['id', 'name'])
        .where('name', 'like', 'Crash Org %')
        .execute()
      const counts = new Map<string, number>()
      for (const o of stored) counts.set(o.name, (counts.get(o.name) ?? 0) + 1)
      result.acknowledged = acknowledged.length
      result.missing = acknowledged.filter((n) => !counts.has(n))
      result.duplicated = [...counts].filter(([, n]) => n > 1).map(([name]) => name)
      const { rows } = await sql<{ problem: string }>`
        SELECT 'organization without its audit entry: ' || o.name AS problem
        FROM organization o
        WHERE o.name LIKE 'Crash Org %'
          AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity_id = o.id::text AND a.action = 'create')
        UNION ALL
        SELECT 'audit entry without its organization: ' || a.entity_id
        FROM audit_log a
        WHERE a.entity_type = 'organization' AND a.action = 'create'
          AND NOT EXISTS (SELECT 1 FROM organization o WHERE o.id::text = a.entity_id)`.execute(database.db)
      result.brokenInvariants = rows.map((r) => r.problem)
    } finally {
      await database.close()
    }
    return result
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
    await scratch?.drop()
  }
}
