// The follower's page read as a long-form article, for tests/browser.rs: a phone's first screen
// holds the scene's title and text, a tapped term explains itself in place (and, without script,
// leads to its entry and back), the notes stand in the margin of a wide window, a follower
// scrolled away is brought to the new title (but not pulled from the question box), the
// projector view, the page for a scene not shown yet, and axe at WCAG 2.1 AA, light and dark.
//
// The Rust test runs the hub and the web door; `izumi-ask {"present": N}` asks it to move the
// presenter to scene index N, and it answers `ok`.

import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { axe, failures, report, inChromium, screenshot } from "./harness.mjs";

const config = JSON.parse(process.argv[2]);
const scenes = config.scenes;
// What axe leaves undecided and was looked at: see classroom.mjs.
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 900 };

const answers = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function present(index) {
  process.stdout.write(`izumi-ask ${JSON.stringify({ present: index })}\n`);
  const { value, done } = await answers.next();
  if (done) throw new Error("the test stopped answering");
  if (value !== "ok") throw new Error(value);
}
function check(condition, message) {
  if (!condition) failures.push(message);
}
function watchErrors(page, name) {
  page.on("pageerror", (error) => failures.push(`${name}: uncaught ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().includes("403")) {
      failures.push(`${name}: console error: ${message.text()}`);
    }
  });
}
async function showsScene(page, index, what) {
  try {
    await page.waitForFunction((title) => document.querySelector("main h1")?.textContent === title, scenes[index].title, { timeout: 5000 });
  } catch {
    throw new Error(`${what}: the page does not show scene ${index + 1}`);
  }
}
/// Whether `locator` comes to be shown, or hidden, within a few seconds: the click a tap makes
/// may land after the tap returns.
async function becomes(locator, state) {
  try {
    await locator.waitFor({ state, timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
async function shoot(page, name) {
  const file = join(config.screenshots, `${name}.png`);
  await screenshot(page, file);
}
/// Whether the heading and the first line of the scene's text lie within the first screen.
const firstScreen = (page) => page.evaluate(() => {
  const height = window.innerHeight;
  const title = document.querySelector("main h1").getBoundingClientRect();
  const paragraph = document.querySelector("main article.scene p:not(.byline)");
  const range = document.createRange();
  range.selectNodeContents(paragraph);
  const line = range.getClientRects()[0];
  return { title: title.bottom, line: line.bottom, height };
});

async function phone(browser, scheme) {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, colorScheme: scheme });
  const page = await context.newPage();
  watchErrors(page, `phone, ${scheme}`);
  await page.goto(config.follower);
  await page.waitForFunction(() => document.getElementById("status").textContent.includes(" of "));
  const screen = await firstScreen(page);
  check(screen.title <= screen.height && screen.line <= screen.height,
    `phone (${scheme}): the title ends at ${screen.title} px and the first line of text at ${screen.line} px, past the first screen of ${screen.height} px`);
  report(`phone (${scheme}): title ends at ${Math.round(screen.title)} px, first line at ${Math.round(screen.line)} px of ${screen.height}`);
  const status = await page.locator("#status").textContent();
  check(status.includes(`Scene ${config.showcase + 1} of ${scenes.length}`), `phone: the status says "${status}"`);
  await shoot(page, `article-phone-${scheme}`);
  await axe(page, `the follower's page on a phone (${scheme})`);

  // A tap on a term explains it where it stands: no jump, the explanation on screen, and a
  // second tap closes it.
  const term = page.locator("main .term > a").first();
  const tip = page.locator("main .term .tip").first();
  const before = await page.evaluate(() => window.scrollY);
  await term.tap();
  check(await becomes(tip, "visible"), `phone (${scheme}): a tapped term shows no explanation`);
  check(!new URL(page.url()).hash, `phone (${scheme}): a tapped term jumped to ${page.url()}`);
  check(Math.abs(await page.evaluate(() => window.scrollY) - before) < 2, `phone (${scheme}): a tapped term scrolled the page`);
  check(await term.getAttribute("aria-expanded") === "true", `phone (${scheme}): an open term is not marked expanded`);
  const box = await tip.boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height,
    `phone (${scheme}): the explanation is off screen: ${JSON.stringify(box)}`);
  await shoot(page, `article-phone-${scheme}-term`);
  await axe(page, `the phone page with a term open (${scheme})`);
  await term.tap();
  check(await becomes(tip, "hidden"), `phone (${scheme}): a second tap leaves the explanation open`);
  // The keyboard: Enter opens, Escape closes.
  await term.focus();
  await page.keyboard.press("Enter");
  check(await becomes(tip, "visible") && await term.getAttribute("aria-expanded") === "true", `phone (${scheme}): Enter opens no explanation`);
  await page.keyboard.press("Escape");
  check(await becomes(tip, "hidden"), `phone (${scheme}): Escape leaves the explanation open`);
  // The notes follow the text on a narrow screen.
  const notes = await page.evaluate(() => [document.querySelector("main article.scene").getBoundingClientRect().bottom, document.querySelector(".margin").getBoundingClientRect().top]);
  check(notes[1] >= notes[0], `phone (${scheme}): the notes are not after the text: ${notes}`);
  await context.close();
}

async function noScript(browser) {
  const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto(config.follower);
  const term = page.locator("main .term > a").first();
  const entry = (await term.getAttribute("href")).slice(1);
  await term.click();
  check(new URL(page.url()).hash === `#${entry}`, `without script a term leads to ${page.url()}, not its entry`);
  const back = page.locator(`dt#${entry} + dd a`);
  check(await back.count() === 1, "without script the term's entry has no way back");
  await back.click();
  check(new URL(page.url()).hash === `#${await term.getAttribute("id")}`, `the way back leads to ${page.url()}`);
  const top = await term.evaluate((element) => element.getBoundingClientRect().top);
  check(top >= 0 && top < PHONE.height, `back from the entry, the term is at ${top} px`);
  report("no script: a term leads to its entry, and the entry back to the term");
  await context.close();
}

async function desktop(browser, scheme) {
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: scheme });
  const page = await context.newPage();
  watchErrors(page, `desktop, ${scheme}`);
  await page.goto(config.follower);
  const place = await page.evaluate(() => {
    const text = document.querySelector("main article.scene").getBoundingClientRect();
    const notes = document.querySelector(".margin").getBoundingClientRect();
    return { textRight: text.right, textTop: text.top, notesLeft: notes.left, notesTop: notes.top, notesRight: notes.right, width: document.documentElement.clientWidth };
  });
  check(place.notesLeft >= place.textRight && place.notesTop < DESKTOP.height && place.notesRight <= place.width,
    `desktop (${scheme}): the notes are not in the margin beside the text: ${JSON.stringify(place)}`);
  // Each note level with its first mark, or below the note before it.
  const levels = await page.evaluate(() => [...document.querySelectorAll(".margin li[id]")].map((note) => {
    const mark = document.querySelector(`main article a[href="#${note.id}"]`);
    return { id: note.id, note: note.querySelector(".number").getBoundingClientRect().top, mark: mark?.getBoundingClientRect().top };
  }));
  let below = -Infinity;
  for (const level of levels) {
    if (level.mark === undefined) continue;
    check(level.note >= below && (Math.abs(level.note - level.mark) < 4 || level.note > level.mark),
      `desktop (${scheme}): note ${level.id} stands at ${level.note} px, its mark at ${level.mark} px`);
    below = level.note;
  }
  check(levels.length > 0, `desktop (${scheme}): no note in the margin`);
  await shoot(page, `article-desktop-${scheme}`);
  await axe(page, `the follower's page on a wide screen (${scheme})`);
  await context.close();
}

