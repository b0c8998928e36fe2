// Typed commands: the only way the UI, rules and imports change records.
import type { Workspace } from '../sync/workspace';
import { createRecord, deleteRecord, restoreRecord, updateRecord, type RecordInput } from './records';

export * from './records';

export const createContact = (ws: Workspace, input: RecordInput<'contact'>) => createRecord(ws, 'contact', input);
export const updateContact = (ws: Workspace, id: string, patch: RecordInput<'contact'>) => updateRecord(ws, 'contact', id, patch);
export const deleteContact = (ws: Workspace, id: string) => deleteRecord(ws, 'contact', id);
export const restoreContact = (ws: Workspace, id: string) => restoreRecord(ws, 'contact', id);

export const createAccount = (ws: Workspace, input: RecordInput<'account'>) => createRecord(ws, 'account', input);
export const updateAccount = (ws: Workspace, id: string, patch: RecordInput<'account'>) => updateRecord(ws, 'account', id, patch);
export const deleteAccount = (ws: Workspace, id: string) => deleteRecord(ws, 'account', id);
export const restoreAccount = (ws: Workspace, id: string) => restoreRecord(ws, 'account', id);

/** Logs a call, meeting, message… against a contact (and its account): the two-tap action on the contact screen. */
export const logInteraction = (ws: Workspace, input: RecordInput<'interaction'> & { channel: RecordInput<'interaction'>['channel']; at: string }) =>
  createRecord(ws, 'interaction', input);
export const updateInteraction = (ws: Workspace, id: string, patch: RecordInput<'interaction'>) => updateRecord(ws, 'interaction', id, patch);
export * from './sales';
