//! The reader's state driven by actions alone, without a terminal.

mod common;

use izumi::app::{Action, App, Entry, Overlay, Pane, Telling};

fn app() -> App {
    App::new(common::journey())
}

/// A reader who chose to be told everything (`e`, or `tell = "everything"`).
fn told_everything() -> App {
    app().telling_chosen(Some(Telling::Everything))
}

fn scene_id(app: &App) -> &str {
    &app.story().scene(app.scene()).id
}

/// The ids of the scenes the open overlay offers, in its order.
fn pickable_ids(app: &App) -> Vec<String> {
    app.pickable_scenes()
        .iter()
        .map(|s| app.story().scene(*s).id.clone())
        .collect()
}

fn apply(app: &mut App, actions: &[Action]) {
    for action in actions {
        app.update(action.clone());
    }
}

#[test]
fn starts_at_the_first_scene_with_the_scene_focused() {
    let app = app();
    assert_eq!(scene_id(&app), "setting-out");
    assert_eq!(app.focus(), Pane::Scene);
    assert_eq!(app.overlay(), None);
}

#[test]
fn next_scene_at_end_of_episode_enters_next_episode() {
    let mut app = app();
    apply(&mut app, &[Action::NextScene, Action::NextScene]);
    assert_eq!(scene_id(&app), "winter-in-bergen");
    assert_eq!(app.episode().index(), 0);
    app.update(Action::NextScene);
    assert_eq!(scene_id(&app), "arrival");
    assert_eq!(app.episode().index(), 1);
}

#[test]
fn previous_scene_at_start_of_episode_returns_to_previous_episode() {
    let mut app = app();
    apply(&mut app, &[Action::Digit(2), Action::PreviousScene]);
    assert_eq!(scene_id(&app), "winter-in-bergen");
}

#[test]
fn moving_clamps_at_both_ends_and_reports_no_change() {
    let mut app = app();
    assert!(!app.update(Action::PreviousScene).redraw);
    assert_eq!(scene_id(&app), "setting-out");
    app.update(Action::LastScene);
    assert_eq!(scene_id(&app), "arrival");
    assert!(!app.update(Action::NextScene).redraw);
    assert!(!app.update(Action::NextEpisode).redraw);
    assert_eq!(scene_id(&app), "arrival");
}

#[test]
fn episode_keys_go_to_first_scenes_and_ignore_missing_episodes() {
    let mut app = app();
    app.update(Action::NextEpisode);
    assert_eq!(scene_id(&app), "arrival");
    app.update(Action::PreviousEpisode);
    assert_eq!(scene_id(&app), "setting-out");
    app.update(Action::PreviousEpisode);
    assert_eq!(scene_id(&app), "setting-out");
    app.update(Action::Digit(2));
    assert_eq!(scene_id(&app), "arrival");
    assert!(!app.update(Action::Digit(9)).redraw);
    app.update(Action::FirstScene);
    assert_eq!(scene_id(&app), "setting-out");
}

#[test]
fn focus_cycles_through_every_pane_both_ways() {
    let mut app = app();
    let mut seen = vec![app.focus()];
    for _ in 0..4 {
        app.update(Action::FocusNext);
        seen.push(app.focus());
    }
    assert_eq!(
        seen,
        [
            Pane::Scene,
            Pane::Characters,
            Pane::Footnotes,
            Pane::Locations,
            Pane::Scene
        ]
    );
    app.update(Action::FocusPrevious);
    assert_eq!(app.focus(), Pane::Locations);
}

#[test]
fn the_side_pane_shown_alone_follows_the_last_side_focus() {
    let mut app = app();
    assert_eq!(app.side_pane(), Pane::Characters);
    apply(&mut app, &[Action::FocusNext, Action::FocusNext]);
    assert_eq!(app.side_pane(), Pane::Footnotes);
    apply(&mut app, &[Action::FocusNext, Action::FocusNext]);
    assert_eq!(app.focus(), Pane::Scene);
    assert_eq!(app.side_pane(), Pane::Locations);
}

#[test]
fn lists_select_within_their_bounds() {
    let mut app = app();
    app.update(Action::NextScene); // the ferry: Ada and Bo
    app.update(Action::FocusNext);
    assert_eq!(app.selected(Pane::Characters), 0);
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(app.selected(Pane::Characters), 1);
    app.update(Action::Up);
    app.update(Action::Up);
    assert_eq!(app.selected(Pane::Characters), 0);
}

#[test]
fn the_places_list_starts_at_the_current_place() {
    let mut app = app();
    apply(&mut app, &[Action::LastScene]);
    let here = app.selected_entry(Pane::Locations);
    let rome = app.story().route[2];
    assert_eq!(here, Some(Entry::Location(rome)));
}

#[test]
fn enter_opens_the_selected_entry_and_esc_closes_it() {
    let mut app = app();
    apply(
        &mut app,
        &[
            Action::NextScene,
            Action::FocusNext,
            Action::Down,
            Action::Open,
        ],
    );
    let bo = app.story().scene(app.scene()).characters[1];
    assert_eq!(app.overlay(), Some(Overlay::Entry(Entry::Character(bo))));
    app.update(Action::Back);
    assert_eq!(app.overlay(), None);
    assert!(!app.should_quit());
}

