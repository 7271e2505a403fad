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

// What axe cannot decide alone. Two kinds are known and were looked at: the contrast of SVG text
// and of text under an open explanation (axe cannot tell their background; both are the pages' own
// colours), and links whose visible text is a symbol or a bracketed number ([6], ↩) named in
// words. Anything else undecided fails, as a violation would.
const KNOWN_UNDECIDED = ["color-contrast", "label-content-name-mismatch"];

/// axe-core's findings at WCAG 2.1 A and AA on what the page shows now.
export async function runAxe(page) {
  if (!await page.evaluate(() => "axe" in window)) await page.evaluate(AXE);
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    WCAG_21_AA,
  );
}

/// Runs axe on the page: every violation, and anything undecided but the known kinds, is a
/// failure; the counts are reported.
export async function axe(page, what) {
  const result = await runAxe(page);
  for (const violation of result.violations) {
    for (const node of violation.nodes) {
      failures.push(`axe, ${what}: ${violation.id} (${violation.impact}): ${violation.help}: ${node.target.join(" ")}: ${node.failureSummary?.replace(/\s+/g, " ")}`);
    }
  }
  for (const rule of result.incomplete) {
    if (KNOWN_UNDECIDED.includes(rule.id)) continue;
    for (const node of rule.nodes) {
      const check = node.any[0] ?? node.all[0] ?? node.none[0];
      failures.push(`axe, ${what}: undecided ${rule.id}: ${rule.help}: ${node.target.join(" ")}: ${check?.message}`);
    }
  }
  const review = result.incomplete.map((rule) => `${rule.id} ×${rule.nodes.length}`).join(", ");
  report(`axe, ${what}: ${result.violations.length} violations, ${result.passes.length} rules passed${review ? `, undecided: ${review}` : ""}`);
}

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
