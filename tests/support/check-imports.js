// Import rules: nothing under src/lib/core imports Svelte, $app or .svelte files, and no module in src/ is part of an import cycle.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]) : resolve(dirname(new URL(import.meta.url).pathname), '../..');
const src = join(root, 'src');
const lib = join(src, 'lib');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|js|svelte)$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Import specifiers of a file; for .svelte files, of its <script> blocks. */
function importsOf(file) {
  let text = readFileSync(file, 'utf8');
  if (file.endsWith('.svelte')) text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function resolveImport(from, spec) {
  let base;
  if (spec.startsWith('$lib/')) base = join(lib, spec.slice(5));
  else if (spec === '$lib') base = lib;
  else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.js`, join(base, 'index.ts'), join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const files = walk(src);
const problems = [];
const graph = new Map();
for (const file of files) {
  const specs = importsOf(file);
  const isCore = file.startsWith(join(lib, 'core') + '/');
  const edges = [];
  for (const spec of specs) {
    if (isCore && (spec === 'svelte' || spec.startsWith('svelte/') || spec.startsWith('$app') || spec.endsWith('.svelte') || spec.includes('.svelte.'))) {
      problems.push(`${relative(root, file)}: core must not import "${spec}" (core is plain TypeScript that runs in Node and workers)`);
    }
    const target = resolveImport(file, spec);
    if (target) edges.push(target);
  }
  graph.set(file, edges);
}

// Tarjan's strongly connected components: any component with more than one file (or a self-import) is a cycle.
let index = 0;
const stack = [];
const meta = new Map();
function strongConnect(v) {
  meta.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!meta.has(w)) {
      strongConnect(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) {
      problems.push(`import cycle: ${component.map((f) => relative(root, f)).join(' -> ')}`);
    }
  }
}
for (const v of graph.keys()) if (!meta.has(v)) strongConnect(v);

if (problems.length > 0) {
  console.error(`Import check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Import check passed: ${files.length} files, core free of Svelte, no import cycles.`);
