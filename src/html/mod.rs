//! The story as HTML, for the web's pages and the printed handout alike: the page's head and
//! style, the scene's text with its markers and terms, a person's facts. Every string from the
//! story goes through [`escape`]; every address is built from validated ids and numbers, never
//! from story text.

use std::fmt::Write as _;

use crate::story::text::{one_line, split_titles};
use crate::story::{
    Character, Identification, Inline, MORE_LATER, PersonTold, Reach, Scene, SceneId, Story, Term,
    TermId, TermTold,
};

/// The style sheet of every page, served as `/style.css` and inlined in the handout.
pub const STYLE: &str = include_str!("../../assets/style.css");
/// Text made safe for HTML, in element content and in quoted attributes alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A value for a URL's query string: everything but unreserved characters percent-encoded.
pub fn query_value(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// How one page links to scenes, footnotes and terms: the web pages link to other pages (with
/// the token, if there is one), the handout to places in itself.
pub trait Links {
    /// Where a scene is read, or `None` when it may not be (not shown yet).
    fn scene(&self, story: &Story, scene: SceneId) -> Option<String>;
    /// The id of a footnote's entry, and of the `n`th reference to it, on this page.
    fn footnote_id(&self, scene: &Scene, number: u32) -> String;
    fn reference_id(&self, scene: &Scene, number: u32, nth: usize) -> String;
    /// The id of a glossary term's entry on this page.
    fn term_id(&self, scene: &Scene, term: &str) -> String;
    /// The id of an editor's note's entry, and of the `n`th reference to it, on this page.
    fn editor_note_id(&self, scene: &Scene, number: u32) -> String {
        let _ = scene;
        format!("ed-{number}")
    }
    fn editor_reference_id(&self, scene: &Scene, number: u32, nth: usize) -> String;
}

/// Opens a whole page: language, viewport, title, styles, and the script if it has one.
pub fn open_page(out: &mut String, title: &str, style: Style, script: bool) {
    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    match style {
        Style::Linked(own) => {
            out.push_str("<link rel=\"stylesheet\" href=\"/style.css\">\n");
            if let Some(own) = own {
                let _ = writeln!(out, "<link rel=\"stylesheet\" href=\"{own}\">");
            }
            out.push_str("<link rel=\"icon\" href=\"/icon.svg\" type=\"image/svg+xml\">\n");
        }
        Style::Inline(own) => {
            let _ = writeln!(out, "<style>\n{STYLE}{own}</style>");
        }
    }
    if script {
        out.push_str("<script src=\"/follow.js\" defer></script>\n");
    }
    out.push_str("</head>\n");
}

/// Whether a page links its style sheet (served pages) or carries it (the handout file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// The style sheet linked, followed by the page's own rules at their address, if it has any
    /// (a served page carries no inline style: the pages' content security policy allows none).
    Linked(Option<&'static str>),
    /// The style sheet inline, followed by the page's own rules.
    Inline(&'static str),
}

/// A scene's paragraphs: footnote markers as links to their entries, glossary terms with their
/// definitions at hand (shown on hover and focus, read out as a description).
pub fn scene_text(out: &mut String, reach: &Reach, scene: &Scene, links: &impl Links) {
    let story = reach.story();
    let mut references: Vec<u32> = Vec::new();
    let mut editor_references: Vec<u32> = Vec::new();
    // Each explanation has an id of its own, even where a term comes back or (in the handout)
    // another scene uses it too: a description points at one element.
    let mut tips = 0;
    for paragraph in &scene.paragraphs {
        out.push_str("<p>");
        for inline in paragraph {
            match inline {
                Inline::Text(text) => out.push_str(&escape(text)),
                Inline::Term(text, id) => {
                    let term = story.term(*id);
                    let entry = links.term_id(scene, &term.id);
                    tips += 1;
                    let tip = format!("tip-{}-{tips}", scene.id);
                    let _ = write!(
                        out,
                        "<span class=\"term\"><a href=\"#{entry}\" id=\"{tip}-at\" aria-describedby=\"{tip}\">{}</a><span class=\"tip\" role=\"tooltip\" id=\"{tip}\">{}</span></span>",
                        escape(text),
                        term_told(&reach.term(*id))
                    );
                }
                Inline::Footnote(id) => {
                    let number = story.footnote(*id).number;
                    let nth = occurrence(&mut references, number);
                    reference(
                        out,
                        "ref",
                        &links.footnote_id(scene, number),
                        &links.reference_id(scene, number, nth),
                        &format!("footnote {number}"),
                        &format!("[{number}]"),
                    );
                }
                Inline::EditorNote(id) => {
                    let note = story.editor_note(*id);
                    let number = note.number;
                    let nth = occurrence(&mut editor_references, number);
                    let marker = note.marker();
                    reference(
                        out,
                        "ref editor",
                        &links.editor_note_id(scene, number),
                        &links.editor_reference_id(scene, number, nth),
                        &format!("{} (editor's note {number})", escape(&marker)),
                        &marker,
                    );
                }
            }
        }
        out.push_str("</p>\n");
    }
}

/// The id of the first place in a scene's text where `term` is used (the term's own link, as
/// [`scene_text`] numbers them), for a way back from its entry; `None` when the text does not
/// use it.
pub fn term_use_id(scene: &Scene, term: TermId) -> Option<String> {
    let nth = scene
        .paragraphs
        .iter()
        .flatten()
        .filter_map(|inline| match inline {
            Inline::Term(_, id) => Some(*id),
            _ => None,
        })
        .position(|id| id == term)?;
    Some(format!("tip-{}-{}-at", scene.id, nth + 1))
}

/// A marker in the text linking to its note: `class` and the anchors are ours, `said` is what a
/// screen reader says of the link (already escaped), `text` is escaped here.
fn reference(out: &mut String, class: &str, note: &str, id: &str, said: &str, text: &str) {
    let _ = write!(
        out,
        "<sup class=\"{class}\"><a href=\"#{note}\" id=\"{id}\" aria-label=\"{said}\">{}</a></sup>",
        escape(text)
    );
}

/// How many times `number` was marked before in this text (so each mark has an id of its own),
/// counting this one for the next.
fn occurrence(marked: &mut Vec<u32>, number: u32) -> usize {
    let earlier = marked.iter().filter(|seen| **seen == number).count();
    marked.push(number);
    earlier
}

/// Text with its titles (books, journals, newspapers) set as `<cite>`, escaped.
pub fn titled(text: &str, titles: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (piece, title) in split_titles(text, titles) {
        if title {
            let _ = write!(out, "<cite>{}</cite>", escape(piece));
        } else {
            out.push_str(&escape(piece));
        }
    }
    out
}

/// One entry of a list of notes: its anchor, its number or marker, its text, and the way back to
/// where it is cited (an anchor and what a screen reader says of the link), when there is one.
/// The label and the text are escaped here; the anchors are built from ids and numbers.
pub fn note_entry(out: &mut String, id: &str, label: &str, text: &str, back: Option<(&str, &str)>) {
    note_entry_titled(out, id, label, text, &[], back);
}

/// [`note_entry`] for a text whose titles are set as `<cite>` (see [`titled`]).
pub fn note_entry_titled(
    out: &mut String,
    id: &str,
    label: &str,
    text: &str,
    titles: &[String],
    back: Option<(&str, &str)>,
) {
    let _ = write!(
        out,
        "<li id=\"{id}\"><span class=\"number\">{}</span> {}",
        escape(label),
        titled(text, titles)
    );
    if let Some((anchor, said)) = back {
        let _ = write!(out, " <a href=\"#{anchor}\" aria-label=\"{said}\">↩</a>");
    }
    out.push_str("</li>\n");
}

/// Life dates, other names and the bio of a person, as paragraphs.
pub fn person_facts(character: &Character, told: &PersonTold) -> String {
    let mut facts = Vec::new();
    if let Some(dates) = told.life_dates() {
        facts.push(dates);
    }
    if !character.aliases.is_empty() {
        facts.push(format!("also written {}", character.aliases.join(", ")));
    }
    if !character.identified_as.is_empty() {
        let hedged: Vec<String> = character
            .identified_as
            .iter()
            .map(Identification::described)
            .collect();
        facts.push(format!("identified as {}", hedged.join(", ")));
    }
    if !told.code_names.is_empty() {
        facts.push(format!("code names: {}", told.code_names.join(", ")));
    }
    let mut out = String::new();
    if !facts.is_empty() {
        let _ = write!(out, "<p class=\"facts\">{}</p>", escape(&facts.join(" · ")));
    }
    for paragraph in &told.bio {
        let _ = write!(out, "<p>{}</p>", escape(&one_line(paragraph)));
    }
    if told.untold > 0 {
        let _ = write!(out, "<p class=\"later\">{MORE_LATER}</p>");
    }
    out
}

/// A term as far as the story has told it, as inline HTML for a list or a tooltip: what the
/// work says, then the general gloss apart (its own class and colour, and marked in words,
/// [`Term::GENERAL_MARK`], so that it never rests on colour alone), then that more comes later
/// when parts are still untold.
pub fn term_told(told: &TermTold) -> String {
    let work: Vec<&str> = told.from_the_work().collect();
    let mut out = escape(&one_line(&work.join(" ")));
    if let Some(general) = told.general {
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(
            out,
            "<span class=\"general\"><span class=\"mark\">[{}]</span> {}</span>",
            Term::GENERAL_MARK,
            escape(&one_line(general))
        );
    }
    if told.untold > 0 {
        let _ = write!(out, " <span class=\"later\">{MORE_LATER}</span>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_nothing_that_opens_markup_or_closes_an_attribute() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(query_value("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(query_value("Tok-en_1.~"), "Tok-en_1.~");
    }
}
