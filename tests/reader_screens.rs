//! The reader as a good pager shows it (issue 22): a visible selection in the People list, a
//! contents overlay, digits for ten episodes, a footer that keeps search at 80 columns, hanging
//! indents, ellipses, the theme on every pane's text, and a long notice shown whole.

mod common;

use izumi::app::{Action, App, ContentsRow, Role, Telling};
use izumi::keymap::Keymap;
use izumi::reader::Reader;
use izumi::story::Story;
use izumi::ui::theme::{HIGH_CONTRAST, Theme};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

fn embedded() -> Story {
    izumi::story::load_embedded()
}

/// A reader of the whole story who chose to be told everything: what every list can hold.
fn told_everything() -> App {
    App::new(embedded()).telling_chosen(Some(Telling::Everything))
}

fn reader_with(app: App, (width, height): (u16, u16), theme: Theme) -> Reader<TestBackend> {
    let terminal = ratatui::Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut reader = Reader::new(app, terminal, theme, Keymap::default());
    reader.start().unwrap();
    reader
}

fn buffer(reader: &Reader<TestBackend>) -> &Buffer {
    reader.terminal().backend().buffer()
}

/// The screen as text, each row followed by `◀ selected` when some of it is drawn in reverse
/// video (the highlight of a focused list), so that a snapshot shows the selection.
fn with_selection(reader: &Reader<TestBackend>) -> String {
    let buffer = buffer(reader);
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut row = String::new();
        let mut reversed = false;
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            row.push_str(cell.symbol());
            reversed |= cell.modifier.contains(Modifier::REVERSED) && cell.symbol() != " ";
        }
        out.push_str(row.trim_end());
        if reversed {
            out.push_str("   ◀ selected");
        }
        out.push('\n');
    }
    out
}

/// The row of the screen on which `text` first appears.
fn row_of(reader: &Reader<TestBackend>, text: &str) -> Option<u16> {
    common::position_of(buffer(reader), text).map(|(_, y)| y)
}

/// Whether any cell of the row with `text` is drawn in reverse video.
fn highlighted(reader: &Reader<TestBackend>, text: &str) -> bool {
    let y = row_of(reader, text).unwrap_or_else(|| panic!("{text:?} is not on screen"));
    let buffer = buffer(reader);
    (0..buffer.area.width).any(|x| {
        let cell = &buffer[(x, y)];
        cell.symbol() != " " && cell.modifier.contains(Modifier::REVERSED)
    })
}

#[test]
fn the_people_list_shows_which_person_is_selected_at_80x24() {
    let mut reader = common::reader(App::new(embedded()), 80, 24);
    common::press(&mut reader, "<Tab><Down>");
    assert!(highlighted(&reader, "Kōzō Izumi ·"));
    assert!(!highlighted(&reader, "Iurii Rastvorov ·"));
    insta::assert_snapshot!(with_selection(&reader));
}

#[test]
fn the_people_list_shows_which_person_is_selected_at_160x48() {
    let mut reader = common::reader(App::new(embedded()), 160, 48);
    common::press(&mut reader, "<Tab><Down><Down>");
    assert!(highlighted(&reader, "Hiroaki Kuromiya ·"));
    assert!(!highlighted(&reader, "Kōzō Izumi ·"));
    insta::assert_snapshot!(with_selection(&reader));
}

#[test]
fn a_cut_row_ends_with_an_ellipsis() {
    let reader = common::reader(App::new(embedded()), 80, 24);
    let screen = common::screen(&reader);
    assert!(screen.contains("Iurii Rastvorov · Soviet in…"), "{screen}");
    assert!(!screen.contains("Soviet int "), "{screen}");
}

#[test]
fn the_contents_overlay_at_80x24() {
    let mut reader = common::reader(App::new(embedded()), 80, 24);
    common::press(&mut reader, "]o");
    insta::assert_snapshot!(with_selection(&reader));
}

#[test]
fn the_contents_overlay_at_160x48() {
    let mut reader = common::reader(told_everything(), 160, 48);
    common::press(&mut reader, "o<Down><Down>");
    insta::assert_snapshot!(with_selection(&reader));
}

