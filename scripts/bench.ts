/**
 * Benchmarks: each figure is a median of several runs and is compared with a baseline measured in the same
 * run on the same data, so the ratio means something on any machine. Usage:
 *   npm run bench [-- --db embedded|postgres|both] [--runs 5] [--scale small|medium|large] [--http] [--start]
 * Without --scale the demo data is used; with it, `engage generate`'s dataset. --http adds the pages' throughput
 * and latency under load (autocannon) against a bare node:http handler (PostgreSQL only: the server runs in
 * its own process); --start adds seconds from `npm start` to the first 200 on /healthz (embedded, empty and
 * with the chosen scale); --horizontal runs two app processes on one PostgreSQL under a mixed read/write load
 * and checks shared sessions, shared rate limits and background mail sent once. Prints a table and writes
 * bench/results.json (or --out FILE). --import N times the attendance import of an N-row CSV against PostgreSQL's
 * own COPY of the same file. Figures and method: docs/performance.md.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createServer as createTcpServer, type Socket } from 'node:net'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import pg from 'pg'
import { seriesBaseline, differences as seriesDifferences } from '../src/bench/series-baseline.ts'
import { differences, wtsaBaseline } from '../src/bench/wtsa-baseline.ts'
import { loadDemo } from '../src/cli/demo.ts'
import { generate, SCALES, type Scale } from '../src/cli/generate.ts'
import { type Database, openMemory, openPostgres } from '../src/server/db/database.ts'
import { migrateToLatest } from '../src/server/db/migrate.ts'
import { seriesMetrics } from '../src/server/features/analytics/series.ts'
import { COMMAND_LINE } from '../src/server/features/auth/auth.policy.ts'
import { createSession } from '../src/server/features/auth/auth.service.ts'
import { importCsv } from '../src/server/features/directory/import/directory.import.ts'
import { ensureReferenceData } from '../src/server/features/directory/reference-data.ts'
import { reportDocx } from '../src/server/reports/render.ts'
import { wtsaReport } from '../src/server/reports/wtsa-report.ts'
import { freePort } from '../src/server/testing/ports.ts'

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '5' },
    scale: { type: 'string' },
    http: { type: 'boolean', default: false },
    start: { type: 'boolean', default: false },
    horizontal: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results.json' },
    import: { type: 'string' },
  },
})
const scale = values.scale as Scale | undefined
if (scale !== undefined && !(scale in SCALES)) {
  console.error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`)
  process.exit(2)
}
const kinds = values.db === 'both' ? ['embedded', 'postgres'] : [values.db!]
if (!kinds.every((k) => k === 'embedded' || k === 'postgres')) {
  console.error('--db must be embedded, postgres or both')
  process.exit(2)
}
const runs = Math.max(1, Number(values.runs) || 5)
// Child processes get the bench's environment without DATABASE_URL: each figure says which database it uses.
const baseEnv: NodeJS.ProcessEnv = { ...process.env }
delete baseEnv.DATABASE_URL

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

async function open(kind: string): Promise<{ database: Database; url?: string; drop: () => Promise<void> }> {
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
    url: url.toString(),
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
  const { database, url, drop } = await open(kind)
  try {
    const db = database.db
    await migrateToLatest(db)
    await ensureReferenceData(db)
    const loaded = scale ? await generate(db, scale, 1) : await loadDemo(db)
    console.error(`${kind}: ${scale ?? 'demo'} data loaded (${JSON.stringify(loaded)})`)
    const data = scale ? `${scale} data` : 'demo data'

    // The series figures of every held meeting, against the same figures written by hand as one statement
    // (src/bench); it must give the model's figures, or the ratio would compare different work.
    const today = new Date().toISOString().slice(0, 10)
    await db.deleteFrom('derived_cache').execute()
    const seriesFound = seriesDifferences(await seriesMetrics(db, {}), await seriesBaseline(db, today))
    if (seriesFound.length)
      throw new Error(
        `the series baseline disagrees with seriesMetrics:\n${seriesFound.slice(0, 20).join('\n')}`,
      )
    const seriesBaselineMs = await median(() => seriesBaseline(db, today))
    // Computed (the derived-figures cache emptied first), and then as every later request reads them.
    const series = await median(async () => {
      await db.deleteFrom('derived_cache').execute()
      return seriesMetrics(db, {})
    })
    const cached = await median(() => seriesMetrics(db, {}))
    results.push(
      {
        db: kind,
        figure: 'Series figures (all meetings), computed',
        ms: series,
        baselineMs: seriesBaselineMs,
        ratio: series / seriesBaselineMs,
        note: `${data}; baseline: the same figures as one hand-written statement; includes storing them`,
      },
      {
        db: kind,
        figure: 'Series figures (all meetings), cached',
        ms: cached,
        baselineMs: seriesBaselineMs,
        ratio: cached / seriesBaselineMs,
        note: `${data}; read under the data version (no change since computed)`,
      },
    )

    // Baseline: every aggregate the report is built from, written by hand as one statement (src/bench). It
    // must give the model's figures, or the ratio would compare different work.
    const found = differences(
      await wtsaReport(db, COMMAND_LINE, PERIOD, 'en', AS_OF),
      await wtsaBaseline(db, PERIOD, AS_OF),
      PERIOD,
    )
    if (found.length)
      throw new Error(`the WTSA baseline disagrees with the report model:\n${found.join('\n')}`)
    const baseline = await median(() => wtsaBaseline(db, PERIOD, AS_OF))
    // With the derived-figures cache emptied first: a report is built after the data changed.
    const model = await median(async () => {
      await db.deleteFrom('derived_cache').execute()
      return wtsaReport(db, COMMAND_LINE, PERIOD, 'en', AS_OF)
    })
    const docx = await median(async () => {
      await db.deleteFrom('derived_cache').execute()
      return reportDocx(await wtsaReport(db, COMMAND_LINE, PERIOD, 'en', AS_OF))
    })
    const note = `${data}, ${PERIOD.from} – ${PERIOD.to}; computed (derived-figures cache emptied first); baseline: the same aggregates as one hand-written statement`
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
    if (values.http && kind === 'postgres') await httpFigures(db, url!, data)
    if (values.horizontal && kind === 'postgres') await horizontalFigures(db, url!, data)
    if (values.import && kind === 'postgres') await importFigures(db, Number(values.import), data)
  } finally {
    await drop()
  }
}
if (values.start) await startFigures()

async function waitFor(url: string, child: ChildProcess, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs
  for (;;) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function startServer(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...baseEnv, LOG_LEVEL: 'silent', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

type Load = { rps: number; p50: number; p99: number; errors: number; non2xx: number }
async function load(url: string, headers: Record<string, string> = {}): Promise<Load> {
  const r = await autocannon({ url, connections: 50, amount: 2_000, headers })
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  }
}

/** Pages under load, each against a bare node:http handler measured on the same machine in the same run. */
async function httpFigures(db: Database['db'], url: string, data: string): Promise<void> {
  // A secretariat session, made the way sign-in makes one.
  const user = await db
    .insertInto('app_user')
    .values({ email: `bench.${process.pid}@bench.example`, name: 'Bench secretariat' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('role_assignment').values({ user_id: user.id, role: 'secretariat' }).execute()
  const { token } = await createSession(db, user.id)
  const cookie = { cookie: `__Host-engage_session=${token}` }
  const meeting = await db
    .selectFrom('meeting')
    .select('id')
    .where('status', '=', 'concluded')
    .orderBy('starts_at', 'desc')
    .executeTakeFirstOrThrow()
  const topic = await db
    .selectFrom('topic_event')
    .select('topic_id')
    .groupBy('topic_id')
    .orderBy(sql`count(*)`, 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()

  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('ok')
  })
  const barePort = await freePort()
  await new Promise<void>((r) => bare.listen(barePort, '127.0.0.1', r))
  const port = await freePort()
  const app = startServer({ DATABASE_URL: url, PORT: String(port) })
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, app)
    const baseline = await load(`http://127.0.0.1:${barePort}/`)
    const pages: [string, string, Record<string, string>][] = [
      ['Directory search', '/organizations?q=Generated', {}],
      ['Meeting page', `/meetings/${meeting.id}`, cookie],
      ['Topic timeline', `/topics/${topic.topic_id}`, cookie],
      ['Metrics API (all meetings)', '/api/v1/metrics/meetings', {}],
      ['Home (secretariat)', '/', cookie],
    ]
    for (const [figure, path, headers] of pages) {
      // One request first, as any earlier visitor would have made: derived figures are then in the cache.
      await (await fetch(`http://127.0.0.1:${port}${path}`, { headers })).arrayBuffer()
      const r = await load(`http://127.0.0.1:${port}${path}`, headers)
      if (r.errors || r.non2xx) console.error(`${figure}: ${r.errors} errors, ${r.non2xx} non-2xx responses`)
      results.push({
        db: 'postgres',
        figure: `HTTP ${figure}`,
        ms: r.p99,
        baselineMs: baseline.p99,
        ratio: baseline.rps / r.rps,
        note: `${data}; p99 ms vs bare node:http p99; ratio = bare req/s ÷ page req/s; ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, errors ${r.errors + r.non2xx}`,
      })
    }
  } finally {
    await stop(app)
    bare.close()
  }
}

