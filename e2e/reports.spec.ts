import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
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
    await page.goto(`${app.url}/meetings?when=past&kind=cto_meeting`)
    await page.locator('table tbody tr td a').first().click()
    meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(page.url())![1]!
    await page.getByRole('link', { name: 'Meeting report', exact: true }).click()
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
    assert.match(xml, /TSAG : rapport sur la réunion/, 'the report is in French, addressed to TSAG')
    assert.match(
      xml,
      /Groupe consultatif de la normalisation des télécommunications/,
      'the body named in French',
    )
  })

  test('the report to WTSA: generated in the background, findings edited, downloaded and issued', async () => {
    await page.goto(app.url)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click()
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor()
    await page.locator('#f-kind').selectOption('wtsa')
    await page.getByLabel('From', { exact: true }).fill('2022-01-01')
    await page.getByLabel('To', { exact: true }).fill('2025-12-31')
    await page.getByRole('button', { name: 'Generate', exact: true }).click()
    await page.waitForURL(/\/reports\/jobs\//)
    // The page follows the progress by itself and shows the report when it is done.
    await page.getByRole('link', { name: 'Word document (DOCX)' }).waitFor({ timeout: 60_000 })
    const main = await page.locator('main').innerText()
    assert.match(main, /Report to WTSA on the engagement of industry/)
    assert.match(main, /Participation by year/)
    await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa'])
      .analyze()
      .then((r) => {
        assert.deepEqual(
          r.violations.map((v) => v.id),
          [],
        )
      })
    await page
      .getByLabel('Findings on whether to continue or enhance the process')
      .fill('The process works.\n\nThe secretariat proposes to continue it.')
    await page.getByRole('button', { name: 'Save the findings' }).click()
    await page.getByText('The findings were saved').waitFor()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Word document (DOCX)' }).click(),
    ])
    const xml = docxText(new Uint8Array(readFileSync(await download.path())))
    assert.match(xml, /Report to WTSA on the engagement of industry/)
    assert.match(xml, /The secretariat proposes to continue it\./, 'the edited findings are in the document')
    await page.getByLabel('Document number').fill('WTSA-24/TD 1')
    page.once('dialog', (d) => void d.accept())
    await page.getByRole('button', { name: 'Issue', exact: true }).click()
    await page.waitForURL(/\/reports\/issued\//)
    assert.match(await page.locator('main').innerText(), /matches the stored report/)
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
    // The report to WTSA over four years of the demo data, in Arabic; LibreOffice must open the DOCX.
    const wtsa = join(dir, 'wtsa.docx')
    const done = cli(app, [
      'report',
      'wtsa',
      '--from',
      '2022-01-01',
      '--to',
      '2025-12-31',
      '--lang',
      'ar',
      '--out',
      wtsa,
    ])
    assert.match(done, /Report written/)
    execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, wtsa], {
      stdio: 'pipe',
      timeout: 120_000,
      env: { ...process.env, HOME: dir },
    })
    const pdf = readFileSync(join(dir, 'wtsa.pdf'))
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-')
    assert.ok(pdf.length > 20_000, 'a real document, with its tables and charts')
    for (const kind of ['follow-up', 'workshop', 'communique']) {
      const args =
        kind === 'follow-up' ? ['--from', '2025-01-01', '--to', '2025-12-31'] : ['--meeting', meetingId]
      const out = join(dir, `${kind}.json`)
      cli(app, ['report', kind, ...args, '--format', 'json', '--out', out])
      assert.equal(JSON.parse(readFileSync(out, 'utf8')).kind, kind)
    }
  })

  test('no page logged an error', () => {
    assert.deepEqual(problems, [])
  })
})
