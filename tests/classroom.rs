//! A presenter, its console and two followers over loopback, without terminals.

use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use izumi::classroom::net::{Connection, JoinError, Presenter, PresenterConfig};
use izumi::classroom::protocol::{MAX_LINE, Message, Role};

const WAIT: Duration = Duration::from_secs(5);

fn presenter(token: Option<&str>) -> (Presenter, Receiver<usize>) {
    presenter_logging_to(token, None)
}

fn presenter_logging_to(token: Option<&str>, log: Option<&Path>) -> (Presenter, Receiver<usize>) {
    let (moves, moved) = mpsc::channel();
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        secret: "secret-1".into(),
        token: token.map(str::to_owned),
        log: log.map(Path::to_path_buf),
    };
    (
        Presenter::listen("127.0.0.1:0", config, moves).unwrap(),
        moved,
    )
}

fn scene(receiver: &Receiver<Message>) -> usize {
    loop {
        match receiver
            .recv_timeout(WAIT)
            .expect("a message from the presenter")
        {
            Message::Scene { index, .. } => return index,
            _ => continue,
        }
    }
}

fn wait_for_connections(presenter: &Presenter, expected: (usize, usize)) {
    for _ in 0..200 {
        if presenter.connections() == expected {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!(
        "connections: {:?}, expected {expected:?}",
        presenter.connections()
    );
}

#[test]
fn moving_the_presenter_moves_everyone_and_only_the_console_moves_the_presenter() {
    let (presenter, moved) = presenter(None);
    let address = presenter.address();
    let (mut console, console_inbox) =
        Connection::join(address, Role::Console, "story-1", Some("secret-1")).unwrap();
    let (mut student, student_inbox) =
        Connection::join(address, Role::Follower, "story-1", None).unwrap();
    let (_other, other_inbox) = Connection::join(address, Role::Follower, "story-1", None).unwrap();
    for inbox in [&console_inbox, &student_inbox, &other_inbox] {
        assert_eq!(
            scene(inbox),
            0,
            "each newcomer hears where the presentation is"
        );
    }
    wait_for_connections(&presenter, (1, 2));

    presenter.announce(7, 1_000, true);
    for inbox in [&console_inbox, &student_inbox, &other_inbox] {
        assert_eq!(scene(inbox), 7);
    }

    console.goto(12).unwrap();
    assert_eq!(moved.recv_timeout(WAIT), Ok(12));

    student.goto(3).unwrap();
    assert!(
        moved.recv_timeout(Duration::from_millis(300)).is_err(),
        "a follower moved the presenter"
    );
    for _ in 0..100 {
        if presenter.dropped() == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(presenter.dropped(), 1);
}

#[test]
fn wrong_secret_wrong_story_and_missing_token_are_refused() {
    let folder = tempfile::tempdir().unwrap();
    let log = folder.path().join("logs/present.log");
    let (presenter, _) = presenter_logging_to(Some("token-1"), Some(&log));
    let address = presenter.address();
    let refused = |role, story, credential| match Connection::join(address, role, story, credential)
    {
        Err(JoinError::Refused(reason)) => reason,
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("admitted"),
    };
    assert_eq!(
        refused(Role::Console, "story-1", Some("guess")),
        "bad-secret"
    );
    assert_eq!(refused(Role::Console, "story-1", None), "bad-secret");
    assert_eq!(
        refused(Role::Follower, "story-2", Some("token-1")),
        "other-story"
    );
    assert_eq!(refused(Role::Follower, "story-1", None), "bad-token");
    assert!(Connection::join(address, Role::Follower, "story-1", Some("token-1")).is_ok());
    let logged = std::fs::read_to_string(&log).unwrap();
    for refusal in [
        "refused console: bad-secret",
        "refused follower: other-story",
        "refused follower: bad-token",
    ] {
        assert!(logged.contains(refusal), "{refusal:?} not in {logged}");
    }
}

#[test]
fn garbage_floods_and_dropped_followers_do_not_disturb_the_others() {
    let folder = tempfile::tempdir().unwrap();
    let log = folder.path().join("present.log");
    let (presenter, moved) = presenter_logging_to(None, Some(&log));
    let address = presenter.address();
    let (mut console, console_inbox) =
        Connection::join(address, Role::Console, "story-1", Some("secret-1")).unwrap();
    let (follower, follower_inbox) =
        Connection::join(address, Role::Follower, "story-1", None).unwrap();
    let (mut rogue, _rogue_inbox) =
        Connection::join(address, Role::Follower, "story-1", None).unwrap();
    wait_for_connections(&presenter, (1, 2));

    // Junk, an oversized line and a flood from one follower…
    rogue
        .send_raw(b"izumi/9 goto 1\nizumi/1 \x1b[2J\n\xff\xfe\n")
        .unwrap();
    rogue.send_raw(&vec![b'x'; MAX_LINE * 4]).unwrap();
    rogue.send_raw(b"\n").unwrap();
    for _ in 0..200 {
        if rogue.send_raw(b"izumi/1 goto 1\n").is_err() {
            break;
        }
    }
    wait_for_connections(&presenter, (1, 1));
    // …and a follower that simply leaves.
    drop(follower);
    drop(follower_inbox);

    presenter.announce(4, 0, false);
    assert_eq!(scene(&console_inbox), 0);
    assert_eq!(scene(&console_inbox), 4);
    console.goto(5).unwrap();
    assert_eq!(moved.recv_timeout(WAIT), Ok(5));
    assert!(
        moved.try_recv().is_err(),
        "nothing the rogue sent moved the presenter"
    );

    // Everything refused is written down, in izumi's words and never the sender's bytes.
    let logged = std::fs::read(&log).unwrap();
    let logged = String::from_utf8(logged).expect("the log is plain UTF-8");
    for event in [
        "dropped: not an izumi/1 message",
        "dropped: unknown message kind \"\\u{1b}[2J\"",
        "dropped: line is not UTF-8",
        "dropped: line longer than 1024 bytes",
        "cut: more than 50 messages in a second",
    ] {
        assert!(logged.contains(event), "{event:?} not in {logged}");
    }
    assert!(!logged.contains('\x1b'), "no escape reaches the log");
}

#[test]
fn a_console_reconnects_by_itself_when_the_presenter_restarts() {
    use izumi::classroom::session::keep_joined;
    use izumi::runtime::Input;
    use std::sync::{Arc, Mutex};

    let (first, _) = presenter(None);
    let address = first.address();
    // The secret as the console would read it from the presenter's file, each attempt afresh.
    let secret = Arc::new(Mutex::new("secret-1".to_owned()));
    let current = Arc::clone(&secret);
    let (inputs, events) = mpsc::channel();
    let _link = keep_joined(
        address,
        Role::Console,
        "story-1",
        move || Some(current.lock().unwrap().clone()),
        &inputs,
    );
    let linked = |up: bool| loop {
        match events.recv_timeout(WAIT).expect("the link reports") {
            Input::Linked(state) if state == up => break,
            _ => continue,
        }
    };
    linked(true);

    drop(first);
    linked(false);
    // The restarted presenter has a new secret, on the same port.
    *secret.lock().unwrap() = "secret-2".to_owned();
    let (moves, moved) = mpsc::channel();
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        secret: "secret-2".into(),
        token: None,
        log: None,
    };
    let second = Presenter::listen(address, config, moves).unwrap();
    linked(true);
    second.announce(9, 0, false);
    loop {
        match events
            .recv_timeout(WAIT)
            .expect("the new presenter's scene")
        {
            Input::FromPresenter(Message::Scene { index: 9, .. }) => break,
            _ => continue,
        }
    }
    drop(moved);
}
