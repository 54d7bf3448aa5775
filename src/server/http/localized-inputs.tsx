import type { FC } from 'hono/jsx'
import { direction, LANGUAGE_NAMES, LANGUAGES, type Language, type Localized } from '../i18n/i18n.ts'
import type { FormErrors, PageCtx } from './layout.tsx'

/** Six language fields; the reader's language and English first, the others folded away. */
export const LocalizedInputs: FC<{
  ctx: PageCtx
  name: string
  label: string
  value: Localized
  errors?: FormErrors | undefined
  multiline?: boolean
  required?: boolean
  hint?: string
  focus?: string | undefined
  /** When one page has several forms with this field (the ids must stay unique). */
  idPrefix?: string
  maxlength?: number
}> = ({ ctx, name, label, value, errors, multiline, required, hint, focus, idPrefix, maxlength }) => {
  const err = errors?.[name]
  const base = idPrefix ?? `f-${name.replace(/[^a-z0-9]+/gi, '-')}`
  const id = (l: string) => `${base}-${l}`
  const first: Language[] = ctx.lang === 'en' ? ['en'] : [ctx.lang, 'en']
  const rest = LANGUAGES.filter((l) => !first.includes(l))
  const field = (l: Language) => (
    <div class="field">
      <label for={id(l)} class={required && l === first[0] ? 'required' : undefined}>
        {`${label} (${LANGUAGE_NAMES[l]})`}
      </label>
      {multiline ? (
        <textarea
          id={id(l)}
          name={`${name}.${l}`}
          lang={l}
          dir={direction(l)}
          rows={3}
          aria-invalid={err ? 'true' : undefined}
          autofocus={focus === `${name}.${l}` ? true : undefined}
        >
          {value[l] ?? ''}
        </textarea>
      ) : (
        <input
          type="text"
          id={id(l)}
          name={`${name}.${l}`}
          value={value[l] ?? ''}
          maxlength={maxlength}
          lang={l}
          dir={direction(l)}
          aria-invalid={err ? 'true' : undefined}
          autofocus={focus === `${name}.${l}` ? true : undefined}
        />
      )}
    </div>
  )
  const filled = rest.filter((l) => value[l]).length
  return (
    <div class={`localized${err ? ' has-error' : ''}`} id={base}>
      {hint ? <p class="hint">{hint}</p> : null}
      {first.map(field)}
      <details open={filled > 0 && filled < rest.length ? true : undefined}>
        <summary>{ctx.t('form.translations', { count: filled, total: rest.length })}</summary>
        {rest.map(field)}
      </details>
      {err ? (
        <p class="field-error">{err.map((e) => ctx.t(`validation.${e}`, { defaultValue: e })).join(' ')}</p>
      ) : null}
    </div>
  )
}
