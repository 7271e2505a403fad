//! izumi's own folders and files: no shared fallback without `HOME`, folders that are not the
//! user's alone refused with a clear message, new folders 0700 and files 0600, and no file ever
//! opened through a link someone planted or waiting on a FIFO. (The state file's cases are in
//! `saved.rs`; `present` and `notes` on such folders, end to end, in `pty.rs`.)

mod common;

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use izumi::paths;

/// An environment with only these variables.
fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
    move |name| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| OsString::from(value))
    }
}

#[test]
fn without_home_or_xdg_variables_there_is_no_folder_not_a_shared_one() {
    let bare = env_of(&[]);
    let error = paths::state_folder_in(&bare).unwrap_err();
    assert_eq!(
        error.to_string(),
        "neither $XDG_STATE_HOME nor $HOME is set to a folder"
    );
    assert_eq!(
        paths::runtime_folder_in(&bare).unwrap_err().to_string(),
        "none of $XDG_RUNTIME_DIR, $XDG_STATE_HOME and $HOME is set to a folder"
    );
    assert_eq!(
        paths::config_file_in(&bare),
        None,
        "not ./izumi/config.toml"
    );
    // Empty and relative values count as unset, as the XDG specification says.
    let relative = env_of(&[("HOME", "home"), ("XDG_STATE_HOME", "")]);
    assert!(paths::state_folder_in(&relative).is_err());
    // HOME alone is enough, and the XDG variables come first.
    let home = env_of(&[("HOME", "/h")]);
    assert_eq!(
        paths::state_folder_in(&home).unwrap(),
        Path::new("/h/.local/state/izumi")
    );
    assert_eq!(
        paths::runtime_folder_in(&home).unwrap(),
        Path::new("/h/.local/state/izumi")
    );
    assert_eq!(
        paths::config_file_in(&home).unwrap(),
        Path::new("/h/.config/izumi/config.toml")
    );
    let xdg = env_of(&[
        ("HOME", "/h"),
        ("XDG_STATE_HOME", "/s"),
        ("XDG_RUNTIME_DIR", "/r"),
    ]);
    assert_eq!(paths::state_folder_in(&xdg).unwrap(), Path::new("/s/izumi"));
    assert_eq!(
        paths::runtime_folder_in(&xdg).unwrap(),
        Path::new("/r/izumi")
    );
}

#[test]
fn a_log_opened_privately_is_never_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(".bashrc");
    fs::write(&target, "precious").unwrap();
    let log = dir.path().join("present-7878.log");
    symlink(&target, &log).unwrap();
    for append in [true, false] {
        let error = paths::open_private(&log, append).unwrap_err();
        assert!(
            error.to_string() == format!("{}: a symbolic link, not a file", log.display())
                || error.kind() == std::io::ErrorKind::AlreadyExists,
            "{error}"
        );
    }
    assert_eq!(fs::read_to_string(&target).unwrap(), "precious");
}

#[test]
fn a_private_file_and_its_folders_are_made_for_this_user_alone() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("state/izumi/present-7878.log");
    paths::open_private(&log, true)
        .unwrap()
        .write_all(b"one\n")
        .unwrap();
    paths::open_private(&log, true)
        .unwrap()
        .write_all(b"two\n")
        .unwrap();
    assert_eq!(fs::read_to_string(&log).unwrap(), "one\ntwo\n");
    assert_eq!(fs::metadata(&log).unwrap().mode() & 0o777, 0o600);
    for folder in ["state", "state/izumi"] {
        let mode = fs::metadata(dir.path().join(folder)).unwrap().mode();
        assert_eq!(mode & 0o777, 0o700, "{folder}");
    }
    // A fresh file is fresh: one already there is an error, not overwritten.
    let error = paths::open_private(&log, false).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(fs::read_to_string(&log).unwrap(), "one\ntwo\n");
}

#[test]
fn a_fifo_in_place_of_a_log_does_not_block() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("present-7878.log");
    assert!(Command::new("mkfifo").arg(&log).status().unwrap().success());
    let (done, result) = mpsc::channel();
    let path = log.clone();
    std::thread::spawn(move || {
        let _ = done.send(paths::open_private(&path, true).map(drop));
    });
    let error = result
        .recv_timeout(Duration::from_secs(5))
        .expect("opening took more than five seconds")
        .unwrap_err();
    assert!(
        error.to_string().starts_with(&log.display().to_string()),
        "{error}"
    );
}

#[test]
fn a_link_to_a_folder_is_followed_only_if_it_is_the_users_own() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    fs::create_dir(&real).unwrap();
    let link = dir.path().join("izumi");
    symlink(&real, &link).unwrap();
    paths::private_folder(&link).unwrap();
    if !common::give_away(&link) {
        return;
    }
    let error = paths::private_folder(&link).unwrap_err();
    let me = fs::metadata("/proc/self").unwrap().uid();
    assert_eq!(
        error.to_string(),
        format!(
            "{} is a link made by user 65534, not by you (user {me}), so izumi does not follow it",
            link.display()
        )
    );
}

#[test]
fn a_folder_writable_by_its_group_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("izumi");
    fs::create_dir(&folder).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o770)).unwrap();
    let error = paths::private_folder(&folder).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied);
    assert!(
        error
            .to_string()
            .contains("is writable by its group (mode 770)"),
        "{error}"
    );
    // Once put right, it is used.
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o750)).unwrap();
    paths::private_folder(&folder).unwrap();
}
