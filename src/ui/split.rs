//! Splitting an area into rows or columns: the same result as ratatui's `Layout` for the splits
//! izumi uses (lengths and percentages around one fill, or lengths and fills), without its
//! constraint solver, which took a fifth of the instructions of start-up (its cache is cold for
//! the first frame). Where the fixed parts do not fit, ratatui's `Layout` decides, as before.
//! With percentages and several fills the solver's compromise can differ by a cell, so those
//! are left to it too.

use ratatui::layout::{Constraint, Layout, Rect};

/// Splits `area` into rows from the top.
pub fn rows<const N: usize>(area: Rect, constraints: [Constraint; N]) -> [Rect; N] {
    match sizes(area.height, &constraints) {
        Some(bounds) => bounds.map(|(start, end)| Rect {
            y: area.y + start,
            height: end - start,
            ..area
        }),
        None => Layout::vertical(constraints).areas(area),
    }
}

/// Splits `area` into columns from the left.
pub fn columns<const N: usize>(area: Rect, constraints: [Constraint; N]) -> [Rect; N] {
    match sizes(area.width, &constraints) {
        Some(bounds) => bounds.map(|(start, end)| Rect {
            x: area.x + start,
            width: end - start,
            ..area
        }),
        None => Layout::horizontal(constraints).areas(area),
    }
}

/// A column of `width` in the middle of `area`, as `Rect::centered_horizontally` places it.
pub fn centre_column(area: Rect, width: u16) -> Rect {
    if width > area.width {
        return area.centered_horizontally(Constraint::Length(width));
    }
    Rect {
        x: area.x + (area.width - width).div_ceil(2),
        width,
        ..area
    }
}

/// A box of `width` by `height` in the middle of `area`, as `Rect::centered` places it.
pub fn centre(area: Rect, width: u16, height: u16) -> Rect {
    if width > area.width || height > area.height {
        return area.centered(Constraint::Length(width), Constraint::Length(height));
    }
    Rect {
        x: area.x + (area.width - width).div_ceil(2),
        y: area.y + (area.height - height).div_ceil(2),
        width,
        height,
    }
}

/// Where each part starts and ends along `extent`, or `None` when the parts are not lengths,
/// percentages and fills, or the lengths and percentages do not fit. Fills share what is left
/// by weight; every boundary is rounded to the nearest cell, as ratatui rounds them.
fn sizes<const N: usize>(extent: u16, constraints: &[Constraint; N]) -> Option<[(u16, u16); N]> {
    let total = f64::from(extent);
    let mut fixed = 0.0;
    let mut weights = 0.0;
    let (mut fills, mut percentages) = (0, 0);
    for constraint in constraints {
        match *constraint {
            Constraint::Length(length) => fixed += f64::from(length),
            Constraint::Percentage(percent) => {
                fixed += total * f64::from(percent) / 100.0;
                percentages += 1;
            }
            Constraint::Fill(weight) => {
                weights += f64::from(weight);
                fills += 1;
            }
            _ => return None,
        }
    }
    if fixed > total || weights == 0.0 || (percentages > 0 && fills > 1) {
        return None;
    }
    let left = total - fixed;
    let mut bounds = [(0, 0); N];
    let mut position = 0.0_f64;
    for (bound, constraint) in bounds.iter_mut().zip(constraints) {
        let start = nearest(position);
        position += match *constraint {
            Constraint::Length(length) => f64::from(length),
            Constraint::Percentage(percent) => total * f64::from(percent) / 100.0,
            Constraint::Fill(weight) => left * f64::from(weight) / weights,
            _ => return None,
        };
        // Both are whole numbers within 0..=extent.
        *bound = (start as u16, nearest(position).min(total) as u16);
    }
    Some(bounds)
}

/// The nearest cell boundary, halves rounded up as ratatui rounds them, even when adding up
/// fractions left a half a hair below its true value.
fn nearest(position: f64) -> f64 {
    (position + 1e-9).round()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Constraint::{Fill, Length, Percentage};
    use proptest::prelude::*;

    fn same_as_ratatui<const N: usize>(constraints: [Constraint; N], extent: u16) {
        let area = Rect::new(3, 5, extent, extent);
        let theirs: [Rect; N] = Layout::vertical(constraints).areas(area);
        assert_eq!(
            rows(area, constraints),
            theirs,
            "{constraints:?} at {extent}"
        );
        let theirs: [Rect; N] = Layout::horizontal(constraints).areas(area);
        assert_eq!(
            columns(area, constraints),
            theirs,
            "{constraints:?} at {extent}"
        );
    }

    #[test]
    fn the_splits_izumi_uses_are_ratatuis_at_every_size() {
        for extent in 0..=300 {
            same_as_ratatui([Length(2), Fill(1), Length(1)], extent);
            same_as_ratatui([Fill(1), Length(5)], extent);
            same_as_ratatui([Fill(1), Length(extent / 3)], extent);
            same_as_ratatui([Percentage(36), Percentage(24), Fill(1)], extent);
            same_as_ratatui([Fill(3), Fill(2)], extent);
            same_as_ratatui([Length(1), Fill(1)], extent);
            same_as_ratatui([Length(2), Fill(3), Fill(2), Length(1)], extent);
            same_as_ratatui([Length(extent / 4), Length(1), Fill(1)], extent);
            same_as_ratatui(
                [
                    Length(1),
                    Length(4),
                    Length(1),
                    Fill(1),
                    Length(1),
                    Length(1),
                ],
                extent,
            );
            for width in 0..=extent.min(80) {
                let area = Rect::new(2, 1, extent, 3);
                assert_eq!(
                    centre_column(area, width),
                    area.centered_horizontally(Length(width)),
                    "{width} in {extent}"
                );
                let area = Rect::new(2, 1, extent, extent / 2 + 1);
                let height = width / 3;
                assert_eq!(
                    centre(area, width, height),
                    area.centered(Length(width), Length(height)),
                    "{width}x{height} in {area:?}"
                );
            }
        }
    }

    #[test]
    fn a_boundary_on_a_half_rounds_up_as_ratatui_rounds_it() {
        // 35% of 337 and the fill add up to 168.5, computed a hair below it.
        same_as_ratatui(
            [Percentage(35), Fill(2), Percentage(19), Percentage(31)],
            337,
        );
        same_as_ratatui(
            [Percentage(35), Fill(2), Percentage(19), Percentage(31)],
            253,
        );
    }

    proptest! {
        #[test]
        fn lengths_and_percentages_around_one_fill_split_as_ratatui_splits_them(
            extent in 0u16..400,
            parts in proptest::collection::vec((any::<bool>(), 0u16..60), 3),
            fill_at in 0usize..4,
            weight in 1u16..5,
        ) {
            let mut constraints: Vec<Constraint> = parts
                .iter()
                .map(|(length, n)| if *length { Length(*n) } else { Percentage(*n % 50) })
                .collect();
            constraints.insert(fill_at, Fill(weight));
            let constraints: [Constraint; 4] = constraints.try_into().unwrap();
            same_as_ratatui(constraints, extent);
        }

        #[test]
        fn lengths_and_several_fills_split_as_ratatui_splits_them(
            extent in 0u16..400,
            parts in proptest::collection::vec((any::<bool>(), 0u16..60), 4),
        ) {
            let constraints: Vec<Constraint> = parts
                .iter()
                .map(|(length, n)| if *length { Length(*n) } else { Fill(*n % 5 + 1) })
                .collect();
            let constraints: [Constraint; 4] = constraints.try_into().unwrap();
            same_as_ratatui(constraints, extent);
        }
    }
}
