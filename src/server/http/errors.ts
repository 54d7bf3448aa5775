import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Stable error codes. The UI translates each through the catalogs (errors.<CODE>). */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'BAD_REQUEST'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF_FAILED'
  | 'RATE_LIMITED'
  | 'SECTOR_NOT_FOUND'
  | 'SECTOR_OUT_OF_SCOPE'
  | 'BODY_NOT_FOUND'
  | 'BODY_NOT_IN_PERIOD'
  | 'BODY_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'UNAVAILABLE'
  | 'CONFLICT'
  | 'REFERENCE_NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL'
  | 'INVALID_CREDENTIALS'
  | 'CHALLENGE_EXPIRED'
  | 'CODE_INVALID'
  | 'TWO_FACTOR_REQUIRED'
  | 'TOKEN_INVALID'
  | 'PASSWORD_TOO_WEAK'
  | 'EMAIL_TAKEN'
  | 'USER_NOT_FOUND'
  | 'ROLE_SCOPE_INVALID'
  | 'LAST_ADMIN'
  | 'COUNTRY_NOT_FOUND'
  | 'ORGANIZATION_NOT_FOUND'
  | 'ORGANIZATION_DUPLICATE'
  | 'ORGANIZATION_ARCHIVED'
  | 'PERSON_NOT_FOUND'
  | 'PERSON_EMAIL_TAKEN'
  | 'PERSON_NOT_IN_ORGANIZATION'
  | 'GROUP_NOT_FOUND'
  | 'MEMBERSHIP_NOT_FOUND'
  | 'MEMBERSHIP_EXISTS'
  | 'MEMBERSHIP_ENDED'
  | 'IMPORT_INVALID'
  | 'MEETING_NOT_FOUND'
  | 'MEETING_TRANSITION_INVALID'
  | 'MEETING_NOT_STARTED'
  | 'MEETING_CONFLICT'
  | 'MEETING_CLOSED'
  | 'MEETING_NOT_ANNOUNCED'
  | 'REGISTRATION_NOT_OPEN'
  | 'REGISTRATION_DEADLINE_PASSED'
  | 'ALREADY_REGISTERED'
  | 'SENIORITY_POLICY'
  | 'REGISTRATION_NOT_FOUND'
  | 'ATTENDANCE_NOT_ALLOWED'
  | 'INVITATION_NOT_FOUND'
  | 'DOCUMENT_NOT_FOUND'
  | 'DOCUMENT_TYPE_REFUSED'
  | 'DOCUMENT_TOO_LARGE'
  | 'MINUTES_CONFLICT'
  | 'MINUTES_FINAL'
  | 'SESSION_NOT_FOUND'
  | 'CONSULTATION_NOT_FOUND'
  | 'CONSULTATION_NOT_OPEN'
  | 'CONSULTATION_STATE_INVALID'
  | 'RESPONSE_NOT_FOUND'
  | 'TOPIC_NOT_FOUND'
  | 'TOPIC_TRANSITION_INVALID'
  | 'TOPIC_CONFLICT'
  | 'TOPIC_MERGED'
  | 'SUPPORT_EXISTS'
  | 'SUPPORT_NOT_FOUND'
  | 'PRIORITY_NOT_FOUND'
  | 'AGENDA_CONFLICT'
  | 'AGENDA_MEETING_CLOSED'
  | 'AGENDA_ITEM_NOT_FOUND'
  | 'CONCLUSION_NOT_FOUND'
  | 'ACTION_NOT_FOUND'
  | 'ACTION_CONFLICT'
  | 'REPORT_NOT_READY'
  | 'REPORT_NOT_EDITABLE'
  | 'PLAN_CONFLICT'
  | 'THRESHOLD_INVALID'
  | 'CIRCULAR_SENT'
  | 'PANEL_NOT_FOUND'
  | 'PANEL_CONFLICT'
  | 'PANEL_CODE_TAKEN'
  | 'PANEL_OUTSIDE_TERM'
  | 'PANEL_MEMBER_NOT_FOUND'
  | 'PANEL_MEMBER_EXISTS'
  | 'PANEL_MEMBER_ENDED'
  | 'PANEL_ALTERNATE_INVALID'
  | 'ADVICE_NOT_FOUND'
  | 'ADVICE_CONFLICT'
  | 'ADVICE_TRANSITION_INVALID'

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION_FAILED: 422,
  BAD_REQUEST: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SECTOR_OUT_OF_SCOPE: 403,
  CSRF_FAILED: 403,
  RATE_LIMITED: 429,
  SECTOR_NOT_FOUND: 404,
  BODY_NOT_FOUND: 404,
  BODY_NOT_IN_PERIOD: 422,
  BODY_CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNAVAILABLE: 503,
  CONFLICT: 409,
  REFERENCE_NOT_FOUND: 422,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  INVALID_CREDENTIALS: 401,
  CHALLENGE_EXPIRED: 401,
  CODE_INVALID: 401,
  TWO_FACTOR_REQUIRED: 409,
  TOKEN_INVALID: 400,
  PASSWORD_TOO_WEAK: 422,
  EMAIL_TAKEN: 409,
  USER_NOT_FOUND: 404,
  ROLE_SCOPE_INVALID: 422,
  LAST_ADMIN: 409,
  COUNTRY_NOT_FOUND: 422,
  ORGANIZATION_NOT_FOUND: 404,
  ORGANIZATION_DUPLICATE: 409,
  ORGANIZATION_ARCHIVED: 409,
  PERSON_NOT_FOUND: 404,
  PERSON_EMAIL_TAKEN: 409,
  PERSON_NOT_IN_ORGANIZATION: 422,
  GROUP_NOT_FOUND: 404,
  MEMBERSHIP_NOT_FOUND: 404,
  MEMBERSHIP_EXISTS: 409,
  MEMBERSHIP_ENDED: 409,
  IMPORT_INVALID: 422,
  MEETING_NOT_FOUND: 404,
  MEETING_TRANSITION_INVALID: 409,
  MEETING_NOT_STARTED: 409,
  MEETING_CONFLICT: 409,
  MEETING_CLOSED: 409,
  MEETING_NOT_ANNOUNCED: 409,
  REGISTRATION_NOT_OPEN: 409,
  REGISTRATION_DEADLINE_PASSED: 409,
  ALREADY_REGISTERED: 409,
  SENIORITY_POLICY: 422,
  REGISTRATION_NOT_FOUND: 404,
  ATTENDANCE_NOT_ALLOWED: 409,
  INVITATION_NOT_FOUND: 404,
  DOCUMENT_NOT_FOUND: 404,
  DOCUMENT_TYPE_REFUSED: 422,
  DOCUMENT_TOO_LARGE: 413,
  MINUTES_CONFLICT: 409,
  MINUTES_FINAL: 409,
  SESSION_NOT_FOUND: 404,
  CONSULTATION_NOT_FOUND: 404,
  CONSULTATION_NOT_OPEN: 409,
  CONSULTATION_STATE_INVALID: 409,
  RESPONSE_NOT_FOUND: 404,
  TOPIC_NOT_FOUND: 404,
  TOPIC_TRANSITION_INVALID: 409,
  TOPIC_CONFLICT: 409,
  TOPIC_MERGED: 409,
  SUPPORT_EXISTS: 409,
  SUPPORT_NOT_FOUND: 404,
  PRIORITY_NOT_FOUND: 404,
  AGENDA_CONFLICT: 409,
  AGENDA_MEETING_CLOSED: 409,
  AGENDA_ITEM_NOT_FOUND: 404,
  CONCLUSION_NOT_FOUND: 404,
  ACTION_NOT_FOUND: 404,
  ACTION_CONFLICT: 409,
  REPORT_NOT_READY: 409,
  REPORT_NOT_EDITABLE: 409,
  PLAN_CONFLICT: 409,
  THRESHOLD_INVALID: 422,
  CIRCULAR_SENT: 409,
  PANEL_NOT_FOUND: 404,
  PANEL_CONFLICT: 409,
  PANEL_CODE_TAKEN: 409,
  PANEL_OUTSIDE_TERM: 422,
  PANEL_MEMBER_NOT_FOUND: 404,
  PANEL_MEMBER_EXISTS: 409,
  PANEL_MEMBER_ENDED: 409,
  PANEL_ALTERNATE_INVALID: 422,
  ADVICE_NOT_FOUND: 404,
  ADVICE_CONFLICT: 409,
  ADVICE_TRANSITION_INVALID: 409,
}

