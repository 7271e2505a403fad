// Asking the class in a real browser, for tests/browser.rs: Debian's chromium, driven by
// playwright-core, answers the question the test opened as the teacher, on a phone.
//
// The Rust test holds the presenter's hub; this script asks it, one line on standard output,
// `izumi-ask {"counts": [..]}` (the teacher's desk counts these answers), `izumi-ask {"posted":
// TEXT}` (the teacher has this student's question, the class does not) or `izumi-ask {"votes":
// N}`, and reads `ok` or what went wrong on standard input. Every other line is a report. It
// exits 0 when every check passed, 1 with every failure listed otherwise.

import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { axe, failures, report, inChromium, screenshot } from "./harness.mjs";

const config = JSON.parse(process.argv[2]);
const PHONE = { width: 390, height: 844 };

const answers = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function ask(question) {
  process.stdout.write(`izumi-ask ${JSON.stringify(question)}\n`);
  const { value, done } = await answers.next();
  if (done) throw new Error("the test stopped answering");
  if (value !== "ok") throw new Error(value);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function watchErrors(page, name) {
  page.on("pageerror", (error) => failures.push(`${name}: uncaught ${error.message}`));
  page.on("console", (message) => {
    // A refusal answered with its status (409, 429) is logged by chromium as a failed resource.
    if (message.type() === "error" && !message.text().includes("status of 4")) {
      failures.push(`${name}: console error: ${message.text()}`);
    }
  });
}


/// Waits until `selector`'s text includes `text`.
async function says(page, selector, text, what, timeout = 5000) {
  try {
    await page.waitForFunction(
      ([selector, text]) => document.querySelector(selector)?.textContent.includes(text),
      [selector, text],
      { timeout },
    );
  } catch {
    const now = await page.locator(selector).first().textContent().catch(() => "(nothing)");
    throw new Error(`${what}: expected ${selector} to say "${text}", it says "${now}"`);
  }
}

/// Presses a choice (with `how`) until the hub takes it: a second answer within a quarter of a
/// second of the first is refused as too fast, and the page says so.
async function choose(page, index, how) {
  const letter = String.fromCharCode(65 + index);
  for (let tries = 0; tries < 20; tries++) {
    // What the page says now is not the answer to this press.
    await page.evaluate(() => { document.getElementById("said").textContent = ""; });
    await how(page.locator(`#choice-${index}`));
    await page.waitForFunction(
      () => /Your answer|Too fast|closed/.test(document.getElementById("said")?.textContent ?? ""),
      null,
      { timeout: 5000 },
    );
    const said = await page.locator("#said").textContent();
    if (said.includes(`Your answer: ${letter}`)) return;
    if (!said.includes("Too fast")) throw new Error(`choosing ${letter}, the page says "${said}"`);
  }
  throw new Error(`choosing ${letter} stayed too fast`);
}

async function run(browser) {
  const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  watchErrors(page, "follower");
  await page.goto(config.follower);
  // The question, above the scene, with a button for each choice.
  const legend = page.locator(".poll legend");
  check(await legend.textContent() === config.prompt, `the question says "${await legend.textContent()}"`);
  const above = await page.evaluate(() =>
    document.querySelector(".poll").compareDocumentPosition(document.querySelector("main")) & Node.DOCUMENT_POSITION_FOLLOWING);
  check(above, "the question is not above the scene");
  for (const [index, choice] of config.choices.entries()) {
    const letter = String.fromCharCode(65 + index);
    const button = page.getByRole("button", { name: `${letter}: ${choice}` });
    check(await button.count() === 1, `no button named "${letter}: ${choice}"`);
  }
  await page.evaluate(() => { window.izumiSameDocument = true; });
  await axe(page, "the follower's page with a question open");

  // Keyboard only: Tab to the third choice, Space.
  await page.locator("#choice-1").focus();
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.id) === "choice-2", "Tab from B does not reach C");
  await choose(page, 2, async () => page.keyboard.press("Space"));
  await ask({ counts: [0, 0, 1, 0] });
  report("follower: C chosen with the keyboard, and counted");

  // A tap changes it to B: counted once, said in the live region, the button pressed, the focus kept.
  await choose(page, 1, (button) => button.tap());
  await says(page, "#said", "Your answer: B", "after tapping B");
  await ask({ counts: [0, 1, 0, 0] });
  check(await page.locator("#choice-1").getAttribute("aria-pressed") === "true", "B is not marked pressed");
  check(await page.locator("#choice-2").getAttribute("aria-pressed") === "false", "C is still marked pressed");
  check(await page.evaluate(() => document.getElementById("said").getAttribute("role")) === "status", "the answer is not said in a live region");
  check(await page.evaluate(() => window.izumiSameDocument === true), "answering reloaded the page");
  report("follower: B tapped, \"Your answer: B\" said without a reload, and the desk counts it once");
  mkdirSync(config.screenshots, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  const shot = join(config.screenshots, "ask-phone.png");
  await screenshot(page, shot);
  await axe(page, "the follower's page with an answer chosen");
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
  check(scroll <= width, `the follower's page with a question is wider than the phone (${scroll} > ${width} px)`);

  // Without script: a plain form, answered, and the page back with the answer.
  const plain = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  const still = await plain.newPage();
  await still.goto(config.follower);
  // (Without script, the page's text is read as it loaded; nothing is waited for in the page.)
  await Promise.all([
    still.waitForResponse((response) => new URL(response.url()).pathname === "/" && response.request().method() === "GET"),
    still.locator("#choice-0").click(),
  ]);
  await still.waitForLoadState();
  check(new URL(still.url()).pathname === "/", `without script, the answer went to ${still.url()}`);
  const saidPlain = await still.locator("#said").textContent();
  check(saidPlain.includes("Your answer: A"), `without script, the page says "${saidPlain}"`);
  check(await still.locator("#choice-0").getAttribute("aria-pressed") === "true", "without script, A is not marked pressed");
  await ask({ counts: [1, 1, 0, 0] });
  report("without script: A answered through the form, and counted");

  // A question for the teacher: only the teacher has it, until shown.
  const text = "<b>Why</b> Nero & not his own name?";
  await page.getByLabel("Your question for the teacher").fill(text);
  await page.getByRole("button", { name: "Send to the teacher" }).click();
  await says(page, "#posted", "Sent to the teacher", "after sending a question");
  check(await page.getByLabel("Your question for the teacher").inputValue() === "", "the question stays in the box once sent");
  await ask({ posted: text });
  check(!(await page.content()).includes("Nero &amp; not"), "the student's own question shows before the teacher shows it");

  // The remote: the live tally, and the teacher's buttons.
  const remote = await phone.newPage();
  watchErrors(remote, "remote");
  await remote.goto(config.remote);
  await says(remote, "#desk", "2 answered", "the remote's desk");
  await says(remote, "#desk", "B: " + config.choices[1] + " — 1 (50%)", "the remote's tally");
  await axe(remote, "the remote with a question open and a student's question waiting");
  await remote.getByRole("button", { name: "Show the tally" }).click();
  await says(page, ".poll", "— 1 (50%)", "the follower after the remote showed the tally");
  await says(remote, "#desk", "the class sees the tally", "the remote after showing the tally");
  const remoteShot = join(config.screenshots, "ask-remote.png");
  await screenshot(remote.locator("#desk"), remoteShot);
  await remote.getByRole("button", { name: "Show the answer" }).click();
  await says(page, ".poll", "The answer:", "the follower after the remote showed the answer");
  await says(page, ".poll", "Answers are closed.", "the follower once the answer is shown");
  check(await page.evaluate(() => window.izumiSameDocument === true), "the follower reloaded to show the tally");
  report("remote: the tally, then the answer, shown on the follower's page without a reload");
  await axe(page, "the follower's page with the tally and the answer");
  // The same in the dark, as a phone set to dark mode shows it.
  const dark = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, colorScheme: "dark" });
  const night = await dark.newPage();
  watchErrors(night, "follower (dark)");
  await night.goto(config.follower);
  await says(night, ".poll", "The answer:", "the follower in the dark");
  await axe(night, "the follower's page with the tally and the answer, dark");
  await dark.close();

  await remote.getByRole("button", { name: "Show question 1" }).click();
  await says(page, "#board", text, "the follower after the teacher showed the question");
  check(await page.locator("#board b").count() === 0, "the student's question was not escaped");
  await page.locator("#vote-1").click();
  await says(page, "#posted", "Your vote is counted.", "after voting");
  await ask({ votes: 1 });
  await says(page, "#board", "(1 vote)", "the board after voting");
  report("board: the question shown by the teacher, escaped, voted for once");
  const full = join(config.screenshots, "ask-phone-questions.png");
  await screenshot(page.locator("section.questions"), full);
  await phone.close();
  await plain.close();
}

await inChromium(config.chromium, "asking", run);
