//! 200 students following over SSH, on loopback: the real binary presents in a pseudo-terminal
//! (`izumi present --ssh`), this process is the class (russh's client), and a key on the
//! presenter's terminal moves everyone. Reports:
//! - the presenter's peak resident memory and CPU time, with no SSH (a presenter as before),
//!   and with SSH and no student;
//! - 200 students at 80×24, each screen kept by a vt100 parser: the presenter's resident memory
//!   with them, the time from a key on the presenter's terminal until the last of the 200
//!   screens shows the new scene (median, p99, max over the rounds), and the presenter's
//!   resident memory once they have left;
//! - 200 clients claiming 400×200 windows (drawn within the per-session cap and the budget for
//!   all screens; their output read and thrown away): the presenter's resident memory with them,
//!   the CPU of a move, and its resident memory once they have left.
//!
//! The presenter, the 200 clients and their terminals share this machine's cores, so the
//! latency includes the clients' own decryption and parsing.

mod common;

use common::free_port;

#[path = "../tests/common/ssh.rs"]
mod ssh_client;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use tokio::sync::{Semaphore, mpsc, watch};

const STUDENTS: usize = 200;
const ROUNDS: usize = 60;
/// Connections set up at once (the server takes 64).
const CONNECTING: usize = 32;

/// The real binary in a pseudo-terminal, its output drained.
struct Presenter {
    pid: u32,
    keys: Box<dyn Write + Send>,
    _child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _home: tempfile::TempDir,
}

impl Presenter {
    fn start(arguments: &[String]) -> Presenter {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_izumi"));
        command.args(arguments);
        command.env("TERM", "xterm-256color");
        command.env("XDG_STATE_HOME", home.path());
        command.env("XDG_RUNTIME_DIR", home.path());
        command.env("XDG_CONFIG_HOME", home.path());
        let child = pair.slave.spawn_command(command).unwrap();
        drop(pair.slave);
        let mut screen = pair.master.try_clone_reader().unwrap();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 65536];
            while matches!(screen.read(&mut buffer), Ok(n) if n > 0) {}
        });
        let keys = pair.master.take_writer().unwrap();
        let pid = child.process_id().unwrap();
        std::thread::sleep(Duration::from_millis(800));
        Presenter {
            pid,
            keys,
            _child: child,
            _master: pair.master,
            _home: home,
        }
    }

    fn press(&mut self, key: &str) {
        self.keys.write_all(key.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    /// Peak resident memory, in kB.
    fn peak_kb(&self) -> u64 {
        common::status_kb(self.pid, "VmHWM:")
    }

    /// Resident memory now, in kB.
    fn resident_kb(&self) -> u64 {
        common::status_kb(self.pid, "VmRSS:")
    }

    /// User and system CPU time so far.
    fn cpu(&self) -> Duration {
        common::cpu_time(self.pid)
    }

    fn quit(mut self) {
        self.press("q");
        std::thread::sleep(Duration::from_millis(1500));
    }
}

/// Moves the presenter `ROUNDS` times, a key every 150 ms, and says how much CPU that took.
fn presenter_alone_rounds(presenter: &mut Presenter) -> Duration {
    let before = presenter.cpu();
    for _ in 0..ROUNDS {
        presenter.press("l");
        std::thread::sleep(Duration::from_millis(150));
    }
    let used = presenter.cpu() - before;
    for _ in 0..ROUNDS {
        presenter.press("h");
    }
    std::thread::sleep(Duration::from_millis(500));
    used
}

fn main() {
    // A presenter as before: no SSH, no runtime.
    let listen = free_port();
    let mut plain = Presenter::start(&[
        "present".into(),
        "--listen".into(),
        format!("127.0.0.1:{listen}"),
    ]);
    let plain_cpu = presenter_alone_rounds(&mut plain);
    println!(
        "presenter without --ssh: peak resident memory {} kB; {ROUNDS} moves took {:?} of CPU",
        plain.peak_kb(),
        plain_cpu
    );
    plain.quit();

    let (listen, ssh) = (free_port(), free_port());
    let mut presenter = Presenter::start(&[
        "present".into(),
        "--listen".into(),
        format!("127.0.0.1:{listen}"),
        "--ssh".into(),
        format!("127.0.0.1:{ssh}"),
        "--ssh-sessions".into(),
        STUDENTS.to_string(),
    ]);
    let idle_cpu = presenter_alone_rounds(&mut presenter);
    println!(
        "presenter with --ssh, no student: peak resident memory {} kB, resident now {} kB; \
         {ROUNDS} moves took {:?} of CPU",
        presenter.peak_kb(),
        presenter.resident_kb(),
        idle_cpu
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let address: SocketAddr = format!("127.0.0.1:{ssh}").parse().unwrap();
    let before = presenter.resident_kb();
    let scene = following_class(&runtime, &mut presenter, address);
    let after = presenter.resident_kb();
    println!(
        "{STUDENTS} students at 80×24 left: presenter resident memory {after} kB ({} kB more than \
         before they came)",
        after.saturating_sub(before)
    );
    // Back to the first scene, for the next class.
    for _ in 1..scene {
        presenter.press("h");
    }
    claiming_class(&runtime, &mut presenter, address);
    presenter.quit();
    runtime.shutdown_timeout(Duration::from_secs(2));
}

/// Waits until the presenter serves no more than `sessions` students: their connections are
/// closed, its descriptors for them gone.
fn wait_for_students_to_leave(presenter: &Presenter, sessions: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while open_sockets(presenter.pid) > sessions + 8 {
        assert!(Instant::now() < deadline, "the students never left");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The presenter's open sockets (its listeners, its console's and students' connections).
fn open_sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| {
                    std::fs::read_link(entry.path())
                        .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"))
                })
                .count()
        })
        .unwrap_or(0)
}

