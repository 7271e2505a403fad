//! The user's configuration: `$XDG_CONFIG_HOME/izumi/config.toml` (else
//! `~/.config/izumi/config.toml`). Every part is optional:
//!
//! ```toml
//! theme = "light"            # dark, light or high-contrast
//!
//! [keys]                     # a binding's name (see the help) = its keys
//! next-scene = ["j", "Right"]
//! quit = ["Ctrl-q"]
//!
//! [layout]
//! map = false                # start with the places as a list
//! timeline = false           # no timeline strip under the panes
//! mouse = false              # leave the mouse to the terminal (text selection)
//!
//! [reading]
//! tell = "everything"        # people, places and terms: "as-read" (the default until the
//!                            # end) or "everything"
//! ```
//!
//! A file with problems is not used at all (izumi starts with its defaults) and every problem is
//! reported with its line and column, so a typo never half-applies. A key may do one thing:
//! given to two bindings, or Ctrl-C given to anything (it always quits), it is a problem.

use std::path::Path;

use serde::Deserialize;
use serde::de::IntoDeserializer;
use strum::VariantArray;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::app::{Command, Telling};
use crate::keymap::{self, INTERRUPT, MOST_KEYS, Trigger};
use crate::story::diagnostic::{
    Diagnostic, Position, SourceFile, Unreadable, did_you_mean, read_source,
};
use crate::story::load::toml_message;

/// The themes, by the names `--theme` and the configuration file use (`high-contrast`): a
/// contract, like the commands' names.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr, strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum ThemeName {
    Dark,
    Light,
    HighContrast,
}

impl ThemeName {
    /// The name as a user writes it.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// What a valid configuration file asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub theme: Option<String>,
    /// Commands whose keys are replaced.
    pub keys: Vec<(Command, Vec<Trigger>)>,
    pub layout: Layout,
    /// What people, places and terms tell, when the user chose: `None` leaves the default.
    pub tell: Option<Telling>,
}

/// Layout preferences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Show the places as a map (else as a list) to begin with.
    #[serde(default = "yes")]
    pub map: bool,
    /// Show the timeline strip where it fits.
    #[serde(default = "yes")]
    pub timeline: bool,
    /// Let izumi take the mouse (clicks and the wheel); off leaves the terminal's own text
    /// selection alone.
    #[serde(default = "yes")]
    pub mouse: bool,
}

fn yes() -> bool {
    true
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            map: true,
            timeline: true,
            mouse: true,
        }
    }
}

/// The file as written: each part read on its own, so that every problem is found at once.
#[derive(Default)]
struct RawConfig {
    theme: Option<Spanned<String>>,
    keys: Vec<(Spanned<String>, KeyList)>,
    layout: Layout,
    tell: Option<Telling>,
}

/// A binding's keys as written, each where it is.
type KeyList = Spanned<Vec<Spanned<String>>>;

/// The settings a file may have, at the top and under `[layout]`.
const SETTINGS: [&str; 4] = ["theme", "keys", "layout", "reading"];
const LAYOUT: [&str; 3] = ["map", "timeline", "mouse"];
const READING: [&str; 1] = ["tell"];

