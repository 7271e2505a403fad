//! A class answering a question, on loopback: the real binary presents in a pseudo-terminal
//! (`izumi present --web --ssh`), its projector read by a vt100 parser, and this process is the
//! class — 1,000 browsers (plain HTTP form posts, each with a cookie of its own and an address of
//! its own) and 200 SSH students (russh's client at 80×24, pressing a number). In each round the
//! presenter asks the scene's question (`a`) and the 1,200 answers come in spread over 10 seconds.
//! Reports:
//! - the time from the last answer (its reply received) until the projector's count of answers
//!   shows all of them (median, p99 and max over the rounds), and from every answer until the
//!   projector counts it;
//! - the presenter's CPU during a round (as a share of one core) and its resident memory;
//! - the bytes one answer costs on the wire: a browser's request and reply, and an SSH student's
//!   key and the screen update it brings (counted by a relay between one student and the
//!   presenter).
//!
//! The presenter, the class and their terminals share this machine's cores, so the latency
//! includes the clients' own work.

mod common;

use common::free_port;

#[path = "../tests/common/ssh.rs"]
mod ssh_client;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use izumi::story::Question;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Semaphore, mpsc};

const BROWSERS: usize = 1000;
const STUDENTS: usize = 200;
const ROUNDS: usize = 8;
const SPREAD: Duration = Duration::from_secs(10);
/// The scene with the built-in story's first question.
const SCENE_WITH_QUESTION: &str = "prologue-nero-named";
/// Connections set up at once (the SSH server takes 64 in its handshake).
const CONNECTING: usize = 32;

/// The real binary in a pseudo-terminal, its projector kept by a vt100 parser.
struct Presenter {
    pid: u32,
    keys: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    _child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _home: tempfile::TempDir,
}

