//! Keys to commands: a keymap per mode, written as a user writes keys in the configuration. The
//! same value dispatches keys, writes the help and the footer, and fills in every hint in a
//! title, so what the screen says is what the keys do. A keymap is a value: each reader has its
//! own, with the user's bindings laid over the defaults.

use std::collections::HashSet;
use std::fmt;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{Action, Command, KeyMode};

/// What a binding reacts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trigger {
    Key(KeyCode),
    Ctrl(char),
    /// Any digit 0–9, passed on with the command.
    Digit,
}

use Trigger::{Ctrl, Digit, Key};

/// Ctrl-C: it always quits at once ([`Command::Interrupt`]), whatever a configuration says, so
/// that no set of keys can leave a reader without a way out.
pub const INTERRUPT: Trigger = Ctrl('c');

/// The most keys one binding may have.
pub const MOST_KEYS: usize = 10;

/// Keys and the command they give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<Trigger>,
    pub command: Command,
}

/// Moving through the story: every mode but typing has these.
const MOVES: &[(&str, Command)] = &[
    ("Left h p", Command::PreviousScene),
    ("Right l Space", Command::NextScene),
    ("[", Command::PreviousEpisode),
    ("]", Command::NextEpisode),
    ("0-9", Command::Digit),
    ("Home", Command::FirstScene),
    ("End", Command::LastScene),
];

/// Finding things in the story.
const FINDING: &[(&str, Command)] = &[
    ("/", Command::Search),
    ("n", Command::NextHit),
    ("N", Command::PreviousHit),
    ("B", Command::ToggleBookmark),
    ("'", Command::ShowBookmarks),
    ("Delete x", Command::Remove),
    ("Backspace", Command::GoBack),
];

/// The reader's own tools: the timeline, the glossary, the panes.
const READING: &[(&str, Command)] = &[
    ("t", Command::ShowTimeline),
    ("o", Command::ShowContents),
    ("g", Command::ShowGlossary),
    ("Tab", Command::FocusNext),
    ("Shift-Tab", Command::FocusPrevious),
    ("m", Command::ToggleMap),
    ("e", Command::ToggleTelling),
];

/// Checking yourself on an episode's questions: a reader alone.
const CHECKING: &[(&str, Command)] = &[("c", Command::CheckYourself), ("r", Command::AskAgain)];

/// Scrolling and picking.
const SCROLLING: &[(&str, Command)] = &[
    ("Up k", Command::Up),
    ("Down j", Command::Down),
    ("PageUp", Command::PageUp),
    ("PageDown", Command::PageDown),
    ("Enter", Command::Open),
];

const PRESENT: &[(&str, Command)] = &[("F5 P", Command::TogglePresentation)];

/// The console shows the remote's address.
const INVITE: &[(&str, Command)] = &[("i", Command::ShowInvitation)];

const FOLLOW: &[(&str, Command)] = &[("f", Command::SnapToPresenter)];

const PRESENTING: &[(&str, Command)] = &[
    ("F5 P", Command::TogglePresentation),
    ("b .", Command::ToggleBlank),
    ("i", Command::ShowInvitation),
    ("v", Command::CyclePanel),
    ("s", Command::ToggleTimer),
    ("R", Command::ResetTimer),
];

/// The console runs the projector: the timer (`t`, as `s` there is the class pane's "show"),
/// the blank, and a scene by number (digits, then Enter, as on the projector).
const CONSOLE: &[(&str, Command)] = &[
    ("Enter", Command::Open),
    ("b .", Command::ToggleBlank),
    ("t", Command::ToggleTimer),
    ("R", Command::ResetTimer),
];

/// The teacher's questions to the class, on the projector and the console.
const ASKING: &[(&str, Command)] = &[
    ("a", Command::AskQuestion),
    ("r", Command::Reveal),
    ("Q", Command::QuickLetters),
    ("Y", Command::QuickYesNo),
    ("d", Command::TakeDown),
];

/// The console's pane of the class: the students' questions, picked and moderated.
const MODERATING: &[(&str, Command)] = &[
    ("Up k", Command::Up),
    ("Down j", Command::Down),
    ("s", Command::ShowPosted),
    ("x", Command::DismissPosted),
    ("S", Command::Spotlight),
];