/**
 * Two app processes on one PostgreSQL, the load spread over both (two load generators, one per port, as a
 * round-robin balancer would): reads of the meeting page and home page and writes (new organizations through
 * the JSON API) with one shared session; then the sign-in rate limit hit alternately on both; and a queue of
 * e-mails that both instances' outbox workers race for, delivered to a local SMTP sink. Any error, a lost
 * write, a limit counted per process or a message sent twice fails the run.
 */
async function horizontalFigures(db: Database['db'], url: string, data: string): Promise<void> {
  const user = await db
    .insertInto('app_user')
    .values({ email: `bench.h.${process.pid}@bench.example`, name: 'Bench secretariat' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('role_assignment').values({ user_id: user.id, role: 'secretariat' }).execute()
  const { token, csrfToken } = await createSession(db, user.id)
  const cookie = `__Host-engage_session=${token}`
  const meeting = await db
    .selectFrom('meeting')
    .select('id')
    .where('status', '=', 'concluded')
    .orderBy('starts_at', 'desc')
    .executeTakeFirstOrThrow()
  const country = await db.selectFrom('country').select('code').orderBy('code').executeTakeFirstOrThrow()

  // Mail queued before the instances start: both outbox workers race for it.
  const sink = await smtpSink()
  const MAILS = 60
  const prefix = `bench-${process.pid}`
  await db
    .insertInto('outbox_email')
    .values(
      Array.from({ length: MAILS }, (_, i) => ({
        to_address: `h${i}@bench.example`,
        subject: `${prefix} message ${i}`,
        body_text: 'Sent once, by one instance.',
      })),
    )
    .execute()

  const ports = [await freePort(), await freePort()]
  const apps = ports.map((port) =>
    startServer({ DATABASE_URL: url, PORT: String(port), SMTP_URL: `smtp://127.0.0.1:${sink.port}` }),
  )
  try {
    await Promise.all(ports.map((port, i) => waitFor(`http://127.0.0.1:${port}/healthz`, apps[i]!)))
    // Mixed load: per connection, a meeting page, a home page and a new organization, in turn.
    let written = 0
    let seq = 0
    const started = performance.now()
    const runs = await Promise.all(
      ports.map((port) =>
        autocannon({
          url: `http://127.0.0.1:${port}`,
          connections: 25,
          amount: 1_500,
          headers: { cookie },
          requests: [
            { method: 'GET', path: `/meetings/${meeting.id}` },
            { method: 'GET', path: '/' },
            {
              method: 'POST',
              path: '/api/v1/organizations',
              headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
              setupRequest: (req: Record<string, unknown>) => ({
                ...req,
                body: JSON.stringify({
                  name: `${prefix} organization ${seq++}`,
                  category: 'sector_member',
                  countryCode: country.code,
                }),
              }),
              onResponse: (status: number) => {
                if (status === 201 || status === 200) written++
              },
            },
          ],
        } as autocannon.Options),
      ),
    )
    const seconds = (performance.now() - started) / 1000
    const stored = await db
      .selectFrom('organization')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', 'like', `${prefix} organization %`)
      .executeTakeFirstOrThrow()
    const errors = runs.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0)
    const requests = runs.reduce((n, r) => n + r.requests.total, 0)
    const p99 = Math.max(...runs.map((r) => r.latency.p99))

    // The sign-in limit (10 per e-mail address in 15 minutes) counted across both instances.
    const email = `${prefix}@bench.example`
    const anonCsrf = `bench-anonymous-csrf-token-${process.pid}-0123456789`
    let limitedAt = 0
    for (let attempt = 1; attempt <= 25 && !limitedAt; attempt++) {
      const res = await fetch(`http://127.0.0.1:${ports[attempt % 2]}/auth/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: `__Host-engage_csrf=${anonCsrf}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ email, password: 'wrong password', _csrf: anonCsrf }).toString(),
      })
      if (res.status === 429) limitedAt = attempt
    }

    // Every queued message sent exactly once (one claim each), whichever instance took it.
    const deadline = Date.now() + 60_000
    for (;;) {
      const pending = await db
        .selectFrom('outbox_email')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('subject', 'like', `${prefix} message %`)
        .where('sent_at', 'is', null)
        .executeTakeFirstOrThrow()
      if (Number(pending.n) === 0 || Date.now() > deadline) break
      await new Promise((r) => setTimeout(r, 500))
    }
    const claims = await db
      .selectFrom('outbox_email')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('attempts').as('attempts')])
      .where('subject', 'like', `${prefix} message %`)
      .where('sent_at', 'is not', null)
      .executeTakeFirstOrThrow()
    const received = sink.subjects.filter((s) => s.startsWith(`${prefix} message `))
    const delivered = new Set(received).size

    const problems = [
      errors ? `${errors} errors or non-2xx responses` : '',
      Number(stored.n) !== written ? `${written} writes acknowledged, ${stored.n} stored` : '',
      limitedAt !== 11
        ? `sign-in limited at attempt ${limitedAt || 'never'}, expected 11 (10 allowed in all)`
        : '',
      received.length !== MAILS ||
      delivered !== MAILS ||
      Number(claims.n) !== MAILS ||
      Number(claims.attempts) !== MAILS
        ? `mail: ${received.length} received (${delivered} distinct), ${claims.n} marked sent with ${claims.attempts} claims, of ${MAILS}`
        : '',
    ].filter(Boolean)
    if (problems.length) console.error(`Two instances: ${problems.join('; ')}`)
    results.push({
      db: 'postgres',
      figure: 'Two instances, mixed read/write',
      ms: p99,
      baselineMs: 0,
      ratio: 0,
      note: `${data}; p99 ms of both; ${requests} requests in ${seconds.toFixed(1)} s (${Math.round(requests / seconds)} req/s), ${written} writes acknowledged and ${stored.n} stored, errors ${errors}; sign-in limited at attempt ${limitedAt} of 10 allowed across both; ${delivered} of ${MAILS} messages delivered once (${claims.attempts} claims)${problems.length ? `; FAILED: ${problems.join('; ')}` : ''}`,
    })
    if (problems.length) process.exitCode = 1
  } finally {
    await Promise.all(apps.map(stop))
    sink.close()
  }
}

