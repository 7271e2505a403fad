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

        Paragraph::new(vec![
            status_line(app, theme, keys),
            position_line(app, theme, keys),
        ])
        .render(status, buf);

        // The date and place the notes ask the teacher to read out: beside the notes where
        // there is room, else at their head.
        let mut notes_text = notes_lines(story, id, theme);
        let notes_title = format!(" Now: {} ", scene.title);
        if notes.width >= SIDE_BY_SIDE {
            let [left, right] = split::columns(
                notes,
                [Constraint::Fill(1), Constraint::Length(WHEN_WHERE_WIDTH)],
            );
            Paragraph::new(notes_text)
                .wrap(Wrap { trim: true })
                .block(titled_pane_block(notes_title, true, theme))
                .render(left, buf);
            Paragraph::new(when_and_where(story, id, theme))
                .wrap(Wrap { trim: true })
                .block(titled_pane_block(
                    " When and where ".to_owned(),
                    false,
                    theme,
                ))
                .render(right, buf);
        } else {
            let mut lines = vec![when_and_where_line(story, id, theme)];
            lines.append(&mut notes_text);
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(titled_pane_block(notes_title, true, theme))
                .render(notes, buf);
        }

        let footer_widget = footer::Footer {
            status: app.status(),
            hints: footer_hints(keys),
            theme,
        };
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
            footer_widget.render(footer, buf);
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
        footer_widget.render(footer, buf);
    }
}

/// From this width the date and place get a pane of their own beside the notes.
const SIDE_BY_SIDE: u16 = 100;
/// The width of that pane.
const WHEN_WHERE_WIDTH: u16 = 34;

/// The first line: the console, the lesson's timer and whether it runs, the projector's
/// blank, the wall clock and the link.
fn status_line<'a>(app: &App, theme: &Theme, keys: &Keymap) -> Line<'a> {
    let timer = app.timer();
    let seconds = timer.elapsed().as_secs();
    let state = if timer.is_running() {
        "▶ running".to_owned()
    } else if timer.is_untouched() {
        // Not started: say how, and that the first move starts it.
        keys.key(KeyMode::Console, Command::ToggleTimer)
            .map_or_else(String::new, |key| format!("not started ({key})"))
    } else {
        "paused".to_owned()
    };
    let mut spans = vec![
        Span::styled(format!(" Console · {}  ", app.story().title), theme.title),
        Span::styled(
            format!("elapsed {:02}:{:02} ", seconds / 60, seconds % 60),
            theme.key,
        ),
        Span::styled(format!("{state}  "), theme.dim),
    ];
    if app.is_blank() {
        spans.push(Span::styled("projector blank  ", theme.disputed));
    }
    if let Some(time) = app.clock() {
        spans.push(Span::styled(
            format!("clock {:02}:{:02}  ", time.hour, time.minute),
            theme.heading,
        ));
    }
    match app.linked() {
        Some(true) => spans.push(Span::styled("connected", theme.heading)),
        Some(false) => spans.push(Span::styled("reconnecting…", theme.disputed)),
        None => {}
    }
    Line::from(spans)
}

/// The second line: where the lesson is, or the scene number being typed.
fn position_line<'a>(app: &App, theme: &Theme, keys: &Keymap) -> Line<'a> {
    let story = app.story();
    let id = app.scene();
    let typed = app.typed_number();
    if !typed.is_empty() {
        let enter = keys
            .key(KeyMode::Console, Command::Open)
            .unwrap_or_default();
        let back = keys
            .key(KeyMode::Console, Command::Back)
            .unwrap_or_default();
        return Line::from(vec![
            Span::styled(" Go to scene ", theme.heading),
            Span::styled(format!("{typed}▏"), theme.key),
            Span::styled(
                format!(
                    " of {} — {enter} goes there, {back} cancels",
                    story.scenes.len()
                ),
                theme.dim,
            ),
        ]);
    }
    let scene = story.scene(id);
    Line::from(Span::styled(
        format!(
            " scene {} of {} · {} · {}",
            id.index() + 1,
            story.scenes.len(),
            story.episode_position(scene.episode),
            story.episode(scene.episode).title
        ),
        theme.dim,
    ))
}

/// The footer's reminders: the keymap's, with the console's own — a scene by number, the
/// timer, the blank — after the moves, and no "open" (Enter goes to the number typed).
fn footer_hints(keys: &Keymap) -> Vec<(String, &'static str)> {
    let mut hints = keys.footer_hints(KeyMode::Console);
    hints.retain(|(_, what)| *what != "open");
    let own = [
        match (
            keys.key(KeyMode::Console, Command::Digit),
            keys.key(KeyMode::Console, Command::Open),
        ) {
            (Some(digits), Some(enter)) => Some((format!("{digits} {enter}"), "go to")),
            _ => None,
        },
        keys.key(KeyMode::Console, Command::ToggleTimer)
            .map(|key| (key, "timer")),
        keys.key(KeyMode::Console, Command::ToggleBlank)
            .map(|key| (key, "blank")),
    ];
    let at = hints
        .iter()
        .position(|(_, what)| *what == "scene")
        .map_or(0, |i| i + 1);
    for (i, hint) in own.into_iter().flatten().enumerate() {
        hints.insert((at + i).min(hints.len()), hint);
    }
    hints
}

/// The scene's date (both readings of a disputed one) and places on one line, for a console
/// too narrow for a pane of them.
fn when_and_where_line(story: &Story, id: SceneId, theme: &Theme) -> Line<'static> {
    let scene = story.scene(id);
    let date_style = if scene.date.is_disputed() {
        theme.disputed
    } else {
        theme.text
    };
    let mut spans = vec![Span::styled(
        text::sanitize(&scene.date.to_string()),
        date_style,
    )];
    let places = story.place_names(scene);
    if !places.is_empty() {
        spans.push(Span::styled(" · ", theme.dim));
        spans.push(Span::styled(text::sanitize(&places), theme.current_place));
    }
    Line::from(spans)
}

/// The scene's date, every reading of a disputed one with its source, and its places: what a
/// teacher reads out.
fn when_and_where(story: &Story, id: SceneId, theme: &Theme) -> Vec<Line<'static>> {
    let scene = story.scene(id);
    let mut lines = Vec::new();
    let claims = scene.date.claims();
    if scene.date.is_disputed() {
        lines.push(Line::styled(
            "Date disputed — read both:".to_owned(),
            theme.disputed,
        ));
        for claim in claims {
            let source = claim
                .according_to
                .as_deref()
                .map_or_else(String::new, |source| {
                    format!(" ({})", text::sanitize(source))
                });
            lines.push(Line::from(vec![
                Span::styled("• ", theme.disputed),
                Span::styled(text::sanitize(&claim.text), theme.text),
                Span::styled(source, theme.dim),
            ]));
        }
    } else {
        lines.push(Line::from(vec![
            Span::styled("Date  ", theme.dim),
            Span::styled(text::sanitize(&scene.date.to_string()), theme.text),
        ]));
    }
    let places = story.place_names(scene);
    if !places.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("Place ", theme.dim),
            Span::styled(text::sanitize(&places), theme.current_place),
        ]));
    }
    lines
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
