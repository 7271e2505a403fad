//! An entry opened in full: a person, a footnote or a place, with the scenes it appears in.

use ratatui::text::{Line, Span, Text};

use super::theme::THEME;
use crate::app::Entry;
use crate::story::{SceneId, Story};

/// The overlay's title for an entry.
pub fn title(story: &Story, entry: Entry) -> String {
    match entry {
        Entry::Character(id) => story.character(id).name.clone(),
        Entry::Footnote(id) => format!("Footnote {}", story.footnote(id).number),
        Entry::Location(id) => story.location(id).name.clone(),
    }
}

/// Everything the story says about an entry.
pub fn text(story: &Story, entry: Entry) -> Text<'static> {
    let mut lines = Vec::new();
    let fact = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label}: "), THEME.dim),
            Span::raw(value),
        ])
    };
    let scenes: Vec<SceneId> = match entry {
        Entry::Character(id) => {
            let character = story.character(id);
            lines.push(Line::from(Span::styled(
                character.role.clone(),
                THEME.heading,
            )));
            if let Some(dates) = character.life_dates() {
                lines.push(fact("Life", dates));
            }
            if !character.aliases.is_empty() {
                lines.push(fact("Also written", character.aliases.join(", ")));
            }
            if !character.code_names.is_empty() {
                lines.push(fact("Code names", character.code_names.join(", ")));
            }
            lines.push(Line::default());
            lines.push(Line::from(character.bio.clone()));
            story.scenes_with_character(id).collect()
        }
        Entry::Footnote(id) => {
            let footnote = story.footnote(id);
            if let Some(citation) = &footnote.citation {
                lines.push(Line::from(citation.clone()));
            }
            if let Some(note) = &footnote.note {
                if footnote.citation.is_some() {
                    lines.push(Line::default());
                }
                lines.push(Line::from(note.clone()));
            }
            story.scenes_citing(id).collect()
        }
        Entry::Location(id) => {
            let location = story.location(id);
            lines.push(fact(
                "Today",
                format!("{}, {}", location.modern_name, location.country),
            ));
            lines.push(fact(
                "Coordinates",
                format!("{:.4}, {:.4}", location.lat, location.lon),
            ));
            story
                .scene_ids()
                .filter(|s| story.scene(*s).locations.contains(&id))
                .collect()
        }
    };
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(
            "In {} scene{}",
            scenes.len(),
            if scenes.len() == 1 { "" } else { "s" }
        ),
        THEME.heading,
    )));
    for id in scenes {
        let scene = story.scene(id);
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} · ", story.episode(scene.episode).title),
                THEME.dim,
            ),
            Span::raw(scene.title.clone()),
            Span::styled(format!(" · {}", scene.date), THEME.dim),
        ]));
    }
    Text::from(lines)
}
