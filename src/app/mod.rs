//! The reader's state and the actions that change it.

mod action;
pub mod keymap;
pub mod links;
pub mod mouse;
mod state;

pub use action::{Action, TimeOfDay};
pub use state::{App, Entry, Mode, Overlay, Pane, Panel, Timer};
