//! A presenter, its console and two followers over loopback, without terminals.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

mod common;

use common::lesson::{Room, room, room_with};
use izumi::classroom::net::{Connection, JoinError, PresenterConfig};
use izumi::classroom::protocol::{MAX_LINE, Message, Role};

const WAIT: Duration = Duration::from_secs(5);

fn presenter(token: Option<&str>) -> (Room, Receiver<usize>) {
    presenter_logging_to(token, None)
}

fn presenter_logging_to(token: Option<&str>, log: Option<&Path>) -> (Room, Receiver<usize>) {
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        secret: "secret-1".into(),
        token: token.map(str::to_owned),
        ..PresenterConfig::default()
    };
    room(config, log)
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

fn wait_for_connections(presenter: &Room, expected: (usize, usize)) {
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
        .send_raw(b"izumi/9 goto 1\nizumi/2 \x1b[2J\n\xff\xfe\n")
        .unwrap();
    rogue.send_raw(&vec![b'x'; MAX_LINE * 4]).unwrap();
    rogue.send_raw(b"\n").unwrap();
    for _ in 0..200 {
        if rogue.send_raw(b"izumi/2 goto 1\n").is_err() {
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
    let too_long = format!("dropped: line longer than {MAX_LINE} bytes");
    for event in [
        "dropped: not an izumi/2 message",
        "dropped: unknown message kind \"\\u{1b}[2J\"",
        "dropped: line is not UTF-8",
        &too_long,
        "cut: more than 50 messages in a second",
    ] {
        assert!(logged.contains(event), "{event:?} not in {logged}");
    }
    assert!(!logged.contains('\x1b'), "no escape reaches the log");
}

#[test]
fn a_console_reconnects_by_itself_when_the_presenter_restarts() {
    use izumi::classroom::session::{Heard, Listener, keep_joined};
    use std::sync::{Arc, Mutex};

    let (first, _) = presenter(None);
    let address = first.address();
    // The secret as the console would read it from the presenter's file, each attempt afresh.
    let secret = Arc::new(Mutex::new("secret-1".to_owned()));
    let current = Arc::clone(&secret);
    let (inputs, events) = mpsc::channel();
    let listener: Arc<dyn Listener> = Arc::new(move |heard| inputs.send(heard).is_ok());
    let _link = keep_joined(
        address,
        Role::Console,
        "story-1",
        move || Some(current.lock().unwrap().clone()),
        &listener,
    );
    let linked = |up: bool| loop {
        match events.recv_timeout(WAIT).expect("the link reports") {
            Heard::Linked(state) if state == up => break,
            _ => continue,
        }
    };
    linked(true);

    drop(first);
    linked(false);
    // The restarted presenter has a new secret, on the same port.
    *secret.lock().unwrap() = "secret-2".to_owned();
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        secret: "secret-2".into(),
        token: None,
        ..PresenterConfig::default()
    };
    let (second, moved) = room_with(
        config,
        None,
        izumi::classroom::net::LOG_CAP,
        common::lesson::default_caps(),
        address,
    );
    linked(true);
    second.announce(9, 0, false);
    loop {
        match events
            .recv_timeout(WAIT)
            .expect("the new presenter's scene")
        {
            Heard::FromPresenter(Message::Scene { index: 9, .. }) => break,
            _ => continue,
        }
    }
    drop(moved);
}

/// A folder of the test's own and the presenter's log in it.
fn log_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let folder = tempfile::tempdir().unwrap();
    let log = folder.path().join("present.log");
    (folder, log)
}

/// A presenter logging to `log` that drops a client once a write to it has waited `timeout`.
fn presenter_writing_within(timeout: Duration, log: &Path) -> (Room, Receiver<usize>) {
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        write_timeout: timeout,
        ..PresenterConfig::default()
    };
    room(config, Some(log))
}

