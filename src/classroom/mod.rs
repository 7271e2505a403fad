//! The classroom: a presenter, its console and students' terminals kept in step over TCP, and
//! students following over SSH with nothing installed.

pub mod audience;
pub mod log;
pub mod net;
pub mod protocol;
pub mod secret;
pub mod session;
pub mod ssh;
pub mod stage;
