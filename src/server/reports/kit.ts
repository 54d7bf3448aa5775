import {
  direction,
  formatDate,
  type Language,
  type Localized,
  pick,
  type T,
  translator,
} from '../i18n/i18n.ts'
import type { Block, Report, ReportKind, ReportParams } from './model.ts'

/** Reports a step and how far the whole generation is (0 to 1); jobs store it for the progress bar. */
export type Progress = (step: string, fraction: number) => Promise<void>
export const noProgress: Progress = async () => {}

/**
 * What every report builder shares: the translator, number formats, and a `text` that picks the report's
 * language from a multilingual value and counts each time it had to fall back to another language, so the
 * document can say so.
 */
export function reportKit(lang: Language) {
  const t: T = translator(lang)
  const nf = new Intl.NumberFormat(lang)
  const pf = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 })
  // Distinct texts, not occurrences: a meeting title repeated in ten tables is one missing translation.
  const fallbacks = new Set<string>()
  const text = (value: Localized | null | undefined | unknown): string => {
    const l = value as Localized | null | undefined
    if (!l) return ''
    const shown = pick(l, lang)
    if (!l[lang] && shown) fallbacks.add(shown)
    return shown
  }
  /** `part` of `whole` as a percentage, or "—" when there is nothing to divide. */
  const percent = (part: number, whole: number) => (whole > 0 ? pf.format(part / whole) : '—')
  const day = (d: Date | string) => formatDate(typeof d === 'string' ? d : d.toISOString().slice(0, 10), lang)

  function finish(
    kind: ReportKind,
    params: ReportParams,
    title: string,
    asOf: Date,
    blocks: Block[],
    /** What the report covers and to whom it goes, shown in the header table (from scope.ts). */
    head: { sector?: string | undefined; source?: string | undefined; addressedTo?: string | undefined } = {},
  ): Report {
    if (fallbacks.size > 0) {
      // Right under the title: the reader learns first that some texts are not in their language.
      const at = blocks.findIndex((b) => b.kind === 'heading' && b.level === 1) + 1
      blocks.splice(at, 0, {
        kind: 'notice',
        text: t('reports.fallback', {
          count: fallbacks.size,
          n: nf.format(fallbacks.size),
          language: new Intl.DisplayNames(lang, { type: 'language' }).of(lang) ?? lang,
        }),
      })
    }
    const at = asOf.toISOString()
    return {
      kind,
      params,
      lang,
      asOf: at,
      header: {
        documentNumber: t('reports.draft_number'),
        source: head.source ?? t('reports.source'),
        title,
        contact: head.source ?? t('reports.contact'),
        date: day(at.slice(0, 10)),
        ...(head.sector ? { sector: head.sector } : {}),
        ...(head.addressedTo ? { addressedTo: head.addressedTo } : {}),
      },
      labels: {
        documentNumber: t('reports.header.document'),
        source: t('reports.header.source'),
        title: t('reports.header.title'),
        contact: t('reports.header.contact'),
        date: t('reports.header.date'),
        ...(head.sector ? { sector: t('structure.sector') } : {}),
        ...(head.addressedTo ? { addressedTo: t('reports.scope.addressed_to') } : {}),
      },
      blocks,
    }
  }

  return { t, lang, nf, pf, text, percent, day, rtl: direction(lang) === 'rtl', finish }
}

export type Kit = ReturnType<typeof reportKit>

/** A period's bounds as instants: from the start of `from` to the end of `to` (UTC days). */
export function periodBounds(p: { from: string; to: string }) {
  return { start: new Date(`${p.from}T00:00:00.000Z`), end: new Date(`${p.to}T23:59:59.999Z`) }
}
