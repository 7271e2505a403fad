//! The classroom in a real browser: the presenter runs in a pseudo-terminal with `--web`, and
//! `tests/browser/classroom.mjs` drives Debian's chromium (through playwright-core) through the
//! follower's page, the remote and the HTML handout: following within a second without a
//! reload, going back and snapping back with Follow, the refusal of scenes not shown yet, the
//! remote moving the terminal presenter, screenshots at phone and projector sizes in light and
//! dark, no sideways scrolling on a phone, and axe-core at WCAG 2.1 AA with no violation; and
//! a student answering the class's question on a phone (`tests/browser/ask.mjs`).
//!
//! It needs chromium, Node.js and `npm ci` in `tests/browser/` (see the README). Without them it
//! says what is missing and passes as skipped, except under CI (`CI` set), where it fails.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::free_port;
use common::terminal::Session;

/// The whole browser run, at most; it takes well under a minute.
const DEADLINE: Duration = Duration::from_secs(240);

/// Where the Node.js side lives, with its package.json and (after `npm ci`) node_modules.
fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("IZUMI_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// What is missing to run the browser tests, if anything.
fn missing() -> Vec<String> {
    let mut missing = Vec::new();
    if !chromium().is_file() {
        missing.push(format!(
            "no chromium at {} (apt-get install chromium)",
            chromium().display()
        ));
    }
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|status| status.success()) {
        missing.push("no node on the PATH (Node.js 20 or newer)".to_owned());
    }
    for package in ["playwright-core", "axe-core"] {
        if !scripts()
            .join("node_modules")
            .join(package)
            .join("package.json")
            .is_file()
        {
            missing.push(format!(
                "no {package} in tests/browser/node_modules (cd tests/browser && npm ci)"
            ));
        }
    }
    missing
}

/// Says plainly why the browser tests cannot run: a failure under CI, a skip elsewhere. Returns
/// whether they can run.
fn ready() -> bool {
    let missing = missing();
    if missing.is_empty() {
        return true;
    }
    let why = missing.join("; ");
    if std::env::var_os("CI").is_some_and(|ci| !ci.is_empty()) {
        panic!("the browser tests cannot run under CI: {why}");
    }
    // Straight to standard error, not through the test harness's capture: a skip is worth seeing.
    let _ = writeln!(std::io::stderr(), "skipped: the browser tests: {why}");
    false
}