impl RawConfig {
    /// Reads every setting of a parsed file; a setting of the wrong type or name is a problem
    /// at its place, and the others are still read.
    fn read(file: &SourceFile, table: DeTable<'_>, problems: &mut Vec<Diagnostic>) -> Self {
        let mut raw = RawConfig::default();
        let mut problem = |span: std::ops::Range<usize>, message: String| {
            problems.push(file.error_at(span, message));
        };
        for (name, value) in table {
            let span = value.span();
            match name.get_ref().as_ref() {
                "theme" => match typed::<Spanned<String>>(value) {
                    Ok(theme) => raw.theme = Some(theme),
                    Err(error) => problem(
                        error.span().unwrap_or(span),
                        format!("`theme`: {}", toml_message(&error)),
                    ),
                },
                "keys" => match value.into_inner() {
                    DeValue::Table(keys) => {
                        for (binding, list) in keys {
                            let span = list.span();
                            match typed::<KeyList>(list) {
                                Ok(list) => raw.keys.push((
                                    Spanned::new(
                                        name_span(&binding),
                                        binding.get_ref().to_string(),
                                    ),
                                    list,
                                )),
                                Err(error) => problem(
                                    error.span().unwrap_or(span),
                                    format!(
                                        "`{}`: {}; write a list of keys, e.g. [\"j\", \"Right\"]",
                                        binding.get_ref(),
                                        toml_message(&error)
                                    ),
                                ),
                            }
                        }
                    }
                    _ => problem(
                        span,
                        "`keys` is a table: [keys] then one binding a line".into(),
                    ),
                },
                "layout" => match value.into_inner() {
                    DeValue::Table(layout) => {
                        for (setting, value) in layout {
                            let span = value.span();
                            let field = match setting.get_ref().as_ref() {
                                "map" => &mut raw.layout.map,
                                "timeline" => &mut raw.layout.timeline,
                                "mouse" => &mut raw.layout.mouse,
                                other => {
                                    problem(name_span(&setting), unknown("layout", other, &LAYOUT));
                                    continue;
                                }
                            };
                            match typed::<bool>(value) {
                                Ok(on) => *field = on,
                                Err(_) => problem(
                                    span,
                                    format!("`{}` is true or false", setting.get_ref()),
                                ),
                            }
                        }
                    }
                    _ => problem(
                        span,
                        "`layout` is a table: [layout] then `map = false` and so on".into(),
                    ),
                },
                "reading" => match value.into_inner() {
                    DeValue::Table(reading) => {
                        for (setting, value) in reading {
                            let span = value.span();
                            if setting.get_ref() != "tell" {
                                let other = setting.get_ref();
                                problem(name_span(&setting), unknown("reading", other, &READING));
                                continue;
                            }
                            let written = typed::<String>(value);
                            match written.as_deref().map(|name| (name, Telling::named(name))) {
                                Ok((_, Some(telling))) => raw.tell = Some(telling),
                                Ok((name, None)) => problem(
                                    span,
                                    format!(
                                        "`tell` is \"as-read\" or \"everything\", not \"{name}\"{}",
                                        did_you_mean(
                                            name,
                                            Telling::ALL.map(Telling::name).into_iter()
                                        )
                                    ),
                                ),
                                Err(_) => {
                                    problem(span, "`tell` is \"as-read\" or \"everything\"".into())
                                }
                            }
                        }
                    }
                    _ => problem(
                        span,
                        "`reading` is a table: [reading] then `tell = \"everything\"`".into(),
                    ),
                },
                other => problem(
                    name_span(&name),
                    unknown("the configuration", other, &SETTINGS),
                ),
            }
        }
        raw
    }
}

/// Where a key is written.
fn name_span(name: &Spanned<DeString<'_>>) -> std::ops::Range<usize> {
    name.span()
}