#[test]
fn a_follower_s_contents_ends_at_the_furthest_scene_shown() {
    let story = embedded();
    let app = App::new(story).with_role(Role::Follower).reading_up_to(5);
    let mut reader = common::reader(app, 80, 24);
    common::press(&mut reader, "o");
    let rows = reader.app().contents();
    assert!(rows.iter().all(|row| match row {
        ContentsRow::Scene(scene) => scene.index() <= 5,
        ContentsRow::Episode(episode) => episode.index() <= 1,
    }));
    assert!(matches!(rows.last(), Some(ContentsRow::Scene(s)) if s.index() == 5));
    // A digit naming an episode not shown yet picks nothing and says so.
    common::press(&mut reader, "9");
    assert_eq!(reader.app().status(), Some("No episode 9 to go to"));
    common::press(
        &mut reader,
        "<Down><Down><Down><Down><Down><Down><Down><Down><Enter>",
    );
    assert_eq!(reader.app().scene().index(), 5);
    common::press(&mut reader, "o");
    insta::assert_snapshot!(common::screen(&reader));
}

#[test]
fn zero_goes_to_the_tenth_episode_and_digits_to_the_first_nine() {
    let mut app = App::new(embedded());
    app.update(Action::Digit(0));
    assert_eq!(app.episode().index(), 9);
    assert_eq!(app.scene(), app.story().first_scene_of(app.episode()));
    app.update(Action::Digit(3));
    assert_eq!(app.episode().index(), 2);
    // A story of two episodes has no tenth: 0 stays where it is.
    let mut short = App::new(common::journey());
    short.update(Action::Digit(0));
    assert_eq!(short.scene().index(), 0);
}

#[test]
fn the_contents_opens_on_the_scene_being_read_and_enter_goes_to_the_picked_row() {
    let mut app = told_everything();
    app.update(Action::Digit(2));
    app.update(Action::NextScene);
    let here = app.scene();
    app.update(Action::ShowContents);
    assert_eq!(app.contents()[app.pick()], ContentsRow::Scene(here));
    app.update(Action::Down);
    app.update(Action::Open);
    assert_eq!(app.overlay(), None);
    assert_eq!(app.scene().index(), here.index() + 1);
    // The jump can be undone.
    app.update(Action::GoBack);
    assert_eq!(app.scene(), here);
}

#[test]
fn a_digit_in_the_contents_picks_its_episode_and_enter_goes_there() {
    let mut app = told_everything();
    app.update(Action::ShowContents);
    app.update(Action::Digit(0));
    let ContentsRow::Episode(tenth) = app.contents()[app.pick()] else {
        panic!("0 picks an episode");
    };
    assert_eq!(tenth.index(), 9);
    assert_eq!(app.scene().index(), 0, "picking is not going");
    // The episode's row, then its first scene's, then its second.
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Open);
    assert_eq!(
        app.scene().index(),
        app.story().first_scene_of(tenth).index() + 1
    );
    // Its own key closes it, as Esc does.
    app.update(Action::ShowContents);
    app.update(Action::ShowContents);
    assert_eq!(app.overlay(), None);
    app.update(Action::ShowContents);
    app.update(Action::Back);
    assert_eq!(app.overlay(), None);
}

#[test]
fn the_help_lists_the_contents_key_and_says_what_zero_does() {
    let mut reader = common::reader(App::new(embedded()), 100, 60);
    common::press(&mut reader, "?");
    let screen = common::screen(&reader);
    assert!(screen.contains("episode N (0 is episode 10)"), "{screen}");
    assert!(
        screen.contains("  o ") && screen.contains("contents:"),
        "{screen}"
    );
}

