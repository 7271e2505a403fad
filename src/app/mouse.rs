//! What a click or a turn of the wheel does, given what the last frame drew under the mouse.

use super::{Action, App, Entry, Pane, Spot};

/// What the mouse did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gesture {
    Click,
    WheelUp,
    WheelDown,
}

/// The actions a gesture on a spot asks for, in order.
pub fn actions(app: &App, spot: Spot, gesture: Gesture) -> Vec<Action> {
    match (gesture, spot) {
        (Gesture::Click, Spot::Pane(pane)) => vec![Action::Focus(pane)],
        // A click on the selected entry of the focused pane opens it, as Enter would.
        (Gesture::Click, Spot::Entry(pane, index))
            if app.focus() == pane && app.selected(pane) == index =>
        {
            vec![Action::Open]
        }
        (Gesture::Click, Spot::Entry(pane, index)) => vec![Action::Select(pane, index)],
        (Gesture::Click, Spot::Footnote(id)) => vec![Action::OpenEntry(Entry::Footnote(id))],
        (Gesture::Click, Spot::EditorNote(id)) => {
            vec![Action::OpenEntry(Entry::EditorNote(id))]
        }
        (Gesture::Click, Spot::Outside) => vec![Action::Back],
        (Gesture::Click, Spot::Overlay) => vec![],
        (Gesture::WheelUp | Gesture::WheelDown, Spot::Outside) => vec![],
        (_, spot) => {
            let step = if gesture == Gesture::WheelUp {
                Action::Up
            } else {
                Action::Down
            };
            match spot {
                Spot::Overlay => vec![step],
                // The scene scrolls three lines a notch, as text does elsewhere.
                Spot::Pane(Pane::Scene) | Spot::Footnote(_) | Spot::EditorNote(_) => {
                    vec![Action::Focus(Pane::Scene), step.clone(), step.clone(), step]
                }
                Spot::Pane(pane) | Spot::Entry(pane, _) => vec![Action::Focus(pane), step],
                Spot::Outside => vec![],
            }
        }
    }
}
