/** What Engage accepts as a meeting document, by extension, with the content type it is served as. */
export const DOCUMENT_TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
} as const
export type DocumentExtension = keyof typeof DOCUMENT_TYPES

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)
  return m ? m[1]!.toLowerCase() : ''
}

const starts = (bytes: Uint8Array, signature: number[]) => signature.every((b, i) => bytes[i] === b)

function containsAscii(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(text, 0, 'latin1')
}

/**
 * The type the bytes really are, judged from their content (never from the name or the browser's
 * declared type), or undefined when it is none of the accepted types.
 */
export function sniff(bytes: Uint8Array): DocumentExtension | undefined {
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'jpg'
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // Office Open XML: a ZIP whose part names say which application it belongs to.
    if (!containsAscii(bytes, '[Content_Types].xml')) return undefined
    if (containsAscii(bytes, 'word/')) return 'docx'
    if (containsAscii(bytes, 'xl/')) return 'xlsx'
    if (containsAscii(bytes, 'ppt/')) return 'pptx'
    return undefined
  }
  if (bytes.includes(0)) return undefined
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return 'txt'
  } catch {
    return undefined
  }
}

/** Whether a file with this name may hold these bytes (text files may be .txt or .csv). */
export function matchesExtension(extension: string, detected: DocumentExtension): boolean {
  if (detected === 'txt') return extension === 'txt' || extension === 'csv'
  if (detected === 'jpg') return extension === 'jpg' || extension === 'jpeg'
  return extension === detected
}

/** The last path segment of an uploaded name, without control characters, at most 200 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const printable = [...base].filter((ch) => {
    const code = ch.codePointAt(0) ?? 0
    return code >= 0x20 && code !== 0x7f
  })
  return printable.join('').slice(0, 200) || 'document'
}

/**
 * A download name that is safe in a header and on any file system: path parts, control characters and
 * quotes removed; non-ASCII kept in the RFC 5987 filename* form with an ASCII fallback.
 */
export function contentDisposition(fileName: string): string {
  const clean = safeFileName(fileName).replaceAll('"', '').trim() || 'document'
  const ascii = clean
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/[;\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(clean)}`
}
