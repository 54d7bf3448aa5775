import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { OrganizationsPage, SetPasswordPage, SignInPage } from './pages.ts'
import { cli, guard, launchBrowser, type RunningApp, startApp } from './support.ts'

let app: RunningApp
let browser: Browser
let context: BrowserContext
let page: Page
const problems: string[] = []
const ADMIN = { email: 'first.admin@example.org', password: 'a long and memorable passphrase' }
let signInLink = ''

before(async () => {
  // First run as a user would do it: create the administrator on the command line, then start the server.
  app = await startApp((env) => {
    const out = cli({ env }, ['admin', 'create', '--email', ADMIN.email, '--name', 'First Admin'])
    signInLink = /(http:\/\/\S+\/auth\/set-password\?token=\S+)/.exec(out)?.[1] ?? ''
  })
  browser = await launchBrowser()
  context = await browser.newContext()
  page = await context.newPage()
  guard(page, app.url, problems)
})

after(async () => {
  await context?.close()
  await browser?.close()
  await app?.stop()
})

describe('the directory in Chromium', () => {
  test('the first administrator sets a password from the printed link and is signed in', async () => {
    assert.ok(signInLink, 'admin create printed a link')
    await page.goto(signInLink)
    await new SetPasswordPage(page).setPassword(ADMIN.password)
    await page.waitForURL(`${app.url}/?notice=password_set`)
    assert.ok(await page.getByRole('link', { name: 'First Admin' }).isVisible())
    assert.ok(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).isVisible(),
    )
  })

  test('signs out and in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/notice=signed_out/)
    const signIn = new SignInPage(page, app.url)
    await signIn.open()
    await signIn.signIn(ADMIN.email, 'wrong password here')
    assert.ok(await page.getByText('The e-mail address or password is not correct.').isVisible())
    await signIn.signIn(ADMIN.email, ADMIN.password)
    await page.waitForURL(`${app.url}/`)
  })

  test('creates an organization and finds it with the directory filters', async () => {
    const orgs = new OrganizationsPage(page, app.url)
    await orgs.open()
    await orgs.create({
      name: 'Baobab Networks',
      category: 'Sector Member',
      country: 'Kenya',
      segment: 'Network operator',
      sme: true,
    })
    await page.waitForURL(/\/organizations\/[0-9a-f-]{36}\?notice=created/)
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Baobab Networks')
    await orgs.open()
    await orgs.create({ name: 'Fjord Systems', category: 'Sector Member', country: 'Norway' })
    await orgs.open()
    await orgs.filter({ region: 'Africa' })
    assert.deepEqual(await orgs.rows().locator('td:first-child a').allInnerTexts(), ['Baobab Networks'])
    await orgs.filter({ region: 'Europe' })
    assert.deepEqual(await orgs.rows().locator('td:first-child a').allInnerTexts(), ['Fjord Systems'])
  })

  test('adds people and seats the organization in a bilingual group with a principal and an alternate', async () => {
    const orgs = new OrganizationsPage(page, app.url)
    await orgs.open('?q=Baobab')
    await page.getByRole('link', { name: 'Baobab Networks' }).click()
    for (const [name, seniority] of [
      ['Wanjiru Kamau', 'C-level executive'],
      ['Otieno Ochieng', 'Senior executive'],
    ] as const) {
      await page.getByRole('link', { name: 'Add a person' }).click()
      await page.getByLabel('Name', { exact: true }).fill(name)
      await page.getByLabel('Title').fill('Chief Technology Officer')
      await page.getByLabel('Seniority').selectOption({ label: seniority })
      await page.getByLabel('E-mail').fill(`${name.split(' ')[0]!.toLowerCase()}@baobab.example`)
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL(/\/people\/[0-9a-f-]{36}\?notice=created/)
      await page.getByRole('link', { name: 'Baobab Networks' }).first().click()
    }
    await page.goto(`${app.url}/groups`)
    await page.getByRole('link', { name: 'New group' }).click()
    await page.getByLabel('Kind').selectOption({ label: 'CTO group' })
    await page.getByLabel('English').first().fill('CTO group')
    await page.getByLabel('Français').first().fill('Groupe des CTO')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.waitForURL(/\/groups\/[0-9a-f-]{36}\?notice=created/)
    await page.getByLabel('Organization', { exact: true }).selectOption({ label: 'Baobab Networks (KE)' })
    await page.getByRole('button', { name: 'Add an organization' }).click()
    await page.waitForURL(/change=/)
    await page
      .getByLabel('Principal', { exact: true })
      .selectOption({ label: 'Wanjiru Kamau — Chief Technology Officer' })
    await page
      .getByLabel('Alternate', { exact: true })
      .selectOption({ label: 'Otieno Ochieng — Chief Technology Officer' })
    await page.getByRole('button', { name: 'Save' }).click()
    await page.waitForURL(/notice=saved/)
    const row = page.locator('main table').first().locator('tbody tr').first()
    assert.deepEqual((await row.locator('td').allInnerTexts()).slice(0, 3), [
      'Baobab Networks (KE)',
      'Wanjiru Kamau',
      'Otieno Ochieng',
    ])
    await page.goto(`${page.url().split('?')[0]}?lang=fr`)
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Groupe des CTO')
    await page.goto(`${app.url}/?lang=en`)
  })

  test('shows a clear error for an invalid organization and keeps what was typed', async () => {
    await page.goto(`${app.url}/organizations/new`)
    await page.getByLabel('Name', { exact: true }).fill('Baobab Networks')
    await page.getByLabel('Membership category').selectOption({ label: 'Sector Member' })
    await page.getByLabel('Country').selectOption({ label: 'Kenya' })
    await page.getByRole('button', { name: 'Save' }).click()
    const alert = page.getByRole('alert')
    assert.match(await alert.innerText(), /already exists in this country/)
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Baobab Networks')
  })

  test('switches to Arabic, right to left, and the choice is remembered', async () => {
    await page.goto(`${app.url}/organizations`)
    await page.getByLabel('Language').selectOption('ar')
    await page.waitForURL(/lang=ar/)
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl')
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar')
    await page.goto(`${app.url}/groups`)
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl')
    await page.goto(`${app.url}/?lang=en`)
  })

  test('the main pages have no serious or critical accessibility violations', async () => {
    await page.goto(`${app.url}/organizations`)
    const orgId = await page.locator('main table tbody tr a').first().getAttribute('href')
    await page.goto(`${app.url}/groups`)
    const groupId = await page.locator('main table tbody tr a').first().getAttribute('href')
    await page.goto(`${app.url}/people`)
    const personId = await page.locator('main table tbody tr a').first().getAttribute('href')
    const paths = [
      '/',
      '/organizations',
      groupId ?? '/groups',
      personId ?? '/people',
      orgId ?? '/organizations',
      '/organizations/new',
      '/people',
      '/groups',
      '/groups/new',
      '/meetings',
      '/meetings/new',
      '/countries',
      '/admin/users',
      '/admin/audit',
      '/import',
      '/account',
      '/api/docs',
      '/?lang=ar',
    ]
    for (const path of paths) {
      await page.goto(`${app.url}${path}`)
      const results = await new AxeBuilder({ page }).analyze()
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      assert.deepEqual(
        bad.map((v) => `${path}: ${v.id} (${v.nodes.length})`),
        [],
      )
    }
    const anon = await browser.newContext()
    const anonPage = await anon.newPage()
    for (const path of ['/auth/sign-in', '/auth/forgot']) {
      await anonPage.goto(`${app.url}${path}`)
      const results = await new AxeBuilder({ page: anonPage }).analyze()
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      assert.deepEqual(
        bad.map((v) => `${path}: ${v.id}`),
        [],
      )
    }
    await anon.close()
  })

  test('the skip link is the first stop for keyboard users', async () => {
    await page.goto(`${app.url}/organizations?lang=en`)
    await page.keyboard.press('Tab')
    assert.equal(await page.locator(':focus').innerText(), 'Skip to main content')
  })

  test('nothing logged a console error or reached outside the app', () => {
    assert.deepEqual(problems, [])
  })
})
