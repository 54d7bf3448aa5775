import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { strFromU8, unzipSync } from 'fflate'
import { sql } from 'kysely'
import { buildGroup, buildMeeting, buildOrganization, buildPerson } from '../testing/factories.ts'
import { useHarness } from '../testing/harness.ts'

/**
 * CSV and XLSX formula injection: values typed into names, titles and answers that a spreadsheet would run
 * as formulas (= + - @ tab CR at the start) come out of every export as text that cannot be evaluated.
 * The API's exports are read from the OpenAPI document, so a new one cannot be missed.
 */
const h = useHarness()

const PLANTED = {
  organization: '=HYPERLINK("http://evil.invalid","click")',
  person: '+SUM(1,2)',
  group: '\r@SUM(1)',
  meeting: '\t=1+1',
  // In the report's text, not in its tables: checked wherever it shows up.
  topic: '=2+2',
  answer: '=cmd|" /C calc"!A0',
  option: '-1+2',
  country: '@evil',
}
const FORMULA_START = /^[=+\-@\t\r]/

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; schema?: { enum?: string[] } }[]
        responses?: Record<string, { content?: Record<string, unknown> }>
      }
    >
  >
}

test('no cell of any CSV or XLSX export can be evaluated as a formula', async () => {
  const sec = await h.user([{ role: 'admin' }])
  const org = await buildOrganization(h.db, { name: PLANTED.organization, country_code: 'KE' })
  const person = await buildPerson(h.db, { organization_id: org.id, name: PLANTED.person })
  const group = await buildGroup(h.db, { names: { en: PLANTED.group } })
  const meeting = await buildMeeting(h.db, {
    group_id: group.id,
    status: 'held',
    starts_at: new Date(Date.now() - 2 * 86400_000),
  })
  await h.db
    .updateTable('meeting')
    .set({ titles: JSON.stringify({ en: PLANTED.meeting }) })
    .where('id', '=', meeting.id)
    .execute()
  await h.db
    .insertInto('meeting_attendance')
    .values({
      meeting_id: meeting.id,
      organization_id: org.id,
      person_id: person.id,
      attended_as: 'principal',
      captured_by: 'list',
    })
    .execute()
  await sql`UPDATE country SET names = jsonb_set(names, '{en}', to_jsonb(${PLANTED.country}::text)) WHERE code = 'KE'`.execute(
    h.db,
  )
  const post = async (path: string, json: unknown, as = sec, method = 'POST') => {
    const res = await h.request(path, { method, as, json })
    assert.ok(res.status < 300, `${path}: ${res.status} ${await res.clone().text()}`)
    return (await res.json()) as { id: string }
  }
  const topic = await post('/api/v1/topics', { titles: { en: PLANTED.topic } })
  await post(`/api/v1/meetings/${meeting.id}/conclusions`, {
    topicId: topic.id,
    texts: { en: 'Noted' },
    type: 'observation',
  })
  const consultation = await post('/api/v1/consultations', {
    titles: { en: 'Formula consultation' },
    purpose: 'pre_meeting_developing_countries',
    audience: { kind: 'organizations', organizations: [org.id] },
    opensAt: new Date(Date.now() - 3600_000).toISOString(),
    closesAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
    confidentiality: 'secretariat',
    questionnaire: {
      sections: [
        {
          id: 'needs',
          title: { en: 'Needs' },
          questions: [
            {
              id: 'pick',
              type: 'single_choice',
              text: { en: 'Pick one' },
              options: [
                { id: 'bad', label: { en: PLANTED.option } },
                { id: 'good', label: { en: 'Fine' } },
              ],
            },
            { id: 'detail', type: 'long_text', text: { en: 'Tell us more' } },
          ],
        },
      ],
    },
  })
  await post(`/api/v1/consultations/${consultation.id}/open`, {})
  const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
  const [target] = (await (
    await h.request(`/api/v1/consultations/${consultation.id}/targets`, { as: rep })
  ).json()) as { id: string }[]
  assert.ok(target)
  await post(
    `/api/v1/consultations/${consultation.id}/responses/${target.id}`,
    { answers: { pick: 'bad', detail: PLANTED.answer }, submit: true },
    rep,
    'PUT',
  )

  // Every API download that is a CSV or a spreadsheet, in each of its formats and tables.
  const doc = (await (await h.request('/api/openapi.json')).json()) as Doc
  const urls: string[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    const op = methods.get
    const types = Object.keys(op?.responses?.['200']?.content ?? {})
    if (!types.some((t) => t === 'text/csv' || t.includes('spreadsheetml'))) continue
    const url = path.replace('{id}', consultation.id)
    assert.ok(!/\{/.test(url), `an export with an unknown parameter: ${path}`)
    const query = (op?.parameters ?? []).filter((p) => p.in === 'query')
    const formats = query
      .find((p) => p.name === 'format')
      ?.schema?.enum?.filter((f) => f === 'csv' || f === 'xlsx')
    const tables = query.find((p) => p.name === 'table')?.schema?.enum ?? [undefined]
    for (const format of formats ?? [undefined])
      for (const table of tables)
        urls.push(
          `${url}?${new URLSearchParams({ ...(format ? { format } : {}), ...(table ? { table } : {}) })}`,
        )
  }
  assert.ok(urls.length >= 7, `API exports: ${urls.join(' ')}`)
  // The pages' downloads, and the CSV of every table of the meeting report, as its page links them.
  urls.push(`/organizations/${org.id}/contributions?format=csv`, '/plan/export?format=csv')
  const analytics = await (await h.request(`/analytics?group=${group.id}`, { as: sec })).text()
  const report = await (await h.request(`/meetings/${meeting.id}/report`, { as: sec })).text()
  const pageLinks = [...`${analytics}${report}`.matchAll(/href="([^"]*format=csv[^"]*)"/g)].map((m) =>
    (m[1] ?? '').replaceAll('&amp;', '&'),
  )
  assert.ok(
    pageLinks.some((u) => u.startsWith('/analytics')),
    'the series page links its CSV',
  )
  assert.ok(pageLinks.filter((u) => u.includes('/report')).length >= 3, 'the report links one CSV per table')
  urls.push(...pageLinks.map((u) => (u.startsWith('?') ? `/meetings/${meeting.id}/report${u}` : u)))

  const found = new Set<string>()
  const see = (cell: string, where: string) => {
    assert.doesNotMatch(cell, FORMULA_START, `${where}: ${JSON.stringify(cell)}`)
    for (const [key, value] of Object.entries(PLANTED)) if (cell.includes(value)) found.add(key)
  }
  for (const url of urls) {
    const res = await h.request(url, { as: sec })
    assert.equal(res.status, 200, `${url}: ${await res.clone().text()}`)
    const type = res.headers.get('Content-Type') ?? ''
    if (type.includes('spreadsheetml')) {
      const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
      for (const [name, bytes] of Object.entries(files)) {
        if (!name.startsWith('xl/')) continue
        const xml = strFromU8(bytes)
        // A formula is an <f> element; a cell with text is a (shared or inline) string, never evaluated.
        assert.doesNotMatch(xml, /<f[\s>]/, `${url} ${name} holds a formula`)
        for (const cell of xml.matchAll(/<c\b([^>]*)>(.*?)<\/c>/gs)) {
          const attrs = cell[1] ?? ''
          if (!/\bt="(s|inlineStr|str)"/.test(attrs))
            assert.match(cell[2] ?? '', /^<v>-?[\d.E+-]+<\/v>$/, `${url} ${name}`)
        }
        for (const text of xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)) {
          const value = (text[1] ?? '')
            .replaceAll('&quot;', '"')
            .replaceAll('&amp;', '&')
            .replaceAll('&lt;', '<')
            .replaceAll('&gt;', '>')
          for (const [key, v] of Object.entries(PLANTED)) if (value.includes(v)) found.add(`xlsx:${key}`)
        }
      }
      continue
    }
    assert.match(type, /^text\/csv/, url)
    const rows = parse(await res.text(), { relax_column_count: true, bom: true }) as string[][]
    assert.ok(rows.length >= 1, url)
    for (const row of rows) for (const cell of row) see(cell, url)
  }
  for (const key of ['organization', 'person', 'group', 'meeting', 'answer', 'option', 'country'])
    assert.ok(found.has(key), `the planted ${key} name was in some CSV export: ${[...found]}`)
  for (const key of ['organization', 'answer', 'option'])
    assert.ok(found.has(`xlsx:${key}`), `the planted ${key} was in the XLSX export: ${[...found]}`)
})
