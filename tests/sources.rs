//! `story/SOURCES.md` is generated: it is what `izumi sources` prints for the built-in story, for
//! every paragraph (`P n`) and footnote (`fn n`) of the article what carries it, then the
//! passages each scene rests on. These tests fail when the file differs from what the command
//! prints now (`IZUMI_BLESS=1 cargo test --test sources` writes it anew), when the built-in
//! story's labels are not the article's (P1..P69, fn 1..58), and when a scene cites a footnote
//! its `sources` do not name.

mod common;

use std::path::Path;

use izumi::story::{self, Passage, coverage};

/// The article has paragraphs P1..P69 and footnotes 1..58 (see story/README.md for how they are
/// counted).
const PARAGRAPHS: u32 = 69;
const FOOTNOTES: u32 = 58;

use common::izumi;

fn printed(args: &[&str]) -> String {
    let output = izumi(args);
    assert!(
        output.status.success(),
        "izumi {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn sources_md_is_what_izumi_sources_prints() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("story/SOURCES.md");
    let made = printed(&["sources"]);
    assert_eq!(made, coverage::markdown(&story::load_embedded()));
    if std::env::var_os("IZUMI_BLESS").is_some() {
        std::fs::write(&path, &made).unwrap();
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == made,
        "story/SOURCES.md differs from what `izumi sources` prints: run `IZUMI_BLESS=1 cargo \
         test --test sources` (or `izumi sources --story story > story/SOURCES.md`) and commit \
         it; the first line that differs:\n  kept: {:?}\n  made: {:?}",
        first_difference(&kept, &made).0,
        first_difference(&kept, &made).1,
    );
}

fn first_difference<'a>(kept: &'a str, made: &'a str) -> (Option<&'a str>, Option<&'a str>) {
    let (mut kept, mut made) = (kept.lines(), made.lines());
    loop {
        match (kept.next(), made.next()) {
            (None, None) => return (None, None),
            (a, b) if a != b => return (a, b),
            _ => {}
        }
    }
}

#[test]
fn the_built_in_story_counts_the_articles_paragraphs_and_footnotes() {
    let story = story::load_embedded();
    let shape = story
        .source_shape
        .as_ref()
        .expect("story.toml's [source] gives the article's paragraphs and footnotes");
    assert_eq!((shape.paragraphs, shape.footnotes), (PARAGRAPHS, FOOTNOTES));
    let listed: Vec<String> = coverage::coverage(&story)
        .iter()
        .map(|carried| carried.passage.to_string())
        .collect();
    let article: Vec<String> = Passage::all(PARAGRAPHS, FOOTNOTES)
        .map(|passage| passage.to_string())
        .collect();
    assert_eq!(listed, article);
    for carried in coverage::coverage(&story) {
        assert!(
            carried.carriers.is_empty() != carried.not_retold.is_none(),
            "{}: carried by {} texts, not retold: {:?}",
            carried.passage,
            carried.carriers.len(),
            carried.not_retold
        );
    }
}

#[test]
fn every_scene_of_the_built_in_story_names_the_footnotes_it_cites() {
    let story = story::load_embedded();
    let mut problems = Vec::new();
    for scene in &story.scenes {
        for &id in &scene.footnotes {
            let cited = Passage::Footnote(story.footnote(id).number).to_string();
            if !scene.sources.contains(&cited) {
                problems.push(format!(
                    "{} cites [^{}] but its sources do not name {cited}",
                    scene.id,
                    story.footnote(id).number
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn izumi_sources_reads_a_story_folder_and_reports_a_broken_one() {
    let journey = common::journey_dir();
    let map = printed(&["sources", "--story", journey.to_str().unwrap()]);
    assert!(
        map.contains("- **P6** — not retold: the author's address\n"),
        "{map}"
    );
    assert!(map.contains("- `the-ferry`: P3\n"), "{map}");

    let copy = common::journey_copy();
    let north = copy.path().join("episodes/01-north.toml");
    let text = std::fs::read_to_string(&north)
        .unwrap()
        .replace("sources = [\"P4\"]", "sources = [\"P4\", \"P7\"]");
    std::fs::write(&north, text).unwrap();
    let output = izumi(&["sources", "--story", copy.path().to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains(
            "episodes/01-north.toml:35:18: source \"P7\" is not in the work: story.toml's \
             [source] declares 6 paragraphs (P1 to P6)"
        ),
        "{errors}"
    );
}
