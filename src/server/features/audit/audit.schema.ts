import { z } from '@hono/zod-openapi'

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
