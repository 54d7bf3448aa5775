import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from './context.ts'
import { AppError, fieldErrorsFromIssues } from './errors.ts'

/**
 * Every API sub-app is made here so they all answer invalid input the same way: a 422 problem
 * document with per-field errors (thrown, so the one error handler formats it).
 */
export function createApi(): OpenAPIHono<AppEnv> {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw new AppError('VALIDATION_FAILED', {}, fieldErrorsFromIssues(result.error.issues))
    },
  })
  // Deny by default: no API call changes anything without an account, so an anonymous write is refused
  // before its body is even validated.
  api.use('*', async (c, next) => {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && c.get('actor').kind === 'anonymous') {
      throw new AppError('UNAUTHENTICATED')
    }
    await next()
  })
  return api
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable error code, e.g. ORGANIZATION_DUPLICATE' }),
    detail: z.string().optional(),
    errors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .openapi({ description: 'Per-field messages' }),
    details: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        'For some codes, what helps to act: e.g. `allowed` (the moves a lifecycle allows from here)',
    }),
  })
  .openapi('Problem')

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
})

/** The error responses most routes share, for the OpenAPI document. */
export const errorResponses = {
  401: problem('Not signed in, or the token is invalid'),
  403: problem('Signed in but not allowed (or CSRF failure)'),
  404: problem('Not found, or not visible to you'),
  409: problem('Conflicts with the current state'),
  422: problem('Invalid input; see errors'),
} as const

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      total: z.number().int(),
      page: z.number().int(),
      pageSize: z.number().int(),
    })
    .openapi(name)
}

export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) })

export const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }]

/** Readable without signing in; what an anonymous caller sees is decided by the service. */
export const publicSecurity: Record<string, string[]>[] = [...security, {}]

export const PageQuery = {
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
}

/** A JSON response for the OpenAPI document. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/**
 * A required JSON request body. Required matters: without it @hono/zod-openapi passes {} through when
 * the Content-Type is not JSON.
 */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})
