import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type TestUser, unique, useHarness } from '../../testing/harness.ts'

const h = useHarness()

const questionnaire = {
  sections: [
    {
      id: 's1',
      title: { en: 'Needs' },
      questions: [{ id: 'q1', type: 'long_text', text: { en: 'What do you need?' } }],
    },
  ],
}

type Consultation = {
  id: string
  title: string
  titles: Record<string, string>
  purpose: string
  meetingId: string | null
  audience: Record<string, unknown>
  opensAt: string
  closesAt: string
  confidentiality: string
  questionnaire: Record<string, unknown>
  copiedFrom: string | null
  status: string
  sector: string | null
  questionnaireVersion: number
}
type Problem = { code: string; errors?: Record<string, string[]> }

let sectorIds: Map<string, string> | undefined
/** The Sectors' ids by code (ITU-T, ITU-R and ITU-D exist after setup). */
async function sectors(): Promise<Map<string, string>> {
  sectorIds ??= new Map(
    (await h.db.selectFrom('sector').select(['id', 'code']).execute()).map((s) => [s.code, s.id]),
  )
  return sectorIds
}
const sectorId = async (code: string) => {
  const id = (await sectors()).get(code)
  assert.ok(id, `Sector ${code} exists`)
  return id
}

const body = (title: string, overrides: Record<string, unknown> = {}) => ({
  titles: { en: title },
  purpose: 'general',
  audience: { kind: 'countries', countries: ['SN', 'KE'] },
  opensAt: new Date(Date.now() - 3600_000).toISOString(),
  closesAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
  confidentiality: 'secretariat',
  questionnaire,
  ...overrides,
})

function create(as: TestUser, title: string, sector?: string) {
  return h.request('/api/v1/consultations', {
    method: 'POST',
    as,
    json: body(title, sector === undefined ? {} : { sector }),
  })
}

async function created(as: TestUser, title: string, sector?: string): Promise<Consultation> {
  const res = await create(as, title, sector)
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as Consultation
}

/** The edit input of a consultation as it is, with changes. */
function inputOf(c: Consultation, changes: Record<string, unknown> = {}) {
  return {
    titles: c.titles,
    purpose: c.purpose,
    meetingId: c.meetingId ?? '',
    audience: c.audience,
    opensAt: c.opensAt,
    closesAt: c.closesAt,
    confidentiality: c.confidentiality,
    questionnaire: c.questionnaire,
    copiedFrom: c.copiedFrom ?? '',
    ...changes,
  }
}

const update = (as: TestUser, c: Consultation, changes: Record<string, unknown>) =>
  h.request(`/api/v1/consultations/${c.id}`, { method: 'PUT', as, json: inputOf(c, changes) })

const revise = (as: TestUser, id: string) =>
  h.request(`/api/v1/consultations/${id}/questionnaire`, {
    method: 'PUT',
    as,
    json: {
      sections: [
        {
          id: 's1',
          title: { en: 'Needs, revised' },
          questions: [{ id: 'q1', type: 'long_text', text: { en: 'What do you need now?' } }],
        },
      ],
    },
  })

const transition = (as: TestUser, id: string, verb: 'open' | 'close') =>
  h.request(`/api/v1/consultations/${id}/${verb}`, { method: 'POST', as })

