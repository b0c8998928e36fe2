// The team members of a workspace (user records), live and in name order, for "You are:" and owner pickers.
import Dexie from 'dexie';
import type { User } from '$lib/core/model/user';
import type { FieldbookDb } from '$lib/core/storage/db';
import { LiveValue } from './live.svelte';

export type TeamMember = Pick<User, 'id' | 'name' | 'email' | 'role' | 'team' | 'isActive'>;

export class TeamMembers {
  #live: LiveValue<TeamMember[]>;

  constructor(db: FieldbookDb) {
    // The [_del+_sort] index gives live members already sorted by name: no scan, no in-memory sort.
    this.#live = new LiveValue(async () => {
      const rows = await db.rows('user').where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).toArray();
      return rows.map((r) => {
        const u = r as unknown as User;
        return { id: u.id, name: u.name, email: u.email, role: u.role, team: u.team, isActive: u.isActive };
      });
    }, []);
  }

  get members(): TeamMember[] {
    return this.#live.current;
  }

  get isLoaded(): boolean {
    return this.#live.isLoaded;
  }

  byId(id: string): TeamMember | undefined {
    return this.members.find((m) => m.id === id);
  }
}
