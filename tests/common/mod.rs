//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

pub mod terminal;

use izumi::keymap::Keymap;
use izumi::reader::Reader;
use izumi::ui::theme::DARK;
use ratatui::backend::TestBackend;

/// Runs the built `izumi` with `args`, and no configuration of the machine's user.
pub fn izumi(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_izumi"))
        .args(args)
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .expect("izumi runs")
}

/// The folder of test fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The small valid story most tests read.
pub fn journey_dir() -> PathBuf {
    fixtures().join("valid/journey")
}

/// The valid journey story, loaded.
pub fn journey() -> izumi::story::Story {
    izumi::story::load(&journey_dir()).expect("journey loads")
}

/// What only the journey's last scene ("arrival") tells: the later part of Ada's life, her later
/// role and code name, the term's later part, Rome, the South, and the editor's note marked in
/// its text. Nothing told before it may hold these.
pub const TOLD_AT_ARRIVAL: [&str; 7] = [
    "She reaches Rome and stays.",
    "settled in Rome",
    "Kite",
    "A ferry also took her to Rome.",
    "Rome",
    "The South",
    "six months apart",
];

/// A copy of the journey story in a folder of its own, to change at will.
pub fn journey_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&journey_dir(), dir.path());
    dir
}

/// A copy of the journey story with a broken case laid over it: the files and folders named in
/// the case's `delete.txt` are removed, then the case folder's files replace or add to the
/// story's (so a case can put a file where the story has a folder).
pub fn broken_story(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&journey_dir(), dir.path());
    if let Ok(list) = fs::read_to_string(case.join("delete.txt")) {
        for name in list.lines().filter(|l| !l.trim().is_empty()) {
            let path = dir.path().join(name.trim());
            if path.is_dir() {
                fs::remove_dir_all(path).unwrap();
            } else {
                fs::remove_file(path).unwrap();
            }
        }
    }
    copy_tree(case, dir.path());
    for special in ["expected.txt", "delete.txt"] {
        let _ = fs::remove_file(dir.path().join(special));
    }
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A reader drawn on a test backend of this size, with the dark theme and the default keys,
/// its first frame drawn.
pub fn reader(app: izumi::app::App, width: u16, height: u16) -> Reader<TestBackend> {
    let terminal = ratatui::Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut reader = Reader::new(app, terminal, DARK, Keymap::default());
    reader.start().unwrap();
    reader
}

/// What a reader's screen shows, as `TestBackend` prints it.
pub fn screen(reader: &Reader<TestBackend>) -> String {
    reader.terminal().backend().to_string()
}

/// Where `text` is first drawn in `buffer`: its first cell's column and its row.
pub fn position_of(buffer: &ratatui::buffer::Buffer, text: &str) -> Option<(u16, u16)> {
    (0..buffer.area.height).find_map(|y| {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        let at = row.find(text)?;
        Some((u16::try_from(row[..at].chars().count()).unwrap(), y))
    })
}

/// Presses keys, one after another: characters as themselves, and `<Name>` for a named key
/// (`<Right>`, `<Enter>`, `<Esc>`, `<Down>`…).
pub fn press(reader: &mut Reader<TestBackend>, keys: &str) -> Vec<izumi::app::Effect> {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut effects = Vec::new();
    let mut rest = keys;
    while let Some(c) = rest.chars().next() {
        let (code, len) = match rest.strip_prefix('<').and_then(|r| r.split_once('>')) {
            Some((name, _)) if !name.is_empty() => (
                match name {
                    "Right" => KeyCode::Right,
                    "Left" => KeyCode::Left,
                    "Up" => KeyCode::Up,
                    "Down" => KeyCode::Down,
                    "Enter" => KeyCode::Enter,
                    "Esc" => KeyCode::Esc,
                    "Backspace" => KeyCode::Backspace,
                    "Tab" => KeyCode::Tab,
                    "PageDown" => KeyCode::PageDown,
                    "PageUp" => KeyCode::PageUp,
                    "F5" => KeyCode::F(5),
                    other => panic!("no key <{other}> in tests"),
                },
                name.len() + 2,
            ),
            _ => (KeyCode::Char(c), c.len_utf8()),
        };
        effects.extend(reader.key(KeyEvent::new(code, KeyModifiers::NONE)).unwrap());
        rest = &rest[len..];
    }
    effects
}

/// Gives `path` to the user nobody, if this process may (it runs as root); says so if not.
pub fn give_away(path: &Path) -> bool {
    match std::os::unix::fs::lchown(path, Some(65534), Some(65534)) {
        Ok(()) => true,
        Err(error) => {
            eprintln!("skipped: only root can give a file away ({error})");
            false
        }
    }
}

