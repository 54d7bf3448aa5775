import { z } from '@hono/zod-openapi'
import { LocalizedSchema } from '../directory/directory.schema.ts'

export const BODY_KINDS = [
  'advisory_group',
  'study_group',
  'working_party',
  'rapporteur_group',
  'focus_group',
  'bureau',
  'council',
  'panel',
  'other',
] as const
export type BodyKind = (typeof BODY_KINDS)[number]

/** A calendar day, YYYY-MM-DD, that exists (not 2025-02-30). */
const Day = z.iso.date({ error: 'date_invalid' })
const blank = (v: unknown) => (v === '' ? undefined : v)
const Names = LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' })
const Code = z
  .string({ error: 'required' })
  .trim()
  .min(1, { error: 'required' })
  .max(30, { error: 'too_long' })

export const SectorInputSchema = z
  .object({
    code: z
      .string({ error: 'required' })
      .trim()
      .regex(/^[A-Za-z0-9-]{1,20}$/, { error: 'sector_code_invalid' }),
    names: Names,
    position: z.coerce.number().int().min(0).max(1000).optional().openapi({
      description:
        'Order among the Sectors; a new Sector goes last by default, an edited one keeps its place',
    }),
  })
  .openapi('SectorInput')
export type SectorInput = z.infer<typeof SectorInputSchema>

export const SectorSchema = z
  .object({ id: z.uuid(), code: z.string(), name: z.string(), names: LocalizedSchema, position: z.number() })
  .openapi('Sector')
export type Sector = z.infer<typeof SectorSchema>

export const BodyInputSchema = z
  .object({
    /** Empty: Union-wide (the Council, a panel of the Secretary-General). */
    sectorId: z.preprocess(blank, z.uuid().nullish()).transform((v) => v ?? null),
    kind: z.enum(BODY_KINDS, { error: 'choice_invalid' }),
    parentId: z.preprocess(blank, z.uuid().nullish()).transform((v) => v ?? null),
    code: Code,
    names: Names,
    startsOn: Day,
    endsOn: z.preprocess(blank, Day.nullish()).transform((v) => v ?? null),
  })
  .refine((b) => !b.endsOn || b.endsOn >= b.startsOn, { path: ['endsOn'], error: 'end_before_start' })
  .openapi('BodyInput')
export type BodyInput = z.infer<typeof BodyInputSchema>

export const BodyUpdateSchema = z
  .object({
    startsOn: Day,
    endsOn: z.preprocess(blank, Day.nullish()).transform((v) => v ?? null),
    parentId: z.preprocess(blank, z.uuid().nullish()).transform((v) => v ?? null),
    successorId: z.preprocess(blank, z.uuid().nullish()).transform((v) => v ?? null),
    version: z.coerce.number().pipe(z.int32().min(1)),
  })
  .refine((b) => !b.endsOn || b.endsOn >= b.startsOn, { path: ['endsOn'], error: 'end_before_start' })
  .openapi('BodyUpdate')
export type BodyUpdate = z.infer<typeof BodyUpdateSchema>

export const RenameSchema = z
  .object({
    /** From this day on, the body is called so; records made before keep the name they had. */
    validFrom: Day,
    code: Code,
    names: Names,
  })
  .openapi('BodyRename')
export type RenameInput = z.infer<typeof RenameSchema>

export const BodyNameSchema = z.object({ validFrom: z.string(), code: z.string(), names: LocalizedSchema })

export const BodySchema = z
  .object({
    id: z.uuid(),
    sectorId: z.uuid().nullable(),
    sectorCode: z.string().nullable(),
    kind: z.enum(BODY_KINDS),
    parentId: z.uuid().nullable(),
    successorId: z.uuid().nullable(),
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    /** The name today (or, for an ended body, its last name). */
    code: z.string(),
    name: z.string(),
    names: z.array(BodyNameSchema),
    version: z.number(),
  })
  .openapi('Body')
export type Body = z.infer<typeof BodySchema>

export const BodyQuerySchema = z.object({
  sector: z.preprocess(blank, z.string().max(40).optional()),
  kind: z.preprocess(blank, z.enum(BODY_KINDS).optional()),
  /** Only bodies that existed on this day, named as they were then. */
  at: z.preprocess(blank, Day.optional()),
  q: z.preprocess(blank, z.string().trim().max(100).optional()),
})
export type BodyQuery = z.infer<typeof BodyQuerySchema>
