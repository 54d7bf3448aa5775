import type { Context } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from './context.ts'
import { AppError, type FieldErrors, fieldErrorsFromIssues } from './errors.ts'

/** The submitted form as plain strings (repeated names keep the last value; files are ignored). */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody()
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue
    const value = Array.isArray(v) ? v[v.length - 1] : v
    if (typeof value === 'string') out[k] = value
  }
  return out
}

/** The submitted form with every value of repeated names (checkbox groups, multiple selects). */
export async function formFieldsAll(c: Context<AppEnv>): Promise<Record<string, string[]>> {
  const body = await c.req.parseBody({ all: true })
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
    if (values.length) out[k] = values
  }
  return out
}

/** Nests "names.en"-style fields into objects, so one zod schema serves the form and the JSON API. */
export function nest(fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    const parts = key.split('.')
    let cursor = out
    for (const p of parts.slice(0, -1)) {
      if (p === '__proto__' || p === 'constructor' || p === 'prototype') return out
      cursor[p] = (cursor[p] as Record<string, unknown>) ?? {}
      cursor = cursor[p] as Record<string, unknown>
    }
    const last = parts[parts.length - 1]!
    if (last !== '__proto__' && last !== 'constructor' && last !== 'prototype') cursor[last] = value
  }
  return out
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors }

export function validate<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const r = schema.safeParse(input)
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: fieldErrorsFromIssues(r.error.issues) }
}

/** A local path to return to after signing in; anything else (another site, //host, \\) becomes "/". */
export function safeNext(next: string | undefined | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  // Browsers drop tabs and newlines from a URL, so "/\t/evil.example" would lead to //evil.example.
  if ([...next].some((ch) => ch <= '\u001f' || ch === '\u007f')) return '/'
  return next
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether a value has the form of a UUID (before it reaches a uuid column, which would refuse it). */
export const isUuid = (v: string): boolean => UUID.test(v)

/** A path parameter that must be a UUID; anything else is simply not found. */
export function uuidParam(c: Context<AppEnv>, name: string): string {
  const v = c.req.param(name)
  if (!v || !UUID.test(v)) throw new AppError('NOT_FOUND')
  return v.toLowerCase()
}
