/** An ILIKE pattern that finds the text anywhere, with the user's % _ and \ taken literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`
}
