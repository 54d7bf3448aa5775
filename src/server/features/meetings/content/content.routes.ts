import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../../http/context.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  publicSecurity,
  security,
} from '../../../http/openapi.ts'
import { CreatedIdSchema } from '../../directory/directory.schema.ts'
import {
  DocumentSchema,
  DocumentUploadSchema,
  MinutesInputSchema,
  MinutesSchema,
  SessionInputSchema,
  SessionSchema,
} from './content.schema.ts'
import * as content from './content.service.ts'
import { contentDisposition } from './file-types.ts'

export const contentApi = createApi()
const tags = ['Meeting content']

contentApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/sessions',
    tags,
    summary: 'Sessions and agenda outline',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.array(SessionSchema), 'The sessions'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await content.listSessions(db, actor, c.req.valid('param').id, lang), 200)
  },
)

contentApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/sessions',
    tags,
    summary: 'Add a session',
    security,
    request: { params: IdParam, body: jsonBody(SessionInputSchema) },
    responses: { 201: jsonContent(CreatedIdSchema, 'The new session'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(
      { id: await content.addSession(db, actor, c.req.valid('param').id, c.req.valid('json')) },
      201,
    )
  },
)

contentApi.openapi(
  createRoute({
    method: 'delete',
    path: '/sessions/{id}',
    tags,
    summary: 'Remove a session',
    security,
    request: { params: IdParam },
    responses: { 204: { description: 'Removed' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await content.removeSession(db, actor, c.req.valid('param').id)
    return c.body(null, 204)
  },
)

contentApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/documents',
    tags,
    summary: 'Documents of a meeting (unpublished ones for the secretariat only)',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.array(DocumentSchema), 'The documents'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await content.listDocuments(db, actor, c.req.valid('param').id), 200)
  },
)

contentApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/documents',
    tags,
    summary: 'Upload a document',
    description:
      'multipart/form-data with kind, title, published and file. PDF, DOCX, XLSX, PPTX, PNG, JPEG, TXT or CSV up to 10 MB; the content must match the extension.',
    security,
    request: {
      params: IdParam,
      body: { required: true, content: { 'multipart/form-data': { schema: DocumentUploadSchema } } },
    },
    responses: {
      201: jsonContent(DocumentSchema, 'The stored document'),
      413: errorResponses[422],
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { file, ...meta } = c.req.valid('form')
    const bytes = new Uint8Array(await file.arrayBuffer())
    return c.json(
      await content.uploadDocument(db, actor, c.req.valid('param').id, meta, { name: file.name, bytes }),
      201,
    )
  },
)

contentApi.openapi(
  createRoute({
    method: 'get',
    path: '/documents/{id}',
    tags,
    summary: 'Download a document',
    security: publicSecurity,
    request: { params: IdParam },
    responses: {
      200: {
        description: 'The file',
        content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { document, content: bytes } = await content.getDocumentContent(db, actor, c.req.valid('param').id)
    return c.body(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      200,
      {
        'Content-Type': document.contentType,
        'Content-Disposition': contentDisposition(document.fileName),
        // Even if a browser were to render it, an uploaded file runs nothing and reaches nothing.
        'Content-Security-Policy': "sandbox; default-src 'none'",
        'Cache-Control': 'private, max-age=3600',
      },
    )
  },
)

contentApi.openapi(
  createRoute({
    method: 'delete',
    path: '/documents/{id}',
    tags,
    summary: 'Delete a document',
    security,
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await content.deleteDocument(db, actor, c.req.valid('param').id)
    return c.body(null, 204)
  },
)

contentApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/minutes',
    tags,
    summary: 'Current minutes and their history (final only, except for the secretariat)',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(MinutesSchema.nullable(), 'The minutes, or null'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await content.getMinutes(db, actor, c.req.valid('param').id), 200)
  },
)

const MinutesSaveQuery = z.object({
  final: z
    .enum(['true', 'false'])
    .default('false')
    .openapi({ description: 'true to make this revision final' }),
})

contentApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/minutes',
    tags,
    summary: 'Save a new revision of the minutes',
    security,
    request: { params: IdParam, query: MinutesSaveQuery, body: jsonBody(MinutesInputSchema) },
    responses: {
      201: jsonContent(z.object({ revision: z.number().int() }), 'The new revision'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const state = c.req.valid('query').final === 'true' ? 'final' : 'draft'
    return c.json(
      { revision: await content.saveMinutes(db, actor, c.req.valid('param').id, c.req.valid('json'), state) },
      201,
    )
  },
)
