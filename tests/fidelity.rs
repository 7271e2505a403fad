//! The built-in story against the article it retells (`../shared/source`): what can be checked
//! mechanically. A footnote's `citation` is the article's own text for that footnote's
//! references, every piece of it found in the article's footnote as printed (our only marks: the
//! asterisks around titles the article sets in italics, typographic quotes for its straight
//! ones, and `[sic]` after a word the article misprints). Commentary, and what "Ibid." means,
//! belong in the `note`.

use std::path::PathBuf;

use izumi::story::load_embedded;

fn article() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/source/000_b1867949598ba591.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The article's footnote `number` as printed: the line that starts `<sup>N</sup>`.
fn footnote(article: &str, number: u32) -> String {
    let start = format!("<sup>{number}</sup>");
    article
        .lines()
        .find_map(|line| line.strip_prefix(&start))
        .unwrap_or_else(|| panic!("the article has no footnote {number}"))
        .to_owned()
}

/// Text as compared: no italics marks, straight quotes, no editor's `[sic]`, single spaces, and
/// an address in one pair of angle brackets (the source file's Markdown doubles them).
fn plain(text: &str) -> String {
    let text = text
        .replace("<<", "<")
        .replace(">>", ">")
        .replace(" [sic]", "")
        .replace(['*', '_'], "")
        .replace(['‘', '’'], "'")
        .replace(['“', '”'], "\"")
        .replace("\\'", "'");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_citation_is_the_articles_own_text_for_its_footnote() {
    let article = article();
    let story = load_embedded();
    let mut problems = Vec::new();
    for note in &story.footnotes {
        let Some(citation) = &note.citation else {
            continue;
        };
        let printed = plain(&footnote(&article, note.number));
        // A citation may gather the references a footnote scatters through its comment: each
        // piece between semicolons is the article's text.
        for piece in citation.split("; ") {
            let piece = plain(piece.trim().trim_end_matches('.'));
            if !printed.contains(&piece) {
                problems.push(format!(
                    "fn {}: {piece:?} is not in the article's footnote: {printed:?}",
                    note.number
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_comparison_sees_an_expanded_ibid_and_an_added_quotation_mark() {
    let printed = plain("Ibid., pp.14–15.");
    assert!(printed.contains(&plain("Ibid., pp.14–15")));
    assert!(!printed.contains(&plain("Ibid. [Motov-2], pp.14–15")));
    let printed = plain("V. Motov, 'Prishlo vrmeia rasskazat': Slomavshaiasia \"Os\", *N*");
    assert!(printed.contains(&plain(
        "V. Motov, ‘Prishlo vrmeia rasskazat’: Slomavshaiasia “Os”, *N*"
    )));
    assert!(!printed.contains(&plain(
        "V. Motov, ‘Prishlo vrmeia rasskazat’: Slomavshaiasia “Os”’, *N*"
    )));
}
