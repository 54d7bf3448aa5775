import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ROLES } from '../features/auth/auth.policy.ts'
import {
  CATEGORIES,
  COUNTRY_TAGS,
  DEVELOPMENT_STATUSES,
  GROUP_KINDS,
  ITU_REGIONS,
  SEGMENTS,
  SENIORITIES,
} from '../features/directory/directory.schema.ts'
import type { ErrorCode } from '../http/errors.ts'
import { LANGUAGES, type Language, loadCatalog } from './i18n.ts'

type Tree = { [k: string]: string | Tree }
const load = (lang: Language) => loadCatalog(lang) as Tree

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

const PLURAL = /_(zero|one|two|few|many|other)$/
const base = (key: string) => key.replace(PLURAL, '')
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()
const en = flatten(load('en'))

for (const lang of LANGUAGES) {
  test(`the ${lang} catalog has every English message, with the same placeholders and the language's plural forms`, () => {
    const catalog = flatten(load(lang))
    const categories = new Set(new Intl.PluralRules(lang).resolvedOptions().pluralCategories)
    for (const [key, value] of en) {
      if (PLURAL.test(key)) {
        for (const cat of categories)
          assert.ok(catalog.has(`${base(key)}_${cat}`), `${lang}: ${base(key)}_${cat}`)
        continue
      }
      assert.ok(catalog.has(key), `${lang}: missing ${key}`)
      assert.deepEqual(
        placeholders(catalog.get(key)!),
        placeholders(value),
        `${lang}: placeholders of ${key}`,
      )
      assert.notEqual(catalog.get(key)!.trim(), '', `${lang}: empty ${key}`)
    }
    for (const key of catalog.keys())
      assert.ok(
        en.has(key) || (PLURAL.test(key) && [...en.keys()].some((k) => base(k) === base(key))),
        `${lang}: extra key ${key}`,
      )
  })
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) && !n.endsWith('.test.ts') ? [p] : []
  })
}

test('every literal message key used in the code exists in English', () => {
  const missing = new Set<string>()
  for (const file of sources('src')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-z_]+(?:\.[a-z_]+)+)'/g)) {
      const key = m[1]!
      if (!en.has(key) && ![...en.keys()].some((k) => PLURAL.test(k) && base(k) === key)) missing.add(key)
    }
  }
  assert.deepEqual([...missing], [])
})

test('every value of every translated enumeration has a message', () => {
  const families: Record<string, readonly string[]> = {
    region: ITU_REGIONS,
    development: DEVELOPMENT_STATUSES,
    tag: COUNTRY_TAGS,
    tag_long: COUNTRY_TAGS,
    category: CATEGORIES,
    segment: SEGMENTS,
    seniority: SENIORITIES,
    group_kind: GROUP_KINDS,
    role: ROLES,
  }
  for (const [family, values] of Object.entries(families))
    for (const v of values) assert.ok(en.has(`${family}.${v}`), `${family}.${v}`)
  const errorsFile = readFileSync('src/server/http/errors.ts', 'utf8')
  const codes = [...errorsFile.matchAll(/^\s+\| '([A-Z_]+)'$/gm)].map((m) => m[1] as ErrorCode)
  assert.ok(codes.length > 10)
  for (const code of codes) assert.ok(en.has(`errors.${code}`), `errors.${code}`)
})
