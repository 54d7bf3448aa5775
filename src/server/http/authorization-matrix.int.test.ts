import assert from 'node:assert/strict'
import { test } from 'node:test'
import { digest, newSecret } from '../features/auth/auth.crypto.ts'
import { SESSION_ABSOLUTE_HOURS } from '../features/auth/auth.service.ts'
import { type TestUser, useHarness } from '../testing/harness.ts'
import { COUNTRY_X, COUNTRY_Y, plantWorld, type World } from '../testing/world.ts'

/**
 * Every route of the application (pages and API, read from the app's own route table) × every role × the
 * role's own object and another's → the expected status. A route missing from the table fails: deny by
 * default, so a new route cannot ship without someone deciding who may use it.
 *
 * Columns: anonymous | member representative of A (own A / other B) | focal point of X (own X / other Y) |
 * secretariat | admin. One value in a two-sided column means the same for own and other (or the route
 * has no object of anyone's). Writes are sent without a body: they must be refused (401/403/404) before
 * validation for those who may not use them; for those who may, a 400/422 shows the permission passed.
 * Anonymous page writes carry no CSRF token, so they stop at 403.
 */
const EXPECTED: Record<string, string> = {
  // columns: anonymous | member rep. of A (own other) | focal point of X (own other) | secretariat | admin
  // site
  'GET /healthz': '200 | 200 | 200 | 200 | 200',
  'GET /static/:file': '200 | 200 | 200 | 200 | 200',
  'GET /': '200 | 200 | 200 | 200 | 200',
  'GET /api/openapi.json': '200 | 200 | 200 | 200 | 200',
  'GET /api/docs': '200 | 200 | 200 | 200 | 200',
  // auth
  'GET /auth/sign-in': '200 | 303 | 303 | 303 | 303',
  'POST /auth/sign-in': '403 | 401 | 401 | 401 | 401',
  'POST /auth/sign-out': '403 | 303 | 303 | 303 | 303',
  'GET /auth/forgot': '200 | 200 | 200 | 200 | 200',
  'POST /auth/forgot': '403 | 200 | 200 | 200 | 200',
  'GET /auth/set-password': '400 | 400 | 400 | 400 | 400',
  'POST /auth/set-password': '403 | 400 | 400 | 400 | 400',
  'GET /account': '303 | 200 | 200 | 200 | 200',
  'POST /account/language': '403 | 422 | 422 | 422 | 422',
  'POST /account/password': '403 | 401 | 401 | 401 | 401',
  'POST /account/tokens': '403 | 422 | 422 | 422 | 422',
  'POST /account/calendar': '403 | 201 | 201 | 201 | 201',
  'POST /account/two-factor/recovery-codes': '403 | 422 | 422 | 422 | 422',
  'POST /account/two-factor/disable': '403 | 422 | 422 | 409 | 409',
  'POST /account/tokens/:id/revoke': '403 | 303 | 404 | 404 | 303',
  'GET /auth/two-factor': '303 | 303 | 303 | 303 | 303',
  'POST /auth/two-factor': '403 | 303 | 303 | 303 | 303',
  'GET /account/two-factor': '303 | 200 | 200 | 200 | 200',
  'POST /account/two-factor': '403 | 401 | 401 | 401 | 401',
  'POST /admin/users/:id/two-factor/reset': '403 | 403 | 403 | 403 | 303',
  'GET /admin/users': '303 | 403 | 403 | 403 | 200',
  'POST /admin/users': '403 | 403 | 403 | 403 | 422',
  'GET /admin/users/:id': '303 | 403 | 403 | 403 | 200',
  'POST /admin/users/:id/roles': '403 | 403 | 403 | 403 | 422',
  'POST /admin/users/:id/roles/:grant/remove': '403 | 403 | 403 | 403 | 404',
  'POST /admin/users/:id/status': '403 | 403 | 403 | 403 | 303',
  'POST /admin/users/:id/link': '403 | 403 | 403 | 403 | 303',
  'GET /api/v1/me': '401 | 200 | 200 | 200 | 200',
  'GET /api/v1/tokens': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/tokens': '401 | 422 | 422 | 422 | 422',
  'DELETE /api/v1/tokens/:id': '401 | 204 | 404 | 404 | 204',
  'GET /api/v1/users': '401 | 403 | 403 | 403 | 200',
  'POST /api/v1/users': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/users/:id': '401 | 403 | 403 | 403 | 200',
  'POST /api/v1/users/:id/roles': '401 | 422 | 422 | 422 | 422',
  'DELETE /api/v1/users/:id/roles/:grantId': '401 | 403 | 403 | 403 | 200',
  'POST /api/v1/users/:id/status': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/admin/backup': '401 | 403 | 403 | 403 | 200',
  // directory
  'GET /organizations': '200 | 200 | 200 | 200 | 200',
  'GET /organizations/new': '303 | 403 | 403 | 200 | 200',
  'POST /organizations/new': '403 | 422 | 422 | 422 | 422',
  'GET /organizations/:id': '200 | 200 | 200 | 200 | 200',
  'GET /organizations/:id/edit': '303 | 200 403 | 403 | 200 | 200',
  'POST /organizations/:id/edit': '403 | 422 | 422 | 422 | 422',
  'POST /organizations/:id/archive': '403 | 403 | 403 | 303 | 303',
  'POST /organizations/:id/restore': '403 | 403 | 403 | 303 | 303',
  'GET /people': '200 | 200 | 200 | 200 | 200',
  'GET /people/new': '303 | 200 403 | 403 | 200 | 200',
  'POST /people/new': '403 | 422 | 422 | 422 | 422',
  'GET /people/:id': '404 | 200 404 | 404 | 200 | 200',
  'GET /people/:id/edit': '404 | 200 404 | 404 | 200 | 200',
  'POST /people/:id/edit': '403 | 422 404 | 404 | 422 | 422',
  'POST /people/:id/archive': '403 | 303 403 | 403 | 409 | 409',
  'POST /people/:id/restore': '403 | 303 403 | 403 | 409 | 409',
  'POST /people/:id/erase': '403 | 403 | 403 | 303 | 303',
  'GET /groups': '200 | 200 | 200 | 200 | 200',
  'GET /groups/new': '303 | 403 | 403 | 200 | 200',
  'POST /groups/new': '403 | 422 | 422 | 422 | 422',
  'GET /groups/:id/edit': '303 | 403 | 403 | 200 | 200',
  'POST /groups/:id/edit': '403 | 422 | 422 | 422 | 422',
  'GET /groups/:id': '200 | 200 | 200 | 200 | 200',
  'POST /groups/:id/archive': '403 | 403 | 403 | 303 | 303',
  'POST /groups/:id/restore': '403 | 403 | 403 | 303 | 303',
  'POST /groups/:id/memberships': '403 | 422 | 422 | 422 | 422',
  'POST /groups/:id/memberships/:mid/change': '403 | 422 | 422 | 422 | 422',
  'POST /groups/:id/memberships/:mid/end': '403 | 422 | 422 | 422 | 422',
  'GET /countries': '200 | 200 | 200 | 200 | 200',
  'GET /countries/:code/edit': '303 | 403 | 403 | 403 | 200',
  'POST /countries/:code/edit': '403 | 403 | 403 | 403 | 303',
  'GET /import': '303 | 403 | 403 | 200 | 200',
  'GET /import/template/:kind': '303 | 403 | 403 | 200 | 200',
  'POST /import': '403 | 403 | 403 | 422 | 422',
  'GET /groups/:id/calendar.ics': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/countries': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/countries/:code': '200 | 200 | 200 | 200 | 200',
  'PATCH /api/v1/countries/:code': '401 | 403 | 403 | 403 | 200',
  'GET /api/v1/organizations': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/organizations': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/organizations/:id': '200 | 200 | 200 | 200 | 200',
  'PUT /api/v1/organizations/:id': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/organizations/:id/archive': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/organizations/:id/restore': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/people': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/people': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/people/:id': '404 | 200 404 | 404 | 200 | 200',
  'PUT /api/v1/people/:id': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/people/:id/archive': '401 | 200 403 | 403 | 200 | 200',
  'POST /api/v1/people/:id/restore': '401 | 200 403 | 403 | 200 | 200',
  'GET /api/v1/people/:id/export': '404 | 200 404 | 404 | 200 | 200',
  'POST /api/v1/people/:id/erase': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/groups': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/groups': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/groups/:id': '200 | 200 | 200 | 200 | 200',
  'PUT /api/v1/groups/:id': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/groups/:id/archive': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/groups/:id/restore': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/groups/:id/memberships': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/memberships/:id/change': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/memberships/:id/end': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/import/:kind': '401 | 403 | 403 | 422 | 422',
  'GET /api/v1/export/countries': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/export/organizations': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/export/people': '401 | 403 | 403 | 200 | 200',
  // audit
  'GET /admin/audit': '303 | 403 | 403 | 403 | 200',
  'GET /admin/retention': '303 | 403 | 403 | 403 | 200',
  'POST /admin/retention': '403 | 403 | 403 | 403 | 303',
  'POST /admin/retention/apply': '403 | 403 | 403 | 403 | 303',
  'GET /api/v1/audit': '401 | 403 | 403 | 403 | 200',
  // mail
  'GET /admin/outbox': '303 | 403 | 403 | 200 | 200',
  // meetings
  'GET /meetings': '200 | 200 | 200 | 200 | 200',
  'GET /meetings/new': '303 | 403 | 403 | 200 | 200',
  'POST /meetings/new': '403 | 422 | 422 | 422 | 422',
  'GET /meetings/:id/edit': '303 | 403 | 403 | 200 | 200',
  'POST /meetings/:id/edit': '403 | 422 | 422 | 422 | 422',
  'GET /meetings/:id': '200 | 200 | 200 | 200 | 200',
  'POST /meetings/:id/status': '403 | 422 | 422 | 422 | 422',
  'POST /meetings/:id/invite': '403 | 403 | 403 | 404 | 404',
  'POST /meetings/:id/register': '403 | 422 | 422 | 422 | 422',
  'POST /meetings/:id/attendance': '403 | 422 | 422 | 422 | 422',
  'POST /invitations/:id/respond': '403 | 422 | 422 | 422 | 422',
  'POST /registrations/:id/cancel': '403 | 303 404 | 404 | 303 | 303',
  'POST /attendance/:id/remove': '403 | 403 | 403 | 404 | 404',
  'GET /calendar/:file': '200 | 200 | 200 | 200 | 200',
  'POST /meetings/:id/sessions': '403 | 422 | 422 | 422 | 422',
  'POST /sessions/:id/remove': '403 | 403 | 403 | 404 | 404',
  'POST /meetings/:id/documents': '403 | 422 | 422 | 422 | 422',
  'POST /documents/:id/publish': '403 | 403 | 403 | 404 | 404',
  'POST /documents/:id/unpublish': '403 | 403 | 403 | 404 | 404',
  'POST /documents/:id/delete': '403 | 403 | 403 | 404 | 404',
  'POST /meetings/:id/minutes': '403 | 422 | 422 | 422 | 422',
  'GET /api/v1/meetings': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/meetings/:id': '200 | 200 | 200 | 200 | 200',
  'PUT /api/v1/meetings/:id': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/meetings/:id/status': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/meetings/:id/invitations': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/invitations': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/invitations/:id/response': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/meetings/:id/registrations': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/registrations': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/registrations/:id/cancel': '401 | 204 404 | 404 | 204 | 204',
  'GET /api/v1/meetings/:id/attendance': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/attendance': '401 | 422 | 422 | 422 | 422',
  'DELETE /api/v1/attendance/:id': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/meetings/:id/figures': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/meetings/:id/calendar.ics': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/meetings/:id/sessions': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/sessions': '401 | 422 | 422 | 422 | 422',
  'DELETE /api/v1/sessions/:id': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/meetings/:id/documents': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/documents': '401 | 415 | 415 | 415 | 415',
  'GET /api/v1/documents/:id': '200 | 200 | 200 | 200 | 200',
  'DELETE /api/v1/documents/:id': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/meetings/:id/minutes': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/minutes': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/export/meetings': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/export/attendance': '401 | 403 | 403 | 200 | 200',
  // consultations
  'GET /consultations': '200 | 200 | 200 | 200 | 200',
  'GET /consultations/new': '303 | 403 | 403 | 200 | 200',
  'POST /consultations/new': '403 | 403 | 403 | 422 | 422',
  'GET /consultations/:id/edit': '303 | 403 | 403 | 200 | 200',
  'POST /consultations/:id/edit': '403 | 403 | 403 | 422 | 422',
  'GET /consultations/:id': '404 | 200 404 | 200 404 | 200 | 200',
  'POST /consultations/:id/open': '403 | 403 | 403 | 409 | 409',
  'POST /consultations/:id/close': '403 | 403 | 403 | 409 | 409',
  'GET /consultations/:id/respond/:targetId': '404 | 200 404 | 200 404 | 200 | 200',
  'POST /consultations/:id/respond/:targetId': '403 | 422 404 | 422 404 | 403 | 403',
  'GET /consultations/:id/results': '404 | 403 404 | 403 404 | 200 | 200',
  'GET /c/:token': '400 | 400 | 400 | 400 | 400',
  'POST /c/:token': '403 | 400 | 400 | 400 | 400',
  'POST /api/v1/consultations': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/consultations': '200 | 200 | 200 | 200 | 200',
  'PUT /api/v1/consultations/:id': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/consultations/:id/export': '404 | 200 404 | 200 404 | 200 | 200',
  'GET /api/v1/consultations/:id': '404 | 200 404 | 200 404 | 200 | 200',
  'PUT /api/v1/consultations/:id/questionnaire': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/consultations/:id/open': '401 | 403 | 403 | 409 | 409',
  'POST /api/v1/consultations/:id/close': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/consultations/:id/targets': '401 | 200 404 | 200 404 | 200 | 200',
  'GET /api/v1/consultations/:id/responses/:targetId': '401 | 200 404 | 200 404 | 200 | 200',
  'PUT /api/v1/consultations/:id/responses/:targetId': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/consultations/:id/results': '404 | 403 404 | 403 404 | 200 | 200',
  // topics
  'GET /meetings/:id/agenda': '200 | 200 | 200 | 200 | 200',
  'GET /meetings/:id/agenda/builder': '303 | 403 | 403 | 200 | 200',
  'POST /meetings/:id/agenda/builder': '403 | 403 | 403 | 422 | 422',
  'POST /meetings/:id/agenda/publish': '403 | 403 | 403 | 422 | 422',
  'GET /topics/score-weights': '303 | 403 | 403 | 200 | 200',
  'POST /topics/score-weights': '403 | 403 | 403 | 422 | 422',
  'GET /actions/:id': '303 | 200 | 200 | 200 | 200',
  'POST /actions/:id': '403 | 422 | 422 | 422 | 422',
  'GET /bodies': '303 | 200 | 200 | 200 | 200',
  'GET /bodies/:body': '303 | 200 | 200 | 200 | 200',
  'POST /bodies/:body/leads': '403 | 403 | 403 | 422 | 422',
  'POST /meetings/:id/conclusions': '403 | 403 | 403 | 422 | 422',
  'POST /conclusions/:id/actions': '403 | 403 | 403 | 422 | 422',
  'GET /topics': '303 | 200 | 200 | 200 | 200',
  'GET /topics/new': '303 | 200 | 200 | 200 | 200',
  'POST /topics/new': '403 | 422 | 422 | 422 | 422',
  'GET /topics/:id/edit': '303 | 200 | 200 | 200 | 200',
  'POST /topics/:id/edit': '403 | 422 | 422 | 422 | 422',
  'GET /topics/:id': '303 | 200 | 200 | 200 | 200',
  'POST /topics/:id/transitions': '403 | 422 | 422 | 422 | 422',
  'POST /topics/:id/merge': '403 | 422 | 422 | 422 | 422',
  'POST /topics/:id/split': '403 | 422 | 422 | 422 | 422',
  'POST /topics/:id/supports': '403 | 303 | 403 | 403 | 403',
  'POST /topics/:id/supports/withdraw': '403 | 404 | 403 | 403 | 403',
  'GET /priorities': '303 | 200 | 200 | 200 | 200',
  'POST /priorities': '403 | 403 | 403 | 422 | 422',
  'GET /priorities/:id/edit': '303 | 403 | 403 | 200 | 200',
  'POST /priorities/:id/edit': '403 | 403 | 403 | 422 | 422',
  'POST /priorities/:id/archive': '403 | 403 | 403 | 303 | 303',
  'GET /admin/topic-lifecycle': '303 | 403 | 403 | 403 | 200',
  'POST /admin/topic-lifecycle': '403 | 403 | 403 | 403 | 303',
  'GET /api/v1/topics': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/topics': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/topics/:id': '401 | 200 | 200 | 200 | 200',
  'PUT /api/v1/topics/:id': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/topics/:id/timeline': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/topics/:id/transitions': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/topics/:id/merge': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/topics/:id/split': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/topics/:id/supports': '401 | 422 | 422 | 422 | 422',
  'DELETE /api/v1/topics/:id/supports': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/topic-lifecycle': '401 | 200 | 200 | 200 | 200',
  'PUT /api/v1/topic-lifecycle': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/priorities': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/priorities': '401 | 422 | 422 | 422 | 422',
  'PUT /api/v1/priorities/:id': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/priorities/:id/archive': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/meetings/:id/agendas': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/meetings/:id/agenda-candidates': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/meetings/:id/agenda/edits': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/meetings/:id/agenda/publish': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/meetings/:id/agendas/diff': '422 | 422 | 422 | 422 | 422',
  'GET /api/v1/topic-score-weights': '401 | 200 | 200 | 200 | 200',
  'PUT /api/v1/topic-score-weights': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/meetings/:id/conclusions': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/conclusions': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/conclusions/:id/actions': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/actions': '401 | 200 | 200 | 200 | 200',
  'GET /api/v1/actions/:id': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/actions/:id/updates': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/bodies': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/bodies/:body/leads': '401 | 422 | 422 | 422 | 422',
  'DELETE /api/v1/bodies/:body/leads': '401 | 422 | 422 | 422 | 422',
  // plan
  'GET /plan/circulars': '303 | 200 | 200 | 200 | 200',
  'POST /plan/circulars': '403 | 403 | 403 | 422 | 422',
  'GET /plan/circulars/:id': '303 | 200 | 200 | 200 | 200',
  'GET /plan/circulars/:id/file': '303 | 200 | 200 | 200 | 200',
  'POST /plan/circulars/:id/send': '403 | 403 | 403 | 422 | 422',
  'POST /plan/circulars/:id/feedback': '403 | 403 | 403 | 422 | 422',
  'GET /plan/versions': '303 | 200 | 200 | 200 | 200',
  'POST /plan/versions': '403 | 403 | 403 | 422 | 422',
  'POST /plan/items': '403 | 403 | 403 | 422 | 422',
  'POST /plan/items/:code/milestones': '403 | 403 | 403 | 303 | 303',
  'POST /plan/actions/:code/milestones': '403 | 403 | 403 | 303 | 303',
  'POST /plan/milestones/:id': '403 | 403 | 403 | 404 | 404',
  'GET /plan/bulk': '303 | 403 | 403 | 200 | 200',
  'POST /plan/bulk': '403 | 403 | 403 | 422 | 422',
  'POST /plan/items/:code/texts': '403 | 403 | 403 | 303 | 303',
  'GET /plan/actions/:code': '303 | 200 | 200 | 200 | 200',
  'POST /plan/actions/:code': '403 | 403 | 403 | 422 | 422',
  'POST /plan/actions/:code/texts': '403 | 403 | 403 | 422 | 422',
  'POST /plan/pillars/:code': '403 | 403 | 403 | 404 | 404',
  'GET /plan': '303 | 200 | 200 | 200 | 200',
  'GET /plan/export': '303 | 200 | 200 | 200 | 200',
  'GET /plan/items/:code': '303 | 200 | 200 | 200 | 200',
  'POST /plan/items/:code': '403 | 403 | 403 | 200 | 200',
  'GET /plan/actions': '303 | 200 | 200 | 200 | 200',
  'POST /plan/actions': '403 | 422 | 422 | 422 | 422',
  'GET /plan/indicators': '303 | 200 | 200 | 200 | 200',
  'POST /plan/indicators': '403 | 422 | 422 | 422 | 422',
  'POST /plan/indicators/:code/target': '403 | 403 | 403 | 200 | 200',
  'POST /plan/indicators/:code/measurements': '403 | 422 | 422 | 422 | 422',
  'GET /plan/scorecard': '303 | 200 | 200 | 200 | 200',
  'POST /plan/scorecard/:clause': '403 | 422 | 422 | 422 | 422',
  'GET /api/v1/plan': '401 | 200 | 200 | 200 | 200',
  'PATCH /api/v1/plan/items/:code': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/plan/indicators': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/plan/indicators/:code/measurements': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/plan/scorecard': '401 | 200 | 200 | 200 | 200',
  'GET /api/v1/plan/circulars': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/plan/circulars/:id/feedback': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/plan/indicators': '401 | 422 | 422 | 422 | 422',
  'PUT /api/v1/plan/indicators/:code/target': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/plan/actions': '401 | 422 | 422 | 422 | 422',
  'PATCH /api/v1/plan/actions/:code': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/plan/versions': '401 | 422 | 422 | 422 | 422',
  'GET /api/v1/plan/versions/compare': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/plan/circulars': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/plan/circulars/:id/send': '401 | 403 | 403 | 200 | 200',
  // analytics
  'GET /analytics': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/metrics/meetings': '200 | 200 | 200 | 200 | 200',
  // reports
  'GET /organizations/:id/contributions': '303 | 200 403 | 403 | 200 | 200',
  'GET /reports': '303 | 403 | 403 | 200 | 200',
  'POST /reports': '403 | 403 | 403 | 422 | 422',
  'GET /reports/jobs/:id': '303 | 403 | 403 | 200 | 200',
  'GET /reports/jobs/:id/status': '303 | 403 | 403 | 200 | 200',
  'GET /reports/jobs/:id/download': '303 | 403 | 403 | 404 | 404',
  'POST /reports/jobs/:id/findings': '403 | 403 | 403 | 422 | 422',
  'POST /reports/jobs/:id/issue': '403 | 403 | 403 | 422 | 422',
  'GET /reports/issued/:id': '303 | 403 | 403 | 200 | 200',
  'GET /reports/issued/:id/download': '303 | 403 | 403 | 404 | 404',
  'GET /reports/issued/:id/compare': '303 | 403 | 403 | 404 | 404',
  'GET /meetings/:id/report': '303 | 403 | 403 | 200 | 200',
}

