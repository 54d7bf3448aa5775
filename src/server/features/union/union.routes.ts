import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import { createApi, errorResponses, jsonContent, publicSecurity } from '../../http/openapi.ts'
import { UNION_FIGURES, unionView } from './union.service.ts'

export const unionApi = createApi()

const ratio = z.number().min(0).max(1).nullable()
const FiguresSchema = z
  .object(
    Object.fromEntries(
      UNION_FIGURES.map((k) => [
        k,
        k === 'developingShare' || k === 'responseRate' || k === 'completionShare' ? ratio : z.number().int(),
      ]),
    ),
  )
  .openapi('UnionFigures')

export const UnionViewSchema = z
  .object({
    from: z.string().openapi({ description: 'First day of the period' }),
    to: z.string().openapi({ description: 'Last day of the period' }),
    columns: z.array(
      z.object({
        sector: z
          .string()
          .nullable()
          .openapi({ description: "The Sector's code; null for Union-wide and total" }),
        kind: z.enum(['sector', 'union', 'total']),
        name: z.string(),
        figures: FiguresSchema,
      }),
    ),
    multiSectorOrganizations: z.number().int(),
  })
  .openapi('UnionView')

export const UnionQuery = z.object({
  from: z
    .string()
    .max(10)
    .optional()
    .openapi({ description: 'First day, YYYY-MM-DD (default: 1 January four years ago)' }),
  to: z.string().max(10).optional().openapi({ description: 'Last day, YYYY-MM-DD (default: today)' }),
})

unionApi.openapi(
  createRoute({
    method: 'get',
    path: '/union',
    tags: ['Analytics'],
    summary:
      'Industry engagement across the Sectors side by side: meetings, participation, consultations, topics, actions and the Panel’s advice (aggregates, no personal data: open to all)',
    security: publicSecurity,
    request: { query: UnionQuery },
    responses: {
      200: jsonContent(UnionViewSchema, 'One column per Sector, Union-wide and total'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, lang } = scope(c)
    return c.json(await unionView(db, c.req.valid('query'), lang), 200)
  },
)
