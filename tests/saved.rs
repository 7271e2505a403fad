//! The reader's saved place and bookmarks: round trips, a corrupt file set aside, a file that
//! cannot be written, atomic replacement, the app taking up what was saved, odd things in place
//! of the file (a folder, a FIFO, a link, a huge file, bytes that are not text) each met with one
//! message in bounded time, links never followed and folders that are not the user's refused;
//! and two readers of one story writing the same file without losing each other's bookmarks.

mod common;

use std::fs;
use std::io;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use izumi::app::{Action, App, Effect, Telling};
use izumi::saved::{self, Memory, Saved};

#[test]
fn what_is_saved_is_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stories/abc.toml");
    let state = Saved {
        scene: Some("the-ferry".into()),
        bookmarks: vec!["arrival".into(), "setting-out".into()],
        ..Default::default()
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
        ..Default::default()
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
        ..Default::default()
    });
    assert_eq!(app.story().scene(app.scene()).id, "winter-in-bergen");
    assert_eq!(app.bookmarks().len(), 2);
    // B toggles the current scene's bookmark, and the app asks for it to be saved.
    let changes = app.update(Action::ToggleBookmark);
    assert_eq!(
        changes.effects,
        [Effect::Save(Saved {
            scene: Some("winter-in-bergen".into()),
            // A file from before the furthest scene read was kept: the furthest bookmark
            // stands for it.
            read: Some("arrival".into()),
            bookmarks: vec![
                "arrival".into(),
                "the-ferry".into(),
                "winter-in-bergen".into()
            ],
            ..Default::default()
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
            read: Some("arrival".into()),
            bookmarks: vec!["the-ferry".into()],
            ..Default::default()
        }
    );
}

/// Loads in a thread, failing if that takes more than five seconds (a FIFO could block for ever).
fn load_in_bounded_time(path: &Path) -> (Saved, Option<String>) {
    let path = path.to_owned();
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(saved::load(&path));
    });
    result
        .recv_timeout(Duration::from_secs(5))
        .expect("loading took more than five seconds")
}

/// What was set aside next to `path`: the one entry whose name starts with its name and
/// `.corrupt-`.
fn set_aside_beside(path: &Path) -> PathBuf {
    let mut prefix = path.file_name().unwrap().to_os_string();
    prefix.push(".corrupt-");
    let prefix = prefix.to_string_lossy().into_owned();
    let aside: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
        .map(|entry| entry.path())
        .collect();
    assert_eq!(aside.len(), 1, "one thing set aside: {aside:?}");
    aside[0].clone()
}

/// Loads what is at `path`, expects a fresh start and this reason, and checks that saving
/// afterwards makes a plain file there.
fn met_once_then_replaced(path: &Path, reason: &str) -> PathBuf {
    let (state, message) = load_in_bounded_time(path);
    assert_eq!(state, Saved::default());
    let aside = set_aside_beside(path);
    assert_eq!(
        message.as_deref(),
        Some(
            format!(
                "saved place unreadable ({reason}), kept as {}; starting afresh",
                aside.display()
            )
            .as_str()
        )
    );
    let state = Saved {
        scene: Some("the-ferry".into()),
        bookmarks: vec![],
        ..Default::default()
    };
    saved::save(path, &state).unwrap();
    assert!(fs::symlink_metadata(path).unwrap().is_file());
    assert_eq!(saved::load(path), (state, None));
    aside
}

#[test]
fn a_folder_in_place_of_the_state_file_is_set_aside_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    fs::create_dir(&path).unwrap();
    fs::write(path.join("inside"), "kept").unwrap();
    let aside = met_once_then_replaced(&path, "a folder, not a file");
    assert_eq!(fs::read_to_string(aside.join("inside")).unwrap(), "kept");
}

#[test]
fn a_fifo_in_place_of_the_state_file_does_not_block_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    met_once_then_replaced(&path, "a FIFO, not a file");
}

#[test]
fn a_huge_state_file_is_not_read_into_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    // Sparse: 64 MB that take no room on disk, and would take 64 MB of memory to read.
    fs::File::create(&path).unwrap().set_len(64 << 20).unwrap();
    let started = std::time::Instant::now();
    let aside = met_once_then_replaced(&path, "larger than 1 MB: 67108864 bytes");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        fs::metadata(aside).unwrap().len(),
        64 << 20,
        "kept as it was"
    );
}

#[test]
fn a_state_file_that_is_not_text_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    fs::write(&path, b"scene = \"\xff\xfe\"\n").unwrap();
    met_once_then_replaced(&path, "not UTF-8 text");
}