#[test]
fn the_footnotes_pane_lists_the_editor_notes_after_the_footnotes_and_opens_them() {
    let mut app = app();
    apply(
        &mut app,
        &[Action::LastScene, Action::Focus(Pane::Footnotes)],
    );
    assert!(matches!(
        app.selected_entry(Pane::Footnotes),
        Some(Entry::Footnote(_))
    ));
    // Down twice: the editor's note is the last entry.
    apply(&mut app, &[Action::Down, Action::Down]);
    assert_eq!(app.selected(Pane::Footnotes), 1);
    let Some(Entry::EditorNote(id)) = app.selected_entry(Pane::Footnotes) else {
        panic!("expected the editor's note");
    };
    assert_eq!(app.story().editor_note(id).number, 1);
    app.update(Action::Open);
    assert_eq!(app.overlay(), Some(Overlay::Entry(Entry::EditorNote(id))));
    assert_eq!(pickable_ids(&app), ["arrival"]);
}

#[test]
fn an_editor_note_marked_only_in_presenter_notes_links_to_its_scene() {
    let story = common::journey();
    let arrival = story.scene(story.find_scene("arrival").unwrap());
    let in_notes = izumi::story::text::editor_notes_in(arrival.notes.iter().flatten());
    let note = in_notes[0];
    assert!(
        !arrival.editor_notes.contains(&note),
        "the reader's pane lists only what the text marks"
    );
    let mut app = App::new(story).telling_chosen(Some(Telling::Everything));
    app.update(Action::OpenEntry(Entry::EditorNote(note)));
    assert_eq!(app.overlay(), Some(Overlay::Entry(Entry::EditorNote(note))));
    assert_eq!(pickable_ids(&app), ["arrival"]);
}

#[test]
fn enter_on_the_scene_pane_opens_nothing() {
    let mut app = app();
    assert!(!app.update(Action::Open).redraw);
    assert_eq!(app.overlay(), None);
}

#[test]
fn moving_to_another_scene_closes_an_open_entry() {
    let mut app = app();
    apply(
        &mut app,
        &[Action::FocusNext, Action::Open, Action::NextScene],
    );
    assert_eq!(app.overlay(), None);
    assert_eq!(scene_id(&app), "the-ferry");
}

#[test]
fn help_toggles_and_swallows_navigation() {
    let mut app = app();
    app.update(Action::ToggleHelp);
    assert_eq!(app.overlay(), Some(Overlay::Help));
    app.update(Action::NextScene);
    assert_eq!(scene_id(&app), "setting-out");
    app.update(Action::ToggleHelp);
    assert_eq!(app.overlay(), None);
}

#[test]
fn esc_closes_what_is_open_and_never_quits() {
    let mut app = app();
    app.update(Action::ToggleHelp);
    app.update(Action::Back);
    assert_eq!(app.overlay(), None);
    assert!(!app.should_quit());
    // A second Esc, meant for an overlay already closed, keeps the reader in the story.
    app.update(Action::Back);
    assert!(!app.should_quit());
    assert_eq!(app.status(), Some("Nothing is open to close"));
    app.update(Action::Quit);
    assert!(app.should_quit());
}

#[test]
fn quit_works_even_with_an_overlay_open() {
    let mut app = app();
    app.update(Action::ToggleHelp);
    app.update(Action::Quit);
    assert!(app.should_quit());
}

#[test]
fn scene_scroll_stops_at_the_end_of_the_text_and_resets_on_a_new_scene() {
    let mut story = common::journey();
    let long = "Many words in a long paragraph. ".repeat(60);
    story.scenes[0].paragraphs = vec![vec![izumi::story::Inline::Text(long)]];
    // Drawn at 80×24: the app learns from each frame how far the text goes.
    let mut reader = common::reader(App::new(story), 80, 24);
    let text = reader
        .app()
        .geometry()
        .scene
        .expect("the scene was measured");
    assert!(
        text.lines > text.area.height,
        "the scene is longer than its pane"
    );
    for _ in 0..200 {
        reader.act(Action::Down).unwrap();
    }
    let stopped = reader.app().scene_scroll();
    assert_eq!(
        stopped,
        text.lines - text.area.height,
        "the last line at the bottom"
    );
    reader.act(Action::PageUp).unwrap();
    assert_eq!(
        reader.app().scene_scroll(),
        stopped - (text.area.height - 1)
    );
    reader.act(Action::NextScene).unwrap();
    assert_eq!(reader.app().scene_scroll(), 0);
}

#[test]
fn scrolling_stops_where_the_last_measured_frame_ends() {
    use izumi::app::{Geometry, TextBox};
    use ratatui::layout::Rect;
    let mut app = app();
    let measured = Geometry {
        scene: Some(TextBox {
            area: Rect::new(2, 3, 40, 10),
            lines: 30,
        }),
        ..Geometry::default()
    };
    app.update(Action::Measured(measured.clone()));
    for _ in 0..25 {
        app.update(Action::Down);
    }
    assert_eq!(app.scene_scroll(), 20);
    assert!(
        !app.update(Action::Down).redraw,
        "no scrolling past the end"
    );
    app.update(Action::PageUp);
    assert_eq!(app.scene_scroll(), 11, "a page is the height less a line");
    // A frame with less room for the text lets it scroll less: the app takes it up.
    app.update(Action::Measured(Geometry {
        scene: Some(TextBox {
            area: Rect::new(2, 3, 40, 25),
            lines: 30,
        }),
        ..measured
    }));
    assert_eq!(app.scene_scroll(), 5);
}

#[test]
fn a_short_scene_does_not_scroll() {
    let mut app = app();
    assert!(!app.update(Action::Down).redraw);
    assert_eq!(app.scene_scroll(), 0);
}