/// An unknown setting's message, with the nearest known one.
fn unknown(within: &str, name: &str, known: &[&str]) -> String {
    format!(
        "unknown field `{name}`{} ({within} takes {})",
        did_you_mean(name, known.iter().copied()),
        known
            .iter()
            .map(|known| format!("`{known}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A value read as `T`.
fn typed<'de, T: Deserialize<'de>>(value: Spanned<DeValue<'de>>) -> Result<T, toml::de::Error> {
    T::deserialize(value.into_deserializer())
}

/// The most a configuration file may hold: a full one is a few hundred bytes.
pub const CONFIG_LIMIT: u64 = 1024 * 1024;

/// Reads the configuration: none if there is no file, else the file's settings or every problem
/// found in it. Something that is not a file (a folder, a pipe) or is too big is a problem too,
/// found before anything is opened, so that izumi never waits on it.
pub fn load(path: &Path) -> Result<Config, Vec<Diagnostic>> {
    match read_source(path, CONFIG_LIMIT, "a configuration file") {
        Ok(file) => parse(&file),
        Err(Unreadable::Missing) => Ok(Config::default()),
        Err(Unreadable::Problem(problem)) => Err(vec![problem]),
    }
}

/// The settings of a configuration file's text, or every problem in it.
pub fn parse(file: &SourceFile) -> Result<Config, Vec<Diagnostic>> {
    let table = DeTable::parse(&file.text).map_err(|error| {
        let message = toml_message(&error);
        vec![match error.span() {
            Some(span) => file.error_at(span, message),
            None => file.error(message),
        }]
    })?;
    let mut problems = Vec::new();
    let raw = RawConfig::read(file, table.into_inner(), &mut problems);
    if let Some(theme) = &raw.theme
        && theme.get_ref().parse::<ThemeName>().is_err()
    {
        let names = ThemeName::VARIANTS.iter().map(|name| name.name());
        let (last, others) = ThemeName::VARIANTS.split_last().expect("a theme");
        let others: Vec<&str> = others.iter().map(|name| name.name()).collect();
        problems.push(file.error_at(
            theme.span(),
            format!(
                "unknown theme \"{}\"{}; the themes are {} and {}",
                theme.get_ref(),
                did_you_mean(theme.get_ref(), names),
                others.join(", "),
                last.name()
            ),
        ));
    }
    let names: Vec<String> = Command::VARIANTS
        .iter()
        .map(|command| command.name())
        .collect();
    // In the order they are written, so that a key given twice is reported where it is given
    // the second time.
    let mut entries: Vec<_> = raw.keys.iter().map(|(name, list)| (name, list)).collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let mut keys = Vec::new();
    // Every key given so far: the key, its binding, and where.
    let mut given: Vec<(Trigger, Command, Position)> = Vec::new();
    for (name, list) in entries {
        let Some(command) = Command::named(name.get_ref()) else {
            problems.push(file.error_at(
                name.span(),
                format!(
                    "no binding is called \"{}\"{}",
                    name.get_ref(),
                    did_you_mean(name.get_ref(), names.iter().map(String::as_str))
                ),
            ));
            continue;
        };
        if list.get_ref().is_empty() {
            problems.push(file.error_at(list.span(), "give at least one key"));
        }
        if let Some(extra) = list.get_ref().get(MOST_KEYS) {
            problems.push(file.error_at(
                extra.span(),
                format!("a binding takes at most {MOST_KEYS} keys"),
            ));
        }
        let mut triggers = Vec::new();
        for key in list.get_ref().iter().take(MOST_KEYS) {
            let trigger = match keymap::parse_key(key.get_ref()) {
                Ok(trigger) => trigger,
                Err(message) => {
                    problems.push(file.error_at(key.span(), message));
                    continue;
                }
            };
            if let Some(problem) = misplaced(trigger, command) {
                problems.push(file.error_at(key.span(), problem));
                continue;
            }
            if triggers.contains(&trigger) {
                // The same key twice for one binding: harmless, and taken once.
                continue;
            }
            let here = file.position(key.span().start);
            if let Some((_, other, at)) = given.iter().find(|(earlier, other, _)| {
                keymap::overlap(*earlier, trigger) && keymap::share_a_mode(*other, command)
            }) {
                problems.push(file.error_at(
                    key.span(),
                    format!(
                        "{} is given to {} too (line {}); a key can do only one thing",
                        keymap::label(trigger),
                        other.name(),
                        at.line
                    ),
                ));
                continue;
            }
            given.push((trigger, command, here));
            triggers.push(trigger);
        }
        keys.push((command, triggers));
    }
    // In the order they are written, whichever part found them.
    problems.sort_by_key(Diagnostic::position);
    if problems.is_empty() {
        Ok(Config {
            theme: raw.theme.map(Spanned::into_inner),
            keys,
            layout: raw.layout,
            tell: raw.tell,
        })
    } else {
        Err(problems)
    }
}

/// Why a key cannot be given to a binding, if it cannot: Ctrl-C always quits at once, and
/// `episode` takes the digits only.
fn misplaced(trigger: Trigger, command: Command) -> Option<String> {
    match (trigger, command) {
        (INTERRUPT, Command::Interrupt) => None,
        (INTERRUPT, _) => Some(
            "Ctrl-C always quits at once (`interrupt`), so that there is always a way out; \
             it cannot be given to another binding"
                .into(),
        ),
        (Trigger::Digit, _) | (_, Command::Interrupt) => None,
        (_, Command::Digit) => {
            Some("`episode` takes the digits only: write \"0-9\", or leave it out".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<Config, Vec<String>> {
        parse(&SourceFile::new("config.toml".into(), text.into()))
            .map_err(|problems| problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_full_configuration_is_read() {
        let read = config(
            "theme = \"light\"\n[keys]\nnext-scene = [\"j\", \"Right\"]\nquit = [\"Ctrl-q\"]\n\
             [layout]\nmap = false\n",
        )
        .unwrap();
        assert_eq!(read.theme.as_deref(), Some("light"));
        assert_eq!(read.keys.len(), 2);
        assert_eq!(
            read.layout,
            Layout {
                map: false,
                timeline: true,
                mouse: true,
            }
        );
    }

    #[test]
    fn every_problem_is_located_and_explained() {
        let problems =
            config("theme = \"lihgt\"\n[keys]\nnext-scen = [\"j\"]\nquit = [\"Hyper-q\"]\n")
                .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0]
                .starts_with("config.toml:1:9: unknown theme \"lihgt\" — did you mean \"light\"?")
        );
        assert!(problems[1].starts_with(
            "config.toml:3:1: no binding is called \"next-scen\" — did you mean \"next-scene\"?"
        ));
        assert!(problems[2].starts_with("config.toml:4:9: \"Hyper-q\" is not a key"));
    }

    #[test]
    fn unknown_settings_and_wrong_types_are_located() {
        let unknown = config("colour = \"red\"\n").unwrap_err();
        assert!(
            unknown[0].starts_with("config.toml:1:1: unknown field `colour`"),
            "{unknown:?}"
        );
        let wrong = config("[layout]\nmap = \"no\"\n").unwrap_err();
        assert!(wrong[0].starts_with("config.toml:2:7:"), "{wrong:?}");
    }

    #[test]
    fn what_people_places_and_terms_tell_is_a_setting_and_a_wrong_one_is_located() {
        assert_eq!(config("").unwrap().tell, None);
        let everything = config("[reading]\ntell = \"everything\"\n").unwrap();
        assert_eq!(everything.tell, Some(Telling::Everything));
        let as_read = config("[reading]\ntell = \"as-read\"\n").unwrap();
        assert_eq!(as_read.tell, Some(Telling::AsRead));
        let problems =
            config("[reading]\ntell = \"everthing\"\ntold = 1\n[layout]\nmap = 2\n").unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].starts_with(
                "config.toml:2:8: `tell` is \"as-read\" or \"everything\", not \"everthing\" \
                 — did you mean \"everything\"?"
            ),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("config.toml:3:1: unknown field `told`"),
            "{problems:?}"
        );
        assert!(problems[2].starts_with("config.toml:5:7:"), "{problems:?}");
        let wrong = config("reading = \"everything\"\n").unwrap_err();
        assert!(
            wrong[0].starts_with("config.toml:1:11: `reading` is a table"),
            "{wrong:?}"
        );
        let wrong = config("[reading]\ntell = true\n").unwrap_err();
        assert!(
            wrong[0].starts_with("config.toml:2:8: `tell` is"),
            "{wrong:?}"
        );
    }

    #[test]
    fn several_wrong_types_are_all_reported_each_at_its_place_in_file_order() {
        let problems = config(
            "theme = 3\ncolor = \"red\"\n[keys]\nnext-scene = \"j\"\nquit = [1, \"q\"]\n\
             previous-scene = [\"k\"]\n[layout]\nmap = \"no\"\nmouse = 0\ntimelines = false\n",
        )
        .unwrap_err();
        let places: Vec<&str> = problems
            .iter()
            .map(|problem| problem.split(": ").next().unwrap())
            .collect();
        assert_eq!(
            places,
            [
                "config.toml:1:9",
                "config.toml:2:1",
                "config.toml:4:14",
                "config.toml:5:9",
                "config.toml:8:7",
                "config.toml:9:9",
                "config.toml:10:1",
            ],
            "{problems:#?}"
        );
        assert!(problems[2].contains("`next-scene`"), "{problems:#?}");
        assert!(problems[4].contains("`map` is true or false"));
        assert!(problems[6].contains("did you mean \"timeline\""));
    }

    /// Every setting given something empty, absurd, huge or of the wrong type: each is one
    /// short, located message, and the file's other problems are found with it.
    #[test]
    fn every_setting_with_bad_values_gets_a_short_located_message() {
        let huge = "x".repeat(100_000);
        let cases: Vec<(String, &str)> = vec![
            ("theme = \"\"\n".into(), "1:9"),
            ("theme = []\n".into(), "1:9"),
            (format!("theme = \"{huge}\"\n"), "1:9"),
            ("theme = { a = 1 }\n".into(), "1:9"),
            ("keys = 1\n".into(), "1:8"),
            ("layout = \"wide\"\n".into(), "1:10"),
            ("[layout]\nmap = 1e400\n".into(), "2:7"),
            ("[layout]\ntimeline = []\n".into(), "2:12"),
            ("[keys]\nquit = []\n".into(), "2:8"),
            ("[keys]\nquit = [\"\"]\n".into(), "2:9"),
            (format!("[keys]\nquit = [\"{huge}\"]\n"), "2:9"),
            ("[keys]\nquit = [[\"q\"]]\n".into(), "2:9"),
            ("[keys]\nquit = { q = true }\n".into(), "2:8"),
            (
                format!("[keys]\nquit = [{}\"q\"]\n", "\"a\", ".repeat(10_000)),
                "2:",
            ),
            ("[keys]\n\"\" = [\"q\"]\n".into(), "2:1"),
        ];
        for (text, place) in cases {
            // The same problem beside another one: both are reported.
            let text = format!("colour = 1\n{text}");
            let place = {
                let (line, rest) = place.split_once(':').unwrap();
                format!("config.toml:{}:{rest}", line.parse::<usize>().unwrap() + 1)
            };
            let problems = config(&text).unwrap_err();
            let shown: String = text.chars().take(60).collect();
            assert!(problems.len() >= 2, "{shown:?}: {problems:#?}");
            assert!(problems[0].starts_with("config.toml:1:1: unknown field `colour`"));
            assert!(
                problems.iter().any(|problem| problem.starts_with(&place)),
                "{shown:?}: nothing at {place}: {problems:#?}"
            );
            for problem in &problems {
                assert!(problem.len() < 600, "{shown:?}: a long message: {problem}");
                assert!(!problem.contains('\n'), "{shown:?}: {problem}");
            }
        }
    }

    #[test]
    fn a_key_given_to_two_bindings_is_a_located_problem() {
        let problems =
            config("[keys]\nnext-scene = [\"x\"]\nquit = [\"Esc\", \"x\"]\n").unwrap_err();
        assert_eq!(
            problems,
            [
                "config.toml:3:16: x is given to next-scene too (line 2); a key can do only one thing"
            ]
        );
        // A digit and 0-9 are the same press.
        let digits = config("[keys]\nquit = [\"3\"]\nnext-scene = [\"0-9\"]\n").unwrap_err();
        assert!(
            digits[0].starts_with("config.toml:3:15: 0–9 is given to quit too"),
            "{digits:?}"
        );
        // Bindings that never share a mode may share a key.
        let apart = config("[keys]\nsnap-to-presenter = [\"z\"]\ntoggle-blank = [\"z\"]\n");
        assert!(apart.is_ok(), "{apart:?}");
        // The same key twice for one binding is one key.
        let twice = config("[keys]\nquit = [\"x\", \"x\"]\n").unwrap();
        assert_eq!(twice.keys[0].1.len(), 1);
    }

    #[test]
    fn ctrl_c_cannot_be_given_away() {
        let problems = config("[keys]\nnext-scene = [\"q\", \"Esc\", \"Ctrl-c\"]\n").unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("config.toml:2:27: Ctrl-C always quits at once (`interrupt`)"),
            "{problems:?}"
        );
        let more = config("[keys]\ninterrupt = [\"Ctrl-C\", \"F10\"]\n").unwrap();
        assert_eq!(more.keys.len(), 1);
    }

    #[test]
    fn episode_takes_the_digits_only() {
        let problems = config("[keys]\nepisode = [\"e\"]\n").unwrap_err();
        assert!(
            problems[0].starts_with("config.toml:2:12: `episode` takes the digits only"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_hundred_thousand_keys_are_one_message() {
        let keys: Vec<String> = (0..100_000)
            .map(|n| format!("\"F{}\"", n % 12 + 1))
            .collect();
        let text = format!("[keys]\nquit = [{}]\n", keys.join(", "));
        let started = std::time::Instant::now();
        let problems = config(&text).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(
            problems,
            ["config.toml:2:70: a binding takes at most 10 keys"]
        );
    }

    #[test]
    fn nesting_too_deep_is_one_message() {
        let text = format!(
            "[keys]\nquit = {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let problems = config(&text).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("nested too deeply"), "{problems:?}");
    }

    #[test]
    fn a_configuration_file_that_cannot_be_used_says_why_where_it_can() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("config.toml");
        let messages = |path: &Path| {
            let shown = format!("{}/", home.path().display());
            load(path)
                .unwrap_err()
                .iter()
                .map(|d| d.to_string().replace(&shown, ""))
                .collect::<Vec<_>>()
        };
        assert_eq!(load(&path), Ok(Config::default()), "no file, no settings");
        std::fs::create_dir(&path).unwrap();
        assert_eq!(messages(&path), ["config.toml: is a folder, not a file"]);
        std::fs::remove_dir(&path).unwrap();
        std::fs::write(&path, b"theme = \"light\"\n# caf\xe9\n").unwrap();
        assert_eq!(
            messages(&path),
            ["config.toml:2:6: file is not valid UTF-8 from here on (save it as UTF-8)"]
        );
        std::fs::write(&path, vec![b'#'; 2 * 1024 * 1024]).unwrap();
        assert_eq!(
            messages(&path),
            ["config.toml: file is too big: 2 MB; a configuration file is at most 1 MB"]
        );
        // A byte order mark is not part of the text: columns count from after it.
        std::fs::write(&path, "\u{feff}theme = \"lihgt\"\n").unwrap();
        assert!(messages(&path)[0].starts_with("config.toml:1:9: unknown theme"));
        std::fs::write(&path, "").unwrap();
        assert_eq!(
            load(&path),
            Ok(Config::default()),
            "an empty file is no settings"
        );
    }
}
