/**
 * Benchmarks: each figure is a median of several runs and is compared with a baseline measured in the same
 * run on the same data, so the ratio means something on any machine. Usage:
 *   npm run bench [-- --db embedded|postgres|both] [--runs 5]
 * Prints a table and writes bench/results.json. (Issue 9 adds HTTP, import and start-up figures.)
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import pg from 'pg'
import { loadDemo } from '../src/cli/demo.ts'
import { type Database, openMemory, openPostgres } from '../src/server/db/database.ts'
import { migrateToLatest } from '../src/server/db/migrate.ts'
import { COMMAND_LINE } from '../src/server/features/auth/auth.policy.ts'
import { ensureReferenceData } from '../src/server/features/directory/reference-data.ts'
import { reportDocx } from '../src/server/reports/render.ts'
import { wtsaReport } from '../src/server/reports/wtsa-report.ts'

const { values } = parseArgs({
  options: { db: { type: 'string', default: 'both' }, runs: { type: 'string', default: '5' } },
})
const kinds = values.db === 'both' ? ['embedded', 'postgres'] : [values.db!]
if (!kinds.every((k) => k === 'embedded' || k === 'postgres')) {
  console.error('--db must be embedded, postgres or both')
  process.exit(2)
}
const runs = Math.max(1, Number(values.runs) || 5)
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
// The demo data's last four complete years: a study period.
const PERIOD = { from: '2022-01-01', to: '2025-12-31' }
const AS_OF = new Date('2026-01-31T23:59:59Z')

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn() // warm-up: caches, JIT, prepared plans
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

async function open(kind: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (kind === 'embedded') {
    const database = await openMemory()
    return { database, drop: () => database.close() }
  }
  const name = `engage_bench_${process.pid}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name}`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const database = openPostgres(url.toString(), 5)
  return {
    database,
    drop: async () => {
      await database.close()
      const a = new pg.Client({ connectionString: ADMIN_URL })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${name}`)
      await a.end()
    },
  }
}

type Result = { db: string; figure: string; ms: number; baselineMs: number; ratio: number; note: string }
const results: Result[] = []

for (const kind of kinds) {
  const { database, drop } = await open(kind)
  try {
    const db = database.db
    await migrateToLatest(db)
    await ensureReferenceData(db)
    const loaded = await loadDemo(db)
    console.error(`${kind}: demo data loaded (${JSON.stringify(loaded)})`)

    // Baseline: the report's participation aggregates over the period as one hand-written statement — the
    // least any report over these records has to do.
    const baseline = await median(() =>
      sql`
        SELECT extract(year FROM m.starts_at)::int AS year, c.development_status,
               count(DISTINCT a.organization_id) AS organizations, count(DISTINCT a.person_id) AS people
        FROM meeting_attendance a JOIN meeting m ON m.id = a.meeting_id
        JOIN organization o ON o.id = a.organization_id JOIN country c ON c.code = o.country_code
        WHERE m.status IN ('held', 'concluded') AND m.starts_at BETWEEN ${new Date(`${PERIOD.from}T00:00:00Z`)} AND ${AS_OF}
        GROUP BY 1, 2`.execute(db),
    )
    const model = await median(() => wtsaReport(db, COMMAND_LINE, PERIOD, 'en', AS_OF))
    const docx = await median(async () => reportDocx(await wtsaReport(db, COMMAND_LINE, PERIOD, 'en', AS_OF)))
    const note = `demo data, ${PERIOD.from} – ${PERIOD.to}`
    results.push(
      {
        db: kind,
        figure: 'WTSA report model (4 years)',
        ms: model,
        baselineMs: baseline,
        ratio: model / baseline,
        note,
      },
      {
        db: kind,
        figure: 'WTSA report DOCX (4 years)',
        ms: docx,
        baselineMs: baseline,
        ratio: docx / baseline,
        note,
      },
    )
  } finally {
    await drop()
  }
}

const pad = (s: string, n: number) => s.padEnd(n)
console.log(
  `\n${pad('database', 10)}${pad('figure', 32)}${pad('median ms', 12)}${pad('baseline ms', 13)}ratio`,
)
for (const r of results)
  console.log(
    `${pad(r.db, 10)}${pad(r.figure, 32)}${pad(r.ms.toFixed(1), 12)}${pad(r.baselineMs.toFixed(1), 13)}${r.ratio.toFixed(1)}`,
  )
mkdirSync('bench', { recursive: true })
writeFileSync(
  'bench/results.json',
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
      runs,
      baseline: 'the participation aggregates of the same period as one SQL statement',
      results,
    },
    null,
    2,
  )}\n`,
)
console.log('\nWritten to bench/results.json')
