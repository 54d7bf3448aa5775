import { type RawBuilder, sql } from 'kysely'

/** An ILIKE pattern that finds the text anywhere, with the user's % _ and \ taken literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`
}

/**
 * The texts of a multilingual jsonb column ({"en": …, "fr": …}) to search with likePattern. Not `column::text`:
 * that is JSON, so it would match the language keys ("en") and miss a title with a backslash or a quote.
 */
export function localizedText(column: string): RawBuilder<string> {
  return sql<string>`(SELECT string_agg(value, ' ') FROM jsonb_each_text(${sql.ref(column)}))`
}
