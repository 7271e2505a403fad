//! The one table of key bindings. It dispatches keys and draws the help screen and the footer,
//! so what the help says is what the keys do.

use std::sync::OnceLock;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::Action;

/// What a binding reacts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Key(KeyCode),
    Ctrl(char),
    /// Any digit 1–9, passed on as the episode number.
    Digit,
}

/// What a binding does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Do(Action),
    /// Pass on the digit typed.
    Digit,
    /// Start or pause the timer, stamped with the moment of the key.
    ToggleTimer,
}

/// The help screen's sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Story,
    Panes,
    Classroom,
    General,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Story,
        Section::Panes,
        Section::Classroom,
        Section::General,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Story => "Moving through the story",
            Section::Panes => "Panes",
            Section::Classroom => "Classroom",
            Section::General => "General",
        }
    }
}

/// One row of the keymap.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub triggers: &'static [Trigger],
    pub command: Command,
    pub description: &'static str,
    /// The short label shown in the footer, for the bindings worth a reminder there.
    pub footer: Option<&'static str>,
    pub section: Section,
}

use Trigger::{Ctrl, Digit, Key};

const fn bind(
    triggers: &'static [Trigger],
    action: Action,
    description: &'static str,
    footer: Option<&'static str>,
    section: Section,
) -> Binding {
    Binding {
        triggers,
        command: Command::Do(action),
        description,
        footer,
        section,
    }
}

/// Every key izumi knows, in the order the help screen lists them.
pub const BINDINGS: &[Binding] = &[
    bind(
        &[
            Key(KeyCode::Left),
            Key(KeyCode::Char('h')),
            Key(KeyCode::Char('p')),
        ],
        Action::PreviousScene,
        "previous scene",
        Some("scene"),
        Section::Story,
    ),
    bind(
        &[
            Key(KeyCode::Right),
            Key(KeyCode::Char('l')),
            Key(KeyCode::Char(' ')),
        ],
        Action::NextScene,
        "next scene",
        Some("scene"),
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Char('['))],
        Action::PreviousEpisode,
        "previous episode",
        Some("episode"),
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Char(']'))],
        Action::NextEpisode,
        "next episode",
        Some("episode"),
        Section::Story,
    ),
    Binding {
        triggers: &[Digit],
        command: Command::Digit,
        description: "episode N; presenting: a scene number, then Enter",
        footer: None,
        section: Section::Story,
    },
    bind(
        &[Key(KeyCode::Home)],
        Action::FirstScene,
        "first scene of the story",
        None,
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::End)],
        Action::LastScene,
        "last scene of the story",
        None,
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Tab)],
        Action::FocusNext,
        "focus the next pane",
        Some("pane"),
        Section::Panes,
    ),
    bind(
        &[Key(KeyCode::BackTab)],
        Action::FocusPrevious,
        "focus the previous pane",
        None,
        Section::Panes,
    ),
    bind(
        &[Key(KeyCode::Up), Key(KeyCode::Char('k'))],
        Action::Up,
        "scroll up / select the previous entry",
        Some("move"),
        Section::Panes,
    ),
    bind(
        &[Key(KeyCode::Down), Key(KeyCode::Char('j'))],
        Action::Down,
        "scroll down / select the next entry",
        Some("move"),
        Section::Panes,
    ),
    bind(
        &[Key(KeyCode::PageUp)],
        Action::PageUp,
        "scroll up a page",
        None,
        Section::Panes,
    ),
    bind(
        &[Key(KeyCode::PageDown)],
        Action::PageDown,
        "scroll down a page",
        None,
        Section::Panes,
    ),
    bind(
        &[Key(KeyCode::Enter)],
        Action::Open,
        "open the selected entry; in a list, go to the picked scene",
        Some("open"),
        Section::Panes,
    ),
    bind(
        &[Key(KeyCode::Char('m'))],
        Action::ToggleMap,
        "show the places as a map or as a list",
        Some("map"),
        Section::Panes,
    ),
    bind(
        &[Key(KeyCode::Char('t'))],
        Action::ShowTimeline,
        "every scene in date order; Enter goes there",
        Some("timeline"),
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Char('/'))],
        Action::Search,
        "search everything; no need for capitals or accents",
        Some("search"),
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Char('n'))],
        Action::NextHit,
        "next scene holding what you searched for",
        None,
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Char('N'))],
        Action::PreviousHit,
        "previous scene holding what you searched for",
        None,
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Char('B'))],
        Action::ToggleBookmark,
        "bookmark this scene, or remove its bookmark",
        None,
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Char('\''))],
        Action::ShowBookmarks,
        "bookmarks: Enter goes there, Delete or x removes",
        None,
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Delete), Key(KeyCode::Char('x'))],
        Action::Remove,
        "in the bookmarks: remove the picked one",
        None,
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Char('g'))],
        Action::ShowGlossary,
        "glossary: this scene's terms first; type to search",
        Some("glossary"),
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::Backspace)],
        Action::GoBack,
        "back to where you were before the last jump",
        Some("back"),
        Section::Story,
    ),
    bind(
        &[Key(KeyCode::F(5)), Key(KeyCode::Char('P'))],
        Action::TogglePresentation,
        "presentation for a classroom, and back",
        Some("present"),
        Section::Classroom,
    ),
    bind(
        &[Key(KeyCode::Char('b')), Key(KeyCode::Char('.'))],
        Action::ToggleBlank,
        "presenting: blank the screen, and back",
        None,
        Section::Classroom,
    ),
    bind(
        &[Key(KeyCode::Char('v'))],
        Action::CyclePanel,
        "presenting: show people, map, footnotes, or none",
        None,
        Section::Classroom,
    ),
    Binding {
        triggers: &[Key(KeyCode::Char('s'))],
        command: Command::ToggleTimer,
        description: "presenting: start or pause the timer",
        footer: None,
        section: Section::Classroom,
    },
    bind(
        &[Key(KeyCode::Char('r'))],
        Action::ResetTimer,
        "presenting: reset the timer",
        None,
        Section::Classroom,
    ),
    bind(
        &[Key(KeyCode::Char('f'))],
        Action::SnapToPresenter,
        "following: back to the presenter's scene",
        None,
        Section::Classroom,
    ),
    bind(
        &[Key(KeyCode::Char('?'))],
        Action::ToggleHelp,
        "show or hide this help",
        Some("help"),
        Section::General,
    ),
    bind(
        &[Key(KeyCode::Esc)],
        Action::Back,
        "close the open entry or help; quit at the top",
        None,
        Section::General,
    ),
    bind(
        &[Key(KeyCode::Char('q'))],
        Action::Quit,
        "quit",
        Some("quit"),
        Section::General,
    ),
    bind(
        &[Ctrl('c')],
        Action::Interrupt,
        "quit at once, from anywhere (exit status 130)",
        None,
        Section::General,
    ),
];

