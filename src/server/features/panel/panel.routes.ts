import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  pageOf,
  security,
} from '../../http/openapi.ts'
import {
  AdviceDetailSchema,
  AdviceInputSchema,
  AdviceQuerySchema,
  AdviceSchema,
  AdviceStatusSchema,
  AdviceUpdateSchema,
  MemberEndSchema,
  MemberInputSchema,
  PanelDetailSchema,
  PanelInputSchema,
  PanelQuerySchema,
  PanelSchema,
  PanelUpdateSchema,
} from './panel.schema.ts'
import * as panels from './panel.service.ts'

export const panelApi = createApi()
const tags = ['Industry Advisory Panel']

const uuidParam = (name: string) => z.uuid().openapi({ param: { name, in: 'path' } })
const MemberParams = z.object({ id: uuidParam('id'), memberId: uuidParam('memberId') })
const AdviceParams = z.object({ id: uuidParam('id'), adviceId: uuidParam('adviceId') })

panelApi.openapi(
  createRoute({
    method: 'get',
    path: '/panels',
    tags,
    summary: 'The Panels, newest term first (signed-in users)',
    description: '`sector`: a Sector’s code, or `union` for the Union-wide Panels.',
    security,
    request: { query: PanelQuerySchema },
    responses: { 200: jsonContent(pageOf(PanelSchema, 'PanelPage'), 'A page of Panels'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await panels.listPanels(db, actor, c.req.valid('query'), lang), 200)
  },
)

panelApi.openapi(
  createRoute({
    method: 'post',
    path: '/panels',
    tags,
    summary: 'Set up a Panel for a term (staff; a Sector-limited secretariat for its Sector)',
    security,
    request: { body: jsonBody(PanelInputSchema) },
    responses: { 201: jsonContent(PanelDetailSchema, 'The Panel'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await panels.createPanel(db, actor, c.req.valid('json'), lang), 201)
  },
)

panelApi.openapi(
  createRoute({
    method: 'get',
    path: '/panels/{id}',
    tags,
    summary: 'A Panel with its members and meetings (signed-in users)',
    description:
      'A member whom the reader may not see in the directory is shown by organization only (`personId` and `personName` null).',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(PanelDetailSchema, 'The Panel'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await panels.getPanel(db, actor, c.req.valid('param').id, lang), 200)
  },
)

panelApi.openapi(
  createRoute({
    method: 'put',
    path: '/panels/{id}',
    tags,
    summary: 'Change a Panel (staff; a stale version is refused with 409)',
    description: 'The term must still hold the Panel’s members and advice.',
    security,
    request: { params: IdParam, body: jsonBody(PanelUpdateSchema) },
    responses: { 200: jsonContent(PanelDetailSchema, 'The Panel'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await panels.updatePanel(db, actor, c.req.valid('param').id, c.req.valid('json'), lang),
      200,
    )
  },
)

panelApi.openapi(
  createRoute({
    method: 'post',
    path: '/panels/{id}/members',
    tags,
    summary: 'Add a member: a principal, or an alternate for a current principal (staff)',
    description:
      'Refused: a person already sitting on the Panel (409 PANEL_MEMBER_EXISTS), an alternate for someone who is ' +
      'not a current principal of this Panel (422 PANEL_ALTERNATE_INVALID), a day outside the term (422 PANEL_OUTSIDE_TERM).',
    security,
    request: { params: IdParam, body: jsonBody(MemberInputSchema) },
    responses: { 201: jsonContent(PanelDetailSchema, 'The Panel with its members'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const id = c.req.valid('param').id
    await panels.addMember(db, actor, id, c.req.valid('json'))
    return c.json(await panels.getPanel(db, actor, id, lang), 201)
  },
)

panelApi.openapi(
  createRoute({
    method: 'post',
    path: '/panels/{id}/members/{memberId}/end',
    tags,
    summary: 'End a membership on a day (staff); a principal’s alternates end with it',
    security,
    request: { params: MemberParams, body: jsonBody(MemberEndSchema) },
    responses: { 200: jsonContent(PanelDetailSchema, 'The Panel with its members'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { id, memberId } = c.req.valid('param')
    await panels.endMember(db, actor, id, memberId, c.req.valid('json'))
    return c.json(await panels.getPanel(db, actor, id, lang), 200)
  },
)

panelApi.openapi(
  createRoute({
    method: 'get',
    path: '/panels/{id}/advice',
    tags,
    summary: 'The Panel’s advice, latest first, with its outcome (signed-in users)',
    description: '`status`: one status; `body`: the id of the body it was addressed to.',
    security,
    request: { params: IdParam, query: AdviceQuerySchema },
    responses: {
      200: jsonContent(pageOf(AdviceSchema, 'PanelAdvicePage'), 'A page of advice'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await panels.listAdvice(db, actor, c.req.valid('param').id, c.req.valid('query'), lang),
      200,
    )
  },
)

panelApi.openapi(
  createRoute({
    method: 'post',
    path: '/panels/{id}/advice',
    tags,
    summary: 'Record advice given by the Panel (staff)',
    description:
      'Addressed to a body of the structure by `addressedToBodyId` or by its code in `addressedTo`; the body must ' +
      'exist on the day the advice was given (else 422 BODY_NOT_IN_PERIOD with its dates), and the day must fall ' +
      'within the Panel’s term.',
    security,
    request: { params: IdParam, body: jsonBody(AdviceInputSchema) },
    responses: { 201: jsonContent(AdviceDetailSchema, 'The advice'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const id = c.req.valid('param').id
    const adviceId = await panels.createAdvice(db, actor, id, c.req.valid('json'), lang)
    return c.json(await panels.getAdvice(db, actor, id, adviceId, lang), 201)
  },
)

panelApi.openapi(
  createRoute({
    method: 'get',
    path: '/panels/{id}/advice/{adviceId}',
    tags,
    summary: 'One advice item with its timeline (signed-in users)',
    security,
    request: { params: AdviceParams },
    responses: { 200: jsonContent(AdviceDetailSchema, 'The advice'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { id, adviceId } = c.req.valid('param')
    return c.json(await panels.getAdvice(db, actor, id, adviceId, lang), 200)
  },
)

panelApi.openapi(
  createRoute({
    method: 'put',
    path: '/panels/{id}/advice/{adviceId}',
    tags,
    summary: 'Correct advice as recorded (staff; a stale version is refused with 409)',
    security,
    request: { params: AdviceParams, body: jsonBody(AdviceUpdateSchema) },
    responses: { 200: jsonContent(AdviceDetailSchema, 'The advice'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { id, adviceId } = c.req.valid('param')
    await panels.updateAdvice(db, actor, id, adviceId, c.req.valid('json'), lang)
    return c.json(await panels.getAdvice(db, actor, id, adviceId, lang), 200)
  },
)

panelApi.openapi(
  createRoute({
    method: 'post',
    path: '/panels/{id}/advice/{adviceId}/status',
    tags,
    summary: 'Follow advice up: its status, the response and what was done, with a note (staff)',
    description:
      'given → under_consideration → accepted | partly_accepted | not_accepted → implemented (not_accepted may be ' +
      'considered again). A decision needs the response and its day; implemented needs what was done. A move the ' +
      'lifecycle does not allow is refused with 409 ADVICE_TRANSITION_INVALID.',
    security,
    request: { params: AdviceParams, body: jsonBody(AdviceStatusSchema) },
    responses: { 200: jsonContent(AdviceDetailSchema, 'The advice'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { id, adviceId } = c.req.valid('param')
    await panels.followUpAdvice(db, actor, id, adviceId, c.req.valid('json'))
    return c.json(await panels.getAdvice(db, actor, id, adviceId, lang), 200)
  },
)
