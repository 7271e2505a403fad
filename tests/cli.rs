//! The command line: `check` and `export` on good and broken stories, with their exit codes.

mod common;

use std::process::{Command, Output};

use common::izumi;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_passes_on_the_embedded_story_with_a_summary() {
    let output = izumi(&["check"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = stdout(&output);
    assert!(summary.starts_with("ok: "), "{summary}");
    for part in [
        "episodes",
        "scenes",
        "characters",
        "footnotes",
        "locations",
        "terms",
    ] {
        assert!(summary.contains(part), "summary lacks {part}: {summary}");
    }
}

#[test]
fn check_summarises_a_valid_folder() {
    let dir = common::journey_dir();
    let output = izumi(&["check", "--story", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output).trim(),
        "ok: \"A Test Journey\" — 2 episodes, 4 scenes, 2 characters, 2 footnotes, 2 editor's notes, 3 locations, 1 term"
    );
}

#[test]
fn check_fails_with_every_located_message() {
    let case = common::fixtures().join("invalid/many-problems");
    let dir = common::broken_story(&case);
    let output = izumi(&["check", "--story", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    let path = dir.path().join("episodes/01-north.toml");
    let expected = format!(
        "{}:3:12: unknown location \"olso\" — did you mean \"oslo\"?",
        path.display()
    );
    assert!(errors.contains(&expected), "{errors}");
    assert!(errors.trim_end().ends_with("4 problems found"), "{errors}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn the_reader_refuses_a_broken_story_before_touching_the_terminal() {
    let output = izumi(&["--story", "/no/such/folder"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("/no/such/folder: not a story folder"));
    assert!(
        !stdout(&output).contains('\x1b'),
        "no escape codes were written"
    );
}

#[test]
fn export_markdown_is_a_handout() {
    let dir = common::journey_dir();
    let output = izumi(&["export", "--story", dir.to_str().unwrap()]);
    assert!(output.status.success());
    let markdown = stdout(&output);
    let expected_in_order = [
        "# A Test Journey\n",
        "## 1. The North\n",
        "### Setting out\n\n*spring 1920 · Christiania · id: setting-out*\n",
        "Ada leaves the city in the spring.[^1] She takes one bag.\n\nShe does not say",
        "## 2. The South\n",
        "*August 1931 (her letters) or February 1932 (the police register) · Rome · id: arrival*",
        "## People\n",
        "**Ada Lind** (1890–1956) — traveller, settled in Rome. Also written Ada Lindt. Probably \
         ‘Mme L.’ (the initials in the police register). Possibly ‘Lady Hawk’. Code names: \
         Heron, Kite. Ada travels from the north to the south. She is the fixture's main \
         character. Someone takes her over the water in May. She reaches Rome and stays.",
        "## Glossary\n",
        "**ferry** — A boat that carries people across water. A ferry also took her to Rome. [not \
         from the article] Ferries are older than most bridges.",
        "[^1]: B. Writer, Notes on Rivers (Town: Press 1990) p.3. — The writer doubts the date of the crossing.\n",
        "[^2]: C. Scribe, *Letters* (City: House 1999) pp.10–12.\n",
    ];
    assert_in_order(&markdown, &expected_in_order);
}

#[test]
fn export_text_wraps_and_numbers_notes() {
    let dir = common::journey_dir();
    let output = izumi(&[
        "export",
        "--format",
        "text",
        "--story",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.starts_with("A Test Journey\n==============\n"));
    assert!(text.contains("Ada leaves the city in the spring.[1] She takes one bag."));
    assert!(text.contains("[2] C. Scribe, Letters"));
    assert!(
        text.lines().all(|line| line.chars().count() <= 72),
        "{text}"
    );
}

#[test]
fn export_markdown_gives_editor_notes_a_section_of_their_own_with_links_both_ways() {
    let dir = common::journey_dir();
    let markdown = stdout(&izumi(&["export", "--story", dir.to_str().unwrap()]));
    let expected_in_order = [
        "Ada reaches Rome.[^1]<sup id=\"ed-1-1\">[\\[ed.1\\]](#ed-1)</sup>\n",
        "## Glossary\n",
        "## Editor's notes\n\nA note of ours, not the article's: where the article is \
         inconsistent or mistaken, the story keeps what it says and notes it.\n\n",
        "<a id=\"ed-1\"></a>**\\[ed.1\\]** The two accounts are six months apart and cannot \
         both be right; the story keeps both, as its source does. [↩ Arrival in Rome](#ed-1-1)\n",
        "<a id=\"ed-2\"></a>**\\[ed.2\\]** The register gives the month the police wrote her \
         name down, which need not be the month she came. (Marked only in presenter notes, \
         which are not exported.)\n",
        "[^1]: B. Writer",
    ];
    assert_in_order(&markdown, &expected_in_order);
    // Every link to an editor's note, or back to its marker, has its anchor.
    let links: Vec<&str> = markdown
        .split("](#ed-")
        .skip(1)
        .map(|rest| &rest[..rest.find(')').unwrap()])
        .collect();
    assert_eq!(links, ["1", "1-1"]);
    for link in links {
        assert!(markdown.contains(&format!("id=\"ed-{link}\"")), "{link}");
    }
}

#[test]
fn export_text_lists_editor_notes_apart_from_the_footnotes() {
    let dir = common::journey_dir();
    let text = stdout(&izumi(&[
        "export",
        "--format",
        "text",
        "--story",
        dir.to_str().unwrap(),
    ]));
    let expected_in_order = [
        "Ada reaches Rome.[1][ed.1]\n",
        "Editor's notes\n==============\n",
        "\n[ed.1] The two accounts are six months apart and cannot both be right;\n",
        "\n[ed.2] The register gives",
        "Notes\n=====\n\n[1] B. Writer",
    ];
    assert_in_order(&text, &expected_in_order);
}

#[test]
fn search_finds_an_editor_note_by_its_words() {
    let dir = common::journey_dir();
    let output = izumi(&["search", "--story", dir.to_str().unwrap(), "six months"]);
    assert_eq!(
        stdout(&output),
        "ed. note\ttwo-dates\t[ed.1]\tThe two accounts are six months apart and cannot both be right; the s…\n"
    );
}

#[test]
fn export_fails_on_a_broken_story() {
    let case = common::fixtures().join("invalid/bad-date");
    let dir = common::broken_story(&case);
    let output = izumi(&["export", "--story", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("bad date \"Spirng 1920\""));
}

#[test]
fn an_unknown_subcommand_is_a_usage_error() {
    let output = izumi(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn check_warns_about_each_control_character_with_its_place_and_still_loads() {
    let dir = common::fixtures().join("hostile");
    let output = izumi(&["check", "--story", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let warnings: Vec<String> = stderr(&output)
        .lines()
        .map(|line| line.replace(dir.to_str().unwrap(), "STORY"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: STORY/story.toml:1:24: escape character (U+001B) removed: escape sequences never reach the terminal",
            "warning: STORY/story.toml:1:38: control character (U+0007) removed: it could act on the terminal",
            "warning: STORY/characters.toml:9:19: escape character (U+001B) removed: escape sequences never reach the terminal",
            "warning: STORY/characters.toml:9:34: escape character (U+001B) removed: escape sequences never reach the terminal",
            "warning: STORY/characters.toml:12:12: escape character (U+001B) removed: escape sequences never reach the terminal",
            "warning: STORY/characters.toml:14:22: control character (U+0007) removed: it could act on the terminal",
            "warning: STORY/editor_notes.toml:3:25: escape character (U+001B) removed: escape sequences never reach the terminal",
            "warning: STORY/editor_notes.toml:3:39: control character (U+0007) removed: it could act on the terminal",
            "warning: STORY/episodes/01-north.toml:8:18: bidirectional control (U+202E) removed: it could reorder what the reader sees",
            "warning: STORY/episodes/01-north.toml:13:20: escape character (U+001B) removed: escape sequences never reach the terminal",
            "warning: STORY/episodes/01-north.toml:13:54: control character (U+009B) removed: it could act on the terminal",
            "warning: STORY/episodes/01-north.toml:17:23: escape character (U+001B) removed: escape sequences never reach the terminal",
        ]
    );
    assert!(
        !stdout(&output).contains('\u{1b}'),
        "the summary is clean too"
    );
}

#[test]
fn the_reader_without_a_terminal_says_so_and_fails() {
    let output = izumi(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("izumi needs a terminal"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty(), "nothing was drawn");
}

#[test]
fn search_prints_one_hit_a_line_with_its_kind_and_id() {
    let dir = common::journey_dir();
    let output = izumi(&["search", "--story", dir.to_str().unwrap(), "FERRY"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "scene\tthe-ferry\tThe ferry\tThe ferry",
            "term\tferry\tferry\tferry",
        ]
    );
}

#[test]
fn search_finds_a_person_by_a_hedged_name_and_says_how_sure_it_is() {
    let dir = common::journey_dir();
    let output = izumi(&["search", "--story", dir.to_str().unwrap(), "hawk"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "person\tada\tAda Lind\tpossibly ‘Lady Hawk’\n"
    );
}

#[test]
fn export_names_each_scene_by_the_id_that_opens_it() {
    let dir = common::journey_dir();
    let output = izumi(&["export", "--story", dir.to_str().unwrap()]);
    assert!(stdout(&output).contains("*21 May 1920 · Christiania, Bergen · id: the-ferry*"));
}

#[test]
fn completions_and_the_manual_come_from_the_command_line_definition() {
    use clap::CommandFactory;
    izumi::cli::Cli::command().debug_assert();
    for (shell, mark) in [
        ("bash", "_izumi()"),
        ("zsh", "#compdef izumi"),
        ("fish", "complete -c izumi"),
    ] {
        let output = izumi(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0));
        let script = stdout(&output);
        assert!(script.contains(mark), "{shell}: {script}");
        assert!(script.contains("from-start") && script.contains("present"));
    }
    let manual = stdout(&izumi(&["manpage"]));
    assert!(manual.contains(".TH izumi 1"));
    for part in [
        "\\-\\-scene",
        "\\-\\-theme",
        "present",
        "follow",
        "search",
        "results",
    ] {
        assert!(manual.contains(part), "the manual lacks {part}");
    }
}

/// Fails the test if the output holds anything a terminal acts on: escape, BEL and every other
/// control character but the newline, C1 controls (as characters or as bytes that are not
/// UTF-8), and bidirectional controls.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes)
        .unwrap_or_else(|error| panic!("{what} is not UTF-8 ({error}): {bytes:?}"));
    let active = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    };
    if let Some((at, c)) = text.char_indices().find(|(_, c)| active(*c)) {
        panic!("{what} holds {c:?} at byte {at}:\n{text}");
    }
}

#[cfg(unix)]
#[test]
fn check_never_writes_what_a_terminal_acts_on_from_a_story_or_a_file_name() {
    use std::os::unix::ffi::OsStrExt;
    // Escapes in a listed file name, in ids and in references…
    let case = common::fixtures().join("invalid/escapes-in-names");
    let dir = common::broken_story(&case);
    // …and in the names of real files in episodes/.
    let episodes = dir.path().join("episodes");
    let named = |bytes: &[u8]| episodes.join(std::ffi::OsStr::from_bytes(bytes));
    let south = episodes.join("02-south.toml");
    std::fs::copy(&south, named(b"\x1b[2J\x1b[H\x1b]0;PWNED\x07.toml")).unwrap();
    std::fs::copy(&south, named(b"\xc2\x9b2J\xe2\x80\xae.toml")).unwrap();
    std::fs::copy(&south, named(b"\x9b2J\xff.toml")).unwrap();
    let folder = dir.path().to_str().unwrap();
    for args in [
        vec!["check", "--story", folder],
        vec!["export", "--story", folder],
        vec!["--story", folder],
    ] {
        let output = izumi(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_inert("stdout", &output.stdout);
        assert_inert("stderr", &output.stderr);
    }
    let errors = stderr(&izumi(&["check", "--story", folder]));
    for shown in [
        "episode file \"episodes/\\u001B]2;PWNED\\u0007.toml\" not found — did you mean \
         \"episodes/\\u001B[2J\\u001B[H\\u001B]0;PWNED\\u0007.toml\"?",
        "episodes/\\u009B2J\\u202E.toml:1:1: this episode file is not listed",
        "episodes/\\x9B2J\\xFF.toml: this file's name is not valid UTF-8",
        "unknown character \"bo\" — did you mean \"bo\\u001B[2J\"?",
    ] {
        assert!(errors.contains(shown), "{shown}\n{errors}");
    }
}

/// Runs izumi with this configuration file's text (or a pipe, if `None`), giving up after
/// twenty seconds.
#[cfg(unix)]
fn izumi_configured(config: Option<&str>, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("izumi")).unwrap();
    let path = home.path().join("izumi/config.toml");
    match config {
        Some(text) => std::fs::write(&path, text).unwrap(),
        None => assert!(
            Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap()
                .success()
        ),
    }
    let child = Command::new(env!("CARGO_BIN_EXE_izumi"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    match receiver.recv_timeout(std::time::Duration::from_secs(20)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("izumi {args:?} did not finish: it waits on its configuration");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_configuration_that_is_a_pipe_is_reported_and_nothing_waits_on_it() {
    let output = izumi_configured(None, &["check"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains(
            "izumi/config.toml: is not a regular file (a pipe, a socket or a device): izumi reads only files"
        ),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn the_configuration_s_messages_never_write_what_a_terminal_acts_on() {
    let config = "theme = \"\\u009b2J\"\n[keys]\n\"\\u001b]2;PWNED\\u0007\" = [\"x\"]\n\
                  quit = [\"\\u001b[2J\"]\nnext-scene = [\"\\u202e\"]\n";
    let output = izumi_configured(Some(config), &["check"]);
    assert_inert("stderr", &output.stderr);
    let errors = stderr(&output);
    assert!(
        errors.contains("no binding is called \"\\u001B]2;PWNED\\u0007\""),
        "{errors}"
    );
    assert!(errors.contains("\"\\u001B[2J\" is not a key"), "{errors}");
}

/// Fails unless every part appears in `text`, each after the one before.
fn assert_in_order(text: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        let found = text[from..]
            .find(part)
            .unwrap_or_else(|| panic!("missing or out of order: {part:?}\n{text}"));
        from += found + part.len();
    }
}

/// Alone, without `izumi-classroom` beside it, `izumi present --web/--ssh` says what is missing
/// and how to build it, before it takes a port or the terminal.
#[cfg(unix)]
#[test]
fn present_web_or_ssh_without_the_classroom_binary_beside_izumi_says_how_to_build_it() {
    let alone = tempfile::tempdir().unwrap();
    let izumi = alone.path().join("izumi");
    std::fs::copy(env!("CARGO_BIN_EXE_izumi"), &izumi).unwrap();
    for door in ["--web", "--ssh"] {
        let output = Command::new(&izumi)
            .args(["present", door, "127.0.0.1:0"])
            .env("XDG_CONFIG_HOME", "/nonexistent")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{door}: {output:?}");
        let errors = stderr(&output);
        let missing = alone.path().join("izumi-classroom");
        for part in [
            "izumi: `present --web` and `--ssh` are served by izumi-classroom",
            &format!("({} is missing)", missing.display()),
            "`cargo build --release`",
        ] {
            assert!(errors.contains(part), "{door}: {part:?} not in {errors}");
        }
        assert!(stdout(&output).is_empty(), "{door}: {}", stdout(&output));
    }
}

/// A state folder holding one presentation's results, as a presenter writes them, and a
/// broken file beside it.
fn state_with_results() -> tempfile::TempDir {
    use std::os::unix::fs::DirBuilderExt;
    let state = tempfile::tempdir().unwrap();
    let folder = state.path().join("izumi/results");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&folder)
        .unwrap();
    let kept = serde_json::json!({
        "started": "2026-12-07T12:00:00+00:00",
        "story": "The \"Nero\" file, 1941",
        "asked": [
            {
                "asked": {
                    "number": 1,
                    "id": "who-named",
                    "scene": "prologue-nero-named",
                    "prompt": "Who gave him the name, \"Nero\"?",
                    "choices": ["The NKVD", "He did", "Nobody"],
                    "answer": 0,
                    "explain": "See [1]."
                },
                "counts": [3, 1, 0]
            },
            {
                "asked": {
                    "number": 2,
                    "id": null,
                    "scene": null,
                    "prompt": "Quick question: yes or no?",
                    "choices": ["Yes", "No"],
                    "answer": null,
                    "explain": ""
                },
                "counts": [0, 0]
            }
        ],
        "posted": [
            {"number": 2, "text": "=HYPERLINK(\"x\")", "votes": 4, "state": "Shown"},
            {"number": 1, "text": "Why Harbin, of all places?", "votes": 0, "state": "Waiting"}
        ]
    });
    std::fs::write(
        folder.join("20261207-120000-1.json"),
        serde_json::to_vec_pretty(&kept).unwrap(),
    )
    .unwrap();
    std::fs::write(folder.join("20261207-130000-2.json"), b"{ not json").unwrap();
    let oversize = vec![b' '; izumi::classroom::results::LIMIT as usize + 1];
    std::fs::write(folder.join("20261207-140000-3.json"), oversize).unwrap();
    state
}

fn izumi_results(state: &std::path::Path, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_izumi"))
        .args(["results", "--format", format])
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("XDG_STATE_HOME", state)
        .output()
        .expect("izumi runs")
}

#[test]
fn results_are_listed_as_an_aligned_table_and_a_broken_file_is_skipped_with_a_warning() {
    let state = state_with_results();
    let output = izumi_results(state.path(), "table");
    assert!(output.status.success(), "{}", stderr(&output));
    let warnings = stderr(&output);
    let warnings: Vec<&str> = warnings.lines().collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for (warning, file) in warnings.iter().zip(["130000-2.json", "140000-3.json"]) {
        assert!(
            warning.starts_with("izumi: skipped ") && warning.contains(file),
            "{warning}"
        );
    }
    let table = stdout(&output);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1 + 3 + 2 + 2, "{table}");
    assert!(lines[0].starts_with("DATE"), "{table}");
    // Aligned: every column starts where its header does.
    let at = |line: &str, text: &str| {
        line.find(text)
            .unwrap_or_else(|| panic!("{text} in {line}"))
    };
    let question = at(lines[0], "QUESTION");
    let votes_end = at(lines[0], "VOTES") + "VOTES".len();
    for line in &lines[1..] {
        assert!(line.len() >= votes_end, "{line}");
    }
    assert_eq!(at(lines[1], "Who gave him"), question);
    assert!(lines[1].contains("A. The NKVD"), "{table}");
    assert!(
        lines[1].contains(" 75 ") && lines[1].contains("yes"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(" 25 ") && lines[2].contains("no"),
        "{}",
        lines[2]
    );
    assert!(
        lines[4].contains("Quick question") && lines[4].contains(" 0 "),
        "{}",
        lines[4]
    );
    assert!(
        lines[6].contains("student") && lines[6].contains("shown"),
        "{}",
        lines[6]
    );
    assert!(
        lines[7].contains("Why Harbin") && lines[7].contains("waiting"),
        "{}",
        lines[7]
    );
}

#[test]
fn results_as_csv_quote_commas_and_quotes_and_defuse_formulas() {
    let state = state_with_results();
    let output = izumi_results(state.path(), "csv");
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "date,story,kind,number,question,choice,votes,percent,right,state"
    );
    assert_eq!(
        lines[1],
        "2026-12-07T12:00:00+00:00,\"The \"\"Nero\"\" file, 1941\",choice,1,\
         \"Who gave him the name, \"\"Nero\"\"?\",A. The NKVD,3,75,yes,"
    );
    assert_eq!(
        lines[5],
        "2026-12-07T12:00:00+00:00,\"The \"\"Nero\"\" file, 1941\",choice,2,\
         Quick question: yes or no?,B. No,0,0,,"
    );
    assert_eq!(
        lines[6],
        "2026-12-07T12:00:00+00:00,\"The \"\"Nero\"\" file, 1941\",student,2,\
         \"'=HYPERLINK(\"\"x\"\")\",,4,,,shown"
    );
    assert_eq!(lines.len(), 1 + 7 + 1, "{csv}");
    assert_eq!(lines[8], "", "the last line ends too");
}

#[test]
fn results_as_json_parse_back_with_counts_shares_and_the_right_answer() {
    let state = state_with_results();
    let output = izumi_results(state.path(), "json");
    assert!(output.status.success(), "{}", stderr(&output));
    let parsed: Vec<izumi::classroom::results::PresentationReport> =
        serde_json::from_slice(&output.stdout).expect("the JSON parses back");
    assert_eq!(parsed.len(), 1);
    let presentation = &parsed[0];
    assert_eq!(presentation.story, "The \"Nero\" file, 1941");
    assert_eq!(presentation.asked.len(), 2);
    let first = &presentation.asked[0];
    assert_eq!(
        (first.number, first.answers, first.answer),
        (1, 4, Some('A'))
    );
    let shares: Vec<(char, u32, u32)> = first
        .choices
        .iter()
        .map(|c| (c.letter, c.votes, c.percent))
        .collect();
    assert_eq!(shares, [('A', 3, 75), ('B', 1, 25), ('C', 0, 0)]);
    assert_eq!(presentation.asked[1].answer, None);
    let states: Vec<(u32, &str)> = presentation
        .students_questions
        .iter()
        .map(|q| (q.votes, q.state.as_str()))
        .collect();
    assert_eq!(states, [(4, "shown"), (0, "waiting")]);
    let text = String::from_utf8_lossy(&output.stdout);
    for private in ["127.0.0.1", "follow:", "ssh:", "web:"] {
        assert!(
            !text.contains(private),
            "nothing about who answered: {private}"
        );
    }
}

#[test]
fn results_with_nothing_kept_say_so_and_succeed() {
    let state = tempfile::tempdir().unwrap();
    let output = izumi_results(state.path(), "table");
    assert!(output.status.success());
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("no results kept yet"),
        "{}",
        stderr(&output)
    );
    let output = izumi_results(state.path(), "json");
    assert_eq!(stdout(&output).trim(), "[]");
}

/// `izumi present` says what is wrong with its arguments before it looks for a terminal: here
/// standard input and output are not one, and each mistake is still named.
#[test]
fn present_checks_its_arguments_and_the_story_before_the_terminal() {
    let cases: [(&[&str], &str); 6] = [
        (&["present", "--bogus"], "unexpected argument '--bogus'"),
        (&["present", "--listen", "nonsense"], "--listen nonsense:"),
        (&["present", "--listen", "0.0.0.0:7000"], "needs --token"),
        (&["present", "--scene", "nope"], "no scene \"nope\""),
        (
            &["present", "--story", "/nonexistent"],
            "not a story folder",
        ),
        (&["present", "--ssh-sessions", "0"], "--ssh-sessions"),
    ];
    for (args, said) in cases {
        let output = izumi(args);
        let errors = stderr(&output);
        assert!(!output.status.success(), "{args:?}");
        assert!(errors.contains(said), "{args:?}: {errors}");
        assert!(!errors.contains("needs a terminal"), "{args:?}: {errors}");
    }
    // With nothing wrong but the terminal, the terminal is what it says.
    assert!(stderr(&izumi(&["present"])).contains("needs a terminal"));
}

/// What an export up to the second scene may not hold: what only the last scene tells, and the
/// third scene's title.
fn told_after_the_ferry() -> impl Iterator<Item = &'static str> {
    common::TOLD_AT_ARRIVAL
        .into_iter()
        .chain(["Winter in Bergen"])
}

fn export_up_to(format: &str, scene: &str) -> String {
    let dir = common::journey_dir();
    let output = izumi(&[
        "export",
        "--story",
        dir.to_str().unwrap(),
        "--format",
        format,
        "--up-to",
        scene,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn export_up_to_a_scene_holds_those_scenes_and_entries_told_as_far_as_them_in_every_format() {
    let markdown = export_up_to("markdown", "the-ferry");
    assert_in_order(
        &markdown,
        &[
            "# A Test Journey\n",
            "The story up to “The ferry”, scene 2 of 4.\n",
            "## 1. The North\n",
            "### Setting out\n",
            "### The ferry\n",
            "Bo takes her across on the ferry.[^2]",
            "## People\n",
            "**Ada Lind** (1890–1956) — traveller. Also written Ada Lindt. Probably ‘Mme L.’ (the \
             initials in the police register). Possibly ‘Lady Hawk’. Code names: Heron. Ada \
             travels from the north to the south. She is the fixture's main character. Someone \
             takes her over the water in May. More later in the story.\n",
            "**Bo Stern** — ferryman. Bo carries travellers across the river.\n",
            "## Glossary\n",
            "**ferry** — A boat that carries people across water. [not from the article] Ferries \
             are older than most bridges. More later in the story.\n",
            "[^1]: B. Writer",
            "[^2]: C. Scribe",
        ],
    );
    for later in told_after_the_ferry() {
        assert!(!markdown.contains(later), "{later:?} in {markdown}");
    }

    let text = export_up_to("text", "setting-out");
    assert!(text.contains("The story up to “Setting out”, scene 1 of 4."));
    assert!(text.contains("Ada leaves the city in the spring.[1]"));
    assert!(text.contains("later in the story."), "{text}");
    // The ferry, Bo and footnote 2 come with the second scene; no section of notes is empty.
    for later in
        told_after_the_ferry().chain(["ferry", "Bo Stern", "Glossary", "[2]", "over the water"])
    {
        assert!(!text.contains(later), "{later:?} in {text}");
    }

    let html = export_up_to("html", "the-ferry");
    assert!(html.contains("<p class=\"so-far\">The story up to “The ferry”, scene 2 of 4.</p>"));
    assert!(html.contains(
        "<span class=\"general\"><span class=\"mark\">[not from the article]</span> Ferries are older than most bridges.</span>"
    ));
    assert!(html.contains("<p class=\"later\">More later in the story.</p>"));
    assert!(html.contains("<style>"), "the file carries its style");
    for later in told_after_the_ferry() {
        assert!(!html.contains(later), "{later:?} in the handout");
    }
}

#[test]
fn export_up_to_the_last_scene_is_the_whole_export_without_what_only_presenters_read() {
    let dir = common::journey_dir();
    let whole = stdout(&izumi(&["export", "--story", dir.to_str().unwrap()]));
    // All of it but the editor's note marked only in the presenter's notes, which no scene's
    // text holds.
    let presenters = "<a id=\"ed-2\"></a>**\\[ed.2\\]** The register gives the month the police \
                      wrote her name down, which need not be the month she came. (Marked only in \
                      presenter notes, which are not exported.)\n\n";
    assert!(whole.contains(presenters), "{whole}");
    assert_eq!(
        export_up_to("markdown", "arrival"),
        whole.replace(presenters, "")
    );
    assert!(!whole.contains("More later"));
    assert!(!whole.contains("The story up to"));
}

#[test]
fn export_up_to_an_unknown_scene_fails_and_says_which_was_meant() {
    let dir = common::journey_dir();
    let output = izumi(&[
        "export",
        "--story",
        dir.to_str().unwrap(),
        "--up-to",
        "the-fery",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output)
            .contains("no scene \"the-fery\" in this story — did you mean \"the-ferry\"?"),
        "{}",
        stderr(&output)
    );
}
