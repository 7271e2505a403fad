// The classroom in a real browser, for tests/browser.rs: Debian's chromium, driven by
// playwright-core (no browser of its own is downloaded), through the follower's page, the
// presenter's remote and the HTML handout.
//
// The Rust test runs the presenter in a pseudo-terminal and gives this script its addresses as
// one JSON argument. When the script needs the presenter, it asks on standard output, one line
// `izumi-ask {"press": KEYS}` or `izumi-ask {"shows": N}` (the presenter's screen shows scene N),
// and reads `ok` or what went wrong on standard input. Every other line it writes is a report.
// It exits 0 when every check passed, 1 with every failure listed otherwise.

import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { axe, runAxe, failures, report, inChromium, screenshot } from "./harness.mjs";

const config = JSON.parse(process.argv[2]);
const scenes = config.scenes;
const PHONE = { name: "phone", width: 360, height: 740 };
const PROJECTOR = { name: "projector", width: 1920, height: 1080 };
const SCHEMES = ["light", "dark"];
/// How long to wait for the page to follow a move of the presenter's. It takes tens of
/// milliseconds (reported, not judged: a busy machine may be slower); past this it is broken.
const FOLLOW_WITHIN_MS = 5000;


// --- Asking the Rust test about the presenter ---------------------------------------------------
const answers = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function ask(question) {
  process.stdout.write(`izumi-ask ${JSON.stringify(question)}\n`);
  const { value, done } = await answers.next();
  if (done) throw new Error("the test stopped answering");
  if (value !== "ok") throw new Error(value);
}
const press = (keys) => ask({ press: keys });
const presenterShows = (number) => ask({ shows: number });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// --- What a page shows --------------------------------------------------------------------------
const headingOf = (page) => page.locator("main h1").first().textContent();
const statusOf = (page) => page.locator("#status").textContent();

/// Waits until the page's heading is scene `index`'s title, within `timeout` ms.
async function showsScene(page, index, timeout, what) {
  const title = scenes[index].title;
  try {
    await page.waitForFunction(
      (title) => document.querySelector("main h1")?.textContent === title,
      title,
      { timeout },
    );
  } catch {
    throw new Error(`${what}: expected scene ${index + 1} "${title}" within ${timeout} ms, the page shows "${await headingOf(page)}"`);
  }
}

async function statusSays(page, text, what) {
  try {
    await page.waitForFunction(
      (text) => document.getElementById("status")?.textContent.includes(text),
      text,
      { timeout: 5000 },
    );
  } catch {
    throw new Error(`${what}: expected the status to say "${text}", it says "${await statusOf(page)}"`);
  }
}

