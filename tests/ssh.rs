//! The presenter's SSH server in this process, driven by russh's client: students who follow,
//! read back and snap back; everything that is not a terminal reader refused and logged; the
//! caps, deadlines and limits; the host key. (`tests/openssh.rs` does the same with the real
//! OpenSSH client against the real binary.)

mod common;
#[path = "common/ssh.rs"]
mod ssh_client;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::lesson::Presenting;
use izumi::classroom::hub::Hub;
use izumi::classroom::ssh::{ClientOptions, SshConfig, SshLimits, SshServer, host_key};
use ssh_client::{Student, connect, stallable};

/// A presenter's SSH server on a loopback port, with the lesson it follows and its log.
struct Classroom {
    server: Option<SshServer>,
    hub: Arc<Hub>,
    folder: tempfile::TempDir,
}

impl Classroom {
    fn address(&self) -> SocketAddr {
        self.server.as_ref().unwrap().address()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.folder.path().join("present.log")).unwrap_or_default()
    }

    /// Waits until the log holds `text`, or fails showing it.
    async fn wait_for_log(&self, text: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !self.log().contains(text) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the log has no {text:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn key() -> russh::keys::PrivateKey {
    let folder = tempfile::tempdir().unwrap();
    host_key::load_or_create(&folder.path().join("key")).unwrap()
}

/// Serves the journey story with these settings, the presenter at its first scene.
fn classroom(configure: impl FnOnce(&mut SshConfig)) -> Classroom {
    classroom_of(common::journey(), configure)
}

fn classroom_of(story: izumi::story::Story, configure: impl FnOnce(&mut SshConfig)) -> Classroom {
    let folder = tempfile::tempdir().unwrap();
    let mut config = SshConfig {
        host_key: key(),
        token: None,
        read_ahead: false,
        limits: SshLimits::default(),
    };
    configure(&mut config);
    let hub = common::lesson::hub_of(story, Some(&folder.path().join("present.log")), |_| {});
    hub.present(0, 0, false);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server = SshServer::serve(
        &tokio::runtime::Handle::current(),
        listener,
        config,
        Arc::clone(&hub),
    )
    .unwrap();
    Classroom {
        server: Some(server),
        hub,
        folder,
    }
}

const SIZE: (u16, u16) = (80, 24);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_follows_the_presenter_reads_back_snaps_back_and_leaves_cleanly() {
    let class = classroom(|_| {});
    let mut student = Student::join(class.address(), SIZE).await;
    student.wait_for("Ada leaves the city").await;
    assert!(student.screen.screen().alternate_screen());
    class.hub.present(1, 0, false);
    student.wait_for("Bo takes her across on the ferry").await;
    // Reading back moves no one; f comes back to the presenter's scene.
    student.send("h").await;
    student.wait_for("Ada leaves the city").await;
    student.send("f").await;
    student.wait_for("Bo takes her across on the ferry").await;
    // A larger terminal is drawn at its size: the side panes stand beside the scene.
    student.resize((120, 36)).await;
    student
        .wait_until("the wider layout", |s| {
            s.contents().lines().any(|line| line.contains("People ("))
                && s.contents().contains("Footnotes (")
        })
        .await;
    student.send("q").await;
    student.wait_for_close().await;
    let screen = student.screen.screen();
    assert!(!screen.alternate_screen(), "still on the alternate screen");
    assert!(!screen.hide_cursor(), "cursor still hidden");
    assert_eq!(student.exit_status, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_who_went_back_is_not_snapped_is_told_where_the_presenter_is_and_follows_with_f()
{
    let class = classroom(|config| config.read_ahead = true);
    let mut student = Student::join(class.address(), SIZE).await;
    student.wait_for("Ada leaves the city").await;
    class.hub.present(1, 0, false);
    student.wait_for("Bo takes her across on the ferry").await;
    // Back a scene, and an entry open: the presenter moving on moves neither.
    student.send("h").await;
    student.wait_for("Ada leaves the city").await;
    student.send("\t\r").await;
    student.wait_for("Life: ").await;
    class.hub.present(2, 0, false);
    student.wait_for("Presenter is at scene 3").await;
    student.wait_for("press f to follow").await;
    assert!(
        student.contents().contains("Life: "),
        "{}",
        student.contents()
    );
    // f follows: to the presenter's scene, and along with it from then on.
    student.send("f").await;
    student.wait_for("The town is quiet all winter").await;
    student.shows_none_of(&["Presenter is at scene"]);
    class.hub.present(3, 0, false);
    student.wait_for("Ada reaches Rome").await;
    student.send("q").await;
    student.wait_for_close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_read_ahead_a_student_reads_only_as_far_as_the_presenter_has_gone() {
    let class = classroom(|_| {});
    class.hub.present(1, 0, false);
    class.hub.present(0, 0, false);
    let mut student = Student::join(class.address(), SIZE).await;
    student.wait_for("Ada leaves the city").await;
    // End goes as far as the furthest scene shown, and says why not further.
    student.send("\x1b[F").await;
    student.wait_for("Bo takes her across on the ferry").await;
    student.wait_for("not shown yet").await;
    // The timeline lists what was shown, and nothing after.
    student.send("t").await;
    student.wait_for("Every scene by date").await;
    student.shows_none_of(&["Winter in Bergen"]);
    // When the presenter goes on, so may the student (who, away with the timeline open, is
    // told and follows with f).
    class.hub.present(3, 0, false);
    student.wait_for("Presenter is at scene 4").await;
    student.send("f").await;
    student.wait_for("Ada reaches Rome").await;

    let open = classroom(|config| config.read_ahead = true);
    let mut student = Student::join(open.address(), SIZE).await;
    student.wait_for("Ada leaves the city").await;
    student.send("\x1b[F").await;
    student.wait_for("Ada reaches Rome").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_chooses_a_theme_and_no_colour() {
    let class = classroom(|_| {});
    let mut handle = connect(class.address()).await;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    let mut plain = Student::open(handle, SIZE, &[("NO_COLOR", "1")], None).await;
    plain.wait_for("Ada leaves the city").await;
    plain.send("/bag").await;
    // One scene shown, one hit, drawn picked: emphasis without colour.
    plain.wait_for("1 hit").await;
    let raw = String::from_utf8_lossy(&plain.raw).into_owned();
    assert_eq!(colour_in(&raw), None);
    assert!(
        raw.contains("\x1b[7m") || raw.contains("\x1b[1m"),
        "emphasis kept"
    );

    // `ssh -t HOST -- --theme light`: the options arrive as a command with a terminal.
    let mut handle = connect(class.address()).await;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    let mut light = Student::open(handle, SIZE, &[], Some("--theme light")).await;
    light.wait_for("Ada leaves the city").await;
    let mut handle = connect(class.address()).await;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    let mut dark = Student::open(handle, SIZE, &[], None).await;
    dark.wait_for("Ada leaves the city").await;
    assert_ne!(light.raw, dark.raw, "the light theme draws other colours");
    let mut handle = connect(class.address()).await;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    let mut no_colour = Student::open(handle, SIZE, &[], Some("--no-color")).await;
    no_colour.wait_for("Ada leaves the city").await;
    let raw = String::from_utf8_lossy(&no_colour.raw).into_owned();
    assert_eq!(colour_in(&raw), None);
}

/// The first sequence in `raw` that sets a colour (a reset to the terminal's own colours is
/// not one).
fn colour_in(raw: &str) -> Option<String> {
    let colour = regex::Regex::new(r"\x1b\[(?:[34]8;[0-9;]*|[349][0-7]|10[0-7])m").unwrap();
    colour
        .find(raw)
        .map(|found| format!("{:?}", found.as_str()))
}

#[test]
fn reader_options_are_the_only_commands_taken() {
    assert_eq!(
        ClientOptions::parse(b"--theme light"),
        Some(ClientOptions {
            theme: Some("light"),
            no_colour: false
        })
    );
    assert_eq!(
        ClientOptions::parse(b"--theme=high-contrast --no-color"),
        Some(ClientOptions {
            theme: Some("high-contrast"),
            no_colour: true
        })
    );
    assert_eq!(ClientOptions::parse(b""), Some(ClientOptions::default()));
    for command in [
        b"cat /etc/passwd".as_slice(),
        b"--theme",
        b"--theme purple",
        b"--theme light; rm -rf ~",
        b"--story /etc",
        &[b'-'; 100],
        b"--theme \xff",
    ] {
        assert_eq!(ClientOptions::parse(command), None, "{command:?}");
    }
}

/// A session channel on a fresh connection let in without a password.
async fn session_channel(address: SocketAddr) -> russh::Channel<russh::client::Msg> {
    let mut handle = connect(address).await;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    let channel = handle.channel_open_session().await.unwrap();
    // The connection lives as long as its channel is used.
    std::mem::forget(handle);
    channel
}

/// What a refused channel got: its text and exit status, once the server closed it.
async fn refusal(mut channel: russh::Channel<russh::client::Msg>) -> (String, Option<u32>) {
    let mut text = Vec::new();
    let mut status = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, channel.wait()).await {
        match message {
            russh::ChannelMsg::Data { data } | russh::ChannelMsg::ExtendedData { data, .. } => {
                text.extend_from_slice(&data)
            }
            russh::ChannelMsg::ExitStatus { exit_status } => status = Some(exit_status),
            russh::ChannelMsg::Close => break,
            _ => {}
        }
    }
    (String::from_utf8_lossy(&text).into_owned(), status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_a_subsystem_and_a_session_without_a_terminal_are_refused_with_a_line() {
    let class = classroom(|_| {});
    let channel = session_channel(class.address()).await;
    channel.exec(false, "cat /etc/passwd").await.unwrap();
    let (text, status) = refusal(channel).await;
    assert!(text.contains("no command runs here"), "{text:?}");
    assert!(!text.contains("root:"), "{text:?}");
    assert_eq!(status, Some(1));

    let channel = session_channel(class.address()).await;
    channel.request_subsystem(false, "sftp").await.unwrap();
    let (text, _) = refusal(channel).await;
    assert!(text.contains("no files here"), "{text:?}");

    let channel = session_channel(class.address()).await;
    channel.request_shell(false).await.unwrap();
    let (text, status) = refusal(channel).await;
    assert!(text.contains("needs a terminal"), "{text:?}");
    assert_eq!(status, Some(1));

    class.wait_for_log("ssh refused: a command (exec)").await;
    class
        .wait_for_log("ssh refused: a subsystem (such as sftp)")
        .await;
    class
        .wait_for_log("ssh refused: no terminal asked for")
        .await;
    // The log says what was refused in izumi's words, never what the client sent.
    assert!(!class.log().contains("passwd"), "{}", class.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_agent_and_x11_are_refused_and_logged() {
    let class = classroom(|_| {});
    let mut handle = connect(class.address()).await;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    assert!(
        handle
            .channel_open_direct_tcpip("127.0.0.1", 22, "127.0.0.1", 5000)
            .await
            .is_err(),
        "-L opened a channel"
    );
    assert!(
        handle.tcpip_forward("127.0.0.1", 0).await.is_err(),
        "-R was granted"
    );
    assert!(
        handle
            .channel_open_direct_streamlocal("/run/anything.sock")
            .await
            .is_err()
    );
    let mut channel = handle.channel_open_session().await.unwrap();
    channel.agent_forward(true).await.unwrap();
    channel
        .request_x11(true, false, "MIT-MAGIC-COOKIE-1", "00", 0)
        .await
        .unwrap();
    let mut failures = 0;
    while failures < 2 {
        match tokio::time::timeout(Duration::from_secs(5), channel.wait()).await {
            Ok(Some(russh::ChannelMsg::Failure)) => failures += 1,
            Ok(Some(russh::ChannelMsg::Success)) => panic!("a forwarding request was granted"),
            Ok(Some(_)) => {}
            other => panic!("no answer to the forwarding requests: {other:?}"),
        }
    }
    for line in [
        "ssh refused: local port forwarding",
        "ssh refused: remote port forwarding (ssh -R)",
        "ssh refused: socket forwarding",
        "ssh refused: agent forwarding (ssh -A)",
        "ssh refused: X11 forwarding (ssh -X)",
    ] {
        class.wait_for_log(line).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_loopback_the_token_is_the_password() {
    let class = classroom(|config| config.token = Some("tea-time".into()));
    let mut handle = connect(class.address()).await;
    assert!(!handle.authenticate_none("class").await.unwrap().success());
    assert!(
        !handle
            .authenticate_password("class", "coffee")
            .await
            .unwrap()
            .success()
    );
    class.wait_for_log("ssh refused: wrong token").await;
    assert!(!class.log().contains("coffee"));
    assert!(
        handle
            .authenticate_password("class", "tea-time")
            .await
            .unwrap()
            .success()
    );
    let mut student = Student::open(handle, SIZE, &[], None).await;
    student.wait_for("Ada leaves the city").await;

    // Keyboard-interactive, as some clients prefer: one prompt, the token.
    let mut handle = connect(class.address()).await;
    let asked = handle
        .authenticate_keyboard_interactive_start("class", None::<String>)
        .await
        .unwrap();
    assert!(
        matches!(
            asked,
            russh::client::KeyboardInteractiveAuthResponse::InfoRequest { .. }
        ),
        "{asked:?}"
    );
    let answered = handle
        .authenticate_keyboard_interactive_respond(vec!["tea-time".into()])
        .await
        .unwrap();
    assert!(
        matches!(
            answered,
            russh::client::KeyboardInteractiveAuthResponse::Success
        ),
        "{answered:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_student_more_than_the_places_is_told_the_class_is_full() {
    let class = classroom(|config| config.limits.sessions = 2);
    let mut first = Student::join(class.address(), SIZE).await;
    let mut second = Student::join(class.address(), SIZE).await;
    first.wait_for("Ada leaves the city").await;
    second.wait_for("Ada leaves the city").await;
    let mut third = Student::join(class.address(), SIZE).await;
    third.wait_for("the class is full").await;
    third.wait_for_close().await;
    class
        .wait_for_log("ssh refused: the class is full (2 sessions)")
        .await;
    // When one leaves, a place is free.
    first.send("q").await;
    first.wait_for_close().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while class.server.as_ref().unwrap().sessions() > 1 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut fourth = Student::join(class.address(), SIZE).await;
    fourth.wait_for("Ada leaves the city").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_becomes_a_session_is_cut_at_the_deadline() {
    // Room for a key exchange and a login on a busy machine, then nothing more.
    let class = classroom(|config| config.limits.handshake = Duration::from_secs(2));
    // One that says nothing at all, and one that logs in and asks for nothing.
    let mut silent = tokio::net::TcpStream::connect(class.address())
        .await
        .unwrap();
    let mut handle = connect(class.address()).await;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    let mut buffer = vec![0; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        use tokio::io::AsyncReadExt;
        loop {
            match silent.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the silent connection is still open");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !handle.is_closed() {
        assert!(tokio::time::Instant::now() < deadline, "still open");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    class
        .wait_for_log("ssh cut: no terminal session within 2 s of connecting")
        .await;
    assert_eq!(class.server.as_ref().unwrap().connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_who_stops_reading_is_cut_and_the_others_keep_following() {
    let class = classroom_of(izumi::story::load_embedded(), |config| {
        config.limits.write_timeout = Duration::from_millis(500);
    });
    let (handle, stalled) = stallable(class.address()).await;
    let mut handle = handle;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    let mut stuck = Student::open(handle, (200, 60), &[], None).await;
    stuck.wait_for("How the story is known").await;
    stalled.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut reading = Student::join(class.address(), (200, 60)).await;
    reading.wait_for("How the story is known").await;
    // The presenter goes on; each scene is a new frame for both.
    for scene in 1..40 {
        class.hub.present(scene, 0, false);
        let number = format!("{} of 86", scene + 1);
        reading
            .wait_until(&number, |s| s.contents().contains(&number))
            .await;
    }
    class
        .wait_for_log("ssh cut: not reading (a write waited 0.5 s)")
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while class.server.as_ref().unwrap().sessions() > 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stuck session is still served"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_faster_than_the_limit_are_dropped_and_logged() {
    let class = classroom_of(izumi::story::load_embedded(), |config| {
        config.read_ahead = true;
        config.limits.keys_per_second = 5;
    });
    let mut student = Student::join(class.address(), (120, 36)).await;
    student.wait_for("1 of 86 in story").await;
    // Twenty moves in one packet: five are taken.
    student.send(&"l".repeat(20)).await;
    student.wait_for("6 of 86 in story").await;
    class
        .wait_for_log("ssh dropped: keys faster than 5 a second")
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    student.read_for(Duration::from_millis(100)).await;
    assert!(
        student.contents().contains("6 of 86 in story"),
        "{}",
        student.contents()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_closes_and_says_why() {
    let class = classroom(|config| config.limits.idle = Duration::from_millis(700));
    let mut student = Student::join(class.address(), SIZE).await;
    student.wait_for("Ada leaves the city").await;
    student.wait_for_close().await;
    let said = String::from_utf8_lossy(&student.raw).into_owned();
    assert!(
        said.contains("nothing happened for a long while"),
        "{said:?}"
    );
    assert!(!student.screen.screen().alternate_screen());
    class.wait_for_log("ssh cut: idle for").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_presenter_stops_every_student_is_told_and_let_go() {
    let mut class = classroom(|_| {});
    let mut student = Student::join(class.address(), SIZE).await;
    student.wait_for("Ada leaves the city").await;
    let server = class.server.take().unwrap();
    tokio::task::spawn_blocking(move || drop(server))
        .await
        .unwrap();
    student.wait_for_close().await;
    let said = String::from_utf8_lossy(&student.raw).into_owned();
    assert!(said.contains("the presenter has stopped"), "{said:?}");
    assert!(!student.screen.screen().alternate_screen());
}

#[test]
fn the_host_key_is_made_once_kept_private_and_reused() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("izumi").join(host_key::FILE_NAME);
    let made = host_key::load_or_create(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let again = host_key::load_or_create(&path).unwrap();
    assert_eq!(host_key::fingerprint(&made), host_key::fingerprint(&again));
    assert!(host_key::fingerprint(&made).starts_with("SHA256:"));
}

#[test]
fn a_host_key_file_that_is_odd_is_refused_never_replaced_or_followed() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(host_key::FILE_NAME);
    host_key::load_or_create(&path).unwrap();
    // Readable by others.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let error = host_key::load_or_create(&path).unwrap_err().to_string();
    assert!(
        error.contains("readable by others") && error.contains("chmod 600"),
        "{error}"
    );
    // Not a key.
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, "hello").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let error = host_key::load_or_create(&path).unwrap_err().to_string();
    assert!(error.contains("not an unencrypted ed25519 key"), "{error}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
    // A link planted in its place, to a key elsewhere.
    std::fs::remove_file(&path).unwrap();
    let elsewhere = folder.path().join("elsewhere");
    host_key::load_or_create(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
    let error = host_key::load_or_create(&path).unwrap_err().to_string();
    assert!(error.contains("symbolic link"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_leaves_at_once_from_anywhere_with_status_130() {
    let class = classroom(|_| {});
    let mut student = Student::join(class.address(), SIZE).await;
    student.wait_for("Ada leaves the city").await;
    // Even while typing into a search.
    student.send("/ada").await;
    student.wait_for("Search: ada").await;
    student.send("\x03").await;
    student.wait_for_close().await;
    assert_eq!(student.exit_status, Some(130));
    assert!(!student.screen.screen().alternate_screen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_claiming_an_enormous_window_is_drawn_at_the_largest_size() {
    let class = classroom(|_| {});
    let channel = session_channel(class.address()).await;
    channel
        .request_pty(false, "xterm", 100_000, 100_000, 0, 0, &[])
        .await
        .unwrap();
    channel.request_shell(false).await.unwrap();
    let mut channel = channel;
    let (columns, rows) = izumi::classroom::ssh::MAX_WINDOW;
    // A screen as large as the largest drawn, and one column and row more, to see past it.
    let mut screen = vt100::Parser::new(
        (rows + 1).try_into().unwrap(),
        (columns + 1).try_into().unwrap(),
        0,
    );
    let mut received = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !screen.screen().contents().contains("Ada leaves the city") {
        match tokio::time::timeout_at(deadline, channel.wait()).await {
            Ok(Some(russh::ChannelMsg::Data { data })) => {
                received.extend_from_slice(&data);
                screen.process(&data);
            }
            Ok(Some(_)) => {}
            other => panic!("no first frame: {other:?}"),
        }
    }
    // The frame is laid out within the students' largest window: nothing is placed past it.
    let text = String::from_utf8_lossy(&received).into_owned();
    let beyond = regex::Regex::new(r"\x1b\[(\d+);(\d+)H").unwrap();
    for place in beyond.captures_iter(&text) {
        let row: u32 = place[1].parse().unwrap();
        let column: u32 = place[2].parse().unwrap();
        assert!(
            row <= u32::from(rows) && column <= u32::from(columns),
            "{row};{column}"
        );
    }
    // Others are served as usual.
    let mut other = Student::join(class.address(), SIZE).await;
    other.wait_for("Ada leaves the city").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_first_scene_a_student_sees_no_place_or_term_of_later_scenes() {
    let class = classroom(|_| {});
    let mut student = Student::join(class.address(), (120, 40)).await;
    student.wait_for("Ada leaves the city").await;
    // The places as a list: the first scene's place, today's name and country; no other.
    student.send("m").await;
    student.wait_for("Oslo, Norway").await;
    student.shows_none_of(&["Bergen", "Rome", "Italy"]);
    // The glossary has no term the first scene uses, and shows none of later scenes.
    student.send("g").await;
    student.wait_for("Glossary").await;
    student.shows_none_of(&["carries people across water"]);
    // Shown the second scene, the student may see Bergen and the ferry (with the glossary
    // open, where letters are typed, they are told where the presenter is, close it and
    // follow with f).
    class.hub.present(1, 0, false);
    student.wait_for("Presenter is at scene 2").await;
    student.send("\x1b").await;
    student
        .wait_until("the glossary closed", |s| {
            !s.contents().contains("Glossary")
        })
        .await;
    student.send("f").await;
    student.wait_for("Bo takes her across").await;
    student.send("g").await;
    student.wait_for("carries people across water").await;
    student.send("\x1b").await;
    student.wait_for("Bergen").await;
    student.shows_none_of(&["Rome"]);
}

/// Holds `count` sockets to `address` from a few addresses 127.0.0.2 and up (eight each, the
/// most one address may have setting up), each reopened as soon as the server cuts it, until
/// `stop` is set: every other one says an SSH client's first line and then nothing, the rest
/// say nothing at all. Counts the sockets opened.
fn flood_of_silent_sockets(
    address: SocketAddr,
    count: usize,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Arc<std::sync::atomic::AtomicUsize> {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let opened = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for index in 0..count {
        let (stop, opened) = (Arc::clone(&stop), Arc::clone(&opened));
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let socket = tokio::net::TcpSocket::new_v4().unwrap();
                let from = std::net::Ipv4Addr::new(127, 0, 0, 2 + (index / 8) as u8);
                socket.bind(SocketAddr::from((from, 0))).unwrap();
                let Ok(mut stream) = socket.connect(address).await else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                opened.fetch_add(1, Ordering::Relaxed);
                if index % 2 == 1 {
                    let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
                }
                // Reads what the server says until it hangs up.
                let mut buffer = [0; 1024];
                while !stop.load(Ordering::Relaxed) {
                    let read =
                        tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buffer));
                    if let Ok(Ok(0) | Err(_)) = read.await {
                        break;
                    }
                }
            }
        });
    }
    opened
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_sockets_held_open_and_reopened_do_not_keep_a_student_out() {
    let class = classroom(|_| {});
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let places = izumi::classroom::ssh::MAX_HANDSHAKES;
    let opened = flood_of_silent_sockets(class.address(), places + 16, Arc::clone(&stop));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while class.server.as_ref().unwrap().setting_up() < places {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the flood never filled the places"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for _ in 0..3 {
        let joined = tokio::time::timeout(Duration::from_secs(5), async {
            let mut student = Student::join(class.address(), SIZE).await;
            student.wait_for("Ada leaves the city").await;
            student
        })
        .await;
        let student = joined.expect("a student got in within 5 s of knocking, beside the flood");
        student.send("q").await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(opened.load(std::sync::atomic::Ordering::Relaxed) > places);
    class.wait_for_log("to make room for a newcomer").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_sends_nothing_is_cut_after_a_few_seconds_and_one_that_never_logs_in_soon_after()
 {
    let class = classroom(|config| {
        // Room for a key exchange on a busy machine, but not for the login that never comes.
        config.limits.identify = Duration::from_secs(1);
        config.limits.log_in = Duration::from_secs(3);
    });
    let started = tokio::time::Instant::now();
    let mut silent = tokio::net::TcpStream::connect(class.address())
        .await
        .unwrap();
    let not_logging_in = connect(class.address()).await;
    let mut buffer = vec![0; 4096];
    tokio::time::timeout(Duration::from_secs(5), async {
        use tokio::io::AsyncReadExt;
        while let Ok(read) = silent.read(&mut buffer).await
            && read > 0
        {}
    })
    .await
    .expect("the silent socket is still open");
    class
        .wait_for_log("ssh cut: sent nothing within 1 s of connecting")
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !not_logging_in.is_closed() {
        assert!(tokio::time::Instant::now() < deadline, "still open");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(started.elapsed() >= Duration::from_secs(3));
    class
        .wait_for_log("ssh cut: not logged in within 3 s of connecting")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_sessions_claiming_huge_windows_stay_within_the_screen_budget_and_give_it_back()
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    let class = classroom(|_| {});
    let address = class.address();
    let limits = SshLimits::default();
    let students = limits.sessions;
    let gate = Arc::new(tokio::sync::Semaphore::new(32));
    let drawn = Arc::new(AtomicUsize::new(0));
    let told_why = Arc::new(AtomicUsize::new(0));
    let (leave, _) = tokio::sync::watch::channel(false);
    let mut sessions = Vec::new();
    for n in 0..students {
        let (gate, drawn, told_why) =
            (Arc::clone(&gate), Arc::clone(&drawn), Arc::clone(&told_why));
        let mut leave = leave.subscribe();
        sessions.push(tokio::spawn(async move {
            let mut permit = Some(gate.acquire_owned().await.unwrap());
            // A class: each student from a machine of their own.
            let (handle, mut channel) = ssh_client::terminal_from(n, address, (400, 200)).await;
            let mut received = Vec::new();
            loop {
                tokio::select! {
                    message = channel.wait() => match message {
                        Some(russh::ChannelMsg::Data { data }) => {
                            received.extend_from_slice(&data);
                            if permit.take().is_some() {
                                drawn.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        Some(_) => {}
                        None => break,
                    },
                    _ = leave.changed() => channel.data(&b"q"[..]).await.unwrap(),
                }
            }
            drop(handle);
            let received = String::from_utf8_lossy(&received);
            if received.contains("the class's screens hold all the memory the presenter allows") {
                told_why.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    let server = class.server.as_ref().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while drawn.load(Ordering::SeqCst) < students {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of {students} sessions drew a first frame",
            drawn.load(Ordering::SeqCst)
        );
        assert!(server.screen_cells() <= limits.screen_cells);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Every place holds at least its floor, and all of them no more than the budget.
    let held = server.screen_cells();
    assert_eq!(server.sessions(), students);
    assert!(
        held >= students
            * izumi::classroom::ssh::screens::cells(izumi::classroom::ssh::screens::FLOOR),
        "{held}"
    );
    assert!(held <= limits.screen_cells, "{held} cells held");
    class
        .wait_for_log("not the 300×100 asked: the class's screens hold all the cells")
        .await;
    leave.send_replace(true);
    for session in sessions {
        tokio::time::timeout(Duration::from_secs(60), session)
            .await
            .expect("a session that never closed")
            .unwrap();
    }
    // Those drawn smaller than their terminal were told why, under their screen.
    assert!(told_why.load(Ordering::SeqCst) > students / 2);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while server.sessions() > 0 || server.screen_cells() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} sessions still hold {} cells",
            server.sessions(),
            server.screen_cells()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Frames drawn in what a client received: the reader hides the cursor at the end of each.
fn frames_in(raw: &[u8]) -> usize {
    raw.windows(6).filter(|bytes| bytes == b"\x1b[?25l").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resize_storm_is_drawn_a_few_times_a_second_and_the_class_keeps_following() {
    let class = classroom(|_| {});
    let mut calm = Student::join(class.address(), SIZE).await;
    calm.wait_for("Ada leaves the city").await;
    let mut storm = Student::join(class.address(), SIZE).await;
    storm.wait_for("Ada leaves the city").await;
    let frames_before = frames_in(&storm.raw);
    let started = tokio::time::Instant::now();
    // A thousand window changes in about a second, the storm reading as it goes.
    for burst in 0..10 {
        for change in 0..100 {
            let size = if change % 2 == 0 { (80, 24) } else { (120, 36) };
            storm.resize(size).await;
        }
        if burst == 5 {
            class.hub.present(1, 0, false);
            let moved = tokio::time::Instant::now();
            calm.wait_for("Bo takes her across on the ferry").await;
            assert!(
                moved.elapsed() < Duration::from_secs(5),
                "the presenter's move took {:?} to reach another student",
                moved.elapsed()
            );
        }
        let next = started + Duration::from_millis(100 * (burst + 1));
        while tokio::time::Instant::now() < next {
            storm
                .read_for(next.saturating_duration_since(tokio::time::Instant::now()))
                .await;
        }
    }
    // The last size is drawn: the wider layout, on the presenter's scene.
    storm
        .wait_until("the last size drawn", |s| {
            s.contents().contains("Footnotes (") && s.contents().contains("Bo takes her across")
        })
        .await;
    // A thousand changes a second against fifty keys a second: each second's budget is spent
    // by its second frame, and the last size is drawn when the next second begins.
    let seconds = started.elapsed().as_secs() + 1;
    let frames = frames_in(&storm.raw) - frames_before;
    eprintln!("{frames} frames in {seconds} s for the storm");
    assert!(
        frames <= usize::try_from(seconds * 2 + 1).unwrap(),
        "{frames} frames in {seconds} s for the storm"
    );
    class
        .wait_for_log("ssh dropped: window changes faster than 50 a second")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_idle_sockets_from_one_address_hold_only_its_share() {
    use izumi::classroom::doors::Caps;
    let class = classroom(|_| {});
    let mut idle = Vec::new();
    for _ in 0..64 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        idle.push(socket.connect(class.address()).await.unwrap());
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while class.server.as_ref().unwrap().setting_up() < Caps::SETTING_UP_PER_ADDRESS {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sockets never arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        class.server.as_ref().unwrap().setting_up(),
        Caps::SETTING_UP_PER_ADDRESS
    );
    // A student on another machine gets in at once.
    let joined = tokio::time::timeout(Duration::from_secs(10), async {
        let mut student = Student::join(class.address(), SIZE).await;
        student.wait_for("Ada leaves the city").await;
        student
    })
    .await;
    joined
        .expect("a student got in beside the idle sockets")
        .send("q")
        .await;
    class
        .wait_for_log("too many connections setting up from this address")
        .await;
    drop(idle);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_who_may_not_read_ahead_sees_only_what_was_shown_of_ada() {
    let class = classroom(|_| {});
    class.hub.present(1, 0, false);
    let mut student = Student::join(class.address(), (120, 40)).await;
    student.wait_for("Bo takes her across on the ferry").await;
    // Ada's entry: her first scene's bio and the ferry's part; nothing of Rome.
    student.send("\t\r").await;
    student.wait_for("Life: ").await;
    student
        .wait_for("Someone takes her over the water in May.")
        .await;
    student.wait_for("More later in the story.").await;
    student.shows_none_of(&["She reaches Rome", "Kite", "settled in Rome", "arrival"]);
    // The student's key to be told everything is not theirs to use while following.
    student.send("\x1b").await;
    student
        .wait_until("the entry closed", |s| !s.contents().contains("Life: "))
        .await;
    student.send("e").await;
    student.wait_for("what the presenter has shown").await;
    student.shows_none_of(&["She reaches Rome"]);
    // Once the presenter has shown Rome (the student, following, goes along), Ada's pane
    // tells it.
    class.hub.present(3, 0, false);
    student.wait_for("Ada reaches Rome").await;
    student.wait_for("traveller, settled in Rome").await;
    student.wait_for("Heron, Kite").await;
    student.send("q").await;
    student.wait_for_close().await;
}
