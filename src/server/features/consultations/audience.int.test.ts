import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildGroup, buildOrganization } from '../../testing/factories.ts'
import { unique, useHarness } from '../../testing/harness.ts'
import { readReferenceCountries } from '../directory/reference-data.ts'
import { AudienceSchema, resolveAudience } from './audience.ts'

const h = useHarness()
const reference = readReferenceCountries()

describe('consultation audiences', () => {
  test('developing countries that are LDCs or SIDS, as the reference data says', async () => {
    const audience = AudienceSchema.parse({
      kind: 'countries',
      developmentStatus: 'developing',
      tags: ['ldc', 'sids'],
    })
    const { ids } = await resolveAudience(h.db, audience)
    const expected = reference
      .filter((c) => c.un_member && c.development_status === 'developing' && (c.ldc || c.sids))
      .map((c) => c.code)
      .sort()
    assert.deepEqual(ids, expected)
    assert.ok(ids.includes('ET'), 'Ethiopia: LDC')
    assert.ok(ids.includes('ST'), 'São Tomé and Príncipe: no longer LDC, still SIDS')
    assert.ok(!ids.includes('FR'))
  })

  test('a region rule plus explicitly chosen countries; unknown codes are dropped', async () => {
    const { ids } = await resolveAudience(
      h.db,
      AudienceSchema.parse({ kind: 'countries', regions: ['cis'], countries: ['BR', 'QQ'] }),
    )
    const cis = reference.filter((c) => c.un_member && c.itu_region === 'cis').map((c) => c.code)
    assert.deepEqual(ids, [...cis, 'BR'].sort())
  })

  test('organizations by category, region and group; archived ones never', async () => {
    const tag = unique('Aud')
    const ke = await buildOrganization(h.db, {
      name: `${tag} KE`,
      country_code: 'KE',
      category: 'sector_member',
    })
    const fr = await buildOrganization(h.db, {
      name: `${tag} FR`,
      country_code: 'FR',
      category: 'sector_member',
    })
    const uni = await buildOrganization(h.db, {
      name: `${tag} uni`,
      country_code: 'KE',
      category: 'academia',
    })
    const gone = await buildOrganization(h.db, {
      name: `${tag} gone`,
      country_code: 'KE',
      category: 'sector_member',
      archived_at: new Date(),
    })
    const group = await buildGroup(h.db)
    await h.db
      .insertInto('group_membership')
      .values([
        { group_id: group.id, organization_id: fr.id, start_date: '2024-01-01' },
        { group_id: group.id, organization_id: uni.id, start_date: '2020-01-01', end_date: '2021-01-01' },
      ])
      .execute()
    const africa = await resolveAudience(
      h.db,
      AudienceSchema.parse({ kind: 'organizations', regions: ['africa'], categories: ['sector_member'] }),
    )
    assert.ok(africa.ids.includes(ke.id))
    assert.ok(!africa.ids.includes(fr.id) && !africa.ids.includes(uni.id) && !africa.ids.includes(gone.id))
    const members = await resolveAudience(
      h.db,
      AudienceSchema.parse({ kind: 'organizations', groupId: group.id }),
    )
    assert.deepEqual(members.ids, [fr.id], 'only current members')
    const chosen = await resolveAudience(
      h.db,
      AudienceSchema.parse({ kind: 'organizations', organizations: [uni.id, gone.id] }),
    )
    assert.deepEqual(chosen.ids, [uni.id])
  })

  test('an audience is refused when its shape is wrong', () => {
    assert.equal(AudienceSchema.safeParse({ kind: 'countries', tags: ['rich'] }).success, false)
    assert.equal(AudienceSchema.safeParse({ kind: 'people' }).success, false)
  })
})
