//! The whole story as one document, for a printed handout: Markdown, plain text, or one HTML
//! page ([`handout`]).
//!
//! One walk over the story writes both; a [`Format`] decides how headings, paragraphs, names,
//! footnotes and editor's notes look.

pub mod handout;

use std::fmt::Write as _;

use crate::story::text::one_line;
use crate::story::{EditorNote, Inline, MORE_LATER, Reach, Story};
use crate::wrap::wrap_words;

/// The story as Markdown: `#` title, `##` episodes, `###` scenes with date and place, GitHub-style
/// footnote references, editor's notes as links, then the people, the glossary, the editor's
/// notes (each linking back to where it is marked) and the footnote definitions.
pub fn markdown(story: &Story) -> String {
    markdown_of(&Reach::everything(story))
}

/// [`markdown`] of what `reach` may tell: the scenes up to its limit, and the people, terms,
/// footnotes and editor's notes those scenes hold, each told only as far as they have told it
/// (`izumi export --up-to SCENE`, a handout of the scenes shown so far).
pub fn markdown_of(reach: &Reach) -> String {
    document(reach, &Markdown)
}

/// The story as plain text wrapped at 72 columns, footnotes as `[N]` and editor's notes as
/// `[ed.N]`, each listed at the end.
pub fn text(story: &Story) -> String {
    text_of(&Reach::everything(story))
}

/// [`text`] of what `reach` may tell (see [`markdown_of`]).
pub fn text_of(reach: &Reach) -> String {
    document(reach, &PlainText)
}

/// How one output format writes each part of the document.
trait Format {
    fn heading(&self, out: &mut String, level: usize, title: &str);
    /// A line of facts under a heading: date and place.
    fn byline(&self, out: &mut String, facts: &str);
    fn paragraph(&self, out: &mut String, text: &str);
    fn footnote_marker(&self, number: u32) -> String;
    /// An editor's note's marker: the `nth` place it is marked, counted from 1.
    fn editor_marker(&self, note: &EditorNote, nth: usize) -> String;
    /// A named entry: a person or a glossary term, then what is said of it.
    fn entry(&self, out: &mut String, name: &str, description: &str);
    /// The heading over the footnote definitions, if the format has one.
    fn notes_heading(&self, out: &mut String);
    fn footnote(&self, out: &mut String, number: u32, text: &str);
    /// A text with its titles of works set as the format sets them (plain text leaves them).
    fn titled(&self, text: &str, titles: &[String]) -> String {
        let _ = titles;
        text.to_owned()
    }
    /// An editor's note with its text, and the titles of the scenes whose text marks it, in
    /// order.
    fn editor_note(&self, out: &mut String, note: &EditorNote, text: &str, marked_in: &[&str]);
}

fn document(reach: &Reach, format: &impl Format) -> String {
    let story = reach.story();
    let mut out = String::new();
    format.heading(&mut out, 1, &story.title);
    if let Some(subtitle) = &story.subtitle {
        format.paragraph(&mut out, subtitle);
    }
    let credit = format!(
        "Retold by {} from {}",
        story.authors.join(", "),
        format.titled(&story.source, &story.source_titles)
    );
    format.paragraph(&mut out, &credit);
    if let Some(note) = so_far(reach) {
        format.paragraph(&mut out, &note);
    }

    // Where each editor's note is marked, by scene title, for the links back.
    let mut marked_in: Vec<Vec<&str>> = vec![Vec::new(); story.editor_notes.len()];
    // An episode none of whose scenes may be told is not named.
    for (number, episode, scenes) in reach.episodes() {
        format.heading(&mut out, 2, &format!("{}. {}", number + 1, episode.title));
        let place = &story.location(episode.location).name;
        format.byline(&mut out, &format!("{} · {place}", episode.period));
        for scene in scenes {
            format.heading(&mut out, 3, &scene.title);
            format.byline(
                &mut out,
                // The id is what `izumi --scene ID` opens at.
                &format!(
                    "{} · {} · id: {}",
                    scene.date,
                    story.place_names(scene),
                    scene.id
                ),
            );
            for paragraph in &scene.paragraphs {
                let text: String = paragraph
                    .iter()
                    .map(|inline| match inline {
                        Inline::Text(text) | Inline::Term(text, _) => text.clone(),
                        Inline::Footnote(id) => format.footnote_marker(story.footnote(*id).number),
                        Inline::EditorNote(id) => {
                            let places = &mut marked_in[id.index()];
                            places.push(&scene.title);
                            format.editor_marker(story.editor_note(*id), places.len())
                        }
                    })
                    .collect();
                format.paragraph(&mut out, &text);
            }
        }
    }

    // A section with nothing in it yet (no term used so far) is left out.
    let people = reach.people();
    if !people.is_empty() {
        format.heading(&mut out, 2, "People");
    }
    for id in people {
        let character = story.character(id);
        let told = reach.person(id);
        let mut description = String::new();
        if let Some(dates) = told.life_dates() {
            let _ = write!(description, "({dates}) ");
        }
        let _ = write!(description, "— {}.", told.role);
        if !character.aliases.is_empty() {
            let _ = write!(
                description,
                " Also written {}.",
                character.aliases.join(", ")
            );
        }
        for hedged in &character.identified_as {
            let _ = write!(description, " {}.", capitalised(&hedged.described()));
        }
        if !told.code_names.is_empty() {
            let _ = write!(description, " Code names: {}.", told.code_names.join(", "));
        }
        for paragraph in &told.bio {
            let _ = write!(description, " {}", one_line(paragraph));
        }
        if told.untold > 0 {
            let _ = write!(description, " {MORE_LATER}");
        }
        format.entry(&mut out, &character.name, &description);
    }

    let terms = reach.terms();
    if !terms.is_empty() {
        format.heading(&mut out, 2, "Glossary");
    }
    for id in terms {
        let told = reach.term(id);
        let mut description = format!("— {}", one_line(&told.summary()));
        if told.untold > 0 {
            let _ = write!(description, " {MORE_LATER}");
        }
        format.entry(&mut out, &story.term(id).term, &description);
    }

    let editor_notes = reach.editor_notes();
    if !editor_notes.is_empty() {
        format.heading(&mut out, 2, EditorNote::HEADING);
        format.paragraph(&mut out, EditorNote::ABOUT);
        for id in editor_notes {
            let (note, places) = (story.editor_note(id), &marked_in[id.index()]);
            let mut text = one_line(&note.text);
            if places.is_empty() {
                // Presenter notes are not exported: say where the note is marked.
                text.push_str(" (Marked only in presenter notes, which are not exported.)");
            }
            format.editor_note(&mut out, note, &text, places);
        }
    }

    let footnotes = reach.footnotes();
    if !footnotes.is_empty() {
        format.notes_heading(&mut out);
    }
    for id in footnotes {
        let footnote = story.footnote(id);
        let text = format.titled(&one_line(&footnote.full_text()), &footnote.titles);
        format.footnote(&mut out, footnote.number, &text);
    }
    out
}

