//! The loader: the embedded story and valid fixtures load; every invalid fixture produces exactly
//! the located messages in its `expected.txt`. A new invalid case is a folder under
//! `tests/fixtures/invalid/` with the files that differ from the journey story (and a `delete.txt`
//! naming files to remove); `IZUMI_BLESS=1 cargo test --test load` writes its `expected.txt`.

mod common;

use std::fs;

use std::path::Path;

use izumi::story;

#[test]
fn embedded_story_loads() {
    let story = story::load_embedded();
    assert!(!story.scenes.is_empty());
    assert!(story.episodes.iter().all(|e| !e.scenes.is_empty()));
}

#[test]
fn the_prepared_story_is_exactly_what_the_story_folder_loads_to() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("story");
    let fresh = story::load(&folder).unwrap_or_else(|errors| panic!("{errors}"));
    assert!(story::load_embedded() == fresh);
}

#[test]
fn every_valid_fixture_loads() {
    for entry in fs::read_dir(common::fixtures().join("valid"))
        .unwrap()
        .flatten()
    {
        if let Err(errors) = story::load(&entry.path()) {
            panic!("{}:\n{errors}", entry.path().display());
        }
    }
}

#[test]
fn journey_fixture_resolves_references_in_order() {
    let story = common::journey();
    assert_eq!(story.episodes.len(), 2);
    assert_eq!(story.scenes.len(), 4);
    assert_eq!(story.episodes[1].scenes, 3..4);
    let ferry = story.scene(story.find_scene("the-ferry").unwrap());
    let names: Vec<&str> = ferry
        .characters
        .iter()
        .map(|c| story.character(*c).name.as_str())
        .collect();
    assert_eq!(names, ["Ada Lind", "Bo Stern"]);
    let route: Vec<&str> = story
        .route
        .iter()
        .map(|l| story.location(*l).id.as_str())
        .collect();
    assert_eq!(route, ["oslo", "bergen", "rome"]);
    let arrival = story.scene(story.find_scene("arrival").unwrap());
    assert!(arrival.date.is_disputed());
    assert_eq!(
        arrival.date.to_string(),
        "August 1931 (her letters) or February 1932 (the police register)"
    );
}

#[test]
fn scene_text_keeps_paragraphs_and_footnotes() {
    let story = common::journey();
    let scene = story.scene(story.find_scene("setting-out").unwrap());
    assert_eq!(scene.paragraphs.len(), 2);
    let cited: Vec<u32> = scene
        .footnotes
        .iter()
        .map(|f| story.footnote(*f).number)
        .collect();
    assert_eq!(cited, [1]);
}

#[test]
fn hedged_identifications_load_apart_from_the_plain_aliases() {
    let story = common::journey();
    let ada = &story.characters[0];
    assert_eq!(ada.aliases, ["Ada Lindt"]);
    let hedged: Vec<String> = ada.identified_as.iter().map(|i| i.described()).collect();
    assert_eq!(
        hedged,
        [
            "probably ‘Mme L.’ (the initials in the police register)",
            "possibly ‘Lady Hawk’",
        ]
    );
    assert!(story.characters[1].identified_as.is_empty());
}

#[test]
fn editor_notes_are_numbered_by_first_use_in_the_text_then_in_presenter_notes() {
    // The file defines register-month first; the text marks two-dates, the presenter's notes
    // register-month, and the notes of an earlier scene come after every scene's text.
    let dir = common::journey_copy();
    let north = dir.path().join("episodes/01-north.toml");
    let text = fs::read_to_string(&north).unwrap().replace(
        "where they think she is going.\"",
        "where they think she is going.[^ed:register-month]\"",
    );
    fs::write(&north, text).unwrap();
    for story in [common::journey(), story::load(dir.path()).unwrap()] {
        let notes: Vec<(u32, &str)> = story
            .editor_notes
            .iter()
            .map(|note| (note.number, note.id.as_str()))
            .collect();
        assert_eq!(notes, [(1, "two-dates"), (2, "register-month")]);
        let arrival = story.scene(story.find_scene("arrival").unwrap());
        let marked: Vec<String> = arrival
            .editor_notes
            .iter()
            .map(|id| story.editor_note(*id).marker())
            .collect();
        assert_eq!(marked, ["[ed.1]"], "the text's notes, not the presenter's");
        let in_notes = story::text::editor_notes_in(arrival.notes.iter().flatten());
        assert_eq!(story.editor_note(in_notes[0]).id, "register-month");
        assert_eq!(
            arrival.paragraphs[0].last(),
            Some(&story::Inline::EditorNote(arrival.editor_notes[0]))
        );
    }
}

