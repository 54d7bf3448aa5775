import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DataDirLockedError } from '../server/db/database.ts'
import { readEnv } from '../server/env.ts'
import { COMMAND_LINE } from '../server/features/auth/auth.policy.ts'
import { createApiToken, inviteUser } from '../server/features/auth/auth.service.ts'
import { BackupError, backupToFile, restoreBackup } from '../server/features/backup/backup.service.ts'
import { OrganizationQuerySchema, PersonQuerySchema } from '../server/features/directory/directory.schema.ts'
import {
  exportCountries,
  exportOrganizations,
  exportPeople,
} from '../server/features/directory/import/directory.export.ts'
import {
  IMPORT_KINDS,
  type ImportKind,
  importCsv,
} from '../server/features/directory/import/directory.import.ts'
import { AppError } from '../server/http/errors.ts'
import { LANGUAGES } from '../server/i18n/i18n.ts'
import { REPORT_KINDS } from '../server/reports/model.ts'
import { reportDocx, reportHtmlDocument, reportJson } from '../server/reports/render.ts'
import {
  asOfDate,
  buildReport,
  type ReportRequest,
  ReportRequestSchema,
  resolveRequest,
} from '../server/reports/reports.service.ts'
import { openReadyDatabase } from '../server/setup/bootstrap.ts'
import { backupViaServer, describeManifest } from './backup.ts'
import { loadDemo } from './demo.ts'
import { generate, SCALES, type Scale } from './generate.ts'

const USAGE = `Usage: engage <command> [options]

Commands:
  admin create --email E --name N        create an administrator and print a one-time sign-in link
  token create --email E --scope read|write [--name N] [--days 90]
                                         create a personal API token and print it (shown once)
  import countries|organizations|people|meetings|attendance FILE [--dry-run]
                                         import a CSV (all-or-nothing; --dry-run writes nothing)
  export countries|organizations|people [--format csv|json]
                                         print the data to standard output
  report meeting|workshop|communique --meeting ID --out FILE [--format docx|html|json] [--lang en] [--as-of YYYY-MM-DD]
  report follow-up|wtsa --from YYYY-MM-DD --to YYYY-MM-DD --out FILE [--format …] [--lang …] [--as-of …]
                      [--sector ITU-R|union] [--addressed-to TSAG]
  report panel --panel ID [--from … --to …] --out FILE [--format …] [--lang …] [--addressed-to Council]
                                         write a report: to TSAG on a meeting, a workshop report, a
                                         communiqué, the follow-up report to TSAG, the report to WTSA
  demo                                   load the synthetic demonstration dataset
  generate --scale small|medium|large [--seed N]
                                         load a deterministic synthetic dataset for benchmarks
  migrate                                create or update the database schema
  backup FILE [--url URL]                write a consistent backup of the whole database to FILE
                                         (gzip'd JSON lines, docs/backup.md), while the app keeps running
  restore FILE [--force]                 restore a backup into this database: it must be a fresh install
                                         (--force replaces all its data); checked before it commits

The database is the embedded one in DATA_DIR (default ./data), or PostgreSQL when DATABASE_URL is set.
Stop the server first when using the embedded database: only one process may open it. The exception is
backup: while the server holds the embedded database, it asks the server (--url, default
http://127.0.0.1:PORT) with an administrator's write-scoped API token in ENGAGE_API_TOKEN.`

