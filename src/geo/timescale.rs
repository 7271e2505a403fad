//! The timeline's geometry, beside the map's and the same for the terminal and the web: an axis
//! zoomed to the span where most of the story's scenes lie, with the years outside it marked at
//! its edges, and episode names placed along it without touching.

use super::{cells, shorten};
use crate::story::{Day, Story};

/// The years a timeline shows in full, and the outlying years folded to its edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timescale {
    /// The first year drawn to scale (from its 1 January).
    pub first: i32,
    /// The last year drawn to scale (to its 31 December).
    pub last: i32,
    /// The earliest year of the story when it lies before `first`: shown past a break at the left.
    pub earlier: Option<i32>,
    /// The latest year of the story when it lies after `last`: shown past a break at the right.
    pub later: Option<i32>,
}

/// Where a day falls on a [`Timescale`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Place {
    /// Before the axis's first year: drawn at the left break.
    Before,
    /// On the axis, as a fraction of its length from 0 to 1.
    On(f64),
    /// After the axis's last year: drawn at the right break.
    After,
}

impl Timescale {
    /// The story's timescale, derived from when its scenes happen: see [`Timescale::around`].
    pub fn of(story: &Story) -> Self {
        let ranges: Vec<(f64, f64)> = story
            .scenes
            .iter()
            .map(|scene| {
                let range = scene.date.range();
                (range.start.as_year_fraction(), range.end.as_year_fraction())
            })
            .collect();
        let (first, last) = story.year_span();
        Self::around(&ranges, first, last)
    }

    /// The axis for scenes happening over `ranges` (fractional years, start and end) in a story
    /// running from `first` to `last`. Scenes of at most a tenth of the story's span mark the
    /// years they cover; where such years follow each other (gaps of under a fortieth of the
    /// span), they make a run. The run in which the most scenes begin is the core, drawn to scale,
    /// when at least three quarters of the scenes begin in it and it spans between a fifth and
    /// three quarters of the story (a zoom that would leave out much, or gain little, is none);
    /// otherwise, or with too few scenes to tell, the whole span is drawn.
    pub fn around(ranges: &[(f64, f64)], first: i32, last: i32) -> Self {
        let whole = Self {
            first,
            last,
            earlier: None,
            later: None,
        };
        let ranges: Vec<(f64, f64)> = ranges
            .iter()
            .copied()
            .filter(|(start, end)| start.is_finite() && end.is_finite() && start <= end)
            .collect();
        if ranges.len() < 4 || last <= first {
            return whole;
        }
        let span = f64::from(last + 1 - first);
        let (long, tolerance) = ((span / 10.0).max(2.0), (span / 40.0).max(1.0));
        let mut short: Vec<(f64, f64)> = ranges
            .iter()
            .copied()
            .filter(|(start, end)| end - start <= long)
            .collect();
        short.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut runs: Vec<(f64, f64)> = Vec::new();
        for (start, end) in short {
            match runs.last_mut() {
                Some(run) if start - run.1 <= tolerance => run.1 = run.1.max(end),
                _ => runs.push((start, end)),
            }
        }
        let begun = |run: &(f64, f64)| {
            ranges
                .iter()
                .filter(|(start, _)| (run.0..=run.1 + tolerance).contains(start))
                .count()
        };
        let Some((core, held)) = runs
            .iter()
            .map(|run| (*run, begun(run)))
            .max_by_key(|(_, held)| *held)
        else {
            return whole;
        };
        let core_first = (core.0.floor() as i32).max(first);
        let core_last = (core.1.floor() as i32).min(last);
        let core_years = f64::from(core_last + 1 - core_first);
        if held * 4 < ranges.len() * 3 || core_years > span * 0.75 || core_years < span / 5.0 {
            return whole;
        }
        Self {
            first: core_first,
            last: core_last,
            earlier: (first < core_first).then_some(first),
            later: (last > core_last).then_some(last),
        }
    }

    /// Where a day falls.
    pub fn place(&self, day: Day) -> Place {
        let x = day.as_year_fraction();
        let (first, end) = (f64::from(self.first), f64::from(self.last + 1));
        if x < first {
            Place::Before
        } else if x >= end {
            Place::After
        } else {
            Place::On((x - first) / (end - first))
        }
    }
}

/// An episode's name to place along an axis over the columns `start..=end` of its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanRequest {
    pub start: u16,
    pub end: u16,
    pub text: String,
}

/// An episode's name given a place: its first column and its text (whole, or cut with "…").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanLabel {
    /// Which request this label answers.
    pub request: usize,
    pub column: u16,
    pub text: String,
}

impl SpanLabel {
    /// The columns it covers, with one of space after it.
    fn reach(&self) -> (u16, u16) {
        (self.column, self.column.saturating_add(cells(&self.text)))
    }
}

