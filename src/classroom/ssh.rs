//! `izumi present --ssh ADDR`: students follow the presentation in their own terminal with
//! nothing installed but the SSH client every laptop has. Each connection that asks for a
//! terminal gets a follower reader of its own, drawn here at the client's size and sent down
//! the channel as escape sequences; it follows the presenter as `izumi follow` does, reads back
//! freely, and `f` snaps back.
//!
//! Nothing else can be had over the port: no shell, no command, no file, no forwarding of any
//! kind. Each refusal and cut is written to the presenter's log in izumi's own words. No client
//! can hold the presenter or another client up: the presenter only sets a value the sessions
//! watch ([`Stage`]), each session draws and sends on its own task, and one whose client stops
//! reading is cut when a write to it has waited [`SshLimits::write_timeout`], having held at
//! most a few frames.

pub mod host_key;
pub mod input;
