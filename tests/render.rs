//! Snapshots of real renders into ratatui's TestBackend. Review changes with `cargo insta review`.

mod common;

use izumi::app::{Action, Announcement, App, Role, Telling, TimeOfDay};
use izumi::story::Story;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::Widget;

/// The screen of a reader of `story` at this size after these actions, drawn as the runtime
/// draws it: after every action, each frame measured and handed back to the app.
fn render(story: Story, width: u16, height: u16, actions: &[Action]) -> TestBackend {
    render_app(App::new(story), width, height, actions)
}

fn render_app(app: App, width: u16, height: u16, actions: &[Action]) -> TestBackend {
    let mut reader = common::reader(app, width, height);
    for action in actions {
        reader.act(action.clone()).unwrap();
    }
    reader.terminal().backend().clone()
}

#[test]
fn reader_at_80x24() {
    insta::assert_snapshot!(render(common::journey(), 80, 24, &[]));
}

#[test]
fn reader_at_120x40() {
    insta::assert_snapshot!(render(common::journey(), 120, 40, &[Action::NextScene]));
}

#[test]
fn reader_at_80x24_with_footnotes_tab() {
    let actions = [Action::FocusNext, Action::FocusNext];
    insta::assert_snapshot!(render(common::journey(), 80, 24, &actions));
}

#[test]
fn reader_narrow_stacks_side_pane_below() {
    insta::assert_snapshot!(render(common::journey(), 50, 30, &[Action::LastScene]));
}

#[test]
fn help_overlay() {
    insta::assert_snapshot!(render(common::journey(), 80, 30, &[Action::ToggleHelp]));
}

#[test]
fn character_entry_overlay() {
    let actions = [Action::NextScene, Action::FocusNext, Action::Open];
    insta::assert_snapshot!(render(common::journey(), 100, 30, &actions));
}

#[test]
fn too_small_terminal_says_so() {
    insta::assert_snapshot!(render(common::journey(), 20, 6, &[]));
}

#[test]
fn embedded_story_first_scene_at_120x40() {
    let story = izumi::story::load_embedded();
    insta::assert_snapshot!(render(story, 120, 40, &[]));
}

#[test]
fn every_size_renders_without_panicking() {
    let story = common::journey();
    for width in (1..=130).step_by(7) {
        for height in (1..=45).step_by(4) {
            for actions in [
                &[][..],
                &[Action::ToggleHelp],
                &[Action::NextScene, Action::FocusNext, Action::Open],
            ] {
                render(story.clone(), width, height, actions);
            }
        }
    }
}

#[test]
fn a_footnote_taller_than_its_pane_still_shows_its_beginning() {
    let mut story = common::journey();
    story.footnotes[0].citation = Some("A very long reference, ".repeat(40));
    let backend = render(story, 120, 40, &[]);
    let screen = backend.to_string();
    assert!(
        screen.contains("[1] A very long reference"),
        "the footnote pane is empty:\n{screen}"
    );
}