/// A connection that says hello as a follower and then never reads, with a small receive
/// buffer, so that the presenter's writes to it soon stop going through.
fn follower_that_never_reads(address: std::net::SocketAddr) -> socket2::Socket {
    use socket2::{Domain, Socket, Type};
    use std::io::Write;
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    socket.connect(&address.into()).unwrap();
    let hello = Message::Hello {
        role: Role::Follower,
        fingerprint: "story-1".into(),
        credential: None,
        key: None,
    };
    (&socket).write_all(hello.encode().as_bytes()).unwrap();
    socket
}

#[test]
fn a_follower_that_never_reads_does_not_hold_up_the_presenter_or_anyone_else() {
    let (_folder, log) = log_folder();
    let (presenter, _moved) = presenter_writing_within(Duration::from_secs(1), &log);
    let address = presenter.address();
    let stuck = follower_that_never_reads(address);
    let (_reader, inbox) = Connection::join(address, Role::Follower, "story-1", None).unwrap();
    wait_for_connections(&presenter, (0, 2));

    // Far more than any socket buffer holds, from another thread: if an announcement waited
    // on the stuck follower, this would never finish.
    let presenter = std::sync::Arc::new(presenter);
    let announcing = std::sync::Arc::clone(&presenter);
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        for round in 0..20_000 {
            announcing.announce(round % 80, 123_456_789, true);
        }
        let _ = done.send(());
    });
    finished
        .recv_timeout(Duration::from_secs(30))
        .expect("announcing never waits for a client that does not read");
    // The reading follower has the last scene (a newer one replaces one not yet sent): once the
    // link falls quiet, the last it heard.
    let mut last = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        match inbox.recv_timeout(Duration::from_millis(500)) {
            Ok(Message::Scene { index, .. }) => last = index,
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Timeout) if last == 19_999 % 80 => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    assert_eq!(last, 19_999 % 80);
    // New followers still get a welcome.
    let (_late, late_inbox) = Connection::join(address, Role::Follower, "story-1", None).unwrap();
    assert_eq!(scene(&late_inbox), 19_999 % 80);
    // The stuck follower costs one waiting line: when its buffers are full and a write has
    // waited its time, it is cut and logged.
    drop(stuck);
}

#[test]
fn a_handshake_has_one_deadline_however_slowly_the_bytes_come() {
    use std::io::{Read, Write};
    let (presenter, _moved) = presenter(None);
    let address = presenter.address();
    let start = std::time::Instant::now();
    // Three connections that trickle a byte every 400 ms, which would reset a plain read
    // time-out for ever.
    let mut slow: Vec<std::net::TcpStream> = (0..3)
        .map(|_| std::net::TcpStream::connect(address).unwrap())
        .collect();
    let trickle = b"izumi/2 hello follower story-1 - -";
    let mut closed_at = vec![None; slow.len()];
    for byte in trickle.iter().cycle().take(30) {
        for (stream, closed) in slow.iter_mut().zip(&mut closed_at) {
            if closed.is_none() && stream.write_all(&[*byte]).is_err() {
                *closed = Some(start.elapsed());
            }
        }
        std::thread::sleep(Duration::from_millis(400));
        if closed_at.iter().all(Option::is_some) {
            break;
        }
    }
    for stream in &mut slow {
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(answer.contains("refused hello-expected"), "{answer:?}");
    }
    let waited = start.elapsed();
    assert!(
        waited < Duration::from_secs(12),
        "the deadline let them stay {waited:?}"
    );
    assert_eq!(
        presenter.open_connections(),
        0,
        "their descriptors are let go"
    );
}