const h = useHarness()
const COLUMNS = ['anonymous', 'repA', 'fpX', 'secretariat', 'admin'] as const
type Column = (typeof COLUMNS)[number]
type Side = 'own' | 'other'
const TWO_SIDED: Column[] = ['repA', 'fpX']
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000'

function feature(path: string): string {
  const first = path.replace(/^\/api\/v1/, '').split('/')[1] ?? ''
  const groups: Record<string, string[]> = {
    site: ['', 'healthz', 'static', 'api'],
    auth: ['auth', 'account', 'admin', 'users', 'me', 'tokens'],
    directory: ['organizations', 'people', 'groups', 'countries', 'memberships', 'import', 'export'],
    meetings: ['meetings', 'invitations', 'registrations', 'attendance', 'calendar', 'sessions', 'documents'],
    consultations: ['consultations', 'c'],
    topics: [
      'topics',
      'priorities',
      'actions',
      'bodies',
      'conclusions',
      'topic-lifecycle',
      'topic-score-weights',
    ],
    plan: ['plan'],
    analytics: ['analytics', 'metrics'],
    reports: ['reports'],
  }
  if (path.startsWith('/admin/audit') || path === '/api/v1/audit') return 'audit'
  if (path.startsWith('/admin/outbox')) return 'mail'
  if (path.startsWith('/admin/topic-lifecycle')) return 'topics'
  if (/\/(report|contributions)$/.test(path)) return 'reports'
  if (/\/(agenda|agendas|agenda-candidates|conclusions)(\/|$)/.test(path)) return 'topics'
  if (path.startsWith('/api/v1/export/meetings') || path.startsWith('/api/v1/export/attendance'))
    return 'meetings'
  return Object.entries(groups).find(([, firsts]) => firsts.includes(first))?.[0] ?? 'other'
}

