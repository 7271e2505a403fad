//! Where each pane goes for a given terminal size: pure geometry, for drawing.

use ratatui::layout::{Constraint, Rect};

use super::split;
use ratatui::text::Span;
use ratatui::widgets::{Block, Padding};

use super::theme::Theme;

/// Below this the reader shows a "too small" notice instead of panes.
pub const MIN_WIDTH: u16 = 24;
pub const MIN_HEIGHT: u16 = 8;

/// Wide enough for the scene and all three side panes at once.
const ALL_PANES_WIDTH: u16 = 110;
const ALL_PANES_HEIGHT: u16 = 30;
/// Wide enough for the side panes to sit beside the scene rather than below it.
const SIDE_BY_SIDE_WIDTH: u16 = 64;

/// How the panes beside the scene are arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// All three at once, stacked.
    Stacked {
        characters: Rect,
        footnotes: Rect,
        locations: Rect,
    },
    /// One at a time, under a row of tabs.
    Tabbed {
        tabs: Rect,
        pane: Rect,
    },
    Hidden,
}

/// The reader screen's areas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReaderLayout {
    pub header: Rect,
    pub scene: Rect,
    pub side: Side,
    /// The timeline strip with its border, where there is room for it.
    pub timeline: Option<Rect>,
    pub footer: Rect,
    pub too_small: bool,
}

/// The block every pane is drawn in, so layout and drawing agree on the inner area.
pub fn pane_block() -> Block<'static> {
    Block::bordered().padding(Padding::horizontal(1))
}

/// A title for a box `outer_width` cells wide, between its corners: as it is when it fits, else
/// cut with "…" (and the space after it kept).
pub fn fit_title(title: &str, outer_width: u16) -> String {
    let room = usize::from(outer_width).saturating_sub(2);
    if crate::wrap::cells(title) <= room {
        title.to_owned()
    } else {
        format!(
            "{} ",
            crate::wrap::truncate(title.trim_end(), room.saturating_sub(1))
        )
    }
}

/// A pane's block with its title, its border showing whether it has the focus.
pub fn titled_pane_block(title: String, focused: bool, theme: &Theme) -> Block<'static> {
    let border = if focused {
        theme.border_focused
    } else {
        theme.border
    };
    pane_block()
        .border_style(border)
        .title(Span::styled(title, theme.pane_title))
}

/// Lays out the reader for a terminal area; `with_timeline` is the reader's preference, honoured
/// where the strip fits.
pub fn reader(area: Rect, with_timeline: bool) -> ReaderLayout {
    let too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    let [header, body, footer] = split::rows(
        area,
        [
            Constraint::Length(2),
            Constraint::Fill(1),
            Constraint::Length(1),
        ],
    );

    let mut timeline = None;
    let (scene, side) = if too_small {
        (Rect::default(), Side::Hidden)
    } else if area.width >= ALL_PANES_WIDTH && area.height >= ALL_PANES_HEIGHT {
        let body = if with_timeline {
            let [body, strip] = split::rows(
                body,
                [
                    Constraint::Fill(1),
                    Constraint::Length(super::timeline::HEIGHT + 1),
                ],
            );
            timeline = Some(strip);
            body
        } else {
            body
        };
        let side_width = (area.width * 2 / 5).clamp(44, 72);
        let [scene, side] =
            split::columns(body, [Constraint::Fill(1), Constraint::Length(side_width)]);
        let [characters, footnotes, locations] = split::rows(
            side,
            [
                Constraint::Percentage(36),
                Constraint::Percentage(24),
                Constraint::Fill(1),
            ],
        );
        (
            scene,
            Side::Stacked {
                characters,
                footnotes,
                locations,
            },
        )
    } else if area.width >= SIDE_BY_SIDE_WIDTH {
        let side_width = (area.width * 2 / 5).max(28);
        let [scene, side] =
            split::columns(body, [Constraint::Fill(1), Constraint::Length(side_width)]);
        (scene, tabbed(side))
    } else if body.height >= 16 {
        let [scene, side] = split::rows(body, [Constraint::Fill(3), Constraint::Fill(2)]);
        (scene, tabbed(side))
    } else {
        (body, Side::Hidden)
    };

    ReaderLayout {
        header,
        scene,
        side,
        timeline,
        footer,
        too_small,
    }
}

fn tabbed(area: Rect) -> Side {
    let [tabs, pane] = split::rows(area, [Constraint::Length(1), Constraint::Fill(1)]);
    Side::Tabbed { tabs, pane }
}

/// A centred box for overlays: most of the screen, but no wider than reads comfortably.
pub fn popup(area: Rect, max_width: u16) -> Rect {
    let width = (area.width.saturating_sub(4))
        .min(max_width)
        .max(area.width.min(20));
    let height = area.height.saturating_sub(2).max(area.height.min(6));
    split::centre(area, width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_too_long_for_its_box_ends_with_an_ellipsis() {
        assert_eq!(fit_title(" Short ", 20), " Short ");
        assert_eq!(
            fit_title(" Keys for reading — ? or Esc to close ", 20),
            " Keys for readin… "
        );
        let cut = fit_title(" 和泉孝三の物語 ", 10);
        assert!(
            crate::wrap::cells(&cut) <= 8 && cut.ends_with("… "),
            "{cut}"
        );
    }

    #[test]
    fn wide_terminals_show_every_pane() {
        let layout = reader(Rect::new(0, 0, 120, 40), true);
        assert!(matches!(layout.side, Side::Stacked { .. }));
        assert!(layout.scene.width >= 60);
        assert!(layout.timeline.is_some());
        let without = reader(Rect::new(0, 0, 120, 40), false);
        assert!(without.timeline.is_none());
        assert!(
            without.scene.height > layout.scene.height,
            "the scene takes the room"
        );
    }

    #[test]
    fn small_terminals_tab_the_side_panes() {
        let layout = reader(Rect::new(0, 0, 80, 24), true);
        assert!(matches!(layout.side, Side::Tabbed { .. }));
        assert!(pane_block().inner(layout.scene).width >= 40);
    }

    #[test]
    fn tiny_terminals_are_flagged() {
        assert!(reader(Rect::new(0, 0, 10, 5), true).too_small);
    }
}