#[test]
fn m_toggles_between_map_and_list() {
    let mut app = app();
    assert!(app.show_map());
    assert!(app.update(Action::ToggleMap).redraw);
    assert!(!app.show_map());
    app.update(Action::ToggleMap);
    assert!(app.show_map());
}

#[test]
fn an_entry_lists_its_scenes_and_enter_jumps_to_the_picked_one() {
    let mut app = told_everything();
    // Ada, in the first scene, appears in three scenes; the pick starts on the current one.
    apply(&mut app, &[Action::FocusNext, Action::Open]);
    let scenes = pickable_ids(&app);
    assert_eq!(scenes, ["setting-out", "the-ferry", "arrival"]);
    assert_eq!(app.pick(), 0);
    apply(&mut app, &[Action::Down, Action::Down, Action::Down]);
    assert_eq!(app.pick(), 2, "the pick stops at the last scene");
    app.update(Action::Open);
    assert_eq!(scene_id(&app), "arrival");
    assert_eq!(app.overlay(), None);
    assert_eq!(app.history_len(), 1);
}

#[test]
fn go_back_returns_along_the_history_of_jumps() {
    let mut app = told_everything();
    apply(
        &mut app,
        &[Action::FocusNext, Action::Open, Action::Down, Action::Open],
    );
    assert_eq!(scene_id(&app), "the-ferry");
    apply(&mut app, &[Action::Open, Action::Down, Action::Open]);
    assert_eq!(scene_id(&app), "arrival");
    app.update(Action::GoBack);
    assert_eq!(scene_id(&app), "the-ferry");
    app.update(Action::GoBack);
    assert_eq!(scene_id(&app), "setting-out");
    assert!(
        !app.update(Action::GoBack).redraw,
        "nothing left to go back to"
    );
}

#[test]
fn a_place_links_to_every_scene_set_there() {
    let mut app = told_everything();
    apply(
        &mut app,
        &[Action::FocusPrevious, Action::Down, Action::Open],
    );
    let scenes = pickable_ids(&app);
    assert_eq!(scenes, ["the-ferry", "winter-in-bergen"], "Bergen");
}

#[test]
fn the_timeline_view_lists_scenes_by_date_and_jumps() {
    let mut story = common::journey();
    // Put the last scene first in time, to see the list follow dates, not reading order.
    story.scenes[3].date = izumi::story::StoryDate::parse("1919").unwrap();
    let mut app = App::new(story).telling_chosen(Some(Telling::Everything));
    app.update(Action::ShowTimeline);
    let order = pickable_ids(&app);
    assert_eq!(
        order,
        ["arrival", "setting-out", "the-ferry", "winter-in-bergen"]
    );
    assert_eq!(app.pick(), 1, "the pick starts at the current scene");
    apply(&mut app, &[Action::Up, Action::Open]);
    assert_eq!(scene_id(&app), "arrival");
    app.update(Action::GoBack);
    assert_eq!(scene_id(&app), "setting-out");
}

#[test]
fn the_glossary_lists_the_scenes_terms_first_and_searches_by_first_letters() {
    let mut app = app();
    app.update(Action::NextScene); // the ferry: "ferry" is a glossary term
    app.update(Action::ShowGlossary);
    assert!(app.is_typing());
    let first = app.pickable_terms()[0];
    assert_eq!(app.story().term(first).term, "ferry");
    for c in "FER".chars() {
        app.update(Action::Type(c));
    }
    assert_eq!(app.search(), "FER");
    assert_eq!(app.pickable_terms().len(), 1);
    app.update(Action::Type('x'));
    assert!(app.pickable_terms().is_empty());
    app.update(Action::Erase);
    assert_eq!(app.pickable_terms().len(), 1);
}

#[test]
fn a_glossary_term_opens_the_scenes_that_use_it() {
    let mut app = app();
    apply(
        &mut app,
        &[Action::NextScene, Action::ShowGlossary, Action::Open],
    );
    let term = app.story().terms[0].clone();
    assert!(
        matches!(app.overlay(), Some(Overlay::Entry(Entry::Term(_)))),
        "{}",
        term.term
    );
    let scenes = pickable_ids(&app);
    assert_eq!(scenes, ["the-ferry"]);
    assert!(!app.is_typing(), "the entry is not a search");
}

#[test]
fn typing_q_in_the_glossary_searches_instead_of_quitting() {
    let mut app = app();
    app.update(Action::ShowGlossary);
    assert_eq!(app.key_mode(), izumi::app::KeyMode::Typing);
    let q = izumi::keymap::Keymap::default().action(
        app.key_mode(),
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('q'),
            crossterm::event::KeyModifiers::NONE,
        ),
        std::time::Instant::now(),
    );
    assert_eq!(q, Some(Action::Type('q')));
    app.update(q.unwrap());
    assert!(!app.should_quit());
    assert_eq!(app.search(), "q");
}

#[test]
fn presenting_a_typed_scene_number_and_enter_jumps_there() {
    let mut app = app();
    app.update(Action::TogglePresentation);
    assert_eq!(app.mode(), izumi::app::Mode::Presentation);
    apply(&mut app, &[Action::Digit(0), Action::Digit(3)]);
    assert_eq!(app.typed_number(), "03");
    app.update(Action::Open);
    assert_eq!(scene_id(&app), "winter-in-bergen");
    assert_eq!(app.typed_number(), "");
    apply(&mut app, &[Action::Digit(9), Action::Open]);
    assert_eq!(
        scene_id(&app),
        "winter-in-bergen",
        "no scene 9: nothing moves"
    );
}

