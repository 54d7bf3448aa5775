import ical, { ICalEventStatus } from 'ical-generator'
import type { Meeting } from './meetings.schema.ts'

/**
 * An iCalendar document for meetings. Times are written as UTC instants, which every client converts to
 * its own zone; the UID is stable and SEQUENCE follows the meeting's version, so a re-imported file
 * updates the event instead of duplicating it.
 */
export function meetingsCalendar(name: string, meetings: Meeting[], publicUrl: string): string {
  const calendar = ical({ name, prodId: { company: 'Engage', product: 'Engage', language: 'EN' } })
  for (const m of meetings) {
    calendar.createEvent({
      id: `meeting-${m.id}@engage`,
      sequence: m.version,
      stamp: new Date(m.updatedAt),
      start: new Date(m.startsAt),
      end: new Date(m.endsAt),
      summary: m.title,
      location: m.format === 'online' ? 'Online' : [m.city, m.countryName].filter(Boolean).join(', ') || null,
      url: `${publicUrl}/meetings/${m.id}`,
      description: `${m.title}\n${publicUrl}/meetings/${m.id}`,
      status:
        m.status === 'cancelled'
          ? ICalEventStatus.CANCELLED
          : m.status === 'draft'
            ? ICalEventStatus.TENTATIVE
            : ICalEventStatus.CONFIRMED,
    })
  }
  return calendar.toString()
}
