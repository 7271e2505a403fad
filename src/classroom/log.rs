//! The presenter's log: one line per refusal, dropped message or cut connection, from any of
//! its audiences (TCP, web, SSH), in izumi's own words and capped in size. A flood is
//! summarised: a few lines per address and per second, then one line saying how many more there
//! were, so that no client can push the history out.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
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

/// Lines of one kind (`dropped`, `cut`, `web refused remote`…) written one by one per address
/// (or for the presenter's own events) in one second.
const LINES_PER_ADDRESS: u64 = 5;
/// Lines written one by one in one second, from every address together.
const LINES_PER_SECOND: u64 = 100;
/// Addresses counted separately in one second; more are counted together.
const ADDRESSES_PER_SECOND: usize = 1024;

#[derive(Debug, Default)]
struct Open {
    file: Option<File>,
    written: u64,
    /// The second being counted, and what was written and held back in it.
    second: u64,
    written_this_second: u64,
    by_address: HashMap<(Option<IpAddr>, String), Counted>,
    /// Lines held back from addresses past [`ADDRESSES_PER_SECOND`].
    others_held_back: u64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Counted {
    written: u64,
    held_back: u64,
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
    /// is kept as `….1` and started afresh, so it never holds more than twice that. Past a few
    /// lines from one address in one second, the rest are counted and summarised in one line
    /// when the second is over.
    pub fn write(&self, peer: Option<SocketAddr>, event: &str) {
        if self.path.is_none() {
            return;
        }
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if open.second != seconds {
            self.summarise(&mut open);
            open.second = seconds;
        }
        let key = (peer.map(|peer| peer.ip()), kind(event));
        if open.by_address.len() >= ADDRESSES_PER_SECOND && !open.by_address.contains_key(&key) {
            open.others_held_back += 1;
            return;
        }
        let over_total = open.written_this_second >= LINES_PER_SECOND;
        let counted = open.by_address.entry(key).or_default();
        if counted.written >= LINES_PER_ADDRESS || over_total {
            counted.held_back += 1;
            return;
        }
        counted.written += 1;
        open.written_this_second += 1;
        let peer = peer.map_or_else(|| "-".to_owned(), |peer| peer.to_string());
        self.append(&mut open, &format!("{} {peer} {event}\n", stamp(seconds)));
    }

    /// Writes what the last second held back, one line per address, and starts counting anew.
    fn summarise(&self, open: &mut Open) {
        let second = open.second;
        let mut held_back: Vec<_> = open
            .by_address
            .drain()
            .filter(|(_, counted)| counted.held_back > 0)
            .map(|(key, counted)| (key, counted.held_back))
            .collect();
        held_back.sort();
        for ((address, kind), count) in held_back {
            let who = address.map_or_else(|| "-".to_owned(), |ip| ip.to_string());
            self.append(
                open,
                &format!(
                    "{} {who} and {count} more \"{kind}\" lines in that second\n",
                    stamp(second)
                ),
            );
        }
        let others = std::mem::take(&mut open.others_held_back);
        if others > 0 {
            self.append(
                open,
                &format!(
                    "{} - and {others} more lines from other addresses in that second\n",
                    stamp(second)
                ),
            );
        }
        open.written_this_second = 0;
    }

    fn append(&self, open: &mut Open, line: &str) {
        let Some(path) = &self.path else {
            return;
        };
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

/// A second since the epoch as the teacher's clock shows it: local date and time with the
/// offset from UTC, `2026-12-07 15:40:12 +01:00` (UTC where the zone is unknown).
fn stamp(second: u64) -> String {
    let zone = jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC);
    i64::try_from(second)
        .ok()
        .and_then(|second| jiff::Timestamp::from_second(second).ok())
        .map_or_else(
            || second.to_string(),
            |at| {
                at.to_zoned_datetime(zone)
                    .strftime("%Y-%m-%d %H:%M:%S %:z")
                    .to_string()
            },
        )
}

/// What kind of line an event is, for counting a flood: izumi's own words before its colon
/// (`dropped`, `cut`, `web refused remote`…), never a peer's.
fn kind(event: &str) -> String {
    let head = event.split(':').next().unwrap_or_default();
    head.chars().take(40).collect()
}

impl Drop for EventLog {
    /// What the last second held back is written when the presenter stops.
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        self.summarise(&mut open);
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
    fn a_flood_from_one_address_is_summarised_and_the_history_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let log = EventLog::new(Some(path.clone()), 1 << 20);
        log.write(None, "presenting");
        let flooder = SocketAddr::from(([127, 0, 0, 2], 1));
        let student = SocketAddr::from(([127, 0, 0, 1], 1));
        for _ in 0..40_000 {
            log.write(Some(flooder), "web refused remote: bad-secret");
        }
        log.write(Some(student), "web refused follower: bad-token");
        drop(log);
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].ends_with("- presenting"), "{text}");
        assert!(
            lines
                .iter()
                .any(|line| line.contains("127.0.0.1:1 web refused follower"))
        );
        let written = lines.iter().filter(|l| l.contains("bad-secret")).count() as u64;
        // A few a second: the flood may have spanned a second or two on a busy machine.
        assert!(
            written <= 3 * LINES_PER_ADDRESS,
            "{written} lines written one by one"
        );
        // However the flood fell across seconds, every line is counted.
        let held_back: u64 = lines
            .iter()
            .filter(|line| line.contains("127.0.0.2 and "))
            .map(|line| {
                let count = line
                    .split(" and ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap();
                count.parse::<u64>().unwrap()
            })
            .sum();
        assert!(
            text.contains("more \"web refused remote\" lines in that second"),
            "{text}"
        );
        let written_total = lines
            .iter()
            .filter(|l| l.contains("127.0.0.2:1 web refused"))
            .count() as u64;
        assert_eq!(written_total + held_back, 40_000, "{text}");
    }

    #[test]
    fn lines_say_the_date_and_time_not_seconds_since_1970() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let log = EventLog::new(Some(path.clone()), 1 << 20);
        log.write(None, "presenting");
        drop(log);
        let text = fs::read_to_string(&path).unwrap();
        let today = jiff::ZonedDateTime::now().strftime("%Y-%m-%d ").to_string();
        assert!(text.starts_with(&today), "{text}");
        let time = regex_free_time(&text[today.len()..]);
        assert!(time, "{text}");
        assert_eq!(stamp(0).len(), "1970-01-01 00:00:00 +00:00".len());
    }

    /// Whether `text` starts `HH:MM:SS ±HH:MM `.
    fn regex_free_time(text: &str) -> bool {
        let bytes = text.as_bytes();
        bytes.len() > 16
            && [0, 1, 3, 4, 6, 7, 10, 11, 13, 14]
                .iter()
                .all(|&at| bytes[at].is_ascii_digit())
            && bytes[2] == b':'
            && bytes[5] == b':'
            && bytes[8] == b' '
            && (bytes[9] == b'+' || bytes[9] == b'-')
            && bytes[12] == b':'
    }

    #[test]
    fn a_flood_turned_away_is_one_line_then_a_count() {
        let turned_away = TurnedAway::default();
        assert_eq!(turned_away.count(), Some(1));
        assert_eq!((0..99).filter_map(|_| turned_away.count()).count(), 0);
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(turned_away.count(), Some(100));
    }
}
