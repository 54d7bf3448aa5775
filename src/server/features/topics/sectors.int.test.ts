import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { buildMeeting, buildOrganization } from '../../testing/factories.ts'
import { type TestUser, unique, useHarness } from '../../testing/harness.ts'

/**
 * Issue 11 for topics, agendas and follow-up: every topic and action belongs to one Sector or is
 * Union-wide; actions are addressed to the structure's bodies; each body's leads see and update its actions
 * under any of its names; a secretariat limited to a Sector changes only that Sector's records.
 */
const h = useHarness()

type Topic = { id: string; version: number; sector: string | null; state: string }
type Action = {
  id: string
  what: string
  version: number
  status: string
  sector: string | null
  ownerBody: string
  ownerBodyId: string | null
}

let S: Record<'T' | 'R' | 'D', string>
let sec: TestUser
let admin: TestUser

const today = () => new Date().toISOString().slice(0, 10)
const due = () => new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10)

async function proposeTopic(as: TestUser, title: string, extra: Record<string, unknown> = {}) {
  return h.request('/api/v1/topics', {
    method: 'POST',
    as,
    json: { titles: { en: title }, source: 'secretariat', ...extra },
  })
}

async function topic(as: TestUser, title: string, sector?: string): Promise<Topic> {
  const res = await proposeTopic(as, title, sector ? { sector } : {})
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as Topic
}

async function getTopic(id: string): Promise<Topic> {
  return (await (await h.request(`/api/v1/topics/${id}`, { as: sec })).json()) as Topic
}

/** A meeting that has taken place, of a Sector (null: Union-wide), with one conclusion. */
async function heldMeeting(sectorId: string | null, status = 'held') {
  const m = await buildMeeting(h.db, { status, starts_at: new Date(Date.now() - 86400_000) })
  await h.db.updateTable('meeting').set({ sector_id: sectorId }).where('id', '=', m.id).execute()
  return m
}

async function conclusionOf(meetingId: string): Promise<string> {
  const res = await h.request(`/api/v1/meetings/${meetingId}/conclusions`, {
    method: 'POST',
    as: sec,
    json: { texts: { en: 'Follow this up.' }, type: 'request' },
  })
  assert.equal(res.status, 201, await res.clone().text())
  return ((await res.json()) as { id: string }).id
}

const addAction = (
  as: TestUser,
  conclusionId: string,
  ownerBody: string,
  extra: Record<string, unknown> = {},
) =>
  h.request(`/api/v1/conclusions/${conclusionId}/actions`, {
    method: 'POST',
    as,
    json: {
      what: { en: unique('Action') },
      ownerBody,
      responsibleUserId: sec.userId,
      dueDate: due(),
      ...extra,
    },
  })

async function action(
  as: TestUser,
  conclusionId: string,
  ownerBody: string,
  extra: Record<string, unknown> = {},
) {
  const res = await addAction(as, conclusionId, ownerBody, extra)
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as Action
}

async function body(
  sector: string | null,
  code: string,
  name: string,
  startsOn: string,
  endsOn: string | null,
) {
  const res = await h.request('/api/v1/structure/bodies', {
    method: 'POST',
    as: admin,
    json: { sectorId: sector, kind: 'study_group', code, names: { en: name }, startsOn, endsOn },
  })
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as { id: string }
}

function formPost(path: string, as: TestUser, pairs: [string, string][]) {
  return h.request(path, {
    method: 'POST',
    headers: { Cookie: as.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...pairs, ['_csrf', as.csrf]]),
  })
}