function fail(message: string, code = 2): never {
  console.error(message)
  process.exit(code)
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
      days: { type: 'string' },
      format: { type: 'string' },
      'dry-run': { type: 'boolean' },
      meeting: { type: 'string' },
      panel: { type: 'string' },
      sector: { type: 'string' },
      'addressed-to': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      lang: { type: 'string' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      url: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, sub, arg] = positionals
  if (values.help || !command) {
    console.log(USAGE)
    return
  }
  // A report's arguments are checked before the database is opened, so a typo fails at once.
  let reportRequest: ReportRequest | undefined
  if (command === 'report') {
    if (!values.out) fail('report needs --out FILE')
    const format = values.format ?? 'docx'
    if (!['docx', 'html', 'json'].includes(format)) fail('--format must be docx, html or json')
    const parsed = ReportRequestSchema.safeParse({
      kind: sub,
      meetingId: values.meeting?.toLowerCase(),
      panelId: values.panel?.toLowerCase(),
      sector: values.sector,
      addressedTo: values['addressed-to'],
      from: values.from,
      to: values.to,
      lang: values.lang ?? 'en',
      asOf: values['as-of'],
    })
    if (!parsed.success)
      fail(
        `report: ${parsed.error.issues
          .map((i) => `${i.path.join('.') || 'kind'} ${i.message}`)
          .join('; ')}\nKinds: ${REPORT_KINDS.join(', ')}; --lang one of ${LANGUAGES.join(', ')}`,
      )
    reportRequest = parsed.data
  }
  let generateScale: Scale | undefined
  let generateSeed = 1
  if (command === 'generate') {
    if (!values.scale || !(values.scale in SCALES))
      fail(`generate needs --scale ${Object.keys(SCALES).join('|')}`)
    generateScale = values.scale as Scale
    if (values.seed !== undefined) {
      generateSeed = Number(values.seed)
      if (!Number.isInteger(generateSeed) || generateSeed < 0) fail('--seed must be a whole number ≥ 0')
    }
  }
  if ((command === 'backup' || command === 'restore') && !sub) fail(`${command} needs a FILE`)
  const env = readEnv()
  let database: Awaited<ReturnType<typeof openReadyDatabase>>
  try {
    database = await openReadyDatabase(env)
  } catch (error) {
    if (error instanceof DataDirLockedError && command === 'backup') {
      // The running server holds the embedded database: it takes the snapshot for us.
      const token = process.env.ENGAGE_API_TOKEN
      if (!token)
        fail(
          `${error.message}\nAn online backup goes through that server: set ENGAGE_API_TOKEN to a write-scoped API token of an administrator (engage token create), and --url if it does not listen on http://127.0.0.1:${env.port}.`,
          1,
        )
      try {
        const manifest = await backupViaServer(values.url ?? `http://127.0.0.1:${env.port}`, token, sub!)
        console.log(`Backup written to ${sub}: ${describeManifest(manifest)}.`)
      } catch (e) {
        fail(`Backup failed: ${(e as Error).message}`, 1)
      }
      return
    }
    if (error instanceof DataDirLockedError && command === 'restore')
      fail(
        `${error.message}\nA restore replaces the whole database: stop the server, run the restore, then start the server again.`,
        1,
      )
    if (error instanceof DataDirLockedError) fail(error.message, 1)
    throw error
  }
  const db = database.db
  try {
    if (command === 'migrate') {
      console.log('Database schema is up to date.')
    } else if (command === 'admin' && sub === 'create') {
      if (!values.email || !values.name) fail('admin create needs --email and --name')
      const r = await inviteUser(db, COMMAND_LINE, {
        email: values.email,
        name: values.name,
        grants: [{ role: 'admin' }],
        publicUrl: env.publicUrl,
        purpose: 'sign_in',
      })
      console.log(`${r.created ? 'Created' : 'Updated'} administrator ${r.user.email}.`)
      console.log('Open this one-time link within 24 hours to set the password and sign in:')
      console.log(r.link)
    } else if (command === 'token' && sub === 'create') {
      if (!values.email) fail('token create needs --email')
      const scope = values.scope ?? 'read'
      if (scope !== 'read' && scope !== 'write') fail('--scope must be read or write')
      const days = Number(values.days ?? 90)
      if (!Number.isInteger(days) || days < 1 || days > 365)
        fail('--days must be a whole number from 1 to 365')
      const { token, apiToken } = await createApiToken(db, COMMAND_LINE, {
        email: values.email,
        name: values.name ?? 'command line',
        scope,
        days,
      })
      console.log(token)
      console.error(
        `Token ${apiToken.prefix}… (${apiToken.scope}) expires ${apiToken.expiresAt}. It is shown only once.`,
      )
    } else if (command === 'import') {
      const kind = sub as ImportKind
      if (!IMPORT_KINDS.includes(kind) || !arg)
        fail(`import needs a kind (${IMPORT_KINDS.join(', ')}) and a FILE`)
      const report = await importCsv(
        db,
        COMMAND_LINE,
        kind,
        readFileSync(arg, 'utf8'),
        values['dry-run'] === true,
      )
      for (const e of report.fileErrors) console.log(`file: ${e}`)
      for (const r of report.rows)
        console.log(`row ${r.row}\t${r.status}\t${r.key}${r.errors.length ? `\t${r.errors.join('; ')}` : ''}`)
      const c = report.counts
      console.log(
        `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.error} errors — ${report.committed ? 'committed' : 'nothing written'}`,
      )
      if (report.fileErrors.length || c.error) process.exitCode = 1
    } else if (command === 'export') {
      const format = values.format === 'json' ? 'json' : 'csv'
      if (sub === 'countries') process.stdout.write(await exportCountries(db, 'en', format))
      else if (sub === 'organizations')
        process.stdout.write(
          await exportOrganizations(
            db,
            COMMAND_LINE,
            OrganizationQuerySchema.parse({ archived: 'include' }),
            'en',
            format,
          ),
        )
      else if (sub === 'people')
        process.stdout.write(
          await exportPeople(db, COMMAND_LINE, PersonQuerySchema.parse({ archived: 'include' }), format),
        )
      else fail('export needs countries, organizations or people')
    } else if (command === 'report' && reportRequest) {
      const r = reportRequest
      // The Sector, the addressee and the panel's defaults, checked as the reports page checks them.
      const { params } = await resolveRequest(db, COMMAND_LINE, r)
      const report = await buildReport(
        db,
        COMMAND_LINE,
        r.kind,
        params,
        r.lang,
        asOfDate(r.asOf),
        async (step, fraction) => {
          process.stderr.write(`${Math.round(fraction * 100)}% ${step}\n`)
        },
      )
      const format = values.format ?? 'docx'
      const out = values.out!
      if (format === 'docx') writeFileSync(out, await reportDocx(report))
      else if (format === 'html') writeFileSync(out, reportHtmlDocument(report))
      else writeFileSync(out, reportJson(report))
      console.log(`Report written to ${out}`)
    } else if (command === 'generate') {
      const started = performance.now()
      const r = await generate(db, generateScale!, generateSeed)
      console.log(
        `Generated (${generateScale}, seed ${generateSeed}) in ${((performance.now() - started) / 1000).toFixed(1)} s; the database now holds ${Object.entries(
          r,
        )
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}.`,
      )
    } else if (command === 'backup') {
      const manifest = await backupToFile(db, COMMAND_LINE, database.kind, sub!)
      console.log(`Backup written to ${sub}: ${describeManifest(manifest)}.`)
    } else if (command === 'restore') {
      const started = performance.now()
      const r = await restoreBackup(db, COMMAND_LINE, sub!, { force: values.force === true })
      console.log(
        `Restored ${sub} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${describeManifest(r.manifest)}. Everyone signs in again.`,
      )
    } else if (command === 'demo') {
      const r = await loadDemo(db)
      console.log(
        `Demo data loaded: ${r.organizations} organizations, ${r.people} people, ${r.groups} groups, ${r.memberships} memberships, ${r.meetings} meetings, ${r.attendance} attendance records, ${r.topics} topics, ${r.conclusions} conclusions, ${r.actions} follow-up actions, ${r.consultations} consultations.`,
      )
    } else {
      fail(USAGE)
    }
  } catch (error) {
    if (error instanceof BackupError) fail(`Error: ${error.message}`, 1)
    if (error instanceof AppError)
      fail(`Error: ${error.code}${error.fieldErrors ? ` ${JSON.stringify(error.fieldErrors)}` : ''}`, 1)
    throw error
  } finally {
    await database.close()
  }
}

await main(process.argv.slice(2))
