// Benchmark access to the open session: attached only when the bench has set a flag in this browser's storage.
import type { AppSession } from './session.svelte';

/**
 * `npm run bench` sets `localStorage['fieldbook:bench'] = '1'` in its own throwaway browser profile, then times core
 * operations in the page through this handle (real IndexedDB, real Chromium). Nothing is attached otherwise.
 */
export function exposeForBench(session: AppSession, goto: (url: string) => Promise<void>): void {
  if (typeof localStorage === 'undefined' || localStorage.getItem('fieldbook:bench') !== '1') return;
  (globalThis as unknown as { __fieldbook: unknown }).__fieldbook = {
    session,
    goto,
    commands: () => import('$lib/core/commands'),
    queries: () => import('$lib/core/storage/queries'),
    search: () => import('$lib/core/search/global'),
    // tests/bench/sync-field.bench.ts: the meeting's peers (progress, stats) and, where WebRTC cannot run, the engine
    // itself to link a second workspace in the same page.
    sync: async () => {
      const [state, session, channel, crypto, workspace, db] = await Promise.all([
        import('./sync.svelte'),
        import('$lib/core/sync/peer-session'),
        import('$lib/core/sync/memory-channel'),
        import('$lib/core/sync/crypto'),
        import('$lib/core/sync/workspace'),
        import('$lib/core/storage/db')
      ]);
      return {
        syncStateFor: state.syncStateFor,
        startPeerSession: session.startPeerSession,
        memoryChannelPair: channel.memoryChannelPair,
        deriveTeamKey: crypto.deriveTeamKey,
        Workspace: workspace.Workspace,
        FieldbookDb: db.FieldbookDb
      };
    }
  };
}
