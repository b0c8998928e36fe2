// iCalendar export (RFC 5545): tasks as VTODO, meetings (meeting/visit tasks with a time, and logged meetings) as VEVENT.
import type { Interaction } from '../model/interaction';
import type { Task } from '../model/task';
import { basicUtc, escapeText, toContentLines } from './content-lines';

export const ICALENDAR_MIME = 'text/calendar;charset=utf-8';
export const PRODID = '-//Fieldbook//Fieldbook CRM//EN';

type TaskLike = Pick<
  Task,
  'id' | 'title' | 'kind' | 'status' | 'priority' | 'due' | 'durationMin' | 'reminderAt' | 'completedAt' | 'notes' | 'createdAt' | 'updatedAt' | 'deletedAt'
>;
type InteractionLike = Pick<Interaction, 'id' | 'channel' | 'direction' | 'at' | 'summary' | 'durationMin' | 'notes' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

/** Task kinds that happen at a time and place, so a calendar shows them as events rather than to-dos. */
const eventKinds = new Set<string>(['meeting', 'visit']);

/** RFC 5545 §3.8.1.9: 1 is highest, 5 medium, 9 lowest. */
const priorityOf = { high: 1, normal: 5, low: 9 } as const;

const plusMinutes = (iso: string, minutes: number): string => new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();

/** Properties every component carries: identity and revision times (DTSTAMP = last change, as there is no METHOD). */
function stamps(r: { id: string; createdAt: string; updatedAt: string }): string[] {
  return [`UID:${escapeText(r.id)}`, `DTSTAMP:${basicUtc(r.updatedAt)}`, `CREATED:${basicUtc(r.createdAt)}`, `LAST-MODIFIED:${basicUtc(r.updatedAt)}`];
}

function alarm(title: string, at: string | null, isOpen: boolean): string[] {
  if (!at || !isOpen) return [];
  return ['BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(`Reminder: ${title}`)}`, `TRIGGER;VALUE=DATE-TIME:${basicUtc(at)}`, 'END:VALARM'];
}

function taskLines(t: TaskLike, meetingMinutes: number): string[] {
  const text = [`SUMMARY:${escapeText(t.title)}`, ...(t.notes ? [`DESCRIPTION:${escapeText(t.notes)}`] : []), `CATEGORIES:${t.kind.toUpperCase()}`];
  if (eventKinds.has(t.kind) && t.due) {
    return [
      'BEGIN:VEVENT',
      ...stamps(t),
      ...text,
      `DTSTART:${basicUtc(t.due)}`,
      `DTEND:${basicUtc(plusMinutes(t.due, t.durationMin || meetingMinutes))}`,
      `STATUS:${t.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      ...alarm(t.title, t.reminderAt, t.status === 'open'),
      'END:VEVENT'
    ];
  }
  const status = t.status === 'done' ? 'COMPLETED' : t.status === 'cancelled' ? 'CANCELLED' : 'NEEDS-ACTION';
  return [
    'BEGIN:VTODO',
    ...stamps(t),
    ...text,
    ...(t.due ? [`DUE:${basicUtc(t.due)}`] : []),
    `STATUS:${status}`,
    ...(t.status === 'done' ? [`COMPLETED:${basicUtc(t.completedAt ?? t.updatedAt)}`, 'PERCENT-COMPLETE:100'] : []),
    `PRIORITY:${priorityOf[t.priority]}`,
    ...alarm(t.title, t.reminderAt, t.status === 'open'),
    'END:VTODO'
  ];
}

function interactionLines(i: InteractionLike, meetingMinutes: number): string[] {
  const summary = i.summary || `${i.channel} (${i.direction})`;
  return [
    'BEGIN:VEVENT',
    ...stamps(i),
    `SUMMARY:${escapeText(summary)}`,
    ...(i.notes ? [`DESCRIPTION:${escapeText(i.notes)}`] : []),
    `CATEGORIES:${i.channel.toUpperCase()}`,
    `DTSTART:${basicUtc(i.at)}`,
    `DTEND:${basicUtc(plusMinutes(i.at, i.durationMin || meetingMinutes))}`,
    'STATUS:CONFIRMED',
    'END:VEVENT'
  ];
}

/**
 * One calendar file (RFC 5545) with a VTODO per task — due date, status, priority, a display alarm at the reminder —
 * and a VEVENT per meeting or visit task that has a time and per interaction given (start at its time, end after its
 * duration; a meeting with no duration gets `meetingMinutes`, 30 by default). Deleted records are left out. CRLF line
 * ends, lines folded at 75 octets, TEXT escaped; times in UTC.
 */
export function tasksToICalendar(
  tasks: readonly TaskLike[],
  interactions: readonly InteractionLike[] = [],
  options: { name?: string; meetingMinutes?: number } = {}
): string {
  const minutes = options.meetingMinutes ?? 30;
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'CALSCALE:GREGORIAN'];
  if (options.name) lines.push(`X-WR-CALNAME:${escapeText(options.name)}`);
  for (const t of tasks) if (!t.deletedAt) lines.push(...taskLines(t, minutes));
  for (const i of interactions) if (!i.deletedAt) lines.push(...interactionLines(i, minutes));
  lines.push('END:VCALENDAR');
  return toContentLines(lines);
}
