import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  publicSecurity,
  security,
} from '../../http/openapi.ts'
import {
  BodyInputSchema,
  BodyQuerySchema,
  BodySchema,
  BodyUpdateSchema,
  RenameSchema,
  SectorInputSchema,
  SectorSchema,
} from './structure.schema.ts'
import * as structure from './structure.service.ts'

export const structureApi = createApi()
const tags = ['Structure']

structureApi.openapi(
  createRoute({
    method: 'get',
    path: '/structure/sectors',
    tags,
    summary: 'The Sectors (public)',
    security: publicSecurity,
    responses: { 200: jsonContent(z.array(SectorSchema), 'The Sectors, in order'), ...errorResponses },
  }),
  async (c) => {
    const { db, lang } = scope(c)
    return c.json(await structure.listSectors(db, lang), 200)
  },
)

structureApi.openapi(
  createRoute({
    method: 'post',
    path: '/structure/sectors',
    tags,
    summary: 'Add a Sector (administrators)',
    security,
    request: { body: jsonBody(SectorInputSchema) },
    responses: { 201: jsonContent(SectorSchema, 'The Sector'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await structure.saveSector(db, actor, null, c.req.valid('json'), lang), 201)
  },
)

structureApi.openapi(
  createRoute({
    method: 'put',
    path: '/structure/sectors/{id}',
    tags,
    summary: 'Change a Sector’s code, names or order (administrators)',
    security,
    request: { params: IdParam, body: jsonBody(SectorInputSchema) },
    responses: { 200: jsonContent(SectorSchema, 'The Sector'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await structure.saveSector(db, actor, c.req.valid('param').id, c.req.valid('json'), lang),
      200,
    )
  },
)

structureApi.openapi(
  createRoute({
    method: 'get',
    path: '/structure/bodies',
    tags,
    summary: 'Bodies: advisory groups, study groups, Bureaux, the Council… (public)',
    description:
      '`sector`: a Sector code, or `union` for the Union-wide bodies. `at`: only the bodies that existed that ' +
      'day, each under the name it had then. `q`: any of a body’s names, past or present.',
    security: publicSecurity,
    request: { query: BodyQuerySchema },
    responses: { 200: jsonContent(z.array(BodySchema), 'The bodies'), ...errorResponses },
  }),
  async (c) => {
    const { db, lang } = scope(c)
    return c.json(await structure.listBodies(db, c.req.valid('query'), lang), 200)
  },
)

structureApi.openapi(
  createRoute({
    method: 'get',
    path: '/structure/bodies/{id}',
    tags,
    summary: 'One body, with its names over time (public)',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(BodySchema, 'The body'), ...errorResponses },
  }),
  async (c) => {
    const { db, lang } = scope(c)
    return c.json(await structure.getBody(db, c.req.valid('param').id, lang), 200)
  },
)

structureApi.openapi(
  createRoute({
    method: 'post',
    path: '/structure/bodies',
    tags,
    summary: 'Add a body (administrators)',
    security,
    request: { body: jsonBody(BodyInputSchema) },
    responses: { 201: jsonContent(BodySchema, 'The body'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await structure.createBody(db, actor, c.req.valid('json'), lang), 201)
  },
)

structureApi.openapi(
  createRoute({
    method: 'put',
    path: '/structure/bodies/{id}',
    tags,
    summary: 'Change a body’s dates, parent or successor (administrators; a stale version is refused)',
    security,
    request: { params: IdParam, body: jsonBody(BodyUpdateSchema) },
    responses: { 200: jsonContent(BodySchema, 'The body'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await structure.updateBody(db, actor, c.req.valid('param').id, c.req.valid('json'), lang),
      200,
    )
  },
)

structureApi.openapi(
  createRoute({
    method: 'post',
    path: '/structure/bodies/{id}/names',
    tags,
    summary: 'Rename a body from a day on; earlier records keep the name it had (administrators)',
    security,
    request: { params: IdParam, body: jsonBody(RenameSchema) },
    responses: { 200: jsonContent(BodySchema, 'The body'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await structure.renameBody(db, actor, c.req.valid('param').id, c.req.valid('json'), lang),
      200,
    )
  },
)