#[test]
fn a_link_in_place_of_the_state_file_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    let target = dir.path().join("elsewhere.toml");
    fs::write(&target, "scene = \"winter-in-bergen\"\n").unwrap();
    symlink(&target, &path).unwrap();
    let aside = met_once_then_replaced(&path, "a symbolic link, not a file");
    assert!(
        fs::symlink_metadata(aside).unwrap().is_symlink(),
        "the link itself moved"
    );
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "scene = \"winter-in-bergen\"\n",
        "untouched"
    );
}

#[test]
fn a_link_planted_at_the_temporary_name_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    let target = dir.path().join("precious");
    fs::write(&target, "precious").unwrap();
    let temporary = dir
        .path()
        .join(format!("abc.toml.{}.tmp", std::process::id()));
    symlink(&target, &temporary).unwrap();
    let state = Saved {
        scene: Some("the-ferry".into()),
        bookmarks: vec!["arrival".into()],
        ..Default::default()
    };
    saved::save(&path, &state).unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "precious");
    assert!(fs::symlink_metadata(&path).unwrap().is_file());
    assert_eq!(saved::load(&path), (state, None));
}

#[test]
fn a_state_folder_writable_by_others_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("stories");
    fs::create_dir(&folder).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o777)).unwrap();
    let error = saved::save(&folder.join("abc.toml"), &Saved::default()).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
    assert_eq!(
        error.to_string(),
        format!(
            "{} is writable by its group and by others (mode 777), so izumi keeps nothing \
             there; `chmod go-w` on it makes it yours alone",
            folder.display()
        )
    );
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 0, "nothing written");
}

#[test]
fn a_state_folder_of_another_user_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("stories");
    fs::create_dir(&folder).unwrap();
    if let Err(error) = std::os::unix::fs::chown(&folder, Some(65534), Some(65534)) {
        eprintln!("skipped: only root can give a folder away ({error})");
        return;
    }
    let error = saved::save(&folder.join("abc.toml"), &Saved::default()).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
    let me = fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m));
    assert_eq!(
        error.to_string(),
        format!(
            "{} belongs to user 65534, not to you (user {}), so izumi keeps nothing there",
            folder.display(),
            me.unwrap()
        )
    );
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 0, "nothing written");
}

/// A state with this place and these bookmarks.
fn state(scene: &str, bookmarks: &[&str]) -> Saved {
    Saved {
        scene: Some(scene.into()),
        bookmarks: bookmarks.iter().map(|&id| id.into()).collect(),
        ..Default::default()
    }
}

#[test]
fn two_readers_keep_each_others_bookmarks_and_the_newest_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stories/abc.toml");
    let mut a = Memory::at(path.clone());
    let mut b = Memory::at(path.clone());
    assert_eq!(a.keep(&state("setting-out", &["setting-out"])), None);
    assert_eq!(
        a.keep(&state("the-ferry", &["setting-out", "the-ferry"])),
        None
    );
    // B read the file before A wrote, and moves on: A's bookmarks stay, B's place wins.
    assert_eq!(b.keep(&state("winter-in-bergen", &[])), None);
    assert_eq!(
        saved::load(&path),
        (
            state("winter-in-bergen", &["setting-out", "the-ferry"]),
            None
        )
    );
    // A adds one more without moving: B's place stays, the newest move.
    assert_eq!(
        a.keep(&state(
            "the-ferry",
            &["setting-out", "the-ferry", "arrival"]
        )),
        None
    );
    assert_eq!(
        saved::load(&path).0,
        state("winter-in-bergen", &["setting-out", "the-ferry", "arrival"])
    );
}

#[test]
fn a_bookmark_one_reader_removes_stays_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    saved::save(&path, &state("setting-out", &["setting-out", "the-ferry"])).unwrap();
    let mut a = Memory::at(path.clone());
    let mut b = Memory::at(path.clone());
    assert_eq!(b.last, state("setting-out", &["setting-out", "the-ferry"]));
    a.keep(&state("setting-out", &["the-ferry"]));
    // B still has the bookmark in memory; moving, or adding another, does not bring it back.
    b.keep(&state("the-ferry", &["setting-out", "the-ferry"]));
    assert_eq!(saved::load(&path).0, state("the-ferry", &["the-ferry"]));
    b.keep(&state(
        "the-ferry",
        &["setting-out", "the-ferry", "arrival"],
    ));
    assert_eq!(
        saved::load(&path).0,
        state("the-ferry", &["the-ferry", "arrival"])
    );
    // A bookmark both readers add is there once.
    a.keep(&state("setting-out", &["the-ferry", "arrival"]));
    assert_eq!(
        saved::load(&path).0,
        state("the-ferry", &["the-ferry", "arrival"])
    );
}