/**
 * The attendance import of an N-row CSV (100 imported meetings, existing organizations, new people) against
 * a raw COPY of the same file into a table of text columns: the floor for getting those bytes into
 * PostgreSQL. The import also validates every row, resolves meetings, organizations and people, adds the
 * missing ones and writes the attendance, all-or-nothing.
 */
async function importFigures(db: Database['db'], rows: number, data: string): Promise<void> {
  const tag = `B${process.pid}`
  const meetings = 100
  await sql`INSERT INTO meeting (kind, titles, starts_at, ends_at, time_zone, format, seniority_policy, status, import_ref)
    SELECT 'cto_meeting', jsonb_build_object('en', 'Import bench ' || k), timestamptz '2001-01-01' + k * interval '30 days',
           timestamptz '2001-01-01' + k * interval '30 days' + interval '8 hours', 'UTC', 'in_person', 'open', 'concluded',
           ${tag} || '-' || k
    FROM generate_series(1, ${meetings}) k`.execute(db)
  const orgs = await db
    .selectFrom('organization')
    .select(['id', 'name', 'country_code'])
    .where('archived_at', 'is', null)
    .orderBy('id')
    .limit(2000)
    .execute()
  const perMeeting = Math.ceil(rows / meetings)
  const lines = ['meeting_ref,organization,organization_country,category,sme,person,seniority,role']
  for (let i = 0; i < rows; i++) {
    const m = (i % meetings) + 1
    const k = Math.floor(i / meetings) % perMeeting
    const o = orgs[k % orgs.length]!
    lines.push(
      `${tag}-${m},"${o.name.replaceAll('"', '""')}",${o.country_code},sector_member,false,Bench person ${k},expert,${k % 7 === 0 ? 'alternate' : 'principal'}`,
    )
  }
  const file = join(tmpdir(), `engage-bench-attendance-${process.pid}.csv`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  chmodSync(file, 0o644)
  const text = readFileSync(file, 'utf8')
  try {
    await sql`CREATE TABLE bench_copy (meeting_ref text, organization text, organization_country text,
      category text, sme text, person text, seniority text, role text)`.execute(db)
    const copyStart = performance.now()
    await sql`COPY bench_copy FROM ${sql.lit(file)} WITH (FORMAT csv, HEADER true)`.execute(db)
    const copyMs = performance.now() - copyStart
    await sql`DROP TABLE bench_copy`.execute(db)
    // The second floor: writing the same rows into meeting_attendance itself, already resolved to ids (the
    // people the import adds inserted first, untimed), in one statement with the table's keys, indexes and
    // foreign keys checked; rolled back.
    const trx = await db.startTransaction().execute()
    let floorMs: number
    try {
      const ks = Array.from({ length: Math.min(perMeeting, rows) }, (_, k) => k)
      await sql`CREATE TEMP TABLE bench_people ON COMMIT DROP AS
        SELECT k, org AS organization_id, gen_random_uuid() AS id
        FROM unnest(${ks}::int[], ${ks.map((k) => orgs[k % orgs.length]!.id)}::uuid[]) AS u(k, org)`.execute(
        trx,
      )
      await sql`INSERT INTO person (id, organization_id, name, seniority)
        SELECT id, organization_id, 'Bench person ' || k, 'expert' FROM bench_people`.execute(trx)
      await sql`CREATE TEMP TABLE bench_resolved ON COMMIT DROP AS
        SELECT i, m.id AS meeting_id, p.organization_id, p.id AS person_id,
               CASE WHEN p.k % 7 = 0 THEN 'alternate' ELSE 'principal' END AS role
        FROM generate_series(0, ${rows - 1}) i
        JOIN meeting m ON m.import_ref = ${tag} || '-' || (i % ${meetings} + 1)
        JOIN bench_people p ON p.k = (i / ${meetings}) % ${perMeeting}`.execute(trx)
      const floorStart = performance.now()
      await sql`INSERT INTO meeting_attendance (meeting_id, organization_id, person_id, attended_as, captured_by)
        SELECT meeting_id, organization_id, person_id, role, 'list' FROM bench_resolved ORDER BY i`.execute(
        trx,
      )
      floorMs = performance.now() - floorStart
    } finally {
      await trx.rollback().execute()
    }
    const start = performance.now()
    const report = await importCsv(db, COMMAND_LINE, 'attendance', text, false)
    const ms = performance.now() - start
    if (!report.committed)
      throw new Error(
        `bench import refused: ${JSON.stringify(report.fileErrors)} ${JSON.stringify(report.rows.slice(0, 3))}`,
      )
    results.push({
      db: 'postgres',
      figure: `Attendance import (${rows.toLocaleString('en')} rows)`,
      ms,
      baselineMs: copyMs,
      ratio: ms / copyMs,
      note: `${data}; baseline: COPY of the same file into a table of text columns; import ${Math.round(rows / (ms / 1000))} rows/s, COPY ${Math.round(rows / (copyMs / 1000))} rows/s (import at ${Math.round((copyMs / ms) * 100)} % of COPY); ${report.counts.created} created, ${report.counts.updated} updated`,
    })
    results.push({
      db: 'postgres',
      figure: `Attendance import (${rows.toLocaleString('en')} rows), against writing them`,
      ms,
      baselineMs: floorMs,
      ratio: ms / floorMs,
      note: `${data}; baseline: one INSERT of the same rows, already resolved to ids, into meeting_attendance with its keys, indexes and foreign keys (rolled back); ${Math.round(rows / (floorMs / 1000))} rows/s (import at ${Math.round((floorMs / ms) * 100)} % of it)`,
    })
  } finally {
    rmSync(file, { force: true })
  }
}

/** A minimal SMTP server that accepts every message and keeps its subject (the bench's mail sink). */
async function smtpSink(): Promise<{ port: number; subjects: string[]; close: () => void }> {
  const subjects: string[] = []
  const server = createTcpServer((socket: Socket) => {
    let buffer = ''
    let inData = false
    socket.setEncoding('utf8')
    socket.write('220 bench SMTP sink\r\n')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end < 0) return
          const message = buffer.slice(0, end)
          buffer = buffer.slice(end + 5)
          inData = false
          const subject = /^Subject: (.*)$/im.exec(message)?.[1]?.trim() ?? ''
          subjects.push(subject)
          socket.write('250 OK\r\n')
          continue
        }
        const eol = buffer.indexOf('\r\n')
        if (eol < 0) return
        const line = buffer.slice(0, eol)
        buffer = buffer.slice(eol + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 bench\r\n')
        else if (verb === 'DATA') {
          inData = true
          socket.write('354 End with .\r\n')
        } else if (verb === 'QUIT') {
          socket.end('221 Bye\r\n')
          return
        } else socket.write('250 OK\r\n')
      }
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    subjects,
    close: () => server.close(),
  }
}

