// The one test command (npm test): unit tests, the integration suite on PGlite and again on PostgreSQL,
// then the browser tests in Chromium. Any suite that fails or cannot run fails the whole command.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prepareTemplates } from '../src/server/testing/test-db.ts'

const only = process.argv[2] as 'unit' | 'embedded' | 'postgres' | 'e2e' | undefined

function find(dir: string, match: (f: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : find(p, match)
    return match(name) ? [p] : []
  })
}

function run(label: string, files: string[], env: Record<string, string> = {}, extra: string[] = []): void {
  if (files.length === 0) {
    console.error(`${label}: no test files found`)
    process.exit(1)
  }
  console.log(`\n=== ${label} (${files.length} files) ===`)
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files],
    {
      stdio: 'inherit',
      env: { ...process.env, TZ: process.env.TZ ?? 'UTC', ...env },
    },
  )
  if (r.status !== 0) {
    console.error(`${label}: FAILED`)
    process.exit(r.status ?? 1)
  }
}

const unit = find('src', (f) => f.endsWith('.test.ts') && !f.endsWith('.int.test.ts'))
const integration = find('src', (f) => f.endsWith('.int.test.ts'))
const e2e = find('e2e', (f) => f.endsWith('.spec.ts'))

if (!only || only === 'unit') run('unit', unit)
if (!only || only === 'embedded') {
  const dir = mkdtempSync(join(tmpdir(), 'engage-test-'))
  const dump = join(dir, 'template.tar')
  await prepareTemplates('embedded', dump)
  try {
    run('integration on PGlite (embedded)', integration, { TEST_DB: 'embedded', TEST_PGLITE_DUMP: dump })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
if (!only || only === 'postgres') {
  await prepareTemplates('postgres')
  run('integration on PostgreSQL', integration, { TEST_DB: 'postgres' })
}
if (!only || only === 'e2e') run('browser (Chromium)', e2e, {}, ['--test-concurrency=1'])
