import type { Context } from 'hono'
import { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import { Chart } from '../../charts/chart.tsx'
import { barChart, percentChart } from '../../charts/charts.ts'
import type { AppEnv } from '../../http/context.ts'
import { clearCookie, writeCookie } from '../../http/cookies.ts'
import { AppError } from '../../http/errors.ts'
import { formFieldsAll, uuidParam, validate } from '../../http/forms.ts'
import {
  ConfirmButton,
  Csrf,
  enumOptions,
  type FormErrors,
  Layout,
  Notice,
  type PageCtx,
  Pagination,
  pageCtx,
  SelectField,
  SortHeader,
  TextField,
} from '../../http/layout.tsx'
import { LocalizedInputs } from '../../http/localized-inputs.tsx'
import { direction, formatDateTime, LANGUAGES, type Localized, pick } from '../../i18n/i18n.ts'
import { deny, isStaff, isUser } from '../auth/auth.policy.ts'
import { SESSION_ABSOLUTE_HOURS } from '../auth/auth.service.ts'
import { CATEGORIES, COUNTRY_TAGS, DEVELOPMENT_STATUSES, ITU_REGIONS } from '../directory/directory.schema.ts'
import { listCountries, listGroups, organizationChoices } from '../directory/directory.service.ts'
import { meetingChoices } from '../meetings/meetings.service.ts'
import { assertRecordInScope, inScope, sectorScope, UNION } from '../structure/scope.ts'
import {
  SectorField,
  SectorFilter,
  sectorCodeOf,
  sectorName,
  sectorParam,
} from '../structure/sector-inputs.tsx'
import { listSectors } from '../structure/structure.service.ts'
import {
  applyOp,
  assignIds,
  builderErrors,
  type Draft,
  type DraftQuestion,
  draftFromFields,
  draftFromQuestionnaire,
  emptyDraft,
  errorPlace,
  parseOp,
  questionnaireInput,
} from './builder.ts'
import {
  CONFIDENTIALITY,
  type Consultation,
  type ConsultationInput,
  ConsultationInputSchema,
  ConsultationQuerySchema,
  PURPOSES,
} from './consultations.schema.ts'
import * as consultations from './consultations.service.ts'
import { inspectLink, invitationsText, type LinkInfo, rateText, useLink } from './invitations.ts'
import { QUESTION_TYPES, type Questionnaire, QuestionnaireSchema } from './questionnaire.ts'
import { consultationResults, MIN_CELL_SIZE } from './results.ts'

export const consultationPages = new Hono<AppEnv>()

const STATUSES = ['draft', 'open', 'closed'] as const

/** datetime-local values are read and shown in UTC, as labelled. */
function toLocalInput(iso: string | undefined): string {
  return iso ? iso.slice(0, 16) : ''
}
function fromLocalInput(v: string | undefined): string | undefined {
  return v && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v || undefined
}

export const StatusBadge: FC<{ ctx: PageCtx; status: string }> = ({ ctx, status }) => (
  <span class={`badge status-${status}`}>{ctx.t(`consultations.status.${status}`)}</span>
)

/** Who was invited and when: the secretariat's view, on the consultation and the meeting pages. */
const InvitationFacts: FC<{ ctx: PageCtx; invitations: NonNullable<Consultation['invitations']> }> = ({
  ctx,
  invitations: i,
}) => (
  <>
    <dt>{ctx.t('consultations.invitations')}</dt>
    <dd>{invitationsText(ctx.t, ctx.lang, i)}</dd>
  </>
)

const rate = (ctx: PageCtx, part: number, whole: number) => rateText(ctx.lang, part, whole)

// ---------------------------------------------------------------- list

consultationPages.get('/consultations', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const parsed = ConsultationQuerySchema.safeParse(c.req.query())
  const db = c.get('deps').database.db
  const sectors = await listSectors(db, ctx.lang)
  const parsedQ = parsed.success ? parsed.data : ConsultationQuerySchema.parse({})
  // An unknown Sector in the address is ignored with the filters message, not answered with an error page.
  const sectorKnown =
    !parsedQ.sector ||
    parsedQ.sector.toLowerCase() === UNION ||
    sectors.some((s) => s.code.toLowerCase() === parsedQ.sector!.toLowerCase())
  const q = sectorKnown ? parsedQ : { ...parsedQ, sector: undefined }
  const { items, total } = await consultations.listConsultations(db, ctx.actor, q, ctx.lang)
  const filtered = !!(q.q || q.status || q.purpose || q.meetingId || q.sector)
  return c.html(
    <Layout ctx={ctx} title={t('consultations.list_title')}>
      <div class="page-head">
        <h1>{t('consultations.list_title')}</h1>
        {isStaff(ctx.actor) ? (
          <a class="button" href="/consultations/new">
            {t('consultations.new')}
          </a>
        ) : null}
      </div>
      <Notice ctx={ctx} />
      <p class="lead">{t('consultations.intro')}</p>
      {!parsed.success || !sectorKnown ? <p class="field-error">{t('validation.filters_invalid')}</p> : null}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <TextField ctx={ctx} name="q" label={t('action.search')} value={q.q} type="search" />
        {isStaff(ctx.actor) ? (
          <SelectField
            ctx={ctx}
            name="status"
            label={t('field.status')}
            value={q.status}
            options={enumOptions(ctx, 'consultations.status', STATUSES)}
            empty={t('filter.all')}
          />
        ) : null}
        <SelectField
          ctx={ctx}
          name="purpose"
          label={t('consultations.purpose')}
          value={q.purpose}
          options={enumOptions(ctx, 'consultations.purposes', PURPOSES)}
          empty={t('filter.all')}
        />
        <SectorFilter ctx={ctx} sectors={sectors} value={sectorParam(sectors, q.sector).sector} />
        <div class="filter-actions">
          <button type="submit">{t('action.filter')}</button>
          {filtered ? <a href="/consultations">{t('action.clear')}</a> : null}
        </div>
      </form>
      {items.length === 0 ? (
        <p class="empty">{filtered ? t('consultations.none_match') : t('consultations.none')}</p>
      ) : (
        <table class="data">
          <caption class="visually-hidden">{t('consultations.list_title')}</caption>
          <thead>
            <tr>
              <SortHeader
                ctx={ctx}
                column="title"
                label={t('consultations.title')}
                sort={q.sort}
                dir={q.dir}
              />
              <th scope="col">{t('consultations.purpose')}</th>
              <th scope="col">{t('structure.sector')}</th>
              <SortHeader
                ctx={ctx}
                column="opens"
                label={t('consultations.opens')}
                sort={q.sort}
                dir={q.dir}
              />
              <SortHeader
                ctx={ctx}
                column="closes"
                label={t('consultations.closes')}
                sort={q.sort}
                dir={q.dir}
              />
              <th scope="col">{t('field.status')}</th>
              <th scope="col">{t('consultations.responses')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((x) => (
              <tr>
                <td>
                  <a href={`/consultations/${x.id}`}>{x.title}</a>
                </td>
                <td>{t(`consultations.purposes.${x.purpose}`)}</td>
                <td>{x.sector ?? t('structure.union_wide')}</td>
                <td>{formatDateTime(x.opensAt, ctx.lang)}</td>
                <td>{formatDateTime(x.closesAt, ctx.lang)}</td>
                <td>
                  <StatusBadge ctx={ctx} status={x.status} />
                </td>
                <td>{x.status === 'draft' ? '—' : rate(ctx, x.submitted, x.targets)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination ctx={ctx} page={q.page} pageSize={q.pageSize} total={total} />
    </Layout>,
  )
})

// ---------------------------------------------------------------- builder form

type FormValues = {
  titles: Localized
  purpose: string
  meetingId: string
  opensAt: string
  closesAt: string
  confidentiality: string
  copiedFrom: string
  /** A Sector's code or `union`; empty for the form's default. */
  sector: string
  audience: {
    kind: string
    developmentStatus: string
    tags: string[]
    regions: string[]
    categories: string[]
    groupId: string
    countries: string[]
    organizations: string[]
  }
  draft: Draft
}

function valuesFromConsultation(c: Consultation, copy = false): FormValues {
  const a = c.audience as Record<string, unknown>
  const list = (k: string) => (Array.isArray(a[k]) ? (a[k] as string[]) : [])
  return {
    titles: copy ? {} : (c.titles as Localized),
    purpose: c.purpose,
    meetingId: copy ? '' : (c.meetingId ?? ''),
    opensAt: copy ? '' : toLocalInput(c.opensAt),
    closesAt: copy ? '' : toLocalInput(c.closesAt),
    confidentiality: c.confidentiality,
    copiedFrom: copy ? c.id : (c.copiedFrom ?? ''),
    sector: c.sector ?? UNION,
    audience: {
      kind: String(a.kind ?? 'countries'),
      developmentStatus: String(a.developmentStatus ?? ''),
      tags: list('tags'),
      regions: list('regions'),
      categories: list('categories'),
      groupId: String(a.groupId ?? ''),
      countries: list('countries'),
      organizations: list('organizations'),
    },
    draft: draftFromQuestionnaire(QuestionnaireSchema.parse(c.questionnaire)),
  }
}

function defaultValues(meetingId = '', sector = ''): FormValues {
  return {
    titles: {},
    purpose: 'pre_meeting_developing_countries',
    meetingId,
    opensAt: '',
    closesAt: '',
    confidentiality: 'secretariat',
    copiedFrom: '',
    sector,
    audience: {
      kind: 'countries',
      developmentStatus: 'developing',
      tags: [],
      regions: [],
      categories: [],
      groupId: '',
      countries: [],
      organizations: [],
    },
    draft: emptyDraft(),
  }
}

function valuesFromForm(all: Record<string, string[]>): FormValues {
  const one = (k: string) => all[k]?.[all[k].length - 1] ?? ''
  const single: Record<string, string> = Object.fromEntries(Object.keys(all).map((k) => [k, one(k)]))
  const titles: Localized = {}
  for (const l of LANGUAGES) if (one(`titles.${l}`).trim()) titles[l] = one(`titles.${l}`)
  return {
    titles,
    purpose: one('purpose'),
    meetingId: one('meetingId'),
    opensAt: one('opensAt'),
    closesAt: one('closesAt'),
    confidentiality: one('confidentiality'),
    copiedFrom: one('copiedFrom'),
    sector: one('sector'),
    audience: {
      kind: one('audience.kind') || 'countries',
      developmentStatus: one('audience.developmentStatus'),
      tags: all['audience.tags'] ?? [],
      regions: all['audience.regions'] ?? [],
      categories: all['audience.categories'] ?? [],
      groupId: one('audience.groupId'),
      countries: all['audience.countries'] ?? [],
      organizations: all['audience.organizations'] ?? [],
    },
    draft: draftFromFields(single),
  }
}

function inputFromValues(v: FormValues): unknown {
  const a = v.audience
  const common = {
    ...(a.developmentStatus ? { developmentStatus: a.developmentStatus } : {}),
    ...(a.tags.length ? { tags: a.tags } : {}),
    ...(a.regions.length ? { regions: a.regions } : {}),
  }
  return {
    titles: v.titles,
    purpose: v.purpose,
    meetingId: v.meetingId,
    opensAt: fromLocalInput(v.opensAt),
    closesAt: fromLocalInput(v.closesAt),
    confidentiality: v.confidentiality,
    copiedFrom: v.copiedFrom,
    sector: v.sector,
    audience:
      a.kind === 'organizations'
        ? {
            kind: 'organizations',
            ...common,
            ...(a.categories.length ? { categories: a.categories } : {}),
            ...(a.groupId ? { groupId: a.groupId } : {}),
            ...(a.organizations.length ? { organizations: a.organizations } : {}),
          }
        : { kind: 'countries', ...common, ...(a.countries.length ? { countries: a.countries } : {}) },
    questionnaire: questionnaireInput(v.draft),
  }
}

const Checkboxes: FC<{
  name: string
  legend: string
  options: { value: string; label: string }[]
  checked: string[]
}> = ({ name, legend, options, checked }) => (
  <fieldset class="checkboxes">
    <legend>{legend}</legend>
    {options.map((o) => (
      <label>
        <input type="checkbox" name={name} value={o.value} checked={checked.includes(o.value)} /> {o.label}
      </label>
    ))}
  </fieldset>
)

const QuestionEditor: FC<{
  ctx: PageCtx
  si: number
  qi: number
  count: number
  q: DraftQuestion
  earlier: { value: string; label: string }[]
  errors?: FormErrors | undefined
  focus?: string | undefined
}> = ({ ctx, si, qi, count, q, earlier, errors, focus }) => {
  const { t } = ctx
  const p = `s.${si}.q.${qi}`
  const err = (k: string) => errors?.[`${p}.${k}`]
  const small = (k: 'points' | 'min' | 'max' | 'maxSelections' | 'maxLength', label: string) => (
    <TextField ctx={ctx} name={`${p}.${k}`} label={label} value={q[k]} type="number" errors={errors} />
  )
  const choice = q.type === 'single_choice' || q.type === 'multiple_choice' || q.type === 'ranking'
  return (
    <fieldset class="question-editor" id={`q-${si}-${qi}`}>
      <legend>{t('consultations.builder.question_n', { n: qi + 1, id: q.id })}</legend>
      <input type="hidden" name={`${p}.id`} value={q.id} />
      <input type="hidden" name={`${p}.optionIds`} value={q.optionIds.join(',')} />
      <div class="grid-2">
        <div class={`field${err('type') ? ' has-error' : ''}`}>
          <label for={`f-${p.replaceAll('.', '-')}-type`}>{t('consultations.builder.type')}</label>
          <select
            id={`f-${p.replaceAll('.', '-')}-type`}
            name={`${p}.type`}
            data-question-type
            autofocus={focus === `${p}.type` ? true : undefined}
          >
            {QUESTION_TYPES.map((ty) => (
              <option value={ty} selected={ty === q.type}>
                {t(`consultations.question_types.${ty}`)}
              </option>
            ))}
          </select>
          <noscript>
            <p class="hint">{t('consultations.builder.type_hint')}</p>
          </noscript>
        </div>
        <div class="field checkbox">
          <input
            id={`f-${p.replaceAll('.', '-')}-required`}
            type="checkbox"
            name={`${p}.required`}
            value="true"
            checked={q.required}
          />
          <label for={`f-${p.replaceAll('.', '-')}-required`}>{t('consultations.builder.required')}</label>
        </div>
      </div>
      <LocalizedInputs
        ctx={ctx}
        name={`${p}.text`}
        label={t('consultations.builder.text')}
        value={q.text}
        errors={errors}
        required
        focus={focus}
      />
      <LocalizedInputs
        ctx={ctx}
        name={`${p}.help`}
        label={t('consultations.builder.help')}
        value={q.help}
        errors={errors}
      />
      {/* Every type's settings are in the page; a script shows only those of the chosen type. */}
      <div data-for-types="single_choice multiple_choice ranking" hidden={!choice ? true : undefined}>
        <LocalizedInputs
          ctx={ctx}
          name={`${p}.options`}
          label={t('consultations.builder.options')}
          hint={t('consultations.builder.options_hint')}
          value={q.options}
          errors={errors}
          multiline
          required
        />
      </div>
      <div class="grid-3">
        <div data-for-types="likert" hidden={q.type !== 'likert' ? true : undefined}>
          {small('points', t('consultations.builder.points'))}
        </div>
        <div data-for-types="number" hidden={q.type !== 'number' ? true : undefined}>
          {small('min', t('consultations.builder.min'))}
        </div>
        <div data-for-types="number" hidden={q.type !== 'number' ? true : undefined}>
          {small('max', t('consultations.builder.max'))}
        </div>
        <div data-for-types="multiple_choice" hidden={q.type !== 'multiple_choice' ? true : undefined}>
          {small('maxSelections', t('consultations.builder.max_selections'))}
        </div>
        <div
          data-for-types="short_text long_text"
          hidden={q.type !== 'short_text' && q.type !== 'long_text' ? true : undefined}
        >
          {small('maxLength', t('consultations.builder.max_length'))}
        </div>
      </div>
      {earlier.length ? (
        <SelectField
          ctx={ctx}
          name={`${p}.showIf`}
          label={t('consultations.builder.show_if')}
          value={q.showIf}
          options={earlier}
          empty={t('consultations.builder.always')}
          errors={errors}
        />
      ) : q.showIf ? (
        <input type="hidden" name={`${p}.showIf`} value={q.showIf} />
      ) : null}
      <div class="builder-actions">
        <button type="submit" name="op" value={`up:${si}:${qi}`} class="secondary" disabled={qi === 0}>
          {t('consultations.builder.move_up')}
        </button>
        <button
          type="submit"
          name="op"
          value={`down:${si}:${qi}`}
          class="secondary"
          disabled={qi === count - 1}
        >
          {t('consultations.builder.move_down')}
        </button>
        <button
          type="submit"
          name="op"
          value={`remove_question:${si}:${qi}`}
          class="secondary"
          disabled={count === 1}
        >
          {t('consultations.builder.remove_question')}
        </button>
      </div>
    </fieldset>
  )
}

/** Earlier choice questions' options, as "question = option" conditions a later question may depend on. */
function conditionChoices(ctx: PageCtx, draft: Draft) {
  const out: { at: string; value: string; label: string }[] = []
  for (const [si, s] of draft.sections.entries()) {
    for (const [qi, q] of s.questions.entries()) {
      if (q.type !== 'single_choice' && q.type !== 'multiple_choice') continue
      const labels = (pick(q.options, ctx.lang) || '').split(/\r?\n/)
      q.optionIds.forEach((oid, k) => {
        out.push({
          at: `${si}.${qi}`,
          value: `${q.id}:${oid}`,
          label: `${q.id} “${pick(q.text, ctx.lang)}” = ${labels[k]?.trim() || oid}`,
        })
      })
    }
  }
  return out
}

const BuilderSummary: FC<{ ctx: PageCtx; errors?: FormErrors | undefined; code?: string | undefined }> = ({
  ctx,
  errors,
  code,
}) => {
  if (!code && (!errors || !Object.keys(errors).length)) return null
  const { t } = ctx
  return (
    <div class="error-summary" role="alert" tabindex={-1} data-focus>
      <h2>{t('form.error_title')}</h2>
      {code ? <p>{t(`errors.${code}`)}</p> : null}
      <ul>
        {Object.entries(errors ?? {}).map(([key, msgs]) => {
          const place = errorPlace(key)
          const where = place
            ? place.question
              ? t('consultations.builder.place_question', {
                  section: place.section,
                  question: place.question,
                })
              : t('consultations.builder.place_section', { section: place.section })
            : t(`field.${key}`, { defaultValue: t(`consultations.fields.${key}`, { defaultValue: key }) })
          return (
            <li>
              <a href={`#f-${key.replace(/[^a-z0-9]+/gi, '-')}`}>
                {where}
                {place?.field
                  ? ` (${t(
                      `consultations.builder.${place.field.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}`,
                      {
                        defaultValue: place.field,
                      },
                    )})`
                  : ''}
                {': '}
                {msgs.map((m) => t(`validation.${m}`, { defaultValue: m })).join(' ')}
              </a>
            </li>
          )
        })}
      </ul>
    </div>
  )
}

async function formPage(
  c: Context<AppEnv>,
  existing: Consultation | undefined,
  v: FormValues,
  errors?: FormErrors,
  code?: string,
  focus?: string,
) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const [meetingList, countries, orgs, groups, sectors] = await Promise.all([
    meetingChoices(db, ctx.actor, ctx.lang, { limit: 200, include: v.meetingId }),
    listCountries(db, ctx.lang),
    organizationChoices(db),
    listGroups(db, ctx.actor, ctx.lang),
    listSectors(db, ctx.lang),
  ])
  const open = existing?.status === 'open'
  const title = existing
    ? t('consultations.edit_title', { title: existing.title })
    : v.copiedFrom
      ? t('consultations.copy_title')
      : t('consultations.new')
  const conditions = conditionChoices(ctx, v.draft)
  const order = (si: number, qi: number) => si * 1000 + qi
  const a = v.audience
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <BuilderSummary ctx={ctx} errors={errors} code={code} />
      {open ? <p class="notice">{t('consultations.open_edit_hint')}</p> : null}
      <form
        method="post"
        action={existing ? `/consultations/${existing.id}/edit` : '/consultations/new'}
        novalidate
        class="builder"
      >
        <Csrf ctx={ctx} />
        <input type="hidden" name="copiedFrom" value={v.copiedFrom} />
        {/* The first submit button is the form's default (Enter in a field): it saves, never removes. */}
        <button type="submit" name="op" value="save" hidden>
          {t('action.save')}
        </button>
        <fieldset>
          <legend>{t('consultations.about')}</legend>
          <LocalizedInputs
            ctx={ctx}
            name="titles"
            label={t('consultations.title')}
            value={v.titles}
            errors={errors}
            required
          />
          <div class="grid-2">
            <TextField
              ctx={ctx}
              name="closesAt"
              label={t('consultations.closes_utc')}
              type="datetime-local"
              value={v.closesAt}
              required
              errors={errors}
            />
            <SectorField ctx={ctx} sectors={sectors} value={v.sector} errors={errors} />
          </div>
        </fieldset>
        <fieldset disabled={open}>
          <legend>{t('consultations.settings')}</legend>
          <div class="grid-2">
            <SelectField
              ctx={ctx}
              name="purpose"
              label={t('consultations.purpose')}
              value={v.purpose}
              options={enumOptions(ctx, 'consultations.purposes', PURPOSES)}
              required
              errors={errors}
            />
            <SelectField
              ctx={ctx}
              name="meetingId"
              label={t('consultations.meeting')}
              value={v.meetingId}
              options={meetingList.map((m) => ({
                value: m.id,
                label: `${m.title} (${formatDateTime(m.startsAt, ctx.lang, m.timeZone)})`,
              }))}
              empty={t('filter.none')}
              errors={errors}
            />
            <TextField
              ctx={ctx}
              name="opensAt"
              label={t('consultations.opens_utc')}
              type="datetime-local"
              value={v.opensAt}
              required
              errors={errors}
            />
            <SelectField
              ctx={ctx}
              name="confidentiality"
              label={t('consultations.confidentiality')}
              value={v.confidentiality}
              options={enumOptions(ctx, 'consultations.confidentialities', CONFIDENTIALITY)}
              required
              errors={errors}
            />
          </div>
        </fieldset>
        <fieldset disabled={open}>
          <legend>{t('consultations.audience')}</legend>
          <p class="hint">{t('consultations.audience_hint')}</p>
          <fieldset class="checkboxes">
            <legend>{t('consultations.audience_kind')}</legend>
            {(['countries', 'organizations'] as const).map((k) => (
              <label>
                <input type="radio" name="audience.kind" value={k} checked={a.kind === k} />{' '}
                {t(`consultations.audience_kinds.${k}`)}
              </label>
            ))}
          </fieldset>
          <div class="grid-2">
            <SelectField
              ctx={ctx}
              name="audience.developmentStatus"
              label={t('field.development_status')}
              value={a.developmentStatus}
              options={enumOptions(ctx, 'development', DEVELOPMENT_STATUSES)}
              empty={t('filter.all')}
              errors={errors}
            />
            <SelectField
              ctx={ctx}
              name="audience.groupId"
              label={t('consultations.audience_group')}
              value={a.groupId}
              options={groups.map((g) => ({ value: g.id, label: g.name }))}
              empty={t('filter.none')}
              errors={errors}
            />
          </div>
          <Checkboxes
            name="audience.tags"
            legend={t('consultations.audience_tags')}
            options={COUNTRY_TAGS.map((x) => ({
              value: x,
              label: t(`tag_long.${x}`, { defaultValue: t(`tag.${x}`) }),
            }))}
            checked={a.tags}
          />
          <Checkboxes
            name="audience.regions"
            legend={t('consultations.audience_regions')}
            options={enumOptions(ctx, 'region', ITU_REGIONS)}
            checked={a.regions}
          />
          <Checkboxes
            name="audience.categories"
            legend={t('consultations.audience_categories')}
            options={enumOptions(ctx, 'category', CATEGORIES)}
            checked={a.categories}
          />
          <div class="grid-2">
            <div class="field">
              <label for="f-audience-countries">{t('consultations.audience_countries')}</label>
              <select id="f-audience-countries" name="audience.countries" multiple size={8}>
                {countries.map((co) => (
                  <option value={co.code} selected={a.countries.includes(co.code)}>
                    {co.name}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-audience-organizations">{t('consultations.audience_organizations')}</label>
              <select id="f-audience-organizations" name="audience.organizations" multiple size={8}>
                {orgs.map((o) => (
                  <option value={o.id} selected={a.organizations.includes(o.id)}>
                    {`${o.name} (${o.country_code})`}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {errors?.audience ? (
            <p class="field-error">
              {errors.audience.map((e) => t(`validation.${e}`, { defaultValue: e })).join(' ')}
            </p>
          ) : null}
        </fieldset>
        <h2>{t('consultations.questionnaire')}</h2>
        {open ? <p class="hint">{t('consultations.version_hint')}</p> : null}
        {v.draft.sections.map((s, si) => (
          <section class="section-editor" aria-labelledby={`sec-${si}`}>
            <h3 id={`sec-${si}`}>{t('consultations.builder.section_n', { n: si + 1 })}</h3>
            <input type="hidden" name={`s.${si}.id`} value={s.id} />
            <LocalizedInputs
              ctx={ctx}
              name={`s.${si}.title`}
              label={t('consultations.builder.section_title')}
              value={s.title}
              errors={errors}
              required
              focus={focus}
            />
            <LocalizedInputs
              ctx={ctx}
              name={`s.${si}.description`}
              label={t('consultations.builder.section_description')}
              value={s.description}
              errors={errors}
              multiline
            />
            {s.questions.map((q, qi) => (
              <QuestionEditor
                ctx={ctx}
                si={si}
                qi={qi}
                count={s.questions.length}
                q={q}
                earlier={conditions.filter((x) => {
                  const [a1, b1] = x.at.split('.').map(Number)
                  return order(a1!, b1!) < order(si, qi)
                })}
                errors={errors}
                focus={focus}
              />
            ))}
            <div class="builder-actions">
              <button type="submit" name="op" value={`add_question:${si}`} class="secondary">
                {t('consultations.builder.add_question')}
              </button>
              {v.draft.sections.length > 1 ? (
                <button type="submit" name="op" value={`remove_section:${si}`} class="secondary">
                  {t('consultations.builder.remove_section')}
                </button>
              ) : null}
            </div>
          </section>
        ))}
        <div class="builder-actions">
          <button type="submit" name="op" value="add_section" class="secondary">
            {t('consultations.builder.add_section')}
          </button>
        </div>
        <div class="form-actions">
          <button type="submit" name="op" value="save">
            {t('action.save')}
          </button>
          <a href={existing ? `/consultations/${existing.id}` : '/consultations'}>{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>
  )
}

/** Handles a builder post: an operation re-renders the form; "save" validates and calls `save`. */
async function handleBuilderPost(
  c: Context<AppEnv>,
  existing: Consultation | undefined,
  save: (input: ConsultationInput) => Promise<Consultation>,
) {
  const all = await formFieldsAll(c)
  const values = valuesFromForm(all)
  const op = parseOp(all.op?.[all.op.length - 1])
  if (op && op !== 'save') {
    const { draft, focus } = applyOp(values.draft, op)
    return c.html(await formPage(c, existing, { ...values, draft }, undefined, undefined, focus))
  }
  // Saving gives new questions and options their ids first, so the form shows them if it comes back.
  const withIds = { ...values, draft: assignIds(values.draft) }
  const raw = inputFromValues(withIds) as Record<string, unknown>
  // Once open, who is asked and how answers are shared are fixed; their fields are disabled in the form.
  const input =
    existing?.status === 'open'
      ? {
          ...raw,
          purpose: existing.purpose,
          meetingId: existing.meetingId ?? '',
          confidentiality: existing.confidentiality,
          audience: existing.audience,
          opensAt: existing.opensAt,
        }
      : raw
  const v = validate(ConsultationInputSchema, input)
  if (!v.ok) return c.html(await formPage(c, existing, withIds, builderErrors(v.errors)), 422)
  try {
    const saved = await save(v.data)
    return c.redirect(`/consultations/${saved.id}?notice=${existing ? 'saved' : 'created'}`, 303)
  } catch (error) {
    // A refusal (a stale state, a Sector outside the user's scope) comes back on the form, nothing lost.
    if (
      error instanceof AppError &&
      (error.fieldErrors || error.status === 409 || error.code === 'SECTOR_OUT_OF_SCOPE')
    ) {
      return c.html(
        await formPage(c, existing, withIds, builderErrors(error.fieldErrors ?? {}), error.code),
        error.status,
      )
    }
    throw error
  }
}

consultationPages.get('/consultations/new', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const db = c.get('deps').database.db
  const from = c.req.query('from')
  if (from && /^[0-9a-f-]{36}$/i.test(from)) {
    const source = await consultations.getConsultation(db, ctx.actor, from, ctx.lang)
    return c.html(await formPage(c, undefined, valuesFromConsultation(source, true)))
  }
  const given = c.req.query('meetingId')
  const meetingId = given && /^[0-9a-f-]{36}$/i.test(given) ? given : ''
  return c.html(await formPage(c, undefined, defaultValues(meetingId, await meetingSector(c, meetingId))))
})

/** A consultation started from a meeting belongs, at first, to the meeting's Sector when the user may write it. */
async function meetingSector(c: Context<AppEnv>, meetingId: string): Promise<string> {
  if (!meetingId) return ''
  const db = c.get('deps').database.db
  const m = await db.selectFrom('meeting').select('sector_id').where('id', '=', meetingId).executeTakeFirst()
  if (!m || !inScope(pageCtx(c).actor, m.sector_id)) return ''
  return sectorCodeOf(await listSectors(db, 'en'), m.sector_id)
}

consultationPages.post('/consultations/new', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  return handleBuilderPost(c, undefined, (input) =>
    consultations.createConsultation(c.get('deps').database.db, ctx.actor, input, ctx.lang),
  )
})

consultationPages.get('/consultations/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const existing = await consultations.getConsultation(
    c.get('deps').database.db,
    ctx.actor,
    uuidParam(c, 'id'),
    ctx.lang,
  )
  if (existing.status === 'closed') throw new AppError('CONSULTATION_STATE_INVALID', { status: 'closed' })
  // Refused before the form is filled in, rather than on saving it.
  await assertRecordInScope(c.get('deps').database.db, ctx.actor, 'consultation', existing.id)
  return c.html(await formPage(c, existing, valuesFromConsultation(existing)))
})

consultationPages.post('/consultations/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  if (!isStaff(ctx.actor)) deny(ctx.actor)
  const db = c.get('deps').database.db
  const existing = await consultations.getConsultation(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  return handleBuilderPost(c, existing, (input) =>
    consultations.updateConsultation(db, ctx.actor, existing.id, input, ctx.lang),
  )
})

// ---------------------------------------------------------------- one consultation

function audienceText(ctx: PageCtx, audience: Record<string, unknown>, groupName?: string): string {
  const { t } = ctx
  const list = (k: string) => (Array.isArray(audience[k]) ? (audience[k] as string[]) : [])
  const parts: string[] = [
    t(`consultations.audience_kinds.${audience.kind === 'organizations' ? 'organizations' : 'countries'}`),
  ]
  if (audience.developmentStatus) parts.push(t(`development.${String(audience.developmentStatus)}`))
  if (list('tags').length)
    parts.push(
      list('tags')
        .map((x) => t(`tag.${x}`))
        .join(' / '),
    )
  if (list('regions').length)
    parts.push(
      list('regions')
        .map((x) => t(`region.${x}`))
        .join(', '),
    )
  if (list('categories').length)
    parts.push(
      list('categories')
        .map((x) => t(`category.${x}`))
        .join(', '),
    )
  if (groupName) parts.push(groupName)
  const chosen = list('countries').length + list('organizations').length
  if (chosen) parts.push(t('consultations.audience_chosen', { count: chosen }))
  return parts.join(' · ')
}

const QuestionnairePreview: FC<{ ctx: PageCtx; q: Questionnaire }> = ({ ctx, q }) => (
  <ol class="questionnaire-preview">
    {q.sections.map((s) => (
      <li>
        <strong>{pick(s.title as Localized, ctx.lang)}</strong>
        <ol>
          {s.questions.map((x) => (
            <li>
              {pick(x.text as Localized, ctx.lang)}{' '}
              <span class="muted">
                ({ctx.t(`consultations.question_types.${x.type}`)}
                {x.required ? `, ${ctx.t('consultations.builder.required')}` : ''}
                {x.showIf ? `, ${ctx.t('consultations.conditional', { question: x.showIf.question })}` : ''})
              </span>
            </li>
          ))}
        </ol>
      </li>
    ))}
  </ol>
)

consultationPages.get('/consultations/:id', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const x = await consultations.getConsultation(db, ctx.actor, id, ctx.lang)
  const staff = isStaff(ctx.actor)
  const [targets, meetingTitle, groups, sectors] = await Promise.all([
    isUser(ctx.actor) ? consultations.targetsFor(db, ctx.actor, id, ctx.lang) : Promise.resolve([]),
    x.meetingId
      ? db
          .selectFrom('meeting')
          .select('titles')
          .where('id', '=', x.meetingId)
          .executeTakeFirst()
          .then((m) => (m ? pick(m.titles as Localized, ctx.lang) : ''))
      : Promise.resolve(''),
    listGroups(db, ctx.actor, ctx.lang),
    listSectors(db, ctx.lang),
  ])
  const sectorId = x.sector === null ? null : (sectors.find((s) => s.code === x.sector)?.id ?? null)
  // A secretariat limited to another Sector reads the consultation but does not change it.
  const writable = staff && inScope(ctx.actor, sectorId)
  const groupId = (x.audience as { groupId?: string }).groupId
  const groupName = groupId ? groups.find((g) => g.id === groupId)?.name : undefined
  const q = QuestionnaireSchema.parse(x.questionnaire)
  const published = x.confidentiality === 'aggregated_public' && x.status !== 'draft'
  return c.html(
    <Layout ctx={ctx} title={x.title}>
      <p class="breadcrumb">
        <a href="/consultations">{t('consultations.list_title')}</a>
      </p>
      <div class="page-head">
        <h1>
          {x.title} <StatusBadge ctx={ctx} status={x.status} />
        </h1>
      </div>
      <Notice ctx={ctx} />
      {staff && !writable ? (
        <p class="notice">
          {t('consultations.sector_read_only', {
            sectors: (sectorScope(ctx.actor) ?? [])
              .map((id) => sectors.find((s) => s.id === id)?.code ?? '')
              .filter(Boolean)
              .join(', '),
          })}
        </p>
      ) : null}
      {staff ? (
        <div class="actions">
          {writable && x.status !== 'closed' ? (
            <a class="button secondary" href={`/consultations/${id}/edit`}>
              {t('action.edit')}
            </a>
          ) : null}
          {writable && x.status === 'draft' ? (
            <ConfirmButton
              ctx={ctx}
              action={`/consultations/${id}/open`}
              label={t('consultations.open_action')}
              confirm={t('consultations.open_confirm')}
            />
          ) : null}
          {writable && x.status === 'open' ? (
            <ConfirmButton
              ctx={ctx}
              action={`/consultations/${id}/close`}
              label={t('consultations.close_action')}
              confirm={t('consultations.close_confirm')}
              danger
            />
          ) : null}
          <a class="button secondary" href={`/consultations/new?from=${id}`}>
            {t('consultations.copy_action')}
          </a>
        </div>
      ) : null}
      <dl class="facts">
        <dt>{t('structure.sector')}</dt>
        <dd>{sectorName(ctx, sectors, x.sector)}</dd>
        <dt>{t('consultations.purpose')}</dt>
        <dd>{t(`consultations.purposes.${x.purpose}`)}</dd>
        {x.meetingId ? (
          <>
            <dt>{t('consultations.meeting')}</dt>
            <dd>
              <a href={`/meetings/${x.meetingId}`}>{meetingTitle}</a>
            </dd>
          </>
        ) : null}
        <dt>{t('consultations.opens')}</dt>
        <dd>{formatDateTime(x.opensAt, ctx.lang)}</dd>
        <dt>{t('consultations.closes')}</dt>
        <dd>{formatDateTime(x.closesAt, ctx.lang)}</dd>
        <dt>{t('consultations.confidentiality')}</dt>
        <dd>{t(`consultations.confidentialities.${x.confidentiality}`)}</dd>
        {staff ? (
          <>
            <dt>{t('consultations.audience')}</dt>
            <dd>{audienceText(ctx, x.audience, groupName)}</dd>
            <dt>{t('consultations.version')}</dt>
            <dd>{x.questionnaireVersion}</dd>
          </>
        ) : null}
        {x.copiedFrom && staff ? (
          <>
            <dt>{t('consultations.copied_from')}</dt>
            <dd>
              <a href={`/consultations/${x.copiedFrom}`}>{t('consultations.copied_from_link')}</a>
            </dd>
          </>
        ) : null}
        {x.status !== 'draft' ? (
          <>
            <dt>{t('consultations.response_rate')}</dt>
            <dd>{staff || published ? rate(ctx, x.submitted, x.targets) : '—'}</dd>
          </>
        ) : null}
        {x.invitations ? <InvitationFacts ctx={ctx} invitations={x.invitations} /> : null}
      </dl>
      {x.status !== 'draft' && (staff || published) ? (
        <p class="actions">
          <a class="button" href={`/consultations/${id}/results`}>
            {t('consultations.results_action')}
          </a>
        </p>
      ) : null}
      {!staff && targets.length ? (
        <section aria-labelledby="yours">
          <h2 id="yours">{t('consultations.your_responses')}</h2>
          <ul class="plain">
            {targets.map((tg) => (
              <li>
                {consultations.respondentsMayRead(x) ? (
                  <a href={`/consultations/${id}/respond/${tg.id}`}>
                    {x.status === 'open' && tg.responseState !== 'submitted'
                      ? t('consultations.answer_for', { target: tg.name })
                      : t('consultations.view_for', { target: tg.name })}
                  </a>
                ) : (
                  tg.name
                )}{' '}
                <span class={`badge response-${tg.responseState}`}>
                  {t(`consultations.response_state.${tg.responseState}`)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {staff && x.status !== 'draft' ? (
        <section aria-labelledby="targets">
          <h2 id="targets">{t('consultations.targets', { count: targets.length })}</h2>
          {targets.length === 0 ? (
            <p class="empty">{t('consultations.no_targets')}</p>
          ) : (
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{t('consultations.respondent')}</th>
                  <th scope="col">{t('field.status')}</th>
                </tr>
              </thead>
              <tbody>
                {targets.map((tg) => (
                  <tr>
                    <td>
                      {tg.responseState === 'none' ? (
                        tg.name
                      ) : (
                        <a href={`/consultations/${id}/respond/${tg.id}`}>{tg.name}</a>
                      )}
                    </td>
                    <td>
                      <span class={`badge response-${tg.responseState}`}>
                        {t(`consultations.response_state.${tg.responseState}`)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      {staff ? (
        <section aria-labelledby="questions">
          <h2 id="questions">{t('consultations.questionnaire')}</h2>
          <QuestionnairePreview ctx={ctx} q={q} />
        </section>
      ) : null}
    </Layout>,
  )
})

for (const verb of ['open', 'close'] as const) {
  consultationPages.post(`/consultations/:id/${verb}`, async (c) => {
    const ctx = pageCtx(c)
    const db = c.get('deps').database.db
    const id = uuidParam(c, 'id')
    if (verb === 'open') await consultations.openConsultation(db, ctx.actor, id, c.get('deps').env.publicUrl)
    else await consultations.closeConsultation(db, ctx.actor, id)
    return c.redirect(
      `/consultations/${id}?notice=${verb === 'open' ? 'consultation_opened' : 'consultation_closed'}`,
      303,
    )
  })
}

// ---------------------------------------------------------------- answering

type Question = Questionnaire['sections'][number]['questions'][number]

/** The answers a submitted response form holds, shaped as the API takes them. */
function answersFromForm(q: Questionnaire, all: Record<string, string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const one = (k: string) => all[k]?.[all[k].length - 1]
  for (const x of q.sections.flatMap((s) => s.questions)) {
    const name = `a.${x.id}`
    switch (x.type) {
      case 'multiple_choice':
        if (all[name]?.length) out[x.id] = all[name]
        break
      case 'ranking': {
        const positions = (x.options ?? []).map((o) => ({
          id: o.id,
          at: Number(one(`${name}.${o.id}`) || NaN),
        }))
        const given = positions.filter((p) => Number.isInteger(p.at))
        if (!given.length) break
        // An incomplete or repeated ranking is passed on as given, so the check reports it.
        out[x.id] =
          given.length === positions.length && new Set(given.map((p) => p.at)).size === given.length
            ? given.sort((a, b) => a.at - b.at).map((p) => p.id)
            : given.map((p) => p.id).slice(0, -1)
        break
      }
      case 'topic_proposal': {
        const topics = []
        for (let k = 0; k < 5; k++) {
          const title = one(`${name}.${k}.title`) ?? ''
          const description = one(`${name}.${k}.description`) ?? ''
          if (title.trim() || description.trim()) topics.push({ title, description })
        }
        if (topics.length) out[x.id] = topics
        break
      }
      default: {
        const v = one(name)
        if (v !== undefined && v !== '') out[x.id] = v
      }
    }
  }
  return out
}

const AnswerInput: FC<{
  ctx: PageCtx
  q: Question
  value: unknown
  disabled: boolean
  describedBy?: string | undefined
}> = ({ ctx, q, value, disabled, describedBy }) => {
  const { t, lang } = ctx
  const name = `a.${q.id}`
  const label = (o: { label: unknown }) => pick(o.label as Localized, lang)
  const arr = Array.isArray(value) ? (value as unknown[]) : []
  switch (q.type) {
    case 'single_choice':
    case 'multiple_choice':
      return (
        <div class="choices">
          {(q.options ?? []).map((o) => (
            <label>
              <input
                type={q.type === 'single_choice' ? 'radio' : 'checkbox'}
                name={name}
                value={o.id}
                checked={q.type === 'single_choice' ? value === o.id : arr.includes(o.id)}
                disabled={disabled}
                aria-describedby={describedBy}
              />{' '}
              {label(o)}
            </label>
          ))}
        </div>
      )
    case 'likert': {
      const points = q.points ?? 5
      return (
        <div class="choices likert">
          {Array.from({ length: points }, (_, i) => i + 1).map((n) => (
            <label>
              <input
                type="radio"
                name={name}
                value={String(n)}
                checked={Number(value) === n}
                disabled={disabled}
                aria-describedby={describedBy}
              />{' '}
              {n === 1
                ? t('consultations.likert_low', { n })
                : n === points
                  ? t('consultations.likert_high', { n })
                  : new Intl.NumberFormat(lang).format(n)}
            </label>
          ))}
        </div>
      )
    }
    case 'ranking': {
      const n = q.options?.length ?? 0
      return (
        <div class="ranking">
          {(q.options ?? []).map((o) => {
            const at = arr.indexOf(o.id) + 1
            const id = `f-a-${q.id}-${o.id}`
            return (
              <div class="field inline">
                <select id={id} name={`${name}.${o.id}`} disabled={disabled} aria-describedby={describedBy}>
                  <option value="">—</option>
                  {Array.from({ length: n }, (_, i) => i + 1).map((p) => (
                    <option value={String(p)} selected={p === at}>
                      {new Intl.NumberFormat(lang).format(p)}
                    </option>
                  ))}
                </select>{' '}
                <label for={id}>{label(o)}</label>
              </div>
            )
          })}
        </div>
      )
    }
    case 'number':
      return (
        <input
          id={`f-a-${q.id}`}
          name={name}
          type="number"
          step="any"
          min={q.min}
          max={q.max}
          value={value === undefined ? '' : String(value)}
          disabled={disabled}
          aria-describedby={describedBy}
        />
      )
    case 'short_text':
      return (
        <input
          id={`f-a-${q.id}`}
          name={name}
          value={typeof value === 'string' ? value : ''}
          maxlength={q.maxLength ?? 300}
          disabled={disabled}
          aria-describedby={describedBy}
        />
      )
    case 'long_text':
      return (
        <textarea
          id={`f-a-${q.id}`}
          name={name}
          rows={6}
          maxlength={q.maxLength ?? 10000}
          disabled={disabled}
          aria-describedby={describedBy}
        >
          {typeof value === 'string' ? value : ''}
        </textarea>
      )
    case 'topic_proposal': {
      const topics = arr as { title?: string; description?: string }[]
      const rows = Math.min(5, Math.max(3, topics.length + 1))
      return (
        <div class="topics">
          {Array.from({ length: rows }, (_, k) => (
            <fieldset class="topic">
              <legend>{t('consultations.topic_n', { n: k + 1 })}</legend>
              <div class="field">
                <label for={`f-a-${q.id}-${k}-title`}>{t('consultations.topic_title')}</label>
                <input
                  id={`f-a-${q.id}-${k}-title`}
                  name={`${name}.${k}.title`}
                  value={topics[k]?.title ?? ''}
                  maxlength={200}
                  disabled={disabled}
                />
              </div>
              <div class="field">
                <label for={`f-a-${q.id}-${k}-description`}>{t('consultations.topic_description')}</label>
                <textarea
                  id={`f-a-${q.id}-${k}-description`}
                  name={`${name}.${k}.description`}
                  rows={2}
                  maxlength={2000}
                  disabled={disabled}
                >
                  {topics[k]?.description ?? ''}
                </textarea>
              </div>
            </fieldset>
          ))}
        </div>
      )
    }
  }
}

async function respondPage(
  c: Context<AppEnv>,
  overrides: { answers?: Record<string, unknown>; errors?: FormErrors; code?: string } = {},
) {
  const ctx = pageCtx(c)
  const { t, lang } = ctx
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const targetId = uuidParam(c, 'targetId')
  const x = await consultations.getConsultation(db, ctx.actor, id, lang)
  const response = await consultations.getResponse(db, ctx.actor, id, targetId)
  const [targets, history] = await Promise.all([
    consultations.targetsFor(db, ctx.actor, id, lang),
    consultations.responseHistory(db, ctx.actor, id, targetId),
  ])
  const target = targets.find((tg) => tg.id === targetId)
  if (!target) throw new AppError('RESPONSE_NOT_FOUND')
  const now = Date.now()
  const inWindow =
    x.status === 'open' && new Date(x.opensAt).getTime() <= now && now < new Date(x.closesAt).getTime()
  const editable = inWindow && !isStaff(ctx.actor)
  const q = QuestionnaireSchema.parse(x.questionnaire)
  const answers = overrides.answers ?? response?.answers ?? {}
  const errors = overrides.errors ?? {}
  const submitted = response?.state === 'submitted'
  const title = t('consultations.respond_title', { title: x.title, target: target.name })
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href={`/consultations/${id}`}>{x.title}</a>
      </p>
      <h1>{title}</h1>
      <Notice ctx={ctx} />
      {overrides.code ? (
        <div class="error-summary" role="alert" tabindex={-1} data-focus>
          <h2>{t('form.error_title')}</h2>
          <p>{t(`errors.${overrides.code}`)}</p>
          <ul>
            {Object.entries(errors).map(([qid, msgs]) => {
              const qq = q.sections.flatMap((s) => s.questions).find((y) => y.id === qid)
              return (
                <li>
                  <a href={`#f-a-${qid}`}>
                    {qq ? pick(qq.text as Localized, lang) : qid}:{' '}
                    {msgs.map((m) => t(`validation.${m}`, { defaultValue: m })).join(' ')}
                  </a>
                </li>
              )
            })}
          </ul>
        </div>
      ) : null}
      <p class="lead">{t('consultations.respond_intro', { closes: formatDateTime(x.closesAt, lang) })}</p>
      <p>
        <span class={`badge response-${response?.state ?? 'none'}`}>
          {t(`consultations.response_state.${response?.state ?? 'none'}`)}
        </span>{' '}
        {response
          ? t('consultations.last_saved', {
              when: formatDateTime(response.updatedAt, lang),
              by: history[0]?.by ?? '',
            })
          : null}
      </p>
      {!editable ? (
        <p class="notice">
          {isStaff(ctx.actor) ? t('consultations.staff_read_only') : t('consultations.not_open_now')}
        </p>
      ) : submitted ? (
        <p class="notice">{t('consultations.amend_hint')}</p>
      ) : null}
      <form method="post" novalidate data-conditions>
        <Csrf ctx={ctx} />
        {q.sections.map((s) => (
          <section class="questionnaire-section">
            <h2>{pick(s.title as Localized, lang)}</h2>
            {s.description ? <p>{pick(s.description as Localized, lang)}</p> : null}
            {s.questions.map((qq) => {
              const err = errors[qq.id]
              const help = qq.help ? pick(qq.help as Localized, lang) : ''
              const described =
                [help ? `h-${qq.id}` : '', err ? `e-${qq.id}` : ''].filter(Boolean).join(' ') || undefined
              const grouped = qq.type !== 'number' && qq.type !== 'short_text' && qq.type !== 'long_text'
              const label = (
                <>
                  {pick(qq.text as Localized, lang)}
                  {qq.required ? (
                    <span class="required-mark"> ({t('consultations.builder.required')})</span>
                  ) : null}
                </>
              )
              // Help and error, between the question and its answer, named by aria-describedby.
              const notes = (
                <>
                  {help ? (
                    <p class="hint" id={`h-${qq.id}`}>
                      {help}
                    </p>
                  ) : null}
                  {err ? (
                    <p class="field-error" id={`e-${qq.id}`}>
                      {err.map((e) => t(`validation.${e}`, { defaultValue: e })).join(' ')}
                    </p>
                  ) : null}
                </>
              )
              return (
                <div
                  class={`question field${err ? ' has-error' : ''}`}
                  id={grouped ? `f-a-${qq.id}` : `q-${qq.id}`}
                  tabindex={grouped && err ? -1 : undefined}
                  data-question={qq.id}
                  data-show-if={qq.showIf ? `${qq.showIf.question}:${qq.showIf.option}` : undefined}
                >
                  {grouped ? (
                    <fieldset aria-describedby={described}>
                      <legend>{label}</legend>
                      {notes}
                      <AnswerInput ctx={ctx} q={qq} value={answers[qq.id]} disabled={!editable} />
                    </fieldset>
                  ) : (
                    <>
                      <label for={`f-a-${qq.id}`}>{label}</label>
                      {notes}
                      <AnswerInput
                        ctx={ctx}
                        q={qq}
                        value={answers[qq.id]}
                        disabled={!editable}
                        describedBy={described}
                      />
                    </>
                  )}
                  {qq.showIf ? (
                    <p class="hint conditional">
                      {t('consultations.conditional', { question: qq.showIf.question })}
                    </p>
                  ) : null}
                </div>
              )
            })}
          </section>
        ))}
        {editable ? (
          <div class="form-actions">
            {submitted ? (
              <button type="submit" name="op" value="submit">
                {t('consultations.save_changes')}
              </button>
            ) : (
              <>
                <button type="submit" name="op" value="submit">
                  {t('consultations.submit')}
                </button>
                <button type="submit" name="op" value="draft" class="secondary">
                  {t('consultations.save_draft')}
                </button>
              </>
            )}
          </div>
        ) : null}
      </form>
      {history.length ? (
        <section aria-labelledby="history">
          <h2 id="history">{t('consultations.history')}</h2>
          <ul class="plain">
            {history.map((h) => (
              <li>
                {formatDateTime(h.at, lang)} · {h.by} · {t(`consultations.response_state.${h.state}`)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  )
}

consultationPages.get('/consultations/:id/respond/:targetId', async (c) => c.html(await respondPage(c)))

consultationPages.post('/consultations/:id/respond/:targetId', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const targetId = uuidParam(c, 'targetId')
  const x = await consultations.getConsultation(db, ctx.actor, id, ctx.lang)
  const all = await formFieldsAll(c)
  const answers = answersFromForm(QuestionnaireSchema.parse(x.questionnaire), all)
  const submit = all.op?.[0] === 'submit'
  try {
    const saved = await consultations.saveResponse(db, ctx.actor, id, targetId, { answers, submit })
    return c.redirect(
      `/consultations/${id}/respond/${targetId}?notice=${saved.state === 'submitted' ? 'response_submitted' : 'response_saved'}`,
      303,
    )
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.code === 'VALIDATION_FAILED' || error.code === 'CONSULTATION_NOT_OPEN')
    ) {
      const errors = Object.fromEntries(
        Object.entries(error.fieldErrors ?? {}).map(([k, v]) => [k.replace(/^answers\./, ''), v]),
      )
      return c.html(await respondPage(c, { answers, errors, code: error.code }), error.status)
    }
    throw error
  }
})

// ---------------------------------------------------------------- results

consultationPages.get('/consultations/:id/results', async (c) => {
  const ctx = pageCtx(c)
  const { t, lang } = ctx
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const x = await consultations.getConsultation(db, ctx.actor, id, lang)
  const r = await consultationResults(db, ctx.actor, id)
  const rtl = direction(lang) === 'rtl'
  const nf = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 })
  const questions = new Map(
    QuestionnaireSchema.parse(x.questionnaire)
      .sections.flatMap((s) => s.questions)
      .map((q) => [q.id, q]),
  )
  const optionLabel = (q: Question | undefined, oid: string) =>
    pick(q?.options?.find((o) => o.id === oid)?.label as Localized | undefined, lang) || oid
  const rows = (list: typeof r.byRegion, prefix: string) =>
    list.map((row) => ({
      label: row.key ? t(`${prefix}.${row.key}`) : t('consultations.results.unknown'),
      part: row.submitted,
      whole: row.targets,
    }))
  const exportBase = `/api/v1/consultations/${id}/export`
  return c.html(
    <Layout ctx={ctx} title={t('consultations.results.title', { title: x.title })}>
      <p class="breadcrumb">
        <a href={`/consultations/${id}`}>{x.title}</a>
      </p>
      <h1>{t('consultations.results.title', { title: x.title })}</h1>
      {r.published ? (
        <p class="notice">{t('consultations.results.published_note', { min: MIN_CELL_SIZE })}</p>
      ) : null}
      <p class="actions">
        {!r.published ? (
          <a class="button secondary" href={`${exportBase}?format=csv&table=responses`} download>
            {t('consultations.results.export_responses_csv')}
          </a>
        ) : null}
        <a class="button secondary" href={`${exportBase}?format=csv&table=summary`} download>
          {t('consultations.results.export_summary_csv')}
        </a>
        <a class="button secondary" href={`${exportBase}?format=xlsx`} download>
          {t('consultations.results.export_xlsx')}
        </a>
      </p>
      <section aria-labelledby="rate">
        <h2 id="rate">{t('consultations.results.response_rate')}</h2>
        <p class="big-figure">{rate(ctx, r.submitted, r.targets)}</p>
        {r.byRegion.length ? (
          <Chart
            svg={percentChart(t('consultations.results.by_region'), rows(r.byRegion, 'region'), {
              rtl,
              locale: lang,
            })}
          />
        ) : null}
        {r.byDevelopmentStatus.length ? (
          <Chart
            svg={percentChart(
              t('consultations.results.by_status'),
              rows(r.byDevelopmentStatus, 'development'),
              {
                rtl,
                locale: lang,
              },
            )}
          />
        ) : null}
      </section>
      {r.submitted === 0 ? <p class="empty">{t('consultations.results.no_answers')}</p> : null}
      {r.questions.map((s) => {
        const q = questions.get(s.id)
        const text = q ? pick(q.text as Localized, lang) : s.id
        return (
          <section class="result" aria-labelledby={`r-${s.id}`}>
            <h2 id={`r-${s.id}`}>{text}</h2>
            <p class="muted">
              {s.answered === null
                ? t('consultations.results.hidden_small')
                : t('consultations.results.answered', { count: s.answered })}
            </p>
            {s.options?.length && s.answered ? (
              <Chart
                svg={barChart({
                  title: text,
                  bars: s.options.map((o) => ({
                    label: s.type === 'likert' ? nf.format(Number(o.id)) : optionLabel(q, o.id),
                    value: o.count,
                  })),
                  format: (n) => nf.format(n),
                  rtl,
                })}
              />
            ) : null}
            {s.mean !== undefined && s.mean !== null ? (
              <p>
                {t('consultations.results.stats', {
                  mean: nf.format(s.mean),
                  min: nf.format(s.min ?? 0),
                  max: nf.format(s.max ?? 0),
                })}
              </p>
            ) : null}
            {s.averageRank?.length && s.answered ? (
              <Chart
                svg={barChart({
                  title: `${text} — ${t('consultations.results.average_rank')}`,
                  bars: s.averageRank.map((o) => ({ label: optionLabel(q, o.id), value: o.rank })),
                  format: (n) => nf.format(n),
                  rtl,
                })}
              />
            ) : null}
            {s.texts?.length ? (
              <ul class="answers">
                {s.texts.map((a) => (
                  <li>{a}</li>
                ))}
              </ul>
            ) : null}
            {s.topics?.length ? (
              <ul class="answers topics">
                {s.topics.map((tp) => (
                  <li>
                    <strong>{tp.title}</strong>
                    {tp.description ? <p>{tp.description}</p> : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        )
      })}
    </Layout>,
  )
})

// ---------------------------------------------------------------- personal links

const LinkPage: FC<{ ctx: PageCtx; token: string; info?: LinkInfo | undefined; failed?: boolean }> = ({
  ctx,
  token,
  info,
  failed,
}) => {
  const { t } = ctx
  const valid = info?.state === 'valid' && !failed
  const next = info ? `/consultations/${info.consultationId}/respond/${info.targetId}` : '/consultations'
  return (
    <Layout ctx={ctx} title={t('consultations.link.title')} status="narrow">
      <h1>{t('consultations.link.title')}</h1>
      {info ? (
        <p class="lead">{t('consultations.link.for', { title: info.title, target: info.target })}</p>
      ) : null}
      {valid ? (
        <form method="post" action={`/c/${encodeURIComponent(token)}`}>
          <Csrf ctx={ctx} />
          <p>{t('consultations.link.confirm')}</p>
          <button type="submit">{t('consultations.link.continue')}</button>
        </form>
      ) : (
        <div class="error-summary" role="alert">
          <p>{t(`consultations.link.${info && !failed ? info.state : 'invalid'}`)}</p>
          <p>
            <a href={`/auth/sign-in?next=${encodeURIComponent(next)}`}>{t('consultations.link.sign_in')}</a>
          </p>
        </div>
      )}
    </Layout>
  )
}

// The link is used only by the button: mail scanners that open links would otherwise use it up.
consultationPages.get('/c/:token', async (c) => {
  const ctx = pageCtx(c)
  const token = c.req.param('token')
  c.header('Referrer-Policy', 'no-referrer')
  const info = token.length < 200 ? await inspectLink(c.get('deps').database.db, token, ctx.lang) : undefined
  return c.html(<LinkPage ctx={ctx} token={token} info={info} />, info?.state === 'valid' ? 200 : 400)
})

consultationPages.post('/c/:token', async (c) => {
  const ctx = pageCtx(c)
  const token = c.req.param('token')
  const db = c.get('deps').database.db
  c.header('Referrer-Policy', 'no-referrer')
  try {
    const used = await useLink(db, token, c.req.header('User-Agent'))
    writeCookie(c, 'session', used.session.token, SESSION_ABSOLUTE_HOURS * 3600)
    clearCookie(c, 'csrf')
    return c.redirect(`/consultations/${used.consultationId}/respond/${used.targetId}`, 303)
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOKEN_INVALID') {
      const info = token.length < 200 ? await inspectLink(db, token, ctx.lang) : undefined
      return c.html(<LinkPage ctx={ctx} token={token} info={info} failed />, 400)
    }
    throw error
  }
})

// ---------------------------------------------------------------- on the meeting page

/** The meeting page's panel: its consultations, whom and when they asked, and what they produced. */
export const MeetingConsultationsPanel: FC<{
  ctx: PageCtx
  meetingId: string
  items: consultations.MeetingConsultation[]
}> = ({ ctx, meetingId, items }) => {
  const { t, lang } = ctx
  const staff = isStaff(ctx.actor)
  if (!items.length && !staff) return null
  const nf = new Intl.NumberFormat(lang)
  return (
    <section aria-labelledby="consultations-h" class="panel">
      <h2 id="consultations-h">{t('consultations.meeting_panel')}</h2>
      {items.length === 0 ? (
        <p class="empty">{t('consultations.meeting_none')}</p>
      ) : (
        items.map((x) => (
          <article class="meeting-consultation">
            <h3>
              <a href={`/consultations/${x.id}`}>{x.title}</a> <StatusBadge ctx={ctx} status={x.status} />
            </h3>
            <dl class="facts">
              <dt>{t('consultations.purpose')}</dt>
              <dd>{t(`consultations.purposes.${x.purpose}`)}</dd>
              {x.invitations ? <InvitationFacts ctx={ctx} invitations={x.invitations} /> : null}
              {x.status !== 'draft' ? (
                <>
                  <dt>{t('consultations.response_rate')}</dt>
                  <dd>{rate(ctx, x.submitted, x.targets)}</dd>
                </>
              ) : null}
              {x.leadDays !== null ? (
                <>
                  <dt>{t('consultations.lead_time')}</dt>
                  <dd>
                    {x.leadDays >= 0
                      ? t('consultations.lead_days', { count: x.leadDays, n: nf.format(x.leadDays) })
                      : t('consultations.lead_after')}
                  </dd>
                </>
              ) : null}
              <dt>{t('consultations.closes')}</dt>
              <dd>{formatDateTime(x.closesAt, lang)}</dd>
            </dl>
            {x.topics.length ? (
              <>
                <h4>{t('consultations.topics_proposed', { count: x.topics.length })}</h4>
                <ul class="answers topics">
                  {x.topics.map((tp) => (
                    <li>
                      <strong>{tp.title}</strong> <span class="muted">— {tp.from}</span>
                      {tp.description ? <p>{tp.description}</p> : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {x.needs.length ? (
              <>
                <h4>{t('consultations.needs_expressed', { count: x.needs.length })}</h4>
                <ul class="answers">
                  {x.needs.map((n) => (
                    <li>
                      {n.text} <span class="muted">— {n.from}</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </article>
        ))
      )}
      {staff ? (
        <p>
          <a class="button secondary" href={`/consultations/new?meetingId=${meetingId}`}>
            {t('consultations.new_for_meeting')}
          </a>
        </p>
      ) : null}
    </section>
  )
}