#[test]
fn presenting_esc_clears_the_number_then_the_panel_then_leaves() {
    let mut app = app();
    apply(
        &mut app,
        &[
            Action::TogglePresentation,
            Action::CyclePanel,
            Action::Digit(2),
        ],
    );
    assert_eq!(app.panel(), izumi::app::Panel::People);
    app.update(Action::Back);
    assert_eq!(app.typed_number(), "");
    assert_eq!(app.panel(), izumi::app::Panel::People);
    app.update(Action::Back);
    assert_eq!(app.panel(), izumi::app::Panel::None);
    app.update(Action::Back);
    assert_eq!(app.mode(), izumi::app::Mode::Reader);
    assert!(!app.should_quit());
}

#[test]
fn presenting_blank_hides_everything_until_any_key() {
    let mut app = app();
    apply(&mut app, &[Action::TogglePresentation, Action::ToggleBlank]);
    assert!(app.is_blank());
    app.update(Action::NextScene);
    assert!(!app.is_blank());
    assert_eq!(
        scene_id(&app),
        "setting-out",
        "the key that unblanks does nothing else"
    );
    app.update(Action::NextScene);
    assert_eq!(scene_id(&app), "the-ferry");
}

#[test]
fn presenting_panels_cycle_people_map_footnotes_timeline_none() {
    use izumi::app::Panel;
    let mut app = app();
    app.update(Action::TogglePresentation);
    let mut seen = Vec::new();
    for _ in 0..5 {
        app.update(Action::CyclePanel);
        seen.push(app.panel());
    }
    assert_eq!(
        seen,
        [
            Panel::People,
            Panel::Map,
            Panel::Footnotes,
            Panel::Timeline,
            Panel::None
        ]
    );
}

#[test]
fn presenting_the_timer_starts_pauses_and_resets() {
    use std::time::{Duration, Instant};
    let start = Instant::now();
    let at = |seconds: u64| start + Duration::from_secs(seconds);
    let mut app = app();
    app.update(Action::TogglePresentation);
    app.update(Action::ToggleTimer(at(0)));
    assert!(app.timer().is_running());
    app.update(Action::Tick(at(65)));
    assert_eq!(app.timer().elapsed(), Duration::from_secs(65));
    app.update(Action::ToggleTimer(at(70)));
    assert!(!app.timer().is_running());
    app.update(Action::Tick(at(500)));
    assert_eq!(
        app.timer().elapsed(),
        Duration::from_secs(70),
        "paused time does not count"
    );
    app.update(Action::ToggleTimer(at(600)));
    app.update(Action::Tick(at(610)));
    assert_eq!(app.timer().elapsed(), Duration::from_secs(80));
    app.update(Action::ResetTimer);
    assert_eq!(app.timer().elapsed(), Duration::ZERO);
    assert!(!app.timer().is_running());
}

#[test]
fn a_pasted_page_in_the_search_stops_at_a_useful_length() {
    let mut app = app();
    app.update(Action::Search);
    for c in "abc ".repeat(10_000).chars() {
        app.update(Action::Type(c));
    }
    assert_eq!(app.query().chars().count(), izumi::app::MAX_TYPED);
    app.update(Action::Back);
    app.update(Action::ShowGlossary);
    for c in "x".repeat(500).chars() {
        app.update(Action::Type(c));
    }
    assert_eq!(app.search().chars().count(), izumi::app::MAX_TYPED);
}

/// A follower of a presenter who has shown the first two scenes and not let the class read
/// ahead, standing on the first.
fn follower_up_to_the_ferry() -> App {
    App::new(common::journey())
        .with_role(izumi::app::Role::Follower)
        .reading_up_to(1)
}

#[test]
fn a_follower_without_read_ahead_stops_at_the_furthest_scene_shown_and_says_why() {
    let mut app = follower_up_to_the_ferry();
    apply(&mut app, &[Action::NextScene, Action::NextScene]);
    assert_eq!(scene_id(&app), "the-ferry");
    assert!(app.status().unwrap().contains("up to scene 2 of 4"));
    // Every way forward stops there too: the last scene, an episode, a digit.
    for action in [Action::LastScene, Action::NextEpisode, Action::Digit(2)] {
        apply(&mut app, &[Action::FirstScene, action]);
        assert_eq!(scene_id(&app), "the-ferry");
    }
    // Back is free.
    apply(&mut app, &[Action::PreviousScene]);
    assert_eq!(scene_id(&app), "setting-out");
    assert_eq!(app.status(), None);
}

#[test]
fn lists_and_search_leave_out_the_scenes_not_shown_yet() {
    let mut app = follower_up_to_the_ferry();
    apply(&mut app, &[Action::ShowTimeline]);
    assert_eq!(pickable_ids(&app), ["setting-out", "the-ferry"]);
    // Ada is in the first, second and fourth scenes: only the two shown are listed.
    apply(
        &mut app,
        &[Action::Back, Action::Focus(Pane::Characters), Action::Open],
    );
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Entry(Entry::Character(_)))
    ));
    assert_eq!(pickable_ids(&app), ["setting-out", "the-ferry"]);
    apply(&mut app, &[Action::Back, Action::Search]);
    for c in "rome".chars() {
        app.update(Action::Type(c));
    }
    assert!(
        app.hits().iter().all(|hit| !matches!(
            hit.target,
            izumi::search::Target::Scene(scene) if scene.index() > 1
        )),
        "{:?}",
        app.hits()
    );
    // `n` does not find its way past the limit either.
    apply(&mut app, &[Action::Back, Action::NextHit]);
    assert!(app.scene().index() <= 1);
}