#[test]
fn the_merge_applies_only_what_this_reader_changed() {
    let now = state("winter-in-bergen", &["a", "b", "c"]);
    // Added after the others, removed wherever it is, place kept when the reader did not move.
    assert_eq!(
        saved::merge(&now, &state("x", &["b"]), &state("x", &["d", "e"])),
        state("winter-in-bergen", &["a", "c", "d", "e"])
    );
    // A move replaces the place; bookmarks unchanged are left as the file has them.
    assert_eq!(
        saved::merge(&now, &state("x", &["b"]), &state("y", &["b"])),
        state("y", &["a", "b", "c"])
    );
    // A file with no place takes this reader's, moved or not.
    assert_eq!(
        saved::merge(&Saved::default(), &state("x", &[]), &state("x", &[])),
        state("x", &[])
    );
}

#[test]
fn bookmarks_the_app_left_out_are_not_removed_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    saved::save(
        &path,
        &state("the-ferry", &["scene-of-a-newer-story", "the-ferry"]),
    )
    .unwrap();
    let mut memory = Memory::at(path.clone());
    let mut app = App::new(common::journey()).remembering(&memory.last);
    memory.begin(app.saved());
    let Some(Effect::Save(now)) = app.update(Action::ToggleBookmark).effects.pop() else {
        panic!("a bookmark is saved");
    };
    assert_eq!(now.bookmarks, Vec::<String>::new());
    memory.keep(&now);
    assert_eq!(
        saved::load(&path).0,
        Saved {
            read: Some("the-ferry".into()),
            ..state("the-ferry", &["scene-of-a-newer-story"])
        }
    );
}

/// How far the reader has read is kept with their place: after a restart the story tells
/// what it told before, and no more, wherever the reader went back to.
#[test]
fn how_far_the_reader_has_read_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    let mut memory = Memory::at(path.clone());
    let mut app = App::new(common::journey()).remembering(&memory.last);
    memory.begin(app.saved());
    for action in [Action::NextScene, Action::NextScene, Action::FirstScene] {
        if let Some(Effect::Save(now)) = app.update(action).effects.pop() {
            memory.keep(&now);
        }
    }
    let (file, problem) = saved::load(&path);
    assert_eq!(problem, None);
    assert_eq!(file.scene.as_deref(), Some("setting-out"));
    assert_eq!(file.read.as_deref(), Some("winter-in-bergen"));
    let again = App::new(common::journey()).remembering(&file);
    assert_eq!(again.story().scene(again.scene()).id, "setting-out");
    assert_eq!(
        again.story().scene(again.furthest_read()).id,
        "winter-in-bergen"
    );
    assert_eq!(again.telling(), Telling::AsRead);
    // Ada, the one person of the first scene.
    let ada = again.story().scene(again.scene()).characters[0];
    let ada = again.reach().person(ada);
    assert_eq!(ada.bio.len(), 2, "the ferry's part, not Rome's: {ada:?}");
    assert_eq!(ada.untold, 1);
    // A fresh start knows none of it.
    let fresh = App::new(common::journey());
    let first = fresh.story().scene(fresh.scene()).characters[0];
    assert_eq!(fresh.reach().person(first).bio.len(), 1);
}

/// A reader who has read to the end is told everything from the start of the next sitting.
#[test]
fn a_reader_who_has_read_to_the_end_is_told_everything_after_a_restart() {
    let app = App::new(common::journey()).remembering(&Saved {
        scene: Some("setting-out".into()),
        read: Some("arrival".into()),
        ..Default::default()
    });
    assert_eq!(app.telling(), Telling::Everything);
    assert_eq!(app.reach().furthest(), None);
    // A hostile or stale id is no scene: the reader starts as a first reading.
    let stale = App::new(common::journey()).remembering(&Saved {
        read: Some("no-such-scene\u{1b}[2J".into()),
        ..Default::default()
    });
    assert_eq!(stale.furthest_read().index(), 0);
    assert_eq!(stale.telling(), Telling::AsRead);
}

#[test]
fn the_merge_keeps_the_furthest_read_of_the_reader_who_read_on() {
    let with_read = |read: &str| Saved {
        read: Some(read.into()),
        ..state("x", &[])
    };
    // This reader read on: its furthest is kept.
    assert_eq!(
        saved::merge(&with_read("a"), &with_read("a"), &with_read("b"))
            .read
            .as_deref(),
        Some("b")
    );
    // This reader did not: the other's stays.
    assert_eq!(
        saved::merge(&with_read("c"), &with_read("a"), &with_read("a"))
            .read
            .as_deref(),
        Some("c")
    );
}

#[test]
fn reading_at_the_start_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let memory = Memory::at(dir.path().join("state/stories/abc.toml"));
    assert_eq!((memory.last, memory.problem), (Saved::default(), None));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_file_that_cannot_be_written_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("state");
    fs::write(&blocker, "").unwrap();
    let mut memory = Memory::at(blocker.join("abc.toml"));
    let first = memory.keep(&state("the-ferry", &[])).unwrap();
    assert!(
        first.starts_with("could not save your place in "),
        "{first}"
    );
    assert_eq!(memory.keep(&state("winter-in-bergen", &[])), None);
}

