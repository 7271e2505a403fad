//! The reader's state and the actions that change it. Nothing here draws or touches a terminal:
//! drawing hands back the frame's geometry as an action, and `update` returns effects for the
//! runtime to carry out.

mod action;
mod geometry;
pub mod links;
pub mod mouse;
mod state;

pub use action::{Action, Announcement, Changes, Command, Control, Effect, Section, TimeOfDay};
pub use geometry::{Geometry, Spot, TextBox};
pub use state::{
    App, ContentsRow, Entry, KeyMode, MAX_TYPED, Mode, Overlay, Pane, Panel, Role, Telling, Timer,
};
