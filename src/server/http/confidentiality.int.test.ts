import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type TestUser, useHarness } from '../testing/harness.ts'
import {
  bodyText,
  COUNTRY_X,
  COUNTRY_Y,
  plantWorld,
  ROLE_NAMES,
  type Role,
  type World,
} from '../testing/world.ts'

/**
 * Confidential values carry unique markers: country X's consultation answer, organization A's private
 * data (its consultation answer, its people's e-mail and phone) and a person of A without public-list
 * consent. Every GET route (pages, API, exports, calendars, search, charts, reports in every format) is
 * fetched as every role, following same-origin links, and no role that must not see a marker finds it
 * in any body; the roles that may see it do find it, so the crawl reaches the data.
 */
const h = useHarness()
const MAX_PER_ROLE = 150
/** Links of the same shape (path pattern and query keys) fetched at most this often: filters, pages, sorts. */
const PER_SHAPE = 2

type Marker = 'country' | 'org' | 'person'
const MAY_SEE: Record<Marker, Role[]> = {
  country: ['fpX', 'secretariat', 'admin'],
  org: ['repA', 'secretariat', 'admin'],
  person: ['repA', 'secretariat', 'admin'],
}

/** Every value a path parameter can take in the world, so that every object is fetched. */
function candidates(w: World, pattern: string, name: string): string[] {
  const segment =
    pattern
      .slice(0, pattern.indexOf(`:${name}`))
      .split('/')
      .at(-2) ?? ''
  const table: Record<string, string[]> = {
    'organizations:id': [w.orgA.id, w.orgB.id],
    'people:id': [w.personA.id, w.hiddenA.id, w.personB.id, w.hiddenB.id],
    'groups:id': [w.group.id],
    'countries:code': [COUNTRY_X, COUNTRY_Y],
    'meetings:id': [w.upcoming.id, w.held.id],
    'documents:id': [w.document],
    'consultations:id': [w.byCountry, w.byOrganization],
    'respond:targetId': [w.targetX, w.targetY, w.targetA, w.targetB],
    'responses:targetId': [w.targetX, w.targetY, w.targetA, w.targetB],
    'topics:id': [w.topic],
    'actions:id': [w.action],
    'actions:code': [w.planAction],
    'items:code': [w.planItem],
    'priorities:id': [w.priority],
    'bodies:body': ['SG13'],
    'bodies:id': [w.orgBody],
    'conclusions:id': [w.conclusion],
    'panels:id': [w.panel],
    'advice:adviceId': [w.panelAdvice],
    'circulars:id': [w.circularId],
    'jobs:id': [w.jobId],
    'issued:id': [w.issueId],
    'users:id': [w.users.repA.userId, w.users.fpX.userId],
    'calendar:file': [`${w.calendarSecret}.ics`],
    'template:kind': ['organizations', 'people'],
    'static:file': ['app.js'],
    'c:token': ['no-such-link'],
  }
  const values = table[`${segment}:${name}`]
  if (!values) throw new Error(`no fixture for :${name} in ${pattern}`)
  return values
}

function expand(w: World, pattern: string): string[] {
  const names = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!)
  let paths = [pattern]
  for (const name of names) {
    paths = paths.flatMap((p) => candidates(w, pattern, name).map((v) => p.replace(`:${name}`, v)))
  }
  return paths
}