/// A student's questions to the teacher, and votes for the class's.
const ASKING_TEACHER: &[(&str, Command)] =
    &[("w", Command::WriteQuestion), ("u", Command::ShowBoard)];

/// While typing into a search, letters are text; these keys keep their meaning.
const TYPING: &[(&str, Command)] = &[
    ("Up", Command::Up),
    ("Down", Command::Down),
    ("PageUp", Command::PageUp),
    ("PageDown", Command::PageDown),
    ("Enter", Command::Open),
    ("Esc", Command::Back),
    ("Ctrl-c", Command::Interrupt),
];

const GENERAL: &[(&str, Command)] = &[
    ("?", Command::ToggleHelp),
    ("Esc", Command::Back),
    ("q", Command::Quit),
    ("Ctrl-c", Command::Interrupt),
];

/// The default keys of a mode, as the groups above.
fn default_groups(mode: KeyMode) -> &'static [&'static [(&'static str, Command)]] {
    match mode {
        KeyMode::Reader => &[
            MOVES, FINDING, READING, CHECKING, SCROLLING, PRESENT, GENERAL,
        ],
        KeyMode::Following => &[
            MOVES,
            FINDING,
            READING,
            SCROLLING,
            FOLLOW,
            ASKING_TEACHER,
            GENERAL,
        ],
        KeyMode::Presenting => &[MOVES, FINDING, SCROLLING, PRESENTING, ASKING, GENERAL],
        KeyMode::Console => &[MOVES, INVITE, CONSOLE, ASKING, MODERATING, GENERAL],
        KeyMode::Typing => &[TYPING],
    }
}

/// Every mode's bindings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    modes: [Vec<Binding>; KeyMode::ALL.len()],
    /// The default keys that the user's bindings took from others, to tell the user.
    moved: Vec<Moved>,
}

/// A default key given by the user to another binding: the binding that had it lost it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub key: Trigger,
    /// The binding that had the key by default.
    pub from: Command,
    /// The binding the user gave it to.
    pub to: Command,
    /// Whether `from` is left with no key at all.
    pub left_without_keys: bool,
}

impl fmt::Display for Moved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (key, from, to) = (label(self.key), self.from.name(), self.to.name());
        write!(f, "{key} is {to}'s now, no longer {from}'s")?;
        if self.left_without_keys {
            write!(f, ", which has no key left")?;
        }
        Ok(())
    }
}

/// Whether two keys can be the same key press: the same key, or a digit and `0-9`.
pub fn overlap(a: Trigger, b: Trigger) -> bool {
    let digit = |t: Trigger| matches!(t, Key(KeyCode::Char('0'..='9')));
    a == b || (a == Digit && digit(b)) || (b == Digit && digit(a))
}

/// Whether some mode has both commands, so that one key given to both would be ambiguous.
pub fn share_a_mode(a: Command, b: Command) -> bool {
    KeyMode::ALL.into_iter().any(|mode| {
        let has = |command: Command| {
            default_groups(mode)
                .iter()
                .any(|group| group.iter().any(|(_, c)| *c == command))
        };
        has(a) && has(b)
    })
}

impl Default for Keymap {
    fn default() -> Self {
        let modes = KeyMode::ALL.map(|mode| {
            let mut bindings: Vec<Binding> = default_groups(mode)
                .iter()
                .flat_map(|group| group.iter())
                .map(|(keys, command)| Binding {
                    keys: keys
                        .split(' ')
                        .map(|key| parse_key(key).expect("the default keys are keys"))
                        .collect(),
                    command: *command,
                })
                .collect();
            // The help lists commands in one order in every mode.
            bindings.sort_by_key(|binding| binding.command as usize);
            bindings
        });
        Keymap {
            modes,
            moved: Vec::new(),
        }
    }
}

