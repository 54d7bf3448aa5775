import type { FC } from 'hono/jsx'

/** A server-made SVG chart placed in a page as markup (its texts are escaped by the chart module). */
export const Chart: FC<{ svg: string }> = ({ svg }) => (
  <div class="chart" dangerouslySetInnerHTML={{ __html: svg }} />
)
