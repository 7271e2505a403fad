//! The presenter's console: the current scene's notes, a preview of the next scene, the time,
//! and whether the presentation is connected.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};

use super::split;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::footer;
use super::layout::titled_pane_block;
use super::theme::Theme;
use crate::app::{App, Command, KeyMode};
use crate::keymap::Keymap;
use crate::story::{EditorNote, Inline, SceneId, Story, text};

/// The console for the presenter's second screen.
pub struct Console<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
    pub keys: &'a Keymap,
}

impl Widget for Console<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Console { app, theme, keys } = self;
        let story = app.story();
        let id = app.scene();
        let scene = story.scene(id);
        // Once the class has something to show (a question up, a student's question), its pane
        // takes the place of the next scene's preview.
        let class_busy = app.class().poll.is_some() || !app.desk().posted.is_empty();
        let [status, notes, next, footer] = split::rows(
            area,
            [
                Constraint::Length(2),
                Constraint::Fill(if class_busy { 1 } else { 3 }),
                Constraint::Fill(if class_busy { 3 } else { 2 }),
                Constraint::Length(1),
            ],
        );

        let seconds = app.timer().elapsed().as_secs();
        let link = match app.linked() {
            Some(true) => Span::styled("connected", theme.heading),
            Some(false) => Span::styled("reconnecting…", theme.disputed),
            None => Span::raw(""),
        };
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled(format!(" Console · {}  ", story.title), theme.title),
                Span::styled(
                    format!("elapsed {:02}:{:02}  ", seconds / 60, seconds % 60),
                    theme.key,
                ),
                Span::styled(
                    app.clock().map_or_else(String::new, |time| {
                        format!("clock {:02}:{:02}  ", time.hour, time.minute)
                    }),
                    theme.heading,
                ),
                link,
            ]),
            Line::from(Span::styled(
                format!(
                    " scene {} of {} · {} · {}",
                    id.index() + 1,
                    story.scenes.len(),
                    story.episode_position(scene.episode),
                    story.episode(scene.episode).title
                ),
                theme.dim,
            )),
        ])
        .render(status, buf);

        let notes_text = notes_lines(story, id, theme);
        Paragraph::new(notes_text)
            .wrap(Wrap { trim: true })
            .block(titled_pane_block(
                format!(" Now: {} ", scene.title),
                true,
                theme,
            ))
            .render(notes, buf);

        if class_busy {
            let hint = [
                keys.hint(KeyMode::Console, &[Command::Up, Command::Down], "pick"),
                keys.hint(KeyMode::Console, &[Command::ShowPosted], "show"),
                keys.hint(KeyMode::Console, &[Command::DismissPosted], "dismiss"),
                keys.hint(KeyMode::Console, &[Command::Spotlight], "projector"),
                keys.hint(KeyMode::Console, &[Command::Reveal], "reveal"),
                keys.hint(KeyMode::Console, &[Command::TakeDown], "take down"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            super::class::ClassPane { app, theme, hint }.render(next, buf);
            footer::Footer {
                status: app.status(),
                hints: keys.footer_hints(KeyMode::Console),
                theme,
            }
            .render(footer, buf);
            return;
        }
        let following = SceneId(id.index() + 1);
        let (title, preview) = if following.index() < story.scenes.len() {
            let next_scene = story.scene(following);
            let text: String = next_scene
                .paragraphs
                .first()
                .into_iter()
                .flatten()
                .filter_map(|inline| match inline {
                    Inline::Text(text) | Inline::Term(text, _) => Some(text.as_str()),
                    Inline::Footnote(_) | Inline::EditorNote(_) => None,
                })
                .collect();
            (format!(" Next: {} ", next_scene.title), text)
        } else {
            (" Next ".to_owned(), "This is the last scene.".to_owned())
        };
        Paragraph::new(preview)
            .style(theme.dim)
            .wrap(Wrap { trim: true })
            .block(titled_pane_block(title, false, theme))
            .render(next, buf);

        footer::Footer {
            status: app.status(),
            hints: keys.footer_hints(KeyMode::Console),
            theme,
        }
        .render(footer, buf);
    }
}

/// The scene's presenter notes, their editor's-note markers set apart; then every editor's note
/// the scene marks, in its text or its notes, for the presenter to have at hand.
fn notes_lines(story: &Story, id: SceneId, theme: &Theme) -> Vec<Line<'static>> {
    let scene = story.scene(id);
    let mut lines = Vec::new();
    let notes = scene.notes.as_deref().unwrap_or_default();
    if notes.is_empty() {
        lines.push(Line::from("No notes for this scene."));
    }
    for (i, paragraph) in notes.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        let spans: Vec<Span> = paragraph
            .iter()
            .filter_map(|inline| match inline {
                Inline::Text(text) | Inline::Term(text, _) => Some(Span::raw(text.clone())),
                Inline::EditorNote(note) => Some(Span::styled(
                    story.editor_note(*note).marker(),
                    theme.editor_marker,
                )),
                Inline::Footnote(_) => None,
            })
            .collect();
        lines.push(Line::from(spans));
    }
    let mut marked = scene.editor_notes.clone();
    for note in text::editor_notes_in(notes) {
        if !marked.contains(&note) {
            marked.push(note);
        }
    }
    if !marked.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(EditorNote::HEADING, theme.heading));
    }
    for note in marked {
        let note = story.editor_note(note);
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", note.marker()), theme.editor_marker),
            Span::raw(note.text.clone()),
        ]));
    }
    lines
}
