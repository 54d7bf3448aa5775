import assert from 'node:assert/strict'
import { test } from 'node:test'
import { digest, newSecret } from '../features/auth/auth.crypto.ts'
import { SESSION_ABSOLUTE_HOURS } from '../features/auth/auth.service.ts'
import { TRANSITIONS } from '../features/meetings/meetings.policy.ts'
import type { MeetingStatus } from '../features/meetings/meetings.schema.ts'
import { type TestUser, unique, useHarness } from '../testing/harness.ts'
import { COUNTRY_X, COUNTRY_Y, plantWorld, questionnaire, type World } from '../testing/world.ts'

/**
 * Every route of the application (pages and API, read from the app's own route table) × every role × the
 * role's own object and another's → the expected status. A route missing from the table fails: deny by
 * default, so a new route cannot ship without someone deciding who may use it.
 *
 * Columns: anonymous | member representative of A (own A / other B) | focal point of X (own X / other Y) |
 * secretariat | admin. One value in a two-sided column means the same for own and other (or the route
 * has no object of anyone's); the focal point's own organization is X's government, A for the others.
 * API writes carry a valid body (BODIES), and so do the page forms a role that may not use them would
 * otherwise fail at 422 (FORMS): what each role gets is decided by permission and the object, 403/404 for
 * those who may not, 2xx for those who may, or a domain 404/409 when an earlier write of the same role's
 * world changed the object (archived it, closed it). The other page forms carry only formFor()'s fields, so
 * those who may use them stop at 422. Anonymous page writes carry no CSRF token, so they stop at 403.
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
  'POST /api/v1/tokens': '401 | 201 | 201 | 201 | 201',
  'DELETE /api/v1/tokens/:id': '401 | 204 | 404 | 404 | 204',
  'GET /api/v1/users': '401 | 403 | 403 | 403 | 200',
  'POST /api/v1/users': '401 | 403 | 403 | 403 | 201',
  'GET /api/v1/users/:id': '401 | 403 | 403 | 403 | 200',
  'POST /api/v1/users/:id/roles': '401 | 403 | 403 | 403 | 200',
  'DELETE /api/v1/users/:id/roles/:grantId': '401 | 403 | 403 | 403 | 200',
  'POST /api/v1/users/:id/status': '401 | 403 | 403 | 403 | 200',
  'POST /api/v1/admin/backup': '401 | 403 | 403 | 403 | 200',
  // directory
  'GET /organizations': '200 | 200 | 200 | 200 | 200',
  'GET /organizations/new': '303 | 403 | 403 | 200 | 200',
  'POST /organizations/new': '403 | 403 | 403 | 303 | 303',
  'GET /organizations/:id': '200 | 200 | 200 | 200 | 200',
  'GET /organizations/:id/edit': '303 | 200 403 | 200 403 | 200 | 200',
  'POST /organizations/:id/edit': '403 | 303 403 | 303 403 | 409 | 409',
  'POST /organizations/:id/archive': '403 | 403 | 403 | 303 | 303',
  'POST /organizations/:id/restore': '403 | 403 | 403 | 303 | 303',
  'GET /people': '200 | 200 | 200 | 200 | 200',
  'GET /people/new': '303 | 200 403 | 200 403 | 200 | 200',
  'POST /people/new': '403 | 303 403 | 303 403 | 409 | 409',
  'GET /people/:id': '404 | 200 404 | 200 404 | 200 | 200',
  'GET /people/:id/edit': '404 | 200 404 | 200 404 | 200 | 200',
  'POST /people/:id/edit': '403 | 303 404 | 303 404 | 409 | 409',
  'POST /people/:id/archive': '403 | 303 403 | 303 403 | 409 | 409',
  'POST /people/:id/restore': '403 | 303 403 | 303 403 | 409 | 409',
  'POST /people/:id/erase': '403 | 403 | 403 | 303 | 303',
  'GET /groups': '200 | 200 | 200 | 200 | 200',
  'GET /groups/new': '303 | 403 | 403 | 200 | 200',
  'POST /groups/new': '403 | 403 | 403 | 303 | 303',
  'GET /groups/:id/edit': '303 | 403 | 403 | 200 | 200',
  'POST /groups/:id/edit': '403 | 403 | 403 | 303 | 303',
  'GET /groups/:id': '200 | 200 | 200 | 200 | 200',
  'POST /groups/:id/archive': '403 | 403 | 403 | 303 | 303',
  'POST /groups/:id/restore': '403 | 403 | 403 | 303 | 303',
  'POST /groups/:id/memberships': '403 | 403 | 403 | 404 | 404',
  'POST /groups/:id/memberships/:mid/change': '403 | 403 | 403 | 409 | 409',
  'POST /groups/:id/memberships/:mid/end': '403 | 403 | 403 | 409 | 409',
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
  'POST /api/v1/organizations': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/organizations/:id': '200 | 200 | 200 | 200 | 200',
  'PUT /api/v1/organizations/:id': '401 | 200 403 | 200 403 | 409 | 409',
  'POST /api/v1/organizations/:id/archive': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/organizations/:id/restore': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/people': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/people': '401 | 201 403 | 201 403 | 201 | 201',
  'GET /api/v1/people/:id': '404 | 200 404 | 200 404 | 200 | 200',
  'PUT /api/v1/people/:id': '401 | 200 403 | 200 403 | 200 | 200',
  'POST /api/v1/people/:id/archive': '401 | 200 403 | 200 403 | 200 | 200',
  'POST /api/v1/people/:id/restore': '401 | 200 403 | 200 403 | 200 | 200',
  'GET /api/v1/people/:id/export': '404 | 200 404 | 200 404 | 200 | 200',
  'POST /api/v1/people/:id/erase': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/groups': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/groups': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/groups/:id': '200 | 200 | 200 | 200 | 200',
  'PUT /api/v1/groups/:id': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/groups/:id/archive': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/groups/:id/restore': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/groups/:id/memberships': '401 | 403 | 403 | 201 | 201',
  'POST /api/v1/memberships/:id/change': '401 | 403 | 403 | 409 | 409',
  'POST /api/v1/memberships/:id/end': '401 | 403 | 403 | 204 | 204',
  'POST /api/v1/import/:kind': '401 | 403 | 403 | 200 | 200',
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
  'POST /meetings/new': '403 | 403 | 403 | 303 | 303',
  'GET /meetings/:id/edit': '303 | 403 | 403 | 200 | 200',
  'POST /meetings/:id/edit': '403 | 403 | 403 | 303 | 303',
  'GET /meetings/:id': '200 | 200 | 200 | 200 | 200',
  'POST /meetings/:id/status': '403 | 403 | 403 | 303 | 303',
  'POST /meetings/:id/invite': '403 | 403 | 403 | 404 | 404',
  'POST /meetings/:id/register': '403 | 404 403 | 403 | 404 | 404',
  'POST /meetings/:id/attendance': '403 | 403 | 403 | 303 | 303',
  'POST /invitations/:id/respond': '403 | 303 404 | 404 | 303 | 303',
  'POST /registrations/:id/cancel': '403 | 303 404 | 404 | 303 | 303',
  'POST /attendance/:id/remove': '403 | 403 | 403 | 404 | 404',
  'GET /calendar/:file': '200 | 200 | 200 | 200 | 200',
  'POST /meetings/:id/sessions': '403 | 403 | 403 | 303 | 303',
  'POST /sessions/:id/remove': '403 | 403 | 403 | 404 | 404',
  'POST /meetings/:id/documents': '403 | 403 | 403 | 303 | 303',
  'POST /documents/:id/publish': '403 | 403 | 403 | 404 | 404',
  'POST /documents/:id/unpublish': '403 | 403 | 403 | 404 | 404',
  'POST /documents/:id/delete': '403 | 403 | 403 | 404 | 404',
  'POST /meetings/:id/minutes': '403 | 403 | 403 | 303 | 303',
  'GET /api/v1/meetings': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/meetings/:id': '200 | 200 | 200 | 200 | 200',
  'PUT /api/v1/meetings/:id': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/meetings/:id/status': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/meetings/:id/invitations': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/invitations': '401 | 403 | 403 | 201 | 201',
  'POST /api/v1/invitations/:id/response': '401 | 204 404 | 404 | 204 | 204',
  'GET /api/v1/meetings/:id/registrations': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/registrations': '401 | 201 403 | 201 403 | 201 | 201',
  'POST /api/v1/registrations/:id/cancel': '401 | 204 404 | 404 | 204 | 204',
  'GET /api/v1/meetings/:id/attendance': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/attendance': '401 | 403 | 403 | 201 | 201',
  'DELETE /api/v1/attendance/:id': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/meetings/:id/figures': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/meetings/:id/calendar.ics': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/meetings/:id/sessions': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/sessions': '401 | 403 | 403 | 201 | 201',
  'DELETE /api/v1/sessions/:id': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/meetings/:id/documents': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/documents': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/documents/:id': '200 | 200 | 200 | 200 | 200',
  'DELETE /api/v1/documents/:id': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/meetings/:id/minutes': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/minutes': '401 | 403 | 403 | 201 | 201',
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
  'POST /api/v1/consultations': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/consultations': '200 | 200 | 200 | 200 | 200',
  'PUT /api/v1/consultations/:id': '401 | 403 | 403 | 409 | 409',
  'GET /api/v1/consultations/:id/export': '404 | 200 404 | 200 404 | 200 | 200',
  'GET /api/v1/consultations/:id': '404 | 200 404 | 200 404 | 200 | 200',
  'PUT /api/v1/consultations/:id/questionnaire': '401 | 403 | 403 | 409 | 409',
  'POST /api/v1/consultations/:id/open': '401 | 403 | 403 | 409 | 409',
  'POST /api/v1/consultations/:id/close': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/consultations/:id/targets': '401 | 200 404 | 200 404 | 200 | 200',
  'GET /api/v1/consultations/:id/responses/:targetId': '401 | 200 404 | 200 404 | 200 | 200',
  'PUT /api/v1/consultations/:id/responses/:targetId': '401 | 200 404 | 200 404 | 403 | 403',
  'GET /api/v1/consultations/:id/results': '404 | 403 404 | 403 404 | 200 | 200',
  // topics
  'GET /meetings/:id/agenda': '200 | 200 | 200 | 200 | 200',
  'GET /meetings/:id/agenda/builder': '303 | 403 | 403 | 200 | 200',
  'POST /meetings/:id/agenda/builder': '403 | 403 | 403 | 422 | 422',
  'POST /meetings/:id/agenda/publish': '403 | 403 | 403 | 409 | 409',
  'GET /topics/score-weights': '303 | 403 | 403 | 200 | 200',
  'POST /topics/score-weights': '403 | 403 | 403 | 422 | 422',
  'GET /actions/:id': '303 | 200 | 200 | 200 | 200',
  'POST /actions/:id': '403 | 403 | 403 | 303 | 303',
  'GET /bodies': '303 | 200 | 200 | 200 | 200',
  'GET /bodies/:body': '303 | 200 | 200 | 200 | 200',
  'POST /bodies/:body/leads': '403 | 403 | 403 | 422 | 422',
  'POST /meetings/:id/conclusions': '403 | 403 | 403 | 422 | 422',
  'POST /conclusions/:id/actions': '403 | 403 | 403 | 422 | 422',
  'GET /topics': '303 | 200 | 200 | 200 | 200',
  'GET /topics/new': '303 | 200 | 200 | 200 | 200',
  'POST /topics/new': '403 | 422 | 422 | 422 | 422',
  'GET /topics/:id/edit': '303 | 200 | 200 | 200 | 200',
  'POST /topics/:id/edit': '403 | 403 | 403 | 303 | 303',
  'GET /topics/:id': '303 | 200 | 200 | 200 | 200',
  'POST /topics/:id/transitions': '403 | 403 | 403 | 303 | 303',
  'POST /topics/:id/merge': '403 | 403 | 403 | 409 | 409',
  'POST /topics/:id/split': '403 | 403 | 403 | 303 | 303',
  'POST /topics/:id/supports': '403 | 303 | 403 | 403 | 403',
  'POST /topics/:id/supports/withdraw': '403 | 303 | 403 | 403 | 403',
  'GET /priorities': '303 | 200 | 200 | 200 | 200',
  'POST /priorities': '403 | 403 | 403 | 422 | 422',
  'GET /priorities/:id/edit': '303 | 403 | 403 | 200 | 200',
  'POST /priorities/:id/edit': '403 | 403 | 403 | 422 | 422',
  'POST /priorities/:id/archive': '403 | 403 | 403 | 303 | 303',
  'GET /admin/topic-lifecycle': '303 | 403 | 403 | 403 | 200',
  'POST /admin/topic-lifecycle': '403 | 403 | 403 | 403 | 303',
  'GET /api/v1/topics': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/topics': '401 | 201 422 | 201 422 | 201 | 201',
  'GET /api/v1/topics/:id': '401 | 200 | 200 | 200 | 200',
  'PUT /api/v1/topics/:id': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/topics/:id/timeline': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/topics/:id/transitions': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/topics/:id/merge': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/topics/:id/split': '401 | 403 | 403 | 201 | 201',
  'POST /api/v1/topics/:id/supports': '401 | 200 403 | 200 403 | 403 | 403',
  'DELETE /api/v1/topics/:id/supports': '401 | 200 403 | 200 403 | 403 | 403',
  'GET /api/v1/topic-lifecycle': '401 | 200 | 200 | 200 | 200',
  'PUT /api/v1/topic-lifecycle': '401 | 403 | 403 | 403 | 200',
  'GET /api/v1/priorities': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/priorities': '401 | 403 | 403 | 201 | 201',
  'PUT /api/v1/priorities/:id': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/priorities/:id/archive': '401 | 403 | 403 | 204 | 204',
  'GET /api/v1/meetings/:id/agendas': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/meetings/:id/agenda-candidates': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/meetings/:id/agenda/edits': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/meetings/:id/agenda/publish': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/meetings/:id/agendas/diff': '422 | 422 | 422 | 422 | 422',
  'GET /api/v1/topic-score-weights': '401 | 200 | 200 | 200 | 200',
  'PUT /api/v1/topic-score-weights': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/meetings/:id/conclusions': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/meetings/:id/conclusions': '401 | 403 | 403 | 201 | 201',
  'POST /api/v1/conclusions/:id/actions': '401 | 403 | 403 | 201 | 201',
  'GET /actions': '303 | 200 | 200 | 200 | 200',
  'GET /conclusions/:id/actions/new': '303 | 403 | 403 | 200 | 200',
  'GET /api/v1/actions': '401 | 200 | 200 | 200 | 200',
  'GET /api/v1/actions/:id': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/actions/:id/updates': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/bodies': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/bodies/:body/leads': '401 | 403 | 403 | 204 | 204',
  'DELETE /api/v1/bodies/:body/leads': '401 | 403 | 403 | 204 | 204',
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
  'POST /plan/actions': '403 | 403 | 403 | 303 | 303',
  'GET /plan/indicators': '303 | 200 | 200 | 200 | 200',
  'POST /plan/indicators': '403 | 403 | 403 | 303 | 303',
  'POST /plan/indicators/:code/target': '403 | 403 | 403 | 200 | 200',
  'POST /plan/indicators/:code/measurements': '403 | 403 | 403 | 303 | 303',
  'GET /plan/scorecard': '303 | 200 | 200 | 200 | 200',
  'POST /plan/scorecard/:clause': '403 | 403 | 403 | 303 | 303',
  'GET /api/v1/plan': '401 | 200 | 200 | 200 | 200',
  'PATCH /api/v1/plan/items/:code': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/plan/indicators': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/plan/indicators/:code/measurements': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/plan/scorecard': '401 | 200 | 200 | 200 | 200',
  'GET /api/v1/plan/circulars': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/plan/circulars/:id/feedback': '401 | 403 | 403 | 201 | 201',
  'POST /api/v1/plan/indicators': '401 | 403 | 403 | 201 | 201',
  'PUT /api/v1/plan/indicators/:code/target': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/plan/actions': '401 | 403 | 403 | 201 | 201',
  'PATCH /api/v1/plan/actions/:code': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/plan/versions': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/plan/versions': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/plan/versions/compare': '401 | 422 | 422 | 422 | 422',
  'POST /api/v1/plan/circulars': '401 | 403 | 403 | 201 | 201',
  'POST /api/v1/plan/circulars/:id/send': '401 | 403 | 403 | 200 | 200',
  // structure
  'GET /structure': '200 | 200 | 200 | 200 | 200',
  'POST /structure/bodies': '403 | 403 | 403 | 403 | 303',
  'GET /structure/bodies/:id': '200 | 200 | 200 | 200 | 200',
  'POST /structure/bodies/:id': '403 | 403 | 403 | 403 | 303',
  'POST /structure/bodies/:id/names': '403 | 403 | 403 | 403 | 303',
  'GET /api/v1/structure/sectors': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/structure/sectors': '401 | 403 | 403 | 403 | 201',
  'PUT /api/v1/structure/sectors/:id': '401 | 403 | 403 | 403 | 200',
  'GET /api/v1/structure/bodies': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/structure/bodies/:id': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/structure/bodies': '401 | 403 | 403 | 403 | 201',
  'PUT /api/v1/structure/bodies/:id': '401 | 403 | 403 | 403 | 200',
  'POST /api/v1/structure/bodies/:id/names': '401 | 403 | 403 | 403 | 200',
  // analytics
  'GET /analytics': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/metrics/meetings': '200 | 200 | 200 | 200 | 200',
  'POST /api/v1/reports': '401 | 403 | 403 | 202 | 202',
  'GET /api/v1/reports/jobs/:id': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/reports/issued': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/reports/issued/:id': '401 | 403 | 403 | 200 | 200',
  // Industry Advisory Panel (signed-in readers; staff writers; the API's member added and ended first: 409)
  'GET /panels': '303 | 200 | 200 | 200 | 200',
  'GET /panels/new': '303 | 403 | 403 | 200 | 200',
  'POST /panels': '403 | 403 | 403 | 303 | 303',
  'GET /panels/:id/edit': '303 | 403 | 403 | 200 | 200',
  'POST /panels/:id': '403 | 403 | 403 | 303 | 303',
  'GET /panels/:id': '303 | 200 | 200 | 200 | 200',
  'POST /panels/:id/members': '403 | 403 | 403 | 409 | 409',
  'POST /panels/:id/members/:memberId/end': '403 | 403 | 403 | 409 | 409',
  'POST /panels/:id/advice': '403 | 403 | 403 | 303 | 303',
  'GET /panels/:id/advice/:adviceId': '303 | 200 | 200 | 200 | 200',
  'POST /panels/:id/advice/:adviceId/status': '403 | 403 | 403 | 303 | 303',
  'POST /panels/:id/advice/:adviceId': '403 | 403 | 403 | 303 | 303',
  'GET /api/v1/panels': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/panels': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/panels/:id': '401 | 200 | 200 | 200 | 200',
  'PUT /api/v1/panels/:id': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/panels/:id/members': '401 | 403 | 403 | 201 | 201',
  'POST /api/v1/panels/:id/members/:memberId/end': '401 | 403 | 403 | 200 | 200',
  'GET /api/v1/panels/:id/advice': '401 | 200 | 200 | 200 | 200',
  'POST /api/v1/panels/:id/advice': '401 | 403 | 403 | 201 | 201',
  'GET /api/v1/panels/:id/advice/:adviceId': '401 | 200 | 200 | 200 | 200',
  'PUT /api/v1/panels/:id/advice/:adviceId': '401 | 403 | 403 | 200 | 200',
  'POST /api/v1/panels/:id/advice/:adviceId/status': '401 | 403 | 403 | 200 | 200',
  'GET /union': '200 | 200 | 200 | 200 | 200',
  'GET /api/v1/union': '200 | 200 | 200 | 200 | 200',
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
    structure: ['structure', 'panels', 'union'],
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
  // The focal point of X speaks for the government of X, not of Y; the others' organizations are A and B.
  const org = column === 'fpX' ? pick(w.stateX.id, w.stateY.id) : pick(w.orgA.id, w.orgB.id)
  const hidden =
    column === 'fpX' ? pick(w.stateXPerson.id, w.stateYPerson.id) : pick(w.hiddenA.id, w.hiddenB.id)
  // A new person belongs to an organization, named in the query.
  const query = pattern === '/people/new' ? `?organizationId=${org}` : ''
  return `${pattern.replace(/:(\w+)/g, (_, name: string) => {
    const before = pattern.slice(0, pattern.indexOf(`:${name}`))
    const segment = before.split('/').at(-2) ?? ''
    switch (`${segment}:${name}`) {
      case 'organizations:id':
        return org
      case 'people:id':
        // An erased person is gone for the writes after it: the erasure takes one of its own.
        return pattern.endsWith('/erase') ? pick(w.personA.id, w.personB.id) : hidden
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
        // A merge closes the topic it is sent to: a duplicate, so that the topic stays usable.
        return pattern.endsWith('/merge') ? w.spareTopic : w.topic
      case 'actions:id':
        return w.action
      case 'conclusions:id':
        return w.conclusion
      case 'priorities:id':
        return w.priority
      case 'bodies:body':
        return 'SG13'
      case 'sectors:id':
        return w.sector
      case 'bodies:id':
        return w.orgBody
      case 'panels:id':
        return w.panel
      case 'members:memberId':
        return w.panelMember
      case 'advice:adviceId':
        return w.panelAdvice
      case 'items:code':
        return w.planItem
      case 'actions:code':
        return w.planAction
      case 'indicators:code':
        return pattern.endsWith('/measurements') ? w.manualIndicator : w.indicator
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

/**
 * What a body builder knows: the world, the resolved path, the role's own object or another's, and the
 * organization (with one of its people) the role speaks for or not: A or B; for the focal point of X, the
 * government of X or of Y.
 */
