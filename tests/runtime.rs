//! Readers driven as the runtime drives them, on `TestBackend`s: keys in through each reader's
//! own keymap, frames out in its own theme, effects out for the world. Several live side by side
//! in one process.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use izumi::app::{Action, Announcement, App, Command, Effect, KeyMode, Role};
use izumi::keymap::{Keymap, Trigger};
use izumi::reader::Reader;
use izumi::saved::Saved;
use izumi::ui::theme::{DARK, HIGH_CONTRAST, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn reader_with(app: App, theme: Theme, keys: Keymap) -> Reader<TestBackend> {
    reader_sized(app, theme, keys, 100, 30)
}

fn reader_sized(
    app: App,
    theme: Theme,
    keys: Keymap,
    width: u16,
    height: u16,
) -> Reader<TestBackend> {
    let terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut reader = Reader::new(app, terminal, theme, keys);
    reader.start().unwrap();
    reader
}

/// A reader of the journey at 80×24 on `backend`, set up as the real terminal is: a fixed
/// viewport that follows resize events; its first frame drawn.
fn fixed_reader<B: ratatui::backend::Backend>(backend: B) -> Reader<B> {
    use ratatui::layout::Rect;
    use ratatui::{TerminalOptions, Viewport};
    let viewport = Viewport::Fixed(Rect::new(0, 0, 80, 24));
    let terminal = Terminal::with_options(backend, TerminalOptions { viewport })
        .unwrap_or_else(|_| panic!("a terminal on the backend"));
    let mut reader = Reader::new(
        App::new(common::journey()),
        terminal,
        DARK,
        Keymap::default(),
    );
    if reader.start().is_err() {
        panic!("the first frame");
    }
    reader
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The title row of the open overlay: the screen row holding `start`.
fn row_with(reader: &Reader<TestBackend>, start: &str) -> String {
    common::screen(reader)
        .lines()
        .find(|line| line.contains(start))
        .unwrap_or_else(|| panic!("no {start:?} on screen:\n{}", common::screen(reader)))
        .to_owned()
}

#[test]
fn two_readers_with_their_own_theme_and_keys_share_a_process() {
    let rebound =
        Keymap::with_keys(&[(Command::NextScene, vec![Trigger::Key(KeyCode::Char('j'))])]);
    let mut plain = reader_with(App::new(common::journey()), DARK, Keymap::default());
    let mut other = reader_with(App::new(common::journey()), HIGH_CONTRAST, rebound);

    // The same key means different things to each.
    plain.key(key(KeyCode::Char('j'))).unwrap();
    other.key(key(KeyCode::Char('j'))).unwrap();
    assert_eq!(
        plain.app().scene().index(),
        0,
        "j scrolls in the default keys"
    );
    assert_eq!(other.app().scene().index(), 1, "j is the next scene here");
    plain.key(key(KeyCode::Right)).unwrap();
    assert_eq!(plain.app().scene().index(), 1);

    // Each draws in its own colours: the border of the focused scene pane.
    let border = |reader: &Reader<TestBackend>| reader.terminal().backend().buffer()[(0, 2)].fg;
    assert_eq!(border(&plain), DARK.border_focused.fg.unwrap());
    assert_eq!(border(&other), HIGH_CONTRAST.border_focused.fg.unwrap());
    assert_ne!(border(&plain), border(&other));
    // Each footer tells its own keys.
    assert!(row_with(&plain, "help").contains("←/→ scene"));
    assert!(row_with(&other, "help").contains("←/j scene"));
}

#[test]
fn a_rebound_search_key_shows_in_the_search_box_and_the_footer() {
    let keys = Keymap::with_keys(&[
        (Command::Search, vec![Trigger::Key(KeyCode::F(2))]),
        (
            Command::Open,
            vec![
                Trigger::Key(KeyCode::Char('o')),
                Trigger::Key(KeyCode::F(3)),
            ],
        ),
        (Command::NextHit, vec![Trigger::Key(KeyCode::Char('+'))]),
    ]);
    let mut reader = reader_with(App::new(common::journey()), DARK, keys);
    assert!(row_with(&reader, "help").contains("F2 search"));
    assert!(row_with(&reader, "help").contains("o open"));
    reader.key(key(KeyCode::F(2))).unwrap();
    let title = row_with(&reader, "Search —");
    // While typing, o is a letter: the box names the key that goes to a hit there.
    assert!(title.contains("F3 go there (then +/N)"), "{title}");
    assert!(!title.contains("Enter"), "{title}");
    reader.key(key(KeyCode::Char('o'))).unwrap();
    assert_eq!(reader.app().query(), "o");
}

#[test]
fn the_help_shows_the_keys_of_the_mode_it_was_opened_in() {
    let mut reader = reader_sized(
        App::new(common::journey()).with_role(Role::Presenter),
        DARK,
        Keymap::default(),
        100,
        60,
    );
    reader.key(key(KeyCode::Char('?'))).unwrap();
    let screen = common::screen(&reader);
    assert!(screen.contains("Keys for presenting"), "{screen}");
    assert!(screen.contains("blank the screen"), "{screen}");
    assert!(!screen.contains("focus the next pane"), "{screen}");
    assert_eq!(reader.app().screen_key_mode(), KeyMode::Presenting);
}

#[test]
fn the_presenter_announces_each_move_once() {
    let mut reader = reader_with(
        App::new(common::journey()).with_role(Role::Presenter),
        DARK,
        Keymap::default(),
    );
    let moved = reader.key(key(KeyCode::Right)).unwrap();
    assert!(
        matches!(
            moved.as_slice(),
            [Effect::Announce(Announcement { scene: 1, .. })]
        ),
        "{moved:?}"
    );
    // Nothing changed: nothing to announce.
    assert_eq!(reader.key(key(KeyCode::Char('m'))).unwrap(), []);
    // The console asked: the presenter moves and announces it.
    let asked = reader.act(Action::GoToScene(3)).unwrap();
    assert!(matches!(
        asked.as_slice(),
        [Effect::Announce(Announcement { scene: 3, .. })]
    ));
}

#[test]
fn a_console_sends_only_its_own_moves() {
    let mut console = reader_with(
        App::new(common::journey()).with_role(Role::Console),
        DARK,
        Keymap::default(),
    );
    assert_eq!(console.key(key(KeyCode::Right)).unwrap(), [Effect::Goto(1)]);
    // The presenter's own moves come back as announcements: followed, never sent back.
    for scene in [1, 2, 3, 0] {
        let announced = Announcement {
            scene,
            elapsed: std::time::Duration::ZERO,
            running: false,
            blank: false,
        };
        let effects = console
            .act(Action::Presenter(announced, std::time::Instant::now()))
            .unwrap();
        assert_eq!(effects, [], "an echo of scene {scene}");
        assert_eq!(console.app().scene().index(), scene);
    }
    assert_eq!(console.key(key(KeyCode::End)).unwrap(), [Effect::Goto(3)]);
}

#[test]
fn a_reader_on_their_own_asks_to_save_each_move_and_quits_by_effect() {
    let app = App::new(common::journey()).remembering(&Saved::default());
    let mut reader = reader_with(app, DARK, Keymap::default());
    let effects = reader.key(key(KeyCode::Right)).unwrap();
    assert_eq!(
        effects,
        [Effect::Save(Saved {
            scene: Some("the-ferry".into()),
            read: Some("the-ferry".into()),
            bookmarks: vec![],
            ..Default::default()
        })]
    );
    assert_eq!(
        reader.key(key(KeyCode::Char('q'))).unwrap(),
        [Effect::Quit { interrupted: false }]
    );
}

#[test]
fn no_colour_leaves_no_colour_on_screen() {
    let mut reader = reader_with(
        App::new(common::journey()),
        Theme::chosen(Some("light"), true),
        Keymap::default(),
    );
    reader.act(Action::Search).unwrap();
    for c in "ferry".chars() {
        reader.act(Action::Type(c)).unwrap();
    }
    let buffer = reader.terminal().backend().buffer();
    assert!(
        buffer
            .content()
            .iter()
            .all(|cell| cell.fg == Color::Reset && cell.bg == Color::Reset)
    );
}

#[test]
fn a_reader_draws_through_any_writer_without_a_terminal() {
    // As a front-end with its own channel (a socket, an SSH session) would: escape sequences
    // into a buffer, keys handed in as events, no terminal and no standard input involved.
    use ratatui::backend::CrosstermBackend;
    use std::sync::{Arc, Mutex};

    /// A writer the test can read back while the reader holds it.
    #[derive(Clone, Default)]
    struct Channel(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Channel {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let channel = Channel::default();
    let sent = || String::from_utf8_lossy(&channel.0.lock().unwrap()).into_owned();
    let mut reader = fixed_reader(CrosstermBackend::new(channel.clone()));
    let first = sent();
    assert!(first.contains("Setting out"), "{first:?}");
    reader
        .event(crossterm::event::Event::Key(key(KeyCode::Right)))
        .unwrap();
    let written = sent();
    assert!(
        written[first.len()..].contains("ferry"),
        "the next scene went out"
    );
    reader.resize(100, 30).unwrap();
    assert_eq!(
        reader.app().geometry().scene.unwrap().area.width,
        100 - 40 - 4,
        "the frame was measured again at the new size"
    );
}

#[test]
fn a_follower_is_always_told_how_to_catch_up() {
    for width in [60, 80, 120] {
        let follower = App::new(common::journey()).with_role(Role::Follower);
        let reader = reader_sized(follower, DARK, Keymap::default(), width, 24);
        let footer = common::screen(&reader).lines().last().unwrap().to_owned();
        assert!(footer.contains("f follow"), "at {width}: {footer}");
        assert!(footer.contains("? help"), "at {width}: {footer}");
    }
}

#[test]
fn a_huge_reported_size_is_drawn_within_bounds() {
    // A terminal, or later a client over the network, may claim any size: memory must not
    // follow it.
    use ratatui::layout::Rect;
    let mut reader = fixed_reader(TestBackend::new(2000, 1000));
    reader.resize(u16::MAX, u16::MAX).unwrap();
    let (width, height) = izumi::reader::MAX_SIZE;
    // The frame was laid out at the largest size, not at what was claimed.
    let drawn = reader
        .app()
        .geometry()
        .spots
        .iter()
        .fold(Rect::default(), |all, (area, _)| all.union(*area));
    assert!(drawn.width > 100 && drawn.right() <= width, "{drawn:?}");
    assert!(drawn.height > 30 && drawn.bottom() <= height, "{drawn:?}");
}

#[test]
fn keys_that_take_every_other_way_out_still_leave_ctrl_c_and_say_what_they_took() {
    let file = izumi::story::diagnostic::SourceFile::new(
        "config.toml".into(),
        "[keys]\nnext-scene = [\"q\", \"Esc\"]\n".into(),
    );
    let config = izumi::config::parse(&file).unwrap();
    let keys = Keymap::with_keys(&config.keys);
    let told: Vec<String> = keys.moved().iter().map(ToString::to_string).collect();
    assert_eq!(
        told,
        [
            "Esc is next-scene's now, no longer back's, which has no key left",
            "q is next-scene's now, no longer quit's, which has no key left",
        ]
    );
    let mut reader = reader_sized(App::new(common::journey()), DARK, keys, 100, 60);
    // The footer's way out is Ctrl-C now.
    assert!(row_with(&reader, "help").contains("Ctrl-C quit"));
    reader.key(key(KeyCode::Char('q'))).unwrap();
    assert_eq!(reader.app().scene().index(), 1, "q is the next scene");
    reader.key(key(KeyCode::Char('?'))).unwrap();
    let help = row_with(&reader, "Ctrl-C");
    assert!(help.contains("quit at once"), "{help}");
    let effects = reader
        .key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
        .unwrap();
    assert!(
        effects.contains(&Effect::Quit { interrupted: true }),
        "{effects:?}"
    );
}

#[test]
fn the_invitation_shows_a_scannable_code_and_any_key_puts_it_away() {
    let address = "http://192.0.2.7:8080/?token=class7".to_owned();
    let app = App::new(common::journey())
        .with_role(Role::Presenter)
        .with_invitations(vec![address.clone()]);
    let mut reader = common::reader(app, 120, 50);
    common::press(&mut reader, "i");
    let screen = common::screen(&reader);
    assert!(screen.contains(&address), "{screen}");
    assert!(screen.contains("Follow along: scan the code"));
    // Full blocks two cells wide, white on black whatever the theme: scannable off a projector.
    let buffer = reader.terminal().backend().buffer().clone();
    let block = buffer
        .content()
        .iter()
        .find(|cell| cell.symbol() == "█")
        .expect("the code is drawn");
    assert_eq!((block.fg, block.bg), (Color::White, Color::Black));
    let effects = common::press(&mut reader, "l");
    assert!(
        effects.is_empty(),
        "the key only put the code away: {effects:?}"
    );
    assert!(!common::screen(&reader).contains("Follow along: scan the code"));
    assert_eq!(reader.app().scene().index(), 0);
}

#[test]
fn without_an_address_the_invitation_key_says_how_to_get_one() {
    let app = App::new(common::journey()).with_role(Role::Presenter);
    let mut reader = common::reader(app, 100, 30);
    common::press(&mut reader, "i");
    assert!(common::screen(&reader).contains("present with --web"));
}

#[test]
fn the_presentation_says_how_students_join_as_far_as_it_fits() {
    let invitations = vec![
        "follow in a terminal: ssh -p 2222 class@192.0.2.7".to_owned(),
        "host key SHA256:45wutoSXwB7+XOFqeDfqcD0LBCHhCaP7bCd5UCPWH5Y".to_owned(),
    ];
    let presenter = || {
        App::new(common::journey())
            .with_role(Role::Presenter)
            .with_invitations(invitations.clone())
    };
    let wide = common::reader(presenter(), 140, 30);
    let top = common::screen(&wide).lines().next().unwrap().to_owned();
    assert!(
        top.contains("ssh -p 2222 class@192.0.2.7") && top.contains("host key SHA256:45wu"),
        "{top}"
    );
    // At 80 columns the command alone: the key does not fit beside it.
    let narrow = common::reader(presenter(), 80, 24);
    let top = common::screen(&narrow).lines().next().unwrap().to_owned();
    assert!(top.contains("ssh -p 2222 class@192.0.2.7"), "{top}");
    assert!(!top.contains("SHA256"), "{top}");
    // The title and text are where they were.
    assert!(common::screen(&narrow).contains("Ada leaves the city"));
}

#[test]
fn a_presenter_announces_its_timer_when_it_starts_stops_or_resets_not_every_second() {
    use std::time::{Duration, Instant};
    let mut presenter = App::new(common::journey()).with_role(Role::Presenter);
    let start = Instant::now();
    let announced = |effects: Vec<Effect>| {
        effects
            .into_iter()
            .filter_map(|effect| match effect {
                Effect::Announce(announced) => Some(announced),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        announced(presenter.update(Action::Tick(start)).effects).len(),
        1
    );
    let started = announced(presenter.update(Action::ToggleTimer(start)).effects);
    assert!(matches!(started.as_slice(), [a] if a.running));
    // Five minutes of the clock going round, a tick a second: nothing new to say.
    for second in 1..=300 {
        let now = start + Duration::from_secs(second);
        assert_eq!(announced(presenter.update(Action::Tick(now)).effects), []);
    }
    let stop = start + Duration::from_secs(301);
    let stopped = announced(presenter.update(Action::ToggleTimer(stop)).effects);
    assert!(
        matches!(stopped.as_slice(), [a] if !a.running && a.elapsed == Duration::from_secs(301)),
        "{stopped:?}"
    );
    let reset = announced(presenter.update(Action::ResetTimer).effects);
    assert!(
        matches!(reset.as_slice(), [a] if a.elapsed.is_zero()),
        "{reset:?}"
    );
    let blank = announced(presenter.update(Action::ToggleBlank).effects);
    assert!(matches!(blank.as_slice(), [a] if a.blank), "{blank:?}");
}
