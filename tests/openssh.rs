//! End to end with the real OpenSSH client (`ssh`, `sftp` and `ssh-keygen` from Debian's
//! `openssh-client`; `.ci/run` installs it when missing) against the real binary: a student
//! follows `izumi present --ssh` in a pseudo-terminal, and everything that is not that reader
//! is refused. Loopback only.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::free_port;
use common::terminal::Session;

/// The options every `ssh` here is run with: no configuration or known hosts of the user's,
/// no questions, only errors said.
const OPTIONS: &[&str] = &[
    "-F",
    "/dev/null",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "ConnectTimeout=10",
];

/// `ssh` must be there: these tests are the ones that show a real client gets what it should.
fn need_openssh() {
    let found = Command::new("ssh").arg("-V").output();
    assert!(
        found.is_ok_and(|output| output.status.success()),
        "these tests need OpenSSH's client: apt-get install openssh-client"
    );
}

/// A presenter serving SSH on its own port, with these extra options.
struct Presenter {
    session: Session,
    ssh_port: u16,
    listen_port: u16,
}

impl Presenter {
    fn start(options: &str) -> Presenter {
        need_openssh();
        let (listen_port, ssh_port) = (free_port(), free_port());
        let session = Session::start(&format!(
            r#""$0" present --listen 127.0.0.1:{listen_port} --ssh 127.0.0.1:{ssh_port} {options} --story "$1"; echo "EXIT=$?""#
        ));
        session.wait_for("follow in a terminal: ssh -p");
        Presenter {
            session,
            ssh_port,
            listen_port,
        }
    }

    /// The `ssh` command line for this presenter, then `rest`, as a shell would quote it.
    fn ssh(&self, rest: &str) -> String {
        format!(
            "ssh -p {} {} {rest} class@127.0.0.1",
            self.ssh_port,
            OPTIONS.join(" ")
        )
    }

