// The Fieldbook service worker: serves the precached app shell (never data) and waits for the user before updating.
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

// Workbox replaces self.__WB_MANIFEST with the list of shell files at build time (service-worker/build.js).
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// The app is an SPA: every navigation (/contacts/abc, /?demo=small, …) is answered by the one precached page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html')));

// Claiming only matters on the very first install (no previous worker): the page that installed us works offline
// without a reload. Updates still wait: we never call skipWaiting on our own, because an old page running against a
// new shell could lose an unsaved edit. The page asks the user, then sends SKIP_WAITING (src/lib/state/updates.svelte.ts).
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data: unknown = event.data;
  if (typeof data === 'object' && data !== null && 'type' in data && data.type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});