impl Presenter {
    fn start(arguments: &[String]) -> Presenter {
        let (rows, cols) = (30, 100);
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
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
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            rows.try_into().unwrap(),
            cols.try_into().unwrap(),
            0,
        )));
        let mut output = pair.master.try_clone_reader().unwrap();
        let parsed = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 65536];
            while let Ok(n @ 1..) = output.read(&mut buffer) {
                parsed.lock().unwrap().process(&buffer[..n]);
            }
        });
        let keys = pair.master.take_writer().unwrap();
        let pid = child.process_id().unwrap();
        Presenter {
            pid,
            keys,
            screen,
            _child: child,
            _master: pair.master,
            _home: home,
        }
    }

    fn press(&mut self, key: &str) {
        self.keys.write_all(key.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits (polling the parsed screen) until it satisfies `done`; the moment it did.
    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if done(&self.contents()) {
                return Instant::now();
            }
            assert!(
                Instant::now() < deadline,
                "the projector never showed {what}:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Peak resident memory, in kB.
    fn peak_kb(&self) -> u64 {
        common::status_kb(self.pid, "VmHWM:")
    }

    fn resident_kb(&self) -> u64 {
        common::status_kb(self.pid, "VmRSS:")
    }

    /// User and system CPU time so far.
    fn cpu(&self) -> Duration {
        common::cpu_time(self.pid)
    }
}

/// How many answers the projector says it has, if it shows a count.
fn answers_shown(screen: &str) -> Option<usize> {
    screen.lines().find_map(|line| {
        let before = line.split(" answer").next()?;
        if before.len() == line.len() {
            return None;
        }
        before
            .split_whitespace()
            .last()?
            .replace(',', "")
            .parse()
            .ok()
    })
}

/// What one student does in a round: answer question `number` with `choice`, and say when the
/// reply came.
enum Turn {
    Answer { number: u32, choice: usize },
}

fn main() {
    let (listen, web, ssh) = (free_port(), free_port(), free_port());
    let web_address: SocketAddr = format!("127.0.0.1:{web}").parse().unwrap();
    let ssh_address: SocketAddr = format!("127.0.0.1:{ssh}").parse().unwrap();
    let mut presenter = Presenter::start(&[
        "present".into(),
        "--listen".into(),
        format!("127.0.0.1:{listen}"),
        "--web".into(),
        web_address.to_string(),
        "--ssh".into(),
        ssh_address.to_string(),
        "--ssh-sessions".into(),
        (STUDENTS + 1).to_string(),
        "--web-followers".into(),
        (BROWSERS + 10).to_string(),
        "--scene".into(),
        SCENE_WITH_QUESTION.into(),
    ]);
    presenter.wait_until("the scene", |screen| screen.contains("scene 1/4"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let before = presenter.resident_kb();

    // Every student and browser waits for its turn on a channel of its own, and reports when
    // the reply to its answer came.
    let (replied, mut replies) = mpsc::unbounded_channel::<Instant>();
    let mut turns = Vec::new();
    let gate = Arc::new(Semaphore::new(CONNECTING));
    let (ready, mut readies) = mpsc::unbounded_channel::<()>();
    for n in 0..STUDENTS {
        let (turn, mut my_turns) = mpsc::unbounded_channel::<Turn>();
        turns.push(turn);
        let (gate, ready, replied) = (Arc::clone(&gate), ready.clone(), replied.clone());
        runtime.spawn(async move {
            let permit = gate.acquire_owned().await.unwrap();
            let mut student = ssh_client::Student::join_from(n, ssh_address, (80, 24)).await;
            student.wait_for("scene 1/4").await;
            drop(permit);
            let _ = ready.send(());
            while let Some(Turn::Answer { number, choice }) = my_turns.recv().await {
                student.wait_for(&format!("Question {number}")).await;
                student.send(&(choice + 1).to_string()).await;
                // Each round's choice differs from the last, so this is the new answer's reply.
                student
                    .wait_for(&format!("Your answer: {}", Question::letter(choice)))
                    .await;
                let _ = replied.send(Instant::now());
            }
        });
    }
    let bytes = Arc::new(AtomicU64::new(0));
    let heard = Arc::new(AtomicU64::new(0));
    for n in 0..BROWSERS {
        let (turn, mut my_turns) = mpsc::unbounded_channel::<Turn>();
        turns.push(turn);
        let (gate, ready, replied, bytes, heard) = (
            Arc::clone(&gate),
            ready.clone(),
            replied.clone(),
            Arc::clone(&bytes),
            Arc::clone(&heard),
        );
        runtime.spawn(async move {
            let permit = gate.acquire_owned().await.unwrap();
            let mut browser = Browser::open(STUDENTS + n, web_address, heard).await;
            drop(permit);
            let _ = ready.send(());
            while let Some(Turn::Answer { number, choice }) = my_turns.recv().await {
                let used = browser.answer(number, choice).await;
                bytes.fetch_add(used, Ordering::Relaxed);
                let _ = replied.send(Instant::now());
            }
        });
    }
    runtime.block_on(async {
        for _ in 0..STUDENTS + BROWSERS {
            readies.recv().await.unwrap();
        }
    });
    let with = presenter.resident_kb();
    println!(
        "{STUDENTS} SSH students and {BROWSERS} browsers in: presenter resident memory {with} kB \
         ({} kB more than before)",
        with.saturating_sub(before)
    );

    let everyone = STUDENTS + BROWSERS;
    let mut last_to_tally = Vec::new();
    let mut each_to_tally = Vec::new();
    for round in 0..ROUNDS {
        // Closes the last round's question (if any) and asks the next.
        if round > 0 {
            presenter.press("a");
            presenter.wait_until("the question closed", |screen| {
                screen.contains("closed") || answers_shown(screen).is_none()
            });
        }
        bytes.store(0, Ordering::Relaxed);
        heard.store(0, Ordering::Relaxed);
        presenter.press("a");
        presenter.wait_until("the question", |screen| answers_shown(screen) == Some(0));
        let number = round as u32 + 1;
        // How many the projector counted, and when, sampled every millisecond while the
        // answers come.
        let counted = Arc::new(Mutex::new(Vec::<(Instant, usize)>::new()));
        let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let sampler = {
            let (screen, counted, sampling) = (
                Arc::clone(&presenter.screen),
                Arc::clone(&counted),
                Arc::clone(&sampling),
            );
            std::thread::spawn(move || {
                while sampling.load(Ordering::Relaxed) {
                    let contents = screen.lock().unwrap().screen().contents();
                    if let Some(count) = answers_shown(&contents) {
                        let mut counted = counted.lock().unwrap();
                        if counted.last().is_none_or(|&(_, last)| last != count) {
                            counted.push((Instant::now(), count));
                        }
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        };
        let cpu_before = presenter.cpu();
        let started = Instant::now();
        for (i, turn) in turns.iter().enumerate() {
            // Spread over the ten seconds, SSH students and browsers mixed.
            let at = started + SPREAD.mul_f64(i as f64 / everyone as f64);
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
            turn.send(Turn::Answer {
                number,
                choice: (i + round) % 4,
            })
            .unwrap();
        }
        let mut replied_at = Vec::with_capacity(everyone);
        while replied_at.len() < everyone {
            replied_at.push(
                replies
                    .blocking_recv()
                    .expect("every student and browser replies"),
            );
        }
        let last = *replied_at.iter().max().unwrap();
        let all = presenter.wait_until("every answer counted", |screen| {
            answers_shown(screen) == Some(everyone)
        });
        sampling.store(false, Ordering::Relaxed);
        sampler.join().unwrap();
        let mut counted = std::mem::take(&mut *counted.lock().unwrap());
        counted.push((all, everyone));
        let wall = started.elapsed();
        let cpu = presenter.cpu() - cpu_before;
        last_to_tally.push(all.saturating_duration_since(last));
        replied_at.sort();
        for (rank, at) in replied_at.iter().enumerate() {
            let shown = counted
                .iter()
                .find(|&&(when, count)| count > rank && when >= *at)
                .map_or(all, |&(when, _)| when);
            each_to_tally.push(shown.saturating_duration_since(*at));
        }
        println!(
            "round {}: {everyone} answers in {:?}; presenter CPU {:?} ({:.0}% of a core), \
             resident {} kB; a browser's answer {} bytes on the wire, its event stream {} \
             bytes in the round",
            round + 1,
            wall,
            cpu,
            cpu.as_secs_f64() / wall.as_secs_f64() * 100.0,
            presenter.resident_kb(),
            bytes.load(Ordering::Relaxed) / BROWSERS as u64,
            heard.load(Ordering::Relaxed) / BROWSERS as u64
        );
    }
    common::report(
        &format!("last answer → projector counts all {everyone} ({ROUNDS} rounds)"),
        last_to_tally,
    );
    common::report(
        "each answer → projector counts it (all answers of all rounds)",
        each_to_tally,
    );
    println!("presenter peak resident memory {} kB", presenter.peak_kb());
    ssh_bytes_per_answer(&runtime, &mut presenter, ssh_address);
    presenter.press("q");
    runtime.shutdown_timeout(Duration::from_secs(2));
}

/// One browser: from an address of its own, with its cookie, its event stream open as the
/// follower's page keeps it, and a connection for its requests kept alive while the server
/// keeps it (it closes idle ones after 5 s; the browser then opens another, as browsers do).
struct Browser {
    n: usize,
    address: SocketAddr,
    cookie: String,
    stream: Option<tokio::net::TcpStream>,
}

impl Browser {
    async fn open(n: usize, address: SocketAddr, heard: Arc<AtomicU64>) -> Browser {
        let mut browser = Browser {
            n,
            address,
            cookie: String::new(),
            stream: None,
        };
        browser.request("GET / HTTP/1.1", "").await;
        let mut events = browser.connect().await;
        let request = format!(
            "GET /events HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\n\r\n",
            browser.cookie
        );
        events.write_all(request.as_bytes()).await.unwrap();
        tokio::spawn(async move {
            let mut buffer = [0u8; 65536];
            while let Ok(n @ 1..) = events.read(&mut buffer).await {
                heard.fetch_add(n as u64, Ordering::Relaxed);
            }
        });
        browser
    }

    async fn connect(&self) -> tokio::net::TcpStream {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::new(common::student_address(self.n), 0))
            .unwrap();
        socket.connect(self.address).await.unwrap()
    }

    /// Answers as the page's form does; the bytes sent and received.
    async fn answer(&mut self, number: u32, choice: usize) -> u64 {
        let body = format!("do=answer&question={number}&choice={choice}");
        let (head, bytes) = self.request("POST /class HTTP/1.1", &body).await;
        assert!(
            head.starts_with("HTTP/1.1 303") || head.starts_with("HTTP/1.1 200"),
            "the answer was refused: {head}"
        );
        bytes
    }

    /// Sends a request and reads the whole reply, on a fresh connection if the kept one was
    /// closed; the reply's head as text, and the bytes sent and received.
    async fn request(&mut self, line: &str, body: &str) -> (String, u64) {
        let mut request = format!(
            "{line}\r\nHost: {}\r\nOrigin: http://{}\r\nSec-Fetch-Site: same-origin\r\n",
            self.address, self.address
        );
        if !self.cookie.is_empty() {
            request.push_str(&format!("Cookie: {}\r\n", self.cookie));
        }
        if !body.is_empty() {
            request.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body);
        for _ in 0..2 {
            if self.stream.is_none() {
                self.stream = Some(self.connect().await);
            }
            if let Some(reply) = self.exchange(request.as_bytes()).await {
                return (reply.0, (request.len() + reply.1) as u64);
            }
            self.stream = None;
        }
        panic!("the server closed two connections in a row");
    }

    /// One request and its reply on the kept connection: the reply's head and its length in
    /// bytes; none if the connection was closed before the reply.
    async fn exchange(&mut self, request: &[u8]) -> Option<(String, usize)> {
        let stream = self.stream.as_mut()?;
        stream.write_all(request).await.ok()?;
        let mut reply = Vec::new();
        let mut buffer = [0u8; 16384];
        loop {
            let n = stream.read(&mut buffer).await.ok()?;
            if n == 0 {
                return None;
            }
            reply.extend_from_slice(&buffer[..n]);
            let Some(end) = find(&reply, b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&reply[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            // The student's cookie, from whichever reply gives it first.
            if self.cookie.is_empty()
                && let Some(cookie) = head.lines().find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("set-cookie")
                        .then(|| value.trim().split(';').next())?
                })
            {
                self.cookie = cookie.to_owned();
            }
            while reply.len() < end + 4 + length {
                let n = stream.read(&mut buffer).await.ok()?;
                if n == 0 {
                    return None;
                }
                reply.extend_from_slice(&buffer[..n]);
            }
            if head.to_ascii_lowercase().contains("connection: close") {
                self.stream = None;
            }
            return Some((head, reply.len()));
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// One more SSH student, through a relay that counts the bytes both ways: what pressing a
/// number costs on the wire, the screen update included.
fn ssh_bytes_per_answer(
    runtime: &tokio::runtime::Runtime,
    presenter: &mut Presenter,
    ssh_address: SocketAddr,
) {
    let counted = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let relay = runtime.block_on(counting_relay(ssh_address, Arc::clone(&counted)));
    presenter.press("a");
    presenter.wait_until("the question closed", |screen| {
        screen.contains("closed") || answers_shown(screen).is_none()
    });
    presenter.press("a");
    presenter.wait_until("the question", |screen| answers_shown(screen) == Some(0));
    runtime.block_on(async {
        let mut student = ssh_client::Student::join(relay, (80, 24)).await;
        student.wait_for(&format!("Question {}", ROUNDS + 1)).await;
        // Let the screen settle before counting.
        settle(&mut student).await;
        let (up, down) = (&counted.0, &counted.1);
        let before = (up.load(Ordering::SeqCst), down.load(Ordering::SeqCst));
        student.send("2").await;
        student.wait_for("Your answer: B").await;
        settle(&mut student).await;
        println!(
            "an SSH student's answer on the wire: {} bytes sent, {} bytes received (the screen \
             update included)",
            up.load(Ordering::SeqCst) - before.0,
            down.load(Ordering::SeqCst) - before.1
        );
    });
}

/// Reads until nothing has come for 300 ms.
async fn settle(student: &mut ssh_client::Student) {
    loop {
        let before = student.raw.len();
        student.read_for(Duration::from_millis(300)).await;
        if student.raw.len() == before {
            return;
        }
    }
}

/// A TCP relay on loopback to `to` that counts bytes each way; its address.
async fn counting_relay(to: SocketAddr, counted: Arc<(AtomicU64, AtomicU64)>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        let server = tokio::net::TcpStream::connect(to).await.unwrap();
        let (mut client_read, mut client_write) = client.into_split();
        let (mut server_read, mut server_write) = server.into_split();
        let up_counted = Arc::clone(&counted);
        tokio::spawn(async move {
            let mut buffer = [0u8; 65536];
            while let Ok(n @ 1..) = client_read.read(&mut buffer).await {
                up_counted.0.fetch_add(n as u64, Ordering::SeqCst);
                if server_write.write_all(&buffer[..n]).await.is_err() {
                    break;
                }
            }
        });
        let mut buffer = [0u8; 65536];
        while let Ok(n @ 1..) = server_read.read(&mut buffer).await {
            counted.1.fetch_add(n as u64, Ordering::SeqCst);
            if client_write.write_all(&buffer[..n]).await.is_err() {
                break;
            }
        }
    });
    address
}