/** The concrete path for a route pattern, for a role and side, from the planted world. */
function resolve(w: World, pattern: string, column: Column, side: Side): string {
  const other = side === 'other' && TWO_SIDED.includes(column)
  const mine = column === 'repA' ? { c: w.byOrganization, t: w.targetA } : { c: w.byCountry, t: w.targetX }
  const theirs = column === 'repA' ? { c: w.byCountry, t: w.targetB } : { c: w.byOrganization, t: w.targetY }
  const heldMeeting = /\/(conclusions|report|attendance|figures|minutes|agenda|agendas)/.test(pattern)
  const pick = (own: string, others: string) => (other ? others : own)
  // A new person belongs to an organization, named in the query.
  const query = pattern === '/people/new' ? `?organizationId=${pick(w.orgA.id, w.orgB.id)}` : ''
  return `${pattern.replace(/:(\w+)/g, (_, name: string) => {
    const before = pattern.slice(0, pattern.indexOf(`:${name}`))
    const segment = before.split('/').at(-2) ?? ''
    switch (`${segment}:${name}`) {
      case 'organizations:id':
        return pick(w.orgA.id, w.orgB.id)
      case 'people:id':
        return pick(w.hiddenA.id, w.hiddenB.id)
      case 'groups:id':
        return w.group.id
      case 'memberships:mid':
      case 'memberships:id':
        return pick(w.membershipA, w.membershipB)
      case 'countries:code':
        return pick(COUNTRY_X, COUNTRY_Y)
      case 'meetings:id':
        return heldMeeting ? w.held.id : w.upcoming.id
      case 'invitations:id':
        return pick(w.invitationA, w.invitationB)
      case 'registrations:id':
        return pick(w.registrationA, w.registrationB)
      case 'attendance:id':
        return pick(w.attendanceA, w.attendanceB)
      case 'sessions:id':
        return w.meetingSession
      case 'documents:id':
        return w.document
      case 'consultations:id':
        return other && !pattern.includes(':targetId') ? theirs.c : mine.c
      case 'respond:targetId':
      case 'responses:targetId':
        return other ? theirs.t : mine.t
      case 'c:token':
        return 'no-such-link'
      case 'topics:id':
        return w.topic
      case 'actions:id':
        return w.action
      case 'conclusions:id':
        return w.conclusion
      case 'priorities:id':
        return w.priority
      case 'bodies:body':
        return 'SG13'
      case 'items:code':
        return w.planItem
      case 'actions:code':
        return w.planAction
      case 'indicators:code':
        return w.indicator
      case 'pillars:code':
        return 'P1'
      case 'milestones:id':
        return NO_SUCH_ID
      case 'scorecard:clause':
        return 'd1'
      case 'circulars:id':
        return w.circularId
      case 'jobs:id':
        return w.jobId
      case 'issued:id':
        return w.issueId
      case 'users:id':
        return w.users.repB.userId
      case 'roles:grant':
      case 'roles:grantId':
        return w.grant
      case 'tokens:id':
        return w.tokenAId
      case 'calendar:file':
        return `${w.calendarSecret}.ics`
      case 'template:kind':
      case 'import:kind':
        return 'organizations'
      case 'static:file':
        return 'app.css'
      default:
        throw new Error(`no fixture for :${name} in ${pattern}: add one to resolve()`)
    }
  })}${query}`
}

