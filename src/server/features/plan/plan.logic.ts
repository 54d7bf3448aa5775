/** The action plan's rules, as pure functions: progress roll-up, indicator status, scorecard status. */

export const PLAN_STATUSES = ['not_started', 'in_progress', 'done', 'on_hold', 'dropped'] as const
export type PlanStatus = (typeof PLAN_STATUSES)[number]

export type RollUpInput = {
  code: string
  parentCode: string | null
  status: PlanStatus
  progress: number | null
  weight: number
  retired: boolean
}

/** An item's own progress when nothing is entered: done is 100 %, anything else 0 %. */
function own(i: RollUpInput): number {
  if (i.progress !== null) return i.progress
  return i.status === 'done' ? 100 : 0
}

/**
 * Progress rolled up the tree: an item with live children (not retired, not dropped) takes the average
 * of its children's rolled-up progress weighted by their weights; a leaf keeps its own. Rounded to whole
 * percent at the end only.
 */
export function rollUp(items: RollUpInput[]): Map<string, number> {
  const live = items.filter((i) => !i.retired)
  const children = new Map<string, RollUpInput[]>()
  for (const i of live)
    if (i.parentCode && i.status !== 'dropped')
      children.set(i.parentCode, [...(children.get(i.parentCode) ?? []), i])
  const memo = new Map<string, number>()
  const visiting = new Set<string>()
  const value = (i: RollUpInput): number => {
    const known = memo.get(i.code)
    if (known !== undefined) return known
    // A cycle cannot be saved (the service refuses it); here it only stops the recursion.
    if (visiting.has(i.code)) return own(i)
    visiting.add(i.code)
    const kids = children.get(i.code) ?? []
    const total = kids.reduce((s, k) => s + k.weight, 0)
    const v = kids.length && total > 0 ? kids.reduce((s, k) => s + value(k) * k.weight, 0) / total : own(i)
    visiting.delete(i.code)
    memo.set(i.code, v)
    return v
  }
  return new Map(live.map((i) => [i.code, Math.round(value(i))]))
}

/** Would making `parent` the parent of `code` create a cycle? */
export function createsCycle(
  items: { code: string; parentCode: string | null }[],
  code: string,
  parent: string,
) {
  const parentOf = new Map(items.map((i) => [i.code, i.parentCode]))
  let at: string | null | undefined = parent
  const seen = new Set<string>()
  while (at) {
    if (at === code) return true
    if (seen.has(at)) return true
    seen.add(at)
    at = parentOf.get(at)
  }
  return false
}

// ---------------------------------------------------------------- indicators

export const INDICATOR_STATUSES = ['achieved', 'on_track', 'off_track', 'deteriorating', 'no_data'] as const
export type IndicatorStatus = (typeof INDICATOR_STATUSES)[number]

export type IndicatorRule = {
  direction: 'increase' | 'decrease' | 'reach'
  baselineValue: number | null
  baselineDate: string | null
  targetValue: number | null
  targetDate: string | null
}

export type Measurement = { on: string; value: number }

const days = (a: string, b: string) =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400_000

/**
 * An indicator's status from its values, by this rule (shown next to every indicator):
 * - no_data: no measurement yet;
 * - achieved: the latest value has reached the target (at or above it for "increase", at or below for
 *   "decrease", within 2 % of the target's size for "reach");
 * - deteriorating: the latest value moved away from the target since the previous measurement (or the
 *   baseline, when there is only one);
 * - on_track: the share of the way from baseline to target covered is at least the share of the time from
 *   baseline date to target date elapsed (without dates or a baseline: any move towards the target);
 * - off_track: otherwise.
 */
export function indicatorStatus(rule: IndicatorRule, values: Measurement[], today: string): IndicatorStatus {
  const sorted = [...values].sort((a, b) => a.on.localeCompare(b.on))
  const latest = sorted.at(-1)
  if (!latest) return 'no_data'
  const target = rule.targetValue
  const previous = sorted.length > 1 ? sorted.at(-2)!.value : rule.baselineValue
  if (target === null) {
    // Without a target, only the direction speaks.
    if (previous === null || rule.direction === 'reach') return 'on_track'
    const better = rule.direction === 'increase' ? latest.value >= previous : latest.value <= previous
    return better ? 'on_track' : 'deteriorating'
  }
  const up =
    rule.direction === 'increase' || (rule.direction === 'reach' && (rule.baselineValue ?? 0) <= target)
  const reached =
    rule.direction === 'reach'
      ? Math.abs(latest.value - target) <= Math.max(Math.abs(target) * 0.02, 1e-9)
      : up
        ? latest.value >= target
        : latest.value <= target
  if (reached) return 'achieved'
  const distance = (v: number) => Math.abs(target - v)
  if (previous !== null && distance(latest.value) > distance(previous)) return 'deteriorating'
  const baseline = rule.baselineValue
  if (baseline === null || baseline === target)
    return previous !== null && distance(latest.value) < distance(previous) ? 'on_track' : 'off_track'
  const covered = (latest.value - baseline) / (target - baseline)
  if (!rule.baselineDate || !rule.targetDate) return covered > 0 ? 'on_track' : 'off_track'
  const elapsed = Math.min(
    1,
    Math.max(0, days(rule.baselineDate, today) / days(rule.baselineDate, rule.targetDate)),
  )
  return covered >= elapsed ? 'on_track' : 'off_track'
}

// ---------------------------------------------------------------- scorecard

export type ClauseStatus = 'met' | 'partly_met' | 'not_met' | 'no_data'

/** A clause's status: its evidence value against the thresholds (met ≥ met, partly met ≥ partly). */
export function clauseStatus(value: number | null, t: { met: number; partly: number }): ClauseStatus {
  if (value === null || Number.isNaN(value)) return 'no_data'
  if (value >= t.met) return 'met'
  if (value >= t.partly) return 'partly_met'
  return 'not_met'
}
