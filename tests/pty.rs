//! End to end: the real binary in a pseudo-terminal. It shows the first scene, moves on a key,
//! and on every way out gives the terminal back: main screen, cursor shown, raw mode off.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::free_port;
use common::terminal::Session;

/// Runs izumi, then reports its exit status and the terminal's modes.
const RUN_THEN_REPORT: &str = r#""$0" --story "$1"; echo "EXIT=$?"; stty -a; echo STTY-DONE"#;

#[test]
fn first_scene_appears_a_key_moves_on_and_q_restores_the_terminal() {
    let mut session = Session::start(RUN_THEN_REPORT);
    session.wait_for("Setting out");
    session.wait_for("Ada leaves the city");
    session.send("l");
    session.wait_for("Bo takes her across on the ferry");
    session.send("?");
    session.wait_for("Moving through the story");
    // A lone Esc, then q: sent together they would read as Alt-q, as in any terminal.
    session.send("\x1b");
    session.wait_for_absence("Moving through the story");
    session.send("q");
    session.wait_for("EXIT=0");
    session.wait_for("STTY-DONE");
    session.assert_restored();
}

#[test]
fn ctrl_c_quits_cleanly_and_says_so_in_the_exit_status() {
    let mut session = Session::start(RUN_THEN_REPORT);
    session.wait_for("Setting out");
    session.send("g");
    session.wait_for("Glossary");
    // Even while typing into the glossary's search.
    session.send("\x03");
    session.wait_for("EXIT=130");
    session.wait_for("STTY-DONE");
    session.assert_restored();
}

