import type { Kysely } from 'kysely'
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration'
import * as m0001 from './migrations/2026_11_23_0001_audit_log.ts'
import * as m0002 from './migrations/2026_11_23_0002_accounts.ts'
import * as m0003 from './migrations/2026_11_23_0003_directory.ts'
import * as m0004 from './migrations/2026_11_23_0004_meetings.ts'
import * as m0005 from './migrations/2026_11_23_0005_calendar_feeds.ts'
import * as m0006 from './migrations/2026_11_23_0006_meeting_content.ts'
import * as m0007 from './migrations/2026_11_23_0007_consultations.ts'
import * as m0008 from './migrations/2026_11_23_0008_consultation_invitations.ts'
import * as m0009 from './migrations/2026_11_23_0009_topics.ts'
import * as m0010 from './migrations/2026_11_23_0010_agendas.ts'
import * as m0011 from './migrations/2026_11_23_0011_follow_up.ts'
import * as m0012 from './migrations/2026_11_23_0012_score_open_actions.ts'
import * as m0013 from './migrations/2026_11_23_0013_reports.ts'
import * as m0014 from './migrations/2026_11_23_0014_action_plan.ts'
import * as m0015 from './migrations/2026_11_23_0015_circulars.ts'
import * as m0016 from './migrations/2026_11_23_0016_meeting_import_ref.ts'
import * as m0017 from './migrations/2026_11_23_0017_indexes.ts'
import * as m0018 from './migrations/2026_12_06_0018_data_version.ts'
import * as m0019 from './migrations/2026_12_06_0019_list_indexes.ts'
import * as m0020 from './migrations/2026_12_06_0020_two_factor.ts'
import * as m0021 from './migrations/2026_12_06_0021_idempotency.ts'
import * as m0022 from './migrations/2026_12_06_0022_retention.ts'
import * as m0023 from './migrations/2026_12_06_0023_audit_redaction.ts'
import * as m0024 from './migrations/2026_12_06_0024_structure.ts'
import * as m0025 from './migrations/2026_12_06_0025_action_body.ts'
import * as m0026 from './migrations/2026_12_06_0026_sector_scope.ts'
import * as m0027 from './migrations/2026_12_06_0027_advisory_panel.ts'
import * as m0028 from './migrations/2026_12_06_0028_plan_per_sector.ts'
import * as m0029 from './migrations/2026_12_06_0029_report_panel_kind.ts'
import * as m0030 from './migrations/2026_12_06_0030_person_indexes.ts'
import * as m0031 from './migrations/2026_12_06_0031_response_target_consultation.ts'

// A static map rather than a folder scan: the set of migrations is part of the code, checked by the compiler.
export const MIGRATIONS: Record<string, Migration> = {
  '2026_11_23_0001_audit_log': m0001,
  '2026_11_23_0002_accounts': m0002,
  '2026_11_23_0003_directory': m0003,
  '2026_11_23_0004_meetings': m0004,
  '2026_11_23_0005_calendar_feeds': m0005,
  '2026_11_23_0006_meeting_content': m0006,
  '2026_11_23_0007_consultations': m0007,
  '2026_11_23_0008_consultation_invitations': m0008,
  '2026_11_23_0009_topics': m0009,
  '2026_11_23_0010_agendas': m0010,
  '2026_11_23_0011_follow_up': m0011,
  '2026_11_23_0012_score_open_actions': m0012,
  '2026_11_23_0013_reports': m0013,
  '2026_11_23_0014_action_plan': m0014,
  '2026_11_23_0015_circulars': m0015,
  '2026_11_23_0016_meeting_import_ref': m0016,
  '2026_11_23_0017_indexes': m0017,
  '2026_12_06_0018_data_version': m0018,
  '2026_12_06_0019_list_indexes': m0019,
  '2026_12_06_0020_two_factor': m0020,
  '2026_12_06_0021_idempotency': m0021,
  '2026_12_06_0022_retention': m0022,
  '2026_12_06_0023_audit_redaction': m0023,
  '2026_12_06_0024_structure': m0024,
  '2026_12_06_0025_action_body': m0025,
  '2026_12_06_0026_sector_scope': m0026,
  '2026_12_06_0027_advisory_panel': m0027,
  '2026_12_06_0028_plan_per_sector': m0028,
  '2026_12_06_0029_report_panel_kind': m0029,
  '2026_12_06_0030_person_indexes': m0030,
  '2026_12_06_0031_response_target_consultation': m0031,
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS }

export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`, { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
