//! The classroom: one lesson at the centre ([`hub`]), and the doors students and the
//! presenter's console come in by — TCP ([`net`]), the web (`crate::web`) and SSH ([`ssh`]) —
//! with one admission for all of them ([`doors`]).

pub mod doors;
pub mod hub;
pub mod log;
pub mod net;
pub mod protocol;
pub mod results;
pub mod secret;
pub mod session;
pub mod ssh;