/// Sends a signal to izumi (run with exec, so that the pid signalled is izumi's own) and checks
/// that the terminal is given back and the exit status is 128 + the signal's number.
fn signal_restores_the_terminal(signal: &str, status: u8) {
    let session = Session::start(
        r#"sh -c 'exec "$0" --story "$1"' "$0" "$1"; echo "EXIT=$?"; stty -a; echo STTY-DONE"#,
    );
    session.wait_for("Setting out");
    let izumi = find_child_izumi(session.pid());
    let sent = std::process::Command::new("kill")
        .args([format!("-{signal}"), izumi.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    session.wait_for(&format!("EXIT={status}"));
    session.wait_for("STTY-DONE");
    session.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal_and_reports_the_signal() {
    signal_restores_the_terminal("TERM", 143);
}

#[test]
fn a_hang_up_restores_the_terminal_and_exits_at_once() {
    signal_restores_the_terminal("HUP", 129);
}

#[test]
fn text_from_a_hostile_story_never_reaches_the_terminal_as_control_codes() {
    let mut session = Session::start(&format!(
        r#""$0" --story {}; echo "EXIT=$?""#,
        common::fixtures().join("hostile").display()
    ));
    session.wait_for("Setting out");
    session.wait_for("Ada leaves the city[2J in the spring");
    session.send("\t");
    session.wait_for("Ada travels");
    session.wait_for("probably ‘Mme[31m L.’");
    session.send("q");
    session.wait_for("EXIT=0");
    let raw = session.raw.lock().unwrap().clone();
    let raw = String::from_utf8_lossy(&raw);
    for injected in [
        "\x1b]0;pwned",
        "\x07",
        "\x1b[2J in",
        "\x1b[31m",
        "\u{9b}",
        "\x1bP",
        "\x1b\\",
        "\u{202e}",
        "\t",
    ] {
        assert!(!raw.contains(injected), "{injected:?} reached the terminal");
    }
    // What is left of them is harmless text.
    assert!(raw.contains("]0;pwned"));
}

#[test]
fn a_panic_restores_the_terminal_and_prints_its_message() {
    let mut session = Session::start(&format!("IZUMI_TEST_PANIC_KEY=! {RUN_THEN_REPORT}"));
    session.wait_for("Setting out");
    session.send("!");
    session.wait_for("EXIT=101");
    session.wait_for("STTY-DONE");
    session.assert_restored();
    let screen = session.contents();
    assert!(
        screen.contains("panic requested by IZUMI_TEST_PANIC_KEY"),
        "{screen}"
    );
}

/// The pid of the izumi process under the session's shell (Linux: read from /proc).
fn find_child_izumi(shell: u32) -> u32 {
    let children = format!("/proc/{shell}/task/{shell}/children");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let listed = std::fs::read_to_string(&children).unwrap_or_default();
        if let Some(pid) = listed.split_whitespace().find_map(|p| p.parse().ok()) {
            return pid;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("izumi did not start");
}

#[test]
fn present_shows_one_scene_large_blanks_on_b_and_quits_cleanly() {
    let mut session = Session::start(
        r#""$0" present --listen 127.0.0.1:0 --story "$1"; echo "EXIT=$?"; stty -a; echo STTY-DONE"#,
    );
    session.wait_for("Episode 1/2 · The North    scene 1/3");
    session.wait_for("Ada leaves the city");
    session.send("b");
    session.wait_until("a black screen", |screen| screen.trim().is_empty());
    session.send("l");
    session.wait_for("Episode 1/2 · The North    scene 1/3");
    session.send("l");
    session.wait_for("scene 2/3");
    session.send("q");
    session.wait_for("EXIT=0");
    session.wait_for("STTY-DONE");
    session.assert_restored();
}

/// The plain `izumi` binary does not carry the web server: `present --web` is handed to
/// `izumi-classroom`, beside it, which becomes the same process, so the terminal and signals
/// never pass between two programs.
#[test]
fn present_web_from_the_reader_binary_is_served_by_izumi_classroom_in_its_place() {
    let (home, _) = classroom();
    let mut session = Session::start_with(
        r#""$0" present --listen 127.0.0.1:0 --web 127.0.0.1:0 --story "$1"; echo "EXIT=$?"; stty -a; echo STTY-DONE"#,
        &classroom_env(&home),
    );
    session.wait_for("scene 1/3");
    let shell = session.pid();
    let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap();
    let presenter: Vec<&str> = children.split_whitespace().collect();
    assert_eq!(presenter.len(), 1, "the shell's children: {children:?}");
    let program = std::fs::read_link(format!("/proc/{}/exe", presenter[0])).unwrap();
    assert_eq!(
        program.file_name(),
        Some("izumi-classroom".as_ref()),
        "{}",
        program.display()
    );
    let screen = session.contents();
    let port: u16 = regex::Regex::new(r"http://127\.0\.0\.1:(\d+)/")
        .unwrap()
        .captures(&screen)
        .unwrap_or_else(|| panic!("no web address on the screen:\n{screen}"))[1]
        .parse()
        .unwrap();
    let page = http_get(port, "/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Ada leaves the city"), "{page}");
    // A loopback address: the projector says phones cannot reach it…
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or("")
            .contains("this machine only"),
        "{screen}"
    );
    session.send("q");
    session.wait_for("EXIT=0");
    // …and so do the start-up lines left on the screen, which give no code to scan.
    session.wait_for("so there is no code to scan");
    session.wait_for("--web 0.0.0.0:8080 --token WORD");
    assert!(!session.contents().contains('█'), "{}", session.contents());
    session.wait_for("STTY-DONE");
    session.assert_restored();
}

/// The whole answer to a GET of `path` on a loopback port, or what came before it stopped.
fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// A folder of the test's own for the secret and the log, and a free loopback port.
fn classroom() -> (tempfile::TempDir, u16) {
    let home = tempfile::tempdir().unwrap();
    (home, common::free_port())
}

/// The environment that puts a classroom's files in `home`.
fn classroom_env(home: &tempfile::TempDir) -> [(&'static str, &Path); 2] {
    [
        ("XDG_RUNTIME_DIR", home.path()),
        ("XDG_STATE_HOME", home.path()),
    ]
}

#[test]
fn a_presenter_its_console_and_a_follower_stay_in_step() {
    let (home, port) = classroom();
    let env = classroom_env(&home);
    let address = format!("127.0.0.1:{port}");
    let run = |command: &str| {
        Session::start_with(
            &format!(r#""$0" {command} --story "$1"; echo "EXIT=$?"; stty -a; echo STTY-DONE"#),
            &env,
        )
    };
    let mut presenter = run(&format!("present --listen {address}"));
    presenter.wait_for("scene 1/3");
    let mut console = run(&format!("notes {address}"));
    console.wait_for("connected");
    console.wait_for("Ask the class where they think she is going.");
    console.wait_for("Next: The ferry");
    console.wait_until("the wall clock", |screen| screen.contains("clock "));
    let mut follower = run(&format!("follow {address}"));
    follower.wait_for("Ada leaves the city");

    // The console moves the presentation, and the follower with it.
    console.send("l");
    presenter.wait_for("scene 2/3");
    follower.wait_for("Bo takes her across on the ferry");
    console.wait_for("Next: Winter in Bergen");

    // The presenter moves the console and the follower.
    presenter.send("l");
    console.wait_for("scene 3 of");
    follower.wait_for("Winter in Bergen");

    // A follower reads freely, moves no one, and snaps back with f.
    follower.send("h");
    follower.wait_for("Bo takes her across on the ferry");
    follower.send("f");
    follower.wait_for("Winter in Bergen");
    // …but not past the furthest scene the presenter has shown.
    follower.send("l");
    follower.wait_for("not shown yet");
    presenter.wait_for("scene 3/3");
    console.wait_for("scene 3 of");

    // When the presenter quits, the console waits for it to come back, and then follows again.
    presenter.send("q");
    presenter.wait_for("EXIT=0");
    console.wait_for("reconnecting");
    // A restarted presenter resumes where it left off, tells the console and the follower
    // so before its first key, and the console still moves it.
    let mut presenter = run(&format!("present --listen {address}"));
    presenter.wait_for("scene 3/3");
    console.wait_for("connected");
    console.wait_for("scene 3 of");
    follower.wait_for("Winter in Bergen");
    console.send("h");
    presenter.wait_for("scene 2/3");

    for session in [&mut presenter, &mut console, &mut follower] {
        session.send("q");
        session.wait_for("EXIT=0");
        session.wait_for("STTY-DONE");
        session.assert_restored();
    }
}

#[test]
fn the_console_runs_the_timer_the_blank_and_a_scene_by_number_and_a_follower_away_stays() {
    let (home, port) = classroom();
    let env = classroom_env(&home);
    let address = format!("127.0.0.1:{port}");
    let run = |command: &str| {
        Session::start_with(
            &format!(r#""$0" {command} --story "$1"; echo "EXIT=$?""#),
            &env,
        )
    };
    let mut presenter = run(&format!("present --listen {address}"));
    presenter.wait_for("scene 1/3");
    let mut console = run(&format!("notes {address}"));
    console.wait_for("connected");
    console.wait_for("not started (t)");
    // The date and place to read out are beside the notes.
    console.wait_for("Date  spring 1920");
    console.wait_for("Place Christiania");
    let mut follower = run(&format!("follow {address}"));
    follower.wait_for("Ada leaves the city");

    // The console starts the projector's timer, pauses it and resets it: what it shows is the
    // presenter's own timer, announced back.
    console.send("t");
    console.wait_for("▶ running");
    console.send("t");
    console.wait_for("paused");
    console.send("R");
    console.wait_for("not started (t)");

    // A scene by number, as on the projector: 4 then Enter (not episode 4). The move starts the
    // timer by itself.
    console.send("4");
    console.wait_for("Go to scene 4");
    console.send("\r");
    presenter.wait_for("Ada reaches Rome");
    console.wait_for("scene 4 of 4");
    console.wait_for("▶ running");
    console.wait_for("Date disputed — read both");
    console.wait_for("• August 1931 (her letters)");
    console.wait_for("• February 1932");
    follower.wait_for("Ada reaches Rome");

    // The follower goes back; the presenter moving does not drag them along.
    follower.send("h");
    follower.wait_for("The town is quiet all winter");
    console.send("1\r");
    presenter.wait_for("Ada leaves the city");
    follower.wait_for("Presenter is at scene 1 — press f to follow");
    assert!(follower.contents().contains("The town is quiet all winter"));
    follower.send("f");
    follower.wait_for("Ada leaves the city");
    follower.wait_until("the sign gone", |screen| {
        !screen.contains("Presenter is at")
    });

    // The console blanks the projector and brings it back.
    console.send("b");
    console.wait_for("projector blank");
    presenter.wait_until("the projector blank", |screen| {
        !screen.contains("Ada leaves the city")
    });
    console.send("b");
    presenter.wait_for("Ada leaves the city");
    console.wait_until("the blank gone", |screen| {
        !screen.contains("projector blank")
    });

    for session in [&mut presenter, &mut console, &mut follower] {
        session.send("q");
        session.wait_for("EXIT=0");
    }
}

#[test]
fn a_burst_of_keys_on_either_side_moves_the_presentation_exactly_that_far() {
    let (home, port) = classroom();
    let env = classroom_env(&home);
    let address = format!("127.0.0.1:{port}");
    // The built-in story, long enough for bursts of ten.
    let run =
        |command: &str| Session::start_with(&format!(r#""$0" {command}; echo "EXIT=$?""#), &env);
    let mut presenter = run(&format!("present --listen {address}"));
    presenter.wait_for("1 of 86");
    let mut console = run(&format!("notes {address}"));
    console.wait_for("connected");

    // Ten moves as fast as a held key or a clicker sends them, from the presenter...
    presenter.send(&"l".repeat(10));
    presenter.wait_for("11 of 86");
    console.wait_for("scene 11 of 86");
    // ... and from the console: each lands once, and none comes back as an echo.
    console.send(&"l".repeat(10));
    presenter.wait_for("21 of 86");
    console.wait_for("scene 21 of 86");
    presenter.send("l");
    presenter.wait_for("22 of 86");
    console.wait_for("scene 22 of 86");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        presenter.contents().contains("22 of 86"),
        "{}",
        presenter.contents()
    );
    assert!(
        console.contents().contains("connected"),
        "{}",
        console.contents()
    );
    let log = std::fs::read_to_string(home.path().join(format!("izumi/present-{port}.log")))
        .unwrap_or_default();
    assert!(!log.contains("cut:"), "the console was cut: {log}");
    for session in [&mut presenter, &mut console] {
        session.send("q");
        session.wait_for("EXIT=0");
    }
}

/// Context switches of every thread of a process, from /proc (Linux).
fn wakeups(pid: u32) -> u64 {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    tasks
        .flatten()
        .map(|task| std::fs::read_to_string(task.path().join("status")).unwrap_or_default())
        .flat_map(|status| {
            status
                .lines()
                .filter(|line| line.contains("ctxt_switches"))
                .filter_map(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum()
}

/// User and system CPU time of a process, in clock ticks (Linux).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The command name may hold spaces; the fields counted from after it are fixed.
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// Peak resident memory of a process, in kilobytes (Linux).
fn peak_memory_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap()
}

#[test]
fn an_idle_reader_sleeps_for_ten_seconds_without_waking() {
    let mut session = Session::start(r#"sh -c 'exec "$0"' "$0"; echo "EXIT=$?""#);
    session.wait_for("How the story is known");
    let izumi = find_child_izumi(session.pid());
    // Starting up is over once half a second passes without a wakeup (a busy machine may take
    // a while to save the first state).
    let settled = Instant::now() + Duration::from_secs(30);
    let mut before = (wakeups(izumi), cpu_ticks(izumi));
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = (wakeups(izumi), cpu_ticks(izumi));
        if now == before || Instant::now() > settled {
            break;
        }
        before = now;
    }
    let (woken, cpu) = before;
    std::thread::sleep(Duration::from_secs(10));
    let woken = wakeups(izumi).saturating_sub(woken);
    let cpu = cpu_ticks(izumi).saturating_sub(cpu);
    let memory = peak_memory_kb(izumi);
    eprintln!("idle for 10 s: {woken} wakeups, {cpu} ticks of CPU; peak memory {memory} kB");
    assert_eq!(woken, 0, "izumi woke up while nobody typed");
    assert_eq!(cpu, 0, "izumi used CPU while nobody typed");
    assert!(memory < 8 * 1024, "peak memory {memory} kB");
    session.send("q");
    session.wait_for("EXIT=0");
}

#[test]
fn izumi_reopens_where_the_reader_left_off_unless_asked_not_to() {
    let home = tempfile::tempdir().unwrap();
    let env = [("XDG_STATE_HOME", home.path())];
    let run = |args: &str| {
        Session::start_with(
            &format!(r#""$0" --story "$1" {args}; echo "EXIT=$?""#),
            &env,
        )
    };
    let mut first = run("");
    first.wait_for("Ada leaves the city");
    first.send("l");
    first.wait_for("Bo takes her across on the ferry");
    first.send("B");
    first.send("q");
    first.wait_for("EXIT=0");

    let mut again = run("");
    again.wait_for("Bo takes her across on the ferry");
    again.send("'");
    again.wait_for("Bookmarks");
    again.wait_for("The ferry");
    again.send("\x1b");
    again.wait_for_absence("Bookmarks —");
    again.send("q");
    again.wait_for("EXIT=0");

    let mut fresh = run("--from-start");
    fresh.wait_for("Ada leaves the city");
    fresh.send("q");
    fresh.wait_for("EXIT=0");

    let mut linked = run("--scene winter-in-bergen");
    linked.wait_for("The town is quiet all winter.");
    linked.send("q");
    linked.wait_for("EXIT=0");

    let wrong = run("--scene winter-in-bergn");
    wrong
        .wait_for(r#"no scene "winter-in-bergn" in this story — did you mean "winter-in-bergen"?"#);
    wrong.wait_for("EXIT=1");
}

#[test]
fn a_place_that_cannot_be_saved_is_said_once_and_reading_goes_on() {
    let home = tempfile::tempdir().unwrap();
    // A file where the state folder should be: saving fails whoever runs the tests.
    let blocker = home.path().join("state");
    std::fs::write(&blocker, "").unwrap();
    let mut session = Session::start_with(
        r#""$0" --story "$1"; echo "EXIT=$?""#,
        &[("XDG_STATE_HOME", blocker.as_path())],
    );
    session.wait_for("Ada leaves the city");
    session.send("l");
    session.wait_for("could not save your place");
    session.send("l");
    session.wait_for("Winter in Bergen");
    session.wait_for_absence("could not save your place");
    session.send("q");
    session.wait_for("EXIT=0");
}

#[test]
fn no_color_means_no_colour_codes_at_all() {
    let no_colour = Path::new("1");
    let mut session = Session::start_with(
        r#""$0" --story "$1"; echo "EXIT=$?""#,
        &[("NO_COLOR", no_colour)],
    );
    session.wait_for("Ada leaves the city");
    // The reader, a search hit, the help, the presentation: everything that has colours (told
    // everything, so that the search finds what is ahead).
    session.send("e");
    session.wait_for("Telling everything");
    session.send("/ferry");
    session.wait_for("2 hits");
    session.send("\r");
    session.wait_for("Bo takes her across");
    session.send("?");
    session.wait_for("Moving through the story");
    session.send("\x1b");
    session.wait_for_absence("Moving through the story");
    session.send("P");
    session.wait_for("The North    scene 2/3");
    session.send("\x1b");
    session.wait_for_absence("The North    scene 2/3");
    session.send("q");
    session.wait_for("EXIT=0");
    let raw = String::from_utf8_lossy(&session.raw.lock().unwrap()).into_owned();
    for colour in ["\x1b[38;", "\x1b[48;", "\x1b[39m", "\x1b[49m", "\x1b[58;"] {
        assert!(!raw.contains(colour), "{colour:?} was written");
    }
    // Emphasis is kept: bold (1) and reverse video (7) still appear.
    assert!(raw.contains("\x1b[1m") && raw.contains("\x1b[7m"));
}

#[test]
fn the_theme_option_changes_the_colours() {
    let mut light = Session::start(
        r#""$0" --story "$1" --theme light present --listen 127.0.0.1:0; echo "EXIT=$?""#,
    );
    light.wait_for("The North    scene 1/3");
    light.send("q");
    light.wait_for("EXIT=0");
    let raw = String::from_utf8_lossy(&light.raw.lock().unwrap()).into_owned();
    // The light stage is black on white.
    assert!(raw.contains("48;5;15m"), "no white background");
    let mut wrong = Session::start(r#""$0" --story "$1" --theme sepia; echo "EXIT=$?""#);
    wrong.wait_for("possible values: dark, light, high-contrast");
    wrong.wait_for("EXIT=2");
    wrong.send("");
}

#[test]
fn the_configuration_rebinds_keys_in_the_help_too_and_a_broken_one_is_located() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("izumi")).unwrap();
    let config = home.path().join("izumi/config.toml");
    std::fs::write(
        &config,
        "[keys]\nnext-scene = [\"j\"]\n[layout]\ntimeline = false\n",
    )
    .unwrap();
    let env = [("XDG_CONFIG_HOME", home.path())];
    let mut session = Session::start_with(r#""$0" --story "$1"; echo "EXIT=$?""#, &env);
    session.wait_for("Ada leaves the city");
    session.send("j");
    session.wait_for("Bo takes her across on the ferry");
    session.send("?");
    session.wait_for("  j ");
    session.wait_for("next scene");
    session.send("\x1b");
    session.wait_for_absence("Moving through the story");
    session.send("q");
    session.wait_for("EXIT=0");

    std::fs::write(
        &config,
        "theme = \"sepia\"\n[keys]\nnext-scene = [\"Hyper-j\"]\n",
    )
    .unwrap();
    let mut session = Session::start_with(r#""$0" --story "$1"; echo "EXIT=$?""#, &env);
    session.wait_for("2 problems in");
    session.wait_for("using the defaults");
    // The defaults: l moves on, j scrolls.
    session.send("l");
    session.wait_for("Bo takes her across on the ferry");
    session.send("q");
    session.wait_for("EXIT=0");
    session.wait_for("config.toml:1:9: unknown theme \"sepia\"");
    session.wait_for("config.toml:3:15: \"Hyper-j\" is not a key");
}

#[test]
fn watching_a_story_reloads_it_in_place_and_shows_what_breaks_it() {
    let story = common::journey_copy();
    let dir = story.path();
    let mut session = Session::start(&format!(
        r#""$0" --story {} --watch; echo "EXIT=$?""#,
        dir.display()
    ));
    session.wait_for("Ada leaves the city");
    session.send("l");
    session.wait_for("Bo takes her across on the ferry");

    let episode = dir.join("episodes/01-north.toml");
    let original = std::fs::read_to_string(&episode).unwrap();
    std::fs::write(
        &episode,
        original.replace("Bo takes her across", "Bo rows her across"),
    )
    .unwrap();
    session.wait_for("Bo rows her across on the ferry");
    session.wait_for("story reloaded");

    std::fs::write(
        &episode,
        original.replace("date = \"21 May 1920\"", "date = \"21 Mai 1920\""),
    )
    .unwrap();
    session.wait_for("The story has problems");
    session.wait_for("01-north.toml:23:8: bad date \"21 Mai 1920\"");
    session.wait_for("Bo rows her across on the ferry");
    std::fs::write(&episode, &original).unwrap();
    session.wait_for_absence("The story has problems");
    session.wait_for("Bo takes her across on the ferry");
    session.send("q");
    session.wait_for("EXIT=0");
}

#[test]
fn a_click_on_a_footnote_marker_opens_the_footnote_and_the_mouse_is_given_back() {
    let mut session = Session::start(RUN_THEN_REPORT);
    session.wait_for("Ada leaves the city");
    let screen = session.contents();
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains("spring.[1]"))
        .unwrap();
    let column = line[..line.find("[1]").unwrap()].chars().count() + 1;
    // An SGR mouse press and release, one-based, as terminals send them.
    session.send(&format!(
        "\x1b[<0;{};{}M\x1b[<0;{};{}m",
        column + 1,
        row + 1,
        column + 1,
        row + 1
    ));
    session.wait_for("Notes on Rivers");
    session.send("\x1b");
    session.wait_for_absence("Notes on Rivers");
    session.send("q");
    session.wait_for("EXIT=0");
    let raw = String::from_utf8_lossy(&session.raw.lock().unwrap()).into_owned();
    assert!(raw.contains("\x1b[?1000h"), "the mouse was taken");
    assert!(raw.contains("\x1b[?1000l"), "and given back");
}

/// The one story state file in a state folder, read as izumi reads it, once it exists.
fn state_in(home: &Path) -> Option<izumi::saved::Saved> {
    let stories = home.join("izumi/stories");
    let file = std::fs::read_dir(stories)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "toml"))?;
    toml::from_str(&std::fs::read_to_string(file).ok()?).ok()
}

/// Waits until the state file in `home` is `expected`, or fails with what it holds instead.
fn wait_for_state(home: &Path, expected: &izumi::saved::Saved) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if state_in(home).as_ref() == Some(expected) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "timed out waiting for the state file to hold {expected:?}; it holds {:?}",
        state_in(home)
    );
}

#[test]
fn two_readers_of_one_story_keep_each_others_bookmarks() {
    let home = tempfile::tempdir().unwrap();
    let env = [("XDG_STATE_HOME", home.path())];
    let run = || Session::start_with(r#""$0" --story "$1"; echo "EXIT=$?""#, &env);
    let mut a = run();
    let mut b = run();
    a.wait_for("Ada leaves the city");
    b.wait_for("Ada leaves the city");

    // A bookmarks two scenes; B, which read the file before, knows nothing of them.
    a.send("B");
    a.send("l");
    a.wait_for("Bo takes her across on the ferry");
    a.send("B");
    // How far was read goes as the place does: the reader who read on writes it.
    let saved = |scene: &str, read: &str, bookmarks: &[&str]| izumi::saved::Saved {
        scene: Some(scene.into()),
        read: Some(read.into()),
        bookmarks: bookmarks.iter().map(|&id| id.into()).collect(),
        ..Default::default()
    };
    wait_for_state(
        home.path(),
        &saved("the-ferry", "the-ferry", &["setting-out", "the-ferry"]),
    );

    // B moves on twice: its place is the newest, and A's bookmarks stay.
    b.send("l");
    b.wait_for("Bo takes her across on the ferry");
    b.send("l");
    b.wait_for("The town is quiet all winter.");
    wait_for_state(
        home.path(),
        &saved(
            "winter-in-bergen",
            "winter-in-bergen",
            &["setting-out", "the-ferry"],
        ),
    );

    // A removes one bookmark; B, which still has none, does not bring it back by moving.
    a.send("B");
    wait_for_state(
        home.path(),
        &saved("winter-in-bergen", "winter-in-bergen", &["setting-out"]),
    );
    b.send("h");
    b.wait_for("Bo takes her across on the ferry");
    wait_for_state(
        home.path(),
        &saved("the-ferry", "winter-in-bergen", &["setting-out"]),
    );

    for session in [&mut a, &mut b] {
        session.send("q");
        session.wait_for("EXIT=0");
    }
    let mut again = run();
    again.wait_for("Bo takes her across on the ferry");
    again.send("q");
    again.wait_for("EXIT=0");
}

#[test]
fn without_home_the_reader_reads_on_and_says_once_that_nothing_is_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let mut session = Session::start_with(
        r#"env -u HOME -u XDG_STATE_HOME -u XDG_RUNTIME_DIR -u XDG_CONFIG_HOME "$0" --story "$1"; echo "EXIT=$?""#,
        &[("TMPDIR", tmp.path())],
    );
    session.wait_for("your place will not be saved: neither $XDG_STATE_HOME nor $HOME is set");
    session.send("B");
    session.send("l");
    session.wait_for("Bo takes her across on the ferry");
    session.wait_for_absence("your place will not be saved");
    session.send("q");
    session.wait_for("EXIT=0");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "written to $TMPDIR: {left:?}");
}

#[test]
fn a_state_folder_others_can_write_to_is_refused_at_the_start() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("izumi");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o757)).unwrap();
    let mut session = Session::start_with(
        r#""$0" --story "$1"; echo "EXIT=$?""#,
        &[("XDG_STATE_HOME", home.path())],
    );
    session.wait_for("your place will not be saved:");
    session.wait_for("is writable by others (mode 757)");
    session.send("l");
    session.wait_for("Bo takes her across on the ferry");
    session.send("q");
    session.wait_for("EXIT=0");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

/// Runs `present` on its own port, with the runtime and state folders given.
fn present_in(runtime: &Path, state: &Path, port: u16) -> Session {
    Session::start_with(
        &format!(r#""$0" present --listen 127.0.0.1:{port} --story "$1"; echo "EXIT=$?""#),
        &[("XDG_RUNTIME_DIR", runtime), ("XDG_STATE_HOME", state)],
    )
}

#[test]
fn present_without_home_says_it_has_no_folder_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let session = Session::start_with(
        r#"env -u HOME -u XDG_STATE_HOME -u XDG_RUNTIME_DIR -u XDG_CONFIG_HOME "$0" present --listen 127.0.0.1:0 --story "$1"; echo "EXIT=$?""#,
        &[("TMPDIR", tmp.path())],
    );
    session.wait_for("EXIT=1");
    session.wait_for("no private folder for the console secret: none of $XDG_RUNTIME_DIR,");
    session.wait_for("$XDG_STATE_HOME and $HOME is set to a folder");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "written to $TMPDIR: {left:?}");
}

#[test]
fn present_refuses_a_runtime_folder_others_can_write_to() {
    use std::os::unix::fs::PermissionsExt;
    let runtime = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let folder = runtime.path().join("izumi");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).unwrap();
    let session = present_in(runtime.path(), state.path(), free_port());
    session.wait_for("EXIT=1");
    session.wait_for("is writable by its group and by others (mode 777)");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

#[test]
fn present_refuses_a_runtime_folder_of_another_user() {
    let runtime = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let folder = runtime.path().join("izumi");
    std::fs::create_dir(&folder).unwrap();
    if !common::give_away(&folder) {
        return;
    }
    let session = present_in(runtime.path(), state.path(), free_port());
    session.wait_for("EXIT=1");
    session.wait_for("belongs to user 65534, not to you");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

#[test]
fn present_replaces_a_planted_secret_without_following_it() {
    use std::os::unix::fs::MetadataExt;
    let runtime = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let port = free_port();
    let folder = runtime.path().join("izumi");
    std::fs::create_dir(&folder).unwrap();
    let target = runtime.path().join("precious");
    std::fs::write(&target, "precious").unwrap();
    let secret = folder.join(format!("console-{port}.secret"));
    std::os::unix::fs::symlink(&target, &secret).unwrap();
    let mut session = present_in(runtime.path(), state.path(), port);
    session.wait_for("scene 1/3");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    let made = std::fs::symlink_metadata(&secret).unwrap();
    assert!(made.is_file());
    assert_eq!(made.mode() & 0o777, 0o600);
    // The log's folder is made before the presenter starts, for this user alone.
    let logs = std::fs::metadata(state.path().join("izumi")).unwrap();
    assert_eq!(logs.mode() & 0o777, 0o700);
    session.send("q");
    session.wait_for("EXIT=0");
}

#[test]
fn notes_will_not_read_a_secret_through_a_link() {
    let runtime = tempfile::tempdir().unwrap();
    let port = free_port();
    let folder = runtime.path().join("izumi");
    std::fs::create_dir(&folder).unwrap();
    let planted = runtime.path().join("guessed");
    std::fs::write(&planted, "00112233445566778899aabbccddeeff").unwrap();
    let secret = folder.join(format!("console-{port}.secret"));
    std::os::unix::fs::symlink(&planted, &secret).unwrap();
    let session = Session::start_with(
        &format!(r#""$0" notes 127.0.0.1:{port} --story "$1"; echo "EXIT=$?""#),
        &[("XDG_RUNTIME_DIR", runtime.path())],
    );
    session.wait_for("EXIT=1");
    session.wait_for("a symbolic link, not a file");
}

#[test]
fn keys_that_take_every_way_out_but_ctrl_c_are_told_and_ctrl_c_still_quits() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("izumi")).unwrap();
    let config = home.path().join("izumi/config.toml");
    std::fs::write(&config, "[keys]\nnext-scene = [\"q\", \"Esc\"]\n").unwrap();
    let env = [("XDG_CONFIG_HOME", home.path())];
    let mut session = Session::start_with(r#""$0" --story "$1"; echo "EXIT=$?""#, &env);
    session.wait_for("Ada leaves the city");
    session.wait_for("your keys took 2 keys from other bindings");
    session.send("q");
    session.wait_for("Bo takes her across on the ferry");
    session.send("\x03");
    session.wait_for("EXIT=130");
    session.wait_for(
        "izumi: your keys: q is next-scene's now, no longer quit's, which has no key left",
    );

    // Ctrl-C cannot be given away: the file is not used, and says where.
    std::fs::write(
        &config,
        "[keys]\nnext-scene = [\"q\", \"Esc\", \"Ctrl-c\"]\n",
    )
    .unwrap();
    let mut session = Session::start_with(r#""$0" --story "$1"; echo "EXIT=$?""#, &env);
    session.wait_for("a problem in");
    session.send("q");
    session.wait_for("EXIT=0");
    session.wait_for("config.toml:2:27: Ctrl-C always quits at once");
}

#[test]
fn under_a_descriptor_limit_of_1024_a_thousand_followers_leave_room_for_the_console() {
    use izumi::classroom::net::Connection;
    use izumi::classroom::protocol::Role;
    use std::net::SocketAddr;
    // The test itself holds a thousand sockets.
    izumi::classroom::doors::raise_descriptor_limit();
    let (home, port) = classroom();
    let env = classroom_env(&home);
    let address: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    // Soft and hard limit 1,024, as on many machines: the presenter cannot raise it.
    let mut presenter = Session::start_with(
        &format!(r#"ulimit -n 1024; "$0" present --listen {address} --story "$1"; echo "EXIT=$?""#),
        &env,
    );
    presenter.wait_for("scene 1/3");
    let fingerprint = common::journey().fingerprint;
    let join = |from: [u8; 4]| {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.bind(&SocketAddr::from((from, 0)).into()).unwrap();
        socket.connect(&address.into()).ok()?;
        let silence = Duration::from_secs(60);
        Connection::join_over(socket.into(), Role::Follower, &fingerprint, None, silence).ok()
    };
    // A script on one machine, then a class of forty machines, a thousand and ten each.
    let from_one: Vec<_> = (0..1010).filter_map(|_| join([127, 0, 0, 2])).collect();
    assert_eq!(from_one.len(), 32, "one address holds its share");
    let from_many: Vec<_> = (0..1010u16)
        .filter_map(|n| join([127, 0, 5, u8::try_from(n % 40).unwrap() + 1]))
        .collect();
    assert!(
        from_many.len() + from_one.len() <= 1024 - 64,
        "{} let in: the caps fit under the limit",
        from_many.len()
    );
    assert!(from_many.len() > 800, "{} let in", from_many.len());
    // The teacher's console still gets in, and moves the presentation.
    let mut console = Session::start_with(&format!(r#""$0" notes {address} --story "$1""#), &env);
    console.wait_for("connected");
    console.send("l");
    presenter.wait_for("scene 2/3");
    let log = std::fs::read_to_string(home.path().join(format!("izumi/present-{port}.log")))
        .unwrap_or_default();
    assert!(log.contains("doors: descriptor limit 1024"), "{log}");
    drop(from_one);
    drop(from_many);
    presenter.send("q");
    presenter.wait_for("EXIT=0");
}

/// The presenter keeps its own place in the story's state file: restarted, it shows the scene
/// it left; `--from-start` begins at scene 1; the reader's bookmarks are in its list, and the
/// reader's own place is not moved by presenting.
#[test]
fn a_restarted_presenter_resumes_where_it_left_off() {
    let home = tempfile::tempdir().unwrap();
    let env = [("XDG_STATE_HOME", home.path())];
    let reader = || Session::start_with(r#""$0" --story "$1"; echo "EXIT=$?""#, &env);
    let present = |extra: &str| {
        Session::start_with(
            &format!(r#""$0" --story "$1" present --listen 127.0.0.1:0 {extra}; echo "EXIT=$?""#),
            &env,
        )
    };
    // The teacher reads at home and bookmarks the ferry.
    let mut session = reader();
    session.wait_for("Ada leaves the city");
    session.send("l");
    session.wait_for("Bo takes her across on the ferry");
    session.send("B");
    session.wait_for("Bookmarked");
    session.send("q");
    session.wait_for("EXIT=0");

    // The first presentation starts at scene 1, not at the reader's place, and has the bookmark.
    let mut session = present("");
    session.wait_for("Ada leaves the city");
    session.send("l");
    session.wait_for("Bo takes her across");
    session.send("l");
    session.wait_for("The town is quiet all winter.");
    session.send("'");
    session.wait_for("The ferry");
    session.send("\x1b");
    session.wait_for_absence("The ferry");
    session.send("q");
    session.wait_for("EXIT=0");

    // Restarted, it is where it left off.
    let mut session = present("");
    session.wait_for("The town is quiet all winter.");
    session.wait_for("3 of 4");
    session.send("q");
    session.wait_for("EXIT=0");

    // --from-start begins at scene 1.
    let mut session = present("--from-start");
    session.wait_for("Ada leaves the city");
    session.wait_for("1 of 4");
    session.send("q");
    session.wait_for("EXIT=0");

    // The reader is still where they were.
    let mut session = reader();
    session.wait_for("Bo takes her across on the ferry");
    session.send("q");
    session.wait_for("EXIT=0");
}

#[test]
fn e_tells_everything_and_back_and_how_far_was_read_is_remembered() {
    let home = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let env = [
        ("XDG_STATE_HOME", home.path()),
        ("XDG_CONFIG_HOME", config.path()),
    ];
    let run = || Session::start_with(r#""$0" --story "$1"; echo "EXIT=$?""#, &env);
    let mut first = run();
    first.wait_for("Ada leaves the city");
    // A first reading: Ada as her first scene tells her.
    first.wait_for("More later in the story.");
    assert!(!first.contents().contains("Kite"), "{}", first.contents());
    first.send("e");
    first.wait_for("Telling everything");
    first.wait_for("She reaches Rome and stays.");
    first.wait_for("Heron, Kite");
    first.send("e");
    first.wait_for("Telling only what you have read");
    first.wait_for_absence("She reaches Rome and stays.");
    // Read on to the ferry and back, then leave.
    first.send("l");
    first.wait_for("Bo takes her across on the ferry");
    first.send("h");
    first.wait_for("Ada leaves the city");
    first.wait_for("Someone takes her over the water in");
    first.send("q");
    first.wait_for("EXIT=0");

    // The next sitting tells as much as was read: the ferry's part, not Rome's.
    let again = run();
    again.wait_for("Ada leaves the city");
    again.wait_for("Someone takes her over the water in");
    again.wait_for("More later in the story.");
    assert!(!again.contents().contains("Kite"), "{}", again.contents());
    let mut again = again;
    again.send("q");
    again.wait_for("EXIT=0");

    // The configuration may choose everything for good.
    std::fs::create_dir_all(config.path().join("izumi")).unwrap();
    std::fs::write(
        config.path().join("izumi/config.toml"),
        "[reading]\ntell = \"everything\"\n",
    )
    .unwrap();
    let mut told = run();
    told.wait_for("Ada leaves the city");
    told.wait_for("She reaches Rome and stays.");
    told.send("q");
    told.wait_for("EXIT=0");
}