struct Markdown;

impl Format for Markdown {
    fn heading(&self, out: &mut String, level: usize, title: &str) {
        let _ = writeln!(out, "{} {title}\n", "#".repeat(level));
    }

    fn byline(&self, out: &mut String, facts: &str) {
        let _ = writeln!(out, "*{facts}*\n");
    }

    fn paragraph(&self, out: &mut String, text: &str) {
        let _ = writeln!(out, "{text}\n");
    }

    fn footnote_marker(&self, number: u32) -> String {
        format!("[^{number}]")
    }

    fn editor_marker(&self, note: &EditorNote, nth: usize) -> String {
        format!(
            "<sup id=\"ed-{0}-{nth}\">[{1}](#ed-{0})</sup>",
            note.number,
            note.marker().replace('[', "\\[").replace(']', "\\]")
        )
    }

    fn entry(&self, out: &mut String, name: &str, description: &str) {
        let _ = writeln!(out, "**{name}** {description}\n");
    }

    fn notes_heading(&self, _out: &mut String) {}

    fn footnote(&self, out: &mut String, number: u32, text: &str) {
        let _ = writeln!(out, "[^{number}]: {text}");
    }

    fn titled(&self, text: &str, titles: &[String]) -> String {
        crate::story::text::split_titles(text, titles)
            .into_iter()
            .map(|(piece, title)| {
                if title {
                    format!("*{piece}*")
                } else {
                    piece.to_owned()
                }
            })
            .collect()
    }

    fn editor_note(&self, out: &mut String, note: &EditorNote, text: &str, marked_in: &[&str]) {
        let number = note.number;
        let back: Vec<String> = (1..)
            .zip(marked_in)
            .map(|(nth, title)| format!("[↩ {title}](#ed-{number}-{nth})"))
            .collect();
        let back = if back.is_empty() {
            String::new()
        } else {
            format!(" {}", back.join(" "))
        };
        let _ = writeln!(
            out,
            "<a id=\"ed-{number}\"></a>**{}** {text}{back}\n",
            note.marker().replace('[', "\\[").replace(']', "\\]"),
        );
    }
}

struct PlainText;

impl PlainText {
    const WIDTH: usize = 72;

    fn wrapped(out: &mut String, text: &str) {
        let _ = writeln!(out, "{}\n", wrap_words(text, Self::WIDTH).join("\n"));
    }
}

impl Format for PlainText {
    fn heading(&self, out: &mut String, level: usize, title: &str) {
        let rule = if level <= 2 { "=" } else { "-" };
        let _ = writeln!(out, "{title}\n{}\n", rule.repeat(title.chars().count()));
    }

    fn byline(&self, out: &mut String, facts: &str) {
        Self::wrapped(out, facts);
    }

    fn paragraph(&self, out: &mut String, text: &str) {
        Self::wrapped(out, text);
    }

    fn footnote_marker(&self, number: u32) -> String {
        format!("[{number}]")
    }

    fn editor_marker(&self, note: &EditorNote, _nth: usize) -> String {
        note.marker()
    }

    fn entry(&self, out: &mut String, name: &str, description: &str) {
        Self::wrapped(out, &format!("{name} {description}"));
    }

    fn notes_heading(&self, out: &mut String) {
        self.heading(out, 2, "Notes");
    }

    fn footnote(&self, out: &mut String, number: u32, text: &str) {
        Self::wrapped(out, &format!("[{number}] {text}"));
    }

    fn editor_note(&self, out: &mut String, note: &EditorNote, text: &str, _marked_in: &[&str]) {
        Self::wrapped(out, &format!("{} {text}", note.marker()));
    }
}

/// What a document of only the first scenes says of itself: "The story up to “The ferry”,
/// scene 2 of 4." Nothing when it holds every scene.
pub fn so_far(reach: &Reach) -> Option<String> {
    let story = reach.story();
    let furthest = reach.furthest()?;
    (furthest.index() + 1 < story.scenes.len()).then(|| {
        format!(
            "The story up to “{}”, scene {} of {}.",
            story.scene(furthest).title,
            furthest.index() + 1,
            story.scenes.len()
        )
    })
}

/// "probably ‘X’" as a sentence starts: "Probably ‘X’".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
