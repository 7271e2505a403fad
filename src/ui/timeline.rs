//! The timeline strip: the story's years on an axis, episodes as spans, and the current scene's
//! date: a point when exact, a bracketed range when approximate, and a `?` at each account when
//! disputed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::app::App;
use crate::story::date::tick_step;
use crate::story::{DateRange, Day};

/// Rows the strip needs inside its border: scene marker, episodes, axis, years.
pub const HEIGHT: u16 = 4;

/// The timeline of the whole story with the current scene marked.
pub struct Timeline<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
}

/// Maps days to columns of a strip.
struct Scale {
    first: f64,
    years: f64,
    left: u16,
    width: u16,
}

impl Scale {
    fn column(&self, day: Day) -> u16 {
        let fraction = ((day.as_year_fraction() - self.first) / self.years).clamp(0.0, 1.0);
        self.left + (fraction * f64::from(self.width.saturating_sub(1))).round() as u16
    }

    fn span(&self, range: DateRange) -> (u16, u16) {
        (self.column(range.start), self.column(range.end))
    }
}

impl Widget for Timeline<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < HEIGHT || area.width < 12 {
            return;
        }
        let story = self.app.story();
        let (first, last) = story.year_span();
        let scale = Scale {
            first: f64::from(first),
            years: f64::from(last + 1 - first),
            left: area.x,
            width: area.width,
        };
        let [marker_row, episode_row, axis_row, year_row] =
            [0, 1, 2, 3].map(|offset| area.y + offset);

        // Episodes, the current one last so that it stays visible where spans overlap.
        let current = self.app.episode();
        let mut episodes: Vec<_> = story.episodes.iter().enumerate().collect();
        episodes.sort_by_key(|(index, _)| *index == current.index());
        for (index, episode) in episodes {
            let style = if index == current.index() {
                self.theme.current_place
            } else if index % 2 == 0 {
                self.theme.dim
            } else {
                self.theme.text
            };
            let (start, end) = scale.span(episode.period.range());
            fill(buf, episode_row, start, end, "▬", style);
        }

        // The axis and its years.
        fill(
            buf,
            axis_row,
            area.x,
            area.right() - 1,
            "─",
            self.theme.border,
        );
        let step = tick_step(first, last, area.width);
        let mut free_from = area.x;
        let mut year = first + (step - first.rem_euclid(step)) % step;
        while year <= last {
            let column = scale.column(Day::new(year, 1, 1).expect("1 January exists"));
            buf[(column, axis_row)]
                .set_symbol("┴")
                .set_style(self.theme.border);
            let label = year.to_string();
            if column >= free_from && column + 4 <= area.right() {
                buf.set_string(column, year_row, &label, self.theme.dim);
                free_from = column + 5;
            }
            year += step;
        }

        // The current scene's date.
        let date = &story.scene(self.app.scene()).date;
        for claim in date.claims() {
            let (start, end) = scale.span(claim.range);
            let style = if date.is_disputed() {
                self.theme.disputed
            } else {
                self.theme.current_place
            };
            if date.is_disputed() {
                fill(buf, marker_row, start, end, "·", style);
                buf[((start + end) / 2, marker_row)]
                    .set_symbol("?")
                    .set_style(style);
            } else if end > start {
                fill(buf, marker_row, start, end, "─", style);
                buf[(start, marker_row)].set_symbol("├").set_style(style);
                buf[(end, marker_row)].set_symbol("┤").set_style(style);
            } else {
                buf[(start, marker_row)].set_symbol("▼").set_style(style);
            }
        }
    }
}

fn fill(buf: &mut Buffer, row: u16, start: u16, end: u16, symbol: &str, style: Style) {
    for column in start..=end {
        buf[(column, row)].set_symbol(symbol).set_style(style);
    }
}

#[cfg(test)]
mod tests {
    use crate::story::date::tick_step;

    #[test]
    fn ticks_get_sparser_as_the_strip_narrows() {
        assert_eq!(tick_step(1890, 1956, 420), 1);
        assert_eq!(tick_step(1890, 1956, 120), 5);
        assert_eq!(tick_step(1890, 2004, 120), 10);
        assert_eq!(tick_step(1890, 2004, 40), 20);
    }
}
