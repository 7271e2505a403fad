//! The screens drawn for students, kept within a size per session and a budget for all of them.
//!
//! A session's reader holds two buffers of its window's cells (the frame drawn and the one being
//! drawn, to send only what changed), about 80 bytes a cell with both, and a first frame's escape
//! sequences as long again. A client says what size its terminal is, so without a bound one
//! script claiming every place at a huge size would take the presenter's memory. Here each
//! place's [`FLOOR`] is set aside first, so that every student always gets a classic terminal;
//! the rest of the budget is shared by whatever sessions draw beyond their floor. The cells held
//! stay within the budget (or the places' floors, if they need more), and are given back as
//! sessions leave.

use std::sync::{Arc, Mutex};

use super::lock;

/// The largest window drawn for a student: wider and taller than any screen a class reads on.
/// A larger terminal gets this much, at its top left.
pub const MAX_WINDOW: (u16, u16) = (300, 100);

/// What every session is drawn at, at least (or its terminal's size, if smaller), whatever the
/// others hold: the classic terminal, which the reader's layout is made for.
pub const FLOOR: (u16, u16) = (80, 24);

/// Screen cells held by all sessions together, about 64 MB of buffers: 200 students at 120×32
/// fit (768,000 cells); 200 places' floors take 384,000 of them.
pub const DEFAULT_BUDGET: usize = 800_000;

/// Cells of a window.
pub fn cells((columns, rows): (u16, u16)) -> usize {
    usize::from(columns) * usize::from(rows)
}

/// The size drawn for a terminal of `asked` (within [`MAX_WINDOW`] already) when `room` cells
/// are left in the budget: as asked if it fits, else fewer rows, then fewer columns, never
/// below [`FLOOR`].
pub fn drawn_size(asked: (u16, u16), room: usize) -> (u16, u16) {
    if cells(asked) <= room {
        return asked;
    }
    let (columns, rows) = asked;
    let floor = (columns.min(FLOOR.0), rows.min(FLOOR.1));
    let fit = |room_per_line: usize, least: u16, most: u16| -> u16 {
        u16::try_from(room_per_line)
            .unwrap_or(u16::MAX)
            .clamp(least, most)
    };
    let rows = fit(room / usize::from(columns.max(1)), floor.1, rows);
    let columns = fit(room / usize::from(rows.max(1)), floor.0, columns);
    (columns, rows)
}

/// The cells held by every session's screen, and the budget they share.
#[derive(Clone, Debug)]
pub(super) struct Screens {
    held: Arc<Mutex<Held>>,
    /// What is left of the budget once every place's floor is set aside.
    beyond_floors: usize,
}

/// Cells held by all sessions, and the part of them beyond their floors.
#[derive(Debug, Default)]
struct Held {
    all: usize,
    beyond_floors: usize,
}

impl Screens {
    /// Screens within `budget` cells for at most `places` sessions.
    pub(super) fn new(budget: usize, places: usize) -> Screens {
        Screens {
            held: Arc::default(),
            beyond_floors: budget.saturating_sub(places.saturating_mul(cells(FLOOR))),
        }
    }

    /// Cells held now, by all sessions.
    pub(super) fn held(&self) -> usize {
        lock(&self.held).all
    }

    /// A new session's share, holding nothing yet.
    pub(super) fn share(&self) -> ScreenShare {
        ScreenShare {
            screens: self.clone(),
            cells: 0,
        }
    }
}

/// One session's cells, given back when it ends.
#[derive(Debug)]
pub(super) struct ScreenShare {
    screens: Screens,
    cells: usize,
}

impl ScreenShare {
    /// The size to draw for a terminal of `asked` now, its cells taken from the budget in place
    /// of what this session held.
    pub(super) fn fit(&mut self, asked: (u16, u16)) -> (u16, u16) {
        let mut held = lock(&self.screens.held);
        held.give_back(self.cells);
        let room = cells(FLOOR)
            + self
                .screens
                .beyond_floors
                .saturating_sub(held.beyond_floors);
        let size = drawn_size(asked, room);
        self.cells = cells(size);
        held.take(self.cells);
        size
    }
}

impl Held {
    fn take(&mut self, cells: usize) {
        self.all += cells;
        self.beyond_floors += beyond_floor(cells);
    }

    fn give_back(&mut self, cells: usize) {
        self.all -= cells;
        self.beyond_floors -= beyond_floor(cells);
    }
}

fn beyond_floor(held: usize) -> usize {
    held.saturating_sub(cells(FLOOR))
}

impl Drop for ScreenShare {
    fn drop(&mut self) {
        lock(&self.screens.held).give_back(self.cells);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_that_fits_is_drawn_as_asked() {
        assert_eq!(drawn_size((120, 40), 10_000), (120, 40));
    }

    #[test]
    fn past_the_budget_a_window_loses_rows_then_columns_down_to_the_floor() {
        assert_eq!(drawn_size((300, 100), 300 * 50), (300, 50));
        assert_eq!(drawn_size((300, 100), 100 * 24), (100, 24));
        assert_eq!(drawn_size((300, 100), 0), FLOOR);
        assert_eq!(drawn_size((40, 10), 0), (40, 10));
    }

    #[test]
    fn every_place_keeps_its_floor_and_the_rest_is_shared() {
        // Three places: 5,760 cells of floors, 4,240 beyond.
        let screens = Screens::new(10_000, 3);
        let mut first = screens.share();
        assert_eq!(first.fit((100, 50)), (100, 50));
        // 5,000 held, 3,080 of it beyond the floor: 1,160 beyond are left.
        let mut second = screens.share();
        assert_eq!(second.fit((100, 100)), (100, 30));
        let mut third = screens.share();
        assert_eq!(third.fit((300, 100)), (83, 24));
        assert!(screens.held() <= 10_000, "{}", screens.held());
        // Smaller now: what it gave back is there for the next one to ask.
        assert_eq!(first.fit((80, 24)), (80, 24));
        assert_eq!(third.fit((300, 100)), (211, 24));
        drop((first, second, third));
        assert_eq!(screens.held(), 0);
    }
}
