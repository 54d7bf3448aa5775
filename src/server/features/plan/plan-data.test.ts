// Checks data/action-plan.json, the transcription of the ITU-T industry-engagement action plan
// (Annex 3 of the TSAG report to WTSA-24, Document WTSA-24/24). The expected facts below were read off
// the reference text by hand; the test does not read the reference itself (CI clones have no copy).
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'

interface Pillar {
  code: string
  title: string
  items: string[]
  cite: string
}

interface Item {
  code: string
  parent: string | null
  text: string
  cite: string
  shortName: string | null
  table: string | null
  objective: string | null
  keyOutcomes: string[]
  kois: string[]
  strategies: string | null
  enablers: string | null
  services: string | null
  learning: string | null
}

interface ProposedAction {
  code: string
  point: string
  sessions: string[]
  action: string | null
  targets: string[]
  targetItems: string[]
  targetDocument: string | null
  comments: string | null
  cite: string
}

interface ActionPlan {
  source: string
  version: { code: string; title: string }
  pillars: Pillar[]
  items: Item[]
  proposedActions: ProposedAction[]
}

const plan = JSON.parse(
  readFileSync(new URL('../../../../data/action-plan.json', import.meta.url), 'utf8'),
) as ActionPlan

const itemCodes = plan.items.map((i) => i.code)
const byItem = new Map(plan.items.map((i) => [i.code, i]))
const byAction = new Map(plan.proposedActions.map((a) => [a.code, a]))

// Clause 4, in the order of the text.
const expectedItemCodes = [
  'AP1',
  'AP1.1',
  'AP1.1.1',
  'AP1.1.2',
  'AP1.1.3',
  'AP1.2',
  'AP1.3',
  'AP1.4',
  'AP1.5',
  'AP1.6',
  'AP1.7',
  'AP2',
  'AP3',
  'AP4',
  'AP5',
  'AP6',
]

// Table 3.14: rows 17, 18, 20, 22 and 23 do not exist in the source.
const expectedActionCodes = [
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '19',
  '21',
  '24',
  '25',
  '26',
  '27',
  '28',
  '29',
  '30',
  '31',
].map((n) => `IWX-${n}`)

// §2.2, the four pillars.
const expectedPillars: [string, string, string[]][] = [
  ['raising_awareness', 'Raising awareness', ['AP1.1', 'AP5']],
  ['adding_value', 'Adding value', ['AP1.2', 'AP1.3', 'AP1.6']],
  ['attracting_new_members', 'Attracting potential new sector members', ['AP1.4']],
  [
    'strategic_plan_mapping',
    'Mapping of ITU strategic plan and indicators',
    ['AP1.5', 'AP1.7', 'AP3', 'AP4'],
  ],
]