/// The footer row of a screen.
fn footer(reader: &Reader<TestBackend>) -> String {
    let buffer = buffer(reader);
    let y = buffer.area.height - 1;
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

#[test]
fn the_footer_at_80_columns_keeps_search_contents_help_and_quit() {
    let reader = common::reader(App::new(embedded()), 80, 24);
    let footer = footer(&reader);
    for hint in ["←/→ scene", "/ search", "o contents", "? help", "q quit"] {
        assert!(footer.contains(hint), "{hint:?} missing from {footer:?}");
    }
    insta::assert_snapshot!(footer);
    // Narrower, the least useful go first; help and quit stay.
    let narrow = common::reader(App::new(embedded()), 40, 24);
    let footer = self::footer(&narrow);
    assert!(
        footer.contains("? help") && footer.contains("q quit"),
        "{footer:?}"
    );
    assert!(
        footer.contains("/ search") || footer.contains("←/→ scene"),
        "{footer:?}"
    );
}

/// The column (in characters) where `pattern` starts in `line`.
fn column(line: &str, pattern: &str) -> usize {
    line[..line.find(pattern).unwrap()].chars().count()
}

/// The text of an overlay's rows, from inside its left border: the overlay whose title holds
/// `title`.
fn overlay_rows(screen: &str, title: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.contains(title)).unwrap();
    let left = column(lines[top], title) - 1;
    lines[top + 1..]
        .iter()
        .take_while(|l| l.chars().nth(left) == Some('│'))
        .map(|l| l.chars().skip(left + 2).collect::<String>())
        .collect()
}

#[test]
fn help_rows_wrap_under_the_description_at_80x24() {
    let mut reader = common::reader(App::new(embedded()), 80, 24);
    common::press(&mut reader, "?");
    let screen = common::screen(&reader);
    let rows = overlay_rows(&screen, " Keys for reading");
    // The continuation of the contents key's description starts under "contents".
    let first = rows.iter().position(|l| l.contains("contents:")).unwrap();
    let at = column(&rows[first], "contents:");
    let next: Vec<char> = rows[first + 1].chars().collect();
    assert!(
        next[..at].iter().all(|c| *c == ' '),
        "{:?}",
        rows[first + 1]
    );
    assert!(next[at].is_alphabetic(), "{:?}", rows[first + 1]);
    insta::assert_snapshot!(screen);
}

#[test]
fn glossary_rows_wrap_under_the_definition_at_80x24() {
    let mut reader = common::reader(told_everything(), 80, 24);
    common::press(&mut reader, "g<Down>");
    let screen = common::screen(&reader);
    let rows = overlay_rows(&screen, " Glossary");
    let first = (0..rows.len() - 1)
        .find(|i| rows[*i].contains(" — ") && rows[*i + 1].starts_with("    "))
        .expect("a definition that wraps");
    let at = column(&rows[first], " — ") + 3;
    let next: Vec<char> = rows[first + 1].chars().collect();
    assert!(
        next[..at].iter().all(|c| *c == ' '),
        "{:?}",
        rows[first + 1]
    );
    assert!(next[at].is_alphabetic(), "{:?}", rows[first + 1]);
    insta::assert_snapshot!(with_selection(&reader));
}

#[test]
fn the_timeline_list_rows_wrap_under_the_title() {
    let mut reader = common::reader(told_everything(), 60, 24);
    common::press(&mut reader, "t");
    let screen = common::screen(&reader);
    let rows = overlay_rows(&screen, " Timeline");
    // Every row begins with its marker column; a continuation is indented past the date,
    // never back at the box's edge.
    let mut continued = 0;
    for row in &rows[1..] {
        assert!(
            row.starts_with("▶ ") || row.starts_with("  "),
            "a row wraps to the edge: {row:?}"
        );
        continued += usize::from(row.starts_with("    "));
    }
    assert!(continued > 0, "no row wrapped at 60 columns:\n{screen}");
    insta::assert_snapshot!(screen);
}

/// Whether every visible letter inside `area` has a colour of its own (not the terminal's
/// default), as a high-contrast theme means.
fn uncoloured_letters(reader: &Reader<TestBackend>, x0: u16, y0: u16, x1: u16, y1: u16) -> String {
    let buffer = buffer(reader);
    let mut found = String::new();
    for y in y0..y1 {
        for x in x0..x1 {
            let cell = &buffer[(x, y)];
            if cell.symbol().chars().any(char::is_alphabetic) && cell.fg == Color::Reset {
                found.push_str(cell.symbol());
            }
        }
    }
    found
}