#[test]
fn a_story_without_editor_notes_toml_has_none_and_an_empty_one_is_the_same_story() {
    let dir = common::journey_copy();
    let with_notes = story::load(dir.path()).unwrap();
    let south = dir.path().join("episodes/02-south.toml");
    let text = fs::read_to_string(&south)
        .unwrap()
        .replace("[^ed:two-dates]", "")
        .replace("[^ed:register-month]", "");
    fs::write(&south, &text).unwrap();
    fs::remove_file(dir.path().join("editor_notes.toml")).unwrap();
    let without = story::load(dir.path()).unwrap();
    assert!(without.editor_notes.is_empty());
    assert_ne!(without.fingerprint, with_notes.fingerprint);
    // An empty file is no notes, and the same story as no file.
    fs::write(dir.path().join("editor_notes.toml"), "").unwrap();
    assert_eq!(
        story::load(dir.path()).unwrap().fingerprint,
        without.fingerprint
    );
}

#[test]
fn a_missing_story_folder_is_reported() {
    let errors = story::load(Path::new("/no/such/story")).unwrap_err();
    assert_eq!(
        errors.diagnostics[0].to_string(),
        "/no/such/story: not a story folder (no such directory)"
    );
}

#[test]
fn every_invalid_fixture_reports_exactly_its_expected_messages() {
    let mut cases: Vec<_> = fs::read_dir(common::fixtures().join("invalid"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "expected at least eight invalid cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap_or_default();
        let dir = common::broken_story(&case);
        let prefix = format!("{}/", dir.path().display());
        let actual = match story::load(dir.path()) {
            Ok(_) => "(loaded without errors)\n".to_owned(),
            Err(errors) => errors
                .diagnostics
                .iter()
                .map(|d| format!("{}\n", d.to_string().replace(&prefix, "")))
                .collect(),
        };
        // IZUMI_BLESS=1 writes the messages of a new case; review them before committing.
        if std::env::var_os("IZUMI_BLESS").is_some() {
            fs::write(case.join("expected.txt"), &actual).unwrap();
        } else if actual != expected {
            failures.push(format!(
                "{name}:\n  expected:\n{expected}  actual:\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_footnote_may_be_a_note_without_a_citation() {
    let story = story::load_embedded();
    let comment_only = story
        .footnotes
        .iter()
        .find(|f| f.citation.is_none())
        .expect("the story has a comment-only footnote");
    let note = comment_only.note.as_deref().unwrap();
    assert_eq!(comment_only.full_text(), note);
}

#[test]
fn a_synthetic_story_of_any_size_loads() {
    for scenes in [1, 99, 250] {
        let dir = tempfile::tempdir().unwrap();
        story::synthetic::write_story(dir.path(), scenes).unwrap();
        let loaded = story::load(dir.path()).unwrap_or_else(|errors| panic!("{errors}"));
        assert_eq!(loaded.scenes.len(), scenes);
        assert_eq!(loaded.editor_notes.len(), loaded.episodes.len());
        assert_eq!(loaded.characters[0].identified_as.len(), 1);
        assert!(
            !loaded.scenes[0].terms.is_empty(),
            "glossary words are found"
        );
    }
}

/// The messages of a story that does not load, with its folder's path left out.
fn messages_of(dir: &Path) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    match story::load(dir) {
        Ok(_) => vec!["(loaded without errors)".to_owned()],
        Err(errors) => errors
            .diagnostics
            .iter()
            .map(|d| d.to_string().replace(&prefix, ""))
            .collect(),
    }
}

/// Loads a story on another thread, failing the test if that takes more than `seconds`
/// (a pipe opened for reading would block forever; a quadratic loop, for minutes).
fn messages_within(dir: &Path, seconds: u64) -> Vec<String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let dir = dir.to_owned();
    std::thread::spawn(move || sender.send(messages_of(&dir)));
    receiver
        .recv_timeout(std::time::Duration::from_secs(seconds))
        .expect("the loader finishes in bounded time")
}

/// Adds an entry to story.toml's list of episodes.
fn list_episode(dir: &Path, relative: &str) {
    let path = dir.join("story.toml");
    let text = fs::read_to_string(&path).unwrap().replace(
        "\"episodes/02-south.toml\"]",
        &format!("\"episodes/02-south.toml\", \"{relative}\"]"),
    );
    fs::write(path, text).unwrap();
}

#[cfg(unix)]
#[test]
fn a_pipe_a_socket_or_a_link_that_leads_nowhere_is_named_for_what_it_is_and_nothing_waits() {
    use std::os::unix::fs::symlink;
    let copy = common::journey_copy();
    let dir = copy.path();
    // A pipe blocks whoever opens it for reading until someone writes: it must not be opened.
    fs::remove_file(dir.join("glossary.toml")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("glossary.toml"))
        .status()
        .unwrap();
    assert!(made.success());
    fs::remove_file(dir.join("locations.toml")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(dir.join("locations.toml")).unwrap();
    symlink("03-loop.toml", dir.join("episodes/03-loop.toml")).unwrap();
    list_episode(dir, "episodes/03-loop.toml");
    symlink("nowhere.toml", dir.join("episodes/04-gone.toml")).unwrap();
    assert_eq!(
        messages_within(dir, 20),
        [
            "episodes/03-loop.toml: is a symbolic link that cannot be followed: filesystem loop or indirection limit (e.g. symlink loop)",
            "episodes/04-gone.toml: is a symbolic link to nothing: its target is missing; in episodes/, only episode files may end in .toml",
            "glossary.toml: is not a regular file (a pipe, a socket or a device): izumi reads only files",
            "locations.toml: is not a regular file (a pipe, a socket or a device): izumi reads only files",
        ]
    );
}

#[test]
fn a_story_file_over_the_limit_is_not_read() {
    let copy = common::journey_copy();
    let dir = copy.path();
    let mut big = fs::read_to_string(dir.join("glossary.toml")).unwrap();
    big.push_str(&format!("# {}\n", "x".repeat(5 * 1024 * 1024)));
    fs::write(dir.join("glossary.toml"), big).unwrap();
    assert_eq!(
        messages_within(dir, 20),
        ["glossary.toml: file is too big: 5.1 MB; a story file is at most 4 MB"]
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_with_escapes_or_bytes_that_are_not_utf8_is_shown_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let copy = common::journey_copy();
    let dir = copy.path();
    let south = dir.join("episodes/02-south.toml");
    let named = |bytes: &[u8]| {
        dir.join("episodes")
            .join(std::ffi::OsStr::from_bytes(bytes))
    };
    fs::copy(&south, named(b"\x1b[2J\x1b[H.toml")).unwrap();
    fs::copy(&south, named(b"\xff\x9b.toml")).unwrap();
    let messages = messages_of(dir);
    assert_eq!(
        messages,
        [
            "episodes/\\u001B[2J\\u001B[H.toml:1:1: this episode file is not listed in story.toml's `episodes`",
            "episodes/\\xFF\\x9B.toml: this file's name is not valid UTF-8, so story.toml cannot list it: rename it",
        ]
    );
}

#[test]
fn a_story_broken_in_a_hundred_thousand_places_is_checked_quickly_and_shown_a_screenful() {
    let copy = common::journey_copy();
    let dir = copy.path();
    // Every one on one line, so that each is located on a line of megabytes.
    let unknown: Vec<String> = (0..100_000).map(|n| format!("\"nobody-{n}\"")).collect();
    let path = dir.join("episodes/01-north.toml");
    let text = fs::read_to_string(&path).unwrap().replacen(
        "characters = [\"ada\"]",
        &format!("characters = [{}]", unknown.join(", ")),
        1,
    );
    fs::write(&path, text).unwrap();
    let started = std::time::Instant::now();
    let errors = story::load(dir).unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(errors.diagnostics.len(), 100_000);
    let last = errors.diagnostics.last().unwrap().to_string();
    assert!(
        last.ends_with(":11:1588889: unknown character \"nobody-99999\""),
        "{last}"
    );
    let shown = errors.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 202, "200 problems, how many more, the count");
    assert_eq!(
        lines[200],
        "… and 99800 more problems (fix the first ones first)"
    );
    assert_eq!(lines[201], "100000 problems found");
}

#[test]
fn huge_scene_text_loads_in_bounded_time() {
    let copy = common::journey_copy();
    let dir = copy.path();
    // Two glossary terms of different lengths, matched hundreds of thousands of times, and
    // footnote markers written with escapes, which the text does not hold as they read.
    let glossary = dir.join("glossary.toml");
    let mut terms = fs::read_to_string(&glossary).unwrap();
    terms.push_str(
        "\n[[term]]\nid = \"aa\"\nterm = \"aa\"\ndefinition = \"x\"\nsources = [\"P2\"]\n\n\
         [[term]]\nid = \"b\"\nterm = \"b\"\ndefinition = \"x\"\nsources = [\"P2\"]\n",
    );
    fs::write(&glossary, terms).unwrap();
    let path = dir.join("episodes/01-north.toml");
    let text = fs::read_to_string(&path).unwrap().replacen(
        "She takes one bag.",
        &format!(
            "{} {}",
            "aa b ".repeat(300_000),
            "[\\u005E1] ".repeat(100_000)
        ),
        1,
    );
    fs::write(&path, text).unwrap();
    assert_eq!(messages_within(dir, 20), ["(loaded without errors)"]);
}

#[test]
fn every_episode_of_the_built_in_story_has_a_question_with_an_answer_and_an_explanation() {
    let story = story::load_embedded();
    let mut ids = std::collections::HashSet::new();
    for episode in &story.episodes {
        let id = story.scenes[episode.scenes.start].episode;
        let questions: Vec<_> = story.questions_of(id).collect();
        assert!(!questions.is_empty(), "{} asks nothing", episode.id);
        for (_, question) in questions {
            assert!(ids.insert(question.id.clone()), "{} twice", question.id);
            assert!(question.answer.is_some(), "{} has no answer", question.id);
            assert!(
                !question.explain.is_empty(),
                "{} explains nothing",
                question.id
            );
        }
    }
}

#[test]
fn a_question_with_a_misspelt_answer_is_located_and_the_closest_choice_suggested() {
    let case = common::fixtures().join("invalid/question-answer-not-a-choice");
    let dir = common::broken_story(&case);
    assert_eq!(
        messages_of(dir.path()),
        [
            "episodes/02-south.toml:25:10: the answer \"Rome by train\" is not written exactly \
             as one of the question's choices — did you mean \"Rome, by train\"?"
        ]
    );
}

#[test]
fn bad_questions_are_each_located_at_the_field_at_fault() {
    for (case, expected) in [
        (
            "question-duplicate-id",
            "episodes/02-south.toml:28:6: duplicate question id",
        ),
        (
            "question-one-choice",
            "episodes/02-south.toml:24:11: a question needs 2 to 6 choices, not 1",
        ),
        (
            "question-seven-choices",
            "episodes/02-south.toml:24:11: a question needs 2 to 6 choices, not 7",
        ),
        (
            "question-empty-prompt",
            "episodes/02-south.toml:23:10: a question's prompt may not be empty",
        ),
        (
            "question-explain-unknown-footnote",
            "episodes/02-south.toml:27:47: footnote [^9] is not defined",
        ),
    ] {
        let dir = common::broken_story(&common::fixtures().join("invalid").join(case));
        let messages = messages_of(dir.path());
        assert_eq!(messages.len(), 1, "{case}: {messages:?}");
        assert!(messages[0].starts_with(expected), "{case}: {}", messages[0]);
    }
}

#[test]
fn a_source_of_billions_of_passages_or_a_huge_not_retold_list_is_refused_in_bounded_time() {
    let copy = common::journey_copy();
    let dir = copy.path();
    let path = dir.join("story.toml");
    let story = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        story.replace("paragraphs = 6", "paragraphs = 4294967295"),
    )
    .unwrap();
    assert_eq!(
        messages_within(dir, 20),
        [
            "story.toml:8:14: 4294967295 passages: the coverage check counts at most 100000 \
             paragraphs and as many footnotes"
        ]
    );
    // Fifty thousand passages listed as not retold, each once: read in linear time.
    let listed: String = (7..50_007)
        .map(|n| format!("\n[[source.not_retold]]\nlabel = \"P{n}\"\nwhy = \"w\"\n"))
        .collect();
    fs::write(
        &path,
        story.replace("paragraphs = 6", "paragraphs = 100000") + &listed,
    )
    .unwrap();
    let messages = messages_within(dir, 20);
    assert_eq!(messages.len(), 100_000 - 50_006, "{:?}", &messages[..3]);
    assert!(
        messages[0].ends_with(
            "P50007 is carried by nothing: no `sources` list names it, and it is not listed \
             under [[source.not_retold]] with why the story leaves it out"
        ),
        "{}",
        messages[0]
    );
}
