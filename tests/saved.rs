//! The reader's saved place and bookmarks: round trips, a corrupt file set aside, a file that
//! cannot be written, atomic replacement, and the app taking up what was saved.

mod common;

use std::fs;
use std::io;

use izumi::app::{Action, App, Effect};
use izumi::saved::{self, Saved};

#[test]
fn what_is_saved_is_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stories/abc.toml");
    let state = Saved {
        scene: Some("the-ferry".into()),
        bookmarks: vec!["arrival".into(), "setting-out".into()],
    };
    saved::save(&path, &state).unwrap();
    assert_eq!(saved::load(&path), (state, None));
    let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn a_missing_file_is_a_fresh_start_without_a_word() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        saved::load(&dir.path().join("none.toml")),
        (Saved::default(), None)
    );
}

#[test]
fn a_corrupt_file_is_set_aside_untouched_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    let junk = "scene = [not toml\u{1b}[2J";
    fs::write(&path, junk).unwrap();
    let (state, message) = saved::load(&path);
    assert_eq!(state, Saved::default());
    assert!(!path.exists(), "the corrupt file is no longer in the way");
    let aside: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(aside[0].to_string_lossy().contains("abc.toml.corrupt-"));
    // The reader is told why, where the file went, and what happens now.
    assert_eq!(
        message.as_deref(),
        Some(
            format!(
                "saved place unreadable (missing comma between array elements, expected `,`), \
                 kept as {}; starting afresh",
                aside[0].display()
            )
            .as_str()
        )
    );
    assert_eq!(
        fs::read_to_string(&aside[0]).unwrap(),
        junk,
        "kept as it was"
    );
    // Saving afterwards makes a new file and leaves the corrupt one alone.
    saved::save(&path, &Saved::default()).unwrap();
    assert_eq!(fs::read_to_string(&aside[0]).unwrap(), junk);
}

#[test]
fn a_file_that_cannot_be_written_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be: no permission bits needed (the tests may run as root).
    let blocker = dir.path().join("state");
    fs::write(&blocker, "").unwrap();
    let error = saved::save(&blocker.join("abc.toml"), &Saved::default()).unwrap_err();
    // What the reader is told after "could not save your place in …/state/abc.toml: ": the
    // step, the path in the way, and the system's reason.
    assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(
        error.to_string(),
        format!(
            "cannot create the folder {}: File exists (os error 17)",
            blocker.display()
        )
    );
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "", "left alone");
}

#[test]
fn a_reader_never_sees_half_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    let long = |n: usize| Saved {
        scene: Some(format!("scene-{n}")),
        bookmarks: (0..n).map(|i| format!("bookmark-number-{i}")).collect(),
    };
    saved::save(&path, &long(1)).unwrap();
    let reader_path = path.clone();
    let reader = std::thread::spawn(move || {
        for _ in 0..2000 {
            let (state, problem) = saved::load(&reader_path);
            assert_eq!(problem, None, "a half-written file was read");
            assert!(state.scene.is_some());
        }
    });
    for n in 0..300 {
        saved::save(&path, &long(n % 200)).unwrap();
    }
    reader.join().unwrap();
}

#[test]
fn the_app_takes_up_a_saved_place_and_bookmarks_and_skips_unknown_ids() {
    let mut app = App::new(common::journey()).remembering(&Saved {
        scene: Some("winter-in-bergen".into()),
        bookmarks: vec!["arrival".into(), "gone-scene".into(), "the-ferry".into()],
    });
    assert_eq!(app.story().scene(app.scene()).id, "winter-in-bergen");
    assert_eq!(app.bookmarks().len(), 2);
    // B toggles the current scene's bookmark, and the app asks for it to be saved.
    let changes = app.update(Action::ToggleBookmark);
    assert_eq!(
        changes.effects,
        [Effect::Save(Saved {
            scene: Some("winter-in-bergen".into()),
            bookmarks: vec![
                "arrival".into(),
                "the-ferry".into(),
                "winter-in-bergen".into()
            ],
        })]
    );
    assert_eq!(app.bookmarks().len(), 3);
    // Opening a list changes nothing worth saving.
    assert_eq!(app.update(Action::ShowTimeline).effects, []);
    app.update(Action::Back);
    app.update(Action::ToggleBookmark);
    assert_eq!(app.bookmarks().len(), 2);
    app.update(Action::ShowBookmarks);
    app.update(Action::Remove);
    assert_eq!(app.saved().bookmarks, ["the-ferry"]);
    app.update(Action::Open);
    assert_eq!(app.story().scene(app.scene()).id, "the-ferry");
    assert_eq!(
        app.saved(),
        Saved {
            scene: Some("the-ferry".into()),
            bookmarks: vec!["the-ferry".into()],
        }
    );
}
