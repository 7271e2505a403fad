//! Where izumi keeps files of its own, following the XDG base directories.

use std::path::PathBuf;

/// The user's state folder for izumi: `$XDG_STATE_HOME/izumi`, else `~/.local/state/izumi`.
pub fn state_folder() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .filter(|base| !base.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("izumi")
}

/// The user's runtime folder for izumi (`$XDG_RUNTIME_DIR/izumi`), else the state folder.
pub fn runtime_folder() -> PathBuf {
    std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|base| !base.is_empty())
        .map(|base| PathBuf::from(base).join("izumi"))
        .unwrap_or_else(state_folder)
}