export type FieldErrors = Record<string, string[]>

export class AppError extends Error {
  readonly status: ContentfulStatusCode
  constructor(
    readonly code: ErrorCode,
    readonly details: Record<string, unknown> = {},
    readonly fieldErrors?: FieldErrors,
  ) {
    super(code)
    this.status = STATUS[code]
  }
}

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code]
}

type PgError = { code?: string; constraint?: string; detail?: string; message?: string }

/**
 * The database cannot be reached or cannot take the write: refused or dropped connections, a server
 * shutting down or starting, too many connections, a full disk, no memory. The request changed nothing
 * (its transaction never committed), so the honest answer is 503: try again later.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOSPC',
  '57P01',
  '57P02',
  '57P03',
  '53000',
  '53100',
  '53200',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
])
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|PGlite is closed|PGlite instance is already closed/i

export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const e = error as PgError
  return UNAVAILABLE_CODES.has(e.code ?? '') || UNAVAILABLE_MESSAGES.test(e.message ?? '')
}

/**
 * The database is the last line of defence: a unique or foreign-key violation that slipped past the
 * service checks (a race between two requests) becomes a domain error, not a 500.
 */
export function fromDatabaseError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as PgError
  if (isUnavailable(e)) return new AppError('UNAVAILABLE', { retryAfterSeconds: 5 })
  if (e.code === '23505') {
    if (e.constraint === 'organization_name_country_key') return new AppError('ORGANIZATION_DUPLICATE')
    if (e.constraint === 'person_email_key') return new AppError('PERSON_EMAIL_TAKEN')
    if (e.constraint === 'app_user_email_key') return new AppError('EMAIL_TAKEN')
    if (e.constraint === 'group_membership_current_key') return new AppError('MEMBERSHIP_EXISTS')
    return new AppError('CONFLICT', { constraint: e.constraint })
  }
  if (e.code === '23503') return new AppError('REFERENCE_NOT_FOUND', { constraint: e.constraint })
  // 22021/22P05: text PostgreSQL cannot store (a NUL character, in a text column or in JSON).
  // 22007/22008: a date or time that does not exist or is out of range.
  if (['23514', '22001', '22P02', '22021', '22P05', '22007', '22008'].includes(e.code ?? '')) {
    return new AppError('VALIDATION_FAILED', { constraint: e.constraint })
  }
  return undefined
}

/** Turns a zod error's issues into per-field messages keyed by dotted path. */
export function fieldErrorsFromIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_'
    const list = out[key] ?? []
    list.push(issue.message)
    out[key] = list
  }
  return out
}
