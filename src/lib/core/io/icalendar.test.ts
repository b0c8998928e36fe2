// iCalendar: well-formed RFC 5545 output (line lengths, required properties, escaping), read back by a tiny parser.
import { describe, expect, it } from 'vitest';
import { interactionSchema, type Interaction } from '../model/interaction';
import { taskSchema, type Task } from '../model/task';
import { splitUnescaped, unescapeText, unfoldLines } from './content-lines';
import { tasksToICalendar } from './icalendar';

const base = { v: 1, createdAt: '2026-10-01T09:00:00.000Z', updatedAt: '2026-10-02T10:30:00.000Z' };
const task = (fields: Partial<Task>): Task => taskSchema.parse({ id: `t-${fields.title}`, ...base, ...fields }) as Task;
const interaction = (fields: Partial<Interaction>): Interaction => interactionSchema.parse({ id: `i-${fields.summary}`, ...base, ...fields }) as Interaction;

type Component = { name: string; props: { name: string; params: string; value: string }[]; children: Component[] };

/** Test-only reader: unfolds, splits name;params:value, nests BEGIN/END. Throws on a stray END. */
function parseICalendar(text: string): Component {
  const root: Component = { name: 'ROOT', props: [], children: [] };
  const stack = [root];
  for (const line of unfoldLines(text)) {
    const colon = line.indexOf(':');
    const head = line.slice(0, colon);
    const value = line.slice(colon + 1);
    const [name, ...params] = head.split(';');
    if (name === 'BEGIN') {
      const c: Component = { name: value, props: [], children: [] };
      stack.at(-1)!.children.push(c);
      stack.push(c);
    } else if (name === 'END') {
      if (stack.at(-1)!.name !== value) throw new Error(`END:${value} closes ${stack.at(-1)!.name}`);
      stack.pop();
    } else {
      stack.at(-1)!.props.push({ name, params: params.join(';'), value });
    }
  }
  if (stack.length !== 1) throw new Error('unclosed component');
  return root.children[0];
}
const prop = (c: Component, name: string) => c.props.find((p) => p.name === name)?.value;

describe('tasksToICalendar', () => {
  const tasks = [
    task({ title: 'Send quote, v2; final', notes: 'Include lines\nand terms \\ conditions', due: '2026-10-05T09:00:00.000Z', priority: 'high', reminderAt: '2026-10-05T08:00:00.000Z' }),
    task({ title: 'Archive', status: 'done', completedAt: '2026-10-03T12:00:00.000Z', priority: 'low' }),
    task({ title: 'Dropped', status: 'cancelled' }),
    task({ title: 'Site visit', kind: 'visit', due: '2026-10-07T05:15:00.000Z', durationMin: 90 }),
    task({ title: 'Meeting no time', kind: 'meeting' }),
    task({ title: 'Deleted', deletedAt: '2026-10-04T00:00:00.000Z' })
  ];
  const meetings = [interaction({ channel: 'meeting', at: '2026-10-02T08:30:00.000Z', summary: 'Demo at the shop', durationMin: 45 }), interaction({ channel: 'in-person', at: '2026-10-09T08:30:00.000Z', summary: '' })];
  const text = tasksToICalendar(tasks, meetings, { name: 'Fieldbook tasks' });
  const cal = parseICalendar(text);

  it('is well formed: CRLF everywhere, no line over 75 octets, required calendar properties', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const l of text.split('\r\n')) expect(new TextEncoder().encode(l).byteLength).toBeLessThanOrEqual(75);
    expect(cal.name).toBe('VCALENDAR');
    expect(prop(cal, 'VERSION')).toBe('2.0');
    expect(prop(cal, 'PRODID')).toBe('-//Fieldbook//Fieldbook CRM//EN');
    for (const c of cal.children) {
      expect(prop(c, 'UID')).toBeTruthy();
      expect(prop(c, 'DTSTAMP')).toMatch(/^\d{8}T\d{6}Z$/);
    }
  });

  it('writes a VTODO per task with due date, status, priority and an alarm at the reminder; leaves deleted tasks out', () => {
    const todos = cal.children.filter((c) => c.name === 'VTODO');
    expect(todos.map((t) => unescapeText(prop(t, 'SUMMARY')!))).toEqual(['Send quote, v2; final', 'Archive', 'Dropped', 'Meeting no time']);
    const [send, archive, dropped] = todos;
    expect(prop(send, 'DUE')).toBe('20261005T090000Z');
    expect(prop(send, 'STATUS')).toBe('NEEDS-ACTION');
    expect(prop(send, 'PRIORITY')).toBe('1');
    expect(send.children).toHaveLength(1);
    expect(send.children[0].name).toBe('VALARM');
    expect(prop(send.children[0], 'ACTION')).toBe('DISPLAY');
    expect(send.children[0].props.find((p) => p.name === 'TRIGGER')).toEqual({ name: 'TRIGGER', params: 'VALUE=DATE-TIME', value: '20261005T080000Z' });
    expect(prop(archive, 'STATUS')).toBe('COMPLETED');
    expect(prop(archive, 'COMPLETED')).toBe('20261003T120000Z');
    expect(prop(archive, 'PRIORITY')).toBe('9');
    expect(prop(dropped, 'STATUS')).toBe('CANCELLED');
    expect(text).not.toContain('Deleted');
  });

  it('escapes TEXT values: backslash, comma, semicolon, line breaks', () => {
    const send = cal.children[0];
    expect(prop(send, 'SUMMARY')).toBe('Send quote\\, v2\\; final');
    expect(prop(send, 'DESCRIPTION')).toBe('Include lines\\nand terms \\\\ conditions');
    expect(unescapeText(prop(send, 'DESCRIPTION')!)).toBe('Include lines\nand terms \\ conditions');
    expect(splitUnescaped(prop(send, 'SUMMARY')!, ';')).toHaveLength(1);
  });

  it('writes meetings as VEVENTs from their time and duration', () => {
    const events = cal.children.filter((c) => c.name === 'VEVENT');
    expect(events.map((e) => [unescapeText(prop(e, 'SUMMARY')!), prop(e, 'DTSTART'), prop(e, 'DTEND')])).toEqual([
      ['Site visit', '20261007T051500Z', '20261007T064500Z'],
      ['Demo at the shop', '20261002T083000Z', '20261002T091500Z'],
      ['in-person (outbound)', '20261009T083000Z', '20261009T090000Z']
    ]);
    expect(prop(events[0], 'CATEGORIES')).toBe('VISIT');
  });

  it('folds a long description and it unfolds to the same text', () => {
    const notes = 'बैठकको टिप्पणी — '.repeat(30);
    const out = tasksToICalendar([task({ title: 'Long', notes })]);
    for (const l of out.split('\r\n')) expect(new TextEncoder().encode(l).byteLength).toBeLessThanOrEqual(75);
    const todo = parseICalendar(out).children[0];
    expect(unescapeText(prop(todo, 'DESCRIPTION')!)).toBe(notes);
  });
});
