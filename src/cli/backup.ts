import { createWriteStream, renameSync, rmSync } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { type Manifest, verifyBackupFile } from '../server/features/backup/backup.service.ts'

/**
 * An online backup of an embedded database that the running server holds: the server takes the snapshot
 * (POST /api/v1/admin/backup, an administrator's write-scoped API token) and the file is checked here
 * before it gets its name, so FILE is never a partial or damaged backup.
 */
export async function backupViaServer(baseUrl: string, token: string, file: string): Promise<Manifest> {
  const url = `${baseUrl.replace(/\/$/, '')}/api/v1/admin/backup`
  let response: Response
  try {
    response = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
  } catch (error) {
    throw new Error(`Could not reach the server at ${baseUrl} (${(error as Error).message}).`)
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '')
    const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? ''
    throw new Error(
      `The server refused the backup: ${response.status} ${code}${
        response.status === 401 || response.status === 403
          ? ' (ENGAGE_API_TOKEN must be a write-scoped API token of an administrator)'
          : ''
      }`,
    )
  }
  const partial = `${file}.partial`
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(partial))
    const manifest = await verifyBackupFile(partial)
    renameSync(partial, file)
    return manifest
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  }
}

export function describeManifest(m: Manifest): string {
  const rows = m.tables.reduce((n, t) => n + t.rows, 0)
  return `${rows} rows in ${m.tables.length} tables, ${m.migrations.length} migrations, taken ${m.createdAt} from the ${m.source.database} database`
}
