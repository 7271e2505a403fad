//! The two header lines: story and episode, then place and date of the scene.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::split_right;
use super::theme::Theme;
use crate::app::App;
use crate::wrap::{cells, fit_line};

/// Story title, episode n/N and title; the scene's places and date, and its position.
pub struct Header<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
}

impl Widget for Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let story = self.app.story();
        let scene_id = self.app.scene();
        let scene = story.scene(scene_id);
        let episode_id = self.app.episode();
        let episode = story.episode(episode_id);

        let episode_label = format!(
            "{} · {} ",
            story.episode_position(episode_id),
            episode.title
        );
        let title = format!(" {}", story.title);
        let first_line = Rect { height: 1, ..area };
        // When both do not fit, the episode matters more than the story's title.
        let [title_area, episode_area] = if fits(first_line, &title, &episode_label) {
            split_right(first_line, cells(&episode_label))
        } else {
            [Rect::default(), first_line]
        };
        let fitted = |line: Line<'static>, area: Rect| fit_line(line, usize::from(area.width));
        fitted(Line::styled(title, self.theme.title), title_area).render(title_area, buf);
        fitted(
            Line::styled(episode_label, self.theme.heading),
            episode_area,
        )
        .render(episode_area, buf);

        if area.height < 2 {
            return;
        }
        let date_style = if scene.date.is_disputed() {
            self.theme.disputed
        } else {
            self.theme.text
        };
        let position = format!(
            "scene {}/{} · {} of {} in story ",
            story.scene_number_in_episode(scene_id),
            episode.scenes.len(),
            scene_id.index() + 1,
            story.scenes.len()
        );
        let place_line = Line::from(vec![
            Span::raw(" "),
            Span::styled(story.place_names(scene), self.theme.current_place),
            Span::styled(" · ", self.theme.dim),
            Span::styled(scene.date.to_string(), date_style),
        ]);
        let second_line = Rect {
            y: area.y + 1,
            height: 1,
            ..area
        };
        // The place and date come first; the position shows only where it fits beside them.
        let position_width = if fits(second_line, &place_line.to_string(), &position) {
            cells(&position)
        } else {
            0
        };
        let [place_area, position_area] = split_right(second_line, position_width);
        fitted(place_line, place_area).render(place_area, buf);
        Line::from(Span::styled(position, self.theme.dim)).render(position_area, buf);
    }
}

/// Whether two texts fit on one line of the area with a space between them.
fn fits(area: Rect, left: &str, right: &str) -> bool {
    cells(left) + cells(right) < usize::from(area.width)
}
