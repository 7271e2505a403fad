// A term's general-knowledge gloss in a real browser, for tests/browser.rs: on the follower's
// page (in the Terms list and in the term's explanation, opened) and in the class's handout, in
// light and dark, the gloss is marked in words ("[not from the article]"), set in its own colour
// that differs from the text around it, with a contrast of at least 4.5:1 against what it
// stands on, and axe at WCAG 2.1 AA finds no violation (its contrast rule included).

import { axe, failures, report, inChromium } from "./harness.mjs";

const config = JSON.parse(process.argv[2]);
const MARK = "[not from the article]";

function check(condition, message) {
  if (!condition) failures.push(message);
}

// Each gloss on the page: its text, its colour, the colour of the text around it, and the
// colour it stands on (the first ancestor with a background that is not transparent).
async function glosses(page) {
  return page.evaluate(() => {
    const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
    const background = (element) => {
      for (let at = element; at; at = at.parentElement) {
        const colour = rgb(getComputedStyle(at).backgroundColor);
        if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
      }
      return [255, 255, 255];
    };
    return [...document.querySelectorAll(".general")].filter((element) => element.getClientRects().length > 0).map((element) => ({
      text: element.textContent,
      colour: rgb(getComputedStyle(element).color).slice(0, 3),
      around: rgb(getComputedStyle(element.parentElement).color).slice(0, 3),
      background: background(element),
      where: element.closest(".tip") ? "explanation" : element.closest("dd") ? "list" : "elsewhere",
    }));
  });
}

function luminance([r, g, b]) {
  const channel = (value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a, b) {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

function judge(found, what, expected) {
  const places = found.map((gloss) => gloss.where).sort();
  check(JSON.stringify(places) === JSON.stringify(expected), `${what}: glosses shown in ${places}, expected ${expected}`);
  for (const gloss of found) {
    const said = `${what}, the gloss in the ${gloss.where}`;
    check(gloss.text.startsWith(MARK), `${said}: not marked in words: ${gloss.text}`);
    check(JSON.stringify(gloss.colour) !== JSON.stringify(gloss.around), `${said}: the same colour as the text around it`);
    const ratio = contrast(gloss.colour, gloss.background);
    check(ratio >= 4.5, `${said}: contrast ${ratio.toFixed(2)} below 4.5`);
    report(`${said}: contrast ${ratio.toFixed(2)}`);
  }
}

await inChromium(config.chromium, "general gloss", async (browser) => {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    page.on("pageerror", (error) => failures.push(`${scheme}: uncaught ${error.message}`));
    await page.goto(config.follower);
    judge(await glosses(page), `the follower's page, ${scheme}`, ["list"]);
    await axe(page, `the follower's page, ${scheme}`);
    // The term's explanation, opened by focus as a keyboard reader opens it.
    await page.focus(".term a");
    await page.waitForSelector(".term .tip", { state: "visible", timeout: 5000 });
    judge(await glosses(page), `the follower's page with the explanation open, ${scheme}`, ["explanation", "list"]);
    await axe(page, `the follower's page with the explanation open, ${scheme}`);

    await page.goto(config.handout);
    judge(await glosses(page), `the class's handout, ${scheme}`, ["list"]);
    await axe(page, `the class's handout, ${scheme}`);
    await context.close();
  }
});