static ACTIVE: OnceLock<&'static [Binding]> = OnceLock::new();

/// The bindings in use: the table above, or the user's version of it.
pub fn bindings() -> &'static [Binding] {
    ACTIVE.get().copied().unwrap_or(BINDINGS)
}

/// Uses the user's bindings for the rest of the run (only the first call counts). They are
/// kept for the life of the process, as the table they replace is.
pub fn use_bindings(bindings: Vec<Binding>) {
    let _ = ACTIVE.set(Vec::leak(bindings));
}

/// The name a configuration file uses for a binding: its action in kebab case (`next-scene`).
pub fn name(binding: &Binding) -> String {
    let action = match binding.command {
        Command::Do(action) => format!("{action:?}"),
        Command::Digit => "Episode".to_owned(),
        Command::ToggleTimer => "ToggleTimer".to_owned(),
    };
    let mut name = String::new();
    for (i, c) in action.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                name.push('-');
            }
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
    }
    name
}

/// A key as a configuration file writes it: a character (`j`, `?`), `Space`, `Ctrl-x`, `F5`,
/// or a named key (`Right`, `PageDown`, `Enter`, `Esc`, `Backspace`, `Delete`, `Tab`, …).
pub fn parse_key(text: &str) -> Result<Trigger, String> {
    let named = match text {
        "Right" => Some(KeyCode::Right),
        "Left" => Some(KeyCode::Left),
        "Up" => Some(KeyCode::Up),
        "Down" => Some(KeyCode::Down),
        "Home" => Some(KeyCode::Home),
        "End" => Some(KeyCode::End),
        "PageUp" | "PgUp" => Some(KeyCode::PageUp),
        "PageDown" | "PgDn" => Some(KeyCode::PageDown),
        "Tab" => Some(KeyCode::Tab),
        "Shift-Tab" | "BackTab" => Some(KeyCode::BackTab),
        "Enter" => Some(KeyCode::Enter),
        "Esc" => Some(KeyCode::Esc),
        "Backspace" => Some(KeyCode::Backspace),
        "Delete" => Some(KeyCode::Delete),
        "Space" => Some(KeyCode::Char(' ')),
        _ => None,
    };
    if let Some(code) = named {
        return Ok(Key(code));
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => return Ok(Key(KeyCode::Char(c))),
        _ => {}
    }
    if let Some(rest) = text.strip_prefix("Ctrl-") {
        let mut chars = rest.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && c.is_ascii_alphabetic()
        {
            return Ok(Ctrl(c.to_ascii_lowercase()));
        }
    }
    if let Some(n) = text.strip_prefix('F').and_then(|n| n.parse::<u8>().ok())
        && (1..=12).contains(&n)
    {
        return Ok(Key(KeyCode::F(n)));
    }
    Err(format!(
        "\"{text}\" is not a key: write a character, Space, Ctrl-x, F1–F12, or one of Right, \
         Left, Up, Down, Home, End, PageUp, PageDown, Tab, Shift-Tab, Enter, Esc, Backspace, Delete"
    ))
}

