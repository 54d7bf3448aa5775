import { createWriteStream } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { createRoute, z } from '@hono/zod-openapi'
import { createApi, errorResponses, security } from '../../http/openapi.ts'
import { createBackup } from './backup.service.ts'

export const backupApi = createApi()

backupApi.openapi(
  createRoute({
    method: 'post',
    path: '/admin/backup',
    tags: ['Administration'],
    summary: 'Take an online backup of the whole database (administrators; recorded in the audit log)',
    description:
      'A consistent snapshot as a gzip’d JSON-lines file (docs/backup.md), for `engage backup` while the ' +
      'server holds the embedded database. Needs an administrator’s session or write-scoped API token.',
    security,
    responses: {
      200: {
        description: 'The backup file',
        content: { 'application/gzip': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      ...errorResponses,
    },
  }),
  async (c) => {
    const { database } = c.get('deps')
    // Written to a private temporary file first: the snapshot transaction (which on PGlite holds the only
    // session) then never waits on a slow client. The file is unlinked once open, so nothing is left behind.
    const dir = await mkdtemp(join(tmpdir(), 'engage-backup-'))
    const path = join(dir, 'backup.jsonl.gz')
    try {
      const manifest = await createBackup(
        database.db,
        c.get('actor'),
        database.kind,
        createWriteStream(path, { mode: 0o600 }),
      )
      const handle = await open(path)
      await rm(dir, { recursive: true, force: true })
      const name = `engage-backup-${manifest.createdAt.replace(/[:.]/g, '-')}.jsonl.gz`
      return c.body(Readable.toWeb(handle.createReadStream()) as ReadableStream, 200, {
        'Content-Type': 'application/gzip',
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'no-store',
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },
)
