//! The presenter's log: one line per refusal, dropped message or cut connection, from any of
//! its audiences (TCP, web, SSH), in izumi's own words and capped in size.

use std::fs::{self, File};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where the lines go, if anywhere, and the size past which the file is started afresh.
#[derive(Debug)]
pub struct EventLog {
    path: Option<PathBuf>,
    cap: u64,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    file: Option<File>,
    written: u64,
}

impl EventLog {
    pub fn new(path: Option<PathBuf>, cap: u64) -> EventLog {
        EventLog {
            path,
            cap,
            open: Mutex::default(),
        }
    }

    /// Writes one line: when, from whom, what. What a peer sent never goes in raw; only izumi's
    /// own description of it, so the log is safe to print in a terminal. Past its cap the log
    /// is kept as `….1` and started afresh, so it never holds more than twice that.
    pub fn write(&self, peer: Option<SocketAddr>, event: &str) {
        let Some(path) = &self.path else {
            return;
        };
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let peer = peer.map_or_else(|| "-".to_owned(), |peer| peer.to_string());
        let line = format!("{seconds} {peer} {event}\n");
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if open.file.is_some() && open.written + line.len() as u64 > self.cap {
            open.file = None;
            let _ = fs::rename(path, crate::paths::beside(path, ".1"));
        }
        if open.file.is_none() {
            // Never through a link planted in its place, and only in a folder of the user's own.
            open.file = crate::paths::open_private(path, true).ok();
            open.written = open
                .file
                .as_ref()
                .and_then(|file| file.metadata().ok())
                .map_or(0, |meta| meta.len());
        }
        if let Some(file) = open.file.as_mut()
            && file.write_all(line.as_bytes()).is_ok()
        {
            open.written += line.len() as u64;
        }
    }
}

/// Connections closed at the door, counted so that a flood of them costs one log line a second.
#[derive(Debug, Default)]
pub struct TurnedAway {
    /// Turned away since the last line, and when that line was written.
    since_line: Mutex<(u64, Option<Instant>)>,
}

impl TurnedAway {
    /// Counts one more; when a line is due, how many it should report (this one included).
    pub fn count(&self) -> Option<u64> {
        let mut since_line = self.since_line.lock().unwrap_or_else(|p| p.into_inner());
        since_line.0 += 1;
        if since_line
            .1
            .is_some_and(|last| last.elapsed() < Duration::from_secs(1))
        {
            return None;
        }
        since_line.1 = Some(Instant::now());
        Some(std::mem::take(&mut since_line.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_turned_away_is_one_line_then_a_count() {
        let turned_away = TurnedAway::default();
        assert_eq!(turned_away.count(), Some(1));
        assert_eq!((0..99).filter_map(|_| turned_away.count()).count(), 0);
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(turned_away.count(), Some(100));
    }
}