    /// Runs `ssh` (or `sftp`) with these arguments and no terminal, for at most 30 seconds.
    fn run(&self, program: &str, arguments: &[&str], env: &[(&str, &str)]) -> Output {
        let port = self.ssh_port.to_string();
        let port_flag = if program == "sftp" { "-P" } else { "-p" };
        let mut command = Command::new("timeout");
        command
            .args(["30", program, port_flag, &port])
            .args(OPTIONS)
            .args(arguments)
            .stdin(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().unwrap()
    }

    fn log(&self) -> String {
        let log = self
            .session
            .home
            .path()
            .join(format!("izumi/present-{}.log", self.listen_port));
        std::fs::read_to_string(log).unwrap_or_default()
    }

    fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.log().contains(text) {
            assert!(
                Instant::now() < deadline,
                "the log has no {text:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn quit(mut self) {
        self.session.send("q");
        self.session.wait_for("EXIT=0");
    }
}

/// What a command printed, both streams.
fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_student_follows_over_ssh_reads_back_snaps_back_resizes_and_leaves_the_terminal_as_it_was() {
    let mut presenter = Presenter::start("");
    let mut student = Session::start_sized(
        &format!(
            r#"{}; echo "EXIT=$?"; stty -a; echo STTY-DONE"#,
            presenter.ssh("")
        ),
        &[],
        (80, 24),
    );
    student.wait_for("Ada leaves the city");
    student.wait_for("f follow");
    // The presenter moves, and the student with it.
    presenter.session.send("l");
    student.wait_for("Bo takes her across on the ferry");
    // The student reads back, moving no one, and snaps back with f.
    student.send("h");
    student.wait_for("Ada leaves the city");
    presenter.session.wait_for("scene 2/3");
    student.send("f");
    student.wait_for("Bo takes her across on the ferry");
    // A larger window is drawn at its size: the side panes beside the scene, the timeline.
    student.resize((120, 40));
    student.wait_for("Timeline");
    student.wait_until("the people beside the scene", |screen| {
        screen.contains("People (2)")
    });
    // A student who went back is not dragged along when the presenter moves: told where the
    // presenter is, they follow with f.
    student.send("h");
    student.wait_for("Ada leaves the city");
    presenter.session.send("l");
    presenter.session.wait_for("scene 3/3");
    student.wait_for("Presenter is at scene 3 — press f to follow");
    assert!(student.contents().contains("Ada leaves the city"));
    student.send("f");
    student.wait_for("The town is quiet all winter");
    // Not past the furthest scene shown.
    student.send("l");
    student.wait_for("not shown yet");
    student.send("q");
    student.wait_for("EXIT=0");
    student.wait_for("STTY-DONE");
    student.assert_restored();
    presenter.quit();
}

#[test]
fn the_fingerprint_the_presenter_prints_is_the_key_students_are_shown() {
    let mut presenter = Presenter::start("");
    // What a client is shown: `ssh-keyscan` asks for the key as a client does.
    let scanned = Command::new("ssh-keyscan")
        .args([
            "-p",
            &presenter.ssh_port.to_string(),
            "-t",
            "ed25519",
            "127.0.0.1",
        ])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let mut keygen = Command::new("ssh-keygen")
        .args(["-l", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    keygen
        .stdin
        .take()
        .unwrap()
        .write_all(&scanned.stdout)
        .unwrap();
    let seen = keygen.wait_with_output().unwrap();
    let seen = String::from_utf8_lossy(&seen.stdout).into_owned();
    // The key kept in the state folder, mode 0600.
    let key = presenter
        .session
        .home
        .path()
        .join("izumi/ssh_host_ed25519_key");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // What the presenter printed as it started, found on the main screen once it quits.
    presenter.session.send("q");
    presenter.session.wait_for("EXIT=0");
    let printed = presenter.session.contents();
    let fingerprint = printed
        .split_whitespace()
        .find(|word| word.starts_with("SHA256:"))
        .unwrap_or_else(|| panic!("no fingerprint printed:\n{printed}"));
    assert!(seen.contains(fingerprint), "{seen} / {fingerprint}");
}

#[test]
fn commands_sftp_forwarding_and_sessions_without_a_terminal_are_refused() {
    let presenter = Presenter::start("");
    // A command.
    let output = presenter.run("ssh", &["class@127.0.0.1", "cat", "/etc/passwd"], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", said(&output));
    assert!(
        said(&output).contains("no command runs here"),
        "{}",
        said(&output)
    );
    assert!(!said(&output).contains("root:"));
    // No terminal.
    let output = presenter.run("ssh", &["-T", "class@127.0.0.1"], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", said(&output));
    assert!(
        said(&output).contains("needs a terminal"),
        "{}",
        said(&output)
    );
    // sftp.
    let output = presenter.run("sftp", &["class@127.0.0.1"], &[]);
    assert!(!output.status.success(), "{}", said(&output));
    // Remote forwarding: refused, so ssh gives up at once.
    let output = presenter.run(
        "ssh",
        &[
            "-N",
            "-o",
            "ExitOnForwardFailure=yes",
            "-R",
            "0:127.0.0.1:9",
            "class@127.0.0.1",
        ],
        &[],
    );
    assert!(!output.status.success(), "{}", said(&output));
    assert!(
        said(&output).contains("remote port forwarding failed"),
        "{}",
        said(&output)
    );
    // Local forwarding: ssh listens, but what comes through is refused by the server.
    let local = free_port();
    let mut forwarding = Command::new("ssh")
        .args(["-p", &presenter.ssh_port.to_string()])
        .args(OPTIONS)
        .args([
            "-N",
            "-L",
            &format!("127.0.0.1:{local}:127.0.0.1:{}", presenter.listen_port),
            "class@127.0.0.1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut through = loop {
        if let Ok(stream) = std::net::TcpStream::connect(("127.0.0.1", local)) {
            break stream;
        }
        assert!(Instant::now() < deadline, "ssh -L never listened");
        std::thread::sleep(Duration::from_millis(50));
    };
    through
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    use std::io::Read;
    let _ = through.read_to_end(&mut answer);
    assert!(answer.is_empty(), "something came through a local forward");
    let _ = forwarding.kill();
    let _ = forwarding.wait();
    // Stdio forwarding (-W) is the same request.
    let output = presenter.run("ssh", &["-W", "127.0.0.1:22", "class@127.0.0.1"], &[]);
    assert!(!output.status.success(), "{}", said(&output));

    for line in [
        "ssh refused: a command (exec)",
        "ssh refused: no terminal asked for",
        "ssh refused: a subsystem (such as sftp)",
        "ssh refused: remote port forwarding (ssh -R)",
        "ssh refused: local port forwarding (ssh -L, -W or -D)",
    ] {
        presenter.wait_for_log(line);
    }
    assert!(!presenter.log().contains("passwd"), "{}", presenter.log());
    presenter.quit();
}

/// The environment that makes ssh take its password from `program`, with no terminal asked.
fn asking(program: &str) -> [(&str, &str); 2] {
    [("SSH_ASKPASS", program), ("SSH_ASKPASS_REQUIRE", "force")]
}

/// A program that prints a password for ssh to use (`SSH_ASKPASS`), in a folder of its own.
fn askpass(folder: &Path, password: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = folder.join(format!("askpass-{password}"));
    std::fs::write(&path, format!("#!/bin/sh\necho '{password}'\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn with_a_token_a_wrong_password_is_refused_and_the_right_one_lets_a_student_in() {
    let presenter = Presenter::start("--token tea-time");
    let folder = tempfile::tempdir().unwrap();
    let coffee = askpass(folder.path(), "coffee");
    let tea = askpass(folder.path(), "tea-time");
    let output = presenter.run(
        "ssh",
        &["-o", "NumberOfPasswordPrompts=1", "class@127.0.0.1"],
        &asking(&coffee),
    );
    assert_eq!(output.status.code(), Some(255), "{}", said(&output));
    assert!(
        said(&output).contains("Permission denied"),
        "{}",
        said(&output)
    );
    presenter.wait_for_log("ssh refused: wrong token");
    assert!(!presenter.log().contains("coffee"));
    // The right token: let in, as far as being told a terminal is needed.
    let output = presenter.run("ssh", &["-T", "class@127.0.0.1"], &asking(&tea));
    assert!(
        said(&output).contains("needs a terminal"),
        "{}",
        said(&output)
    );
    // And with a terminal, the reader.
    let mut student = Session::start_sized(
        &format!(r#"{}; echo "EXIT=$?""#, presenter.ssh("")),
        &[
            ("SSH_ASKPASS", Path::new(&tea)),
            ("SSH_ASKPASS_REQUIRE", Path::new("force")),
        ],
        (80, 24),
    );
    student.wait_for("Ada leaves the city");
    student.send("q");
    student.wait_for("EXIT=0");
    presenter.quit();
}

#[test]
fn one_student_more_than_the_places_is_told_the_class_is_full() {
    let presenter = Presenter::start("--ssh-sessions 1");
    let mut first = Session::start_sized(
        &format!(r#"{}; echo "EXIT=$?""#, presenter.ssh("")),
        &[],
        (80, 24),
    );
    first.wait_for("Ada leaves the city");
    // A second, with a terminal forced (-tt), as a student's would be.
    let output = presenter.run("ssh", &["-tt", "class@127.0.0.1"], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", said(&output));
    assert!(
        said(&output).contains("the class is full"),
        "{}",
        said(&output)
    );
    presenter.wait_for_log("ssh refused: the class is full (1 sessions)");
    first.send("q");
    first.wait_for("EXIT=0");
    presenter.quit();
}

#[test]
fn a_theme_and_no_colour_are_asked_for_after_the_command_line() {
    let presenter = Presenter::start("");
    let mut light = Session::start_sized(
        &format!(
            r#"{} -- --theme light; echo "EXIT=$?""#,
            presenter.ssh("-t")
        ),
        &[],
        (80, 24),
    );
    light.wait_for("Ada leaves the city");
    let mut plain = Session::start_sized(
        &format!(
            r#"{} -- --no-color; echo "EXIT=$?""#,
            presenter.ssh("-t -o SetEnv=NO_COLOR=1")
        ),
        &[],
        (80, 24),
    );
    plain.wait_for("Ada leaves the city");
    let raw = String::from_utf8_lossy(&plain.raw.lock().unwrap()).into_owned();
    for colour in ["\x1b[38;", "\x1b[48;"] {
        assert!(!raw.contains(colour), "{colour:?} was written");
    }
    for session in [&mut light, &mut plain] {
        session.send("q");
        session.wait_for("EXIT=0");
    }
    presenter.quit();
}
