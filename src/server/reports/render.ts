import { Resvg } from '@resvg/resvg-js'
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import { toCsv } from '../features/directory/import/csv.ts'
import { type Block, type Cell, type Report, reportTables } from './model.ts'

// ---------------------------------------------------------------- HTML

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
const cell = (v: Cell) => (v === null ? '—' : String(v))

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level + 1}>${esc(b.text)}</h${b.level + 1}>`
    case 'paragraph':
      return `<p>${esc(b.text)}</p>`
    case 'notice':
      return `<p class="notice">${esc(b.text)}</p>`
    case 'facts':
      return `<dl class="facts">${b.rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`
    case 'list':
      return b.items.length
        ? `<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`
        : `<p class="empty">${esc(b.empty ?? '')}</p>`
    case 'table':
      return b.rows.length
        ? `<table class="data"><caption>${esc(b.title)}</caption><thead><tr>${b.columns
            .map((c) => `<th scope="col">${esc(c)}</th>`)
            .join('')}</tr></thead><tbody>${b.rows
            .map((r) => `<tr>${r.map((v) => `<td>${esc(cell(v))}</td>`).join('')}</tr>`)
            .join('')}</tbody></table>`
        : `<p class="empty">${esc(b.title)}: ${esc(b.empty)}</p>`
    case 'findings':
      return `<section class="findings">${b.paragraphs.map((x) => `<p>${esc(x)}</p>`).join('')}</section>`
    case 'chart':
      // The SVG comes from the chart module, which escapes every text it draws.
      return b.svg
        ? `<div class="chart">${b.svg}</div>`
        : `<p class="empty">${esc(b.title)}: ${esc(b.empty)}</p>`
  }
}

/**
 * The contribution-style header: number, source, the body it is addressed to and the Sector it covers
 * (reports made before there were Sectors have neither), title, contact and date.
 */
export function headerRows(report: Report): [string, string][] {
  const h = report.header
  const l = report.labels
  return [
    [l.documentNumber, h.documentNumber],
    [l.source, h.source],
    ...(h.addressedTo ? [[l.addressedTo ?? '', h.addressedTo] as [string, string]] : []),
    ...(h.sector ? [[l.sector ?? '', h.sector] as [string, string]] : []),
    [l.title, h.title],
    [l.contact, h.contact],
    [l.date, h.date],
  ]
}

/** The report's body as HTML (for the in-app preview and the stand-alone page). */
export function reportBodyHtml(report: Report): string {
  const header = `<table class="doc-header"><tbody>${headerRows(report)
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('')}</tbody></table>`
  return `<article class="report">${header}${report.blocks.map(blockHtml).join('\n')}</article>`
}

/** A stand-alone, print-friendly HTML document. */
export function reportHtmlDocument(report: Report): string {
  const dir = report.lang === 'ar' ? 'rtl' : 'ltr'
  return `<!doctype html><html lang="${esc(report.lang)}" dir="${dir}"><head><meta charset="utf-8"><title>${esc(
    report.header.title,
  )}</title><style>
body{font-family:system-ui,"Noto Sans","Noto Sans Arabic","Noto Sans SC",sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.5}
table{border-collapse:collapse;width:100%;margin:0.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:0.25rem 0.5rem;text-align:start;vertical-align:top}
caption{text-align:start;font-weight:600;margin-bottom:0.25rem}.doc-header th{width:12rem;background:#f6f8fa}
dl.facts{display:grid;grid-template-columns:12rem 1fr;gap:0.25rem 1rem}dt{font-weight:600}dd{margin:0}
.notice{border-inline-start:4px solid #f5a300;padding:0.25rem 0.75rem;background:#fff8e5}.empty{color:#57606a}
.chart svg{max-width:100%;height:auto}@media print{body{margin:0;max-width:none}h2{break-after:avoid}table{break-inside:auto}}
</style></head><body>${reportBodyHtml(report)}</body></html>`
}

// ---------------------------------------------------------------- CSV and JSON

export function reportJson(report: Report): string {
  return JSON.stringify(
    {
      kind: report.kind,
      lang: report.lang,
      asOf: report.asOf,
      header: report.header,
      tables: reportTables(report).map((t) => ({
        id: t.id,
        title: t.title,
        columns: t.columns,
        rows: t.rows,
      })),
    },
    null,
    2,
  )
}

/** One table of the report as CSV (formula-safe, like every export). */
export function reportCsv(report: Report, tableId: string): string | undefined {
  const t = reportTables(report).find((x) => x.id === tableId)
  if (!t) return undefined
  return toCsv(
    t.columns,
    t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]]))),
  )
}

// ---------------------------------------------------------------- DOCX

/** Word and LibreOffice show PNG reliably, not SVG: charts are rasterised at twice their size. */
export function svgToPng(svg: string): { data: Buffer; width: number; height: number } {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans' },
    background: 'white',
  })
  const png = resvg.render()
  return { data: png.asPng(), width: png.width / 2, height: png.height / 2 }
}

const border = { style: BorderStyle.SINGLE, size: 4, color: 'D0D7DE' }
const borders = { top: border, bottom: border, left: border, right: border }

/** The printable width of an A4 page with the default margins, in twentieths of a point. */
const PAGE_WIDTH = 9000

function textCell(text: string, width: number, bold = false, rtl = false) {
  return new TableCell({
    borders,
    width: { size: width, type: WidthType.DXA },
    children: [
      new Paragraph({ bidirectional: rtl, children: [new TextRun({ text, bold, rightToLeft: rtl })] }),
    ],
  })
}

/** About the width of one character of the body text (Noto Sans, 10.5 pt), and a cell's padding, in twips. */
const CHAR = 135
const PADDING = 240

/**
 * Column widths from what each column holds: each at least as wide as its longest word (so no word is cut
 * letter by letter; very long words may still break), then the rest of the page shared by how much text
 * each column has on average, so a column of numbers or dates stays narrow and the advice gets the room.
 */
export function columnWidths(columns: string[], rows: Cell[][]): number[] {
  const stats = columns.map((c, i) => {
    const texts = rows.map((r) => cell(r[i] ?? null))
    const words = [c, ...texts].flatMap((x) => x.split(/\s+/))
    const longest = Math.max(1, ...words.map((w) => w.length))
    const average = texts.length ? texts.reduce((n, x) => n + x.length, 0) / texts.length : c.length
    const min = Math.min(1100, longest * CHAR + PADDING)
    return { min, desired: Math.max(min, Math.min(average, 60) * CHAR + PADDING) }
  })
  const sum = (f: (x: (typeof stats)[number]) => number) => stats.reduce((n, x) => n + f(x), 0)
  const mins = sum((x) => x.min)
  if (mins >= PAGE_WIDTH) return stats.map((x) => Math.floor((x.min * PAGE_WIDTH) / mins))
  const desired = sum((x) => x.desired)
  if (desired <= PAGE_WIDTH) return stats.map((x) => Math.floor((x.desired * PAGE_WIDTH) / desired))
  const room = PAGE_WIDTH - mins
  const wish = desired - mins
  return stats.map((x) => Math.floor(x.min + ((x.desired - x.min) * room) / wish))
}

/** A two-column table of labels and values (the header, the facts). */
function pairTable(rows: [string, string][], rtl: boolean) {
  const widths = [Math.round(PAGE_WIDTH * 0.35), Math.round(PAGE_WIDTH * 0.65)]
  return new Table({
    width: { size: PAGE_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    visuallyRightToLeft: rtl,
    rows: rows.map(
      ([k, v]) =>
        new TableRow({ children: [textCell(k, widths[0]!, true, rtl), textCell(v, widths[1]!, false, rtl)] }),
    ),
  })
}

function blockDocx(b: Block, rtl: boolean): (Paragraph | Table)[] {
  const para = (text: string, opts: { italics?: boolean } = {}) =>
    new Paragraph({ bidirectional: rtl, children: [new TextRun({ text, rightToLeft: rtl, ...opts })] })
  switch (b.kind) {
    case 'heading':
      return [
        new Paragraph({
          bidirectional: rtl,
          heading:
            b.level === 1
              ? HeadingLevel.HEADING_1
              : b.level === 2
                ? HeadingLevel.HEADING_2
                : HeadingLevel.HEADING_3,
          children: [new TextRun({ text: b.text, rightToLeft: rtl })],
        }),
      ]
    case 'paragraph':
      return [para(b.text)]
    case 'notice':
      return [para(b.text, { italics: true })]
    case 'facts':
      return [pairTable(b.rows, rtl)]
    case 'list':
      return b.items.length
        ? b.items.map(
            (i) =>
              new Paragraph({
                bidirectional: rtl,
                bullet: { level: 0 },
                children: [new TextRun({ text: i, rightToLeft: rtl })],
              }),
          )
        : [para(b.empty ?? '', { italics: true })]
    case 'table':
      if (!b.rows.length) return [para(`${b.title}: ${b.empty}`, { italics: true })]
      return [
        new Paragraph({
          bidirectional: rtl,
          children: [new TextRun({ text: b.title, bold: true, rightToLeft: rtl })],
        }),
        (() => {
          const widths = columnWidths(b.columns, b.rows)
          return new Table({
            width: { size: PAGE_WIDTH, type: WidthType.DXA },
            columnWidths: widths,
            layout: TableLayoutType.FIXED,
            visuallyRightToLeft: rtl,
            rows: [
              new TableRow({
                tableHeader: true,
                children: b.columns.map((c, i) => textCell(c, widths[i]!, true, rtl)),
              }),
              ...b.rows.map(
                (r) => new TableRow({ children: r.map((v, i) => textCell(cell(v), widths[i]!, false, rtl)) }),
              ),
            ],
          })
        })(),
      ]
    case 'findings':
      return b.paragraphs.map((x) => para(x))
    case 'chart': {
      if (!b.svg) return [para(`${b.title}: ${b.empty}`, { italics: true })]
      const png = svgToPng(b.svg)
      const scale = Math.min(1, 600 / png.width)
      return [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [
            new ImageRun({
              type: 'png',
              data: png.data,
              transformation: {
                width: Math.round(png.width * scale),
                height: Math.round(png.height * scale),
              },
              altText: { title: b.title, description: b.title, name: b.title },
            }),
          ],
        }),
      ]
    }
  }
}

/** A DOCX with real heading styles, tables, charts as images, and the contribution-style header table. */
export async function reportDocx(report: Report): Promise<Buffer> {
  const rtl = report.lang === 'ar'
  const h = report.header
  const header = pairTable(headerRows(report), rtl)
  const doc = new Document({
    creator: 'Engage',
    title: h.title,
    description: `${report.kind} report, as of ${report.asOf}`,
    styles: { default: { document: { run: { font: 'Noto Sans', size: 21 } } } },
    sections: [{ children: [header, new Paragraph(''), ...report.blocks.flatMap((b) => blockDocx(b, rtl))] }],
  })
  return Packer.toBuffer(doc)
}
