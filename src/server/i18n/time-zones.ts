import { dateTimeFormat } from './i18n.ts'

/** Whether the name is an IANA time zone this runtime knows (Intl validates it; no table to keep). */
export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** The offset of a zone from UTC at an instant, in minutes (east positive). */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = dateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60000)
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/**
 * The instant at which a wall-clock time ("2025-03-30T02:30") occurs in a zone. In a spring-forward gap
 * the time is moved forward by the gap, as calendar clients do; in the repeated hour the first is taken.
 */
export function zonedToUtc(local: string, timeZone: string): Date {
  const m = LOCAL.exec(local)
  if (!m) throw new RangeError(`not a local date-time: ${local}`)
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
  // The offsets a day either side bracket any transition near this time.
  const before = offsetMinutes(wall - 86400_000, timeZone)
  const after = offsetMinutes(wall + 86400_000, timeZone)
  const candidates = [wall - before * 60000, wall - after * 60000]
  const valid = candidates.filter((c) => utcToZoned(new Date(c), timeZone) === local)
  // Two valid instants: the repeated hour, take the first. None: a gap, keep the earlier offset,
  // which moves the time forward by the gap.
  return new Date(valid.length ? Math.min(...valid) : wall - before * 60000)
}

/** The wall-clock time of an instant in a zone, as "YYYY-MM-DDTHH:mm" (for date-time inputs). */
export function utcToZoned(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + offsetMinutes(instant.getTime(), timeZone) * 60000)
  return shifted.toISOString().slice(0, 16)
}
