//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The folder of test fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The small valid story most tests read.
pub fn journey_dir() -> PathBuf {
    fixtures().join("valid/journey")
}

/// The valid journey story, loaded.
pub fn journey() -> izumi::story::Story {
    izumi::story::load(&journey_dir()).expect("journey loads")
}

/// A copy of the journey story in a folder of its own, to change at will.
pub fn journey_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&journey_dir(), dir.path());
    dir
}

/// A copy of the journey story with a broken case laid over it: the case folder's files replace
/// or add to the story's, and the files named in its `delete.txt` are removed.
pub fn broken_story(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&journey_dir(), dir.path());
    copy_tree(case, dir.path());
    for special in ["expected.txt", "delete.txt"] {
        let _ = fs::remove_file(dir.path().join(special));
    }
    if let Ok(list) = fs::read_to_string(case.join("delete.txt")) {
        for name in list.lines().filter(|l| !l.trim().is_empty()) {
            fs::remove_file(dir.path().join(name.trim())).unwrap();
        }
    }
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
