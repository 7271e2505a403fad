//! A program in a pseudo-terminal, its screen kept up to date by a vt100 parser: what the
//! end-to-end tests (`pty.rs`, `openssh.rs`, `browser.rs`) drive the real binary, and `ssh`, with.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

/// A program running in a pseudo-terminal, with its screen kept up to date.
pub struct Session {
    /// The session's own state and runtime folders, removed when it ends.
    pub home: tempfile::TempDir,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote.
    pub raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// The terminal's side that outlives the program, to resize it.
    master: Box<dyn MasterPty + Send>,
}

impl Session {
    /// Runs a shell script in a 100×30 terminal; `$0` is izumi, `$1` the journey story.
    pub fn start(script: &str) -> Self {
        Self::start_with(script, &[])
    }

    /// As `start`, with these environment variables set. Unless they are given, the state and
    /// runtime folders are the session's own, so that no test resumes where another left off.
    pub fn start_with(script: &str, env: &[(&str, &Path)]) -> Self {
        Self::start_sized(script, env, (100, 30))
    }

    /// As `start_with`, in a terminal of this many columns and rows.
    pub fn start_sized(script: &str, env: &[(&str, &Path)], (columns, rows): (u16, u16)) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols: columns,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut command = CommandBuilder::new("sh");
        command.args([
            "-c",
            script,
            env!("CARGO_BIN_EXE_izumi"),
            super::journey_dir().to_str().unwrap(),
        ]);
        command.env("TERM", "xterm-256color");
        command.env("RUST_BACKTRACE", "0");
        let home = tempfile::tempdir().unwrap();
        command.env("XDG_STATE_HOME", home.path());
        command.env("XDG_RUNTIME_DIR", home.path());
        command.env("XDG_CONFIG_HOME", home.path());
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pair.slave.spawn_command(command).unwrap();
        drop(pair.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            rows.try_into().unwrap(),
            columns.try_into().unwrap(),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let sink = Arc::clone(&screen);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = Arc::clone(&raw);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Self {
            // The master must outlive the session or the terminal closes under the program.
            master: pair.master,
            home,
            screen,
            raw,
            writer,
            child,
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`, or fails with what it shows instead.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?} to appear"), |screen| {
            screen.contains(text)
        });
    }

    pub fn wait_for_absence(&self, text: &str) {
        self.wait_until(&format!("{text:?} to go"), |screen| !screen.contains(text));
    }

    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if done(&self.contents()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("timed out waiting for {what}; screen:\n{}", self.contents());
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The terminal is now this size, as when its window is resized: the program is told.
    pub fn resize(&self, (columns, rows): (u16, u16)) {
        self.screen
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows.try_into().unwrap(), columns.try_into().unwrap());
        self.master
            .resize(PtySize {
                rows,
                cols: columns,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Asserts the terminal is back as the shell had it.
    pub fn assert_restored(&self) {
        let parser = self.screen.lock().unwrap();
        let screen = parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor still hidden");
        let stty = screen.contents();
        assert!(
            stty.contains(" icanon") && stty.contains(" echo"),
            "raw mode still on:\n{stty}"
        );
    }
}
