import { type Kysely, sql } from 'kysely'

export const PLAN_STATUSES = "('not_started','in_progress','done','on_hold','dropped')"

export async function up(db: Kysely<unknown>): Promise<void> {
  // A version of the action plan (the 2023 plan, the 2024 revision…); a new version starts as a copy.
  await sql`
    CREATE TABLE plan_version (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      source text NOT NULL DEFAULT '',
      based_on uuid REFERENCES plan_version(id),
      current boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX plan_version_one_current ON plan_version (current) WHERE current`.execute(db)

  // An action-plan item (AP1, AP1.1, AP1.1.1…), with the results-based fields of the plan and its progress.
  await sql`
    CREATE TABLE plan_item (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      version_id uuid NOT NULL REFERENCES plan_version(id) ON DELETE CASCADE,
      code text NOT NULL CHECK (code ~ '^[A-Z]+[0-9]+(\\.[0-9]+)*$'),
      parent_code text,
      position integer NOT NULL,
      short_name text,
      text text NOT NULL,
      objective text,
      key_outcomes jsonb NOT NULL DEFAULT '[]',
      kois jsonb NOT NULL DEFAULT '[]',
      strategies text,
      enablers text,
      services text,
      learning text,
      cite text NOT NULL DEFAULT '',
      owner_entity text NOT NULL DEFAULT '' CHECK (length(owner_entity) <= 100),
      status text NOT NULL DEFAULT 'not_started' CHECK (status IN ${sql.raw(PLAN_STATUSES)}),
      progress integer CHECK (progress BETWEEN 0 AND 100),
      weight numeric NOT NULL DEFAULT 1 CHECK (weight > 0 AND weight <= 100),
      retired_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (version_id, code),
      CHECK (parent_code IS NULL OR parent_code <> code)
    )`.execute(db)

  await sql`
    CREATE TABLE plan_pillar (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      version_id uuid NOT NULL REFERENCES plan_version(id) ON DELETE CASCADE,
      code text NOT NULL,
      title text NOT NULL,
      items text[] NOT NULL DEFAULT '{}',
      cite text NOT NULL DEFAULT '',
      position integer NOT NULL,
      UNIQUE (version_id, code)
    )`.execute(db)

  // A proposed action (IWX-01…) from a workshop's point for consideration, mapped to plan items.
  await sql`
    CREATE TABLE plan_action (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      version_id uuid NOT NULL REFERENCES plan_version(id) ON DELETE CASCADE,
      code text NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
      point text NOT NULL,
      sessions text[] NOT NULL DEFAULT '{}',
      action text NOT NULL,
      targets text[] NOT NULL DEFAULT '{}',
      target_items text[] NOT NULL DEFAULT '{}',
      target_document text,
      comments text,
      cite text NOT NULL DEFAULT '',
      meeting_id uuid REFERENCES meeting(id) ON DELETE SET NULL,
      owner_entity text NOT NULL DEFAULT '' CHECK (length(owner_entity) <= 100),
      status text NOT NULL DEFAULT 'not_started' CHECK (status IN ${sql.raw(PLAN_STATUSES)}),
      progress integer CHECK (progress BETWEEN 0 AND 100),
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (version_id, code)
    )`.execute(db)

  await sql`
    CREATE TABLE plan_milestone (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      item_id uuid REFERENCES plan_item(id) ON DELETE CASCADE,
      action_id uuid REFERENCES plan_action(id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      due_date date NOT NULL,
      done_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((item_id IS NULL) <> (action_id IS NULL))
    )`.execute(db)

  // Key outcome indicators: computed by a named query over Engage's records, or measured by hand.
  await sql`
    CREATE TABLE indicator (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{2,60}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
      definition text NOT NULL DEFAULT '',
      unit text NOT NULL CHECK (unit IN ('count','percent','ratio','score','days')),
      direction text NOT NULL CHECK (direction IN ('increase','decrease','reach')),
      kind text NOT NULL CHECK (kind IN ('computed','manual')),
      query text,
      item_code text,
      baseline_value numeric,
      baseline_date date,
      target_value numeric,
      target_date date,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'computed') = (query IS NOT NULL)),
      CHECK (target_date IS NULL OR baseline_date IS NULL OR target_date > baseline_date),
      CHECK (unit <> 'percent' OR ((baseline_value IS NULL OR baseline_value BETWEEN 0 AND 100)
        AND (target_value IS NULL OR target_value BETWEEN 0 AND 100)))
    )`.execute(db)

  await sql`
    CREATE TABLE indicator_measurement (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      indicator_id uuid NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
      measured_on date NOT NULL,
      value numeric NOT NULL,
      source text NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
      evidence text NOT NULL DEFAULT '',
      entered_by text NOT NULL,
      entered_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (indicator_id, measured_on)
    )`.execute(db)

  // The thresholds that turn each clause's evidence into met / partly met / not met.
  await sql`
    CREATE TABLE scorecard_threshold (
      clause text PRIMARY KEY,
      met numeric NOT NULL,
      partly numeric NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (partly <= met)
    )`.execute(db)
  await sql`
    INSERT INTO scorecard_threshold (clause, met, partly) VALUES
      ('d1', 0.8, 0.5), ('d2', 0.9, 0.5), ('d3', 1, 1), ('d4', 6, 4), ('d5', 3, 2), ('d6', 0.75, 0.5),
      ('d7', 0.7, 0.4), ('d8', 0.9, 0.5), ('d9', 0.9, 0.5), ('d10', 0.7, 0.4), ('d11', 1, 1), ('d12', 1, 1),
      ('t1', 1, 1), ('t2', 1, 1), ('t3', 0.9, 0.5), ('e1', 0.6, 0.3), ('e2', 0.7, 0.3)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'scorecard_threshold',
    'indicator_measurement',
    'indicator',
    'plan_milestone',
    'plan_action',
    'plan_pillar',
    'plan_item',
    'plan_version',
  ])
    await sql`DROP TABLE ${sql.table(t)}`.execute(db)
}
