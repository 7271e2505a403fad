//! Where things are on the frame last drawn. Drawing measures it once per frame and hands it
//! back as an action, so scrolling knows how far text can go and a click is a lookup: the app
//! never lays anything out itself.

use ratatui::layout::{Position, Rect};

use super::Pane;
use crate::story::{EditorNoteId, FootnoteId};

/// A place on the screen that a click or the wheel can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spot {
    /// A pane, away from anything in it (a side pane's tab counts as the pane).
    Pane(Pane),
    /// An entry of a side pane's list.
    Entry(Pane, usize),
    /// A footnote marker in the scene's text.
    Footnote(FootnoteId),
    /// An editor's-note marker in the scene's text.
    EditorNote(EditorNoteId),
    /// Inside the open overlay.
    Overlay,
    /// Outside the open overlay.
    Outside,
}

/// Text drawn in an area, scrolled: how far it can scroll and how far a page goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextBox {
    /// Where the text is drawn.
    pub area: Rect,
    /// How many lines it takes, wrapped to the area's width.
    pub lines: u16,
}

impl TextBox {
    /// How far the text scrolls before its last line reaches the bottom.
    pub fn max_scroll(&self) -> u16 {
        self.lines.saturating_sub(self.area.height)
    }

    /// How far a page key moves: the height less a line of overlap.
    pub fn page(&self) -> u16 {
        self.area.height.saturating_sub(1).max(1)
    }
}

/// The last frame's layout, as far as the app needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Geometry {
    /// The scene's text, where it is shown.
    pub scene: Option<TextBox>,
    /// The open overlay's text, inside its border.
    pub overlay: Option<TextBox>,
    /// Places a click can land on; where they overlap, the later one is on top.
    pub spots: Vec<(Rect, Spot)>,
}

impl Geometry {
    /// What is at a column and row, if anything.
    pub fn spot(&self, column: u16, row: u16) -> Option<Spot> {
        let at = Position::new(column, row);
        self.spots
            .iter()
            .rev()
            .find(|(area, _)| area.contains(at))
            .map(|(_, spot)| *spot)
    }
}
