//! izumi: an interactive narrative explorer for the terminal.
//!
//! The story is loaded and validated into an immutable [`story::Story`]; the reader's state lives
//! in [`app::App`] and changes only through [`app::Action`]s; [`ui`] draws it.

#![forbid(unsafe_code)]

pub mod app;
pub mod classroom;
pub mod cli;
pub mod config;
pub mod export;
pub mod geo;
pub mod paths;
pub mod saved;
pub mod search;
pub mod story;
pub mod terminal;
pub mod ui;
pub mod wrap;
