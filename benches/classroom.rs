//! The classroom link over loopback:
//! - latency from the console asking for a scene until a follower hears the presenter announce
//!   it (the network part of a key on the console reaching the screens; drawing a frame adds what
//!   `render` measures);
//! - fan-out: a presenter in a process of its own with 500 followers, 50 of which never read:
//!   time from an announcement to the last reading follower hearing it, and the presenter's peak
//!   memory;
//! - 1,000 connections that trickle a byte a second instead of saying hello: the descriptors the
//!   presenter still holds once the handshake deadline has passed.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use izumi::classroom::net::{Connection, HANDSHAKE_DEADLINE, Presenter, PresenterConfig};
use izumi::classroom::protocol::{Message, Role};

/// Set in the environment of the process that plays the presenter.
const PRESENTER: &str = "IZUMI_BENCH_PRESENTER";

fn main() {
    if std::env::var_os(PRESENTER).is_some() {
        return presenter_process();
    }
    console_to_follower();
    fan_out_and_slow_handshakes();
}

fn config() -> PresenterConfig {
    PresenterConfig {
        fingerprint: "bench".into(),
        secret: "secret".into(),
        ..PresenterConfig::default()
    }
}

fn console_to_follower() {
    let (hub, moved) = common::hub();
    let presenter =
        Presenter::listen("127.0.0.1:0", config(), std::sync::Arc::clone(&hub)).unwrap();
    let (mut console, _console_inbox) =
        Connection::join(presenter.address(), Role::Console, "bench", Some("secret")).unwrap();
    let (_follower, follower_inbox) =
        Connection::join(presenter.address(), Role::Follower, "bench", None).unwrap();
    let _ = follower_inbox.recv_timeout(Duration::from_secs(5));

    let mut samples = Vec::new();
    // Paced like a person, under the presenter's limit of 50 messages a second per connection.
    for round in 1..=200usize {
        std::thread::sleep(Duration::from_millis(25));
        let start = Instant::now();
        console.goto(round).unwrap();
        let index = moved.recv().unwrap();
        common::show(&hub, index);
        loop {
            if let Message::Scene { index, .. } = follower_inbox.recv().unwrap()
                && index == round
            {
                break;
            }
        }
        samples.push(start.elapsed());
    }
    common::report(
        "console key to follower, network only (200 rounds)",
        samples,
    );
}

/// The presenter's side: listens, prints its address, then obeys lines on standard input.
fn presenter_process() {
    let (hub, _moved) = common::hub();
    let presenter =
        Presenter::listen("127.0.0.1:0", config(), std::sync::Arc::clone(&hub)).unwrap();
    println!("{}", presenter.address());
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let answer = match line.split_once(' ') {
            Some(("announce", index)) => {
                common::show(&hub, index.parse().unwrap());
                continue;
            }
            _ if line == "peak" => status("VmHWM:"),
            _ if line == "descriptors" => std::fs::read_dir("/proc/self/fd")
                .unwrap()
                .count()
                .to_string(),
            _ => break,
        };
        println!("{answer}");
    }
}

/// A field of /proc/self/status.
fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix(field).map(str::trim).map(str::to_owned))
        .unwrap_or_default()
}

struct PresenterProcess {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    address: SocketAddr,
}

impl PresenterProcess {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(PRESENTER, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let mut address = String::new();
        output.read_line(&mut address).unwrap();
        let address = address.trim().parse().unwrap();
        Self {
            child,
            input,
            output,
            address,
        }
    }

    fn tell(&mut self, line: &str) {
        writeln!(self.input, "{line}").unwrap();
        self.input.flush().unwrap();
    }

    fn ask(&mut self, question: &str) -> String {
        self.tell(question);
        let mut answer = String::new();
        self.output.read_line(&mut answer).unwrap();
        answer.trim().to_owned()
    }
}

impl Drop for PresenterProcess {
    fn drop(&mut self) {
        let _ = writeln!(self.input, "quit");
        let _ = self.child.wait();
    }
}

/// A follower that says hello and never reads, with a small receive buffer.
fn never_reads(student: usize, address: SocketAddr) -> socket2::Socket {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    socket
        .bind(&SocketAddr::new(common::student_address(student), 0).into())
        .unwrap();
    socket.connect(&address.into()).unwrap();
    let hello = Message::Hello {
        role: Role::Follower,
        fingerprint: "bench".into(),
        credential: None,
        key: None,
    };
    (&socket).write_all(hello.encode().as_bytes()).unwrap();
    socket
}

fn fan_out_and_slow_handshakes() {
    let mut presenter = PresenterProcess::start();
    let address = presenter.address;
    let reading: Vec<_> = (0..450)
        .map(|n| {
            let stream = common::connect_as_student(n, address).unwrap();
            Connection::join_over(
                stream,
                Role::Follower,
                "bench",
                None,
                Duration::from_secs(30),
            )
            .unwrap()
        })
        .collect();
    let stuck: Vec<_> = (450..500).map(|n| never_reads(n, address)).collect();
    for (_, inbox) in &reading {
        let _ = inbox.recv_timeout(Duration::from_secs(5));
    }
    let mut samples = Vec::new();
    for round in 1..=100usize {
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        presenter.tell(&format!("announce {round}"));
        for (_, inbox) in &reading {
            loop {
                match inbox.recv_timeout(Duration::from_secs(10)) {
                    Ok(Message::Scene { index, .. }) if index == round => break,
                    Ok(_) => continue,
                    Err(error) => panic!("a reading follower heard nothing: {error}"),
                }
            }
        }
        samples.push(start.elapsed());
    }
    common::report(
        "announcement to the last of 450 reading followers, 50 more never reading (100 rounds)",
        samples,
    );
    println!(
        "presenter with 500 followers: peak resident memory {}",
        presenter.ask("peak")
    );
    drop(reading);
    drop(stuck);

    // A thousand connections trickling a byte a second, none saying hello in time.
    std::thread::sleep(Duration::from_millis(500));
    let before = presenter.ask("descriptors");
    let mut slow: Vec<TcpStream> = (0..1000)
        .filter_map(|n| common::connect_as_student(1000 + n / 8, address).ok())
        .collect();
    let start = Instant::now();
    while start.elapsed() < HANDSHAKE_DEADLINE + Duration::from_secs(2) {
        slow.retain_mut(|stream| stream.write_all(b"i").is_ok());
        std::thread::sleep(Duration::from_secs(1));
    }
    println!(
        "1,000 slow-byte connections: {} still writable after {:?}; the presenter holds {} \
         descriptors (it held {before} before they came)",
        slow.len(),
        start.elapsed(),
        presenter.ask("descriptors")
    );
}
