import { type Kysely, sql } from 'kysely'

const STATES = `('proposed','shortlisted','on_agenda','discussed','concluded','referred','work_item',
  'standard_approved','monitoring','closed')`

/** The lifecycle as delivered; admins change it in the app (topic_transition_rule). */
const DEFAULT_TRANSITIONS: [string, string[]][] = [
  ['proposed', ['shortlisted', 'on_agenda', 'closed']],
  ['shortlisted', ['proposed', 'on_agenda', 'closed']],
  ['on_agenda', ['shortlisted', 'discussed', 'closed']],
  ['discussed', ['on_agenda', 'concluded', 'closed']],
  ['concluded', ['on_agenda', 'referred', 'work_item', 'monitoring', 'closed']],
  ['referred', ['on_agenda', 'work_item', 'monitoring', 'closed']],
  ['work_item', ['standard_approved', 'monitoring', 'closed']],
  ['standard_approved', ['monitoring', 'closed']],
  ['monitoring', ['on_agenda', 'work_item', 'closed']],
  ['closed', ['proposed']],
]

export async function up(db: Kysely<unknown>): Promise<void> {
  // The strategy input: TSAG's strategic priorities and new and emerging technologies (Resolution 22).
  await sql`
    CREATE TABLE strategic_priority (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      titles jsonb NOT NULL,
      descriptions jsonb NOT NULL DEFAULT '{}',
      kind text NOT NULL CHECK (kind IN ('strategic_priority','emerging_technology')),
      weight numeric(6,2) NOT NULL DEFAULT 1 CHECK (weight >= 0 AND weight <= 100),
      period_start date NOT NULL,
      period_end date,
      archived_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (period_end IS NULL OR period_end >= period_start)
    )`.execute(db)

  await sql`
    CREATE TABLE topic_transition_rule (
      from_state text NOT NULL CHECK (from_state IN ${sql.raw(STATES)}),
      to_state text NOT NULL CHECK (to_state IN ${sql.raw(STATES)}),
      PRIMARY KEY (from_state, to_state),
      CHECK (from_state <> to_state)
    )`.execute(db)
  for (const [from, tos] of DEFAULT_TRANSITIONS) {
    for (const to of tos) {
      await sql`INSERT INTO topic_transition_rule (from_state, to_state) VALUES (${from}, ${to})`.execute(db)
    }
  }

  await sql`
    CREATE TABLE topic (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      titles jsonb NOT NULL,
      descriptions jsonb NOT NULL DEFAULT '{}',
      keywords text[] NOT NULL DEFAULT '{}',
      study_groups text[] NOT NULL DEFAULT '{}',
      source text NOT NULL CHECK (source IN ('strategy_mechanism','consultation','member_proposal','carried_over','secretariat')),
      state text NOT NULL DEFAULT 'proposed' CHECK (state IN ${sql.raw(STATES)}),
      proposed_by_organization_id uuid REFERENCES organization(id),
      proposed_by_country_code char(2) REFERENCES country(code),
      consultation_id uuid REFERENCES consultation(id),
      consultation_response_id uuid REFERENCES consultation_response(id) ON DELETE SET NULL,
      merged_into uuid REFERENCES topic(id),
      split_from uuid REFERENCES topic(id),
      version integer NOT NULL DEFAULT 1,
      created_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (merged_into IS NULL OR merged_into <> id)
    )`.execute(db)
  await sql`CREATE INDEX topic_state_idx ON topic (state)`.execute(db)
  await sql`CREATE INDEX topic_consultation_idx ON topic (consultation_id)`.execute(db)
  // A consultation's proposals are imported once per response and position.
  await sql`ALTER TABLE topic ADD COLUMN consultation_proposal_index integer`.execute(db)
  await sql`
    CREATE UNIQUE INDEX topic_consultation_proposal_key ON topic (consultation_response_id, consultation_proposal_index)
    WHERE consultation_response_id IS NOT NULL`.execute(db)

  await sql`
    CREATE TABLE topic_priority (
      topic_id uuid NOT NULL REFERENCES topic(id) ON DELETE CASCADE,
      priority_id uuid NOT NULL REFERENCES strategic_priority(id),
      PRIMARY KEY (topic_id, priority_id)
    )`.execute(db)

  // One support per organization.
  await sql`
    CREATE TABLE topic_support (
      topic_id uuid NOT NULL REFERENCES topic(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organization(id),
      user_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (topic_id, organization_id)
    )`.execute(db)

  // The topic's story: every transition (when, by whom, why, at which meeting, with evidence), merge,
  // split, support and edit, in order.
  await sql`
    CREATE TABLE topic_event (
      id bigserial PRIMARY KEY,
      topic_id uuid NOT NULL REFERENCES topic(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('created','edited','transition','merged_into','merged_from',
        'split_into','split_from','supported','support_withdrawn')),
      from_state text,
      to_state text,
      reason text,
      meeting_id uuid REFERENCES meeting(id),
      evidence_url text,
      related_topic_id uuid REFERENCES topic(id),
      organization_id uuid REFERENCES organization(id),
      at timestamptz NOT NULL DEFAULT now(),
      by_user uuid REFERENCES app_user(id) ON DELETE SET NULL,
      by_label text NOT NULL
    )`.execute(db)
  await sql`CREATE INDEX topic_event_topic_idx ON topic_event (topic_id, id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'topic_event',
    'topic_support',
    'topic_priority',
    'topic',
    'topic_transition_rule',
    'strategic_priority',
  ]) {
    await sql`DROP TABLE ${sql.table(t)}`.execute(db)
  }
}
