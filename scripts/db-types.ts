// Regenerates src/server/db/schema.ts from the migrations: migrate a scratch PostgreSQL database,
// then let kysely-codegen introspect it. Needs the local PostgreSQL server (DATABASE_URL or 127.0.0.1).
import { execFileSync } from 'node:child_process'
import pg from 'pg'
import { openPostgres } from '../src/server/db/database.ts'
import { migrateToLatest } from '../src/server/db/migrate.ts'

const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const name = `engage_codegen_${process.pid}`
const client = new pg.Client({ connectionString: admin })
await client.connect()
await client.query(`CREATE DATABASE ${name}`)
const url = new URL(admin)
url.pathname = `/${name}`
try {
  const database = openPostgres(url.toString(), 1)
  await migrateToLatest(database.db)
  await database.close()
  execFileSync(
    'npx',
    [
      'kysely-codegen',
      '--dialect',
      'postgres',
      '--url',
      url.toString(),
      '--out-file',
      'src/server/db/schema.ts',
      '--exclude-pattern',
      'kysely_*',
      '--camel-case=false',
      '--runtime-enums=false',
      '--date-parser',
      'string',
      '--numeric-parser',
      'number',
      '--type-mapping',
      JSON.stringify({ int8: 'number' }),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  )
} finally {
  await client.query(`DROP DATABASE IF EXISTS ${name}`)
  await client.end()
}