#[test]
fn connections_still_saying_hello_are_capped_per_address() {
    use izumi::classroom::doors::Caps;
    use std::io::Read;
    let (presenter, _moved) = presenter(None);
    let address = presenter.address();
    let silent: Vec<std::net::TcpStream> = (0..Caps::SETTING_UP_PER_ADDRESS)
        .map(|_| std::net::TcpStream::connect(address).unwrap())
        .collect();
    for _ in 0..200 {
        if presenter.open_connections() == Caps::SETTING_UP_PER_ADDRESS {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(presenter.open_connections(), Caps::SETTING_UP_PER_ADDRESS);
    // One more from the same address is closed at once, before it can say anything.
    let mut extra = std::net::TcpStream::connect(address).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut answer = Vec::new();
    let read = extra.read_to_end(&mut answer);
    assert!(read.is_ok() && answer.is_empty(), "{read:?} {answer:?}");
    assert_eq!(presenter.open_connections(), Caps::SETTING_UP_PER_ADDRESS);
    // Another address still gets in.
    let (_other, inbox) = join_from([127, 0, 0, 3], address, Role::Follower, None);
    assert_eq!(scene(&inbox), 0);
    drop(silent);
}

#[test]
fn the_log_stays_under_its_cap_however_much_junk_arrives() {
    use std::io::Write;
    let folder = tempfile::tempdir().unwrap();
    let log = folder.path().join("present.log");
    let cap = 4 * 1024;
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        secret: "secret-1".into(),
        ..PresenterConfig::default()
    };
    let (presenter, _moved) = room_with(
        config,
        Some(&log),
        cap,
        common::lesson::default_caps(),
        "127.0.0.1:0",
    );
    let junk = b"izumi/2 jump\n".repeat(40);
    let kept = folder.path().join("present.log.1");
    for n in 0..60u8 {
        let (mut follower, _inbox) = join_from(
            [127, 0, 3, n + 1],
            presenter.address(),
            Role::Follower,
            None,
        );
        follower.send_raw(&junk).unwrap();
        let _ = follower.send_raw(b"izumi/2 goto 1\n");
    }
    // The presenter's threads write it down as they read it.
    let start = std::time::Instant::now();
    while !kept.exists() && start.elapsed() < WAIT {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(kept.exists(), "the log was started afresh");
    // What a flood's second held back is summed up with the next line after it.
    let read = || std::fs::read_to_string(&log).unwrap() + &std::fs::read_to_string(&kept).unwrap();
    let start = std::time::Instant::now();
    while !read().contains("more \"dropped\" lines in that second") && start.elapsed() < WAIT {
        presenter.hub.log().write(None, "still presenting");
        std::thread::sleep(Duration::from_millis(50));
    }
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |meta| meta.len());
    assert!(size(&log) <= cap && size(&kept) <= cap);
    let logged = read();
    assert!(
        logged.contains("more \"dropped\" lines in that second"),
        "{logged}"
    );
    let _ = std::io::stderr().flush();
}

#[test]
fn a_follower_notices_a_presenter_that_went_silent_and_a_live_one_keeps_it_linked() {
    use std::io::{BufRead, BufReader, Write};
    // A presenter that welcomes, shows a scene, and then says nothing more, as when its laptop
    // sleeps with the connection still open.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let silent = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut hello = String::new();
        BufReader::new(stream.try_clone().unwrap())
            .read_line(&mut hello)
            .unwrap();
        let welcome = Message::Welcome {
            fingerprint: "story-1".into(),
        };
        let scene = Message::Scene {
            index: 3,
            timer_ms: 0,
            running: false,
            furthest: 3,
        };
        stream.write_all(welcome.encode().as_bytes()).unwrap();
        stream.write_all(scene.encode().as_bytes()).unwrap();
        std::thread::sleep(Duration::from_secs(4));
        drop(stream);
    });
    let silence = Duration::from_millis(800);
    let (_link, inbox) =
        Connection::join_hearing_within(address, Role::Follower, "story-1", None, silence).unwrap();
    assert_eq!(scene(&inbox), 3);
    let start = std::time::Instant::now();
    assert_eq!(
        inbox.recv_timeout(Duration::from_secs(3)),
        Err(mpsc::RecvTimeoutError::Disconnected),
        "the link is taken for dead"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    silent.join().unwrap();

    // A real presenter pings more often than that: the link stays up while nothing moves.
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        ping_every: Duration::from_millis(200),
        ..PresenterConfig::default()
    };
    let (presenter, _moved) = room(config, None);
    // Ten pings to the limit, so that a busy machine's pause does not look like a dead link.
    let silence = Duration::from_secs(2);
    let (_link, inbox) = Connection::join_hearing_within(
        presenter.address(),
        Role::Follower,
        "story-1",
        None,
        silence,
    )
    .unwrap();
    assert_eq!(scene(&inbox), 0);
    class_where(&inbox, |class| class.poll.is_none());
    assert_eq!(
        inbox.recv_timeout(silence * 2 + Duration::from_millis(500)),
        Err(mpsc::RecvTimeoutError::Timeout),
        "still linked after more than twice the silence limit"
    );
    presenter.announce(7, 0, false);
    assert_eq!(scene(&inbox), 7);
}

