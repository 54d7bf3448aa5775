import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { expectAccessible, type RunningApp, startDemoWithAdmin } from './support.ts'

let app: RunningApp
let browser: Browser
let page: Page
const problems: string[] = []

before(async () => {
  ;({ app, browser, page } = await startDemoWithAdmin('sec@example.org', 'Sam Secretariat', problems))
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

const axe = expectAccessible

const scorecardRow = (clause: string) => page.getByRole('row', { name: new RegExp(`^${clause}\\b`) })

describe('the action plan, its indicators and the scorecard, in Chromium', () => {
  test('the plan is there on first start, as a tree and by pillar', async () => {
    await page.goto(app.url)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Action plan' }).click()
    await page.getByRole('heading', { name: 'Action plan', level: 1 }).waitFor()
    const main = await page.locator('main').innerText()
    for (const code of ['AP1.1.3', 'AP1.7', 'AP6']) assert.match(main, new RegExp(code.replace('.', '\\.')))
    await axe(page)
    await page.getByRole('link', { name: 'By pillar' }).click()
    await page.getByRole('heading', { name: 'Raising awareness' }).waitFor()
    await page.getByRole('link', { name: 'Proposed actions' }).first().click()
    assert.match(await page.locator('main').innerText(), /IWX-01/)
  })

  test('an item’s status changes the scorecard; a measurement changes an indicator’s status', async () => {
    await page.goto(`${app.url}/plan/scorecard`)
    const before = await scorecardRow('Encourages 2').innerText()
    await page.goto(`${app.url}/plan/items/AP5`)
    await page.getByLabel('Status').selectOption('in_progress')
    await page.getByLabel('Progress (%)').fill('40')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.waitForURL(/notice=saved/)
    assert.match(await page.locator('main').innerText(), /40 %/)
    await page.goto(`${app.url}/plan/scorecard`)
    await axe(page)
    const after = await scorecardRow('Encourages 2').innerText()
    assert.notEqual(after, before, 'the share of items under way went up')
    assert.match(after, /\(1\/\d+\)/)

    await page.goto(`${app.url}/plan/indicators`)
    await page.getByLabel('Code', { exact: true }).fill('circular_responses')
    await page.getByLabel('Name', { exact: true }).fill('Responses to circulars')
    await page.locator('#ni-unit').selectOption('percent')
    await page.locator('#ni-item').fill('AP5')
    await page.getByRole('button', { name: 'Add the indicator' }).click()
    await page.waitForURL(/notice=saved/)
    const card = page.locator('section.indicator', { hasText: 'Responses to circulars' })
    assert.match(await card.innerText(), /No data/)
    await card.locator('summary', { hasText: 'Set the baseline and target' }).click()
    await card.getByLabel('Target value').fill('60')
    await card.getByRole('button', { name: 'Save', exact: true }).click()
    await page.waitForURL(/notice=saved/)
    await card.locator('summary', { hasText: 'Add a measurement' }).click()
    await card.getByLabel('Measured on').fill(new Date().toISOString().slice(0, 10))
    await card.getByLabel('Value', { exact: true }).fill('150')
    await card.getByLabel('Source').fill('TSB Circular 12')
    await card.getByRole('button', { name: 'Add a measurement' }).click()
    await page.getByText('a percentage must be between 0 and 100').first().waitFor()
    await card.getByLabel('Value', { exact: true }).fill('65')
    await card.getByLabel('Measured on').fill(new Date().toISOString().slice(0, 10))
    await card.getByLabel('Source').fill('TSB Circular 12')
    await card.getByRole('button', { name: 'Add a measurement' }).click()
    await page.waitForURL(/notice=saved/)
    assert.match(await card.innerText(), /Achieved/)
    await axe(page)
  })

  test('no page logged an error', () => {
    assert.deepEqual(problems, [])
  })
})
