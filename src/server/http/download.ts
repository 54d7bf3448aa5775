import { contentDisposition } from '../features/meetings/content/file-types.ts'

/** A file to download: its type, a header-safe name (the same rule as meeting documents), extra headers. */
export function attachment(
  body: string | Uint8Array<ArrayBuffer>,
  contentType: string,
  fileName: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': contentType, 'Content-Disposition': contentDisposition(fileName), ...headers },
  })
}

export const CSV = 'text/csv; charset=utf-8'
export const JSON_TYPE = 'application/json; charset=utf-8'
