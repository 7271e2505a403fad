//! The printed handout (`izumi export --format html`) set like a book: titles of works in
//! italics, the article's own citation whole, the editor's [sic], and, measured in a real
//! browser, episode headings above scene headings and note markers that keep lines even.

use std::path::PathBuf;
use std::process::Command;

fn export(format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_izumi"))
        .args(["export", "--format", format])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// The footnote entry `number` of the handout, as written.
fn footnote_entry(handout: &str, number: u32) -> &str {
    let start = handout
        .find(&format!("<li id=\"fn-{number}\">"))
        .unwrap_or_else(|| panic!("no footnote {number}"));
    let end = start + handout[start..].find("</li>").unwrap();
    &handout[start..end]
}

#[test]
fn titles_of_works_are_set_as_citations_and_no_title_mark_is_left() {
    let handout = export("html");
    assert!(
        footnote_entry(&handout, 3).contains("<cite>The Rastvorov Affair</cite>"),
        "{}",
        footnote_entry(&handout, 3)
    );
    // A title in a footnote's note (our words), written across a line break in the file.
    assert!(footnote_entry(&handout, 3).contains("<cite>The Sankei Shinbun</cite>"));
    assert!(footnote_entry(&handout, 1).contains("<cite>Novosti razvedki i kontrrazvedki</cite>"));
    // The article itself: its journal in italics.
    assert!(
        handout.contains("<cite>Intelligence and National Security</cite>"),
        "the header's citation of the article"
    );
    // Every mark was read as one: no asterisk reaches the page.
    let main = &handout[handout.find("<body>").unwrap()..];
    assert!(!main.contains('*'), "a stray title mark in the handout");
    // Markdown sets them as emphasis; plain text leaves them plain.
    let markdown = export("markdown");
    assert!(markdown.contains("[^7]: *The Rastvorov Affair*, p.308."));
    assert!(markdown.contains("*Intelligence and National Security*"));
    let text = export("text");
    assert!(!text.contains('*'));
    assert!(text.contains("The Rastvorov Affair, p.308."));
}

#[test]
fn the_articles_slip_in_a_quoted_title_keeps_its_text_and_gains_the_editors_sic() {
    let handout = export("html");
    let entry = footnote_entry(&handout, 5);
    assert!(
        entry.contains("<cite>Gaimushō nenkan</cite> [Anal [sic] of the Foreign Ministry]"),
        "{entry}"
    );
}

#[test]
fn the_articles_citation_names_its_journal_and_publisher() {
    let story = izumi::story::load_embedded();
    assert!(
        story
            .source
            .contains("Intelligence and National Security (Routledge)"),
        "{}",
        story.source
    );
    assert_eq!(story.source_titles, ["Intelligence and National Security"]);
}

fn chromium() -> PathBuf {
    std::env::var_os("IZUMI_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// What the page measures of itself once laid out, as JSON in `<pre id="measured">`.
const MEASURE: &str = r#"<script>
const size = (element) => parseFloat(getComputedStyle(element).fontSize);
const episode = document.querySelector("section.episode > h2");
const scene = document.querySelector("article.scene h3");
let marked = 0;
const uneven = [];
for (const p of document.querySelectorAll("article.scene p")) {
  if (!p.querySelector("sup")) continue;
  marked += 1;
  const lines = p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight);
  if (Math.abs(lines - Math.round(lines)) > 0.02) uneven.push(p.textContent.slice(0, 60));
}
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({
  episode: size(episode), scene: size(scene), marked, uneven,
  cite: (document.querySelector(".notes cite") ? getComputedStyle(document.querySelector(".notes cite")).fontStyle : "none"),
});
document.body.append(out);
</script>"#;

#[test]
fn in_a_browser_episode_headings_stand_above_scene_headings_and_marked_lines_stay_even() {
    if !chromium().is_file() {
        assert!(
            std::env::var_os("CI").is_none_or(|ci| ci.is_empty()),
            "no chromium at {} under CI",
            chromium().display()
        );
        eprintln!("skipped: no chromium at {}", chromium().display());
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let page = folder.path().join("handout.html");
    let handout = export("html").replace("</body>", &format!("{MEASURE}</body>"));
    std::fs::write(&page, handout).unwrap();
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=900,1200",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            folder.path().join("profile").display()
        ))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom.find("<pre id=\"measured\">").unwrap_or_else(|| {
        panic!(
            "the page measured nothing: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    }) + "<pre id=\"measured\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let measured: serde_json::Value =
        serde_json::from_str(&dom[start..end].replace("&amp;", "&")).unwrap();
    let (episode, scene) = (
        measured["episode"].as_f64().unwrap(),
        measured["scene"].as_f64().unwrap(),
    );
    assert!(
        episode >= scene * 1.25,
        "an episode's heading ({episode}px) should stand clearly above a scene's ({scene}px)"
    );
    assert!(measured["marked"].as_u64().unwrap() > 50, "{measured}");
    assert_eq!(
        measured["uneven"],
        serde_json::json!([]),
        "paragraphs whose note markers push their lines apart"
    );
    assert_eq!(measured["cite"], "italic");
}

/// Every general-knowledge gloss of the story is set apart wherever the exports give it: in the
/// handout, in its own element, marked in words; in Markdown and text, marked in brackets. And a
/// handout of the first scene holds no term the first scene does not use.
#[test]
fn every_general_gloss_is_marked_in_every_export_and_the_first_scenes_handout_holds_no_later_term()
{
    let story = izumi::story::load_embedded();
    let (html, markdown, text) = (export("html"), export("markdown"), export("text"));
    let flat = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let (markdown, text) = (flat(&markdown), flat(&text));
    for term in &story.terms {
        let Some(general) = &term.general else {
            continue;
        };
        let general = izumi::story::text::one_line(general);
        let marked = format!(
            "<span class=\"general\"><span class=\"mark\">[not from the article]</span> {}</span>",
            izumi::web::page::escape(&general)
        );
        assert!(
            html.contains(&marked),
            "{} unmarked in the handout",
            term.id
        );
        let bracketed = format!("[not from the article] {}", flat(&general));
        assert!(markdown.contains(&bracketed), "{} in Markdown", term.id);
        assert!(text.contains(&bracketed), "{} in text", term.id);
    }
    let opening = story.find_scene(&story.scenes[0].id).unwrap();
    let first = izumi::story::Reach::up_to(&story, opening);
    let handout = izumi::export::handout::document_of(&first);
    let used: Vec<&str> = first
        .terms()
        .into_iter()
        .map(|id| story.term(id).id.as_str())
        .collect();
    for term in &story.terms {
        let id = format!("id=\"term-{}\"", term.id);
        let shown = used.contains(&term.id.as_str());
        assert_eq!(handout.contains(&id), shown, "{}", term.id);
    }
    assert!(!handout.contains(&format!("id=\"scene-{}\"", story.scenes[1].id)));
}