// Tables 3.2 to 3.13: item, table, short name, first key outcome, first key outcome indicator (null: empty cell).
const expectedTables: [string, string, string, string | null, string | null][] = [
  [
    'AP1.1',
    'Table 3.2',
    'Lack of awareness',
    'Increased awareness of the importance, including among the next generation of engineers and others in related fields, of ITU-T global standards in the development of telecom/ICT systems and services.',
    'Enhanced participation (statistics related to next generation engineers can be specifically counted) in the work of ITU-T study groups.',
  ],
  [
    'AP1.2',
    'Table 3.3',
    'Common vision and roles',
    "The ITU-T is equipped with a clearly spellable common vision of the future as a 'story'.",
    'An agreed story.',
  ],
  [
    'AP1.3',
    'Table 3.4',
    'Value propositions',
    'Identified list of value propositions to enhance value in the work of ITU-T.',
    'the retention of industry representatives in the activities of ITU-T,',
  ],
  [
    'AP1.4',
    'Table 3.5',
    'Attract industry',
    'Identification of measures to address the following non-exhaustive list of issues: disparity in human resources skilled in standardization and disparity in effective participation in ITU-T activities; access to essential technical information in order to enhance knowledge and capacity i) to implement global standards, ii) to contribute effectively to the work of ITU-T, iii) to include their own specificities and necessities in the global standards-making process, and iv) to influence global standards-making discussions by having active roles in the ITU-T SGs, in close collaboration with other BDT capacity-building initiatives; compiling and maintaining an up-to-date database with information on new standardized technologies, as well as products that are compliant with ITU-T Recommendations.',
    'a more active engagement of industry from developed and developing countries in partnership with Member States.',
  ],
  [
    'AP1.5',
    'Table 3.6',
    'Bridge the technology/policy/strategy gap',
    'The identification of measures in the form of guidelines across the whole lifecycle of standardisation from the members competencies in the three fields, the initiation of new work item, their development, their quality, and the application of ITU-T Recommendations particular on manufactured products and interconnection, with emphasis on Recommendations having regulatory and policy implications.',
    'Number of relevant and implementable measures categorised by short, medium and long term execution and impact.',
  ],
  ['AP1.6', 'Table 3.7', 'Dialogue', null, null],
  [
    'AP1.7',
    'Table 3.8',
    'Motivate coordination',
    'Given the rapid pace of change in the global standardization ecosystem, coordinated actions in the development of standards can lead to the avoidance of duplication of work, better harmonised collaboration and standards, and better qualification of opportunities for standardisation.',
    'A more informed appreciation and understanding among Sector Members, Associates and SMEs who participate in other standards forums on the role of ITU-T in global standardization ecosystem.',
  ],
  [
    'AP2',
    'Table 3.9',
    'Workshop and surveys',
    'Tangible feedback is formalised and qualified and inputs to several other action plan items.',
    'Active and engaged number of participants in standardisation increases.',
  ],
  [
    'AP3',
    'Table 3.10',
    'Res. 68',
    'Clarification of the evolving role of industry in the development of ITU-T programmes and standards.',
    'A more executive level, consistent and sustainable engagement on the part of industry executives with the work and outcomes of ITU-T standardization activities.',
  ],
  [
    'AP4',
    'Table 3.11',
    'Format on ITU Strategic Plan',
    'A good support of this action plan as its format is aligned on the ITU Strategic Plan [b-ITU Strategic Plan].',
    'The action plan is clear and agreed.',
  ],
  [
    'AP5',
    'Table 3.12',
    'Circular',
    'One circular informing the Regional groups that TSAG have started to discuss various measures to encourage industry engagement,',
    'Feedback received from regional groups and current and especially new industry members.',
  ],
  ['AP6', 'Table 3.13', 'Coordination with other RGs', null, null],
]

// Table 3.14: row, session sources (K, 1-4, E, R), target entities, AP tags of the target document.
const expectedActions: [string, string[], string[], string[]][] = [
  ['01', ['1', '3', 'R'], ['RG-IEM', 'RG-WM', 'TSB'], ['AP1.4']],
  ['02', ['3', 'R'], ['RG-IEM', 'RG-SOP'], ['AP1.7']],
  ['03', ['3', 'R'], ['RG-IEM', 'TSB'], ['AP1.3']],
  ['04', ['1', 'R'], ['RG-IEM', 'RG-SOP', 'TSB'], ['AP1.4']],
  ['05', ['3', '4', 'R'], ['RG-IEM', 'RG-WM'], ['AP1.2', 'AP1.4']],
  ['06', ['2', '3'], ['RG-IEM'], ['AP1.1.3', 'AP1.4']],
  ['07', ['3', 'R'], ['RG-IEM', 'TSB'], ['AP1.3']],
  ['08', ['3'], ['RG-IEM', 'RG-SOP', 'TSB'], ['AP1.3']],
  ['09', ['1', '2', 'R'], ['RG-IEM'], ['AP1.4', 'AP1.1.2']],
  ['10', ['3', 'R'], ['RG-IEM'], ['AP1.7']],
  ['11', ['3', 'R'], ['RG-IEM'], ['AP1.5']],
  ['12', ['R'], ['RG-IEM', 'RG-WM'], ['AP3']],
  ['13', ['E', 'R'], ['RG-IEM'], ['AP2']],
  ['14', ['3'], ['RG-IEM', 'TSB', 'Membership'], ['AP1.1.2']],
  ['15', ['3'], ['RG-IEM', 'RG-WM', 'TSB'], ['AP1.1.2']],
  ['16', ['3'], ['RG-IEM', 'RG-SOP', 'RG-WTSA'], ['AP1.1.2']],
  ['19', ['3'], ['RG-IEM'], ['AP1.7']],
  ['21', ['2', '3', 'E', 'R'], ['RG-IEM', 'RG-WM'], ['AP1.4']],
  ['24', ['3'], ['RG-IEM'], ['AP1.1.3']],
  ['25', ['3'], ['RG-IEM'], ['AP1.1.3']],
  ['26', ['3'], ['RG-IEM', 'RG-SOP'], ['AP1.3']],
  ['27', ['3'], ['RG-IEM'], ['AP1.4']],
  ['28', ['K', '2', '3', 'R'], ['RG-IEM'], ['AP1.5']],
  ['29', ['3'], ['RG-IEM', 'RG-SOP'], ['AP1.7']],
  ['30', ['1', 'E'], ['RG-IEM', 'RG-SOP'], []],
  ['31', ['1'], ['RG-IEM', 'RG-SOP'], []],
]