/// A lesson of the journey story and its TCP door, as a presenter has them, for tests of the
/// classroom without a terminal.
pub mod lesson {
    use std::path::Path;
    use std::sync::Arc;
    use std::sync::mpsc::{self, Receiver};
    use std::time::Duration;

    use izumi::classroom::doors::{Caps, Doors};
    use izumi::classroom::hub::{Hub, Moment, Request};
    use izumi::classroom::log::EventLog;
    use izumi::classroom::net::{LOG_CAP, Presenter, PresenterConfig};

    /// The hub and its TCP door.
    pub struct Room {
        pub hub: Arc<Hub>,
        pub presenter: Presenter,
    }

    impl std::ops::Deref for Room {
        type Target = Presenter;
        fn deref(&self) -> &Presenter {
            &self.presenter
        }
    }

    impl Room {
        /// The presenter shows `scene`, with its timer as given.
        pub fn announce(&self, scene: usize, timer_ms: u64, running: bool) {
            self.hub.present(scene, timer_ms, running);
        }
    }

    /// What a test's presenter does to its lesson.
    pub trait Presenting {
        /// The presenter shows `scene`, with its timer as given.
        fn present(&self, scene: usize, timer_ms: u64, running: bool);
    }

    impl Presenting for Hub {
        fn present(&self, scene: usize, timer_ms: u64, running: bool) {
            self.show(Moment {
                scene,
                blank: false,
                elapsed: Duration::from_millis(timer_ms),
                running,
            });
        }
    }

    /// A hub of `story` with the default caps, logging to `log`; whatever the audience asks
    /// goes to `inbox`.
    pub fn hub_of(
        story: izumi::story::Story,
        log: Option<&Path>,
        inbox: impl Fn(Request) + Send + Sync + 'static,
    ) -> Arc<Hub> {
        hub_with(story, log, default_caps(), inbox)
    }

    /// As `hub_of`, letting in only as many as `caps` say.
    pub fn hub_with(
        story: izumi::story::Story,
        log: Option<&Path>,
        caps: Caps,
        inbox: impl Fn(Request) + Send + Sync + 'static,
    ) -> Arc<Hub> {
        let log = Arc::new(EventLog::new(log.map(Path::to_path_buf), LOG_CAP));
        let doors = Doors::new(caps, Arc::clone(&log));
        Arc::new(Hub::new(Arc::new(story), doors, log, inbox))
    }

    /// A hub with the default caps (loopback-sized) and `log`, whose requests for scenes arrive
    /// on the receiver.
    pub fn hub(log: Option<&Path>, log_cap: u64, caps: Caps) -> (Arc<Hub>, Receiver<usize>) {
        let (moves, moved) = mpsc::channel();
        let log = Arc::new(EventLog::new(log.map(Path::to_path_buf), log_cap));
        let doors = Doors::new(caps, Arc::clone(&log));
        let hub = Hub::new(Arc::new(super::journey()), doors, log, move |request| {
            if let Request::Goto(index) = request {
                let _ = moves.send(index);
            }
        });
        (Arc::new(hub), moved)
    }

    /// The caps a presenter has by default on a machine with plenty of descriptors.
    pub fn default_caps() -> Caps {
        Caps::fitting(2048, Caps::PER_ADDRESS.into(), 1 << 20)
    }

    /// A TCP door on a free loopback port.
    pub fn room(config: PresenterConfig, log: Option<&Path>) -> (Room, Receiver<usize>) {
        room_with(config, log, LOG_CAP, default_caps(), "127.0.0.1:0")
    }

    pub fn room_with(
        config: PresenterConfig,
        log: Option<&Path>,
        log_cap: u64,
        caps: Caps,
        address: impl std::net::ToSocketAddrs,
    ) -> (Room, Receiver<usize>) {
        let (hub, moved) = hub(log, log_cap, caps);
        let presenter = Presenter::listen(address, config, Arc::clone(&hub)).unwrap();
        (Room { hub, presenter }, moved)
    }
}

/// A loopback port nobody listens on just now, for a program under test to listen on. It is
/// taken below the kernel's range for outgoing connections (32768 and up on Linux), so that no
/// test's client connecting meanwhile can be given it before the program binds it (a port from
/// `bind(0)` is in that range, and was seen taken so); process id and a counter keep tests
/// running at once apart.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const LOWEST: u32 = 20_000;
    const SPAN: u32 = 12_000;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = LOWEST + (std::process::id().wrapping_mul(7919).wrapping_add(n * 101)) % SPAN;
        let port = u16::try_from(port).expect("below 32768");
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
