/**
 * The agenda score: why a topic is proposed for a meeting, in parts anyone can check. Each component is a
 * plain count or sum; its weight is a setting; the score is the sum of weight × value. Defined in
 * docs/metrics.md.
 */
export const SCORE_COMPONENTS = [
  'strategic',
  'consultation_demand',
  'developing_demand',
  'supports',
  'open_actions',
  'staleness',
] as const
export type ScoreComponent = (typeof SCORE_COMPONENTS)[number]
export type Weights = Record<ScoreComponent, number>
export type ScoreInputs = Record<ScoreComponent, number>
export type ScorePart = { component: ScoreComponent; value: number; weight: number; points: number }
export type Score = { total: number; parts: ScorePart[] }

/** Months without discussion count up to this; after two years a topic is simply "long not discussed". */
export const STALENESS_CAP_MONTHS = 24

export function staleness(lastDiscussedOrCreated: Date, at: Date): number {
  const months = Math.floor((at.getTime() - lastDiscussedOrCreated.getTime()) / (30 * 86400_000))
  return Math.max(0, Math.min(STALENESS_CAP_MONTHS, months))
}

/** Rounds to 2 decimals so that the parts shown add up to the total shown. */
const round = (n: number) => Math.round(n * 100) / 100

export function score(inputs: ScoreInputs, weights: Weights): Score {
  const parts = SCORE_COMPONENTS.map((component) => ({
    component,
    value: inputs[component],
    weight: weights[component],
    points: round(inputs[component] * weights[component]),
  }))
  return { total: round(parts.reduce((s, p) => s + p.points, 0)), parts }
}
