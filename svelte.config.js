// SvelteKit configuration: a static single-page app (every route is served by index.html).
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    // The service worker is built by Workbox from service-worker/, not by SvelteKit.
    serviceWorker: { register: false }
  }
};