/// 200 students at 80×24 following the presenter for `ROUNDS` moves, then leaving; the scene
/// the presenter is on at the end (1 = first).
fn following_class(
    runtime: &tokio::runtime::Runtime,
    presenter: &mut Presenter,
    address: SocketAddr,
) -> usize {
    // The scene every screen should show next, by its number in the story (1 = first).
    let target = Arc::new(AtomicUsize::new(1));
    let before = presenter.resident_kb();
    let (seen, mut sightings) = mpsc::unbounded_channel::<(usize, Instant)>();
    let (leave, _) = watch::channel(false);
    let started = Instant::now();
    runtime.block_on(async {
        let gate = Arc::new(Semaphore::new(CONNECTING));
        let (ready, mut readies) = mpsc::unbounded_channel::<()>();
        for n in 0..STUDENTS {
            let (gate, target, seen, ready) = (
                Arc::clone(&gate),
                Arc::clone(&target),
                seen.clone(),
                ready.clone(),
            );
            let mut leave = leave.subscribe();
            tokio::spawn(async move {
                let permit = gate.acquire_owned().await.unwrap();
                let mut student = ssh_client::Student::join_from(n, address, (80, 24)).await;
                student.wait_until("the first scene", |s| shows(s, 1)).await;
                drop(permit);
                let _ = ready.send(());
                let mut reported = 1;
                loop {
                    let wanted = target.load(Ordering::SeqCst);
                    if wanted != reported && shows(&student, wanted) {
                        reported = wanted;
                        let _ = seen.send((wanted, Instant::now()));
                        continue;
                    }
                    tokio::select! {
                        more = student.read_for(Duration::from_secs(60)) => if !more {
                            break;
                        },
                        _ = leave.changed() => {
                            student.send("q").await;
                            student.wait_for_close().await;
                            break;
                        }
                    }
                }
            });
        }
        for _ in 0..STUDENTS {
            readies.recv().await.unwrap();
        }
    });
    let with = presenter.resident_kb();
    println!(
        "{STUDENTS} students at 80×24 connected in {:?}; presenter resident memory {with} kB ({} \
         kB a student)",
        started.elapsed(),
        with.saturating_sub(before) / STUDENTS as u64
    );

    let before = presenter.cpu();
    let mut samples = Vec::new();
    for round in 0..ROUNDS {
        std::thread::sleep(Duration::from_millis(150));
        let wanted = round + 2;
        target.store(wanted, Ordering::SeqCst);
        let start = Instant::now();
        presenter.press("l");
        let mut last = start;
        let mut count = 0;
        runtime.block_on(async {
            while count < STUDENTS {
                match tokio::time::timeout(Duration::from_secs(20), sightings.recv()).await {
                    Ok(Some((scene, at))) if scene == wanted => {
                        count += 1;
                        last = last.max(at);
                    }
                    Ok(Some(_)) => {}
                    _ => panic!("round {round}: only {count} screens showed scene {wanted}"),
                }
            }
        });
        samples.push(last - start);
    }
    let used = presenter.cpu() - before;
    println!(
        "presenter with {STUDENTS} students at 80×24: peak resident memory {} kB; {ROUNDS} moves \
         took {:?} of CPU ({:?} a move)",
        presenter.peak_kb(),
        used,
        used / ROUNDS as u32
    );
    common::report(
        &format!("presenter key to the last of {STUDENTS} SSH screens at 80×24 ({ROUNDS} rounds)"),
        samples,
    );
    let before = presenter.cpu();
    std::thread::sleep(Duration::from_secs(5));
    println!(
        "presenter with {STUDENTS} students, nobody moving for 5 s: {:?} of CPU",
        presenter.cpu() - before
    );
    leave.send_replace(true);
    wait_for_students_to_leave(presenter, 0);
    ROUNDS + 1
}