#[test]
fn a_follower_that_never_reads_is_cut_once_a_write_to_it_has_waited_its_time() {
    let (_folder, log) = log_folder();
    let (presenter, _moved) = presenter_writing_within(Duration::from_millis(500), &log);
    let presenter = std::sync::Arc::new(presenter);
    let stuck = follower_that_never_reads(presenter.address());
    wait_for_connections(&presenter, (0, 1));
    // Announcements without pause, until its buffers are full and a write waits.
    let announcing = std::sync::Arc::clone(&presenter);
    let start = std::time::Instant::now();
    let mut round = 0;
    // Filling the buffers is work for the processor: seconds alone, much longer on a busy machine.
    while announcing.connections() != (0, 0) && start.elapsed() < Duration::from_secs(120) {
        announcing.announce(round % 80, u64::MAX, true);
        round += 1;
    }
    assert_eq!(
        presenter.connections(),
        (0, 0),
        "the stuck follower was cut"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("cut: not reading"), "{logged}");
    drop(stuck);
}

#[test]
fn the_presenter_never_writes_its_log_through_a_planted_link() {
    let folder = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("victim");
    std::fs::write(&target, "untouched\n").unwrap();
    let log = folder.path().join("present.log");
    std::os::unix::fs::symlink(&target, &log).unwrap();
    let (presenter, _moved) = presenter_logging_to(None, Some(&log));
    let (mut rogue, _inbox) =
        Connection::join(presenter.address(), Role::Follower, "story-1", None).unwrap();
    rogue.send_raw(b"izumi/2 jump\n").unwrap();
    drop(rogue);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched\n");
}

/// Joins from a loopback address of the test's choosing, as another machine would.
fn join_from(
    from: [u8; 4],
    address: SocketAddr,
    role: Role,
    credential: Option<&str>,
) -> (Connection, Receiver<Message>) {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::from((from, 0)).into()).unwrap();
    socket.connect(&address.into()).unwrap();
    Connection::join_over(
        socket.into(),
        role,
        "story-1",
        credential,
        izumi::classroom::net::SILENCE_LIMIT,
    )
    .unwrap()
}

/// Says hello as a follower from `from` and waits for the answer: whether it was let in.
fn follower_let_in(from: [u8; 4], address: SocketAddr) -> Option<(Connection, Receiver<Message>)> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::from((from, 0)).into()).unwrap();
    socket.connect(&address.into()).ok()?;
    Connection::join_over(socket.into(), Role::Follower, "story-1", None, WAIT).ok()
}

#[test]
fn a_thousand_followers_from_one_address_leave_room_for_the_class_and_the_console() {
    use izumi::classroom::doors::{Caps, raise_descriptor_limit};
    // The test holds a thousand sockets of its own.
    raise_descriptor_limit();
    let (presenter, _moved) = presenter(None);
    let address = presenter.address();
    let mut let_in = Vec::new();
    let mut refused = 0;
    for _ in 0..1010 {
        match follower_let_in([127, 0, 0, 2], address) {
            Some(joined) => let_in.push(joined),
            None => refused += 1,
        }
    }
    assert_eq!(
        let_in.len(),
        usize::from(Caps::PER_ADDRESS),
        "one address holds its share"
    );
    assert_eq!(refused, 1010 - usize::from(Caps::PER_ADDRESS));
    // The class and the presenter's console still get in.
    let (_student, inbox) = follower_let_in([127, 0, 0, 1], address).expect("a student");
    assert_eq!(scene(&inbox), 0);
    let (_console, inbox) = join_from([127, 0, 0, 1], address, Role::Console, Some("secret-1"));
    assert_eq!(scene(&inbox), 0);
}

