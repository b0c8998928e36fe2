// Real-browser test helpers for tests/e2e: the built app on a local server, Chromium on a persistent profile, axe.
/*
 * API (every e2e file uses these; keep it small):
 *
 *   startServer({ port?, dir? })            → { url, port, stop() }   serves the built app (url ends with '/'); free port
 *                                                                       by default; dir defaults to the suite's build snapshot
 *   launchBrowser({ userDataDir?, offline? }) → BrowserContext          Chromium, persistent profile; a fresh temp profile
 *                                                                       (deleted on close) unless you pass userDataDir
 *   tempProfileDir()                        → string                   a profile dir you can relaunch with (deleted after
 *                                                                       the file's tests, like servers still running)
 *   copyBuild()                             → string                   a private copy of the build to modify and serve
 *                                                                       with startServer({ dir }) (deleted after the file)
 *   freshApp(page, url, path?, { demo? })   → Page                     opens url+path (e.g. '?demo=small', 'contacts'),
 *                                                                       waits for [data-app-ready] (+ [data-demo-ready])
 *   waitForServiceWorker(page, { timeout? })                           the page is controlled by an activated worker
 *   checkA11y(page, { include?, exclude?, disableRules? }) → A11yViolation[]   axe-core, WCAG 2.x A/AA + best practice
 *   trackErrors(page)                       → string[]                 uncaught page errors and console.error, live
 *
 * Typical file:
 *   let server: Server; let context: BrowserContext;
 *   beforeAll(async () => { server = await startServer(); context = await launchBrowser(); });
 *   afterAll(async () => { await context?.close(); await server?.stop(); });
 *   it('…', async () => { const page = await freshApp(await context.newPage(), server.url, '?demo=small'); … });
 *   expect(await checkA11y(page)).toEqual([]);   // a failure prints rule ids and the offending nodes
 *
 * The suite is built once before any file runs, and files serve a snapshot of build/ (tests/support/e2e-global-setup.ts;
 * FIELDBOOK_SKIP_BUILD=1 skips the build).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, inject } from 'vitest';
import type { AxeResults, RunOptions } from 'axe-core';

const require = createRequire(import.meta.url);
const SERVE_JS = fileURLToPath(new URL('./serve.js', import.meta.url));
const BUILD_DIR = fileURLToPath(new URL('../../build', import.meta.url));

/** Debian's Chromium (scripts/setup-chromium.sh); playwright's own browser download does not work on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** From /work/shared/SETUP-NOTES.md: without the background-networking flags Chromium keeps calling outside hosts. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

/** Waiting for the app: the machines have 2 cores and builds run beside the tests. */
export const APP_TIMEOUT_MS = 90_000;

/** Best-effort removal of a temp profile: Chromium may still be writing into it as it exits, which must not fail a run. */
function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    /* left for the OS to clean up with the rest of the temp dir */
  }
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function cleanUp(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const dir of tempDirs) removeQuietly(dir);
  tempDirs.clear();
}
// Registered when a test file imports this module, so it runs after that file's own afterAll hooks (Vitest runs them
// in reverse order): servers and profiles go away with the file. Vitest may end its worker without an 'exit' event,
// so the process hook is only the fallback.
afterAll(cleanUp);
process.once('exit', cleanUp);

export type Server = { url: string; port: number; stop: () => Promise<void> };

/**
 * Starts tests/support/serve.js (as `node`, so `stop` ends the real server) and resolves once it answers. `dir` is the
 * folder to serve: by default the build snapshot the global setup made.
 */