/** A new session for the same account, so that a sign-out or a revoked token cannot spoil later requests. */
async function freshSession(user: TestUser): Promise<TestUser> {
  const token = newSecret()
  const csrf = newSecret()
  await h.db
    .insertInto('session')
    .values({
      id: digest(token),
      user_id: user.userId,
      csrf_token: csrf,
      expires_at: new Date(Date.now() + SESSION_ABSOLUTE_HOURS * 3600_000),
    })
    .execute()
  return { ...user, cookie: `__Host-engage_session=${token}`, csrf }
}

function userOf(w: World, column: Column): TestUser | undefined {
  return column === 'anonymous' ? undefined : w.users[column]
}

/**
 * Page forms name the meeting to return to and the organization a person belongs to; without them the
 * handler stops at 404 before any permission is checked.
 */
function formFor(w: World, path: string): Record<string, string> {
  const organizationId = path.includes(w.orgB.id) || path.includes(w.hiddenB.id) ? w.orgB.id : w.orgA.id
  return { meetingId: w.upcoming.id, organizationId }
}

async function send(w: World, method: string, path: string, column: Column): Promise<number> {
  const user = userOf(w, column)
  if (method === 'GET') return (await h.request(path, user ? { as: user } : {})).status
  const as = user && (await freshSession(user))
  const res = path.startsWith('/api/')
    ? await h.request(path, { method, ...(as ? { as } : {}), json: {} })
    : await h.request(path, { method, ...(as ? { as } : {}), form: formFor(w, path) })
  await res.arrayBuffer()
  return res.status
}