/// Console errors and uncaught exceptions (a script or style the CSP blocked shows up here).
function watchErrors(page, name) {
  page.on("pageerror", (error) => failures.push(`${name}: uncaught ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") failures.push(`${name}: console error: ${message.text()} (${message.location().url})`);
  });
}

// --- The follower's page and the remote, with the presenter in its terminal --------------------
async function followAndRemote(browser) {
  const context = await browser.newContext({
    viewport: { width: PHONE.width, height: PHONE.height },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  watchErrors(page, "follower");
  let loads = 0;
  page.on("load", () => loads++);
  let fetched = 0;
  page.on("request", (request) => { if (new URL(request.url()).searchParams.get("part") === "main") fetched++; });

  await page.goto(config.follower);
  await showsScene(page, 0, 5000, "the follower's page at the start");
  // The event stream is open once the script has heard where the presenter is.
  await statusSays(page, `Following the presenter: Scene 1 of ${scenes.length}.`, "the follower's page at the start");
  check(await page.locator('a[rel="prev"]').count() === 0, "the first scene offers a Previous link");
  check(await page.locator('a[rel="next"]').count() === 0, "the page offers a Next link to a scene not shown yet");

  // The presenter moves: the page follows at once, without a reload.
  await page.evaluate(() => { window.izumiSameDocument = true; });
  const loadsBefore = loads;
  for (const index of [1, 2]) {
    const started = Date.now();
    await press("l");
    await showsScene(page, index, FOLLOW_WITHIN_MS, "after a key on the presenter's terminal");
    report(`follower: scene ${index + 1} on the page ${Date.now() - started} ms after the key`);
    await presenterShows(index + 1);
  }
  check(loads === loadsBefore && await page.evaluate(() => window.izumiSameDocument === true),
    "the follower's page reloaded to follow the presenter");
  // One scene fetched per move, none for the stream's first word, which names the page's own.
  check(fetched === 2, `the follower's page fetched a scene ${fetched} times for two moves`);
  check(new URL(page.url()).pathname === "/", `following, the page left "/" for ${page.url()}`);

  // Back with Previous: reading on one's own, the presenter's moves are told, not followed.
  await page.locator('a[rel="prev"]').click();
  await showsScene(page, 1, 5000, "after Previous");
  check(new URL(page.url()).pathname === `/scenes/${scenes[1].id}`, `Previous went to ${page.url()}`);
  await statusSays(page, `The presenter is at Scene 3 of ${scenes.length}. Choose Follow to go there.`, "after Previous");
  const follow = page.getByRole("link", { name: "Follow", exact: true });
  check(await follow.isVisible(), "no visible Follow control after Previous");
  check(await follow.getAttribute("aria-current") === null, "Follow is marked current while reading on one's own");
  await press("l");
  await presenterShows(4);
  await statusSays(page, `The presenter is at Scene 4 of ${scenes.length}. Choose Follow`, "reading on one's own while the presenter moves");
  check(await headingOf(page) === scenes[1].title, "the page followed the presenter while the student read on their own");

  // Follow snaps back to the presenter's scene, and follows again.
  await follow.click();
  await showsScene(page, 3, 5000, "after Follow");
  check(new URL(page.url()).pathname === "/", `Follow went to ${page.url()}`);
  check(await page.getByRole("link", { name: "Follow", exact: true }).getAttribute("aria-current") === "true",
    "Follow is not marked current while following");
  await statusSays(page, `Following the presenter: Scene 4 of ${scenes.length}.`, "after Follow");

  // A scene not shown yet is refused by the server, not only hidden by the page.
  // (Chromium logs the 403 as a failed resource: not watched for errors, it is the point.)
  const ahead = await context.newPage();
  const refused = await ahead.goto(`${config.base}/scenes/${scenes[9].id}`);
  check(refused.status() === 403, `a scene not shown yet answered ${refused.status()}, not 403`);
  const refusal = await ahead.locator("body").textContent();
  check(refusal.includes("The presenter has not shown this scene yet."), `the refusal says "${refusal}"`);
  check(!refusal.includes(scenes[9].title), "the refusal shows the scene's title");
  await ahead.close();

  // The remote moves the presenter in its terminal, and the page follows.
  const remote = await context.newPage();
  watchErrors(remote, "remote");
  await remote.goto(config.remote);
  // The secret was exchanged for a cookie: the address, the page and its links no longer hold it.
  const secret = new URL(config.remote).searchParams.get("secret");
  check(remote.url() === `${config.base}/remote`, `the remote stayed at ${remote.url()}`);
  check(!(await remote.content()).includes(secret), "the remote's page repeats the secret");
  const cookies = await context.cookies(config.base + "/remote");
  const given = cookies.find((cookie) => cookie.name === "izumi-remote");
  check(given && given.httpOnly && given.sameSite === "Strict" && given.path === "/remote" && given.value !== secret,
    `the remote's cookie is ${JSON.stringify(given)}`);
  report("remote: the secret was exchanged for an HttpOnly, SameSite=Strict cookie, and the address carries it no more");
  await showsScene(remote, 3, 5000, "the remote at the start");
  await statusSays(remote, `The presentation is at Scene 4 of ${scenes.length}.`, "the remote at the start");
  await remote.getByRole("button", { name: "Next →" }).click();
  await presenterShows(5);
  await showsScene(remote, 4, FOLLOW_WITHIN_MS, "the remote after its Next");
  await showsScene(page, 4, FOLLOW_WITHIN_MS, "the follower's page after the remote's Next");
  report("remote: Next moved the presenter's terminal to scene 5, and the pages with it");

  // The lesson's first move started the presenter's timer by itself: the remote's clock runs;
  // `s` at the projector pauses it.
  try {
    await remote.waitForFunction(() => document.getElementById("timer").textContent !== "0:00", null, { timeout: 3000 });
  } catch {
    throw new Error(`the remote's timer did not run once the lesson moved: ${await remote.locator("#timer").textContent()}`);
  }
  await press("s");
  report(`remote: the timer ran to ${await remote.locator("#timer").textContent()}`);

  // Without JavaScript the page is a plain one at the presenter's scene; a reload catches up.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const still = await plain.newPage();
  await still.goto(config.follower);
  check(await headingOf(still) === scenes[4].title, `without JavaScript the page shows "${await headingOf(still)}"`);
  await press("l");
  await presenterShows(6);
  // The terminal draws before the class's server has heard; the page with JavaScript following
  // it says when the server has.
  await showsScene(page, 5, FOLLOW_WITHIN_MS, "the follower's page after the presenter's key");
  await still.reload();
  check(await headingOf(still) === scenes[5].title, `without JavaScript a reload shows "${await headingOf(still)}"`);
  await plain.close();

  // A browser that never had the secret, and so has no cookie, is refused.
  const stranger = await browser.newContext();
  const noSecret = await stranger.newPage();
  const forbidden = await noSecret.goto(`${config.base}/remote`);
  check(forbidden.status() === 403, `the remote without the secret answered ${forbidden.status()}`);
  await stranger.close();
  await context.close();
}

// --- Looks and accessibility --------------------------------------------------------------------
/// axe must find what is wrong with a page made wrong on purpose, or its zeros mean nothing.
async function axeFindsFaults(browser) {
  const page = await browser.newPage();
  await page.setContent('<html><body><img src="data:,"><p style="color:#999;background:#aaa">faint</p><a href="#x"></a></body></html>');
  const found = (await runAxe(page)).violations.map((violation) => violation.id);
  for (const expected of ["html-has-lang", "image-alt", "color-contrast", "link-name"]) {
    check(found.includes(expected), `axe missed ${expected} on a page made wrong on purpose (it found ${found.join(", ")})`);
  }
  report(`axe ${await page.evaluate(() => window.axe.version)}: finds ${found.join(", ")} on a page made wrong on purpose`);
  await page.close();
}

/// Nothing wider than the screen: no sideways scrolling on a phone. Names the first few
/// elements and words that stick out.
async function fitsWidth(page, what) {
  const { scroll, width, wide } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const name = (element) => `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}${typeof element.className === "string" && element.className ? "." + element.className.split(" ").join(".") : ""}`;
    const wide = [...document.querySelectorAll("body *")]
      .filter((element) => element.getClientRects().length && element.getBoundingClientRect().right > width + 1)
      .map(name);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    while (walker.nextNode() && wide.length < 20) {
      range.selectNodeContents(walker.currentNode);
      if ([...range.getClientRects()].some((box) => box.right > width + 1)) {
        wide.push(`the text "${walker.currentNode.textContent.trim().slice(0, 60)}" in ${name(walker.currentNode.parentElement)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
  });
  if (scroll > width || wide.length) {
    failures.push(`${what}: wider than the screen (${scroll} > ${width} px): ${wide.join(", ")}`);
  }
}

async function shoot(page, name, options = {}) {
  const file = join(config.screenshots, `${name}.png`);
  await screenshot(page, file, options);
}

async function looks(browser, scheme, size) {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    colorScheme: scheme,
    reducedMotion: "reduce",
    ...(size === PHONE ? { isMobile: true, hasTouch: true } : {}),
  });
  const label = `${size.name}, ${scheme}`;

  const page = await context.newPage();
  watchErrors(page, `follower (${label})`);
  await page.goto(config.follower);
  // The server may have served the scene before the showcase: the page then swaps it in.
  await showsScene(page, config.showcase, 5000, `the follower's page (${label})`);
  await statusSays(page, `Following the presenter: Scene ${config.showcase + 1} of`, `the follower's page (${label})`);
  await fitsWidth(page, `the follower's page (${label})`);
  await shoot(page, `follower-${size.name}-${scheme}`);
  if (size === PHONE) await shoot(page, `follower-${size.name}-${scheme}-full`, { fullPage: true });
  await axe(page, `the follower's page (${label})`);

  await shoot(page.locator("section.map"), `map-${size.name}-${scheme}`);
  await shoot(page.locator("section.timeline"), `timeline-${size.name}-${scheme}`);

  // Each glossary term's explanation, open as a tap or a keyboard's focus opens it, within the
  // screen wherever the term stands on its line; the one furthest right is looked at.
  const terms = page.locator(".term a");
  check(await terms.count() > 0, `the scene shown has no glossary term (${label})`);
  let rightmost = { index: 0, x: 0 };
  for (let index = 0; index < await terms.count(); index++) {
    const term = terms.nth(index);
    await term.focus();
    check(await page.locator(".term .tip").nth(index).isVisible(), `a focused term shows no explanation (${label})`);
    await fitsWidth(page, `the follower's page with the term "${await term.textContent()}" explained (${label})`);
    const { x } = await term.boundingBox();
    if (x > rightmost.x) rightmost = { index, x };
  }
  await terms.nth(rightmost.index).focus();
  await shoot(page, `follower-${size.name}-${scheme}-term`);
  await axe(page, `the follower's page with a term explained (${label})`);
  // A person's life, opened.
  const person = page.locator(".people summary").first();
  if (await person.count()) {
    await person.click();
    await axe(page, `the follower's page with a person opened (${label})`);
  }

  const remote = await context.newPage();
  watchErrors(remote, `remote (${label})`);
  await remote.goto(config.remote);
  await statusSays(remote, "The presentation is at Scene", `the remote (${label})`);
  await fitsWidth(remote, `the remote (${label})`);
  await shoot(remote, `remote-${size.name}-${scheme}`);
  await axe(remote, `the remote (${label})`);

  if (size === PROJECTOR) {
    const handout = await context.newPage();
    watchErrors(handout, `handout (${label})`);
    await handout.goto(pathToFileURL(config.handout).href);
    await shoot(handout, `handout-${scheme}`);
    await axe(handout, `the handout (${scheme})`);
    await handout.goto(`${pathToFileURL(config.handout).href}#scene-${scenes[config.showcase].id}`);
    await shoot(handout, `handout-scene-${scheme}`);
    await handout.goto(`${pathToFileURL(config.handout).href}#footnotes`);
    await shoot(handout, `handout-footnotes-${scheme}`);
    if (scheme === "light") {
      // What a browser's "print to PDF" lays out: the print style sheet, page by page.
      await handout.emulateMedia({ media: "print" });
      await handout.goto(pathToFileURL(config.handout).href);
      await shoot(handout, "handout-print");
      await handout.pdf({ path: join(config.screenshots, "handout.pdf"), format: "A4" });
      report(`print: ${join(config.screenshots, "handout.pdf")}`);
    }
  } else {
    const handout = await context.newPage();
    await handout.goto(pathToFileURL(config.handout).href);
    await fitsWidth(handout, `the handout (${label})`);
    await shoot(handout, `handout-${size.name}-${scheme}`);
  }
  await context.close();
}

// --- Run ----------------------------------------------------------------------------------------
mkdirSync(config.screenshots, { recursive: true });
await inChromium(config.chromium, "browser", async (browser) => {
  await axeFindsFaults(browser);
  await followAndRemote(browser);
  // The pages at a scene with people, footnotes, terms and a route on the map.
  await press(`${config.showcase + 1}\r`);
  await presenterShows(config.showcase + 1);
  for (const scheme of SCHEMES) {
    for (const size of [PHONE, PROJECTOR]) {
      await looks(browser, scheme, size);
    }
  }
}, { args: ["--disable-quic"] });
