import type { Context } from 'hono'
import type { Child, FC } from 'hono/jsx'
import { type Actor, hasRole, isAdmin, isStaff, isUser } from '../features/auth/auth.policy.ts'
import { direction, formatNumber, LANGUAGE_NAMES, LANGUAGES, type Language, type T } from '../i18n/i18n.ts'
import type { AppEnv } from './context.ts'

export type PageCtx = {
  t: T
  lang: Language
  actor: Actor
  csrf: string
  path: string
  url: URL
}

export function pageCtx(c: Context<AppEnv>): PageCtx {
  const url = new URL(c.req.url)
  return {
    t: c.get('t'),
    lang: c.get('lang'),
    actor: c.get('actor'),
    csrf: c.get('csrfToken'),
    path: url.pathname,
    url,
  }
}

/** Options for a select over an enumeration, labelled through the catalog (`prefix.value`). */
export function enumOptions(ctx: PageCtx, prefix: string, values: readonly string[]) {
  return values.map((v) => ({ value: v, label: ctx.t(`${prefix}.${v}`) }))
}

/** The same URL with some query parameters replaced (undefined removes one); page resets unless given. */
export function withQuery(url: URL, changes: Record<string, string | number | undefined>): string {
  const next = new URL(url)
  if (!('page' in changes)) next.searchParams.delete('page')
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') next.searchParams.delete(k)
    else next.searchParams.set(k, String(v))
  }
  const qs = next.searchParams.toString()
  return `${next.pathname}${qs ? `?${qs}` : ''}`
}

const NavLink: FC<{ href: string; current: string; children: Child }> = ({ href, current, children }) => {
  const active = href === '/' ? current === '/' : current === href || current.startsWith(`${href}/`)
  return (
    <li>
      <a href={href} aria-current={active ? 'page' : undefined}>
        {children}
      </a>
    </li>
  )
}