/// Places names along a row of `columns` cells, most important first: each at the start of its
/// span, at its end, centred on it, or just beside it, never touching a name already placed
/// (a column apart), always inside the row. A name with no room is shortened with "…" to no
/// fewer than four cells, then left out; the first is always placed, cut to the row if need be.
pub fn place_spans(requests: &[SpanRequest], columns: u16) -> Vec<SpanLabel> {
    let mut placed: Vec<SpanLabel> = Vec::new();
    for (index, request) in requests.iter().enumerate() {
        // The whole name, then shorter and shorter ones, made only as they are tried.
        let full = cells(&request.text);
        let longest = full.min(columns).saturating_sub(1);
        let last = (index == 0 && full > columns).then(|| shorten(&request.text, columns));
        let mut texts = std::iter::once(request.text.clone())
            .chain(
                (4..=longest)
                    .rev()
                    .map(|width| shorten(&request.text, width)),
            )
            .chain(last);
        let found = texts.find_map(|text| {
            let w = i32::from(cells(&text));
            let (start, end) = (i32::from(request.start), i32::from(request.end));
            [
                start,
                end + 1 - w,
                (start + end + 1 - w) / 2,
                end + 2,
                start - 1 - w,
            ]
            .into_iter()
            .filter(|&column| column >= 0 && column + w <= i32::from(columns))
            .map(|column| SpanLabel {
                request: index,
                column: column as u16,
                text: text.clone(),
            })
            .find(|label| {
                let (a, b) = label.reach();
                placed.iter().all(|other| {
                    let (c, d) = other.reach();
                    b < c || d < a
                })
            })
        });
        if let Some(label) = found {
            placed.push(label);
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: u16, end: u16, text: &str) -> SpanRequest {
        SpanRequest {
            start,
            end,
            text: text.into(),
        }
    }

    #[test]
    fn the_axis_zooms_to_where_most_scenes_begin() {
        // A childhood of 28 years, a core of 40 years a scene each, then three late scenes.
        let mut ranges = vec![
            (1890.0, 1917.0),
            (1969.0, 1969.5),
            (2004.0, 2004.5),
            (2011.5, 2012.0),
        ];
        ranges.extend((0..40).map(|i| (1918.0 + f64::from(i), 1918.5 + f64::from(i))));
        let scale = Timescale::around(&ranges, 1890, 2012);
        assert_eq!(
            scale,
            Timescale {
                first: 1918,
                last: 1957,
                earlier: Some(1890),
                later: Some(2012),
            }
        );
        assert_eq!(scale.place(Day::new(1900, 1, 1).unwrap()), Place::Before);
        assert_eq!(scale.place(Day::new(1990, 1, 1).unwrap()), Place::After);
        assert_eq!(scale.place(Day::new(1918, 1, 1).unwrap()), Place::On(0.0));
    }

    #[test]
    fn an_even_story_keeps_its_whole_span() {
        let ranges: Vec<(f64, f64)> = (0..20)
            .map(|i| (1920.0 + f64::from(i), 1920.5 + f64::from(i)))
            .collect();
        let scale = Timescale::around(&ranges, 1920, 1939);
        assert_eq!(scale.first, 1920);
        assert_eq!(scale.last, 1939);
        assert_eq!((scale.earlier, scale.later), (None, None));
    }

    #[test]
    fn a_story_in_two_halves_is_not_zoomed_to_one() {
        let ranges = [
            (1920.2, 1920.4),
            (1920.4, 1920.4),
            (1920.8, 1921.9),
            (1920.5, 1920.6),
            (1935.0, 1939.9),
        ];
        let scale = Timescale::around(&ranges, 1920, 1939);
        assert_eq!(
            (scale.first, scale.last, scale.earlier, scale.later),
            (1920, 1939, None, None)
        );
    }

    #[test]
    fn episode_names_never_touch_and_stay_in_the_row() {
        let requests = [
            span(10, 12, "Harbin"),
            span(0, 30, "How the story is known"),
            span(11, 14, "Blagoveshchensk"),
            span(25, 29, "東京、最後の年"),
        ];
        let placed = place_spans(&requests, 30);
        assert_eq!(placed[0].text, "Harbin");
        for (i, a) in placed.iter().enumerate() {
            let (x, y) = a.reach();
            assert!(y - 1 < 30 + 1 && a.column + cells(&a.text) <= 30, "{a:?}");
            for b in &placed[i + 1..] {
                let (c, d) = b.reach();
                assert!(y < c || d < x, "{a:?} touches {b:?}");
            }
        }
    }

    #[test]
    fn the_first_name_is_cut_to_the_row_when_it_is_wider() {
        let placed = place_spans(&[span(0, 3, "Petropavlovsk and Manchuli")], 10);
        assert_eq!(placed[0].text, "Petropav…");
    }
}
