//! The timeline strip: the story's years on an axis zoomed to where most of it happens (the
//! outlying years folded past a break at either edge), the current episode as a span and the
//! others where they begin, all named where their names fit, and the
//! current scene's date: a point when exact, a bracketed range when approximate, and a `?` at
//! each account when disputed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::app::App;
use crate::geo::timescale::{Place, SpanRequest, Timescale, place_spans};
use crate::story::date::tick_step;
use crate::story::{DateRange, Day};

/// Rows the strip needs inside its border: scene marker, episodes, their names, axis, years.
pub const HEIGHT: u16 = 5;

/// The timeline of the whole story with the current scene marked.
pub struct Timeline<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
}

/// Cells across a zone past a break, where outlying years are folded: room for a year.
const EDGE: u16 = 6;

/// Maps days to columns of a strip: the timescale's core across the middle, the years before
/// and after it at a column of their own past a break at either edge.
struct Scale {
    timescale: Timescale,
    /// The strip's first and last columns.
    left: u16,
    right: u16,
    /// The core's first and last columns.
    from: u16,
    to: u16,
}

impl Scale {
    fn new(timescale: Timescale, left: u16, width: u16) -> Self {
        let right = left + width - 1;
        let from = if timescale.earlier.is_some() {
            left + EDGE
        } else {
            left
        };
        let to = if timescale.later.is_some() {
            right - EDGE
        } else {
            right
        };
        Self {
            timescale,
            left,
            right,
            from,
            to,
        }
    }

    /// The column of the year folded at the left, and at the right.
    fn before(&self) -> u16 {
        self.left + 2
    }

    fn after(&self) -> u16 {
        self.right - 2
    }

    fn column(&self, day: Day) -> u16 {
        match self.timescale.place(day) {
            Place::Before => self.before(),
            Place::On(fraction) => {
                self.from + (fraction * f64::from(self.to - self.from)).round() as u16
            }
            Place::After => self.after(),
        }
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
        let mut timescale = Timescale::of(story);
        if area.width < 4 * EDGE {
            // Too narrow to fold: the whole span, as before the zoom.
            let (first, last) = story.year_span();
            timescale = Timescale {
                first,
                last,
                earlier: None,
                later: None,
            };
        }
        let scale = Scale::new(timescale, area.x, area.width);
        let [marker_row, episode_row, name_row, axis_row, year_row] =
            [0, 1, 2, 3, 4].map(|offset| area.y + offset);

        // Episodes overlap (a prologue spans the whole story): each other episode is marked where
        // it begins, the current one drawn over them as its whole span.
        let current = self.app.episode();
        // Only the episodes the reader is told of: one that begins past the furthest scene read
        // is neither marked nor named.
        let told = self.app.reach();
        let shown = |index: usize| told.may_show_episode(crate::story::EpisodeId(index));
        for (index, episode) in story.episodes.iter().enumerate() {
            if index != current.index() && shown(index) {
                let (start, _) = scale.span(episode.period.range());
                buf[(start, episode_row)]
                    .set_symbol("╷")
                    .set_style(self.theme.dim);
            }
        }
        let (start, end) = scale.span(story.episode(current).period.range());
        fill(buf, episode_row, start, end, "▬", self.theme.current_place);
        // Their names, the current episode's first, the others where they fit without touching.
        let mut named: Vec<usize> = vec![current.index()];
        named.extend(
            (0..story.episodes.len()).filter(|index| *index != current.index() && shown(*index)),
        );
        let requests: Vec<SpanRequest> = named
            .iter()
            .map(|index| {
                let (start, end) = scale.span(story.episodes[*index].period.range());
                // Another episode's name goes where it begins, under its mark.
                let end = if *index == current.index() {
                    end
                } else {
                    start
                };
                SpanRequest {
                    start: start - area.x,
                    end: end - area.x,
                    text: story.episodes[*index].title.clone(),
                }
            })
            .collect();
        for label in place_spans(&requests, area.width) {
            let style = if label.request == 0 {
                self.theme.current_place
            } else {
                self.theme.dim
            };
            buf.set_string(area.x + label.column, name_row, &label.text, style);
        }

        // The axis and its years, broken where the outlying years are folded.
        fill(
            buf,
            axis_row,
            area.x,
            area.right() - 1,
            "─",
            self.theme.border,
        );
        let mut free_from = area.x;
        if let Some(year) = timescale.earlier {
            let at = scale.before();
            axis_break(buf, axis_row, at, scale.from - 2, self.theme);
            buf.set_string(at - 1, year_row, year.to_string(), self.theme.dim);
            free_from = at + 4;
        }
        let mut stop = area.right();
        if let Some(year) = timescale.later {
            let at = scale.after();
            axis_break(buf, axis_row, at, scale.to + 1, self.theme);
            let label = year.to_string();
            buf.set_string(area.right() - 4, year_row, &label, self.theme.dim);
            stop = area.right() - 5;
        }
        let step = tick_step(timescale.first, timescale.last, scale.to - scale.from + 1);
        let (first, last) = (timescale.first, timescale.last);
        let mut year = first + (step - first.rem_euclid(step)) % step;
        while year <= last {
            let column = scale.column(Day::new(year, 1, 1).expect("1 January exists"));
            buf[(column, axis_row)]
                .set_symbol("┴")
                .set_style(self.theme.border);
            let label = year.to_string();
            if column >= free_from && column + 4 <= stop {
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

/// Where the axis folds outlying years: a tick at the year's column `at` and a two-cell break
/// `╱╱` from column `from`.
fn axis_break(buf: &mut Buffer, row: u16, at: u16, from: u16, theme: &Theme) {
    buf[(at, row)].set_symbol("┴").set_style(theme.border);
    fill(buf, row, from, from + 1, "╱", theme.dim);
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