export async function startServer(options: { port?: number; dir?: string } = {}): Promise<Server> {
  const dir = options.dir ?? inject('e2eBuildDir');
  const args = [SERVE_JS, '--port', String(options.port ?? 0), '--host', '127.0.0.1'];
  if (dir) args.push('--dir', dir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.js did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Fieldbook is running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.js exited with ${code}:\n${output}`));
    });
  });
  await waitFor(async () => (await fetch(url)).ok, 20_000, `${url} to answer`);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    children.delete(child);
  };
  return { url, port: Number(new URL(url).port), stop };
}

/** A profile directory that outlives one browser, for restart tests; removed after the test file. */
export function tempProfileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-profile-'));
  tempDirs.add(dir);
  return dir;
}

/** A private copy of the suite's build, for tests that change served files (say, a new sw.js); removed after the file. */
export function copyBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-build-copy-'));
  tempDirs.add(dir);
  cpSync(inject('e2eBuildDir') ?? BUILD_DIR, dir, { recursive: true });
  return dir;
}

/**
 * Chromium with a persistent profile (IndexedDB, service worker and caches survive `close()` + relaunch with the same
 * `userDataDir`). Without `userDataDir` the profile is fresh and deleted when the context closes.
 */
export async function launchBrowser(options: { userDataDir?: string; offline?: boolean } = {}): Promise<BrowserContext> {
  const isOwnDir = !options.userDataDir;
  const dir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'fieldbook-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    offline: options.offline ?? false,
    viewport: { width: 1280, height: 800 },
    serviceWorkers: 'allow'
  });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  if (isOwnDir) {
    tempDirs.add(dir);
    context.once('close', () => {
      removeQuietly(dir);
      tempDirs.delete(dir);
    });
  }
  return context;
}

/**
 * Opens the app at `path` (relative to the server url: '', '?demo=small', 'contacts/abc') and waits until the
 * workspace is open (`[data-app-ready]` on the root layout) and, with `demo: true`, until demo data finished loading.
 */
export async function freshApp(page: Page, url: string, path = '', options: { demo?: boolean; timeout?: number } = {}): Promise<Page> {
  const timeout = options.timeout ?? APP_TIMEOUT_MS;
  const ready = options.demo ? '[data-app-ready][data-demo-ready], [data-app-ready] [data-demo-ready]' : '[data-app-ready]';
  const { errors, stop } = collectErrors(page);
  try {
    await page.goto(new URL(path, url).href, { waitUntil: 'domcontentloaded', timeout });
    await page.locator(ready).first().waitFor({ state: 'attached', timeout });
  } catch (error) {
    // Say what the user would have seen instead: the boot screen's message and any script errors.
    const text = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    const seen = text.replace(/\s+/g, ' ').trim().slice(0, 400);
    throw new Error(`the app at ${page.url()} was not ready after ${timeout} ms. Page shows: "${seen}". Errors: ${errors.join(' | ') || 'none'}`, {
      cause: error
    });
  } finally {
    stop();
  }
  return page;
}

/** Resolves once an activated service worker controls the page (it has precached the shell by then). */
export async function waitForServiceWorker(page: Page, options: { timeout?: number } = {}): Promise<void> {
  const timeout = options.timeout ?? 60_000;
  try {
    await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', undefined, { timeout, polling: 100 });
  } catch (error) {
    const state = await page
      .evaluate(async () => {
        const registration = await navigator.serviceWorker?.getRegistration();
        return JSON.stringify({
          controller: navigator.serviceWorker?.controller?.state ?? null,
          installing: registration?.installing?.state ?? null,
          waiting: registration?.waiting?.state ?? null,
          active: registration?.active?.state ?? null
        });
      })
      .catch(() => 'unknown');
    throw new Error(`no activated service worker controls ${page.url()} after ${timeout} ms (${state})`, { cause: error });
  }
}

export type A11yViolation = { id: string; impact: string | null; help: string; nodes: string[] };

type AxeWindow = { axe: { run: (context: unknown, options: RunOptions) => Promise<AxeResults> } };

/**
 * Runs axe-core on the page and returns its violations in a compact form (rule id, impact, help, offending nodes), so
 * `expect(await checkA11y(page)).toEqual([])` prints what is wrong. `include`/`exclude` are CSS selectors.
 */
export async function checkA11y(
  page: Page,
  options: { include?: string; exclude?: string[]; disableRules?: string[] } = {}
): Promise<A11yViolation[]> {
  const isLoaded = await page.evaluate(() => 'axe' in window);
  if (!isLoaded) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async ({ include, exclude, disableRules }) => {
    const { axe } = window as unknown as AxeWindow;
    const context = { ...(include ? { include: [include] } : {}), ...(exclude.length ? { exclude: exclude.map((s) => [s]) } : {}) };
    const results = await axe.run(include || exclude.length ? context : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      rules: Object.fromEntries(disableRules.map((id) => [id, { enabled: false }])),
      resultTypes: ['violations']
    });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node) => `${node.target.join(' ')} — ${node.failureSummary ?? ''}`.trim())
    }));
  }, { include: options.include ?? '', exclude: options.exclude ?? [], disableRules: options.disableRules ?? [] });
}

/** Collects uncaught exceptions and console errors from now on; assert it stays empty to catch silent breakage. */
export function trackErrors(page: Page): string[] {
  return collectErrors(page).errors;
}

function collectErrors(page: Page): { errors: string[]; stop: () => void } {
  const errors: string[] = [];
  const onPageError = (error: Error) => errors.push(`pageerror: ${error.message}`);
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  };
  page.on('pageerror', onPageError);
  page.on('console', onConsole);
  return {
    errors,
    stop: () => {
      page.off('pageerror', onPageError);
      page.off('console', onConsole);
    }
  };
}

async function waitFor(check: () => Promise<boolean>, timeout: number, what: string): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Resolves once the page's DOM has been still for `quietMs` (screens drawn a piece per frame after their data arrives),
 * then one more frame, so a long-task observer has reported and axe sees the whole screen. Gives up waiting after `capMs`.
 */
export function domSettled(page: Page, quietMs = 400, capMs = 30_000): Promise<void> {
  return page.evaluate(
    ([quiet, cap]) =>
      new Promise<void>((resolve) => {
        const done = () => {
          observer.disconnect();
          clearTimeout(timer);
          clearTimeout(limit);
          requestAnimationFrame(() => setTimeout(resolve, 50));
        };
        let timer = setTimeout(done, quiet);
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(done, quiet);
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        const limit = setTimeout(done, cap);
      }),
    [quietMs, capMs]
  );
}
