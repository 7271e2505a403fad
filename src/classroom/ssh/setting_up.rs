//! Connections still setting up (identification, key exchange, logging in, asking for a
//! terminal): how far each has come and when it was last heard from, so that one that says
//! nothing cannot hold its place. A real client speaks at once (its identification line goes
//! out as soon as it connects) and then only waits on the server or on its user; a script that
//! opens sockets and keeps them silent is told apart by that silence.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::Cut;

/// How long a connection that has spoken must have been quiet before it may be cut to make room
/// for a newcomer: a client in the middle of its key exchange is never quiet that long, a
/// student reading the host key's fingerprint or typing the token may be.
pub(super) const QUIET_TO_MAKE_ROOM: Duration = Duration::from_secs(1);

/// How far one connection has come, written by its socket and its SSH handler, read by its
/// deadlines and by the door.
pub(super) struct Progress {
    pub(super) peer: SocketAddr,
    pub(super) cut: Arc<Cut>,
    accepted: Instant,
    /// Milliseconds from accepting to the last bytes read from the client, plus one; 0 while
    /// it has sent nothing.
    heard: AtomicU64,
    logged_in: AtomicBool,
    set_up: AtomicBool,
}

impl Progress {
    pub(super) fn new(peer: SocketAddr, cut: Arc<Cut>) -> Progress {
        Progress {
            peer,
            cut,
            accepted: Instant::now(),
            heard: AtomicU64::new(0),
            logged_in: AtomicBool::new(false),
            set_up: AtomicBool::new(false),
        }
    }

    pub(super) fn accepted(&self) -> Instant {
        self.accepted
    }

    /// Bytes have just come from the client.
    pub(super) fn heard_now(&self) {
        let since = u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(u64::MAX - 1);
        self.heard.store(since + 1, Ordering::Relaxed);
    }

    /// Whether the client has sent anything at all.
    pub(super) fn has_spoken(&self) -> bool {
        self.heard.load(Ordering::Relaxed) > 0
    }

    /// How long since the client last sent anything (or connected, if it never has).
    pub(super) fn quiet_for(&self, now: Instant) -> Duration {
        let last = match self.heard.load(Ordering::Relaxed) {
            0 => self.accepted,
            heard => self.accepted + Duration::from_millis(heard - 1),
        };
        now.saturating_duration_since(last)
    }

    pub(super) fn log_in(&self) {
        self.logged_in.store(true, Ordering::Relaxed);
    }

    pub(super) fn is_logged_in(&self) -> bool {
        self.logged_in.load(Ordering::Relaxed)
    }

    /// The connection has its terminal session, or has been told why not.
    pub(super) fn set_up(&self) {
        self.set_up.store(true, Ordering::Relaxed);
    }

    pub(super) fn is_set_up(&self) -> bool {
        self.set_up.load(Ordering::Relaxed)
    }
}

/// Of the connections setting up (oldest first), the one to cut so that a newcomer gets its
/// place: one that has never said anything, the oldest first; else the one quiet longest, if
/// quiet for at least `quiet`. None when every one is making progress.
pub(super) fn to_make_room(
    setting_up: &[Arc<Progress>],
    now: Instant,
    quiet: Duration,
) -> Option<usize> {
    let silent = setting_up.iter().position(|progress| !progress.has_spoken());
    silent.or_else(|| {
        setting_up
            .iter()
            .enumerate()
            .map(|(index, progress)| (index, progress.quiet_for(now)))
            .filter(|(_, quiet_for)| *quiet_for >= quiet)
            .max_by_key(|(_, quiet_for)| *quiet_for)
            .map(|(index, _)| index)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress() -> Arc<Progress> {
        Arc::new(Progress::new(
            "127.0.0.1:1".parse().unwrap(),
            Arc::new(Cut::default()),
        ))
    }

    #[test]
    fn the_oldest_silent_connection_makes_room_before_any_that_spoke() {
        let (spoke, silent_old, silent_young) = (progress(), progress(), progress());
        spoke.heard_now();
        let later = Instant::now() + Duration::from_secs(30);
        let pool = [spoke, silent_old, silent_young];
        assert_eq!(to_make_room(&pool, later, QUIET_TO_MAKE_ROOM), Some(1));
    }

    #[test]
    fn a_connection_that_spoke_makes_room_only_once_quiet_long_enough() {
        let (first, second) = (progress(), progress());
        first.heard_now();
        second.heard_now();
        let pool = [first, second];
        assert_eq!(to_make_room(&pool, Instant::now(), QUIET_TO_MAKE_ROOM), None);
        let later = Instant::now() + Duration::from_secs(2);
        assert!(to_make_room(&pool, later, QUIET_TO_MAKE_ROOM).is_some());
    }
}
