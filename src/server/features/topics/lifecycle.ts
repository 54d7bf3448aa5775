import type { T } from '../../i18n/i18n.ts'
import type { TopicState } from './topics.schema.ts'

export type TransitionRules = Map<TopicState, TopicState[]>

/** Whether the rules allow moving a topic from one state to another in one step. */
export function canMove(rules: TransitionRules, from: TopicState, to: TopicState): boolean {
  return rules.get(from)?.includes(to) ?? false
}

/**
 * The steps a conclusion takes a topic through: straight to the state it leads to when the rules allow,
 * else through "discussed" (a topic concluded at a meeting was discussed there). Empty when neither works.
 */
export function pathTo(rules: TransitionRules, from: TopicState, to: TopicState): TopicState[] {
  if (from === to) return []
  if (canMove(rules, from, to)) return [to]
  if (from !== 'discussed' && canMove(rules, from, 'discussed') && canMove(rules, 'discussed', to))
    return ['discussed', to]
  return []
}

/** Reasons the system writes are codes ("@agenda_published:2"), shown in the reader's language. */
export function reasonText(t: T, reason: string): string {
  const arg = reason.slice(reason.indexOf(':') + 1)
  if (reason.startsWith('@agenda_published:')) return t('topics.story.reason_agenda', { version: arg })
  if (reason.startsWith('@conclusion:'))
    return t('topics.story.reason_conclusion', { type: t(`follow_up.types.${arg}`) })
  return reason
}
