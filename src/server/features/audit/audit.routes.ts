import { createRoute } from '@hono/zod-openapi'
import { createApi, errorResponses, pageOf, security } from '../../http/openapi.ts'
import { AuditQuerySchema, AuditRecordSchema } from './audit.schema.ts'
import { listAudit } from './audit.service.ts'

export const auditApi = createApi()

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
