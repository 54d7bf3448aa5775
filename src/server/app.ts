import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { analyticsPages } from './features/analytics/analytics.pages.tsx'
import { analyticsApi } from './features/analytics/analytics.routes.ts'
import { contributionPages } from './features/analytics/contributions.pages.tsx'
import { auditPages } from './features/audit/audit.pages.tsx'
import { auditApi } from './features/audit/audit.routes.ts'
import { authPages } from './features/auth/auth.pages.tsx'
import { authApi } from './features/auth/auth.routes.ts'
import { twoFactorPages } from './features/auth/two-factor.pages.tsx'
import { users } from './features/auth/users.pages.tsx'
import { backupApi } from './features/backup/backup.routes.ts'
import { consultationPages } from './features/consultations/consultations.pages.tsx'
import { consultationsApi } from './features/consultations/consultations.routes.ts'
import { countryPages } from './features/directory/countries.pages.tsx'
import { directoryApi } from './features/directory/directory.routes.ts'
import { groupPages } from './features/directory/groups.pages.tsx'
import { MAX_IMPORT_BYTES } from './features/directory/import/csv.ts'
import { importPages } from './features/directory/import.pages.tsx'
import { organizationPages } from './features/directory/organizations.pages.tsx'
import { peoplePages } from './features/directory/people.pages.tsx'
import { homePages } from './features/home/home.pages.tsx'
import { outboxPages } from './features/mail/outbox.pages.tsx'
import { contentApi } from './features/meetings/content/content.routes.ts'
import { meetingPages } from './features/meetings/meetings.pages.tsx'
import { meetingsApi } from './features/meetings/meetings.routes.ts'
import { panelPages } from './features/panel/panel.pages.tsx'
import { panelApi } from './features/panel/panel.routes.ts'
import { circularPages } from './features/plan/circulars.pages.tsx'
import { planPages } from './features/plan/plan.pages.tsx'
import { planApi } from './features/plan/plan.routes.ts'
import { planAdminPages } from './features/plan/plan-admin.pages.tsx'
import { retentionPages } from './features/privacy/retention.pages.tsx'
import { structurePages } from './features/structure/structure.pages.tsx'
import { structureApi } from './features/structure/structure.routes.ts'
import { agendaPages } from './features/topics/agendas.pages.tsx'
import { agendasApi } from './features/topics/agendas.routes.ts'
import { followUpPages } from './features/topics/follow-up.pages.tsx'
import { followUpApi } from './features/topics/follow-up.routes.ts'
import { topicPages } from './features/topics/topics.pages.tsx'
import { topicsApi } from './features/topics/topics.routes.ts'
import { unionPages } from './features/union/union.pages.tsx'
import { unionApi } from './features/union/union.routes.ts'
import { createApiDocsPages } from './http/api-docs.pages.tsx'
import type { AppEnv, Deps } from './http/context.ts'
import { renderErrorPage } from './http/error-page.tsx'
import { AppError, type ErrorCode, fromDatabaseError, isUnavailable } from './http/errors.ts'
import { authenticate, csrfProtection, securityHeaders, withDeps } from './http/middleware.ts'
import { reportPages } from './reports/reports.pages.tsx'
import { reportsApi } from './reports/reports.routes.ts'

