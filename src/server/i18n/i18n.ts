import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import i18next, { type TFunction } from 'i18next'

export const LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'en'

/** Each language's name written in that language, for the language switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  ar: 'العربية',
  en: 'English',
  es: 'Español',
  fr: 'Français',
  ru: 'Русский',
  zh: '中文',
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

export function direction(lang: Language): 'rtl' | 'ltr' {
  return lang === 'ar' ? 'rtl' : 'ltr'
}

const localesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../locales')

type Catalog = { [key: string]: string | Catalog }

function merge(into: Catalog, from: Catalog, file: string): void {
  for (const [key, value] of Object.entries(from)) {
    const there = into[key]
    if (typeof value === 'string' || there === undefined) {
      if (there !== undefined) throw new Error(`${file}: the key ${key} is defined twice`)
      into[key] = value
    } else if (typeof there === 'string') throw new Error(`${file}: the key ${key} is defined twice`)
    else merge(there, value, file)
  }
}

/**
 * A language's catalog: common.json, then every other .json file of the language's folder (one per feature,
 * so that features can be translated on their own), merged. A key defined in two files is an error.
 */
export function loadCatalog(lang: Language): Catalog {
  const dir = join(localesDir, lang)
  const files = [
    'common.json',
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== 'common.json')
      .sort(),
  ]
  const catalog: Catalog = {}
  for (const file of files)
    merge(catalog, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Catalog, `${lang}/${file}`)
  return catalog
}

const instance = i18next.createInstance()
await instance.init({
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  resources: Object.fromEntries(LANGUAGES.map((l) => [l, { common: loadCatalog(l) }])),
  defaultNS: 'common',
  ns: ['common'],
  // Hono's JSX escapes what it renders; escaping here too would double-escape.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
})

export type T = TFunction

/**
 * The language's translate function. A page calls it hundreds of times, mostly with a bare key (a label, a
 * status in every table row), and i18next resolves each call afresh; bare keys are therefore looked up once
 * per process and language (the catalogs do not change while it runs). Calls with options (interpolation,
 * plurals) go to i18next.
 */
export function translator(lang: Language): T {
  let t = translators.get(lang)
  if (!t) {
    const fixed = instance.getFixedT(lang)
    const bare = new Map<string, string>()
    t = ((key: string | string[], ...rest: unknown[]) => {
      if (rest.length || typeof key !== 'string')
        return (fixed as unknown as (...a: unknown[]) => unknown)(key, ...rest)
      let text = bare.get(key)
      if (text === undefined) {
        text = String(fixed(key))
        // Keys are the catalogs' (plus those built from stored enum values), so the map stays small; the
        // bound only guards against a caller that translates arbitrary input.
        if (bare.size < 20_000) bare.set(key, text)
      }
      return text
    }) as unknown as T
    translators.set(lang, t)
  }
  return t
}

const translators = new Map<Language, T>()

export function hasKey(lang: Language, key: string): boolean {
  return instance.exists(key, { lng: lang, fallbackLng: false })
}

/** Picks the best supported language from an Accept-Language header. */
export function negotiateLanguage(header: string | undefined | null): Language | undefined {
  if (!header) return undefined
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.find((p) => p.trim().startsWith('q='))
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 }
    })
    .filter((x) => x.tag && !Number.isNaN(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q)
  for (const { tag } of ranked) {
    const base = tag.split('-')[0]
    if (isLanguage(base)) return base
  }
  return undefined
}

/** A multilingual text as stored: language → text. Missing languages fall back. */
export type Localized = Partial<Record<Language, string>>

/** The text in the wanted language, else English, else the first language that has one. */
export function pick(text: Localized | null | undefined, lang: Language): string {
  if (!text) return ''
  return text[lang] || text.en || LANGUAGES.map((l) => text[l]).find((v) => v) || ''
}

// Building an Intl formatter costs far more than using one (the profile of a meeting page under load showed
// it among the top costs): they are kept, per language, zone and options. The keys are few (six languages ×
// the zones in use), and the cache is bounded anyway.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>()
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = formatters.get(key) as T | undefined
  if (!f) {
    if (formatters.size > 2000) formatters.clear()
    f = make()
    formatters.set(key, f)
  }
  return f
}
export const dateTimeFormat = (lang: string, options: Intl.DateTimeFormatOptions) =>
  cached(`d|${lang}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(lang, options))
export const numberFormat = (lang: string, options: Intl.NumberFormatOptions = {}) =>
  cached(`n|${lang}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(lang, options))

export function formatDate(
  value: Date | string | null | undefined,
  lang: Language,
  timeZone = 'UTC',
): string {
  if (!value) return ''
  // A plain ISO date (YYYY-MM-DD) is a calendar day, not an instant: format it in UTC so it never shifts.
  const isDay = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
  const date = typeof value === 'string' ? new Date(isDay ? `${value}T00:00:00Z` : value) : value
  return dateTimeFormat(lang, { dateStyle: 'medium', timeZone: isDay ? 'UTC' : timeZone }).format(date)
}

export function formatDateTime(
  value: Date | string | null | undefined,
  lang: Language,
  timeZone = 'UTC',
): string {
  if (!value) return ''
  const date = typeof value === 'string' ? new Date(value) : value
  // dateStyle cannot be combined with timeZoneName, so the fields are spelled out.
  return dateTimeFormat(lang, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(date)
}

export function formatNumber(value: number, lang: Language): string {
  return numberFormat(lang).format(value)
}