function routeList(): string[] {
  const seen = new Set<string>()
  for (const r of h.app.routes) {
    if (r.method === 'ALL') continue
    seen.add(`${r.method} ${r.path}`)
  }
  return [...seen]
}

/** Parses '200 | 200 404 | 404 | 200 | 200' into one expected status per column and side. */
function parse(line: string): Record<Column, Record<Side, number>> {
  const cells = line.split('|').map((c) => c.trim().split(/\s+/).map(Number))
  assert.equal(cells.length, COLUMNS.length, `five columns in '${line}'`)
  return Object.fromEntries(
    COLUMNS.map((col, i) => [col, { own: cells[i]![0]!, other: cells[i]![1] ?? cells[i]![0]! }]),
  ) as Record<Column, Record<Side, number>>
}

function format(actual: Record<Column, Record<Side, number>>): string {
  return COLUMNS.map((col) => {
    const { own, other } = actual[col]
    return own === other ? String(own) : `${own} ${other}`
  }).join(' | ')
}

test('every route has an authorization expectation, and every role gets exactly it', async () => {
  const started = Date.now()
  const routes = routeList()
  assert.ok(routes.length > 250, `found ${routes.length} routes`)
  const missing = routes.filter((r) => !(r in EXPECTED))
  const stale = Object.keys(EXPECTED).filter((r) => !routes.includes(r))
  assert.deepEqual(stale, [], 'expectations for routes that no longer exist')

  // Reads first, on one world; then each role's writes on a world of its own, so that one role's
  // successful write (an archive, a close) cannot change what the next role meets.
  const shared = await plantWorld(h)
  const writers = {} as Record<Column, World>
  for (const column of COLUMNS) writers[column] = await plantWorld(h)
  // Reads, then writes, each in reverse registration order (the API before the pages). Some statuses
  // depend on it: a page's "remove" after the API's DELETE of the same object answers 404.
  const order = [...routes]
    .reverse()
    .sort((a, b) => Number(b.startsWith('GET ')) - Number(a.startsWith('GET ')))
  const actual = new Map<string, Record<Column, Record<Side, number>>>()
  let checks = 0
  for (const route of order) {
    const [method, pattern] = route.split(' ') as [string, string]
    const row = {} as Record<Column, Record<Side, number>>
    for (const column of COLUMNS) {
      const w = method === 'GET' ? shared : writers[column]
      const own = resolve(w, pattern, column, 'own')
      const other = resolve(w, pattern, column, 'other')
      const ownStatus = await send(w, method, own, column)
      const otherStatus = other === own ? ownStatus : await send(w, method, other, column)
      checks += other === own ? 1 : 2
      row[column] = { own: ownStatus, other: otherStatus }
    }
    actual.set(route, row)
  }

  // Report every difference at once, grouped by feature, as lines ready to review and paste.
  const byFeature = new Map<string, string[]>()
  for (const route of routes) {
    const row = actual.get(route)!
    const expected = EXPECTED[route]
    if (expected !== undefined && format(row) === format(parse(expected))) continue
    const pattern = route.split(' ')[1]!
    const list = byFeature.get(feature(pattern)) ?? []
    list.push(
      `  '${route}': '${format(row)}',${expected === undefined ? ' // new route without an authorization expectation' : ` // expected '${expected}'`}`,
    )
    byFeature.set(feature(pattern), list)
  }
  const report = [...byFeature].map(([f, lines]) => `  // ${f}\n${lines.join('\n')}`).join('\n')
  console.log(`${routes.length} routes, ${checks} route × role × side checks in ${Date.now() - started} ms`)
  assert.equal(missing.length, 0, `new routes without an authorization expectation:\n${report}`)
  assert.equal(report, '', `statuses differ from the expectations:\n${report}`)
})