#[test]
fn a_full_room_keeps_a_place_for_the_presenter_s_console() {
    use izumi::classroom::doors::Caps;
    // As under a descriptor limit that leaves room for twenty.
    let caps = Caps {
        total: 20,
        ..Caps::fitting(20, 4, 1 << 20)
    };
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        secret: "secret-1".into(),
        ..PresenterConfig::default()
    };
    let (presenter, _moved) = room_with(config, None, 1 << 20, caps, "127.0.0.1:0");
    let address = presenter.address();
    let class: Vec<_> = (0..20u8)
        .map(|n| follower_let_in([127, 0, 1, 10 + n / 4], address).expect("room for the class"))
        .collect();
    // One student too many is turned away, even in a place kept for the presenter.
    assert!(follower_let_in([127, 0, 2, 1], address).is_none());
    let (_console, inbox) = join_from([127, 0, 0, 1], address, Role::Console, Some("secret-1"));
    assert_eq!(scene(&inbox), 0);
    presenter.announce(2, 0, false);
    assert_eq!(scene(&inbox), 2);
    drop(class);
}

/// The next reply to an ask, skipping other messages.
fn said(receiver: &Receiver<Message>) -> (bool, String) {
    loop {
        match receiver
            .recv_timeout(WAIT)
            .expect("a reply from the presenter")
        {
            Message::Said { ok, text } => return (ok, text),
            _ => continue,
        }
    }
}

/// The first class view that `wanted` accepts, skipping others.
fn class_where(
    receiver: &Receiver<Message>,
    wanted: impl Fn(&izumi::asking::Class) -> bool,
) -> izumi::asking::Class {
    loop {
        match receiver.recv_timeout(WAIT).expect("the class's view") {
            Message::Class(class) if wanted(&class) => return class,
            _ => continue,
        }
    }
}

/// The first desk whose tally `wanted` accepts, skipping others.
fn tally_where(receiver: &Receiver<Message>, wanted: impl Fn(&[u32]) -> bool) -> Vec<u32> {
    loop {
        match receiver.recv_timeout(WAIT).expect("the teacher's desk") {
            Message::Desk(desk) => {
                if let Some((_, counts)) = desk.tally
                    && wanted(&counts)
                {
                    return counts;
                }
            }
            Message::Class(_) | Message::Scene { .. } | Message::Said { .. } => {}
            other => panic!("a console is not sent {other:?}"),
        }
    }
}

/// Joins as a follower of another izumi process, whose key is `key`.
fn follower_keyed(address: SocketAddr, key: &str) -> (Connection, Receiver<Message>) {
    let stream = std::net::TcpStream::connect(address).unwrap();
    Connection::join_over_as(
        stream,
        Role::Follower,
        "story-1",
        None,
        izumi::classroom::net::SILENCE_LIMIT,
        key,
    )
    .unwrap()
}