/** Seconds from the server's start to its first 200 on /healthz on the embedded database. */
async function startFigures(): Promise<void> {
  const once = async (dataDir: string) => {
    const port = await freePort()
    const started = performance.now()
    const child = startServer({ DATA_DIR: dataDir, PORT: String(port) })
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`, child)
      return performance.now() - started
    } finally {
      await stop(child)
    }
  }
  // The floor: Node itself starting and answering on a port.
  const floor = await (async () => {
    const port = await freePort()
    const started = performance.now()
    const child = spawn(
      process.execPath,
      ['-e', `require('http').createServer((q,s)=>s.end('ok')).listen(${port},'127.0.0.1')`],
      { stdio: 'ignore' },
    )
    try {
      await waitFor(`http://127.0.0.1:${port}/`, child)
      return performance.now() - started
    } finally {
      await stop(child)
    }
  })()
  const empty = mkdtempSync(join(tmpdir(), 'engage-bench-empty-'))
  const filled = mkdtempSync(join(tmpdir(), 'engage-bench-filled-'))
  try {
    const fresh = await once(empty) // initdb and migrations
    const reopen = await once(empty)
    const withScale = scale ?? 'small'
    execFileSync(process.execPath, ['bin/engage.js', 'generate', '--scale', withScale], {
      env: { ...baseEnv, DATA_DIR: filled },
      stdio: 'ignore',
    })
    const loaded = await once(filled)
    for (const [figure, ms] of [
      ['Start, new data directory', fresh],
      ['Start, empty data directory', reopen],
      [`Start, ${withScale} data directory`, loaded],
    ] as const)
      results.push({
        db: 'embedded',
        figure,
        ms,
        baselineMs: floor,
        ratio: ms / floor,
        note: 'to the first 200 on /healthz; baseline: node starting a bare HTTP server',
      })
  } finally {
    rmSync(empty, { recursive: true, force: true })
    rmSync(filled, { recursive: true, force: true })
  }
}

const pad = (s: string, n: number) => s.padEnd(n)
const width = Math.max(40, ...results.map((r) => r.figure.length + 2))
console.log(
  `\n${pad('database', 10)}${pad('figure', width)}${pad('median ms', 12)}${pad('baseline ms', 13)}ratio`,
)
for (const r of results)
  console.log(
    `${pad(r.db, 10)}${pad(r.figure, width)}${pad(r.ms.toFixed(1), 12)}${pad(r.baselineMs.toFixed(1), 13)}${r.ratio.toFixed(1)}`,
  )
mkdirSync(dirname(values.out!), { recursive: true })
writeFileSync(
  values.out!,
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
      runs,
      scale: scale ?? 'demo',
      baseline: 'per figure, in its note',
      results,
    },
    null,
    2,
  )}\n`,
)
console.log(`\nWritten to ${values.out}`)
