// The rule editor's draft: a trigger from the engine's catalogue and its parameters as typed, and the rule input they make.
import { ValidationError, type FieldIssue, type RecordInput } from '$lib/core/commands';
import { triggers, type TriggerInfo } from '$lib/core/rules/engine';
import type { RuleRow } from '$lib/state/rules.svelte';

export type RuleDraft = { name: string; trigger: string; params: Record<string, string>; isEnabled: boolean; description: string };

export const triggerOf = (id: string): TriggerInfo | undefined => triggers.find((t) => t.id === id);

/** The trigger's parameters with their defaults, keeping values typed for a parameter of the same name. */
export function paramsFor(trigger: string, current: Record<string, string> = {}): Record<string, string> {
  const info = triggerOf(trigger);
  return Object.fromEntries((info?.params ?? []).map((p) => [p.key, current[p.key] ?? String(p.default)]));
}

export function ruleDraft(r: RuleRow | null): RuleDraft {
  if (!r) {
    const trigger = triggers[0].id;
    return { name: '', trigger, params: paramsFor(trigger), isEnabled: true, description: '' };
  }
  return {
    name: r.name,
    trigger: r.trigger,
    params: paramsFor(r.trigger, Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, String(v)]))),
    isEnabled: r.isEnabled,
    description: r.description
  };
}

/** The rule fields of a draft; numeric parameters must be whole numbers of 0 or more. */
export function ruleInput(d: RuleDraft): Pick<RecordInput<'rule'>, 'name' | 'trigger' | 'params' | 'isEnabled' | 'description'> {
  const info = triggerOf(d.trigger);
  const issues: FieldIssue[] = [];
  if (!info) issues.push({ path: 'trigger', message: 'must be one of the listed triggers' });
  const params: Record<string, string | number> = {};
  for (const p of info?.params ?? []) {
    const raw = (d.params[p.key] ?? '').trim();
    if (p.kind === 'number') {
      const n = Number(raw);
      if (raw === '' || !Number.isInteger(n) || n < 0) issues.push({ path: `params.${p.key}`, message: 'must be a whole number, 0 or more' });
      params[p.key] = n;
    } else {
      if (!raw) issues.push({ path: `params.${p.key}`, message: 'is required' });
      params[p.key] = raw;
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { name: d.name, trigger: d.trigger, params, isEnabled: d.isEnabled, description: d.description };
}

/** "Weeks without contact: 6 · Account tier: key". */
export function paramsText(trigger: string, params: Record<string, string | number | boolean>): string {
  const info = triggerOf(trigger);
  if (!info) return Object.entries(params).map(([k, v]) => `${k}: ${v}`).join(' · ');
  return info.params.map((p) => `${p.label}: ${params[p.key] ?? p.default}`).join(' · ');
}
