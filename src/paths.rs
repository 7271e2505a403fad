//! Where izumi keeps files of its own, following the XDG base directories: the one place that
//! reads them.

use std::path::PathBuf;

/// `$VARIABLE/izumi` when the variable is set and not empty, else `~/FALLBACK/izumi`.
fn base(variable: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(variable)
        .filter(|base| !base.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(fallback)))
        .map(|base| base.join("izumi"))
}

/// The user's state folder for izumi: `$XDG_STATE_HOME/izumi`, else `~/.local/state/izumi`.
pub fn state_folder() -> PathBuf {
    base("XDG_STATE_HOME", ".local/state").unwrap_or_else(|| std::env::temp_dir().join("izumi"))
}

/// The user's configuration file: `$XDG_CONFIG_HOME/izumi/config.toml`, else
/// `~/.config/izumi/config.toml`.
pub fn config_file() -> PathBuf {
    base("XDG_CONFIG_HOME", ".config")
        .unwrap_or_else(|| PathBuf::from("izumi"))
        .join("config.toml")
}

/// The user's runtime folder for izumi (`$XDG_RUNTIME_DIR/izumi`), else the state folder.
pub fn runtime_folder() -> PathBuf {
    std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|base| !base.is_empty())
        .map(|base| PathBuf::from(base).join("izumi"))
        .unwrap_or_else(state_folder)
}
