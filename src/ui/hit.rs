//! What is under the mouse: the same layout as drawing, read backwards, so that a click lands on
//! what the reader sees there.

use ratatui::layout::{Position, Rect};

use super::layout::{self, Side, pane_block};
use super::theme::THEME;
use super::{overlay_content, panes, scene};
use crate::app::{App, Mode, Pane};
use crate::story::FootnoteId;

/// A place on the screen that a click or the wheel can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spot {
    /// A pane, away from anything in it.
    Pane(Pane),
    /// An entry of a side pane's list.
    Entry(Pane, usize),
    /// A footnote marker in the scene's text.
    Footnote(FootnoteId),
    /// Inside the open overlay.
    Overlay,
    /// Outside the open overlay.
    Outside,
}

/// What is at `column`, `row` of a screen of `area`, in the reader.
pub fn spot(app: &App, area: Rect, column: u16, row: u16) -> Option<Spot> {
    let at = Position::new(column, row);
    if let Some(overlay) = app.overlay() {
        let inside = overlay_content(app, overlay, area).area.contains(at);
        return Some(if inside { Spot::Overlay } else { Spot::Outside });
    }
    if app.mode() != Mode::Reader {
        return None;
    }
    let layout = layout::reader(area, app.show_timeline());
    if layout.scene.contains(at) {
        return Some(
            footnote_at(app, layout.scene, at).map_or(Spot::Pane(Pane::Scene), Spot::Footnote),
        );
    }
    match layout.side {
        Side::Stacked {
            characters,
            footnotes,
            locations,
        } => [
            (Pane::Characters, characters),
            (Pane::Footnotes, footnotes),
            (Pane::Locations, locations),
        ]
        .into_iter()
        .find(|(_, rect)| rect.contains(at))
        .map(|(pane, rect)| in_side_pane(app, pane, rect, row)),
        Side::Tabbed { tabs, pane } => {
            if tabs.contains(at) {
                tab_at(tabs, column).map(Spot::Pane)
            } else if pane.contains(at) {
                Some(in_side_pane(app, app.side_pane(), pane, row))
            } else {
                None
            }
        }
        Side::Hidden => None,
    }
}

fn in_side_pane(app: &App, pane: Pane, rect: Rect, row: u16) -> Spot {
    if panes::shows_map(app, pane, rect) {
        return Spot::Pane(pane);
    }
    panes::entry_at(app, pane, rect, row).map_or(Spot::Pane(pane), |index| Spot::Entry(pane, index))
}

/// The side pane whose tab is at `column`: tabs are drawn as " title " with a divider between.
fn tab_at(tabs: Rect, column: u16) -> Option<Pane> {
    let mut x = tabs.x;
    for pane in Pane::SIDE {
        let width = u16::try_from(pane.title().chars().count()).unwrap_or(u16::MAX) + 2;
        if (x..x.saturating_add(width)).contains(&column) {
            return Some(pane);
        }
        x = x.saturating_add(width + 1);
    }
    None
}

/// The footnote whose marker is at `at` in the scene pane, if one is.
fn footnote_at(app: &App, pane: Rect, at: Position) -> Option<FootnoteId> {
    let inner = pane_block().inner(pane);
    if !inner.contains(at) {
        return None;
    }
    let story = app.story();
    let lines = scene::wrapped_text(story, app.scene(), inner.width);
    let line = lines.get(usize::from(app.scene_scroll() + at.y - inner.y))?;
    let mut x = inner.x;
    for span in &line.spans {
        let width = u16::try_from(span.width()).unwrap_or(u16::MAX);
        if (x..x.saturating_add(width)).contains(&at.x) {
            if span.style != THEME.footnote_marker {
                return None;
            }
            let number: u32 = span
                .content
                .trim_matches(|c| c == '[' || c == ']')
                .parse()
                .ok()?;
            return story
                .footnotes
                .iter()
                .position(|footnote| footnote.number == number)
                .map(FootnoteId);
        }
        x = x.saturating_add(width);
    }
    None
}