/// Waits until something listens at `port` on loopback.
fn wait_for_listener(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The scene the pages are looked at on: the first with people, footnotes and glossary terms
/// past the scenes the first checks move through, so that the map has a route.
/// The secret the tests' web servers sign with.
const SECRET: &str = "0123456789abcdef";

/// The class's web pages for `hub` on a free loopback port, with no token.
fn serve(
    runtime: &tokio::runtime::Runtime,
    hub: &std::sync::Arc<izumi::classroom::hub::Hub>,
    secret: &str,
) -> izumi::web::Web {
    izumi::web::Web::start(
        runtime.handle(),
        std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        std::sync::Arc::clone(hub),
        izumi::web::WebConfig {
            token: None,
            secret: secret.to_owned(),
            read_ahead: false,
            max_followers: 50,
            remote_lifetime: izumi::web::REMOTE_LIFETIME,
        },
    )
    .unwrap()
}

fn showcase(story: &izumi::story::Story) -> usize {
    (6..story.scenes.len())
        .find(|&index| {
            let scene = &story.scenes[index];
            !scene.characters.is_empty() && !scene.footnotes.is_empty() && !scene.terms.is_empty()
        })
        .expect("a scene with people, footnotes and terms")
}

#[test]
fn the_classroom_in_a_real_browser_follows_refuses_ahead_moves_from_the_remote_and_passes_axe() {
    if !ready() {
        return;
    }
    let story = izumi::story::load_embedded();
    let total = story.scenes.len();
    let showcase = showcase(&story);

    let home = tempfile::tempdir().unwrap();
    let (console_port, web_port) = (free_port(), free_port());
    let mut presenter = Session::start_with(
        &format!(
            r#""$0" present --listen 127.0.0.1:{console_port} --web 127.0.0.1:{web_port}; echo "EXIT=$?""#
        ),
        &[
            ("XDG_RUNTIME_DIR", home.path()),
            ("XDG_STATE_HOME", home.path()),
        ],
    );
    let shows = |number: usize| format!("{number} of {total}");
    presenter.wait_for(&shows(1));
    wait_for_listener(web_port);
    let secret = std::fs::read_to_string(
        home.path()
            .join(format!("izumi/console-{console_port}.secret")),
    )
    .unwrap();
    let base = format!("http://127.0.0.1:{web_port}");

    // The handout, as a student would save it.
    let handout = home.path().join("handout.html");
    let exported = Command::new(env!("CARGO_BIN_EXE_izumi"))
        .args(["export", "--format", "html"])
        .output()
        .unwrap();
    assert!(exported.status.success(), "{exported:?}");
    std::fs::write(&handout, &exported.stdout).unwrap();

    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let scenes: Vec<serde_json::Value> = story
        .scenes
        .iter()
        .map(|scene| serde_json::json!({ "id": scene.id, "title": scene.title }))
        .collect();
    let config = serde_json::json!({
        "base": base,
        "follower": format!("{base}/"),
        "remote": format!("{base}/remote?secret={}", secret.trim()),
        "handout": handout,
        "screenshots": screenshots,
        "chromium": chromium(),
        "showcase": showcase,
        "scenes": scenes,
    })
    .to_string();

    run_script("classroom.mjs", &config, |question| {
        if let Some(keys) = question["press"].as_str() {
            presenter.send(keys);
            "ok".to_owned()
        } else if let Some(number) = question["shows"].as_u64() {
            let expected = shows(number as usize);
            let deadline = Instant::now() + Duration::from_secs(10);
            while !presenter.contents().contains(&expected) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if presenter.contents().contains(&expected) {
                "ok".to_owned()
            } else {
                format!(
                    "the presenter's terminal does not show {expected:?}: {:?}",
                    presenter.contents()
                )
            }
        } else {
            panic!("the browser script asked what no one answers: {question}");
        }
    });

    presenter.send("q");
    presenter.wait_for("EXIT=0");
}

/// Asking the class in a real browser: the presenter's hub and web door run in this test, which
/// opens the story's question as the teacher, and `tests/browser/ask.mjs` answers it on a phone
/// (with the keyboard and a tap, then without script), sees "Your answer: B", sends the teacher
/// a question, watches the remote reveal the tally and the answer and show the question, and
/// runs axe on the page with the question open. The test checks what the teacher's desk counts.
#[test]
fn a_student_answers_on_a_phone_and_the_teachers_tally_counts_it() {
    use common::lesson::Presenting;
    use izumi::asking::{Ask, Moderation};
    use izumi::classroom::hub::Who;

    if !ready() {
        return;
    }
    let story = izumi::story::load_embedded();
    let scene = story
        .scenes
        .iter()
        .position(|scene| !scene.questions.is_empty())
        .expect("a scene with a question");
    let question = story.scenes[scene].questions[0].clone();
    let runtime = izumi::audiences::runtime().unwrap();
    let hub = common::lesson::hub_of(story, None, |_| {});
    hub.present(scene, 0, false);
    let secret = SECRET;
    let web = serve(&runtime, &hub, secret);
    assert_eq!(
        hub.take(Ask::SceneQuestion, &Who::Teacher).as_deref(),
        Ok("Question 1 is open")
    );
    let base = format!("http://{}", web.address());
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let config = serde_json::json!({
        "base": base,
        "follower": format!("{base}/"),
        "remote": format!("{base}/remote?secret={secret}"),
        "screenshots": screenshots,
        "chromium": chromium(),
        "prompt": question.prompt,
        "choices": question.choices,
    })
    .to_string();

    let counts = || {
        hub.desk()
            .tally
            .map(|(_, counts)| counts)
            .unwrap_or_default()
    };
    run_script("ask.mjs", &config, |question| {
        let wait = |done: &dyn Fn() -> bool| {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !done() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            done()
        };
        if let Some(expected) = question["counts"].as_array() {
            let expected: Vec<u32> = expected
                .iter()
                .map(|n| u32::try_from(n.as_u64().unwrap()).unwrap())
                .collect();
            if wait(&|| counts() == expected) {
                "ok".to_owned()
            } else {
                format!("the teacher's desk counts {:?}, not {expected:?}", counts())
            }
        } else if let Some(text) = question["posted"].as_str() {
            let found = || {
                hub.desk()
                    .posted
                    .iter()
                    .any(|posted| posted.text == text && posted.state == Moderation::Waiting)
            };
            // Only the teacher has it: the class's view does not.
            if wait(&found) && hub.class().board.is_empty() {
                "ok".to_owned()
            } else {
                format!(
                    "the desk has {:?}, the class {:?}",
                    hub.desk().posted,
                    hub.class().board
                )
            }
        } else if let Some(votes) = question["votes"].as_u64() {
            let voted = || hub.desk().posted.first().map(|p| u64::from(p.votes)) == Some(votes);
            if wait(&voted) {
                "ok".to_owned()
            } else {
                format!("the desk has {:?}", hub.desk().posted)
            }
        } else {
            panic!("the browser script asked what no one answers: {question}");
        }
    });
}

/// The follower's page as a long-form article (`tests/browser/article.mjs`): the hub and the web
/// door run in this test, at a scene with people, footnotes and terms; the script asks it to move
/// the presenter. A phone's first screen holds the title and the first line, a tapped term opens
/// in place, the notes stand in the margin of a 1400-wide window, the projector view, a follower
/// scrolled away brought to the new title, the page for a scene not shown yet, axe light and dark.
#[test]
fn the_follower_reads_as_an_article_on_a_phone_a_desk_and_a_projector() {
    use common::lesson::Presenting;

    if !ready() {
        return;
    }
    let story = izumi::story::load_embedded();
    let total = story.scenes.len();
    let showcase = showcase(&story);
    assert!(
        showcase + 2 < total - 1,
        "room to move on, and a scene never shown"
    );
    let scenes: Vec<serde_json::Value> = story
        .scenes
        .iter()
        .map(|scene| serde_json::json!({ "id": scene.id, "title": scene.title }))
        .collect();
    let runtime = izumi::audiences::runtime().unwrap();
    let hub = common::lesson::hub_of(story, None, |_| {});
    hub.present(showcase, 0, false);
    let web = serve(&runtime, &hub, SECRET);
    let base = format!("http://{}", web.address());
    let config = serde_json::json!({
        "base": base,
        "follower": format!("{base}/"),
        "screenshots": Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser"),
        "chromium": chromium(),
        "showcase": showcase,
        "scenes": scenes,
    })
    .to_string();
    run_script("article.mjs", &config, |question| {
        let index = question["present"]
            .as_u64()
            .unwrap_or_else(|| panic!("the browser script asked what no one answers: {question}"));
        hub.present(usize::try_from(index).unwrap(), 0, false);
        "ok".to_owned()
    });
}

/// Runs `script` in node with `config`, answering each `izumi-ask` line with `answer`'s words,
/// within [`DEADLINE`]; fails with everything the script said if it fails.
fn run_script(script: &str, config: &str, mut answer: impl FnMut(&serde_json::Value) -> String) {
    let profile = tempfile::tempdir().unwrap();
    let mut node = Command::new("node")
        .arg(script)
        .arg(config)
        .current_dir(scripts())
        .env("TMPDIR", profile.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut answers = node.stdin.take().unwrap();
    let (lines, heard) = mpsc::channel();
    let stdout = node.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut stderr = node.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let mut said = Vec::new();
    loop {
        let left = DEADLINE.saturating_sub(started.elapsed());
        let line = match heard.recv_timeout(left) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = node.kill();
                panic!("{script} took over {DEADLINE:?}:\n{}", said.join("\n"));
            }
        };
        let Some(question) = line.strip_prefix("izumi-ask ") else {
            eprintln!("browser: {line}");
            said.push(line);
            continue;
        };
        let question: serde_json::Value = serde_json::from_str(question).unwrap();
        writeln!(answers, "{}", answer(&question)).unwrap();
    }
    let status = node.wait().unwrap();
    let errors = errors.join().unwrap();
    assert!(
        status.success(),
        "{script} failed ({status}):\n{}\n{errors}",
        said.join("\n")
    );
}

/// The journey's term "ferry" carries a general gloss: on the follower's page (list and opened
/// explanation) and the class's handout, light and dark, it is marked in words, in a colour of
/// its own with AA contrast, and axe finds no violation (`tests/browser/glossed.mjs`).
#[test]
fn a_general_gloss_is_marked_in_words_and_its_own_colour_and_passes_axe_light_and_dark() {
    use common::lesson::Presenting;

    if !ready() {
        return;
    }
    let runtime = izumi::audiences::runtime().unwrap();
    let hub = common::lesson::hub_of(common::journey(), None, |_| {});
    // The ferry: the scene whose text uses the term.
    hub.present(1, 0, false);
    let web = serve(&runtime, &hub, SECRET);
    let base = format!("http://{}", web.address());
    let config = serde_json::json!({
        "follower": format!("{base}/"),
        "handout": format!("{base}/handout"),
        "chromium": chromium(),
    })
    .to_string();
    run_script("glossed.mjs", &config, |question| {
        panic!("the browser script asked what no one answers: {question}")
    });
}
