//! izumi: an interactive narrative explorer for the terminal.
//!
//! The story is loaded and validated into an immutable [`story::Story`]; the reader's state lives
//! in [`app::App`] and changes only through [`app::Action`]s, which say what should happen as
//! [`app::Effect`]s; [`ui`] draws it and measures what it drew; [`runtime`] carries inputs to the
//! app and frames to any backend; [`terminal`] is the real terminal at the edge.

#![forbid(unsafe_code)]

pub mod app;
pub mod asking;
pub mod audiences;
pub mod classroom;
pub mod cli;
pub mod config;
pub mod export;
pub mod geo;
pub mod handover;
pub mod html;
pub mod invite;
pub mod keymap;
pub mod paths;
pub mod reader;
pub mod runtime;
pub mod saved;
pub mod search;
pub mod story;
pub mod terminal;
pub mod ui;
pub mod web;
pub mod wrap;