impl Keymap {
    /// The default keymap with some commands' keys replaced, in every mode that has them. A key
    /// given to one command is taken from any other that had it, so no key means two things,
    /// and [`Keymap::moved`] says which were taken. Ctrl-C is never taken from `interrupt`: a
    /// command given it keeps its other keys, or its own.
    pub fn with_keys(overrides: &[(Command, Vec<Trigger>)]) -> Keymap {
        let mut keymap = Keymap::default();
        let overrides: Vec<(Command, Vec<Trigger>)> = overrides
            .iter()
            .map(|(command, keys)| {
                let mut seen = HashSet::new();
                let keys = keys
                    .iter()
                    .copied()
                    .filter(|key| *key != INTERRUPT && seen.insert(*key))
                    .collect::<Vec<_>>();
                let keys = match command {
                    Command::Interrupt => std::iter::once(INTERRUPT).chain(keys).collect(),
                    _ => keys,
                };
                (*command, keys)
            })
            .filter(|(_, keys)| !keys.is_empty())
            .collect();
        let taken: HashSet<Trigger> = overrides
            .iter()
            .flat_map(|(_, keys)| keys.iter().copied())
            .collect();
        let owner = |key: Trigger| {
            overrides
                .iter()
                .find(|(_, keys)| keys.contains(&key))
                .map(|(command, _)| *command)
        };
        let mut moved: Vec<Moved> = Vec::new();
        for (mode, bindings) in KeyMode::ALL.into_iter().zip(&mut keymap.modes) {
            // While typing, a letter is typed: only a user's other keys apply there, and a
            // command left with none keeps its own.
            let usable = |key: &Trigger| mode != KeyMode::Typing || !types(*key);
            for binding in bindings {
                let keys = overrides
                    .iter()
                    .find(|(name, _)| *name == binding.command)
                    .map(|(_, keys)| keys.iter().copied().filter(usable).collect::<Vec<_>>());
                if let Some(keys) = keys.filter(|keys| !keys.is_empty()) {
                    binding.keys = keys;
                    continue;
                }
                let had = std::mem::take(&mut binding.keys);
                let (kept, lost): (Vec<Trigger>, Vec<Trigger>) = had
                    .into_iter()
                    .partition(|key| !taken.contains(key) || !usable(key));
                binding.keys = kept;
                if mode == KeyMode::Typing {
                    continue;
                }
                // A digit given elsewhere goes there (exact keys are matched first), though
                // `0-9` stays: that too is a key that moved.
                let digits = taken
                    .iter()
                    .filter(|key| binding.keys.contains(&Digit) && overlap(Digit, **key));
                for key in lost.iter().chain(digits) {
                    let Some(to) = owner(*key) else { continue };
                    let change = Moved {
                        key: *key,
                        from: binding.command,
                        to,
                        left_without_keys: binding.keys.is_empty(),
                    };
                    if !moved
                        .iter()
                        .any(|m| (m.key, m.from, m.to) == (change.key, change.from, change.to))
                    {
                        moved.push(change);
                    }
                }
            }
        }
        moved.sort_by_key(|m| (m.from as usize, label(m.key)));
        keymap.moved = moved;
        keymap
    }

    /// The default keys the user's bindings took from other bindings, to tell the user.
    pub fn moved(&self) -> &[Moved] {
        &self.moved
    }

    /// The bindings of a mode, in the help's order.
    pub fn bindings(&self, mode: KeyMode) -> &[Binding] {
        &self.modes[mode as usize]
    }