#[test]
fn the_limit_grows_as_the_presenter_goes_on_and_never_shrinks() {
    use izumi::app::Announcement;
    use std::time::{Duration, Instant};
    let mut app = follower_up_to_the_ferry();
    let at = |scene| {
        Action::Presenter(
            Announcement {
                scene,
                elapsed: Duration::ZERO,
                running: false,
                blank: false,
            },
            Instant::now(),
        )
    };
    apply(&mut app, &[at(3)]);
    assert_eq!(scene_id(&app), "arrival");
    apply(&mut app, &[at(0)]);
    assert_eq!(app.reading_limit().map(|s| s.index()), Some(3));
    apply(&mut app, &[Action::LastScene]);
    assert_eq!(scene_id(&app), "arrival");
    // Told the furthest scene shown, with the presenter back at the start.
    let mut app = follower_up_to_the_ferry();
    apply(&mut app, &[Action::ShownUpTo(2), Action::LastScene]);
    assert_eq!(scene_id(&app), "winter-in-bergen");
}

#[test]
fn a_follower_with_read_ahead_and_a_reader_alone_have_no_limit() {
    let mut app = App::new(common::journey()).with_role(izumi::app::Role::Follower);
    apply(&mut app, &[Action::LastScene]);
    assert_eq!(scene_id(&app), "arrival");
    assert_eq!(app.reading_limit(), None);
}

/// A follower at the first scene, the only one the presenter has shown: Christiania, Ada and
/// footnote 1 are in it; Bergen, Bo and the term "ferry" come in the second scene, Rome and an
/// editor's note in the fourth.
fn follower_at_the_start() -> App {
    App::new(common::journey())
        .with_role(izumi::app::Role::Follower)
        .reading_up_to(0)
}

fn listed_place_names(app: &App) -> Vec<String> {
    let story = app.story();
    let places = app.listed_places();
    places
        .iter()
        .map(|id| story.location(*id).name.clone())
        .collect()
}

/// Searches the whole story for `query` and closes the search.
fn search_hits(app: &mut App, query: &str) -> Vec<izumi::search::Hit> {
    apply(app, &[Action::Search]);
    for _ in 0..izumi::app::MAX_TYPED {
        app.update(Action::Erase);
    }
    for c in query.chars() {
        app.update(Action::Type(c));
    }
    let hits = app.hits().to_vec();
    apply(app, &[Action::Back]);
    hits
}

/// The one id in `ids` that `is` picks.
fn the<T: Copy>(ids: Vec<T>, is: impl Fn(T) -> bool) -> T {
    ids.into_iter().find(|id| is(*id)).expect("in the journey")
}

/// Entries of later scenes, as a link anywhere would name them: Bo, Rome, the term "ferry" and
/// the editor's note marked in the last scene.
fn later_entries(app: &App) -> [Entry; 4] {
    let story = app.story();
    let all = izumi::story::Reach::everything(story);
    [
        Entry::Character(the(all.people(), |id| {
            story.character(id).name == "Bo Stern"
        })),
        Entry::Location(the(all.places(), |id| story.location(id).name == "Rome")),
        Entry::Term(the(all.terms(), |id| story.term(id).term == "ferry")),
        Entry::EditorNote(the(all.editor_notes(), |id| {
            story.editor_note(id).id == "two-dates"
        })),
    ]
}

#[test]
fn a_follower_sees_no_person_place_term_or_note_that_only_later_scenes_hold() {
    let mut app = follower_at_the_start();
    // The places list names the one place shown, and moving down it finds no other.
    assert_eq!(listed_place_names(&app), ["Christiania"]);
    apply(
        &mut app,
        &[Action::Focus(Pane::Locations), Action::Down, Action::Open],
    );
    assert_eq!(app.pickable_scenes().len(), 1);
    let story = app.story();
    let Some(Overlay::Entry(Entry::Location(place))) = app.overlay() else {
        panic!("the place opens: {:?}", app.overlay());
    };
    assert_eq!(story.location(place).name, "Christiania");
    // The glossary lists no term: the only one is first used in the second scene.
    apply(&mut app, &[Action::Back, Action::ShowGlossary]);
    assert_eq!(app.pickable_terms(), []);
    apply(&mut app, &[Action::Back]);
    // Search finds neither the people, the places, the terms nor the notes of later scenes.
    for query in ["Stern", "ferry", "Bergen", "Rome", "six months"] {
        assert_eq!(search_hits(&mut app, query), [], "{query}");
    }
    // However an entry is reached (a link, a stale list), it does not open.
    for entry in later_entries(&app) {
        apply(&mut app, &[Action::OpenEntry(entry)]);
        assert_eq!(app.overlay(), None, "{entry:?}");
        assert!(app.status().unwrap().contains("not shown yet"), "{entry:?}");
    }
}

