import { createHash } from 'node:crypto'
import * as Plot from '@observablehq/plot'
import { parseHTML } from 'linkedom'

/** `value: null` is a hidden or suppressed figure: no bar, and "—" as its value text. */
export type Bar = { label: string; value: number | null }

export type BarChartOptions = {
  /** Accessible name: the svg's first child `<title>`, referenced by `aria-labelledby`. */
  title: string
  bars: Bar[]
  /** Domain maximum; defaults to the largest value (at least 1). */
  max?: number
  /** Formats the value printed at the end of each bar, e.g. `Intl.NumberFormat(...).format`. Default `String`. */
  format?: (n: number) => string
  /** Right-to-left languages (Arabic): bars grow from the right, labels on the right. */
  rtl?: boolean
  /** Default 640. */
  width?: number
}

export type PercentRow = { label: string; part: number; whole: number }

const SVG_NS = 'http://www.w3.org/2000/svg'
const BAR_FILL = '#1f5f8b'
const LABEL_FILL = '#1b1b1b'
const VALUE_FILL = '#3d3d3d'
const BASELINE_STROKE = '#8c8c8c'
const FONT_FAMILY = 'system-ui, sans-serif'
const FONT_SIZE = 12
const ROW_HEIGHT = 28
const MARGIN_Y = 6
const GAP = 8
const VALUE_GAP = 6
const LABEL_MAX_CHARS = 40
const DASH = '—'

type ValueRow = { i: number; label: string; value: number | null; text: string }
type Row = ValueRow & { fullLabel: string | null }

// The parts of the rendered element this module touches: Plot's types name DOM classes
// that this server-side project does not load (its tsconfig has no DOM lib).
type SvgElement = {
  outerHTML: string
  firstChild: unknown
  setAttribute(name: string, value: string): void
  insertBefore(node: unknown, before: unknown): unknown
  querySelectorAll(selector: string): Iterable<{ remove(): void; removeAttribute(name: string): void }>
}

/** A horizontal bar chart as standalone SVG markup: one row per bar, label, bar, value text. */
export function barChart(o: BarChartOptions): string {
  const format = o.format ?? String
  return render(
    o,
    o.bars.map((b, i) => ({
      i,
      label: b.label,
      value: b.value,
      text: b.value === null ? DASH : format(b.value),
    })),
  )
}

/** Bars of part/whole in percent (domain 0–100 %), value text like "60 % (3/5)"; whole = 0 shows "—". */
export function percentChart(
  title: string,
  rows: PercentRow[],
  opts: { rtl?: boolean; locale: string; width?: number },
): string {
  const percent = new Intl.NumberFormat(opts.locale, { style: 'percent' })
  const count = new Intl.NumberFormat(opts.locale)
  return render(
    { title, max: 100, rtl: opts.rtl, width: opts.width },
    rows.map((r, i) =>
      r.whole === 0
        ? { i, label: r.label, value: null, text: DASH }
        : {
            i,
            label: r.label,
            value: (r.part / r.whole) * 100,
            text: `${percent.format(r.part / r.whole)} (${count.format(r.part)}/${count.format(r.whole)})`,
          },
    ),
  )
}

function render(
  o: { title: string; max?: number | undefined; rtl?: boolean | undefined; width?: number | undefined },
  input: ValueRow[],
): string {
  const width = o.width ?? 640
  const rtl = o.rtl ?? false
  const labelRoom = Math.min(LABEL_MAX_CHARS * 0.6 * FONT_SIZE, width * 0.4)
  const rows: Row[] = input.map((r) => {
    const label = truncate(r.label, labelRoom)
    return { ...r, label, fullLabel: label === r.label ? null : r.label }
  })
  const labelMargin = Math.ceil(Math.max(0, ...rows.map((r) => textWidth(r.label))) + 2 * GAP)
  // The longest value text must fit beyond the longest possible bar.
  const valueMargin = Math.ceil(Math.max(0, ...rows.map((r) => textWidth(r.text))) + 2 * GAP)
  const max = o.max ?? Math.max(1, ...rows.map((r) => r.value ?? 0))

  const { document } = parseHTML('<!doctype html><html><body></body></html>')
  const svg = Plot.plot({
    document,
    className: 'engage-chart',
    width,
    height: rows.length * ROW_HEIGHT + 2 * MARGIN_Y,
    marginTop: MARGIN_Y,
    marginBottom: MARGIN_Y,
    marginLeft: rtl ? valueMargin : labelMargin,
    marginRight: rtl ? labelMargin : valueMargin,
    x: { domain: [0, max], reverse: rtl, clamp: true, axis: null },
    y: { type: 'band', domain: rows.map((r) => r.i), padding: 0.25, axis: null },
    marks: [
      Plot.barX(
        rows.filter((r) => r.value !== null),
        { x: 'value', y: 'i', fill: BAR_FILL },
      ),
      rows.length > 0 ? Plot.ruleX([0], { stroke: BASELINE_STROKE }) : null,
      Plot.text(rows, {
        y: 'i',
        text: 'label',
        title: 'fullLabel',
        frameAnchor: rtl ? 'right' : 'left',
        textAnchor: rtl ? 'start' : 'end',
        dx: rtl ? GAP : -GAP,
        fill: LABEL_FILL,
      }),
      Plot.text(rows, {
        x: (r: Row) => r.value ?? 0,
        y: 'i',
        text: 'text',
        textAnchor: rtl ? 'end' : 'start',
        dx: rtl ? -VALUE_GAP : VALUE_GAP,
        fill: VALUE_FILL,
        fontVariant: 'tabular-nums',
      }),
    ],
  }) as unknown as SvgElement

  // Standalone-valid (resvg rasterises it for DOCX) and named for screen readers.
  const id = `engage-chart-${createHash('sha256')
    .update(JSON.stringify([o.title, width, rtl, max, rows]))
    .digest('hex')
    .slice(0, 10)}`
  const title = document.createElementNS(SVG_NS, 'title')
  title.setAttribute('id', id)
  title.textContent = o.title
  svg.insertBefore(title, svg.firstChild)
  // Plot's <style> block would be refused by the pages' Content Security Policy (style-src 'self'), and
  // resvg ignores it: every colour and size is set as an attribute instead.
  for (const style of svg.querySelectorAll('style')) style.remove()
  // The whole chart is one image named by its title; Plot's aria-label on inner groups is not allowed there.
  for (const el of svg.querySelectorAll('[aria-label]')) el.removeAttribute('aria-label')
  svg.setAttribute('xmlns', SVG_NS)
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-labelledby', id)
  svg.setAttribute('font-family', FONT_FAMILY)
  svg.setAttribute('font-size', String(FONT_SIZE))
  svg.setAttribute('fill', LABEL_FILL)
  return svg.outerHTML
}

// CJK and other full-width characters take about one em; the rest about 0.6 em.
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u

function charWidth(ch: string): number {
  return (WIDE.test(ch) ? 1 : 0.6) * FONT_SIZE
}

function textWidth(s: string): number {
  let w = 0
  for (const ch of s) w += charWidth(ch)
  return w
}

function truncate(label: string, room: number): string {
  const chars = Array.from(label)
  if (chars.length <= LABEL_MAX_CHARS && textWidth(label) <= room) return label
  let out = ''
  let w = charWidth('…')
  for (const ch of chars.slice(0, LABEL_MAX_CHARS - 1)) {
    w += charWidth(ch)
    if (w > room) break
    out += ch
  }
  return `${out.trimEnd()}…`
}