const sessionOrder = ['K', '1', '2', '3', '4', 'E', 'R']

function emptyStrings(value: unknown, path: string): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [path] : []
  if (Array.isArray(value)) return value.flatMap((v, i) => emptyStrings(v, `${path}[${i}]`))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => emptyStrings(v, `${path}.${k}`))
  }
  return []
}

describe('action plan data (WTSA-24/24, Annex 3)', () => {
  test('names its source and version', () => {
    assert.match(plan.source, /WTSA-24 Document 24/)
    assert.deepEqual(plan.version, { code: '2024', title: 'Industry engagement action plan (WTSA-24/24)' })
  })

  test('holds exactly the clause 4 items, in order', () => {
    assert.deepEqual(itemCodes, expectedItemCodes)
  })

  test('holds exactly the Table 3.14 rows, by number', () => {
    assert.deepEqual(
      plan.proposedActions.map((a) => a.code),
      expectedActionCodes,
    )
  })

  test('has the four pillars of §2.2', () => {
    assert.deepEqual(
      plan.pillars.map((p) => [p.code, p.title, p.items]),
      expectedPillars,
    )
    for (const p of plan.pillars) assert.equal(p.cite, '§2.2')
  })

  test('carries the clause 4 texts', () => {
    assert.equal(
      byItem.get('AP1.4')?.text,
      'Identify how to attract industry from developed and developing countries to participate in ITU-T as new Sector Members, Associates and SMEs, particularly the next generation and be inclusive.',
    )
    assert.equal(
      byItem.get('AP1.1.1')?.text,
      'Correlate the lack of awareness with the lack of engagement in standards,',
    )
    assert.equal(
      byItem.get('AP5')?.text,
      'Send out a circular informing membership about the ongoing discussion in TSAG to encourage industry engagement, e.g., based on the text in TSAG-C15R1.',
    )
  })

  test('parents follow the numbering', () => {
    const expected: Record<string, string | null> = {
      AP1: null,
      'AP1.1': 'AP1',
      'AP1.1.1': 'AP1.1',
      'AP1.1.2': 'AP1.1',
      'AP1.1.3': 'AP1.1',
      'AP1.7': 'AP1',
      AP2: null,
      AP6: null,
    }
    for (const [code, parent] of Object.entries(expected))
      assert.equal(byItem.get(code)?.parent, parent, code)
    for (const item of plan.items) {
      if (item.parent !== null) assert.ok(byItem.has(item.parent), `${item.code}: parent ${item.parent}`)
    }
  })

  test('tables 3.2 to 3.13 sit on the first item they name', () => {
    const withTable = plan.items.filter((i) => i.table !== null).map((i) => i.code)
    assert.deepEqual(
      withTable,
      expectedTables.map(([code]) => code),
    )
    for (const [code, table, shortName, firstOutcome, firstKoi] of expectedTables) {
      const item = byItem.get(code)
      assert.ok(item, code)
      assert.equal(item.table, table, code)
      assert.equal(item.cite, `clause 4; ${table}`, code)
      assert.equal(item.shortName, shortName, code)
      assert.equal(item.keyOutcomes[0] ?? null, firstOutcome, code)
      assert.equal(item.kois[0] ?? null, firstKoi, code)
      assert.ok(item.objective, `${code}: objective`)
    }
    assert.equal(byItem.get('AP1.1')?.kois.length, 3)
    assert.equal(
      byItem.get('AP2')?.enablers,
      'All the enablers listed and in particular the next generation one.',
    )
    assert.equal(byItem.get('AP5')?.services, 'TSB Circular procedures.')
  })

  test('items without a table carry only their clause 4 text', () => {
    for (const item of plan.items.filter((i) => i.table === null)) {
      assert.equal(item.cite, 'clause 4', item.code)
      assert.equal(item.shortName, null, item.code)
      assert.equal(item.objective, null, item.code)
      assert.deepEqual(item.keyOutcomes, [], item.code)
      assert.deepEqual(item.kois, [], item.code)
      assert.equal(item.strategies, null, item.code)
      assert.equal(item.enablers, null, item.code)
      assert.equal(item.services, null, item.code)
      assert.equal(item.learning, null, item.code)
    }
  })

  test('proposed actions: sessions, targets and target items as in Table 3.14', () => {
    for (const [n, sessions, targets, targetItems] of expectedActions) {
      const a = byAction.get(`IWX-${n}`)
      assert.ok(a, n)
      assert.deepEqual(a.sessions, sessions, `${n}: sessions`)
      assert.deepEqual(a.targets, targets, `${n}: targets`)
      assert.deepEqual(a.targetItems, targetItems, `${n}: target items`)
      assert.equal(a.cite, `Table 3.14, row ${n}`)
    }
    assert.equal(byAction.get('IWX-05')?.targetDocument, 'AP1.2 or AP1.4')
    assert.equal(byAction.get('IWX-30')?.targetDocument, null)
    assert.equal(
      byAction.get('IWX-13')?.action,
      'TSAG to consider holding such a workshop again as a follow-up, or even regularly, either separate or joint with the CTO/CxO meetings',
    )
  })

  test('sessions are legend codes in column order', () => {
    for (const a of plan.proposedActions) {
      const idx = a.sessions.map((s) => sessionOrder.indexOf(s))
      assert.ok(
        idx.every((i) => i >= 0),
        a.code,
      )
      assert.deepEqual(
        idx,
        [...idx].sort((x, y) => x - y),
        a.code,
      )
    }
  })

  test('references resolve and codes are unique', () => {
    const items = new Set(itemCodes)
    assert.equal(items.size, plan.items.length)
    assert.equal(byAction.size, plan.proposedActions.length)
    assert.equal(new Set(plan.pillars.map((p) => p.code)).size, plan.pillars.length)
    for (const p of plan.pillars) for (const code of p.items) assert.ok(items.has(code), `${p.code}: ${code}`)
    for (const a of plan.proposedActions) {
      for (const code of a.targetItems) assert.ok(items.has(code), `${a.code}: ${code}`)
      for (const code of a.targetItems) assert.ok(a.targetDocument?.includes(code), `${a.code}: ${code}`)
    }
  })

  test('no empty strings anywhere', () => {
    assert.deepEqual(emptyStrings(plan, '$'), [])
  })

  // Every key outcome, KOI, point for consideration and proposed action above was checked, on 2026-11-23,
  // to appear verbatim (whitespace aside) in the reference text, by a script comparing the file with it.
  // These pins make any later change to those texts deliberate: update them together with the check.
  test('the key outcomes, KOIs and proposed actions are those checked against the reference', () => {
    const counts = Object.fromEntries(plan.items.map((i) => [i.code, [i.keyOutcomes.length, i.kois.length]]))
    assert.deepEqual(counts, {
      AP1: [0, 0],
      'AP1.1': [1, 3],
      'AP1.1.1': [0, 0],
      'AP1.1.2': [0, 0],
      'AP1.1.3': [0, 0],
      'AP1.2': [3, 3],
      'AP1.3': [1, 3],
      'AP1.4': [2, 1],
      'AP1.5': [1, 2],
      'AP1.6': [0, 0],
      'AP1.7': [1, 1],
      AP2: [3, 3],
      AP3: [3, 1],
      AP4: [1, 3],
      AP5: [2, 1],
      AP6: [0, 0],
    })
    const texts = [
      ...plan.items.flatMap((i) => [...i.keyOutcomes, ...i.kois]),
      ...plan.proposedActions.map((a) => `${a.point}\n${a.action}`),
    ]
    assert.equal(
      createHash('sha256').update(texts.join('\n\u241e\n')).digest('hex'),
      'f8dd5c17071d0c23a3928eff559eff728b24f8d2e92dee8e6c7aae90d37149f0',
    )
  })
})