/// 200 clients claiming 400×200 windows, their output thrown away: the presenter's memory
/// with them and after they leave, and the CPU of a move.
fn claiming_class(
    runtime: &tokio::runtime::Runtime,
    presenter: &mut Presenter,
    address: SocketAddr,
) {
    let before = presenter.resident_kb();
    let (leave, _) = watch::channel(false);
    let started = Instant::now();
    runtime.block_on(async {
        let gate = Arc::new(Semaphore::new(CONNECTING));
        let (ready, mut readies) = mpsc::unbounded_channel::<()>();
        for n in 0..STUDENTS {
            let (gate, ready, mut leave) = (Arc::clone(&gate), ready.clone(), leave.subscribe());
            tokio::spawn(async move {
                let mut permit = Some(gate.acquire_owned().await.unwrap());
                let (handle, mut channel) = ssh_client::terminal_from(n, address, (400, 200)).await;
                loop {
                    tokio::select! {
                        message = channel.wait() => match message {
                            Some(russh::ChannelMsg::Data { .. }) if permit.is_some() => {
                                permit = None;
                                let _ = ready.send(());
                            }
                            Some(_) => {}
                            None => break,
                        },
                        _ = leave.changed() => channel.data(&b"q"[..]).await.unwrap(),
                    }
                }
                drop(handle);
            });
        }
        for _ in 0..STUDENTS {
            readies.recv().await.unwrap();
        }
    });
    let with = presenter.resident_kb();
    println!(
        "{STUDENTS} clients claiming 400×200 connected in {:?}; presenter resident memory {with} \
         kB ({} kB a session)",
        started.elapsed(),
        with.saturating_sub(before) / STUDENTS as u64
    );
    let moves = 10;
    let cpu = presenter.cpu();
    for _ in 0..moves {
        presenter.press("l");
        std::thread::sleep(Duration::from_millis(500));
    }
    let used = presenter.cpu() - cpu;
    println!(
        "presenter with {STUDENTS} clients claiming 400×200: peak resident memory {} kB; {moves} \
         moves took {used:?} of CPU ({:?} a move)",
        presenter.peak_kb(),
        used / moves
    );
    leave.send_replace(true);
    wait_for_students_to_leave(presenter, 0);
    let after = presenter.resident_kb();
    println!(
        "{STUDENTS} clients claiming 400×200 left: presenter resident memory {after} kB ({} kB \
         more than before they came)",
        after.saturating_sub(before)
    );
}

/// Whether a student's screen shows scene `number` of the story (1 = first): its title, as
/// far as the narrowest scene pane shows it.
fn shows(student: &ssh_client::Student, number: usize) -> bool {
    static TITLES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let titles = TITLES.get_or_init(|| {
        izumi::story::load_embedded()
            .scenes
            .iter()
            .map(|scene| scene.title.chars().take(24).collect())
            .collect()
    });
    student.contents().contains(&titles[number - 1])
}