    /// The action a key press asks for in a mode, if any. While typing, plain letters, digits
    /// and spaces are typed and Backspace erases.
    pub fn action(&self, mode: KeyMode, key: KeyEvent, now: Instant) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if mode == KeyMode::Typing {
            let plain = !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match key.code {
                KeyCode::Char(c) if plain => return Some(Action::Type(c)),
                KeyCode::Backspace => return Some(Action::Erase),
                _ => {}
            }
        }
        // A key given to a command itself wins over `0-9`, which another may have.
        let exact = |trigger: &Trigger| *trigger != Digit;
        let find = |wanted: &dyn Fn(&Trigger) -> bool| {
            self.bindings(mode).iter().find_map(|binding| {
                binding
                    .keys
                    .iter()
                    .filter(|trigger| wanted(trigger))
                    .find_map(|trigger| matches(*trigger, key))
                    .map(|digit| binding.command.action(digit, now))
            })
        };
        find(&exact).or_else(|| find(&|trigger| !exact(trigger)))
    }

    /// How the first key of a command is written on screen, if the mode has one.
    pub fn key(&self, mode: KeyMode, command: Command) -> Option<String> {
        self.bindings(mode)
            .iter()
            .find(|binding| binding.command == command)
            .and_then(|binding| binding.keys.first())
            .map(|key| label(*key))
    }

    /// A hint for a title: the first keys of the commands joined by `/` and what they do
    /// (`↑/↓ pick`), or nothing if the mode has none of them.
    pub fn hint(&self, mode: KeyMode, commands: &[Command], what: &str) -> Option<String> {
        let keys: Vec<String> = commands
            .iter()
            .filter_map(|command| self.key(mode, *command))
            .collect();
        (!keys.is_empty()).then(|| format!("{} {what}", keys.join("/")))
    }

    /// The footer's reminders: commands that share a footer label are merged, their first keys
    /// joined, as in `("←/→", "scene")`.
    pub fn footer_hints(&self, mode: KeyMode) -> Vec<(String, &'static str)> {
        let mut hints: Vec<(String, &'static str)> = Vec::new();
        for binding in self.bindings(mode) {
            let (Some(text), Some(first)) = (binding.command.footer(), binding.keys.first()) else {
                continue;
            };
            match hints.iter_mut().find(|(_, what)| *what == text) {
                Some((keys, _)) => {
                    keys.push('/');
                    keys.push_str(&label(*first));
                }
                None => hints.push((label(*first), text)),
            }
        }
        // A way out is always shown: when `quit` has no key left, Ctrl-C is the reminder.
        if !hints.iter().any(|(_, what)| *what == "quit")
            && let Some(key) = self.key(mode, Command::Interrupt)
        {
            hints.push((key, "quit"));
        }
        hints
    }
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
        "0-9" => return Ok(Digit),
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
        "\"{text}\" is not a key: write a character, Space, Ctrl-x, F1–F12, 0-9, or one of \
         Right, Left, Up, Down, Home, End, PageUp, PageDown, Tab, Shift-Tab, Enter, Esc, \
         Backspace, Delete"
    ))
}

/// Whether a key is text while typing: a character or digit with no Ctrl.
fn types(trigger: Trigger) -> bool {
    matches!(trigger, Key(KeyCode::Char(_)) | Digit)
}

/// `Some(digit or 0)` when the trigger matches the key.
fn matches(trigger: Trigger, key: KeyEvent) -> Option<u8> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match trigger {
        Ctrl(c) => (ctrl && !alt && key.code == KeyCode::Char(c)).then_some(0),
        _ if ctrl || alt => None,
        Key(code) => (key.code == code).then_some(0),
        Digit => match key.code {
            KeyCode::Char(c @ '0'..='9') => Some(c as u8 - b'0'),
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
            KeyCode::Delete => "Delete".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        },
    }
}

