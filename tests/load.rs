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
        assert!(
            !loaded.scenes[0].terms.is_empty(),
            "glossary words are found"
        );
    }
}