#[test]
fn what_later_scenes_hold_appears_as_the_presenter_shows_them() {
    let mut app = follower_at_the_start();
    let [bo, rome, ferry, note] = later_entries(&app);
    apply(&mut app, &[Action::ShownUpTo(1)]);
    assert_eq!(listed_place_names(&app), ["Christiania", "Bergen"]);
    apply(&mut app, &[Action::ShowGlossary]);
    assert_eq!(app.pickable_terms().len(), 1);
    apply(&mut app, &[Action::Back]);
    assert!(!search_hits(&mut app, "Stern").is_empty());
    assert!(!search_hits(&mut app, "ferry").is_empty());
    for entry in [bo, ferry] {
        apply(&mut app, &[Action::OpenEntry(entry)]);
        assert_eq!(app.overlay(), Some(Overlay::Entry(entry)));
        apply(&mut app, &[Action::Back]);
    }
    // Rome and the note are still ahead.
    assert_eq!(search_hits(&mut app, "Rome"), []);
    apply(&mut app, &[Action::OpenEntry(rome)]);
    assert_eq!(app.overlay(), None);

    apply(&mut app, &[Action::ShownUpTo(3)]);
    assert_eq!(listed_place_names(&app), ["Christiania", "Bergen", "Rome"]);
    assert!(!search_hits(&mut app, "six months").is_empty());
    for entry in [rome, note] {
        apply(&mut app, &[Action::OpenEntry(entry)]);
        assert_eq!(app.overlay(), Some(Overlay::Entry(entry)));
        apply(&mut app, &[Action::Back]);
    }
}

#[test]
fn a_reader_told_everything_sees_every_place_and_term() {
    let mut app = told_everything();
    assert_eq!(listed_place_names(&app), ["Christiania", "Bergen", "Rome"]);
    apply(&mut app, &[Action::ShowGlossary]);
    assert_eq!(app.pickable_terms().len(), 1);
}

#[test]
fn a_bookmark_set_or_removed_says_so() {
    let mut app = app();
    let title = app.story().scene(app.scene()).title.clone();
    app.update(Action::ToggleBookmark);
    assert_eq!(app.status(), Some(format!("Bookmarked “{title}”").as_str()));
    app.update(Action::ToggleBookmark);
    assert_eq!(
        app.status(),
        Some(format!("Bookmark on “{title}” removed").as_str())
    );
}

/// The presenter announcing `scene`, its timer stopped at zero.
fn presenter_at(scene: usize) -> Action {
    Action::Presenter(
        izumi::app::Announcement {
            scene,
            elapsed: std::time::Duration::ZERO,
            running: false,
            blank: false,
        },
        std::time::Instant::now(),
    )
}

#[test]
fn a_follower_with_the_presenter_moves_along() {
    let mut app = App::new(common::journey()).with_role(izumi::app::Role::Follower);
    apply(&mut app, &[presenter_at(1), presenter_at(2)]);
    assert_eq!(scene_id(&app), "winter-in-bergen");
    assert_eq!(app.away_from_presenter(), None);
}

#[test]
fn a_follower_who_went_back_is_not_moved_is_told_where_the_presenter_is_and_f_follows() {
    let mut app = App::new(common::journey()).with_role(izumi::app::Role::Follower);
    apply(&mut app, &[presenter_at(1), Action::PreviousScene]);
    assert_eq!(scene_id(&app), "setting-out");
    // The presenter moves on: the follower stays, and is told where the presenter is.
    apply(&mut app, &[presenter_at(2)]);
    assert_eq!(scene_id(&app), "setting-out");
    assert_eq!(app.away_from_presenter().map(|s| s.index()), Some(2));
    apply(&mut app, &[presenter_at(3)]);
    assert_eq!(scene_id(&app), "setting-out");
    // Following again: to the presenter's scene, and along with it from then on.
    apply(&mut app, &[Action::SnapToPresenter]);
    assert_eq!(scene_id(&app), "arrival");
    assert_eq!(app.away_from_presenter(), None);
    apply(&mut app, &[presenter_at(2)]);
    assert_eq!(scene_id(&app), "winter-in-bergen");
}

#[test]
fn a_follower_with_an_entry_open_keeps_it_open_when_the_presenter_moves() {
    let mut app = App::new(common::journey()).with_role(izumi::app::Role::Follower);
    apply(
        &mut app,
        &[
            presenter_at(0),
            Action::Focus(Pane::Characters),
            Action::Open,
        ],
    );
    let open = app.overlay();
    assert!(matches!(open, Some(Overlay::Entry(Entry::Character(_)))));
    apply(&mut app, &[presenter_at(1)]);
    assert_eq!(app.overlay(), open);
    assert_eq!(scene_id(&app), "setting-out");
    assert_eq!(app.away_from_presenter().map(|s| s.index()), Some(1));
    // Closing the entry leaves them where they were, still told; `f` follows.
    apply(&mut app, &[Action::Back]);
    assert_eq!(scene_id(&app), "setting-out");
    apply(&mut app, &[Action::SnapToPresenter]);
    assert_eq!(scene_id(&app), "the-ferry");
}

/// The console's effects for one action.
fn console_effects(app: &mut App, action: Action) -> Vec<izumi::app::Effect> {
    app.update(action).effects
}

#[test]
fn the_console_types_a_scene_number_like_the_projector_and_enter_moves_the_presentation() {
    use izumi::app::Effect;
    let mut app = App::new(common::journey()).with_role(izumi::app::Role::Console);
    // Digits are a scene number here, as on the projector, not an episode.
    assert_eq!(console_effects(&mut app, Action::Digit(3)), []);
    assert_eq!(scene_id(&app), "setting-out");
    assert_eq!(app.typed_number(), "3");
    assert_eq!(console_effects(&mut app, Action::Open), [Effect::Goto(2)]);
    assert_eq!(scene_id(&app), "winter-in-bergen");
    assert_eq!(app.typed_number(), "");
    // A number out of range moves nothing and says so; Esc forgets what was typed.
    apply(&mut app, &[Action::Digit(9), Action::Open]);
    assert_eq!(scene_id(&app), "winter-in-bergen");
    assert!(app.status().unwrap().contains("No scene 9"));
    apply(&mut app, &[Action::Digit(1), Action::Back]);
    assert_eq!(app.typed_number(), "");
    assert_eq!(console_effects(&mut app, Action::Open), []);
}

