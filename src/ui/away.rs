//! A follower away from the presenter: one line over the scene saying where the presenter is
//! and which key follows it again, while the follower reads elsewhere.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::question::ellipsis;
use super::theme::Theme;
use crate::app::{Command, KeyMode};
use crate::keymap::Keymap;
use crate::story::{SceneId, Story};

/// "Presenter is at scene N — press f to follow", with the scene's title where it fits.
pub struct AwaySign<'a> {
    pub story: &'a Story,
    /// The presenter's scene.
    pub presenter: SceneId,
    pub keys: &'a Keymap,
    pub theme: &'a Theme,
}

impl AwaySign<'_> {
    /// The sign's words, without the title.
    pub fn text(&self) -> String {
        let number = self.presenter.index() + 1;
        match self.keys.key(KeyMode::Following, Command::SnapToPresenter) {
            Some(key) => format!("Presenter is at scene {number} — press {key} to follow"),
            None => format!("Presenter is at scene {number}"),
        }
    }
}

impl Widget for AwaySign<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = usize::from(area.width);
        let text = self.text();
        let title = &self.story.scene(self.presenter).title;
        let room = width.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()) + 6);
        let mut spans = vec![Span::styled(format!(" ▶ {text}"), self.theme.key)];
        if room >= 8 {
            spans.push(Span::styled(
                format!(" · {}", ellipsis(title, room)),
                self.theme.dim,
            ));
        }
        Line::from(spans).render(area, buf);
    }
}