#[test]
fn questions_travel_to_followers_and_answers_to_the_console_s_tally_counted_once_per_process() {
    use izumi::asking::{Ask, Quick};
    let (presenter, _) = presenter(None);
    let address = presenter.address();
    let (mut console, console_inbox) =
        Connection::join(address, Role::Console, "story-1", Some("secret-1")).unwrap();
    let (mut first, first_inbox) = follower_keyed(address, "process-one");
    let (mut second, second_inbox) = follower_keyed(address, "process-two");
    // On joining, each hears that no question is put to the class.
    for inbox in [&first_inbox, &second_inbox] {
        class_where(inbox, |class| class.poll.is_none());
    }

    // A follower may not ask what only the teacher may.
    first.ask(&Ask::Quick(Quick::Letters)).unwrap();
    assert_eq!(
        said(&first_inbox),
        (false, "Only the teacher can do that.".into())
    );
    console.ask(&Ask::Quick(Quick::Letters)).unwrap();
    assert_eq!(said(&console_inbox), (true, "Question 1 is open".into()));
    for inbox in [&first_inbox, &second_inbox] {
        let class = class_where(inbox, |class| class.poll.is_some());
        let poll = class.poll.unwrap();
        assert_eq!((poll.asked.number, poll.open), (1, true));
        assert_eq!(poll.asked.choices, ["A", "B", "C", "D"]);
        assert_eq!(
            poll.counts, None,
            "the class does not see the tally while it votes"
        );
    }

    // The teacher does not answer.
    console
        .ask(&Ask::Answer {
            question: 1,
            choice: 0,
        })
        .unwrap();
    assert_eq!(
        said(&console_inbox),
        (false, "Only the teacher can do that.".into())
    );
    first
        .ask(&Ask::Answer {
            question: 1,
            choice: 1,
        })
        .unwrap();
    assert_eq!(said(&first_inbox), (true, "Your answer: B".into()));
    second
        .ask(&Ask::Answer {
            question: 1,
            choice: 3,
        })
        .unwrap();
    assert_eq!(said(&second_inbox), (true, "Your answer: D".into()));
    assert_eq!(
        tally_where(&console_inbox, |counts| counts.iter().sum::<u32>() == 2),
        [0, 1, 0, 1]
    );

    // The first follower's izumi reconnects (same process, same key) and changes its answer:
    // still one student.
    drop(first);
    let (mut again, again_inbox) = follower_keyed(address, "process-one");
    class_where(&again_inbox, |class| class.poll.is_some());
    std::thread::sleep(Duration::from_millis(300)); // a student's answers are 250 ms apart at most
    again
        .ask(&Ask::Answer {
            question: 1,
            choice: 2,
        })
        .unwrap();
    assert_eq!(said(&again_inbox), (true, "Your answer: C".into()));
    assert_eq!(
        tally_where(&console_inbox, |counts| counts[2] == 1),
        [0, 0, 1, 1],
        "a reconnected follower is counted once"
    );

    // A late answer is refused with a message.
    console.ask(&Ask::Close).unwrap();
    assert_eq!(
        said(&console_inbox),
        (true, "The question is closed".into())
    );
    class_where(&second_inbox, |class| {
        class.poll.as_ref().is_some_and(|poll| !poll.open)
    });
    second
        .ask(&Ask::Answer {
            question: 1,
            choice: 0,
        })
        .unwrap();
    assert_eq!(
        said(&second_inbox),
        (
            false,
            "This question is closed: answers are no longer taken.".into()
        )
    );

    // A student's question reaches the console only.
    second
        .ask(&Ask::Post("Why Harbin, of all places?".into()))
        .unwrap();
    assert!(said(&second_inbox).0);
    loop {
        match console_inbox.recv_timeout(WAIT).expect("the desk") {
            Message::Desk(desk) if !desk.posted.is_empty() => {
                assert_eq!(desk.posted[0].text, "Why Harbin, of all places?");
                break;
            }
            _ => {}
        }
    }
    assert!(
        !second_inbox
            .try_iter()
            .chain(again_inbox.try_iter())
            .any(|m| matches!(m, Message::Desk(_))),
        "a follower is never sent the desk"
    );
    assert_eq!(
        presenter.hub.class().board,
        [],
        "not shown until the teacher shows it"
    );
}

