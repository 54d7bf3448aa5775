import { createRoute, z } from '@hono/zod-openapi'
import { createApi, errorResponses, pageOf, security } from '../../http/openapi.ts'
import { listAudit } from './audit.service.ts'

export const auditApi = createApi()

const isoDate = z.iso.date({ error: 'date_invalid' }).optional()

export const AuditQuerySchema = z.object({
  entityType: z.string().trim().max(50).optional(),
  entityId: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(254).optional().openapi({ description: 'Part of the actor’s label (e-mail)' }),
  action: z.string().trim().max(50).optional(),
  from: isoDate.openapi({ description: 'First day, inclusive (YYYY-MM-DD, UTC)' }),
  to: isoDate.openapi({ description: 'Last day, inclusive (YYYY-MM-DD, UTC)' }),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
})

export const AuditRecordSchema = z
  .object({
    id: z.number().int(),
    occurredAt: z.string(),
    actorUserId: z.uuid().nullable(),
    actorLabel: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    summary: z.string().nullable(),
    before: z.unknown().openapi({ description: 'The record before the change, secrets redacted' }),
    after: z.unknown().openapi({ description: 'The record after the change, secrets redacted' }),
  })
  .openapi('AuditRecord')

auditApi.openapi(
  createRoute({
    method: 'get',
    path: '/audit',
    tags: ['Audit'],
    summary: 'Search the audit log (administrators), newest first',
    security,
    request: { query: AuditQuerySchema },
    responses: {
      200: {
        description: 'A page of audit records',
        content: { 'application/json': { schema: pageOf(AuditRecordSchema, 'AuditPage') } },
      },
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query')
    const result = await listAudit(c.get('deps').database.db, c.get('actor'), q)
    return c.json({ ...result, page: q.page, pageSize: q.pageSize }, 200)
  },
)