/// All of a binding's keys, written the way the help screen shows them.
pub fn labels(binding: &Binding) -> String {
    binding
        .keys
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

    fn action(mode: KeyMode, key: KeyEvent) -> Option<Action> {
        Keymap::default().action(mode, key, Instant::now())
    }

    #[test]
    fn every_listed_key_dispatches_its_action() {
        let reader = |code| action(KeyMode::Reader, press(code));
        assert_eq!(reader(KeyCode::Char(' ')), Some(Action::NextScene));
        assert_eq!(reader(KeyCode::Char('h')), Some(Action::PreviousScene));
        assert_eq!(reader(KeyCode::Char('3')), Some(Action::Digit(3)));
        assert_eq!(reader(KeyCode::BackTab), Some(Action::FocusPrevious));
        assert_eq!(reader(KeyCode::Char('0')), Some(Action::Digit(0)));
        assert_eq!(reader(KeyCode::Char('c')), Some(Action::CheckYourself));
        assert_eq!(reader(KeyCode::Char('r')), Some(Action::AskAgain));
        assert_eq!(reader(KeyCode::Char('z')), None);
        assert_eq!(
            action(
                KeyMode::Reader,
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::Interrupt)
        );
    }

    #[test]
    fn each_mode_has_only_its_own_keys() {
        let b = press(KeyCode::Char('b'));
        assert_eq!(action(KeyMode::Presenting, b), Some(Action::ToggleBlank));
        assert_eq!(action(KeyMode::Reader, b), None);
        let f = press(KeyCode::Char('f'));
        assert_eq!(action(KeyMode::Following, f), Some(Action::SnapToPresenter));
        assert_eq!(action(KeyMode::Reader, f), None);
        assert_eq!(action(KeyMode::Console, press(KeyCode::Char('/'))), None);
    }

    #[test]
    fn typing_takes_letters_and_keeps_the_other_keys() {
        let q = press(KeyCode::Char('q'));
        assert_eq!(action(KeyMode::Typing, q), Some(Action::Type('q')));
        assert_eq!(
            action(KeyMode::Typing, press(KeyCode::Backspace)),
            Some(Action::Erase)
        );
        assert_eq!(
            action(KeyMode::Typing, press(KeyCode::Esc)),
            Some(Action::Back)
        );
        assert_eq!(
            action(KeyMode::Typing, press(KeyCode::Down)),
            Some(Action::Down)
        );
    }

    #[test]
    fn shifted_symbols_still_match() {
        let question = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(action(KeyMode::Reader, question), Some(Action::ToggleHelp));
    }

    #[test]
    fn no_key_is_bound_twice_in_a_mode() {
        let keymap = Keymap::default();
        for mode in KeyMode::ALL {
            let mut seen = Vec::new();
            for key in keymap.bindings(mode).iter().flat_map(|b| &b.keys) {
                assert!(!seen.contains(key), "{key:?} is bound twice in {mode:?}");
                seen.push(*key);
            }
        }
    }

    #[test]
    fn footer_pairs_opposite_moves() {
        let hints = Keymap::default().footer_hints(KeyMode::Reader);
        assert_eq!(hints[0], ("←/→".to_owned(), "scene"));
        assert_eq!(hints[1], ("[/]".to_owned(), "episode"));
        assert!(hints.iter().any(|h| *h == ("q".to_owned(), "quit")));
    }

    #[test]
    fn labels_read_as_keys() {
        let keymap = Keymap::default();
        let next = keymap
            .bindings(KeyMode::Reader)
            .iter()
            .find(|b| b.command == Command::NextScene)
            .unwrap();
        assert_eq!(labels(next), "→ l Space");
        assert_eq!(label(Ctrl('c')), "Ctrl-C");
    }

    #[test]
    fn a_rebound_key_is_taken_from_its_old_command_in_every_mode() {
        let keymap = Keymap::with_keys(&[(Command::Search, vec![Key(KeyCode::Char('n'))])]);
        for mode in [KeyMode::Reader, KeyMode::Presenting] {
            let n = keymap.action(mode, press(KeyCode::Char('n')), Instant::now());
            assert_eq!(n, Some(Action::Search), "{mode:?}");
            assert_eq!(keymap.key(mode, Command::NextHit), None);
        }
        assert_eq!(keymap.key(KeyMode::Console, Command::Search), None);
    }

    #[test]
    fn a_letter_bound_to_a_command_is_still_typed_in_a_search() {
        let keymap = Keymap::with_keys(&[
            (Command::Open, vec![Key(KeyCode::Char('o'))]),
            (
                Command::Back,
                vec![Key(KeyCode::Char('x')), Key(KeyCode::F(9))],
            ),
        ]);
        let now = Instant::now();
        let typing = |code| keymap.action(KeyMode::Typing, press(code), now);
        assert_eq!(typing(KeyCode::Char('o')), Some(Action::Type('o')));
        // Open keeps Enter while typing; Back takes F9 and not x.
        assert_eq!(
            keymap.key(KeyMode::Typing, Command::Open).as_deref(),
            Some("Enter")
        );
        assert_eq!(typing(KeyCode::F(9)), Some(Action::Back));
        assert_eq!(typing(KeyCode::Esc), None);
        assert_eq!(typing(KeyCode::Char('x')), Some(Action::Type('x')));
        assert_eq!(
            keymap.action(KeyMode::Reader, press(KeyCode::Char('o')), now),
            Some(Action::Open)
        );
    }

    #[test]
    fn ctrl_c_always_interrupts_whatever_the_keys_say() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let keymap = Keymap::with_keys(&[
            (
                Command::NextScene,
                vec![Key(KeyCode::Char('q')), Key(KeyCode::Esc), INTERRUPT],
            ),
            (Command::Quit, vec![INTERRUPT]),
            (Command::Interrupt, vec![Key(KeyCode::F(10))]),
        ]);
        let now = Instant::now();
        for mode in KeyMode::ALL {
            assert_eq!(
                keymap.action(mode, ctrl_c, now),
                Some(Action::Interrupt),
                "{mode:?}"
            );
            assert_eq!(
                keymap.key(mode, Command::Interrupt).as_deref(),
                Some("Ctrl-C"),
                "{mode:?}: the help lists it first"
            );
        }
        let f10 = press(KeyCode::F(10));
        assert_eq!(
            keymap.action(KeyMode::Reader, f10, now),
            Some(Action::Interrupt)
        );
        assert_eq!(keymap.key(KeyMode::Reader, Command::Quit), None);
    }

    #[test]
    fn the_footer_always_shows_a_way_out() {
        let keymap = Keymap::with_keys(&[(
            Command::NextScene,
            vec![Key(KeyCode::Char('q')), Key(KeyCode::Esc)],
        )]);
        for mode in [
            KeyMode::Reader,
            KeyMode::Following,
            KeyMode::Presenting,
            KeyMode::Console,
        ] {
            let hints = keymap.footer_hints(mode);
            assert!(
                hints.contains(&("Ctrl-C".to_owned(), "quit")),
                "{mode:?}: {hints:?}"
            );
        }
        let hints = Keymap::default().footer_hints(KeyMode::Reader);
        assert!(!hints.iter().any(|(key, _)| key == "Ctrl-C"), "{hints:?}");
    }

    #[test]
    fn a_key_taken_from_another_binding_is_told_once_naming_the_loser() {
        let keymap = Keymap::with_keys(&[
            (Command::Search, vec![Key(KeyCode::Char('n'))]),
            (Command::NextScene, vec![Key(KeyCode::Char('h'))]),
        ]);
        let told: Vec<String> = keymap.moved().iter().map(ToString::to_string).collect();
        assert_eq!(
            told,
            [
                "h is next-scene's now, no longer previous-scene's",
                "n is search's now, no longer next-hit's, which has no key left",
            ]
        );
        assert!(Keymap::default().moved().is_empty());
        // A letter typed into a search box is not taken from anything: nothing to tell.
        let typed = Keymap::with_keys(&[(Command::Open, vec![Key(KeyCode::Char('z'))])]);
        assert!(typed.moved().is_empty(), "{:?}", typed.moved());
    }

    #[test]
    fn a_digit_given_to_a_command_goes_to_it_and_not_to_the_episodes() {
        let keymap = Keymap::with_keys(&[(Command::Quit, vec![Key(KeyCode::Char('3'))])]);
        let now = Instant::now();
        let reader = |c| keymap.action(KeyMode::Reader, press(KeyCode::Char(c)), now);
        assert_eq!(reader('3'), Some(Action::Quit));
        assert_eq!(reader('4'), Some(Action::Digit(4)));
        let told: Vec<String> = keymap.moved().iter().map(ToString::to_string).collect();
        assert_eq!(told, ["3 is quit's now, no longer episode's"]);
    }

    #[test]
    fn keys_overlap_when_one_press_can_be_both() {
        assert!(overlap(Digit, Key(KeyCode::Char('7'))));
        assert!(overlap(Key(KeyCode::Char('7')), Digit));
        assert!(!overlap(Digit, Key(KeyCode::Char('x'))));
        assert!(share_a_mode(Command::NextScene, Command::Quit));
        assert!(!share_a_mode(
            Command::SnapToPresenter,
            Command::ToggleBlank
        ));
    }
}