#[test]
fn the_desk_reaches_the_console_at_most_a_few_times_a_second_and_the_latest_wins() {
    use izumi::asking::Student;
    use izumi::asking::{Ask, Quick};
    let (presenter, _) = presenter(None);
    let (mut console, console_inbox) = Connection::join(
        presenter.address(),
        Role::Console,
        "story-1",
        Some("secret-1"),
    )
    .unwrap();
    console.ask(&Ask::Quick(Quick::YesNo)).unwrap();
    assert!(said(&console_inbox).0);
    // Answers arrive in a burst, from many students behind many addresses.
    let started = std::time::Instant::now();
    for n in 0..200u32 {
        let address = std::net::IpAddr::from([10, 0, (n / 200) as u8, (n % 200) as u8]);
        presenter
            .hub
            .answer(
                &Student::new("test", &n.to_string()),
                address,
                1,
                (n % 2) as usize,
            )
            .unwrap();
    }
    let last = tally_where(&console_inbox, |counts| counts.iter().sum::<u32>() == 200);
    assert_eq!(last, [100, 100]);
    let desks = 1 + console_inbox
        .try_iter()
        .filter(|m| matches!(m, Message::Desk(_)))
        .count();
    let allowed = 2 + (started.elapsed().as_millis() / 250) as usize;
    assert!(desks <= allowed, "{desks} desks in {:?}", started.elapsed());
}

#[test]
fn a_console_s_timer_and_blank_reach_the_presenter_a_follower_s_and_garbled_ones_do_not() {
    use common::lesson::Presenting;
    use izumi::app::Control;
    use izumi::classroom::hub::{Moment, Request};
    use izumi::classroom::net::Presenter;
    use std::sync::{Arc, Mutex};

    let (requests, asked) = mpsc::channel();
    let requests = Mutex::new(requests);
    let hub = common::lesson::hub_of(common::journey(), None, move |request| {
        let _ = requests.lock().unwrap().send(request);
    });
    hub.present(0, 0, false);
    let config = PresenterConfig {
        fingerprint: "story-1".into(),
        secret: "secret-1".into(),
        ..PresenterConfig::default()
    };
    let presenter = Presenter::listen("127.0.0.1:0", config, Arc::clone(&hub)).unwrap();
    let address = presenter.address();
    let (mut console, console_inbox) =
        Connection::join(address, Role::Console, "story-1", Some("secret-1")).unwrap();
    let (mut student, student_inbox) =
        Connection::join(address, Role::Follower, "story-1", None).unwrap();
    // A console hears whether the projector is blanked with every scene, from the start.
    assert_eq!(scene(&console_inbox), 0);
    assert_eq!(
        console_inbox.recv_timeout(WAIT),
        Ok(Message::Control(Control::Blank(false)))
    );
    assert_eq!(scene(&student_inbox), 0);

    console.control(Control::StartTimer).unwrap();
    console.control(Control::Blank(true)).unwrap();
    assert_eq!(
        asked.recv_timeout(WAIT),
        Ok(Request::Control(Control::StartTimer))
    );
    assert_eq!(
        asked.recv_timeout(WAIT),
        Ok(Request::Control(Control::Blank(true)))
    );

    // From a follower, or garbled, they move nothing and are counted as dropped.
    student.control(Control::ResetTimer).unwrap();
    student.send_raw(b"izumi/2 blank on\n").unwrap();
    console.send_raw(b"izumi/2 timer explode\n").unwrap();
    console.send_raw(b"izumi/2 blank on off\n").unwrap();
    console.send_raw(b"izumi/2 timer\n").unwrap();
    for _ in 0..200 {
        if presenter.dropped() == 5 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(presenter.dropped(), 5);
    assert!(asked.recv_timeout(Duration::from_millis(200)).is_err());

    // The presenter blanks: consoles hear it, followers only hear the scene.
    hub.show(Moment {
        scene: 0,
        blank: true,
        elapsed: Duration::ZERO,
        running: false,
    });
    let blank = loop {
        match console_inbox.recv_timeout(WAIT).expect("the blank") {
            Message::Control(Control::Blank(blank)) => break blank,
            _ => continue,
        }
    };
    assert!(blank);
    hub.present(1, 0, false);
    while scene(&student_inbox) != 1 {}
    assert!(
        student_inbox
            .try_iter()
            .all(|message| !matches!(message, Message::Control(_)))
    );
}