const staticDir = join(dirname(fileURLToPath(import.meta.url)), 'http/static')
const STATIC: Record<string, { body: string; type: string }> = {
  'app.css': { body: readFileSync(join(staticDir, 'app.css'), 'utf8'), type: 'text/css; charset=utf-8' },
  'app.js': { body: readFileSync(join(staticDir, 'app.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
  'favicon.svg': { body: readFileSync(join(staticDir, 'favicon.svg'), 'utf8'), type: 'image/svg+xml' },
}

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Engage API',
    version: '1',
    description:
      'The JSON API of Engage. Authenticate with a personal API token (Authorization: Bearer eng_…), created with `engage token create` or on your account page. Errors are application/problem+json with a stable `code`.',
  },
} as const

function isApi(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith('/api/')
}

const PUBLIC_DETAILS = new Set<ErrorCode>([
  'TOPIC_TRANSITION_INVALID',
  'TOPIC_CONFLICT',
  'MEETING_TRANSITION_INVALID',
  'BODY_NOT_IN_PERIOD',
  'BODY_CONFLICT',
  'PANEL_CONFLICT',
  'ADVICE_CONFLICT',
  'ADVICE_TRANSITION_INVALID',
  'PANEL_OUTSIDE_TERM',
])

function problem(c: Context<AppEnv>, error: AppError) {
  const t = c.get('t')
  const body = {
    type: `https://engage.invalid/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: t ? t(`errors.${error.code}`) : error.code,
    status: error.status,
    code: error.code,
    ...(error.fieldErrors ? { errors: error.fieldErrors } : {}),
    // Details that help the caller act and reveal nothing (the moves allowed, the current version).
    ...(PUBLIC_DETAILS.has(error.code) ? { details: error.details } : {}),
  }
  return c.body(JSON.stringify(body), error.status, { 'Content-Type': 'application/problem+json' })
}

/** Hono and its middleware throw HTTPException (e.g. 415 for a JSON route sent another type, 400 for a bad body). */
function fromHttpException(err: HTTPException): AppError {
  if (err.status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE')
  if (err.status === 413) return new AppError('PAYLOAD_TOO_LARGE')
  if (err.status === 401) return new AppError('UNAUTHENTICATED')
  if (err.status === 403) return new AppError('FORBIDDEN')
  if (err.status === 404) return new AppError('NOT_FOUND')
  return new AppError('BAD_REQUEST')
}

/** The whole HTTP application. No listen() here: tests call app.request() on it directly. */
export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>()

  app.onError((err, c) => {
    const error =
      err instanceof AppError
        ? err
        : err instanceof HTTPException
          ? fromHttpException(err)
          : fromDatabaseError(err)
    if (error && (error.code === 'RATE_LIMITED' || error.code === 'UNAVAILABLE'))
      c.header('Retry-After', String(error.details.retryAfterSeconds ?? 60))
    if (error?.code === 'UNAVAILABLE')
      console.warn(`[${c.get('requestId') ?? '-'}] database unavailable:`, String(err))
    if (!error) {
      console.error(`[${c.get('requestId') ?? '-'}]`, err)
      const internal = new AppError('INTERNAL')
      return isApi(c) ? problem(c, internal) : renderErrorPage(c, internal)
    }
    if (isApi(c)) return problem(c, error)
    if (error.code === 'UNAUTHENTICATED' && c.req.method === 'GET') {
      return c.redirect(
        `/auth/sign-in?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`,
        303,
      )
    }
    return renderErrorPage(c, error)
  })
  app.notFound((c) =>
    isApi(c) ? problem(c, new AppError('NOT_FOUND')) : renderErrorPage(c, new AppError('NOT_FOUND')),
  )

  app.use('*', withDeps(deps), securityHeaders)
  // Before sessions and languages: a load balancer's probe, and files, need neither.
  app.get('/healthz', async (c) => {
    try {
      await deps.database.db.selectFrom('country').select('code').limit(1).execute()
    } catch (error) {
      if (!isUnavailable(error)) throw error
      c.header('Retry-After', '5')
      return c.json({ status: 'unavailable', database: deps.database.kind }, 503)
    }
    return c.json({ status: 'ok', database: deps.database.kind })
  })
  app.get('/static/:file', (c) => {
    const file = STATIC[c.req.param('file')]
    if (!file) return c.notFound()
    return c.body(file.body, 200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=3600' })
  })

  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_IMPORT_BYTES + 64 * 1024,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE')
      },
    }),
  )
  app.use('*', authenticate, csrfProtection)

  app.route('/', homePages)
  app.route('/', authPages)
  app.route('/', twoFactorPages)
  app.route('/', retentionPages)
  app.route('/', structurePages)
  app.route('/', panelPages)
  app.route('/', users)
  app.route('/', organizationPages)
  app.route('/', peoplePages)
  app.route('/', groupPages)
  app.route('/', countryPages)
  app.route('/', importPages)
  app.route('/', auditPages)
  app.route('/', outboxPages)
  app.route('/', meetingPages)
  app.route('/', consultationPages)
  app.route('/', agendaPages)
  app.route('/', followUpPages)
  app.route('/', topicPages)
  app.route('/', circularPages)
  app.route('/', planAdminPages)
  app.route('/', planPages)
  app.route('/', analyticsPages)
  app.route('/', contributionPages)
  app.route('/', reportPages)
  app.route('/', unionPages)

  app.route('/api/v1', directoryApi)
  app.route('/api/v1', authApi)
  app.route('/api/v1', auditApi)
  app.route('/api/v1', meetingsApi)
  app.route('/api/v1', contentApi)
  app.route('/api/v1', consultationsApi)
  app.route('/api/v1', topicsApi)
  app.route('/api/v1', agendasApi)
  app.route('/api/v1', followUpApi)
  app.route('/api/v1', planApi)
  app.route('/api/v1', analyticsApi)
  app.route('/api/v1', backupApi)
  app.route('/api/v1', structureApi)
  app.route('/api/v1', panelApi)
  app.route('/api/v1', unionApi)
  app.route('/api/v1', reportsApi)

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Personal API token',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-engage_session',
    description: 'Browser session; state-changing requests also need the X-CSRF-Token header',
  })
  app.doc31('/api/openapi.json', OPENAPI_INFO)
  let document: unknown
  app.route(
    '/',
    createApiDocsPages(() => (document ??= app.getOpenAPI31Document(OPENAPI_INFO))),
  )
  return app
}

export type App = ReturnType<typeof createApp>
