// Builds build/sw.js after `vite build`: bundles service-worker/sw.ts, then Workbox injects the app-shell precache list.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { injectManifest } from 'workbox-build';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = join(root, 'build');
// Workbox skips (with only a warning) any file above this size; we fail instead, so the shell is never partly offline.
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The app shell: markup, code, styles, icons, manifest. Never data (version.json is SvelteKit's update poll). */
const shell = {
  globDirectory: buildDir,
  globPatterns: ['**/*.{html,js,mjs,css,svg,png,ico,webmanifest,woff2,wasm}'],
  globIgnores: ['sw.js', '**/*.map', '_app/version.json'],
  // Hashed file names need no extra revision; Workbox keeps revisions for index.html, icons and the manifest.
  dontCacheBustURLsMatching: /^_app\/immutable\//,
  maximumFileSizeToCacheInBytes: MAX_FILE_BYTES
};

async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

async function assertChunksFit() {
  const tooBig = [];
  for (const file of await listFiles(buildDir)) {
    const { size } = await stat(file);
    if (size > MAX_FILE_BYTES && !file.endsWith('.map')) tooBig.push(`${relative(buildDir, file)} (${(size / 1048576).toFixed(2)} MiB)`);
  }
  if (tooBig.length) throw new Error(`files over the 2 MiB precache limit (split them):\n  ${tooBig.join('\n  ')}`);
}

async function bundleWorker(outDir) {
  await build({
    configFile: false,
    logLevel: 'warn',
    mode: 'production',
    // Workbox guards its debug logging with process.env.NODE_ENV; a worker has no `process`.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: true,
      copyPublicDir: false,
      minify: true,
      sourcemap: false,
      lib: { entry: join(root, 'service-worker/sw.ts'), formats: ['iife'], name: 'FieldbookServiceWorker', fileName: () => 'sw.js' }
    }
  });
  return join(outDir, 'sw.js');
}

async function main() {
  await assertChunksFit();
  const tmp = await mkdtemp(join(tmpdir(), 'fieldbook-sw-'));
  try {
    const swSrc = await bundleWorker(tmp);
    const { count, size, warnings } = await injectManifest({ ...shell, swSrc, swDest: join(buildDir, 'sw.js') });
    if (warnings.length) throw new Error(`workbox: ${warnings.join('\n')}`);
    console.log(`service worker: build/sw.js precaches ${count} files, ${(size / 1024).toFixed(0)} KiB`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`service worker build failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