const auditCount = async () =>
  Number(
    (
      await h.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

async function refused(res: Response, what: string) {
  assert.equal(res.status, 403, `${what}: ${await res.clone().text()}`)
  assert.equal(((await res.json()) as { code: string }).code, 'SECTOR_OUT_OF_SCOPE', what)
}

describe('Sectors on topics, agendas and follow-up actions', () => {
  before(async () => {
    const rows = await h.db.selectFrom('sector').select(['id', 'code']).execute()
    const id = (code: string) => {
      const row = rows.find((r) => r.code === code)
      assert.ok(row, `the Sector ${code} exists after setup`)
      return row.id
    }
    S = { T: id('ITU-T'), R: id('ITU-R'), D: id('ITU-D') }
    sec = await h.user([{ role: 'secretariat' }])
    admin = await h.user([{ role: 'admin' }])
    // Study groups of today (of two Sectors) and one of a past study period.
    await body(S.T, 'SG13', 'Future networks', '2000-01-01', null)
    await body(S.T, 'SG9', 'Broadband cable and TV', '2022-03-01', '2024-10-31')
    await body(S.R, 'SG5', 'Terrestrial services', '2000-01-01', null)
  })

  test('a topic belongs to the Sector given, to none (Union-wide) or to the default; the list filters by Sector', async () => {
    const r = await topic(sec, 'Spectrum for IMT-2030', 'itu-r')
    assert.equal(r.sector, 'ITU-R', 'a code in any case')
    const u = await topic(sec, 'Industry engagement across the Union', 'union')
    assert.equal(u.sector, null)
    const d = await topic(sec, 'Default Sector topic')
    assert.equal(d.sector, 'ITU-T', 'the first Sector of the structure by default')
    const unknown = await proposeTopic(sec, 'Nowhere', { sector: 'ITU-X' })
    assert.equal(unknown.status, 422)
    assert.deepEqual(((await unknown.json()) as { errors: Record<string, string[]> }).errors.sector, [
      'sector_unknown',
    ])

    // A member representative proposes without choosing: the default Sector.
    const org = await buildOrganization(h.db, { country_code: 'KE' })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const mine = await h.request('/api/v1/topics', {
      method: 'POST',
      as: rep,
      json: { titles: { en: 'A member’s proposal' }, proposedByOrganizationId: org.id },
    })
    assert.equal(mine.status, 201)
    assert.equal(((await mine.json()) as Topic).sector, 'ITU-T')

    // Edited: the Sector changes when given, and stays when not.
    const moved = await h.request(`/api/v1/topics/${d.id}`, {
      method: 'PUT',
      as: sec,
      json: { titles: { en: 'Default Sector topic' }, version: d.version, sector: 'ITU-D' },
    })
    assert.equal(moved.status, 200, await moved.clone().text())
    const dd = (await moved.json()) as Topic
    assert.equal(dd.sector, 'ITU-D')
    const kept = await h.request(`/api/v1/topics/${d.id}`, {
      method: 'PUT',
      as: sec,
      json: { titles: { en: 'Default Sector topic, renamed' }, version: dd.version },
    })
    assert.equal(((await kept.json()) as Topic).sector, 'ITU-D')

    // The API's filter.
    const list = async (q: string) =>
      (
        (await (await h.request(`/api/v1/topics?pageSize=100${q}`, { as: sec })).json()) as {
          items: { id: string; sector: string | null }[]
        }
      ).items
    const ofR = await list('&sector=ITU-R')
    assert.ok(ofR.some((x) => x.id === r.id))
    assert.ok(ofR.every((x) => x.sector === 'ITU-R'))
    const ofUnion = await list('&sector=union')
    assert.deepEqual(
      ofUnion.map((x) => x.id),
      [u.id],
    )
    assert.ok((await list('')).some((x) => x.id === u.id) && (await list('')).some((x) => x.id === r.id))
    assert.equal((await h.request('/api/v1/topics?sector=ITU-X', { as: sec })).status, 422)

    // The list page: its filter, and the Sector of each topic.
    const page = await (await h.request('/topics?sector=ITU-R', { as: sec })).text()
    assert.match(page, /Spectrum for IMT-2030/)
    assert.doesNotMatch(page, /Industry engagement across the Union/)
    assert.match(page, /<select id="f-sector" name="sector">/)
    assert.match(page, /<option value="ITU-R" selected="">ITU-R<\/option>/)
    const unionPage = await (await h.request('/topics?sector=union', { as: sec })).text()
    assert.match(unionPage, /Industry engagement across the Union/)
    assert.match(unionPage, /<td>Union-wide<\/td>/)
    assert.doesNotMatch(unionPage, /Spectrum for IMT-2030/)
    const bad = await h.request('/topics?sector=ITU-X', { as: sec })
    assert.equal(bad.status, 200)
    assert.match(await bad.text(), /filters/i)

    // The topic's page names its Sector.
    assert.match(
      await (await h.request(`/topics/${r.id}`, { as: sec })).text(),
      /ITU-R — Radiocommunication Sector/,
    )

    // The forms: the secretariat chooses the Sector, a member does not.
    assert.match(await (await h.request('/topics/new', { as: sec })).text(), /name="sector"/)
    assert.doesNotMatch(await (await h.request('/topics/new', { as: rep })).text(), /name="sector"/)
    const viaForm = await formPost('/topics/new', sec, [
      ['titles.en', 'Union-wide by the form'],
      ['source', 'secretariat'],
      ['sector', 'union'],
    ])
    assert.equal(viaForm.status, 303, await viaForm.clone().text())
    const formId = /\/topics\/([0-9a-f-]{36})/.exec(viaForm.headers.get('location') ?? '')![1]!
    assert.equal((await getTopic(formId)).sector, null)
    const edit = await (await h.request(`/topics/${r.id}/edit`, { as: sec })).text()
    assert.match(edit, /<option value="ITU-R" selected="">/)
  })

  test('an action belongs to the Sector given, to none, or to its meeting’s; the actions list filters by Sector', async () => {
    const meetingR = await heldMeeting(S.R)
    const cR = await conclusionOf(meetingR.id)
    const fromMeeting = await action(sec, cR, 'CTO group')
    assert.equal(fromMeeting.sector, 'ITU-R', 'the Sector of the conclusion’s meeting')
    const unionWide = await action(sec, cR, 'CTO group', { sector: 'union' })
    assert.equal(unionWide.sector, null)
    const explicit = await action(sec, cR, 'CTO group', { sector: 'ITU-D' })
    assert.equal(explicit.sector, 'ITU-D')
    const stored = await h.db
      .selectFrom('follow_up_action')
      .select('sector_id')
      .where('id', '=', explicit.id)
      .executeTakeFirstOrThrow()
    assert.equal(stored.sector_id, S.D)
    // A Union-wide meeting's actions get the default Sector.
    const meetingU = await heldMeeting(null)
    const fromUnionMeeting = await action(sec, await conclusionOf(meetingU.id), 'CTO group')
    assert.equal(fromUnionMeeting.sector, 'ITU-T')
    assert.equal((await addAction(sec, cR, 'CTO group', { sector: 'nope' })).status, 422)

    const list = async (q: string) =>
      (await (await h.request(`/api/v1/actions${q}`, { as: sec })).json()) as Action[]
    const ofR = await list('?sector=ITU-R')
    assert.ok(ofR.some((a) => a.id === fromMeeting.id))
    assert.ok(ofR.every((a) => a.sector === 'ITU-R'))
    assert.deepEqual(
      (await list('?sector=union')).map((a) => a.id),
      [unionWide.id],
    )
    assert.deepEqual(
      (await list('?sector=ITU-D&status=open')).map((a) => a.id),
      [explicit.id],
    )
    assert.equal((await h.request('/api/v1/actions?sector=ITU-X', { as: sec })).status, 422)

    const page = await h.request('/actions?sector=union', { as: sec })
    assert.equal(page.status, 200)
    const html = await page.text()
    assert.match(html, new RegExp(unionWide.what))
    assert.doesNotMatch(html, new RegExp(fromMeeting.what))
    assert.match(html, /<td>Union-wide<\/td>/)
    const rPage = await (await h.request('/actions?sector=ITU-R', { as: sec })).text()
    assert.match(rPage, new RegExp(fromMeeting.what))
    assert.match(rPage, /<td>ITU-R<\/td>/)
    assert.doesNotMatch(rPage, new RegExp(explicit.what))
    const empty = await (await h.request('/actions?sector=ITU-R&status=dropped', { as: sec })).text()
    assert.match(empty, /No follow-up action matches these filters/)
    // The action's own page names its Sector.
    assert.match(await (await h.request(`/actions/${explicit.id}`, { as: sec })).text(), /<dd>ITU-D<\/dd>/)
  })

  test('the action form offers the bodies existing today, by Sector, and still takes any other addressee', async () => {
    const meetingT = await heldMeeting(S.T)
    const conclusion = await conclusionOf(meetingT.id)

    const form = await h.request(`/conclusions/${conclusion}/actions/new`, { as: sec })
    assert.equal(form.status, 200)
    const html = await form.text()
    assert.match(html, /<input id="f-ownerBody" name="ownerBody" type="text" value="" list="addressees"/)
    assert.match(html, /<datalist id="addressees">/)
    assert.match(html, /<option value="ITU-T SG13">ITU-T SG13 — Future networks<\/option>/)
    assert.match(html, /<option value="ITU-R SG5">ITU-R SG5 — Terrestrial services<\/option>/)
    assert.match(html, /<option value="ITU-R RAG">ITU-R RAG — Radiocommunication Advisory Group<\/option>/)
    assert.match(html, /<option value="Council">Council — ITU Council \(Union-wide\)<\/option>/)
    assert.doesNotMatch(html, /SG9/, 'a study group of a past study period is not offered')
    // The action's Sector starts as its meeting's.
    assert.match(html, /<option value="ITU-T" selected="">/)

    // A secretariat limited to ITU-T is offered its Sector's bodies and the Union's only.
    const secT = await h.user([{ role: 'secretariat', sectorId: S.T }])
    const limited = await (await h.request(`/conclusions/${conclusion}/actions/new`, { as: secT })).text()
    assert.match(limited, /value="ITU-T SG13"/)
    assert.match(limited, /value="Council"/)
    assert.doesNotMatch(limited, /value="ITU-R SG5"/)
    assert.doesNotMatch(limited, /value="ITU-R RAG"/)

    // Sent: a body chosen from the list is linked; free text stays text.
    const post = (ownerBody: string, extra: [string, string][] = []) =>
      formPost(`/conclusions/${conclusion}/actions`, sec, [
        ['meetingId', meetingT.id],
        ['what.en', `For ${ownerBody}`],
        ['ownerBody', ownerBody],
        ['responsibleUserId', sec.userId],
        ['dueDate', due()],
        ...extra,
      ])
    const chosen = await post('ITU-T SG13')
    assert.equal(chosen.status, 303, await chosen.clone().text())
    assert.match(chosen.headers.get('location') ?? '', new RegExp(`/meetings/${meetingT.id}`))
    const free = await post('CTO group', [['sector', 'union']])
    assert.equal(free.status, 303)
    const rows = await h.db
      .selectFrom('follow_up_action')
      .select(['owner_body', 'owner_body_id', 'sector_id'])
      .where('conclusion_id', '=', conclusion)
      .orderBy('created_at')
      .execute()
    assert.equal(rows.length, 2)
    assert.equal(rows[0]!.owner_body, 'SG13')
    assert.ok(rows[0]!.owner_body_id)
    assert.equal(rows[0]!.sector_id, S.T)
    assert.deepEqual(rows[1], { owner_body: 'CTO group', owner_body_id: null, sector_id: null })

    // Refused, the form comes back with what was typed, the dates and the choices.
    const old = await post('SG9')
    assert.equal(old.status, 422)
    const again = await old.text()
    assert.match(again, /value="SG9" list="addressees"/)
    assert.match(again, /For SG9/)
    assert.match(again, /<datalist id="addressees">/)
    const invalid = await post('')
    assert.equal(invalid.status, 422)
    assert.match(await invalid.text(), /<datalist id="addressees">/)

    // Members do not ask for follow-up.
    const org = await buildOrganization(h.db)
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    assert.equal((await h.request(`/conclusions/${conclusion}/actions/new`, { as: rep })).status, 403)
  })

  test('a body’s leads see and update its actions under its old and its new code', async () => {
    const sg21 = await body(S.T, 'SG21', 'Multimedia', '2024-11-01', null)
    const conclusion = await conclusionOf((await heldMeeting(S.T)).id)
    const before = await action(sec, conclusion, 'SG21')
    assert.equal(before.ownerBody, 'SG21')
    const renamed = await h.request(`/api/v1/structure/bodies/${sg21.id}/names`, {
      method: 'POST',
      as: admin,
      json: { validFrom: today(), code: 'SG21-MM', names: { en: 'Multimedia and immersive services' } },
    })
    assert.equal(renamed.status, 200, await renamed.clone().text())
    const after = await action(sec, conclusion, 'SG21')
    assert.equal(after.ownerBody, 'SG21-MM', 'the old code finds the body; the action takes today’s code')
    assert.equal(after.ownerBodyId, before.ownerBodyId)

    const leadNew = await h.user([])
    const leadOld = await h.user([])
    const leadOther = await h.user([])
    for (const [u, code] of [
      [leadNew, 'SG21-MM'],
      [leadOld, 'SG21'],
      [leadOther, 'SG99'],
    ] as const) {
      const r = await h.request(`/api/v1/bodies/${code}/leads`, {
        method: 'POST',
        as: sec,
        json: { email: u.email },
      })
      assert.equal(r.status, 204)
    }
    const update = (as: TestUser, a: Action, note: string) =>
      h.request(`/api/v1/actions/${a.id}/updates`, {
        method: 'POST',
        as,
        json: { status: 'in_progress', note, version: a.version },
      })
    const byNew = await update(leadNew, before, 'The new code’s lead on an action made under the old code')
    assert.equal(byNew.status, 200, await byNew.clone().text())
    const byOld = await update(leadOld, after, 'The old code’s lead on an action made under the new code')
    assert.equal(byOld.status, 200, await byOld.clone().text())
    assert.equal((await update(leadOther, after, 'Another body’s lead')).status, 403)

    // Found by either code (a body of the structure by its id), on the API and the body's page.
    for (const code of ['SG21', 'SG21-MM']) {
      const found = (await (
        await h.request(`/api/v1/actions?body=${encodeURIComponent(code)}`, { as: leadOld })
      ).json()) as Action[]
      assert.deepEqual(found.map((a) => a.id).sort(), [before.id, after.id].sort(), code)
    }
    const page = await (await h.request('/bodies/SG21-MM', { as: leadNew })).text()
    assert.match(page, new RegExp(before.what))
    assert.match(page, new RegExp(after.what))
    assert.match(page, /Multimedia and immersive services/)
    assert.match(page, new RegExp(`Test ${leadOld.email}`))
    assert.match(page, /named as lead of SG21/)
    // One line per body in the summary, under its code today.
    const summary = (await (await h.request('/api/v1/bodies', { as: sec })).json()) as {
      body: string
      open: number
    }[]
    assert.equal(summary.find((b) => b.body === 'SG21-MM')?.open, 2)
    assert.equal(
      summary.find((b) => b.body === 'SG21'),
      undefined,
    )
    // The action page offers its form to the lead of the body's other code.
    assert.match(await (await h.request(`/actions/${before.id}`, { as: leadNew })).text(), /id="report-h"/)
    assert.doesNotMatch(
      await (await h.request(`/actions/${before.id}`, { as: leadOther })).text(),
      /id="report-h"/,
    )
  })

  test('a secretariat limited to a Sector is refused other Sectors’ and Union-wide records (403, nothing changed, no audit); an unlimited one is not', async () => {
    const secT = await h.user([{ role: 'secretariat', sectorId: S.T }])
    const tT = await topic(sec, 'An ITU-T topic', 'ITU-T')
    const tR = await topic(sec, 'An ITU-R topic', 'ITU-R')
    const tU = await topic(sec, 'A Union-wide topic', 'union')
    const meetingT = await heldMeeting(S.T)
    const meetingR = await heldMeeting(S.R)
    const cT = await conclusionOf(meetingT.id)
    const cR = await conclusionOf(meetingR.id)
    const actionR = await action(sec, cR, 'CTO group')
    const upcomingR = await buildMeeting(h.db, { status: 'announced' })
    await h.db.updateTable('meeting').set({ sector_id: S.R }).where('id', '=', upcomingR.id).execute()

    const audit = await auditCount()
    const counts = async () => ({
      topics: Number(
        (
          await h.db
            .selectFrom('topic')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      events: Number(
        (
          await h.db
            .selectFrom('topic_event')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      actions: Number(
        (
          await h.db
            .selectFrom('follow_up_action')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      conclusions: Number(
        (
          await h.db
            .selectFrom('conclusion')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      agendas: Number(
        (
          await h.db
            .selectFrom('agenda')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      leads: Number(
        (
          await h.db
            .selectFrom('body_lead')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    })
    const was = await counts()

    // Topics: created in another Sector or Union-wide; changed when of another Sector or Union-wide.
    await refused(await proposeTopic(secT, 'Not mine', { sector: 'ITU-R' }), 'create in ITU-R')
    await refused(await proposeTopic(secT, 'Not mine', { sector: 'union' }), 'create Union-wide')
    for (const t of [tR, tU])
      await refused(
        await h.request(`/api/v1/topics/${t.id}`, {
          method: 'PUT',
          as: secT,
          json: { titles: { en: 'Changed' }, version: t.version },
        }),
        `edit ${t.sector}`,
      )
    await refused(
      await h.request(`/api/v1/topics/${tT.id}`, {
        method: 'PUT',
        as: secT,
        json: { titles: { en: 'Moved away' }, version: tT.version, sector: 'ITU-R' },
      }),
      'move its own topic to another Sector',
    )
    await refused(
      await h.request(`/api/v1/topics/${tR.id}/transitions`, {
        method: 'POST',
        as: secT,
        json: { to: 'shortlisted', reason: 'x', version: tR.version },
      }),
      'transition',
    )
    for (const [from, into] of [
      [tR, tT],
      [tT, tR],
    ] as const)
      await refused(
        await h.request(`/api/v1/topics/${from.id}/merge`, {
          method: 'POST',
          as: secT,
          json: { intoId: into.id, reason: 'duplicate' },
        }),
        'merge',
      )
    await refused(
      await h.request(`/api/v1/topics/${tR.id}/split`, {
        method: 'POST',
        as: secT,
        json: { titles: { en: 'A part' }, reason: 'too broad' },
      }),
      'split',
    )
    // Actions: of another Sector, or addressed to another Sector's body.
    await refused(await addAction(secT, cT, 'CTO group', { sector: 'ITU-R' }), 'action of ITU-R')
    await refused(await addAction(secT, cT, 'CTO group', { sector: 'union' }), 'Union-wide action')
    await refused(await addAction(secT, cT, 'RAG'), 'addressed to ITU-R’s advisory group')
    await refused(await addAction(secT, cT, 'ITU-R SG5'), 'addressed to an ITU-R study group')
    await refused(await addAction(secT, cR, 'CTO group'), 'an action of the ITU-R meeting, by default')
    await refused(
      await h.request(`/api/v1/actions/${actionR.id}/updates`, {
        method: 'POST',
        as: secT,
        json: { status: 'done', note: 'x', version: actionR.version },
      }),
      'update an ITU-R action',
    )
    await refused(
      await h.request('/api/v1/bodies/RAG/leads', { method: 'POST', as: secT, json: { email: secT.email } }),
      'lead of an ITU-R body',
    )
    // Meetings: conclusions and agendas of another Sector's meeting; a conclusion moving another's topic.
    await refused(
      await h.request(`/api/v1/meetings/${meetingR.id}/conclusions`, {
        method: 'POST',
        as: secT,
        json: { texts: { en: 'x' }, type: 'observation' },
      }),
      'conclusion of an ITU-R meeting',
    )
    await refused(
      await h.request(`/api/v1/meetings/${meetingT.id}/conclusions`, {
        method: 'POST',
        as: secT,
        json: { texts: { en: 'x' }, type: 'observation', topicId: tR.id, topicState: 'shortlisted' },
      }),
      'conclusion moving an ITU-R topic',
    )
    await refused(
      await h.request(`/api/v1/meetings/${upcomingR.id}/agenda/edits`, {
        method: 'POST',
        as: secT,
        json: { kind: 'add_free', titles: { en: 'Item' } },
      }),
      'agenda edit',
    )
    await refused(
      await h.request(`/api/v1/meetings/${upcomingR.id}/agenda/publish`, {
        method: 'POST',
        as: secT,
        json: { lockVersion: 1 },
      }),
      'agenda publish',
    )
    assert.deepEqual(await counts(), was, 'nothing created')
    assert.equal(await auditCount(), audit, 'no audit entry')
    for (const t of [tT, tR, tU]) {
      const now = await getTopic(t.id)
      assert.equal(now.version, t.version, 'nothing changed')
      assert.equal(now.sector, t.sector)
    }
    const stillOpen = (await (await h.request(`/api/v1/actions/${actionR.id}`, { as: sec })).json()) as Action
    assert.equal(stillOpen.status, 'open')

    // The pages: another Sector's topic is read, not offered for change; its forms are refused.
    const topicPage = await h.request(`/topics/${tR.id}`, { as: secT })
    assert.equal(topicPage.status, 200)
    const html = await topicPage.text()
    assert.match(html, /Your role is limited to ITU-T/)
    assert.doesNotMatch(html, new RegExp(`/topics/${tR.id}/edit`))
    assert.doesNotMatch(html, /id="move-h"/)
    assert.equal((await h.request(`/topics/${tR.id}/edit`, { as: secT })).status, 403)
    assert.equal((await h.request(`/meetings/${upcomingR.id}/agenda/builder`, { as: secT })).status, 403)
    const fromForm = await formPost(`/topics/${tR.id}/transitions`, secT, [
      ['to', 'shortlisted'],
      ['reason', 'x'],
      ['version', String(tR.version)],
    ])
    assert.equal(fromForm.status, 403)
    const newForm = await formPost('/topics/new', secT, [
      ['titles.en', 'Not mine either'],
      ['sector', 'ITU-R'],
    ])
    assert.equal(newForm.status, 403)
    assert.match(await newForm.text(), /Your role is limited to another Sector/)

    // Its own Sector, the Union's bodies, and an action it is responsible for are its to change.
    const own = await topic(secT, 'Limited secretariat’s topic')
    assert.equal(own.sector, 'ITU-T', 'its own Sector by default')
    const ownMoved = await h.request(`/api/v1/topics/${tT.id}/transitions`, {
      method: 'POST',
      as: secT,
      json: { to: 'shortlisted', reason: 'ours', version: tT.version },
    })
    assert.equal(ownMoved.status, 200)
    for (const addressee of ['TSAG', 'Council', 'CTO group', 'ITU-T SG13']) {
      const res = await addAction(secT, cT, addressee)
      assert.equal(res.status, 201, `${addressee}: ${await res.clone().text()}`)
      assert.equal(((await res.json()) as Action).sector, 'ITU-T')
    }
    // Another Sector's meeting's conclusion is not its to follow up, even with an action of its own Sector.
    assert.equal((await addAction(secT, cR, 'CTO group', { sector: 'ITU-T' })).status, 403)
    const mineToReport = await action(sec, cR, 'CTO group', { responsibleUserId: secT.userId })
    const reported = await h.request(`/api/v1/actions/${mineToReport.id}/updates`, {
      method: 'POST',
      as: secT,
      json: { status: 'in_progress', note: 'As the person responsible', version: mineToReport.version },
    })
    assert.equal(reported.status, 200, await reported.clone().text())
    const agendaT = await buildMeeting(h.db, { status: 'announced' })
    await h.db.updateTable('meeting').set({ sector_id: S.T }).where('id', '=', agendaT.id).execute()
    const ownAgenda = await h.request(`/api/v1/meetings/${agendaT.id}/agenda/edits`, {
      method: 'POST',
      as: secT,
      json: { kind: 'add_free', titles: { en: 'Item' } },
    })
    assert.equal(ownAgenda.status, 200, await ownAgenda.clone().text())

    // The unlimited secretariat changes every Sector's records and the Union's.
    const merged = await h.request(`/api/v1/topics/${tU.id}/merge`, {
      method: 'POST',
      as: sec,
      json: { intoId: tR.id, reason: 'duplicate' },
    })
    assert.equal(merged.status, 200, await merged.clone().text())
    assert.equal((await addAction(sec, cT, 'RAG')).status, 201)
    assert.equal(
      (
        await h.request(`/api/v1/actions/${actionR.id}/updates`, {
          method: 'POST',
          as: sec,
          json: { status: 'done', note: 'Done', version: actionR.version },
        })
      ).status,
      200,
    )
    assert.equal(
      (
        await h.request(`/api/v1/meetings/${upcomingR.id}/agenda/edits`, {
          method: 'POST',
          as: sec,
          json: { kind: 'add_free', titles: { en: 'Item' } },
        })
      ).status,
      200,
    )
    assert.equal(
      (
        await h.request(`/api/v1/meetings/${meetingR.id}/conclusions`, {
          method: 'POST',
          as: sec,
          json: { texts: { en: 'x' }, type: 'observation', topicId: tR.id, topicState: 'shortlisted' },
        })
      ).status,
      201,
    )
    assert.ok((await auditCount()) > audit)
  })
})
