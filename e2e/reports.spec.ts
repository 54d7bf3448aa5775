import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { AxeBuilder } from '@axe-core/playwright'
import { strFromU8, unzipSync } from 'fflate'
import type { Browser, Page } from 'playwright-core'
import { SetPasswordPage } from './pages.ts'
import { cli, guard, launchBrowser, type RunningApp, startApp } from './support.ts'

let app: RunningApp
let browser: Browser
let page: Page
const problems: string[] = []
let adminLink = ''
let meetingId = ''

before(async () => {
  app = await startApp((env) => {
    cli({ env }, ['demo'])
    adminLink =
      /(http:\/\/\S+token=\S+)/.exec(
        cli({ env }, ['admin', 'create', '--email', 'sec@example.org', '--name', 'Sam Secretariat']),
      )?.[1] ?? ''
  })
  browser = await launchBrowser()
  page = await (await browser.newContext({ acceptDownloads: true })).newPage()
  guard(page, app.url, problems)
  await page.goto(adminLink)
  await new SetPasswordPage(page).setPassword('a long and memorable passphrase')
  await page.waitForURL(/notice=password_set/)
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

const docxText = (bytes: Uint8Array) => strFromU8(unzipSync(bytes)['word/document.xml']!)

describe('the report to TSAG on a meeting', () => {
  test('the secretariat previews it from the meeting page and downloads it in French as DOCX', async () => {
    await page.goto(`${app.url}/meetings?when=past`)
    await page.locator('table tbody tr td a').first().click()
    meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(page.url())![1]!
    await page.getByRole('link', { name: 'Report to TSAG' }).click()
    await page
      .getByRole('heading', { name: /^Report to TSAG on / })
      .first()
      .waitFor()
    assert.match(await page.locator('main').innerText(), /organizations and \d+ people took part/)
    await page.getByLabel('Language', { exact: true }).last().selectOption('fr')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.waitForURL(/in=fr/)
    await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa'])
      .analyze()
      .then((r) => {
        assert.deepEqual(
          r.violations.map((v) => v.id),
          [],
        )
      })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Word document (DOCX)' }).click(),
    ])
    const file = await download.path()
    const xml = docxText(new Uint8Array(readFileSync(file)))
    assert.match(xml, /w:val="Heading1"/)
    assert.match(xml, /Rapport au GCNT/, 'the report is in French, TSAG named as in French documents')
  })

  test('the command line writes the same report, on the embedded database', async () => {
    await app.halt()
    const dir = mkdtempSync(join(tmpdir(), 'engage-report-'))
    const out = join(dir, 'report.docx')
    const printed = cli(app, [
      'report',
      'meeting',
      '--meeting',
      meetingId,
      '--format',
      'docx',
      '--lang',
      'en',
      '--out',
      out,
    ])
    assert.match(printed, /Report written/)
    const xml = docxText(new Uint8Array(readFileSync(out)))
    assert.match(xml, /Report to TSAG on/)
    const html = join(dir, 'report.html')
    cli(app, ['report', 'meeting', '--meeting', meetingId, '--format', 'html', '--out', html])
    assert.match(readFileSync(html, 'utf8'), /<h2>Report to TSAG on/)
  })

  test('no page logged an error', () => {
    assert.deepEqual(problems, [])
  })
})
