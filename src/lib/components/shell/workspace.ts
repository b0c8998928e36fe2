// How the shell names the open workspace and keeps it chosen across links.
import type { WorkspaceChoice } from '$lib/core/session';

const demoNames = { small: 'small demo', field: 'field-scale demo' } as const;

/** A person-readable name for the workspace, e.g. "Default workspace" or "Field-scale demo". */
export function workspaceLabel(choice: WorkspaceChoice): string {
  if (choice.name === 'default') return 'Default workspace';
  if (choice.demo && choice.name === `demo-${choice.demo}`) {
    const name = demoNames[choice.demo];
    return name.charAt(0).toUpperCase() + name.slice(1);
  }
  return `Workspace “${choice.name}”`;
}

/** One sentence on where the workspace's data came from. */
export function workspaceOrigin(choice: WorkspaceChoice): string {
  if (!choice.demo) return 'Your own data: nothing was generated.';
  const demo = demoNames[choice.demo];
  if (choice.name === 'default') return `Seeded with the ${demo} (generated on this device) on first open.`;
  return `Generated on this device: the ${demo}, kept apart from your own data.`;
}

/**
 * The query that chose this workspace (`?demo=field`, `?workspace=x`), kept on nav links so a reload on any page
 * reopens the same workspace instead of the default one.
 */
export function workspaceSearch(choice: WorkspaceChoice): string {
  if (choice.demo && choice.name === `demo-${choice.demo}`) return `?demo=${choice.demo}`;
  if (choice.name !== 'default') return `?workspace=${encodeURIComponent(choice.name)}`;
  return '';
}
