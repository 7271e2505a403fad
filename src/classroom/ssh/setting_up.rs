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

/// How long a connection that has said nothing yet is kept before it may be cut to make room:
/// a real client's first line comes within milliseconds of connecting, even on a busy machine,
/// but it has to be read first; a newcomer must not be cut before its first line is.
pub(super) const SILENT_TO_MAKE_ROOM: Duration = Duration::from_millis(500);

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
        now.saturating_duration_since(self.last_heard())
    }

    /// When the client last sent anything (or connected, if it never has).
    fn last_heard(&self) -> Instant {
        match self.heard.load(Ordering::Relaxed) {
            0 => self.accepted,
            heard => self.accepted + Duration::from_millis(heard - 1),
        }
    }

    /// From when the connection may be cut to make room, if it makes no progress before.
    fn may_make_room_from(&self) -> Instant {
        if self.has_spoken() {
            self.last_heard() + QUIET_TO_MAKE_ROOM
        } else {
            self.accepted + SILENT_TO_MAKE_ROOM
        }
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

/// Of the connections setting up (oldest first), the one to cut now so that a newcomer gets its
/// place: the oldest of those that have said nothing for [`SILENT_TO_MAKE_ROOM`]; else the one
/// quiet longest, if quiet for [`QUIET_TO_MAKE_ROOM`]. When every one is making progress, the
/// earliest moment one may not be.
pub(super) fn to_make_room(setting_up: &[Arc<Progress>], now: Instant) -> Result<usize, Instant> {
    let may = |progress: &Arc<Progress>| progress.may_make_room_from() <= now;
    let silent = setting_up
        .iter()
        .position(|progress| !progress.has_spoken() && may(progress));
    let quiet = || {
        setting_up
            .iter()
            .enumerate()
            .filter(|(_, progress)| may(progress))
            .max_by_key(|(_, progress)| progress.quiet_for(now))
            .map(|(index, _)| index)
    };
    silent.or_else(quiet).ok_or_else(|| {
        setting_up
            .iter()
            .map(|progress| progress.may_make_room_from())
            .min()
            .unwrap_or(now)
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
        assert_eq!(to_make_room(&pool, later), Ok(1));
    }

    #[test]
    fn a_newcomer_is_not_cut_before_its_first_line_can_have_been_read() {
        let pool = [progress()];
        let now = Instant::now();
        assert_eq!(
            to_make_room(&pool, now),
            Err(pool[0].accepted() + SILENT_TO_MAKE_ROOM)
        );
        assert_eq!(to_make_room(&pool, now + SILENT_TO_MAKE_ROOM), Ok(0));
    }

    #[test]
    fn a_connection_that_spoke_makes_room_only_once_quiet_long_enough() {
        let (first, second) = (progress(), progress());
        first.heard_now();
        second.heard_now();
        let pool = [first, second];
        assert!(to_make_room(&pool, Instant::now()).is_err());
        let later = Instant::now() + Duration::from_secs(2);
        assert!(to_make_room(&pool, later).is_ok());
    }
}
