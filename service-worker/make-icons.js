// Renders static/icons/icon.svg to the PNG icons the manifest lists (run once after editing the SVG; outputs are committed).
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const iconsDir = fileURLToPath(new URL('../static/icons/', import.meta.url));
const svg = await readFile(`${iconsDir}icon.svg`, 'utf8');

// A maskable icon is cropped to a circle of 80% of its width by the launcher: fill the whole square with the
// background colour and shrink the glyph into the safe zone.
const maskable = svg
  .replace('rx="104"', 'rx="0"')
  .replace('<g id="glyph">', '<g id="glyph" transform="translate(256 256) scale(0.78) translate(-256 -286)">');

const outputs = [
  { file: 'icon-192.png', size: 192, source: svg },
  { file: 'icon-512.png', size: 512, source: svg },
  { file: 'icon-maskable-512.png', size: 512, source: maskable }
];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
});
try {
  for (const { file, size, source } of outputs) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const sized = source.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`);
    await page.screenshot({ path: `${iconsDir}${file}`, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`static/icons/${file}`);
  }
} finally {
  await browser.close();
}