type Party = { org: World['orgA']; person: World['personA'] }
type Ask = { w: World; path: string; pick: <T>(own: T, other: T) => T; party: () => Party }
/** A CSV file for the import, sent as text/csv. */
class Csv {
  constructor(readonly text: string) {}
}
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

/** The current state of an object, read through the API as the world's secretariat (versions, drafts). */
async function read<T = Record<string, unknown>>(w: World, path: string): Promise<T> {
  const res = await h.request(path, { as: w.users.secretariat })
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`)
  return (await res.json()) as T
}
const versionOf = async (w: World, path: string) => (await read<{ version: number }>(w, path)).version
const idAfter = (path: string, segment: string) => path.split('/')[path.split('/').indexOf(segment) + 1]!
const soon = (days: number) => new Date(Date.now() + days * 86400_000).toISOString()

function meetingInput(groupId?: string) {
  return {
    ...(groupId ? { groupId } : {}),
    kind: 'workshop',
    titles: { en: unique('Workshop') },
    startsAt: '2027-03-01T09:00',
    endsAt: '2027-03-01T17:00',
    timeZone: 'UTC',
    format: 'online',
    seniorityPolicy: 'open',
  }
}

/** The meeting's next status allowed from where it is now, with its version. */
async function meetingMove(w: World, id: string) {
  const m = await read<{ status: MeetingStatus; version: number }>(w, `/api/v1/meetings/${id}`)
  return { status: TRANSITIONS[m.status][0]!, version: m.version }
}

/**
 * A valid body for every API write that takes one, built from the role's world: the right ids, the current
 * versions. Own and other differ where the body names the object (an organization, a person).
 */
const BODIES: Record<string, (a: Ask) => unknown> = {
  // auth
  'POST /api/v1/tokens': () => ({ name: 'matrix', scope: 'read', days: 30 }),
  'POST /api/v1/users': () => ({ email: `${unique('invitee')}@example.org`, name: 'Invitee', grants: [] }),
  'POST /api/v1/users/:id/roles': () => ({ role: 'focal_point', countryCode: COUNTRY_Y }),
  'POST /api/v1/users/:id/status': () => ({ status: 'disabled' }),
  // directory
  'PATCH /api/v1/countries/:code': () => ({ developmentStatus: 'developing' }),
  'POST /api/v1/organizations': () => ({ name: unique('Org'), category: 'sector_member', countryCode: 'KE' }),
  'PUT /api/v1/organizations/:id': ({ party }) => {
    const { org } = party()
    return {
      name: org.name,
      category: org.category,
      countryCode: org.country_code,
      website: 'https://a.example',
    }
  },
  'POST /api/v1/people': ({ party }) => ({
    organizationId: party().org.id,
    name: unique('Person'),
    seniority: 'expert',
  }),
  'PUT /api/v1/people/:id': ({ party }) => ({
    organizationId: party().org.id,
    name: unique('Renamed'),
    seniority: 'expert',
  }),
  'POST /api/v1/groups': () => ({ kind: 'cto_group', names: { en: unique('Group') } }),
  'PUT /api/v1/groups/:id': () => ({ kind: 'cto_group', names: { en: unique('Group') } }),
  'POST /api/v1/groups/:id/memberships': ({ w }) => ({ organizationId: w.orgC.id, startDate: '2026-01-01' }),
  // On the day the membership began: a correction in place.
  'POST /api/v1/memberships/:id/change': ({ w, pick }) => ({
    principalPersonId: pick(w.personA.id, w.personB.id),
    effectiveDate: '2020-01-01',
  }),
  'POST /api/v1/memberships/:id/end': () => ({ endDate: '2026-06-30' }),
  'POST /api/v1/import/:kind': () =>
    new Csv(
      `name,category,country,sme,segment,website\r\n${unique('Imported')},sector_member,KE,false,,\r\n`,
    ),
  // meetings
  'POST /api/v1/meetings': () => meetingInput(),
  'PUT /api/v1/meetings/:id': async ({ w, path }) => ({
    ...meetingInput(w.group.id),
    version: await versionOf(w, `/api/v1/meetings/${idAfter(path, 'meetings')}`),
  }),
  'POST /api/v1/meetings/:id/status': ({ w, path }) => meetingMove(w, idAfter(path, 'meetings')),
  'POST /api/v1/meetings/:id/invitations': ({ party }) => ({ organizationId: party().org.id }),
  'POST /api/v1/invitations/:id/response': () => ({ state: 'accepted' }),
  'POST /api/v1/meetings/:id/registrations': ({ party }) => ({
    personId: party().person.id,
    participation: 'onsite',
  }),
  'POST /api/v1/meetings/:id/attendance': ({ party }) => ({
    organizationId: party().org.id,
    personId: party().person.id,
    attendedAs: 'principal',
    capturedBy: 'list',
  }),
  'POST /api/v1/meetings/:id/sessions': () => ({ titles: { en: 'Day two' } }),
  'POST /api/v1/meetings/:id/documents': () => {
    const form = new FormData()
    form.set('kind', 'presentation')
    form.set('title', 'Slides')
    form.set('file', new File([PDF], 'slides.pdf'))
    return form
  },
  'POST /api/v1/meetings/:id/minutes': () => ({ body: 'The meeting opened.', baseRevision: 0 }),
  // consultations
  'POST /api/v1/consultations': ({ w }) => ({
    titles: { en: unique('Consultation') },
    purpose: 'general',
    audience: { kind: 'countries', countries: [COUNTRY_X] },
    meetingId: w.upcoming.id,
    opensAt: soon(1),
    closesAt: soon(10),
    confidentiality: 'secretariat',
    questionnaire,
  }),
  // An open consultation keeps its audience, purpose and opening: the same, with a new title.
  'PUT /api/v1/consultations/:id': async ({ w, path }) => {
    const c = await read(w, `/api/v1/consultations/${idAfter(path, 'consultations')}`)
    return {
      titles: { en: unique('Renamed') },
      ...Object.fromEntries(
        ['purpose', 'meetingId', 'audience', 'opensAt', 'closesAt', 'confidentiality', 'questionnaire'].map(
          (k) => [k, c[k]],
        ),
      ),
    }
  },
  'PUT /api/v1/consultations/:id/questionnaire': () => questionnaire,
  'PUT /api/v1/consultations/:id/responses/:targetId': () => ({
    answers: { priority: 'connect', detail: 'Amended' },
    submit: true,
  }),
  // topics
  'POST /api/v1/topics': ({ party }) => ({
    titles: { en: unique('Topic') },
    proposedByOrganizationId: party().org.id,
  }),
  'PUT /api/v1/topics/:id': async ({ w }) => ({
    titles: { en: unique('Renamed') },
    version: await versionOf(w, `/api/v1/topics/${w.topic}`),
  }),
  'POST /api/v1/topics/:id/transitions': async ({ w }) => {
    const t = await read<{ version: number; allowedTransitions: string[] }>(w, `/api/v1/topics/${w.topic}`)
    return { to: t.allowedTransitions[0], reason: 'Ready', version: t.version }
  },
  'POST /api/v1/topics/:id/merge': ({ w }) => ({ intoId: w.topic, reason: 'Duplicate' }),
  'POST /api/v1/topics/:id/split': () => ({ titles: { en: 'A part' }, reason: 'Too broad' }),
  'POST /api/v1/topics/:id/supports': ({ party }) => ({ organizationId: party().org.id }),
  'DELETE /api/v1/topics/:id/supports': ({ party }) => ({ organizationId: party().org.id }),
  'PUT /api/v1/topic-lifecycle': ({ w }) => read(w, '/api/v1/topic-lifecycle'),
  'POST /api/v1/priorities': () => ({
    titles: { en: unique('Priority') },
    kind: 'emerging_technology',
    weight: 10,
    periodStart: '2026-01-01',
  }),
  'PUT /api/v1/priorities/:id': () => ({
    titles: { en: unique('Priority') },
    kind: 'strategic_priority',
    weight: 20,
    periodStart: '2025-01-01',
  }),
  'POST /api/v1/meetings/:id/agenda/edits': () => ({
    kind: 'add_free',
    titles: { en: 'Any other business' },
  }),
  'POST /api/v1/meetings/:id/agenda/publish': async ({ w, path }) => {
    const { draft } = await read<{ draft: { lockVersion: number } | null }>(
      w,
      `/api/v1/meetings/${idAfter(path, 'meetings')}/agendas`,
    )
    return { lockVersion: draft?.lockVersion ?? 1 }
  },
  'PUT /api/v1/topic-score-weights': ({ w }) => read(w, '/api/v1/topic-score-weights'),
  'POST /api/v1/meetings/:id/conclusions': () => ({ texts: { en: 'Welcomed.' }, type: 'observation' }),
  'POST /api/v1/conclusions/:id/actions': ({ w }) => ({
    what: { en: 'Report back' },
    ownerBody: 'SG13',
    responsibleUserId: w.users.secretariat.userId,
    dueDate: soon(60).slice(0, 10),
  }),
  'POST /api/v1/actions/:id/updates': async ({ w }) => ({
    status: 'in_progress',
    note: 'Started',
    version: await versionOf(w, `/api/v1/actions/${w.action}`),
  }),
  'POST /api/v1/bodies/:body/leads': ({ w }) => ({ email: w.users.repB.email }),
  'DELETE /api/v1/bodies/:body/leads': ({ w }) => ({ email: w.users.repB.email }),
  // plan
  'PATCH /api/v1/plan/items/:code': async ({ w }) => {
    const plan = await read<{ items: { code: string; version: number }[] }>(w, '/api/v1/plan')
    return { version: plan.items.find((i) => i.code === w.planItem)!.version, progress: 10 }
  },
  'POST /api/v1/plan/indicators/:code/measurements': () => ({
    measuredOn: '2026-01-15',
    value: 3,
    source: 'Count',
  }),
  'POST /api/v1/plan/circulars/:id/feedback': () => ({
    fromKind: 'regional_group',
    fromLabel: 'Africa',
    receivedOn: '2026-03-10',
    summary: 'Supportive',
  }),
  'POST /api/v1/plan/indicators': () => ({
    code: `matrix_${unique('').replace(/\W/g, '_').toLowerCase()}`,
    name: 'Workshops held',
    unit: 'count',
    direction: 'increase',
  }),
  'PUT /api/v1/plan/indicators/:code/target': async ({ w }) => {
    const indicators = await read<{ code: string; version: number }[]>(w, '/api/v1/plan/indicators')
    return {
      version: indicators.find((i) => i.code === w.indicator)!.version,
      targetValue: 10,
      targetDate: '2027-12-31',
    }
  },
  'POST /api/v1/plan/actions': () => ({ code: unique('MX'), point: 'A point', action: 'An action' }),
  'PATCH /api/v1/plan/actions/:code': async ({ w }) => {
    const plan = await read<{ actions: { code: string; version: number }[] }>(w, '/api/v1/plan')
    return {
      version: plan.actions.find((a) => a.code === w.planAction)!.version,
      status: 'in_progress',
      progress: 10,
    }
  },
  'POST /api/v1/panels': () => ({
    code: unique('IAP').slice(-30),
    names: { en: 'Another Panel' },
    termStartsOn: '2026-01-01',
    termEndsOn: '2028-12-31',
  }),
  'PUT /api/v1/panels/:id': async ({ w }) => {
    const p = await read<{ code: string; termStartsOn: string; termEndsOn: string; version: number }>(
      w,
      `/api/v1/panels/${w.panel}`,
    )
    return {
      code: p.code,
      names: { en: 'Renamed Panel' },
      termStartsOn: p.termStartsOn,
      termEndsOn: p.termEndsOn,
      version: p.version,
    }
  },
  'POST /api/v1/panels/:id/members': ({ w }) => ({
    personId: w.personB.id,
    role: 'principal',
    startsOn: new Date().toISOString().slice(0, 10),
  }),
  'POST /api/v1/panels/:id/members/:memberId/end': async ({ w }) => {
    const p = await read<{ members: { id: string; version: number }[] }>(w, `/api/v1/panels/${w.panel}`)
    return {
      endsOn: new Date().toISOString().slice(0, 10),
      version: p.members.find((m) => m.id === w.panelMember)!.version,
    }
  },
  'POST /api/v1/panels/:id/advice': () => ({
    givenOn: new Date().toISOString().slice(0, 10),
    advice: { en: 'Hold a workshop on open source.' },
    addressedTo: 'Council',
  }),
  'PUT /api/v1/panels/:id/advice/:adviceId': async ({ w }) => {
    const a = await read<{ givenOn: string; version: number }>(
      w,
      `/api/v1/panels/${w.panel}/advice/${w.panelAdvice}`,
    )
    return {
      givenOn: a.givenOn,
      advice: { en: 'Open the study groups to start-ups, soon.' },
      addressedTo: 'TSAG',
      version: a.version,
    }
  },
  'POST /api/v1/panels/:id/advice/:adviceId/status': async ({ w }) => {
    const a = await read<{ version: number }>(w, `/api/v1/panels/${w.panel}/advice/${w.panelAdvice}`)
    return { status: 'under_consideration', note: 'TSAG takes it up.', version: a.version }
  },
  'POST /api/v1/reports': () => ({ kind: 'follow-up', from: '2025-01-01', to: '2025-12-31', lang: 'en' }),
  'POST /api/v1/plan/versions': () => ({ code: unique('v'), title: 'Next version' }),
  // structure
  'POST /api/v1/structure/sectors': () => ({
    code: unique('S')
      .slice(-20)
      .replace(/[^A-Za-z0-9-]/g, '-'),
    names: { en: 'A sector' },
  }),
  'PUT /api/v1/structure/sectors/:id': async ({ w }) => {
    const sectors = await read<{ id: string; code: string; names: object; position: number }[]>(
      w,
      '/api/v1/structure/sectors',
    )
    const { code, names, position } = sectors.find((s) => s.id === w.sector)!
    return { code, names, position }
  },
  'POST /api/v1/structure/bodies': ({ w }) => ({
    sectorId: w.sector,
    kind: 'focus_group',
    code: unique('FG').slice(-30),
    names: { en: 'A focus group' },
    startsOn: '2026-01-01',
  }),
  'PUT /api/v1/structure/bodies/:id': async ({ w }) => {
    const b = await read<{
      startsOn: string
      endsOn: string | null
      parentId: string | null
      version: number
    }>(w, `/api/v1/structure/bodies/${w.orgBody}`)
    return { startsOn: b.startsOn, endsOn: b.endsOn, parentId: b.parentId, version: b.version }
  },
  'POST /api/v1/structure/bodies/:id/names': () => ({
    validFrom: '2026-07-01',
    code: unique('N').slice(-30),
    names: { en: 'A new name' },
  }),
  'POST /api/v1/plan/circulars': () => ({
    number: unique('C'),
    issuedOn: '2026-03-02',
    subject: 'Survey',
    audience: 'sector_members',
  }),
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
  const owners: [string, string][] = [
    [w.orgB.id, w.orgB.id],
    [w.hiddenB.id, w.orgB.id],
    [w.stateX.id, w.stateX.id],
    [w.stateXPerson.id, w.stateX.id],
    [w.stateY.id, w.stateY.id],
    [w.stateYPerson.id, w.stateY.id],
  ]
  const organizationId = owners.find(([id]) => path.includes(id))?.[1] ?? w.orgA.id
  return { meetingId: w.upcoming.id, organizationId }
}

/**
 * Valid fields for the page forms that a role which may not use them would otherwise fail at 422 (before
 * the permission is checked), in the same shapes as BODIES ("titles.en" for nested fields).
 */
type Form = Record<string, string> | URLSearchParams | FormData
const FORMS: Record<string, (a: Ask) => Form | Promise<Form>> = {
  // directory
  'POST /organizations/new': () => ({ name: unique('Org'), category: 'sector_member', countryCode: 'KE' }),
  'POST /organizations/:id/edit': ({ party }) => {
    const { org } = party()
    return { name: org.name, category: org.category, countryCode: org.country_code }
  },
  'POST /people/new': ({ party }) => ({
    organizationId: party().org.id,
    name: unique('Person'),
    seniority: 'expert',
  }),
  'POST /people/:id/edit': ({ party }) => ({
    organizationId: party().org.id,
    name: unique('Renamed'),
    seniority: 'expert',
  }),
  'POST /groups/new': () => ({ kind: 'cto_group', 'names.en': unique('Group') }),
  'POST /groups/:id/edit': () => ({ kind: 'cto_group', 'names.en': unique('Group') }),
  'POST /groups/:id/memberships': ({ w }) => ({ organizationId: w.orgC.id, startDate: '2026-01-01' }),
  'POST /groups/:id/memberships/:mid/change': ({ w, pick }) => ({
    principalPersonId: pick(w.personA.id, w.personB.id),
    effectiveDate: '2020-01-01',
  }),
  'POST /groups/:id/memberships/:mid/end': () => ({ endDate: '2026-06-30' }),
  // meetings
  'POST /meetings/new': () => flat(meetingInput()),
  'POST /meetings/:id/edit': async ({ w, path }) => ({
    ...flat(meetingInput(w.group.id)),
    version: String(await versionOf(w, `/api/v1/meetings/${idAfter(path, 'meetings')}`)),
  }),
  'POST /meetings/:id/status': async ({ w, path }) => flat(await meetingMove(w, idAfter(path, 'meetings'))),
  'POST /meetings/:id/register': ({ w, pick }) => ({
    personId: pick(w.hiddenA.id, w.hiddenB.id),
    participation: 'remote',
  }),
  'POST /meetings/:id/attendance': ({ w, pick }) => ({
    personId: pick(`${w.orgA.id}:${w.hiddenA.id}`, `${w.orgB.id}:${w.hiddenB.id}`),
    attendedAs: 'alternate',
    capturedBy: 'list',
  }),
  'POST /invitations/:id/respond': () => ({ state: 'declined' }),
  'POST /meetings/:id/sessions': () => ({ 'titles.en': 'Day three' }),
  'POST /meetings/:id/documents': (a) => BODIES['POST /api/v1/meetings/:id/documents']!(a) as FormData,
  'POST /meetings/:id/minutes': async ({ w, path }) => {
    const id = idAfter(path, 'meetings')
    const res = await h.request(`/api/v1/meetings/${id}/minutes`, { as: w.users.secretariat })
    const revision = ((await res.json()) as { revision: number } | null)?.revision ?? 0
    return { body: 'The meeting closed.', baseRevision: String(revision) }
  },
  // topics
  'POST /topics/:id/edit': async ({ w }) => ({
    'titles.en': unique('Renamed'),
    version: String(await versionOf(w, `/api/v1/topics/${w.topic}`)),
  }),
  'POST /topics/:id/transitions': async ({ w }) => {
    const t = await read<{ version: number; allowedTransitions: string[] }>(w, `/api/v1/topics/${w.topic}`)
    return { to: t.allowedTransitions[0]!, reason: 'Ready', version: String(t.version) }
  },
  'POST /topics/:id/merge': ({ w }) => ({ intoId: w.topic, reason: 'Duplicate' }),
  'POST /topics/:id/split': () => ({ 'titles.en': 'Another part', reason: 'Too broad' }),
  // The lifecycle is everyone's: an empty form would leave no move allowed for the worlds after it.
  'POST /admin/topic-lifecycle': async ({ w }) => {
    const { rules } = await read<{ rules: { from: string; to: string }[] }>(w, '/api/v1/topic-lifecycle')
    return new URLSearchParams(rules.map((r): [string, string] => ['rule', `${r.from}>${r.to}`]))
  },
  // structure
  'POST /structure/bodies': async (a) => flat((await BODIES['POST /api/v1/structure/bodies']!(a)) as object),
  'POST /panels': async (a) => flat((await BODIES['POST /api/v1/panels']!(a)) as object),
  'POST /panels/:id': async (a) => flat((await BODIES['PUT /api/v1/panels/:id']!(a)) as object),
  'POST /panels/:id/members': async (a) =>
    flat((await BODIES['POST /api/v1/panels/:id/members']!(a)) as object),
  'POST /panels/:id/members/:memberId/end': async (a) =>
    flat((await BODIES['POST /api/v1/panels/:id/members/:memberId/end']!(a)) as object),
  // A whole form: formFor's meeting is not the Panel's.
  'POST /panels/:id/advice': async (a) =>
    new URLSearchParams(flat((await BODIES['POST /api/v1/panels/:id/advice']!(a)) as object)),
  // A whole form: formFor's meeting is not the Panel's.
  'POST /panels/:id/advice/:adviceId': async (a) =>
    new URLSearchParams(flat((await BODIES['PUT /api/v1/panels/:id/advice/:adviceId']!(a)) as object)),
  'POST /panels/:id/advice/:adviceId/status': async (a) =>
    flat((await BODIES['POST /api/v1/panels/:id/advice/:adviceId/status']!(a)) as object),
  'POST /structure/bodies/:id': async (a) =>
    flat((await BODIES['PUT /api/v1/structure/bodies/:id']!(a)) as Record<string, unknown>),
  'POST /structure/bodies/:id/names': async (a) => ({
    ...flat((await BODIES['POST /api/v1/structure/bodies/:id/names']!(a)) as object),
    validFrom: '2026-08-01',
  }),
  // plan
  'POST /plan/actions': async (a) => flat((await BODIES['POST /api/v1/plan/actions']!(a)) as object),
  'POST /plan/indicators': async (a) => flat((await BODIES['POST /api/v1/plan/indicators']!(a)) as object),
  // Another day than the API's measurement of the same indicator.
  'POST /plan/indicators/:code/measurements': () => ({
    measuredOn: '2026-02-15',
    value: '4',
    source: 'Count',
  }),
  'POST /plan/scorecard/:clause': async ({ w, path }) => {
    const clauses = await read<{ clause: string; met: number; partly: number }[]>(w, '/api/v1/plan/scorecard')
    const { met, partly } = clauses.find((c) => c.clause === path.split('?')[0]!.split('/').at(-1))!
    return { met: String(met), partly: String(partly) }
  },
  'POST /actions/:id': async ({ w }) => ({
    status: 'done',
    note: 'Finished',
    version: String(await versionOf(w, `/api/v1/actions/${w.action}`)),
  }),
}

/** Form fields from a JSON-like body: nested objects as "titles.en". */
function flat(o: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(o).flatMap(([k, v]) =>
      v === null
        ? []
        : typeof v === 'object'
          ? Object.entries(flat(v as Record<string, unknown>, `${prefix}${k}.`))
          : [[`${prefix}${k}`, String(v)]],
    ),
  )
}

/**
 * The request body of a write: BODIES' for an API route (none for one without a body), formFor's for a page;
 * and whether it names the role's own object, so that another's must be tried too.
 */
async function bodyFor(
  w: World,
  route: string,
  path: string,
  column: Column,
  side: Side,
): Promise<{ body: unknown; picks: boolean }> {
  const other = side === 'other' && TWO_SIDED.includes(column)
  let picks = false
  const pick = <T>(own: T, theirs: T): T => {
    picks = true
    return other ? theirs : own
  }
  const party = () =>
    column === 'fpX'
      ? pick({ org: w.stateX, person: w.stateXPerson }, { org: w.stateY, person: w.stateYPerson })
      : pick({ org: w.orgA, person: w.personA }, { org: w.orgB, person: w.personB })
  if (!path.startsWith('/api/')) {
    const form = await FORMS[route]?.({ w, path, pick, party })
    const whole = form instanceof URLSearchParams || form instanceof FormData
    return { body: whole ? form : { ...formFor(w, path), ...form }, picks }
  }
  const build = BODIES[route]
  return { body: build ? await build({ w, path, pick, party }) : undefined, picks }
}

/** A multipart form carries its CSRF token as a field, like the browser's. */
function withCsrf(form: FormData, as: TestUser | undefined): FormData {
  if (as) form.set('_csrf', as.csrf)
  return form
}

async function send(
  w: World,
  method: string,
  path: string,
  column: Column,
  body?: unknown,
  /** Another user in the column's place (the Sector-limited secretariat). */
  instead?: TestUser,
): Promise<number> {
  const user = instead ?? userOf(w, column)
  if (method === 'GET') return (await h.request(path, user ? { as: user } : {})).status
  const as = user && (await freshSession(user))
  const init = { method, ...(as ? { as } : {}) }
  const res = !path.startsWith('/api/')
    ? body instanceof URLSearchParams
      ? // Repeated fields: sent as they are, with the CSRF token a form carries.
        await h.request(path, {
          ...init,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams([...body, ...(as ? [['_csrf', as.csrf] as [string, string]] : [])]),
        })
      : body instanceof FormData
        ? await h.request(path, { ...init, body: withCsrf(body, as) })
        : await h.request(path, { ...init, form: body as Record<string, string> })
    : body instanceof Csv
      ? await h.request(path, { ...init, headers: { 'Content-Type': 'text/csv' }, body: body.text })
      : body instanceof FormData
        ? await h.request(path, { ...init, body })
        : body === undefined
          ? await h.request(path, init)
          : await h.request(path, { ...init, json: body })
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
  // An API write that takes a body must get a valid one, or validation would answer for the permission.
  const doc = (await (await h.request('/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, { requestBody?: unknown }>>
  }
  // (A route without an expectation yet is reported below, with the statuses it gets.)
  const withBodies = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => op.requestBody)
      .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  )
  assert.ok(withBodies.length > 50, `found ${withBodies.length} API writes with a body`)
  assert.deepEqual(
    withBodies.filter((r) => r in EXPECTED && !(r in BODIES)),
    [],
    'API writes without a valid body in BODIES',
  )
  assert.deepEqual(
    Object.keys(BODIES).filter((r) => !withBodies.includes(r)),
    [],
    'bodies for API routes that take none',
  )

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
      const write = method === 'GET' ? undefined : await bodyFor(w, route, own, column, 'own')
      const ownStatus = await send(w, method, own, column, write?.body)
      // The other side is a request of its own when its path or its body names another's object.
      const same = other === own && !(write?.picks && TWO_SIDED.includes(column))
      const otherStatus = same
        ? ownStatus
        : await send(w, method, other, column, (await bodyFor(w, route, other, column, 'other')).body)
      checks += same ? 1 : 2
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

/**
 * The records that carry a Sector (issue 11), by the path segments that name them: a change to one of another
 * Sector (the world's are ITU-T's or Union-wide) is refused to a secretariat limited to ITU-R.
 */
const SECTOR_RECORD =
  /\/(meetings|consultations|topics|actions|conclusions|invitations|registrations|attendance|sessions|documents|panels)\/:|\/plan\/(items|actions|indicators|pillars|milestones|bulk)|\/reports\/(jobs|issued)\/:/
/** The Union-wide settings (strategic priorities, score weights, scorecard thresholds): not a Sector's either. */
const UNION_SETTING = /\/(priorities|score-weights|topic-score-weights|scorecard)(\/|$)/
/** Pages that only serve to change such a record (its edit form, the agenda builder). */
const CHANGE_FORM = /\/(edit|builder)$/

const LIMITED_EXCEPTIONS: Record<string, { status: number; why: string }> = {
  'POST /account/two-factor': {
    status: 422,
    why: 'the user’s own account: the limited user has no password yet, the secretariat’s is wrong (not a Sector matter)',
  },
}

test('a secretariat limited to another Sector reads as the secretariat does, and is refused every change to a record of another Sector', async () => {
  const routes = routeList().filter((r) => r in EXPECTED)
  const w = await plantWorld(h)
  const itur = await h.db
    .selectFrom('sector')
    .select('id')
    .where('code', '=', 'ITU-R')
    .executeTakeFirstOrThrow()
  const limited = await h.user([{ role: 'secretariat', sectorId: itur.id }])
  const order = [...routes]
    .reverse()
    .sort((a, b) => Number(b.startsWith('GET ')) - Number(a.startsWith('GET ')))
  const differences: string[] = []
  let refused = 0
  for (const route of order) {
    const [method, pattern] = route.split(' ') as [string, string]
    const resolved = resolve(w, pattern, 'secretariat', 'own')
    // The plan a limited user works on is their own Sector's: the world's plan (ITU-T's) is named.
    const path = /\/plan(\/|$)/.test(pattern)
      ? `${resolved}${resolved.includes('?') ? '&' : '?'}sector=ITU-T`
      : resolved
    const write = method === 'GET' ? undefined : await bodyFor(w, route, path, 'secretariat', 'own')
    const status = await send(w, method, path, 'secretariat', write?.body, limited)
    const secretariat = parse(EXPECTED[route]!).secretariat.own
    // A change (or the form that makes it) to a record of another Sector never succeeds: where the
    // secretariat's succeeds, the answer is 403; where the secretariat's fails on its own (a form that does
    // not validate at the edge, an object an earlier write removed, a state), that failure or 403.
    const scoped =
      (SECTOR_RECORD.test(pattern) && (method !== 'GET' || CHANGE_FORM.test(pattern))) ||
      (UNION_SETTING.test(pattern) && method !== 'GET')
    const exception = LIMITED_EXCEPTIONS[route]
    const allowed = exception
      ? [exception.status]
      : !scoped
        ? [secretariat]
        : secretariat < 400
          ? [403]
          : [403, secretariat]
    if (status === 403 && scoped) refused++
    if (!allowed.includes(status))
      differences.push(
        `  '${route}': got ${status}, expected ${allowed.join(' or ')} (secretariat: ${secretariat})`,
      )
  }
  console.log(`limited secretariat: ${order.length} routes, ${refused} changes refused for another Sector`)
  assert.ok(refused > 40, `only ${refused} changes refused`)
  assert.deepEqual(differences, [], `the Sector-limited secretariat differs:\n${differences.join('\n')}`)
})
