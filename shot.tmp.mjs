import { chromium } from 'playwright-core'
const [url, out, y, h] = process.argv.slice(2)
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] })
const p = await (await b.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
await p.goto(url)
await p.screenshot({ path: out, fullPage: true, clip: { x: 0, y: Number(y), width: 1280, height: Number(h) } })
await b.close()