/** Everything a refused change could have touched: the row, versions, targets, responses and audit entries. */
async function snapshot(id: string) {
  const row = await h.db.selectFrom('consultation').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const count = async (table: 'questionnaire_version' | 'consultation_target' | 'consultation_response') =>
    Number(
      (
        await h.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('consultation_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    )
  const audit = await h.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('entity_id', '=', id)
    .executeTakeFirstOrThrow()
  return {
    row: JSON.stringify(row),
    versions: await count('questionnaire_version'),
    targets: await count('consultation_target'),
    responses: await count('consultation_response'),
    audit: Number(audit.n),
  }
}

async function assertRefused(res: Response | Promise<Response>, what: string) {
  const r = await res
  assert.equal(r.status, 403, `${what}: ${await r.clone().text()}`)
  assert.equal(((await r.json()) as Problem).code, 'SECTOR_OUT_OF_SCOPE', what)
}

async function list(as: TestUser | undefined, query: string) {
  const res = await h.request(`/api/v1/consultations?${query}`, as ? { as } : {})
  assert.equal(res.status, 200, await res.clone().text())
  return (await res.json()) as {
    items: { id: string; title: string; sector: string | null }[]
    total: number
  }
}

/** Posts a form with repeated names, as a browser does. */
function postForm(path: string, as: TestUser, pairs: [string, string][]) {
  const body = new URLSearchParams([...pairs, ['_csrf', as.csrf]])
  return h.request(path, {
    method: 'POST',
    headers: { Cookie: as.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  })
}

const builderForm = (title: string, sector: string): [string, string][] => [
  ['titles.en', title],
  ['purpose', 'general'],
  ['meetingId', ''],
  ['opensAt', new Date(Date.now() - 3600_000).toISOString().slice(0, 16)],
  ['closesAt', new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 16)],
  ['confidentiality', 'secretariat'],
  ['sector', sector],
  ['audience.kind', 'countries'],
  ['audience.countries', 'SN'],
  ['s.0.id', 's1'],
  ['s.0.title.en', 'Needs'],
  ['s.0.q.0.id', 'q1'],
  ['s.0.q.0.type', 'long_text'],
  ['s.0.q.0.text.en', 'What do you need?'],
  ['op', 'save'],
]

const OUT_OF_SCOPE_EN = /Your role is limited to another Sector/

describe('consultations by Sector', () => {
  test('the three Sectors exist after setup', async () => {
    const codes = [...(await sectors()).keys()].sort()
    for (const code of ['ITU-D', 'ITU-R', 'ITU-T']) assert.ok(codes.includes(code), code)
  })

  test('creates a consultation in a Sector, Union-wide, or in the default Sector', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const r = await created(sec, unique('radio'), 'ITU-R')
    assert.equal(r.sector, 'ITU-R')
    const lower = await created(sec, unique('radio-lower'), 'itu-r')
    assert.equal(lower.sector, 'ITU-R', 'codes are matched in any case')
    const u = await created(sec, unique('union'), 'union')
    assert.equal(u.sector, null)
    const d = await created(sec, unique('default'))
    const first = await h.db
      .selectFrom('sector')
      .select('code')
      .orderBy('position')
      .orderBy('code')
      .executeTakeFirstOrThrow()
    assert.equal(d.sector, first.code, "without a Sector, the structure's first")
    const stored = await h.db
      .selectFrom('consultation')
      .select(['id', 'sector_id'])
      .where('id', 'in', [r.id, u.id, d.id])
      .execute()
    const byId = new Map(stored.map((x) => [x.id, x.sector_id]))
    assert.equal(byId.get(r.id), await sectorId('ITU-R'))
    assert.equal(byId.get(u.id), null)
    assert.equal(byId.get(d.id), await sectorId(first.code))
    // Read back, the Sector is there too.
    const again = (await (
      await h.request(`/api/v1/consultations/${r.id}`, { as: sec })
    ).json()) as Consultation
    assert.equal(again.sector, 'ITU-R')
  })

  test('a Sector-limited secretariat creates in its own Sector by default', async () => {
    const limited = await h.user([{ role: 'secretariat', sectorId: await sectorId('ITU-D') }])
    assert.equal((await created(limited, unique('dev'))).sector, 'ITU-D')
  })

  test('an unknown Sector is refused with 422 and the field error, on create, edit and the list', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const before = await h.db
      .selectFrom('consultation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const bad = await create(sec, unique('bad'), 'ITU-X')
    assert.equal(bad.status, 422)
    const problem = (await bad.json()) as Problem
    assert.equal(problem.code, 'VALIDATION_FAILED')
    assert.deepEqual(problem.errors?.sector, ['sector_unknown'])
    const malformed = await create(sec, unique('bad'), 'not a code!')
    assert.equal(malformed.status, 422)
    assert.ok(((await malformed.json()) as Problem).errors?.sector, 'a malformed code names the field')
    const after = await h.db
      .selectFrom('consultation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(after.n), Number(before.n), 'nothing created')

    const c = await created(sec, unique('edit'), 'ITU-T')
    const edit = await update(sec, c, { sector: 'ITU-X' })
    assert.equal(edit.status, 422)
    assert.deepEqual(((await edit.json()) as Problem).errors?.sector, ['sector_unknown'])

    const filter = await h.request('/api/v1/consultations?sector=ITU-X', { as: sec })
    assert.equal(filter.status, 422)
    assert.deepEqual(((await filter.json()) as Problem).errors?.sector, ['sector_unknown'])

    const page = await h.request('/consultations?sector=ITU-X', { as: sec })
    assert.equal(page.status, 200)
    assert.match(await page.text(), /Some filters were not valid/)
  })

  test('the list filters by Sector and by Union-wide, in the API and on the page', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const tag = unique('filter')
    const r1 = await created(sec, `${tag} radio one`, 'ITU-R')
    const r2 = await created(sec, `${tag} radio two`, 'ITU-R')
    const t1 = await created(sec, `${tag} standards`, 'ITU-T')
    const u1 = await created(sec, `${tag} union`, 'union')
    const ids = (items: { id: string }[]) => items.map((x) => x.id).sort()

    const all = await list(sec, `q=${tag}`)
    assert.deepEqual(ids(all.items), [r1.id, r2.id, t1.id, u1.id].sort())
    assert.deepEqual(
      Object.fromEntries(all.items.map((x) => [x.id, x.sector])),
      { [r1.id]: 'ITU-R', [r2.id]: 'ITU-R', [t1.id]: 'ITU-T', [u1.id]: null },
      'each consultation carries its Sector',
    )
    const radio = await list(sec, `q=${tag}&sector=ITU-R`)
    assert.deepEqual(ids(radio.items), [r1.id, r2.id].sort())
    assert.equal(radio.total, 2)
    assert.deepEqual(ids((await list(sec, `q=${tag}&sector=itu-t`)).items), [t1.id])
    assert.deepEqual(ids((await list(sec, `q=${tag}&sector=union`)).items), [u1.id])
    assert.deepEqual((await list(sec, `q=${tag}&sector=ITU-D`)).items, [])
    // Without a search, every row of a Sector filter is of that Sector.
    for (const x of (await list(sec, 'sector=ITU-R&pageSize=100')).items) assert.equal(x.sector, 'ITU-R')
    for (const x of (await list(sec, 'sector=union&pageSize=100')).items) assert.equal(x.sector, null)

    const page = await h.request(`/consultations?q=${encodeURIComponent(tag)}&sector=ITU-R&pageSize=1`, {
      as: sec,
    })
    assert.equal(page.status, 200)
    const html = await page.text()
    const shown = [r1, r2, t1, u1].filter((x) => html.includes(x.title)).map((x) => x.id)
    assert.equal(shown.length, 1, 'one per page')
    assert.ok([r1.id, r2.id].includes(shown[0]!), 'an ITU-R one')
    assert.match(html, /<option value="ITU-R" selected/, 'the filter shows the chosen Sector')
    const next = /href="([^"]*page=2[^"]*)"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
    assert.ok(next, 'a link to the next page')
    assert.match(next, /sector=ITU-R/, 'pagination keeps the Sector filter')
    const sortLink = /href="([^"]*sort=title[^"]*)"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
    assert.ok(sortLink)
    assert.match(sortLink, /sector=ITU-R/, 'sorting keeps the Sector filter')
    const page2 = await (await h.request(next, { as: sec })).text()
    const shown2 = [r1, r2, t1, u1].filter((x) => page2.includes(x.title)).map((x) => x.id)
    assert.deepEqual(
      shown2.sort(),
      [r1.id, r2.id].filter((id) => id !== shown[0]),
    )

    const unionPage = await (
      await h.request(`/consultations?q=${encodeURIComponent(tag)}&sector=union`, { as: sec })
    ).text()
    assert.deepEqual(
      [r1, r2, t1, u1].filter((x) => unionPage.includes(x.title)).map((x) => x.id),
      [u1.id],
    )
    assert.match(unionPage, /<td>Union-wide<\/td>/, 'the list shows the Sector')
  })

  test('the consultation page shows its Sector', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const r = await created(sec, unique('shown'), 'ITU-R')
    const html = await (await h.request(`/consultations/${r.id}`, { as: sec })).text()
    assert.match(html, /<dt>Sector<\/dt>\s*<dd>ITU-R/)
    const u = await created(sec, unique('shown-u'), 'union')
    const uHtml = await (await h.request(`/consultations/${u.id}`, { as: sec })).text()
    assert.match(uHtml, /<dt>Sector<\/dt>\s*<dd>Union-wide<\/dd>/)
  })

  test('a secretariat limited to ITU-R creates and changes an ITU-R consultation', async () => {
    const limited = await h.user([{ role: 'secretariat', sectorId: await sectorId('ITU-R') }])
    const c = await created(limited, unique('own'), 'ITU-R')
    const edited = await update(limited, c, { titles: { en: 'Renamed' } })
    assert.equal(edited.status, 200, await edited.clone().text())
    assert.equal(((await edited.json()) as Consultation).sector, 'ITU-R', 'absent Sector: unchanged')
    assert.equal((await revise(limited, c.id)).status, 200)
    assert.equal((await transition(limited, c.id, 'open')).status, 200)
    assert.equal((await transition(limited, c.id, 'close')).status, 200)

    // The pages too: the builder creates in ITU-R, and the consultation page offers the actions.
    const form = await postForm('/consultations/new', limited, builderForm(unique('own-page'), 'ITU-R'))
    assert.equal(form.status, 303, await form.clone().text())
    const id = /\/consultations\/([0-9a-f-]{36})/.exec(form.headers.get('location') ?? '')?.[1]
    assert.ok(id)
    const html = await (await h.request(`/consultations/${id}`, { as: limited })).text()
    assert.match(html, new RegExp(`href="/consultations/${id}/edit"`))
    assert.match(html, new RegExp(`action="/consultations/${id}/open"`))
    const newForm = await (await h.request('/consultations/new', { as: limited })).text()
    assert.match(newForm, /<option value="ITU-R" selected/)
    assert.doesNotMatch(newForm, /<option value="ITU-T"/, 'only the Sectors the user may write')
    assert.doesNotMatch(newForm, /<option value="union"/)
  })

  test('a secretariat limited to ITU-R is refused every change to an ITU-T or Union-wide consultation', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const limited = await h.user([{ role: 'secretariat', sectorId: await sectorId('ITU-R') }])

    await assertRefused(create(limited, unique('other'), 'ITU-T'), 'create in ITU-T')
    await assertRefused(create(limited, unique('other'), 'union'), 'create Union-wide')

    for (const sector of ['ITU-T', 'union']) {
      const draft = await created(sec, unique(`draft-${sector}`), sector)
      const open = await created(sec, unique(`open-${sector}`), sector)
      assert.equal((await transition(sec, open.id, 'open')).status, 200)
      for (const c of [draft, open]) {
        const before = await snapshot(c.id)
        await assertRefused(update(limited, c, { titles: { en: 'Hijacked' } }), `update ${sector}`)
        await assertRefused(update(limited, c, { sector: 'ITU-R' }), `take ${sector} into ITU-R`)
        await assertRefused(revise(limited, c.id), `revise ${sector}`)
        await assertRefused(transition(limited, c.id, c === draft ? 'open' : 'close'), `${sector} transition`)
        // The pages refuse with the message.
        const pageOpen = await postForm(
          `/consultations/${c.id}/${c === draft ? 'open' : 'close'}`,
          limited,
          [],
        )
        assert.equal(pageOpen.status, 403)
        assert.match(await pageOpen.text(), OUT_OF_SCOPE_EN)
        const editPage = await h.request(`/consultations/${c.id}/edit`, { as: limited })
        assert.equal(editPage.status, 403)
        assert.match(await editPage.text(), OUT_OF_SCOPE_EN)
        const editPost = await postForm(
          `/consultations/${c.id}/edit`,
          limited,
          builderForm('Hijacked', 'ITU-R'),
        )
        assert.equal(editPost.status, 403)
        assert.match(await editPost.text(), OUT_OF_SCOPE_EN, 'the form comes back with the refusal')
        assert.deepEqual(await snapshot(c.id), before, `nothing changed, no audit entry (${sector})`)
        // Reading stays as for the secretariat; the page offers no change and says why.
        const read = await h.request(`/api/v1/consultations/${c.id}`, { as: limited })
        assert.equal(read.status, 200)
        const html = await (await h.request(`/consultations/${c.id}`, { as: limited })).text()
        assert.doesNotMatch(html, new RegExp(`href="/consultations/${c.id}/edit"`))
        assert.doesNotMatch(html, new RegExp(`action="/consultations/${c.id}/(open|close)"`))
        assert.match(html, /Your role is limited to ITU-R/)
      }
    }
    const pageCreate = await postForm('/consultations/new', limited, builderForm(unique('page-t'), 'ITU-T'))
    assert.equal(pageCreate.status, 403)
    assert.match(await pageCreate.text(), OUT_OF_SCOPE_EN)

    // Moving its own consultation out of its Sector is refused too.
    const own = await created(limited, unique('own-move'), 'ITU-R')
    const before = await snapshot(own.id)
    await assertRefused(update(limited, own, { sector: 'ITU-T' }), 'move to ITU-T')
    await assertRefused(update(limited, own, { sector: 'union' }), 'make Union-wide')
    assert.deepEqual(await snapshot(own.id), before)
  })

  test('a focal point answers for their country even when they also hold a secretariat role limited to another Sector', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const both = await h.user([
      { role: 'secretariat', sectorId: await sectorId('ITU-R') },
      { role: 'focal_point', countryCode: 'SN' },
    ])
    const c = await created(sec, unique('answer'), 'ITU-T')
    assert.equal((await transition(sec, c.id, 'open')).status, 200)
    const target = await h.db
      .selectFrom('consultation_target')
      .select('id')
      .where('consultation_id', '=', c.id)
      .where('country_code', '=', 'SN')
      .executeTakeFirstOrThrow()
    const res = await h.request(`/api/v1/consultations/${c.id}/responses/${target.id}`, {
      method: 'PUT',
      as: both,
      json: { answers: { q1: 'More spectrum' }, submit: true },
    })
    assert.equal(res.status, 200, await res.clone().text())
  })

  test('an unlimited secretariat changes consultations of every Sector and moves them', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const r = await created(sec, unique('free'), 'ITU-R')
    const moved = await update(sec, r, { sector: 'union' })
    assert.equal(moved.status, 200, await moved.clone().text())
    assert.equal(((await moved.json()) as Consultation).sector, null)
    const back = await update(sec, { ...r, sector: null }, { sector: 'ITU-D' })
    assert.equal(((await back.json()) as Consultation).sector, 'ITU-D')
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_id', '=', r.id)
      .where('action', '=', 'update')
      .orderBy('id')
      .execute()
    assert.equal(audit.length, 2, 'each move is in the audit log')
    const last = audit.at(-1)
    assert.ok(last)
    assert.equal((last.after as { sector_id: string | null }).sector_id, await sectorId('ITU-D'))
    for (const sector of ['ITU-T', 'union']) {
      const c = await created(sec, unique(`free-${sector}`), sector)
      assert.equal((await revise(sec, c.id)).status, 200)
      assert.equal((await transition(sec, c.id, 'open')).status, 200)
      assert.equal((await transition(sec, c.id, 'close')).status, 200)
    }
    const admin = await h.user([{ role: 'admin' }])
    const a = await created(admin, unique('admin'), 'union')
    assert.equal((await update(admin, a, { sector: 'ITU-T' })).status, 200)
  })
})