/// The timeline strip alone, for the journey story's scene `scene`.
fn timeline_at(scene: &str) -> String {
    let story = common::journey();
    let target = story.find_scene(scene).unwrap().index();
    let mut app = App::new(story);
    for _ in 0..target {
        app.update(Action::NextScene);
    }
    let mut terminal = Terminal::new(TestBackend::new(60, izumi::ui::timeline::HEIGHT)).unwrap();
    terminal
        .draw(|frame| {
            izumi::ui::timeline::Timeline {
                app: &app,
                theme: &izumi::ui::theme::DARK,
            }
            .render(frame.area(), frame.buffer_mut())
        })
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn timeline_marks_an_exact_date_with_a_point() {
    insta::assert_snapshot!(timeline_at("the-ferry"));
}

#[test]
fn timeline_marks_an_approximate_date_as_a_range() {
    insta::assert_snapshot!(timeline_at("winter-in-bergen"));
}

#[test]
fn timeline_marks_each_account_of_a_disputed_date() {
    insta::assert_snapshot!(timeline_at("arrival"));
}

#[test]
fn the_map_labels_the_current_place_at_120x40() {
    let backend = render(common::journey(), 120, 40, &[Action::LastScene]);
    let screen = backend.to_string();
    assert!(screen.contains("Map (m: list)"), "{screen}");
    assert!(screen.contains("◉"), "current place marked:\n{screen}");
    assert!(screen.contains("Rome"), "current place labelled:\n{screen}");
}

#[test]
fn m_switches_the_map_back_to_the_places_list() {
    let backend = render(common::journey(), 120, 40, &[Action::ToggleMap]);
    let screen = backend.to_string();
    // A first reading lists the places reached so far: Bergen and Rome come later.
    assert!(screen.contains("Places (1)"), "{screen}");
    assert!(!screen.contains("Rome"), "{screen}");
    assert!(!screen.contains("Map (m: list)"));
}

#[test]
fn glossary_terms_in_the_scene_are_underlined() {
    let backend = render(common::journey(), 120, 40, &[Action::NextScene]);
    let buffer = backend.buffer();
    // "Bo takes her across on the ferry.[2]" is on row 3.
    let row = 3;
    let start = column_of(buffer, row, "ferry");
    let at = |x: u16| buffer[(x, row)].modifier;
    assert!(at(start).contains(ratatui::style::Modifier::UNDERLINED));
    assert!(!at(start - 2).contains(ratatui::style::Modifier::UNDERLINED));
}

/// The column where `word` (one cell a character) starts on a row of the screen.
fn column_of(buffer: &ratatui::buffer::Buffer, row: u16, word: &str) -> u16 {
    let cells: Vec<&str> = (0..buffer.area.width)
        .map(|x| buffer[(x, row)].symbol())
        .collect();
    let length = word.chars().count();
    let start = (0..cells.len() - length)
        .find(|&x| cells[x..x + length].concat() == word)
        .expect("the scene text is drawn");
    u16::try_from(start).unwrap()
}

#[test]
fn reader_at_160x48() {
    insta::assert_snapshot!(render(common::journey(), 160, 48, &[Action::LastScene]));
}

#[test]
fn presentation_at_100x30() {
    let presenting = [Action::TogglePresentation, Action::NextScene];
    insta::assert_snapshot!(render(common::journey(), 100, 30, &presenting));
}

#[test]
fn presentation_at_80x24() {
    let presenting = [Action::TogglePresentation, Action::LastScene];
    insta::assert_snapshot!(render(common::journey(), 80, 24, &presenting));
}

#[test]
fn footnotes_tab_lists_editor_notes_under_their_own_heading() {
    let actions = [Action::LastScene, Action::FocusNext, Action::FocusNext];
    insta::assert_snapshot!(render(common::journey(), 80, 24, &actions));
}

#[test]
fn editor_note_entry_overlay() {
    // The footnotes pane selects its last entry, the editor's note, and opens it.
    let actions = [
        Action::LastScene,
        Action::FocusNext,
        Action::FocusNext,
        Action::Down,
        Action::Open,
    ];
    insta::assert_snapshot!(render(common::journey(), 100, 30, &actions));
}

#[test]
fn presentation_footnotes_panel_lists_editor_notes() {
    let actions = [
        Action::TogglePresentation,
        Action::LastScene,
        Action::CyclePanel,
        Action::CyclePanel,
        Action::CyclePanel,
    ];
    insta::assert_snapshot!(render(common::journey(), 80, 24, &actions));
}

#[test]
fn editor_note_markers_have_a_style_of_their_own() {
    let backend = render(common::journey(), 120, 40, &[Action::LastScene]);
    let buffer = backend.buffer();
    let row = 3;
    let footnote = column_of(buffer, row, "[1]");
    let editor = column_of(buffer, row, "[ed.1]");
    let (footnote, editor) = (&buffer[(footnote, row)], &buffer[(editor, row)]);
    let theme = izumi::ui::theme::DARK;
    assert_eq!(
        (editor.fg, editor.modifier),
        (
            theme.editor_marker.fg.unwrap(),
            theme.editor_marker.add_modifier
        )
    );
    assert_ne!(
        (editor.fg, editor.modifier),
        (footnote.fg, footnote.modifier)
    );
    // Without colour, italic still tells them apart.
    let plain = izumi::ui::theme::DARK.without_colour();
    assert_ne!(plain.editor_marker, plain.footnote_marker);
}

#[test]
fn presentation_blank_screen_is_empty() {
    let actions = [Action::TogglePresentation, Action::ToggleBlank];
    let backend = render(common::journey(), 100, 30, &actions);
    let buffer = backend.buffer();
    assert!(buffer.content().iter().all(|cell| cell.symbol() == " "));
    assert!(
        buffer
            .content()
            .iter()
            .all(|cell| cell.bg == ratatui::style::Color::Black)
    );
}

#[test]
fn presentation_progress_line_shows_the_timer() {
    use std::time::{Duration, Instant};
    let start = Instant::now();
    let actions = [
        Action::TogglePresentation,
        Action::ToggleTimer(start),
        Action::Tick(start + Duration::from_secs(125)),
    ];
    let screen = render(common::journey(), 100, 30, &actions).to_string();
    assert!(screen.contains("02:05"), "{screen}");
}

#[test]
fn presenter_console_at_100x30() {
    let console = App::new(common::journey()).with_role(Role::Console);
    let announced = Announcement {
        scene: 1,
        elapsed: std::time::Duration::from_secs(754),
        running: false,
        blank: false,
    };
    let actions = [
        Action::Presenter(announced, std::time::Instant::now()),
        Action::Linked(true),
        Action::Clock(TimeOfDay { hour: 9, minute: 5 }),
    ];
    insta::assert_snapshot!(render_app(console, 100, 30, &actions));
}

#[test]
fn presenter_console_lists_the_scene_s_editor_notes() {
    let console = App::new(common::journey()).with_role(Role::Console);
    let announced = Announcement {
        scene: 3,
        elapsed: std::time::Duration::ZERO,
        running: false,
        blank: false,
    };
    let actions = [Action::Presenter(announced, std::time::Instant::now())];
    insta::assert_snapshot!(render_app(console, 100, 24, &actions));
}

/// A console running the lesson: the timer running, the projector blanked, a scene number
/// being typed, at the last scene (a disputed date, to read out both).
fn console_running_the_lesson() -> (App, Vec<Action>) {
    let console = App::new(common::journey()).with_role(Role::Console);
    let now = std::time::Instant::now();
    let announced = Announcement {
        scene: 3,
        elapsed: std::time::Duration::from_secs(312),
        running: true,
        blank: false,
    };
    let actions = vec![
        Action::Presenter(announced, now),
        Action::Tick(now),
        Action::Blanked(true),
        Action::Linked(true),
        Action::Digit(2),
    ];
    (console, actions)
}

#[test]
fn console_runs_the_lesson_at_80x24() {
    let (console, actions) = console_running_the_lesson();
    insta::assert_snapshot!(render_app(console, 80, 24, &actions));
}

#[test]
fn console_runs_the_lesson_at_120x40() {
    let (console, actions) = console_running_the_lesson();
    insta::assert_snapshot!(render_app(console, 120, 40, &actions));
}

/// A follower who went back a scene while the presenter went on.
fn follower_away() -> (App, Vec<Action>) {
    let follower = App::new(common::journey()).with_role(Role::Follower);
    let at = |scene| {
        Action::Presenter(
            Announcement {
                scene,
                elapsed: std::time::Duration::ZERO,
                running: false,
                blank: false,
            },
            std::time::Instant::now(),
        )
    };
    (follower, vec![at(1), Action::PreviousScene, at(2)])
}

#[test]
fn a_follower_away_is_told_where_the_presenter_is_at_80x24() {
    let (follower, actions) = follower_away();
    insta::assert_snapshot!(render_app(follower, 80, 24, &actions));
}

#[test]
fn a_follower_away_is_told_where_the_presenter_is_at_120x40() {
    let (follower, actions) = follower_away();
    insta::assert_snapshot!(render_app(follower, 120, 40, &actions));
}

#[test]
fn a_follower_away_with_an_entry_open_sees_the_sign_in_the_footer_at_80x24() {
    let (follower, mut actions) = follower_away();
    actions.extend([Action::Focus(izumi::app::Pane::Characters), Action::Open]);
    let screen = render_app(follower, 80, 24, &actions).to_string();
    let last = screen.lines().last().unwrap_or_default().to_owned();
    assert!(
        last.contains("Presenter is at scene 3 — press f to follow"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn search_lists_hits_with_their_context() {
    let typed: Vec<Action> = std::iter::once(Action::Search)
        .chain("ferry".chars().map(Action::Type))
        .collect();
    let app = App::new(common::journey()).telling_chosen(Some(Telling::Everything));
    insta::assert_snapshot!(render_app(app, 120, 30, &typed));
}

#[test]
fn the_search_box_labels_a_person_found_by_a_hedged_name() {
    let typed: Vec<Action> = std::iter::once(Action::Search)
        .chain("hawk".chars().map(Action::Type))
        .collect();
    let screen = render(common::journey(), 120, 30, &typed).to_string();
    let hit = screen
        .lines()
        .find(|line| line.contains("person"))
        .unwrap_or_else(|| panic!("no hit for Ada:\n{screen}"));
    assert!(
        hit.contains("   person  Ada Lind — possibly ‘Lady Hawk’ "),
        "{hit}"
    );
}

#[test]
fn the_searched_words_are_highlighted_in_the_scene() {
    // "Ada leaves the city in the spring." — search "CITY", go to the hit.
    let mut actions = vec![Action::Search];
    actions.extend("CITY".chars().map(Action::Type));
    actions.push(Action::Open);
    let backend = render(common::journey(), 120, 40, &actions);
    let buffer = backend.buffer();
    let row = 3;
    let start = column_of(buffer, row, "city");
    let highlight = izumi::ui::theme::DARK.search_hit.bg;
    assert_eq!(buffer[(start, row)].bg, highlight.unwrap());
    assert_eq!(buffer[(start + 3, row)].bg, highlight.unwrap());
    assert_ne!(buffer[(start - 2, row)].bg, highlight.unwrap());
}

/// A first reading at the first scene: Ada's pane and entry tell her first scene's bio, her
/// first role and code name, and say that more comes later; her entry lists only the scene read.
#[test]
fn a_first_reading_sees_ada_as_scene_1_tells_her() {
    let pane = render(common::journey(), 100, 30, &[Action::FocusNext]).to_string();
    assert!(pane.contains("Ada Lind · traveller "), "{pane}");
    assert!(pane.contains("More later in the story."), "{pane}");
    for later in ["settled in Rome", "Kite", "over the water", "reaches Rome"] {
        assert!(!pane.contains(later), "{later}:\n{pane}");
    }
    insta::assert_snapshot!("first_reading_people_pane_at_scene_1", pane);
    let entry = render(
        common::journey(),
        100,
        30,
        &[Action::FocusNext, Action::Open],
    );
    let entry = entry.to_string();
    assert!(entry.contains("In 1 scene "), "{entry}");
    assert!(!entry.contains("Kite"), "{entry}");
    insta::assert_snapshot!("first_reading_entry_at_scene_1", entry);
}

/// At the last scene everything has been told: no "more later", every part and every scene.
#[test]
fn a_first_reading_at_the_end_sees_all_of_ada() {
    let at_end = [Action::LastScene, Action::FocusNext];
    let pane = render(common::journey(), 100, 30, &at_end).to_string();
    assert!(pane.contains("code names: Heron, Kite"), "{pane}");
    assert!(pane.contains("She reaches Rome and stays."), "{pane}");
    assert!(!pane.contains("More later"), "{pane}");
    insta::assert_snapshot!("first_reading_people_pane_at_the_end", pane);
    let open = [Action::LastScene, Action::FocusNext, Action::Open];
    let entry = render(common::journey(), 100, 36, &open).to_string();
    assert!(entry.contains("Code names: Heron, Kite"), "{entry}");
    assert!(entry.contains("She reaches Rome and stays."), "{entry}");
    assert!(entry.contains("In 3 scenes"), "{entry}");
    insta::assert_snapshot!("first_reading_entry_at_the_end", entry);
}

/// The glossary marks a general gloss apart, in the editor's notes' colour, and says when a
/// term has more to tell.
#[test]
fn the_glossary_marks_the_general_gloss_and_what_comes_later() {
    let backend = render(
        common::journey(),
        100,
        30,
        &[Action::NextScene, Action::ShowGlossary],
    );
    let screen = backend.to_string();
    assert!(
        screen.contains("ferry — A boat that carries people across water. More later in the"),
        "{screen}"
    );
    assert!(screen.contains("More later in the story."), "{screen}");
    assert!(!screen.contains("took her to Rome"), "{screen}");
    let buffer = backend.buffer();
    let (x, row) = common::position_of(buffer, "[not").expect("the gloss is marked");
    let marker = izumi::ui::theme::DARK.editor_marker;
    assert_eq!(Some(buffer[(x, row)].fg), marker.fg);
    insta::assert_snapshot!(screen);
}

/// A search in a first reading finds only what has been read, and says how to find the rest.
#[test]
fn a_first_reading_searches_what_it_has_read() {
    let typed: Vec<Action> = std::iter::once(Action::Search)
        .chain("Rome".chars().map(Action::Type))
        .collect();
    let screen = render(common::journey(), 100, 30, &typed).to_string();
    assert!(screen.contains("Nothing found."), "{screen}");
    assert!(
        screen.contains("Only what you have read is searched: press e to search everything."),
        "{screen}"
    );
    let mut told = typed.clone();
    told.insert(0, Action::ToggleTelling);
    let screen = render(common::journey(), 100, 30, &told).to_string();
    assert!(screen.contains("scene 4  Arrival in Rome"), "{screen}");
    assert!(
        screen.contains("term  ferry — A ferry also took her to Rome."),
        "{screen}"
    );
}