async function projector(browser, scheme) {
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: scheme });
  const page = await context.newPage();
  watchErrors(page, `projector, ${scheme}`);
  await page.goto(`${config.base}/?view=projector`);
  const look = await page.evaluate(() => {
    const style = getComputedStyle(document.body);
    const hidden = [".people", ".margin", ".map", ".questions", "main > nav"].every((selector) => {
      const element = document.querySelector(selector);
      return !element || element.getClientRects().length === 0;
    });
    return { size: parseFloat(style.fontSize), background: style.backgroundColor, color: style.color, hidden };
  });
  check(look.size >= 28, `projector (${scheme}): the text is ${look.size} px`);
  check(look.background === "rgb(0, 0, 0)" && look.color === "rgb(255, 255, 255)", `projector (${scheme}): ${look.color} on ${look.background}`);
  check(look.hidden, `projector (${scheme}): more than the scene is shown`);
  const screen = await firstScreen(page);
  check(screen.title <= screen.height && screen.line <= screen.height, `projector (${scheme}): the title or text is off the first screen`);
  await shoot(page, `article-projector-${scheme}`);
  await axe(page, `the projector view (${scheme})`);
  await context.close();
}

async function followingBringsTheTitle(browser) {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, reducedMotion: "reduce" });
  const page = await context.newPage();
  watchErrors(page, "following");
  await page.goto(config.follower);
  await page.waitForFunction(() => document.getElementById("status").textContent.includes(" of "));
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  let index = config.showcase + 1;
  await present(index);
  await showsScene(page, index, "a follower scrolled down");
  await page.waitForFunction(() => document.activeElement === document.querySelector("main h1"), null, { timeout: 2000 }).catch(() => {});
  const seen = await page.evaluate(() => {
    const box = document.querySelector("main h1").getBoundingClientRect();
    return { top: box.top, bottom: box.bottom, focused: document.activeElement === document.querySelector("main h1") };
  });
  check(seen.top >= 0 && seen.bottom <= PHONE.height, `a follower scrolled down does not see the new title: ${JSON.stringify(seen)}`);
  check(seen.focused, "the new scene's title did not take the focus");
  const status = await page.locator("#status").textContent();
  check(status.includes(`Scene ${index + 1} of ${scenes.length}`), `following, the status says "${status}"`);

  // Typing a question: the focus and the words stay, the page stays put.
  const box = page.locator(".questions textarea");
  await box.focus();
  await page.keyboard.type("Who sent it?");
  // Where the box stands on the screen: what the student sees stay put. (The page's scroll
  // offset itself moves when the new scene is shorter or longer above the box: the browser
  // anchors the scroll on what the student is looking at.)
  const scrolled = await page.evaluate(() => document.activeElement.getBoundingClientRect().top);
  index += 1;
  await present(index);
  await showsScene(page, index, "a follower typing a question");
  const kept = await page.evaluate(() => ({ tag: document.activeElement.tagName, value: document.activeElement.value, y: document.activeElement.getBoundingClientRect().top }));
  check(kept.tag === "TEXTAREA" && kept.value === "Who sent it?", `a student typing lost the question box: ${JSON.stringify(kept)}`);
  check(Math.abs(kept.y - scrolled) < 2, `a student typing saw the question box move from ${scrolled} to ${kept.y} px`);
  report("following: the new title is brought into view and focused; a student typing keeps the box");
  await context.close();
  return index;
}

