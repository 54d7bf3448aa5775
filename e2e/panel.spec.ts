import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { SetPasswordPage } from './pages.ts'
import { expectAccessible, guard, type RunningApp, startDemoWithAdmin } from './support.ts'

let app: RunningApp
let browser: Browser
/** The administrator, who invites the secretariat officer. */
let admin: Page
/** The secretariat officer, who runs the Panel. */
let page: Page
const problems: string[] = []

const Y = new Date().getUTCFullYear()
const ADVICE = 'Offer start-ups a year of free participation in study groups.'
const RESPONSE = 'TSAG accepts the advice and asks TSB to propose how.'
const DONE = 'Council created a start-up participation category.'

before(async () => {
  ;({ app, browser, page: admin } = await startDemoWithAdmin('admin@example.org', 'Ada Admin', problems))
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

const axe = expectAccessible

describe('the Industry Advisory Panel, from its advice to the report to Council, in Chromium', () => {
  test('the administrator names a secretariat officer, who signs in with two-step sign-in', async () => {
    await admin.goto(`${app.url}/admin/users`)
    await admin.getByLabel('E-mail', { exact: true }).fill('officer@example.org')
    await admin.getByLabel('Name', { exact: true }).fill('Omar Officer')
    await admin.getByLabel('Role', { exact: true }).selectOption({ label: 'Secretariat' })
    await admin.getByRole('button', { name: 'Send invitation' }).click()
    await admin.getByText('An invitation has been sent to officer@example.org.').waitFor()
    await admin.goto(`${app.url}/admin/outbox`)
    const mail = await admin
      .locator('article', { hasText: 'officer@example.org' })
      .first()
      .locator('pre')
      .innerText()
    const link = /(http:\/\/\S+token=\S+)/.exec(mail)?.[1] ?? ''
    assert.ok(link, `the invitation is in the outbox: ${mail}`)
    page = await (await browser.newContext({ acceptDownloads: true })).newPage()
    guard(page, app.url, problems)
    await page.goto(link)
    await new SetPasswordPage(page).setPassword('another long memorable passphrase')
    await page.waitForURL(/notice=password_set/)
  })

  test('the officer sets up the Panel for its term, reporting to the Council', async () => {
    await page.goto(`${app.url}/panels`)
    await page.getByRole('heading', { name: 'Industry Advisory Panel', level: 1 }).waitFor()
    await axe(page)
    await page.getByRole('link', { name: 'Set up a Panel' }).click()
    await page.getByRole('heading', { name: 'Set up a Panel', level: 1 }).waitFor()
    await axe(page)
    // A term that ends before it begins is refused, with the field named.
    await page.getByLabel('Code', { exact: true }).fill('IAP-E2E')
    await page.getByLabel('Name (English)').fill('Industry Advisory Panel (browser test)')
    await page.getByLabel('Term begins').fill(`${Y - 1}-01-01`)
    await page.getByLabel('Term ends').fill(`${Y - 2}-12-31`)
    await page.getByRole('button', { name: 'Set up the Panel' }).click()
    await page.getByText('must be after the term begins.').first().waitFor()
    await axe(page)
    assert.equal(await page.getByLabel('Sector').inputValue(), 'union', 'Union-wide by default')
    assert.match(
      await page.getByLabel('Reports to').locator('option:checked').innerText(),
      /Council — ITU Council/,
      'the Council by default',
    )
    await page.getByLabel('Term ends').fill(`${Y + 1}-12-31`)
    await page.getByRole('button', { name: 'Set up the Panel' }).click()
    await page.waitForURL(/\/panels\/[0-9a-f-]{36}\?notice=created/)
    const facts = await page.locator('dl.facts').innerText()
    assert.match(facts, /Union-wide/)
    assert.match(facts, /Council — ITU Council/)
    assert.match(facts, /Current term/)
    await axe(page)
  })

  test('the officer adds an industry executive from the directory as a principal', async () => {
    const person = page.getByLabel('Person', { exact: true })
    await person.selectOption({ index: 1 })
    const chosen = (await person.locator('option:checked').innerText()).split(' — ')[0]!.replace(/ \(.*$/, '')
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Principal' })
    await page.getByRole('button', { name: 'Add a member' }).click()
    await page.waitForURL(/notice=panel_member_added/)
    await page.getByText('The member has been added.').waitFor()
    const members = await page.locator('section[aria-labelledby="members-h"] table').first().innerText()
    assert.ok(members.includes(chosen), `${chosen} is a member: ${members}`)
    assert.match(members, /Principal/)
    // The same person again is refused, with the reason next to the field.
    await person.selectOption({
      label: await person.locator('option', { hasText: chosen }).first().innerText(),
    })
    await page.getByRole('button', { name: 'Add a member' }).click()
    await page.getByText('this person already sits on the Panel on that day.').first().waitFor()
    await axe(page)
  })

  test('the officer records advice addressed to TSAG, then its response and what was done', async () => {
    await page.getByLabel('Given on').fill(`${Y - 1}-06-01`)
    await page.getByLabel('Advice (English)').fill(ADVICE)
    await page.locator('#f-addressedToBodyId').selectOption({
      label: 'ITU-T TSAG — Telecommunication Standardization Advisory Group',
    })
    await page.getByLabel('Response due').fill(`${Y - 1}-12-31`)
    await page.getByRole('button', { name: 'Record advice' }).click()
    await page.waitForURL(/\/advice\/[0-9a-f-]{36}\?notice=panel_advice_recorded/)
    await page.getByRole('heading', { name: /^Advice 1 of IAP-E2E/, level: 1 }).waitFor()
    assert.match(await page.locator('main').innerText(), new RegExp(ADVICE.replace('.', '\\.')))
    await axe(page)

    // A decision without the body's response is refused.
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Accepted' })
    await page.getByLabel('Note', { exact: true }).fill('TSAG decided at its meeting.')
    await page.getByRole('button', { name: 'Save the follow-up' }).click()
    await page.getByText('a decision needs the body’s response.').first().waitFor()
    await axe(page)
    await page.getByLabel('Response', { exact: true }).fill(RESPONSE)
    await page.getByLabel('Responded on').fill(`${Y - 1}-09-15`)
    await page.getByRole('button', { name: 'Save the follow-up' }).click()
    await page.waitForURL(/notice=saved/)
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Implemented' })
    await page.getByLabel('What was done').fill(DONE)
    await page.getByLabel('Note', { exact: true }).fill('Approved by Council.')
    await page.getByRole('button', { name: 'Save the follow-up' }).click()
    await page.waitForURL(/notice=saved/)
    const main = await page.locator('main').innerText()
    assert.match(main, /Implemented/)
    assert.ok(main.includes(RESPONSE) && main.includes(DONE))
    const timeline = await page.locator('ol.timeline li').allInnerTexts()
    assert.equal(timeline.length, 3)
    assert.match(timeline[0]!, /Given[\s\S]*Advice recorded\./)
    assert.match(timeline[1]!, /Accepted[\s\S]*TSAG decided at its meeting\./)
    assert.match(timeline[2]!, /Omar Officer[\s\S]*Implemented[\s\S]*Approved by Council\./)
    await axe(page)
    // The Panel's page lists it with its outcome; the filters find it.
    await page.getByRole('link', { name: /IAP-E2E/ }).click()
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Implemented' })
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/status=implemented/)
    const row = await page.locator('section[aria-labelledby="advice-h"] table tbody tr').first().innerText()
    assert.match(row, /TSAG/)
    assert.match(row, /Implemented/)
    await axe(page)
  })

  test('the officer produces the Panel’s report to Council, with the advice and its outcome', async () => {
    await page.goto(`${app.url}/reports`)
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor()
    await page.locator('#f-kind').selectOption('panel')
    const panelChoice = page.locator('select[name="panelId"]')
    await panelChoice.selectOption({
      label: await panelChoice
        .locator('option', { hasText: 'Industry Advisory Panel (browser test)' })
        .innerText(),
    })
    await Promise.all([
      page.waitForEvent('framenavigated', (f) => f === page.mainFrame()),
      page.getByRole('button', { name: 'Generate', exact: true }).click(),
    ])
    await page.waitForLoadState()
    assert.match(page.url(), /\/reports\/jobs\//, await page.locator('main').innerText())
    await page.getByRole('link', { name: 'Word document (DOCX)' }).waitFor({ timeout: 60_000 })
    const preview = await page.locator('main').innerText()
    assert.ok(preview.includes(ADVICE), 'the advice is in the report')
    assert.ok(preview.includes(RESPONSE) && preview.includes(DONE), 'with its outcome')
    await axe(page)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Printable page (HTML)' }).click(),
    ])
    const html = readFileSync(await download.path(), 'utf8')
    assert.match(html, /<html/)
    for (const text of [ADVICE, RESPONSE, DONE, 'Implemented', 'TSAG'])
      assert.ok(html.includes(text), `the HTML report has “${text}”`)
  })

  test('in Arabic the Panel’s page reads right to left', async () => {
    await page.goto(`${app.url}/panels?lang=ar`)
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl')
    await page.getByRole('heading', { name: 'الفريق الاستشاري للصناعة', level: 1 }).waitFor()
    await axe(page)
    await page.goto(`${app.url}/panels?lang=en`)
  })

  test('no page logged an error', () => {
    assert.deepEqual(problems, [])
  })
})