/// The table with some bindings' keys replaced, by name. A key given to one binding is taken
/// from any other that had it, so that no key means two things.
pub fn with_keys(overrides: &[(String, Vec<Trigger>)]) -> Vec<Binding> {
    let taken: Vec<Trigger> = overrides
        .iter()
        .flat_map(|(_, keys)| keys.clone())
        .collect();
    BINDINGS
        .iter()
        .map(|binding| {
            let own = name(binding);
            let triggers: Vec<Trigger> = match overrides.iter().find(|(name, _)| *name == own) {
                Some((_, keys)) => keys.clone(),
                None => binding
                    .triggers
                    .iter()
                    .copied()
                    .filter(|trigger| !taken.contains(trigger))
                    .collect(),
            };
            Binding {
                triggers: Vec::leak(triggers),
                ..*binding
            }
        })
        .collect()
}

/// The action a key press asks for, if any.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    bindings().iter().find_map(|binding| {
        binding
            .triggers
            .iter()
            .find_map(|trigger| matches(*trigger, key))
            .map(|digit| match binding.command {
                Command::Do(action) => action,
                Command::Digit => Action::Digit(u8::try_from(digit).unwrap_or(0)),
                Command::ToggleTimer => Action::ToggleTimer(std::time::Instant::now()),
            })
    })
}

/// The action a key asks for while the reader is typing a search: letters, digits and spaces
/// are typed and Backspace erases; every other key keeps its usual meaning.
pub fn action_while_typing(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if plain => Some(Action::Type(c)),
        KeyCode::Backspace => Some(Action::Erase),
        _ => action_for(key),
    }
}

/// `Some(digit or 0)` when the trigger matches the key.
fn matches(trigger: Trigger, key: KeyEvent) -> Option<usize> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match trigger {
        Ctrl(c) => (ctrl && !alt && key.code == KeyCode::Char(c)).then_some(0),
        _ if ctrl || alt => None,
        Key(code) => (key.code == code).then_some(0),
        Digit => match key.code {
            KeyCode::Char(c @ '0'..='9') => c.to_digit(10).map(|d| d as usize),
            _ => None,
        },
    }
}

/// How a trigger is written on screen.
pub fn label(trigger: Trigger) -> String {
    match trigger {
        Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
        Digit => "0–9".into(),
        Key(code) => match code {
            KeyCode::Right => "→".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        },
    }
}

/// The footer's reminders: bindings that share a footer label are merged, first keys joined,
/// as in `("←/→", "scene")`.
pub fn footer_hints() -> Vec<(String, &'static str)> {
    let mut hints: Vec<(String, &'static str)> = Vec::new();
    for binding in bindings() {
        let (Some(text), Some(first)) = (binding.footer, binding.triggers.first()) else {
            continue;
        };
        match hints.last_mut() {
            Some((keys, last)) if *last == text => {
                keys.push('/');
                keys.push_str(&label(*first));
            }
            _ => hints.push((label(*first), text)),
        }
    }
    hints
}

/// All of a binding's triggers, written the way the help screen shows them.
pub fn labels(binding: &Binding) -> String {
    binding
        .triggers
        .iter()
        .map(|t| label(*t))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn every_listed_key_dispatches_its_action() {
        assert_eq!(
            action_for(press(KeyCode::Char(' '))),
            Some(Action::NextScene)
        );
        assert_eq!(
            action_for(press(KeyCode::Char('h'))),
            Some(Action::PreviousScene)
        );
        assert_eq!(
            action_for(press(KeyCode::Char('3'))),
            Some(Action::Digit(3))
        );
        assert_eq!(
            action_for(press(KeyCode::BackTab)),
            Some(Action::FocusPrevious)
        );
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Interrupt)
        );
        assert_eq!(action_for(press(KeyCode::Char('c'))), None);
        assert_eq!(
            action_for(press(KeyCode::Char('0'))),
            Some(Action::Digit(0))
        );
    }

    #[test]
    fn shifted_symbols_still_match() {
        let question = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(action_for(question), Some(Action::ToggleHelp));
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for trigger in BINDINGS.iter().flat_map(|b| b.triggers) {
            assert!(!seen.contains(trigger), "{trigger:?} is bound twice");
            seen.push(*trigger);
        }
    }

    #[test]
    fn footer_pairs_opposite_moves() {
        let hints = footer_hints();
        assert_eq!(hints[0], ("←/→".to_owned(), "scene"));
        assert_eq!(hints[1], ("[/]".to_owned(), "episode"));
        assert!(hints.iter().any(|h| *h == ("q".to_owned(), "quit")));
    }

    #[test]
    fn labels_read_as_keys() {
        let next = BINDINGS
            .iter()
            .find(|b| b.command == Command::Do(Action::NextScene))
            .unwrap();
        assert_eq!(labels(next), "→ l Space");
        assert_eq!(label(Ctrl('c')), "Ctrl-C");
    }
}
