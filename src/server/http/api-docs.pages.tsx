import { Hono } from 'hono'
import type { AppEnv } from './context.ts'
import { Layout, pageCtx } from './layout.tsx'

type Operation = {
  summary?: string
  description?: string
  tags?: string[]
  parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string } }[]
  requestBody?: unknown
  responses?: Record<string, { description?: string }>
}

/**
 * A readable reference rendered on the server from the app's own OpenAPI document, so it can never
 * disagree with the routes (and needs no third-party script from a CDN).
 */
export function createApiDocsPages(getDocument: () => unknown) {
  const pages = new Hono<AppEnv>()
  pages.get('/api/docs', (c) => {
    const ctx = pageCtx(c)
    const t = ctx.t
    const doc = getDocument() as {
      info: { description?: string }
      paths: Record<string, Record<string, Operation>>
    }
    const byTag = new Map<string, { method: string; path: string; op: Operation }[]>()
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const tag = op.tags?.[0] ?? 'Other'
        const list = byTag.get(tag) ?? []
        list.push({
          method: method.toUpperCase(),
          path: `/api/v1${path.startsWith('/api/v1') ? path.slice(7) : path}`.replace(
            '/api/v1/api/v1',
            '/api/v1',
          ),
          op,
        })
        byTag.set(tag, list)
      }
    }
    return c.html(
      <Layout ctx={ctx} title={t('api.title')}>
        <h1>{t('api.title')}</h1>
        <p>{t('api.intro')}</p>
        <pre>
          <code>{`npx engage token create --email you@example.org --scope read\ncurl -H "Authorization: Bearer eng_…" ${new URL(c.req.url).origin}/api/v1/organizations`}</code>
        </pre>
        <p>
          <a href="/api/openapi.json">{t('api.document')}</a>
        </p>
        <nav aria-label={t('api.sections')}>
          <ul>
            {[...byTag.keys()].map((tag) => (
              <li>
                <a href={`#tag-${tag.replace(/\W+/g, '-')}`}>{tag}</a>
              </li>
            ))}
          </ul>
        </nav>
        {[...byTag.entries()].map(([tag, ops]) => (
          <section aria-labelledby={`tag-${tag.replace(/\W+/g, '-')}`}>
            <h2 id={`tag-${tag.replace(/\W+/g, '-')}`}>{tag}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('api.method')}</th>
                  <th scope="col">{t('api.path')}</th>
                  <th scope="col">{t('api.summary')}</th>
                  <th scope="col">{t('api.parameters')}</th>
                  <th scope="col">{t('api.responses')}</th>
                </tr>
              </thead>
              <tbody>
                {ops.map(({ method, path, op }) => (
                  <tr>
                    <td>
                      <code>{method}</code>
                    </td>
                    <td>
                      <code>{path}</code>
                    </td>
                    <td>{op.summary ?? ''}</td>
                    <td>
                      {(op.parameters ?? []).map((p) => (
                        <div>
                          <code>{p.name}</code>{' '}
                          <span class="muted">
                            ({p.in}
                            {p.required ? ', required' : ''})
                          </span>
                        </div>
                      ))}
                      {op.requestBody ? <div class="muted">{t('api.body')}</div> : null}
                    </td>
                    <td>{Object.keys(op.responses ?? {}).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </Layout>,
    )
  })

  return pages
}