#[test]
fn high_contrast_colours_the_bio_in_the_people_pane_and_in_the_entry() {
    let mut reader = reader_with(App::new(embedded()), (80, 24), HIGH_CONTRAST);
    common::press(&mut reader, "<Tab>");
    // The People pane's details: the bio under the rule.
    let bio = row_of(&reader, "An important officer").expect("the bio");
    let left = 48;
    assert_eq!(uncoloured_letters(&reader, left, bio, 80, 22), "");
    common::press(&mut reader, "<Enter>");
    assert_eq!(uncoloured_letters(&reader, 0, 0, 80, 23), "");
    insta::assert_snapshot!(common::screen(&reader));
}

#[test]
fn high_contrast_colours_the_footnotes() {
    let mut reader = reader_with(App::new(embedded()), (80, 24), HIGH_CONTRAST);
    common::press(&mut reader, "<Tab><Tab>");
    assert_eq!(uncoloured_letters(&reader, 48, 3, 80, 23), "");
}

#[test]
fn a_place_named_as_its_country_does_not_repeat_it() {
    let story = embedded();
    let italy = story
        .locations
        .iter()
        .find(|l| l.name == "Italy")
        .expect("Italy in the story");
    assert_eq!(italy.today(), None);
    let harbin = story.locations.iter().find(|l| l.name == "Harbin").unwrap();
    assert_eq!(harbin.today().as_deref(), Some("China"));
    let app = App::new(story).telling_chosen(Some(Telling::Everything));
    let mut reader = common::reader(app, 160, 120);
    common::press(&mut reader, "m");
    let screen = common::screen(&reader);
    assert!(screen.contains("Italy"), "{screen}");
    assert!(!screen.contains("Italy · Italy"), "{screen}");
}

#[test]
fn a_long_notice_is_shown_whole_below_the_header_at_80x24() {
    let notice = "2 problems in /home/someone/.config/izumi/config.toml: using the defaults \
                  (listed when izumi ends)";
    let app = App::new(embedded()).with_status(Some(notice.to_owned()));
    let reader = common::reader(app, 80, 24);
    let screen = common::screen(&reader);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].contains("The Code Books"), "{screen}");
    assert!(lines[1].contains("Tokyo · 1954"), "{screen}");
    let shown: String = lines[20..]
        .iter()
        .map(|l| l.trim_matches('"').trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(shown.contains(notice), "{shown}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_configuration_problem_is_shown_whole_at_80x24_and_never_over_the_title() {
    use common::terminal::Session;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("izumi")).unwrap();
    let config = home.path().join("izumi/config.toml");
    std::fs::write(
        &config,
        "theme = \"sepia\"\n[keys]\nnext-scene = [\"Hyper-j\"]\n",
    )
    .unwrap();
    let env = [("XDG_CONFIG_HOME", home.path())];
    let mut session = Session::start_sized(r#""$0" --story "$1"; echo "EXIT=$?""#, &env, (80, 24));
    // The whole notice, however it wraps, ends on the screen: nothing is cut mid-sentence.
    session.wait_until("the whole notice", |screen| {
        let words: Vec<&str> = screen.split_whitespace().collect();
        words
            .join(" ")
            .contains("using the defaults (listed when izumi ends)")
    });
    let screen = session.contents();
    let first = screen.lines().next().unwrap_or_default();
    assert!(first.contains("A Test Journey"), "{screen}");
    // The next key puts it away and brings the key reminders back.
    session.send("l");
    session.wait_for("? help");
    session.send("q");
    session.wait_for("EXIT=0");
}

#[test]
fn high_contrast_colours_the_scene_and_the_places_list() {
    let mut reader = reader_with(App::new(embedded()), (80, 24), HIGH_CONTRAST);
    // The scene's text, its terms included.
    assert_eq!(uncoloured_letters(&reader, 0, 3, 47, 22), "");
    common::press(&mut reader, "<Tab><Tab><Tab>m");
    assert!(common::screen(&reader).contains("Places ("));
    assert_eq!(uncoloured_letters(&reader, 48, 3, 80, 23), "");
}