export const Layout: FC<{ ctx: PageCtx; title: string; children: Child; status?: 'narrow' | 'wide' }> = ({
  ctx,
  title,
  children,
  status,
}) => {
  const { t, lang, actor, path, csrf } = ctx
  return (
    <html lang={lang} dir={direction(lang)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('app.name')}`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/app.js" defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('nav.skip')}
        </a>
        <header class="site-header">
          <a class="brand" href="/">
            {t('app.name')}
          </a>
          <nav aria-label={t('nav.main')}>
            <ul>
              <NavLink href="/" current={path}>
                {t('nav.home')}
              </NavLink>
              <NavLink href="/meetings" current={path}>
                {t('nav.meetings')}
              </NavLink>
              <NavLink href="/consultations" current={path}>
                {t('nav.consultations')}
              </NavLink>
              <NavLink href="/analytics" current={path}>
                {t('nav.analytics')}
              </NavLink>
              <NavLink href="/union" current={path}>
                {t('nav.union')}
              </NavLink>
              {isUser(actor) ? (
                <NavLink href="/topics" current={path}>
                  {t('nav.topics')}
                </NavLink>
              ) : null}
              <NavLink href="/organizations" current={path}>
                {t('nav.organizations')}
              </NavLink>
              <NavLink href="/people" current={path}>
                {t('nav.people')}
              </NavLink>
              <NavLink href="/groups" current={path}>
                {t('nav.groups')}
              </NavLink>
              <NavLink href="/countries" current={path}>
                {t('nav.countries')}
              </NavLink>
              <NavLink href="/structure" current={path}>
                {t('nav.structure')}
              </NavLink>
              {isUser(actor) ? (
                <NavLink href="/panels" current={path}>
                  {t('nav.panels')}
                </NavLink>
              ) : null}
              {isUser(actor) ? (
                <NavLink href="/plan" current={path}>
                  {t('nav.plan')}
                </NavLink>
              ) : null}
              {isStaff(actor) ? (
                <NavLink href="/reports" current={path}>
                  {t('nav.reports')}
                </NavLink>
              ) : null}
              {isStaff(actor) ? (
                <NavLink href="/import" current={path}>
                  {t('nav.import')}
                </NavLink>
              ) : null}
              {isAdmin(actor) ? (
                <NavLink href="/admin/users" current={path}>
                  {t('nav.users')}
                </NavLink>
              ) : null}
              {isAdmin(actor) ? (
                <NavLink href="/admin/audit" current={path}>
                  {t('nav.audit')}
                </NavLink>
              ) : null}
              <NavLink href="/api/docs" current={path}>
                {t('nav.api')}
              </NavLink>
            </ul>
          </nav>
          <div class="account">
            <form method="get" action={path} class="lang-form">
              {/* The page's own query (its filters, its page) is kept when the language changes. */}
              {[...ctx.url.searchParams]
                .filter(([k]) => k !== 'lang' && k !== 'notice')
                .map(([k, v]) => (
                  <input type="hidden" name={k} value={v} />
                ))}
              <label for="lang-select" class="visually-hidden">
                {t('nav.language')}
              </label>
              <select id="lang-select" name="lang" data-autosubmit>
                {LANGUAGES.map((l) => (
                  <option value={l} selected={l === lang} lang={l}>
                    {LANGUAGE_NAMES[l]}
                  </option>
                ))}
              </select>
              <noscript>
                <button type="submit">{t('action.apply')}</button>
              </noscript>
            </form>
            {isUser(actor) ? (
              <>
                <a href="/account">{actor.name}</a>
                <form method="post" action="/auth/sign-out">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit" class="link-button">
                    {t('nav.sign_out')}
                  </button>
                </form>
              </>
            ) : (
              <a href={`/auth/sign-in?next=${encodeURIComponent(path)}`}>{t('nav.sign_in')}</a>
            )}
          </div>
        </header>
        <main id="main" class={status === 'narrow' ? 'narrow' : undefined} tabindex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <p>{t('app.footer')}</p>
        </footer>
      </body>
    </html>
  )
}

export const Csrf: FC<{ ctx: PageCtx }> = ({ ctx }) => <input type="hidden" name="_csrf" value={ctx.csrf} />

export const FieldErrors: FC<{ ctx: PageCtx; id: string; errors?: string[] | undefined }> = ({
  ctx,
  id,
  errors,
}) =>
  errors?.length ? (
    <p class="field-error" id={`${id}-error`}>
      {errors.map((e) => ctx.t(`validation.${e}`, { defaultValue: e })).join(' ')}
    </p>
  ) : null

export type FormErrors = Record<string, string[]>

export const TextField: FC<{
  ctx: PageCtx
  name: string
  label: string
  value?: string | null | undefined
  errors?: FormErrors | undefined
  type?: string
  required?: boolean
  hint?: string
  autocomplete?: string
  maxlength?: number
  lang?: string
  dir?: string
  /** When one page has two forms with a field of the same name. */
  id?: string
}> = ({
  ctx,
  name,
  label,
  value,
  errors,
  type,
  required,
  hint,
  autocomplete,
  maxlength,
  lang,
  dir,
  id: given,
}) => {
  const id = given ?? `f-${name.replace(/[^a-z0-9]+/gi, '-')}`
  const err = errors?.[name]
  const describedBy =
    [hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={id} class={required ? 'required' : undefined}>
        {label}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        type={type ?? 'text'}
        value={value ?? ''}
        required={required}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={describedBy}
        autocomplete={autocomplete}
        maxlength={maxlength}
        lang={lang}
        dir={dir}
      />
      <FieldErrors ctx={ctx} id={id} errors={err} />
    </div>
  )
}

/** A text of several lines, labelled, with its hint and its errors, like TextField. */
export const TextAreaField: FC<{
  ctx: PageCtx
  name: string
  label: string
  value?: string | null | undefined
  errors?: FormErrors | undefined
  required?: boolean
  hint?: string
  rows?: number
  maxlength?: number
  id?: string
}> = ({ ctx, name, label, value, errors, required, hint, rows, maxlength, id: given }) => {
  const id = given ?? `f-${name.replace(/[^a-z0-9]+/gi, '-')}`
  const err = errors?.[name]
  const describedBy =
    [hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={id} class={required ? 'required' : undefined}>
        {label}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={rows ?? 3}
        maxlength={maxlength}
        required={required}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={describedBy}
      >
        {value ?? ''}
      </textarea>
      <FieldErrors ctx={ctx} id={id} errors={err} />
    </div>
  )
}

export const SelectField: FC<{
  ctx: PageCtx
  name: string
  label: string
  value?: string | null | undefined
  options: { value: string; label: string }[]
  errors?: FormErrors | undefined
  required?: boolean
  empty?: string
  /** When one page has two forms with a field of the same name. */
  id?: string
}> = ({ ctx, name, label, value, options, errors, required, empty, id: given }) => {
  const id = given ?? `f-${name}`
  const err = errors?.[name]
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={id} class={required ? 'required' : undefined}>
        {label}
      </label>
      <select
        id={id}
        name={name}
        required={required}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={err ? `${id}-error` : undefined}
      >
        {empty !== undefined ? <option value="">{empty}</option> : null}
        {options.map((o) => (
          <option value={o.value} selected={o.value === (value ?? '')}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldErrors ctx={ctx} id={id} errors={err} />
    </div>
  )
}

export const CheckboxField: FC<{ name: string; label: string; checked?: boolean; hint?: string }> = ({
  name,
  label,
  checked,
  hint,
}) => (
  <div class="field checkbox">
    <input
      id={`f-${name}`}
      type="checkbox"
      name={name}
      value="true"
      checked={checked}
      aria-describedby={hint ? `f-${name}-hint` : undefined}
    />
    <label for={`f-${name}`}>{label}</label>
    {hint ? (
      <p class="hint" id={`f-${name}-hint`}>
        {hint}
      </p>
    ) : null}
  </div>
)

export const ErrorSummary: FC<{
  ctx: PageCtx
  errors?: FormErrors | undefined
  code?: string | undefined
}> = ({ ctx, errors, code }) => {
  if (!code && (!errors || Object.keys(errors).length === 0)) return null
  return (
    <div class="error-summary" role="alert" tabindex={-1} data-focus>
      <h2>{ctx.t('form.error_title')}</h2>
      {code ? <p>{ctx.t(`errors.${code}`)}</p> : null}
      {errors && Object.keys(errors).length ? (
        <ul>
          {Object.entries(errors).map(([field, msgs]) => (
            <li>
              <a href={`#f-${field.replace(/[^a-z0-9]+/gi, '-')}`}>
                {ctx.t(`field.${field}`, { defaultValue: field })}:{' '}
                {msgs.map((m) => ctx.t(`validation.${m}`, { defaultValue: m })).join(' ')}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

export const Notice: FC<{ ctx: PageCtx }> = ({ ctx }) => {
  const notice = ctx.url.searchParams.get('notice')
  if (!notice || !/^[a-z_]+$/.test(notice)) return null
  return (
    <p class="notice" role="status">
      {ctx.t(`notice.${notice}`)}
    </p>
  )
}

export const Pagination: FC<{
  ctx: PageCtx
  page: number
  pageSize: number
  total: number
  /** The query parameter, for a page that pages several lists ("page" by default). */
  param?: string
  /** The section the links return to. */
  anchor?: string
}> = ({ ctx, page, pageSize, total, param = 'page', anchor }) => {
  const link = (n: number) => `${withQuery(ctx.url, { [param]: n })}${anchor ? `#${anchor}` : ''}`
  const pages = Math.max(1, Math.ceil(total / pageSize))
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1
  const to = Math.min(total, page * pageSize)
  const nf = new Intl.NumberFormat(ctx.lang)
  return (
    <nav class="pagination" aria-label={ctx.t('pagination.label')}>
      <p>
        {ctx.t('pagination.showing', { from: nf.format(from), to: nf.format(to), total: nf.format(total) })}
      </p>
      <ul>
        <li>
          {page > 1 ? (
            <a href={link(page - 1)} rel="prev">
              {ctx.t('pagination.previous')}
            </a>
          ) : (
            <span aria-disabled="true">{ctx.t('pagination.previous')}</span>
          )}
        </li>
        <li aria-current="page">
          {ctx.t('pagination.page', { page: nf.format(page), pages: nf.format(pages) })}
        </li>
        <li>
          {page < pages ? (
            <a href={link(page + 1)} rel="next">
              {ctx.t('pagination.next')}
            </a>
          ) : (
            <span aria-disabled="true">{ctx.t('pagination.next')}</span>
          )}
        </li>
      </ul>
    </nav>
  )
}

/** How many choices a select carries before the page offers a search instead of every row. */
export const CHOICE_LIMIT = 100

/**
 * A search that narrows a select's choices (a GET form, so it works without scripts): shown when the select
 * holds only the first CHOICE_LIMIT of its choices, or when a search is active.
 */
export const ChoiceSearch: FC<{
  ctx: PageCtx
  /** The query parameter; its value is the search. */
  name: string
  label: string
  /** The id of the section to return to. */
  anchor: string
  /** Whether the select was cut at CHOICE_LIMIT. */
  more: boolean
}> = ({ ctx, name, label, anchor, more }) => {
  const value = ctx.url.searchParams.get(name) ?? ''
  if (!more && !value) return null
  const id = `choice-${name}`
  return (
    <form method="get" action={`${ctx.url.pathname}#${anchor}`} class="filters">
      <div class="field">
        <label for={id}>{label}</label>
        <input
          type="search"
          id={id}
          name={name}
          value={value}
          maxlength={200}
          aria-describedby={`${id}-hint`}
        />
        <p class="hint" id={`${id}-hint`}>
          {more
            ? ctx.t('choices.more', { shown: formatNumber(CHOICE_LIMIT, ctx.lang) })
            : ctx.t('choices.narrowed')}
        </p>
      </div>
      <button type="submit" class="secondary">
        {ctx.t('action.search')}
      </button>
    </form>
  )
}

/** A column header that sorts the table; aria-sort tells screen readers the current order. */
export const SortHeader: FC<{
  ctx: PageCtx
  column: string
  label: string
  sort: string
  dir: 'asc' | 'desc'
}> = ({ ctx, column, label, sort, dir }) => {
  const active = sort === column
  const nextDir = active && dir === 'asc' ? 'desc' : 'asc'
  return (
    <th scope="col" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={withQuery(ctx.url, { sort: column, dir: nextDir })}>
        {label}
        {active ? <span aria-hidden="true">{dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </a>
    </th>
  )
}

/** A destructive or irreversible action: a form whose button asks for confirmation (data-confirm). */
export const ConfirmButton: FC<{
  ctx: PageCtx
  action: string
  label: string
  confirm: string
  danger?: boolean
  fields?: Record<string, string>
}> = ({ ctx, action, label, confirm, danger, fields }) => (
  <form method="post" action={action} class="inline-form" data-confirm={confirm}>
    <Csrf ctx={ctx} />
    {Object.entries(fields ?? {}).map(([k, v]) => (
      <input type="hidden" name={k} value={v} />
    ))}
    <button type="submit" class={danger ? 'danger' : 'secondary'}>
      {label}
    </button>
  </form>
)

export function roleLabel(t: T, role: string): string {
  return t(`role.${role}`)
}

export function signedInAs(actor: Actor): string {
  return isUser(actor) ? actor.email : ''
}

export { hasRole }
