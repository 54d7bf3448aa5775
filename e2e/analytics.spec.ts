import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from 'playwright-core'
import { SetPasswordPage } from './pages.ts'
import { cli, guard, launchBrowser, type RunningApp, startApp } from './support.ts'

let app: RunningApp
let browser: Browser
let page: Page
const problems: string[] = []
let adminLink = ''

before(async () => {
  app = await startApp((env) => {
    cli({ env }, ['demo'])
    adminLink =
      /(http:\/\/\S+token=\S+)/.exec(
        cli({ env }, ['admin', 'create', '--email', 'sec@example.org', '--name', 'Sam Secretariat']),
      )?.[1] ?? ''
  })
  browser = await launchBrowser()
  page = await (await browser.newContext()).newPage()
  guard(page, app.url, problems)
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

describe('engagement analytics, in Chromium', () => {
  test('anyone looks back at the CTO meetings: summary, charts with their numbers, and the same figures as the API', async () => {
    await page.goto(app.url)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click()
    await page.getByRole('heading', { name: 'Engagement analytics', level: 1 }).waitFor()
    await page.getByLabel('CTO meeting', { exact: true }).check()
    await page.getByLabel('From', { exact: true }).fill('2017-01-01')
    await page.getByLabel('To', { exact: true }).fill('2025-12-31')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.waitForURL(/kind=cto_meeting/)
    const main = await page.locator('main').innerText()
    assert.match(main, /Meetings\s+16/, 'the sixteen demo CTO meetings')
    assert.equal(await page.locator('table.data tbody tr').last().isVisible(), true)
    await page.getByText('The numbers').first().click()
    await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa'])
      .analyze()
      .then((r) =>
        assert.deepEqual(
          r.violations.map((v) => v.id),
          [],
        ),
      )
    const api = (await (
      await page.request.get(
        `${app.url}/api/v1/metrics/meetings?kind=cto_meeting&from=2017-01-01&to=2025-12-31`,
      )
    ).json()) as { summary: { meetings: number; distinctOrganizations: number } }
    assert.equal(api.summary.meetings, 16)
    assert.match(main, new RegExp(`Organizations that took part\\s+${api.summary.distinctOrganizations}\\b`))
  })

  test('the home page: recent meetings and open data for the public; readiness and what is late for the secretariat', async () => {
    await page.goto(app.url)
    await page.getByRole('heading', { name: 'Recent meetings' }).waitFor()
    assert.match(await page.locator('main').innerText(), /Open data:/)
    await page.goto(adminLink)
    await new SetPasswordPage(page).setPassword('a long and memorable passphrase')
    await page.waitForURL(/notice=password_set/)
    await page.goto(app.url)
    await page.getByRole('heading', { name: 'Coming meetings: are they ready?' }).waitFor()
    const main = await page.locator('main').innerText()
    assert.match(main, /CTO meeting, Geneva \d{4} \(demo\)/, 'the demo’s coming meeting')
    assert.match(main, /Overdue follow-up actions, by body/)
    await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa'])
      .analyze()
      .then((r) =>
        assert.deepEqual(
          r.violations.map((v) => v.id),
          [],
        ),
      )
  })

  test('no page logged an error', () => {
    assert.deepEqual(problems, [])
  })
})
