//! The class's questions through the terminal doors, end to end: `izumi follow` and OpenSSH in
//! pseudo-terminals answering a question the presenter asked, counted once, and kept for
//! `izumi results`.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::free_port;
use common::terminal::Session;

/// The embedded story's scene with a question.
const SCENE: &str = "prologue-nero-named";
/// A word of its question's prompt, as the panel shows it.
const PROMPT: &str = "How did";

/// A forwarder between a follower and the presenter, whose connections the test can cut, as a
/// network that drops would.
struct Relay {
    port: u16,
    open: Arc<Mutex<Vec<TcpStream>>>,
    /// Connections made through it so far.
    made: Arc<AtomicUsize>,
}

impl Relay {
    fn to(port: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let relay_port = listener.local_addr().unwrap().port();
        let open = Arc::new(Mutex::new(Vec::new()));
        let made = Arc::new(AtomicUsize::new(0));
        let (keeping, counting) = (Arc::clone(&open), Arc::clone(&made));
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
                    continue;
                };
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server.try_clone().unwrap(), client.try_clone().unwrap()),
                ] {
                    std::thread::spawn(move || {
                        let mut buffer = [0u8; 8192];
                        while let Ok(n) = from.read(&mut buffer) {
                            if n == 0 || to.write_all(&buffer[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
                keeping.lock().unwrap().extend([client, server]);
                counting.fetch_add(1, Ordering::SeqCst);
            }
        });
        Relay {
            port: relay_port,
            open,
            made,
        }
    }

    /// Cuts every connection through the relay.
    fn cut(&self) {
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Waits until `count` connections in all have been made through the relay.
    fn wait_for_connections(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.made.load(Ordering::SeqCst) < count {
            assert!(Instant::now() < deadline, "no connection number {count}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// What `izumi results --format json` says of the presentations kept in `state`.
fn results(state: &Path) -> serde_json::Value {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_izumi"))
        .args(["results", "--format", "json"])
        .env("XDG_STATE_HOME", state)
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The counts of the first question of the last presentation kept.
fn counts(state: &Path) -> Vec<u64> {
    let kept = results(state);
    let last = kept
        .as_array()
        .and_then(|all| all.last())
        .expect("a presentation kept");
    last["asked"][0]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|choice| choice["votes"].as_u64().unwrap())
        .collect()
}

#[test]
fn a_follower_answers_with_a_digit_and_is_counted_once_however_often_it_reconnects() {
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("XDG_RUNTIME_DIR", home.path()),
        ("XDG_STATE_HOME", home.path()),
    ];
    let port = free_port();
    let mut presenter = Session::start_with(
        &format!(r#""$0" present --listen 127.0.0.1:{port} --scene {SCENE}; echo "EXIT=$?""#),
        &env,
    );
    presenter.wait_for("scene ");
    let relay = Relay::to(port);
    let mut follower = Session::start_with(
        &format!(r#""$0" follow 127.0.0.1:{}; echo "EXIT=$?""#, relay.port),
        &env,
    );
    relay.wait_for_connections(1);

    presenter.send("a");
    follower.wait_for(PROMPT);
    follower.send("2");
    follower.wait_for("Your answer: B");

    // The link drops; the follower joins again by itself, still the same student.
    relay.cut();
    relay.wait_for_connections(2);
    // Until the new link is up, a key is answered "not connected"; then it is taken.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !follower.contents().contains("Your answer: C") {
        assert!(
            Instant::now() < deadline,
            "the answer was never taken again:\n{}",
            follower.contents()
        );
        follower.send("3");
        std::thread::sleep(Duration::from_millis(300));
    }

    // The presenter ends the presentation: the results are kept, one answer counted.
    presenter.send("q");
    presenter.wait_for("EXIT=0");
    assert_eq!(counts(home.path()), [0, 0, 1, 0]);
    follower.send("q");
    follower.wait_for("EXIT=0");
}

/// The options every `ssh` here is run with: no configuration or known hosts of the user's,
/// no questions, only errors said.
const SSH_OPTIONS: &str = "-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
                           -o LogLevel=ERROR -o ConnectTimeout=10";

#[test]
fn students_over_openssh_answer_with_a_digit_each_session_one_student() {
    let found = std::process::Command::new("ssh").arg("-V").output();
    assert!(
        found.is_ok_and(|output| output.status.success()),
        "this test needs OpenSSH's client: apt-get install openssh-client"
    );
    let (listen, ssh) = (free_port(), free_port());
    let mut presenter = Session::start(&format!(
        r#""$0" present --listen 127.0.0.1:{listen} --ssh 127.0.0.1:{ssh} --scene {SCENE}; echo "EXIT=$?""#
    ));
    presenter.wait_for("follow in a terminal: ssh -p");
    let student = || {
        Session::start_sized(
            &format!(r#"ssh -t -p {ssh} {SSH_OPTIONS} class@127.0.0.1; echo "EXIT=$?""#),
            &[],
            (100, 30),
        )
    };
    let (mut first, mut second) = (student(), student());
    first.wait_for("A defector names");
    second.wait_for("A defector names");

    presenter.send("a");
    first.wait_for(PROMPT);
    second.wait_for(PROMPT);
    first.send("2");
    first.wait_for("Your answer: B");
    second.send("4");
    second.wait_for("Your answer: D");
    // A student may change their answer while the question is open: still one answer.
    std::thread::sleep(Duration::from_millis(300));
    first.send("3");
    first.wait_for("Your answer: C");

    presenter.send("q");
    presenter.wait_for("EXIT=0");
    assert_eq!(counts(presenter.home.path()), [0, 0, 1, 1]);
    for session in [&first, &second] {
        session.wait_for("EXIT=0");
    }
}

#[test]
fn the_console_asks_over_tcp_and_sees_the_live_tally_and_a_student_s_question_held_back() {
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("XDG_RUNTIME_DIR", home.path()),
        ("XDG_STATE_HOME", home.path()),
    ];
    let port = free_port();
    let run = |command: &str| {
        Session::start_sized(
            &format!(r#""$0" {command}; echo "EXIT=$?""#),
            &env,
            (120, 40),
        )
    };
    let mut presenter = run(&format!(
        "present --listen 127.0.0.1:{port} --scene {SCENE}"
    ));
    presenter.wait_for("scene ");
    let mut console = run(&format!("notes 127.0.0.1:{port}"));
    console.wait_for("connected");
    let mut follower = run(&format!("follow 127.0.0.1:{port}"));
    follower.wait_for("A defector names");

    console.send("a");
    console.wait_for("Question 1 is open");
    follower.wait_for(PROMPT);
    follower.send("2");
    follower.wait_for("Your answer: B");
    console.wait_until("the live tally to count the answer", |screen| {
        screen.contains("· 1 answer")
    });

    // A student's question reaches the console, held back from the class.
    follower.send("w");
    follower.send("Why Harbin?\r");
    follower.wait_for("Sent to the teacher");
    console.wait_for("Why Harbin?");
    assert!(!presenter.contents().contains("Why Harbin?"));

    for session in [&mut presenter, &mut console, &mut follower] {
        session.send("q");
        session.wait_for("EXIT=0");
    }
}
