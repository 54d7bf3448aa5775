import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import pg from 'pg'
import { freePort } from './testing/ports.ts'
import { POSTGRES_ADMIN_URL, testDbKind } from './testing/test-db.ts'

// These tests run the real entry point (what npm start runs) as a child process.
const children: ChildProcess[] = []
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
})

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exited, output: () => output }
}

async function waitHealthy(port: number): Promise<{ status: string; database: string }> {
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`)
      if (res.ok) return (await res.json()) as { status: string; database: string }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('not healthy within 60 s')
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('the server process', () => {
  if (testDbKind() === 'embedded') {
    test('creates its data directory, refuses a second process on it, and shuts down cleanly on SIGTERM', async () => {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'engage-main-')), 'nested', 'data')
      try {
        const port = await freePort()
        const first = start({ DATA_DIR: dataDir, PORT: String(port) })
        const health = await waitHealthy(port)
        assert.deepEqual(health, { status: 'ok', database: 'embedded' })
        assert.ok(existsSync(join(dataDir, 'engage.lock')))

        const second = start({ DATA_DIR: dataDir, PORT: String(await freePort()) })
        assert.equal(await second.exited, 1)
        assert.match(second.output(), /in use by another Engage process/)

        first.child.kill('SIGTERM')
        assert.equal(await first.exited, 0)
        assert.match(first.output(), /Database closed/)
        assert.ok(!existsSync(join(dataDir, 'engage.lock')), 'the lock is released')

        // The data survives a restart: the reference data is not loaded twice and the schema is current.
        const port3 = await freePort()
        const third = start({ DATA_DIR: dataDir, PORT: String(port3) })
        await waitHealthy(port3)
        const countries = (await (
          await fetch(`http://127.0.0.1:${port3}/api/v1/countries`)
        ).json()) as unknown[]
        assert.equal(countries.length, 249)
        third.child.kill('SIGTERM')
        assert.equal(await third.exited, 0)
      } finally {
        rmSync(join(dataDir, '..', '..'), { recursive: true, force: true })
      }
    })
  } else {
    test('runs on PostgreSQL when DATABASE_URL is set', async () => {
      const name = `engage_main_${process.pid}`
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
      await admin.connect()
      await admin.query(`CREATE DATABASE ${name}`)
      const url = new URL(POSTGRES_ADMIN_URL)
      url.pathname = `/${name}`
      try {
        const port = await freePort()
        const server = start({
          DATABASE_URL: url.toString(),
          PORT: String(port),
          DATA_DIR: '/nonexistent/never-created',
        })
        assert.deepEqual(await waitHealthy(port), { status: 'ok', database: 'postgres' })
        server.child.kill('SIGTERM')
        assert.equal(await server.exited, 0)
        assert.ok(!existsSync('/nonexistent/never-created'))
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`)
        await admin.end()
      }
    })
  }
})
