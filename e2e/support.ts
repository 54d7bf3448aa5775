import assert from 'node:assert/strict'
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { type Browser, chromium, type Page } from 'playwright-core'
import { freePort } from '../src/server/testing/ports.ts'
import { SetPasswordPage } from './pages.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export type RunningApp = {
  url: string
  dataDir: string
  env: NodeJS.ProcessEnv
  /** Stops the server and keeps its data directory (so the command line can open it). */
  halt: () => Promise<void>
  /** Stops the server and removes its data directory. */
  stop: () => Promise<void>
}

/** Runs the engage command line against the app's data directory (only while the server is stopped). */
export function cli(app: Pick<RunningApp, 'env'>, args: string[]): string {
  return execFileSync(process.execPath, ['bin/engage.js', ...args], { env: app.env, encoding: 'utf8' })
}

/** Starts the real server (npm start's entry point) on a free port with a fresh embedded database. */
export async function startApp(prepare?: (env: NodeJS.ProcessEnv) => void): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'engage-e2e-'))
  const port = await freePort()
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://localhost:${port}`,
    LOG_LEVEL: 'silent',
  }
  prepare?.(env)
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://localhost:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok) break
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    if (Date.now() > deadline) throw new Error('server did not start within 60 s')
    await new Promise((r) => setTimeout(r, 200))
  }
  const halt = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  }
  return {
    url,
    dataDir,
    env,
    halt,
    stop: async () => {
      await halt()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

/** Fails the test on any console error or on a request to anywhere but the app. */
export function guard(page: Page, appUrl: string, problems: string[]): void {
  page.on('console', (msg) => {
    // A 4xx page (a refused sign-in answers 401) is logged by Chromium as a failed resource: not a script error.
    if (
      msg.type() === 'error' &&
      !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())
    ) {
      problems.push(`console: ${msg.text()}`)
    }
  })
  page.on('response', (res) => {
    if (res.status() >= 500) problems.push(`server error ${res.status()}: ${res.url()}`)
  })
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('request', (req) => {
    if (!req.url().startsWith(appUrl) && !req.url().startsWith('data:'))
      problems.push(`unexpected request: ${req.url()}`)
  })
}

/** Fails unless the page has no WCAG 2 A/AA violation that axe finds (each listed with its elements). */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
  assert.deepEqual(
    result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
  )
}

/**
 * The app with the demo data, a browser, and an administrator (made with `engage admin create`) who has set a
 * password and two-step sign-in on a page of their own; the page fails the test on console errors or
 * requests elsewhere (into `problems`).
 */
export async function startDemoWithAdmin(
  email: string,
  name: string,
  problems: string[],
): Promise<{ app: RunningApp; browser: Browser; page: Page }> {
  let link = ''
  const app = await startApp((env) => {
    cli({ env }, ['demo'])
    link =
      /(http:\/\/\S+token=\S+)/.exec(
        cli({ env }, ['admin', 'create', '--email', email, '--name', name]),
      )?.[1] ?? ''
  })
  const browser = await launchBrowser()
  const page = await (await browser.newContext()).newPage()
  guard(page, app.url, problems)
  await page.goto(link)
  await new SetPasswordPage(page).setPassword('a long and memorable passphrase')
  await page.waitForURL(/notice=password_set/)
  return { app, browser, page }
}
