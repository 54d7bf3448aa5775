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

/** The report's body as HTML (for the in-app preview and the stand-alone page). */
export function reportBodyHtml(report: Report): string {
  const h = report.header
  const l = report.labels
  const header = `<table class="doc-header"><tbody>${(
    [
      [l.documentNumber, h.documentNumber],
      [l.source, h.source],
      [l.title, h.title],
      [l.contact, h.contact],
      [l.date, h.date],
    ] as const
  )
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

function textCell(text: string, bold = false) {
  return new TableCell({
    borders,
    children: [new Paragraph({ children: [new TextRun({ text, bold })] })],
  })
}

function blockDocx(b: Block, rtl: boolean): (Paragraph | Table)[] {
  const para = (text: string, opts: { italics?: boolean } = {}) =>
    new Paragraph({ bidirectional: rtl, children: [new TextRun({ text, ...opts })] })
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
          children: [new TextRun(b.text)],
        }),
      ]
    case 'paragraph':
      return [para(b.text)]
    case 'notice':
      return [para(b.text, { italics: true })]
    case 'facts':
      return [
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: b.rows.map(([k, v]) => new TableRow({ children: [textCell(k, true), textCell(v)] })),
        }),
      ]
    case 'list':
      return b.items.length
        ? b.items.map(
            (i) => new Paragraph({ bidirectional: rtl, bullet: { level: 0 }, children: [new TextRun(i)] }),
          )
        : [para(b.empty ?? '', { italics: true })]
    case 'table':
      if (!b.rows.length) return [para(`${b.title}: ${b.empty}`, { italics: true })]
      return [
        new Paragraph({ bidirectional: rtl, children: [new TextRun({ text: b.title, bold: true })] }),
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [
            new TableRow({ tableHeader: true, children: b.columns.map((c) => textCell(c, true)) }),
            ...b.rows.map((r) => new TableRow({ children: r.map((v) => textCell(cell(v))) })),
          ],
        }),
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
  const l = report.labels
  const header = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: (
      [
        [l.documentNumber, h.documentNumber],
        [l.source, h.source],
        [l.title, h.title],
        [l.contact, h.contact],
        [l.date, h.date],
      ] as const
    ).map(([k, v]) => new TableRow({ children: [textCell(k, true), textCell(v)] })),
  })
  const doc = new Document({
    creator: 'Engage',
    title: h.title,
    description: `${report.kind} report, as of ${report.asOf}`,
    styles: { default: { document: { run: { font: 'Noto Sans', size: 21 } } } },
    sections: [{ children: [header, new Paragraph(''), ...report.blocks.flatMap((b) => blockDocx(b, rtl))] }],
  })
  return Packer.toBuffer(doc)
}
