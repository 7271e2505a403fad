// What every browser script shares: the report on standard output, the list of failures, axe-core
// and the WCAG levels it checks, and a run of the checks in a fresh headless chromium ending in
// one verdict (exit 0, or every failure reported and exit 1).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
export const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
export const failures = [];
export const report = (line) => process.stdout.write(`${line}\n`);

// Chromium now and then refuses one capture outright ("Unable to capture screenshot", most often
// the first in a fresh context) and takes the same picture when asked again. That refusal alone is
// retried, once, after the page has drawn a frame; it is reported, and any other error fails.
const REFUSED = "Unable to capture screenshot";

/// Saves a picture of `target` (a page or a locator) as `file`, and says where.
export async function screenshot(target, file, options = {}) {
  const page = typeof target.page === "function" ? target.page() : target;
  const drawn = () => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await drawn();
  try {
    await target.screenshot({ path: file, ...options });
  } catch (error) {
    if (!String(error.message).includes(REFUSED)) throw error;
    report(`chromium refused to capture ${file} once; asked again`);
    await drawn();
    await target.screenshot({ path: file, ...options });
  }
  report(`screenshot: ${file}`);
}

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// Playwright gives each launch an empty profile in a new temporary folder and removes it at the end.
export async function inChromium(executablePath, what, checks, { args = [] } = {}) {
  const browser = await chromium.launch({ executablePath, headless: true, args: [...ARGS, ...args] });
  try {
    report(`browser: chromium ${browser.version()}`);
    await checks(browser);
  } catch (error) {
    failures.push(error.message);
  } finally {
    await browser.close();
  }
  if (failures.length) {
    for (const failure of failures) report(`FAILED: ${failure}`);
    process.exit(1);
  }
  report(`all ${what} checks passed`);
  process.exit(0);
}