#[test]
fn the_console_starts_pauses_and_resets_the_timer_and_blanks_the_projector() {
    use izumi::app::{Announcement, Control, Effect};
    use std::time::{Duration, Instant};
    let now = Instant::now();
    let mut app = App::new(common::journey()).with_role(izumi::app::Role::Console);
    assert_eq!(
        console_effects(&mut app, Action::ToggleTimer(now)),
        [Effect::Control(Control::StartTimer)]
    );
    // The console shows the presenter's timer, not its own guess: still stopped until told.
    assert!(!app.timer().is_running());
    app.update(Action::Presenter(
        Announcement {
            scene: 0,
            elapsed: Duration::from_secs(5),
            running: true,
            blank: false,
        },
        now,
    ));
    assert!(app.timer().is_running());
    assert_eq!(
        console_effects(&mut app, Action::ToggleTimer(now)),
        [Effect::Control(Control::PauseTimer)]
    );
    assert_eq!(
        console_effects(&mut app, Action::ResetTimer),
        [Effect::Control(Control::ResetTimer)]
    );
    assert_eq!(
        console_effects(&mut app, Action::ToggleBlank),
        [Effect::Control(Control::Blank(true))]
    );
    app.update(Action::Blanked(true));
    assert!(app.is_blank());
    assert_eq!(
        console_effects(&mut app, Action::ToggleBlank),
        [Effect::Control(Control::Blank(false))]
    );
}

#[test]
fn the_presenter_timer_starts_with_the_first_move_and_a_paused_one_stays_paused() {
    use izumi::app::Control;
    use std::time::{Duration, Instant};
    let start = Instant::now();
    let mut app = App::new(common::journey()).with_role(izumi::app::Role::Presenter);
    apply(&mut app, &[Action::Tick(start)]);
    assert!(!app.timer().is_running());
    // The first move, from a key, the console or the remote, starts it.
    apply(&mut app, &[Action::GoToScene(1)]);
    assert!(app.timer().is_running());
    let later = start + Duration::from_secs(30);
    apply(&mut app, &[Action::Control(Control::PauseTimer, later)]);
    assert!(!app.timer().is_running());
    assert_eq!(app.timer().elapsed(), Duration::from_secs(30));
    // Paused, it stays paused however the lesson moves.
    apply(&mut app, &[Action::Tick(later), Action::NextScene]);
    assert!(!app.timer().is_running());
    // Asked twice to start, it starts once; reset puts it at zero, and the next move starts it.
    let on = later + Duration::from_secs(10);
    apply(
        &mut app,
        &[
            Action::Control(Control::StartTimer, on),
            Action::Control(Control::StartTimer, on + Duration::from_secs(5)),
        ],
    );
    assert_eq!(app.timer().elapsed(), Duration::from_secs(35));
    apply(&mut app, &[Action::Control(Control::ResetTimer, on)]);
    assert!(app.timer().is_untouched());
    apply(&mut app, &[Action::PreviousScene]);
    assert!(app.timer().is_running());
    // The console's blank blanks and brings back.
    apply(&mut app, &[Action::Control(Control::Blank(true), on)]);
    assert!(app.is_blank());
    apply(&mut app, &[Action::Control(Control::Blank(false), on)]);
    assert!(!app.is_blank());
}

/// Ada (in the first scene) and the term "ferry" (first used in the second).
fn ada_and_ferry(app: &App) -> (izumi::story::CharacterId, izumi::story::TermId) {
    let story = app.story();
    let first = story.scene(story.find_scene("setting-out").unwrap());
    let ferry = story.scene(story.find_scene("the-ferry").unwrap());
    (first.characters[0], ferry.terms[0])
}

/// What every door must show of Ada, "ferry", Bo and Rome when the story has told up to scene
/// `told` (counted from 0): the journey's parts come from "the-ferry" (1) and "arrival" (3).
fn assert_told_up_to(app: &mut App, told: usize, who: &str) {
    let (ada, ferry) = ada_and_ferry(app);
    let reach = app.reach();
    let person = reach.person(ada);
    let (ferry_told, rome_told) = (told >= 1, told >= 3);
    let at = format!("{who} told up to scene {told}");
    assert_eq!(
        person.bio.len(),
        1 + usize::from(ferry_told) + usize::from(rome_told),
        "{at}: {person:?}"
    );
    assert_eq!(
        person.untold,
        2 - usize::from(ferry_told) - usize::from(rome_told),
        "{at}"
    );
    let (role, code_names): (&str, &[&str]) = if rome_told {
        ("traveller, settled in Rome", &["Heron", "Kite"])
    } else {
        ("traveller", &["Heron"])
    };
    assert_eq!(person.role, role, "{at}");
    assert_eq!(person.code_names, code_names, "{at}");
    assert_eq!(reach.may_show_term(ferry), ferry_told, "{at}");
    let term = reach.term(ferry);
    assert_eq!(term.parts.len(), usize::from(rome_told), "{at}: {term:?}");
    assert_eq!(term.untold, usize::from(!rome_told), "{at}");
    assert_eq!(
        term.general,
        Some("Ferries are older than most bridges."),
        "{at}: the general gloss is always told, marked"
    );
    let bo_told = reach.people().len() == 2;
    assert_eq!(bo_told, ferry_told, "{at}: Bo is met on the ferry");
    let places = listed_place_names(app);
    assert_eq!(
        places.contains(&"Rome".to_owned()),
        rome_told,
        "{at}: {places:?}"
    );
    // Ada's entry lists only the scenes told.
    apply(app, &[Action::OpenEntry(Entry::Character(ada))]);
    let mut scenes = vec!["setting-out"];
    if ferry_told {
        scenes.push("the-ferry");
    }
    if rome_told {
        scenes.push("arrival");
    }
    assert_eq!(pickable_ids(app), scenes, "{at}");
    apply(app, &[Action::Back]);
    // Search finds Ada's later parts only once told.
    let found = search_hits(app, "reaches Rome and stays");
    assert_eq!(found.is_empty(), !rome_told, "{at}");
}

