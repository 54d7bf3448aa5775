import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Bar, barChart, percentChart } from './charts.ts'

const bars: Bar[] = [
  { label: 'Operators', value: 42 },
  { label: 'Manufacturers', value: 1234 },
  { label: 'Academia', value: null },
  { label: 'Institutes', value: 8 },
]

const rects = (svg: string) =>
  [...svg.matchAll(/<rect\b[^>]*>/g)].map(([tag]) => ({
    x: Number(/\bx="([^"]+)"/.exec(tag)?.[1]),
    width: Number(/\bwidth="([^"]+)"/.exec(tag)?.[1]),
  }))

const decode = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')

const texts = (svg: string) => [...svg.matchAll(/<text\b[^>]*>([^<]*)/g)].map(([, text = '']) => decode(text))

describe('barChart', () => {
  test('renders one standalone svg named by its title', () => {
    const svg = barChart({ title: 'Participants by sector', bars })
    assert.match(svg, /^<svg\b[^>]*>/)
    assert.ok(svg.endsWith('</svg>'))
    assert.equal(svg.match(/<svg\b/g)?.length, 1)
    assert.match(svg, /^<svg\b[^>]*\bxmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    assert.match(svg, /^<svg\b[^>]*\brole="img"/)
    const id = /^<svg\b[^>]*\baria-labelledby="([^"]+)"/.exec(svg)?.[1]
    assert.ok(id)
    assert.match(svg, /^<svg\b[^>]*><title id="([^"]+)">Participants by sector<\/title>/)
    assert.equal(/<title id="([^"]+)">/.exec(svg)?.[1], id)
    assert.doesNotMatch(svg, /currentColor/)
  })

  test('draws one bar per shown value and prints the formatted values', () => {
    const svg = barChart({ title: 'Sectors', bars, format: new Intl.NumberFormat('en').format })
    assert.equal(rects(svg).length, 3)
    const shown = texts(svg)
    for (const t of ['Operators', 'Manufacturers', 'Academia', 'Institutes', '42', '1,234', '8']) {
      assert.ok(shown.includes(t), `missing text ${t}`)
    }
  })

  test('shows a dash and no bar for a suppressed value', () => {
    const svg = barChart({ title: 'Sectors', bars: [{ label: 'Academia', value: null }] })
    assert.equal(rects(svg).length, 0)
    assert.ok(texts(svg).includes('—'))
  })

  test('escapes labels and the title', () => {
    const svg = barChart({
      title: 'Sectors <script>alert(1)</script>',
      bars: [{ label: '<script>&"', value: 1 }],
    })
    assert.doesNotMatch(svg, /<script/i)
    assert.ok(svg.includes('&lt;script&gt;&amp;'))
    assert.ok(svg.includes('<title id="engage-chart-'))
    assert.ok(svg.includes('Sectors &lt;script&gt;alert(1)&lt;/script&gt;</title>'))
  })

  test('truncates long labels and keeps the full one as a tooltip', () => {
    const long = 'Research institutes and national laboratories of member states worldwide'
    const svg = barChart({ title: 'Sectors', bars: [{ label: long, value: 1 }] })
    const label = texts(svg).find((t) => t.startsWith('Research'))
    assert.ok(label)
    assert.ok(label.endsWith('…'))
    assert.ok(Array.from(label).length <= 40)
    assert.ok(svg.includes(`<title>${long}</title>`))
  })

  test('anchors bars at the left edge, or at the right edge for right-to-left languages', () => {
    const ltr = rects(barChart({ title: 'Sectors', bars }))
    assert.equal(new Set(ltr.map((r) => r.x)).size, 1)

    const rtl = rects(barChart({ title: 'القطاعات', bars, rtl: true }))
    assert.equal(rtl.length, 3)
    assert.equal(new Set(rtl.map((r) => Math.round((r.x + r.width) * 1000))).size, 1)
    assert.ok(rtl[0]!.x + rtl[0]!.width > ltr[0]!.x + 320)
  })

  test('renders the same input to the same string', () => {
    const render = () => barChart({ title: 'Sectors', bars, max: 2000, width: 500 })
    assert.equal(render(), render())
    assert.doesNotMatch(render(), /plot-[0-9a-f]{6}/)
  })

  test('renders an empty chart without bars', () => {
    const svg = barChart({ title: 'Nothing yet', bars: [] })
    assert.match(svg, /<title id="[^"]+">Nothing yet<\/title>/)
    assert.equal(rects(svg).length, 0)
  })
})

describe('percentChart', () => {
  const rows = [
    { label: 'Europe', part: 3, whole: 5 },
    { label: 'Africa', part: 0, whole: 0 },
  ]

  test('prints the percentage and the counts in the locale', () => {
    assert.ok(texts(percentChart('Responses', rows, { locale: 'en' })).includes('60% (3/5)'))
    // French puts a no-break space (narrow in newer CLDR data) before the percent sign.
    assert.ok(
      texts(percentChart('Réponses', rows, { locale: 'fr' })).some((t) =>
        /^60[\u00a0\u202f]% \(3\/5\)$/.test(t),
      ),
    )
  })

  test('shows a dash and no bar when the whole is zero', () => {
    const svg = percentChart('Responses', rows, { locale: 'en' })
    assert.equal(rects(svg).length, 1)
    assert.ok(texts(svg).includes('—'))
  })

  test('scales bars on a 0 to 100 percent domain', () => {
    const [full, half] = rects(
      percentChart(
        'Responses',
        [
          { label: 'All', part: 4, whole: 4 },
          { label: 'Half', part: 2, whole: 4 },
        ],
        { locale: 'en' },
      ),
    )
    assert.equal(half!.width * 2, full!.width)
  })
})

test('the svg carries no <style> block or style attribute (the pages allow no inline style)', () => {
  const svg = barChart({ title: 'T', bars: [{ label: 'a', value: 1 }] })
  assert.doesNotMatch(svg, /<style|style=/)
})
