//! The presenter's console: the current scene's notes, a preview of the next scene, the time,
//! and whether the presentation is connected.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::layout::titled_pane_block;
use super::theme::THEME;
use crate::app::App;
use crate::story::{Inline, SceneId};

/// The console for the presenter's second screen.
pub struct Console<'a> {
    pub app: &'a App,
}

impl Widget for Console<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let story = app.story();
        let id = app.scene();
        let scene = story.scene(id);
        let [status, notes, next, footer] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Length(1),
        ])
        .areas(area);

        let seconds = app.timer().elapsed().as_secs();
        let link = match app.linked() {
            Some(true) => Span::styled("connected", THEME.heading),
            Some(false) => Span::styled("reconnecting…", THEME.disputed),
            None => Span::raw(""),
        };
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled(format!(" Console · {}  ", story.title), THEME.title),
                Span::styled(
                    format!("elapsed {:02}:{:02}  ", seconds / 60, seconds % 60),
                    THEME.key,
                ),
                Span::styled(
                    app.clock().map_or_else(String::new, |time| {
                        format!("clock {:02}:{:02}  ", time.hour, time.minute)
                    }),
                    THEME.heading,
                ),
                link,
            ]),
            Line::from(Span::styled(
                format!(
                    " scene {} of {} · Episode {}/{} · {}",
                    id.index() + 1,
                    story.scenes.len(),
                    scene.episode.index() + 1,
                    story.episodes.len(),
                    story.episode(scene.episode).title
                ),
                THEME.dim,
            )),
        ])
        .render(status, buf);

        let notes_text = scene
            .notes
            .clone()
            .unwrap_or_else(|| "No notes for this scene.".into());
        Paragraph::new(notes_text)
            .wrap(Wrap { trim: true })
            .block(titled_pane_block(format!(" Now: {} ", scene.title), true))
            .render(notes, buf);

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
                    Inline::Footnote(_) => None,
                })
                .collect();
            (format!(" Next: {} ", next_scene.title), text)
        } else {
            (" Next ".to_owned(), "This is the last scene.".to_owned())
        };
        Paragraph::new(preview)
            .style(THEME.dim)
            .wrap(Wrap { trim: true })
            .block(titled_pane_block(title, false))
            .render(next, buf);

        Line::from(vec![
            Span::styled(" ←/→", THEME.key),
            Span::styled(" move the presentation  ", THEME.dim),
            Span::styled("q", THEME.key),
            Span::styled(" quit", THEME.dim),
        ])
        .render(footer, buf);
    }
}
