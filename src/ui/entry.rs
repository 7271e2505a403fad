//! An entry opened in full: a person, a footnote or a place, with the scenes it appears in.

use ratatui::text::{Line, Span, Text};

use super::theme::Theme;
use crate::app::Entry;
use crate::story::{EditorNote, MORE_LATER, Reach, SceneId, Story, Term, TermTold};
use crate::wrap::hanging;

/// A list of scenes to pick from: a heading line, then one row per scene, wrapped to `width`
/// cells with a hanging indent under the date, the picked one highlighted. Returns the lines
/// and the index of the picked row's first line.
pub fn scene_list(
    story: &Story,
    heading: String,
    scenes: &[SceneId],
    pick: usize,
    current: SceneId,
    theme: &Theme,
    width: u16,
) -> (Vec<Line<'static>>, usize) {
    let mut lines = vec![Line::from(Span::styled(heading, theme.heading))];
    let pick = pick.min(scenes.len().saturating_sub(1));
    let mut picked = 1;
    for (i, id) in scenes.iter().enumerate() {
        let scene = story.scene(*id);
        let marker = if *id == current { "▶ " } else { "  " };
        let row = hanging(
            vec![
                Span::styled(marker, theme.current_place),
                Span::styled(format!("{} · ", scene.date), theme.dim),
            ],
            vec![
                Span::styled(scene.title.clone(), theme.text),
                Span::styled(
                    format!(" · {}", story.episode(scene.episode).title),
                    theme.dim,
                ),
            ],
            usize::from(width),
        );
        if i == pick {
            picked = lines.len();
            lines.extend(row.into_iter().map(|line| line.patch_style(theme.selected)));
        } else {
            lines.extend(row);
        }
    }
    (lines, picked)
}

/// The overlay's title for an entry.
pub fn title(story: &Story, entry: Entry) -> String {
    match entry {
        Entry::Character(id) => story.character(id).name.clone(),
        Entry::Footnote(id) => format!("Footnote {}", story.footnote(id).number),
        Entry::EditorNote(id) => format!("Editor's note {}", story.editor_note(id).number),
        Entry::Location(id) => story.location(id).name.clone(),
        Entry::Term(id) => story.term(id).term.clone(),
    }
}

/// Everything the story says about an entry (its scenes are listed separately).
pub fn text(reach: &Reach, entry: Entry, theme: &Theme) -> Text<'static> {
    let story = reach.story();
    let mut lines = Vec::new();
    let fact = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label}: "), theme.dim),
            Span::styled(value, theme.text),
        ])
    };
    match entry {
        Entry::Character(id) => {
            let character = story.character(id);
            let told = reach.person(id);
            lines.push(Line::from(Span::styled(
                told.role.to_owned(),
                theme.heading,
            )));
            if let Some(dates) = told.life_dates() {
                lines.push(fact("Life", dates));
            }
            if !character.aliases.is_empty() {
                lines.push(fact("Also written", character.aliases.join(", ")));
            }
            for hedged in &character.identified_as {
                lines.push(Line::from(vec![
                    Span::styled("Identified as: ", theme.dim),
                    Span::styled(hedged.described(), theme.disputed),
                ]));
            }
            if !told.code_names.is_empty() {
                lines.push(fact("Code names", told.code_names.join(", ")));
            }
            for paragraph in &told.bio {
                lines.push(Line::default());
                lines.push(Line::styled(paragraph.to_string(), theme.text));
            }
            if told.untold > 0 {
                lines.push(Line::default());
                lines.push(more_later(theme));
            }
        }
        Entry::Footnote(id) => {
            let footnote = story.footnote(id);
            if let Some(citation) = &footnote.citation {
                lines.push(Line::styled(citation.clone(), theme.text));
            }
            if let Some(note) = &footnote.note {
                if footnote.citation.is_some() {
                    lines.push(Line::default());
                }
                lines.push(Line::styled(note.clone(), theme.text));
            }
        }
        Entry::EditorNote(id) => {
            let note = story.editor_note(id);
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", note.marker()), theme.editor_marker),
                Span::styled(note.text.clone(), theme.text),
            ]));
            lines.push(Line::default());
            lines.push(Line::styled(EditorNote::ABOUT, theme.dim));
        }
        Entry::Term(id) => {
            let term = story.term(id);
            let told = reach.term(id);
            for (nth, paragraph) in told.from_the_work().enumerate() {
                if nth > 0 {
                    lines.push(Line::default());
                }
                lines.push(Line::styled(paragraph.to_owned(), theme.text));
            }
            if told.untold > 0 {
                lines.push(Line::default());
                lines.push(more_later(theme));
            }
            if let Some(general) = told.general {
                lines.push(Line::default());
                lines.push(Line::from(general_gloss(general, theme)));
            }
            if !term.aliases.is_empty() {
                lines.push(fact("Also", term.aliases.join(", ")));
            }
        }
        Entry::Location(id) => {
            let location = story.location(id);
            if let Some(today) = location.today() {
                lines.push(fact("Today", today));
            }
            lines.push(fact(
                "Coordinates",
                format!("{:.4}, {:.4}", location.lat, location.lon),
            ));
        }
    }
    Text::from(lines)
}

/// The line that says an entry tells more in scenes the reader has not read.
pub fn more_later(theme: &Theme) -> Line<'static> {
    Line::styled(MORE_LATER, theme.dim)
}

/// A gloss from general knowledge, marked as such in the editor's notes' colour.
pub fn general_gloss(general: &str, theme: &Theme) -> Vec<Span<'static>> {
    vec![
        Span::styled(format!("[{}] ", Term::GENERAL_MARK), theme.editor_marker),
        Span::styled(general.to_owned(), theme.text),
    ]
}

/// A term on one line, as far as told: what the work says, then the general gloss marked.
pub fn term_summary(told: &TermTold, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for paragraph in told.from_the_work() {
        if !spans.is_empty() {
            spans.push(Span::styled(" ", theme.text));
        }
        spans.push(Span::styled(paragraph.to_owned(), theme.text));
    }
    if told.untold > 0 {
        if !spans.is_empty() {
            spans.push(Span::styled(" ", theme.text));
        }
        spans.push(Span::styled(MORE_LATER, theme.dim));
    }
    if let Some(general) = told.general {
        if !spans.is_empty() {
            spans.push(Span::styled(" ", theme.text));
        }
        spans.extend(general_gloss(general, theme));
    }
    spans
}