#[test]
fn readers_writing_at_the_same_moment_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    let readers: Vec<_> = (0..6)
        .map(|reader| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut memory = Memory::at(path);
                // Each starts from what it read, as the app does.
                let mut mine = memory.last.clone();
                for n in 0..15 {
                    mine.scene = Some(format!("scene-{reader}-{n}"));
                    mine.bookmarks.push(format!("bookmark-{reader}-{n}"));
                    assert_eq!(memory.keep(&mine), None);
                }
            })
        })
        .collect();
    for reader in readers {
        reader.join().unwrap();
    }
    let (kept, problem) = saved::load(&path);
    assert_eq!(problem, None);
    assert_eq!(kept.bookmarks.len(), 6 * 15, "{kept:?}");
}

#[test]
fn a_presenter_resumes_its_own_place_with_the_readers_bookmarks() {
    use izumi::app::Role;
    let file = Saved {
        scene: Some("arrival".into()),
        presented: Some("winter-in-bergen".into()),
        bookmarks: vec!["the-ferry".into()],
        ..Default::default()
    };
    let mut presenter = App::new(common::journey())
        .with_role(Role::Presenter)
        .remembering(&file);
    assert_eq!(
        presenter.story().scene(presenter.scene()).id,
        "winter-in-bergen",
        "the presenter's place, not the reader's"
    );
    assert_eq!(presenter.bookmarks().len(), 1, "the reader's bookmarks");
    let base = presenter.saved();
    presenter.update(Action::PreviousScene);
    let mine = presenter.saved();
    assert_eq!(
        mine.scene, None,
        "a presenter never moves the reader's place"
    );
    let merged = saved::merge(&file, &base, &mine);
    assert_eq!(merged.scene.as_deref(), Some("arrival"));
    assert_eq!(merged.presented.as_deref(), Some("the-ferry"));
    assert_eq!(merged.bookmarks, ["the-ferry"]);
    // And a reader on their own starts at their own place, and leaves the presenter's alone.
    let mut reader = App::new(common::journey()).remembering(&merged);
    assert_eq!(reader.story().scene(reader.scene()).id, "arrival");
    let base = reader.saved();
    reader.update(Action::PreviousScene);
    let after = saved::merge(&merged, &base, &reader.saved());
    assert_eq!(after.presented.as_deref(), Some("the-ferry"));
    assert_ne!(after.scene.as_deref(), Some("arrival"));
}

#[test]
fn a_state_file_from_before_presenting_loads_and_a_readers_file_stays_old() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    fs::write(&path, "scene = \"the-ferry\"\nbookmarks = [\"arrival\"]\n").unwrap();
    let (read, problem) = saved::load(&path);
    assert_eq!(problem, None);
    assert_eq!(read, state("the-ferry", &["arrival"]));
    // A reader's own file has no field an older izumi would not know.
    saved::save(&path, &state("arrival", &[])).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(!text.contains("presented"), "{text}");
}

#[test]
fn what_a_newer_izumi_wrote_is_kept_not_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    fs::write(
        &path,
        "scene = \"the-ferry\"\npresented = \"arrival\"\nfont = 3\n\n[later]\nkind = \"new\"\n",
    )
    .unwrap();
    let (read, problem) = saved::load(&path);
    assert_eq!(problem, None, "a newer file is not corrupt");
    assert_eq!(read.presented.as_deref(), Some("arrival"));
    // This izumi moves the reader on; the newer fields are written back as they were.
    let mine = Saved {
        scene: Some("winter-in-bergen".into()),
        ..read.clone()
    };
    saved::update(&path, &read, &mine).unwrap();
    let (again, problem) = saved::load(&path);
    assert_eq!(problem, None);
    assert_eq!(again.scene.as_deref(), Some("winter-in-bergen"));
    assert_eq!(again.presented.as_deref(), Some("arrival"));
    assert_eq!(
        again.other.0.get("font").and_then(|v| v.as_integer()),
        Some(3)
    );
    assert!(fs::read_to_string(&path).unwrap().contains("[later]"));
}

#[test]
fn a_deeply_nested_unknown_field_is_no_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.toml");
    let depth = 100_000;
    let text = format!(
        "scene = \"the-ferry\"\nx = {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    fs::write(&path, text).unwrap();
    let (read, _) = saved::load(&path);
    // Either read (and kept as it was) or set aside; the place is not invented.
    assert!(read.scene.is_none() || read.scene.as_deref() == Some("the-ferry"));
    saved::save(&path, &read).unwrap();
}