#[test]
fn at_each_scene_a_first_reading_and_a_follower_are_told_what_the_story_has_told() {
    let story_length = common::journey().scenes.len();
    for scene in 0..story_length {
        // A reader meeting the story for the first time, who read up to this scene.
        let mut reader = app();
        for _ in 0..scene {
            reader.update(Action::NextScene);
        }
        assert_eq!(reader.scene().index(), scene);
        if scene + 1 < story_length {
            assert_eq!(reader.telling(), Telling::AsRead);
        }
        assert_told_up_to(&mut reader, scene, "a first reading");
        // A follower who may not read ahead, at the first scene, with the presenter here.
        let mut follower = App::new(common::journey())
            .with_role(izumi::app::Role::Follower)
            .reading_up_to(scene);
        assert_eq!(follower.scene().index(), 0);
        assert_told_up_to(&mut follower, scene, "a follower");
        // The key changes nothing for the follower, and says why.
        follower.update(Action::ToggleTelling);
        assert!(
            follower
                .status()
                .unwrap()
                .contains("what the presenter has shown"),
            "{:?}",
            follower.status()
        );
        assert_told_up_to(&mut follower, scene, "a follower who pressed e");
    }
}

#[test]
fn going_back_keeps_what_was_told_and_e_toggles_everything() {
    let mut app = app();
    apply(&mut app, &[Action::NextScene, Action::PreviousScene]);
    assert_eq!(app.scene().index(), 0);
    assert_eq!(app.furthest_read().index(), 1);
    assert_told_up_to(&mut app, 1, "back at the start");
    app.update(Action::ToggleTelling);
    assert_eq!(app.telling(), Telling::Everything);
    assert_eq!(app.status(), Some("Telling everything"));
    assert_told_up_to(&mut app, 3, "told everything");
    // Telling is not reading: the furthest read stays where it was.
    assert_eq!(app.furthest_read().index(), 1);
    app.update(Action::ToggleTelling);
    assert_eq!(app.status(), Some("Telling only what you have read"));
    assert_told_up_to(&mut app, 1, "back to what was read");
}

#[test]
fn jumps_read_on_and_reaching_the_end_tells_everything_by_default() {
    let mut app = app();
    // The contents list every episode, but no scene past the furthest read.
    app.update(Action::ShowContents);
    let rows = app.contents();
    use izumi::app::ContentsRow::{Episode, Scene};
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[..2], [Episode(app.episode()), Scene(app.scene())]);
    assert!(
        matches!(rows[2], Episode(next) if next != app.episode()),
        "{rows:?}"
    );
    assert!(app.scenes_untold());
    // Picking the second episode goes there: a jump is reading on.
    apply(&mut app, &[Action::Down, Action::Down, Action::Open]);
    assert_eq!(scene_id(&app), "arrival");
    assert_eq!(app.telling(), Telling::Everything, "the end reached");
    assert!(!app.scenes_untold());
    assert_told_up_to(&mut app, 3, "at the end");
    // Choosing "what you have read" at the end tells as much: all of it was read.
    app.update(Action::ToggleTelling);
    assert_eq!(app.telling(), Telling::AsRead);
    assert_told_up_to(&mut app, 3, "as read, at the end");
}

#[test]
fn a_configured_choice_holds_from_the_start() {
    let mut app = app().telling_chosen(Some(Telling::Everything));
    assert_told_up_to(&mut app, 3, "configured to tell everything");
    let mut app = app_at_end().telling_chosen(Some(Telling::AsRead));
    assert_eq!(app.telling(), Telling::AsRead);
    assert_told_up_to(&mut app, 3, "configured as read, at the end");
}

fn app_at_end() -> App {
    let mut app = app();
    app.update(Action::LastScene);
    app
}

/// The class sees the presenter's screen: its panes tell what has been shown in this
/// presentation, however far the presenter has read at home, and e does not change that.
#[test]
fn a_presenter_s_screen_tells_only_what_the_class_has_been_shown() {
    let read_at_home = izumi::saved::Saved {
        read: Some("arrival".into()),
        presented: Some("setting-out".into()),
        ..Default::default()
    };
    let mut presenter = App::new(common::journey())
        .with_role(izumi::app::Role::Presenter)
        .remembering(&read_at_home);
    assert_eq!(presenter.scene().index(), 0);
    assert_told_up_to(&mut presenter, 0, "a presenter at the start");
    presenter.update(Action::ToggleTelling);
    assert!(
        presenter.status().unwrap().contains("what you have shown"),
        "{:?}",
        presenter.status()
    );
    assert_told_up_to(&mut presenter, 0, "a presenter who pressed e");
    apply(&mut presenter, &[Action::NextScene, Action::PreviousScene]);
    assert_told_up_to(&mut presenter, 1, "a presenter who showed the ferry");
}