/** Every GET route with every object, plus the formats, exports and searches the routes offer. */
function seeds(h: ReturnType<typeof useHarness>, w: World): string[] {
  const routes = [...new Set(h.app.routes.filter((r) => r.method === 'GET').map((r) => r.path))]
  const out = routes.flatMap((p) => expand(w, p))
  const tag = w.markers.person.slice('ZZSECRET-P'.length)
  const reports = [
    `/meetings/${w.held.id}/report`,
    `/reports/jobs/${w.jobId}/download`,
    `/reports/issued/${w.issueId}/download`,
  ]
  for (const base of reports) {
    for (const format of ['docx', 'html', 'json', 'csv']) out.push(`${base}?format=${format}`)
  }
  for (const id of [w.byCountry, w.byOrganization]) {
    for (const format of ['csv', 'xlsx']) out.push(`/api/v1/consultations/${id}/export?format=${format}`)
  }
  for (const kind of ['countries', 'organizations', 'people']) {
    for (const format of ['csv', 'json']) out.push(`/api/v1/export/${kind}?format=${format}`)
  }
  out.push(
    '/analytics?format=csv',
    '/plan?format=json',
    `/organizations/${w.orgA.id}/contributions?format=csv`,
    `/api/v1/meetings/${w.upcoming.id}/calendar.ics`,
    `/groups/${w.group.id}/calendar.ics`,
    // Searches for a part of the markers (the search box echoes the query, never the whole marker).
    ...['people', 'organizations', 'consultations', 'meetings', 'topics'].flatMap((p) => [
      `/${p}?q=${tag}`,
      `/${p}?q=Hidden`,
      `/api/v1/${p}?q=${tag}`,
      `/api/v1/${p}?q=Hidden`,
    ]),
    `/people?q=${tag.toLowerCase()}&archived=include`,
    `/panels/${w.panel}?status=given`,
    `/api/v1/panels/${w.panel}/advice?status=given`,
    `/api/v1/people?pageSize=200`,
  )
  return [...new Set(out)]
}

function shape(link: string): string {
  const [path, query = ''] = link.split('?')
  const keys = [...new URLSearchParams(query).keys()].sort().join('&')
  return `${path!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id').replace(/\/[A-Z]{2}(?=\/|$)/g, '/:code')}?${keys}`
}

/** Same-origin links of a page, without language switches (the same page again) and fragments. */
function links(html: string): string[] {
  const out: string[] = []
  for (const m of html.matchAll(/href="([^"]+)"/g)) {
    const href = m[1]!.replaceAll('&amp;', '&').split('#')[0]!
    if (!href.startsWith('/') || href.startsWith('//') || /[?&]lang=/.test(href)) continue
    out.push(href)
  }
  return out
}

test('no marker reaches a role that must not see it, through any GET route or link; those who may, see it', async () => {
  const started = Date.now()
  const w = await plantWorld(h)
  const start = seeds(h, w)
  const seen: Record<Role, Set<Marker>> = Object.fromEntries(ROLE_NAMES.map((r) => [r, new Set()])) as never
  const leaks: string[] = []
  const counts: string[] = []
  for (const role of ROLE_NAMES) {
    const as: TestUser | undefined = role === 'anonymous' ? undefined : w.users[role]
    const queue = [...start]
    const visited = new Set<string>()
    const shapes = new Map<string, number>()
    const limit = start.length + MAX_PER_ROLE
    while (queue.length && visited.size < limit) {
      const path = queue.shift()!
      if (visited.has(path)) continue
      visited.add(path)
      const res = await h.request(path, as ? { as } : {})
      assert.ok(res.status < 500, `${role} GET ${path} answered ${res.status}`)
      const type = res.headers.get('content-type') ?? ''
      const body = await bodyText(res)
      const upper = body.toUpperCase()
      for (const marker of Object.keys(MAY_SEE) as Marker[]) {
        if (!upper.includes(w.markers[marker])) continue
        seen[role].add(marker)
        if (!MAY_SEE[marker].includes(role)) leaks.push(`${role} sees the ${marker} marker in GET ${path}`)
      }
      if (type.startsWith('text/html')) {
        for (const link of links(body)) {
          const n = shapes.get(shape(link)) ?? 0
          if (visited.has(link) || queue.includes(link) || n >= PER_SHAPE) continue
          shapes.set(shape(link), n + 1)
          queue.push(link)
        }
      }
    }
    counts.push(`${role}: ${visited.size} (${visited.size - start.length} by links)`)
  }
  console.log(`GET responses per role: ${counts.join(', ')} in ${Date.now() - started} ms`)
  assert.deepEqual(leaks, [])
  for (const marker of Object.keys(MAY_SEE) as Marker[]) {
    for (const role of MAY_SEE[marker]) {
      assert.ok(seen[role].has(marker), `${role} should find the ${marker} marker somewhere`)
    }
  }
})