async function notShownYet(browser, scheme, at) {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, colorScheme: scheme });
  const page = await context.newPage();
  const ahead = scenes.length - 1;
  const answer = await page.goto(`${config.base}/scenes/${scenes[ahead].id}`);
  check(answer.status() === 403, `a scene not shown yet answered ${answer.status()}`);
  check(await page.locator("h1").textContent() === "Not shown yet", "the refusal has no heading");
  const text = await page.locator("body").textContent();
  check(!text.includes(scenes[ahead].title), "the refusal shows the scene's title");
  check(text.includes(`Scene ${at + 1} of ${scenes.length}`), `the refusal does not say where the class is: ${text}`);
  await shoot(page, `article-refused-${scheme}`);
  await axe(page, `the page for a scene not shown yet (${scheme})`);
  await page.getByRole("link", { name: "Go to where the presenter is" }).click();
  await showsScene(page, at, "from the refusal");
  await context.close();
}

mkdirSync(config.screenshots, { recursive: true });
await inChromium(config.chromium, "article", async (browser) => {
  for (const scheme of ["light", "dark"]) {
    await phone(browser, scheme);
    await desktop(browser, scheme);
    await projector(browser, scheme);
  }
  await noScript(browser);
  const at = await followingBringsTheTitle(browser);
  for (const scheme of ["light", "dark"]) await notShownYet(browser, scheme, at);
});
