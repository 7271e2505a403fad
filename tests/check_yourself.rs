//! "Check yourself": a reader alone meets an episode's questions on moving past its last
//! scene, answers with a number or the arrows and Enter, sees whether it was right and why, and
//! finds the answers again with the saved place (old and hostile state files included). The
//! story is the journey with `tests/fixtures/questions` laid over it: the North's last two
//! scenes ask a question each, the South asks none.

mod common;

use std::fs;

use izumi::app::{Action, App, Effect, Overlay, Role};
use izumi::saved::{self, Saved};
use izumi::story::{self, Story};

fn quiz_story() -> Story {
    let dir = common::broken_story(&common::fixtures().join("questions"));
    story::load(dir.path()).unwrap_or_else(|errors| panic!("{errors}"))
}

fn scene_id(app: &App) -> &str {
    &app.story().scene(app.scene()).id
}

/// An app at the North's last scene, "winter-in-bergen".
fn at_the_end_of_the_north() -> App {
    let mut app = App::new(quiz_story());
    app.update(Action::NextScene);
    app.update(Action::NextScene);
    assert_eq!(scene_id(&app), "winter-in-bergen");
    app
}

fn shown_question(app: &App) -> Option<String> {
    app.checked_question().map(|(_, q, _)| q.id.clone())
}

#[test]
fn moving_past_an_episodes_last_scene_opens_its_questions_first() {
    let mut app = at_the_end_of_the_north();
    app.update(Action::NextScene);
    assert_eq!(app.overlay(), Some(Overlay::Check));
    assert_eq!(scene_id(&app), "winter-in-bergen", "the move waits");
    assert_eq!(shown_question(&app).as_deref(), Some("who-rows"));
    assert_eq!(app.checked_question().unwrap().2, 2);
}

#[test]
fn a_number_answers_then_enter_goes_on_and_the_last_moves_into_the_next_episode() {
    let mut app = at_the_end_of_the_north();
    app.update(Action::NextScene);
    // 4 is not a choice of a three-choice question: nothing happens.
    app.update(Action::Digit(4));
    assert_eq!(app.answer_of("who-rows"), None);
    app.update(Action::Digit(2));
    assert_eq!(app.answer_of("who-rows"), Some(1));
    // Answered: another number does not change it.
    app.update(Action::Digit(1));
    assert_eq!(app.answer_of("who-rows"), Some(1));
    app.update(Action::Open);
    assert_eq!(shown_question(&app).as_deref(), Some("what-she-carries"));
    // The arrows pick, Enter answers.
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Up);
    app.update(Action::Open);
    assert_eq!(app.answer_of("what-she-carries"), Some(1));
    app.update(Action::Open);
    assert_eq!(app.overlay(), None);
    assert_eq!(scene_id(&app), "arrival", "finishing moves on");
}

#[test]
fn esc_leaves_the_check_without_quitting_and_the_next_move_goes_on() {
    let mut app = at_the_end_of_the_north();
    app.update(Action::NextScene);
    let changes = app.update(Action::Back);
    assert!(changes.effects.is_empty(), "{:?}", changes.effects);
    assert!(!app.should_quit());
    assert_eq!(app.overlay(), None);
    assert_eq!(scene_id(&app), "winter-in-bergen");
    app.update(Action::NextScene);
    assert_eq!(scene_id(&app), "arrival", "offered once a sitting");
}

#[test]
fn n_skips_a_question_and_c_opens_the_check_anywhere_in_the_episode() {
    let mut app = App::new(quiz_story());
    app.update(Action::CheckYourself);
    assert_eq!(shown_question(&app).as_deref(), Some("who-rows"));
    app.update(Action::NextHit);
    assert_eq!(shown_question(&app).as_deref(), Some("what-she-carries"));
    app.update(Action::PreviousHit);
    assert_eq!(shown_question(&app).as_deref(), Some("who-rows"));
    app.update(Action::CheckYourself);
    assert_eq!(app.overlay(), None);
    assert_eq!(scene_id(&app), "setting-out", "c closes without moving");
    // The South asks nothing: c says so.
    app.update(Action::NextEpisode);
    app.update(Action::CheckYourself);
    assert_eq!(app.overlay(), None);
    assert!(app.status().is_some_and(|s| s.contains("No questions")));
}

#[test]
fn a_presenter_or_follower_moves_on_without_being_asked() {
    for role in [Role::Follower, Role::Presenter] {
        let mut app = App::new(quiz_story()).with_role(role);
        for _ in 0..3 {
            app.update(Action::NextScene);
        }
        assert_eq!(scene_id(&app), "arrival", "{role:?}");
        assert_ne!(app.overlay(), Some(Overlay::Check));
    }
}

#[test]
fn answers_are_saved_and_coming_back_shows_them_without_asking_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stories/quiz.toml");
    let mut app = at_the_end_of_the_north().remembering(&Saved::default());
    app.update(Action::NextScene);
    let changes = app.update(Action::Digit(1));
    let Some(Effect::Save(state)) = changes.effects.last() else {
        panic!("answering saves: {:?}", changes.effects);
    };
    assert_eq!(state.answers.get("who-rows"), Some(&0));
    app.update(Action::NextHit);
    let changes = app.update(Action::Digit(3));
    let Some(Effect::Save(state)) = changes.effects.last().cloned() else {
        panic!("answering saves");
    };
    saved::save(&path, &state).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("[answers]"), "{text}");

    let (read, problem) = saved::load(&path);
    assert_eq!(problem, None);
    let mut again = App::new(quiz_story()).remembering(&read);
    assert_eq!(again.answer_of("who-rows"), Some(0));
    assert_eq!(again.answer_of("what-she-carries"), Some(2));
    // Everything answered: the end of the North is not held up.
    assert_eq!(scene_id(&again), "winter-in-bergen");
    again.update(Action::NextScene);
    assert_eq!(scene_id(&again), "arrival");
    // c shows the answers; r forgets the one shown, to answer again, and that is saved.
    again.update(Action::PreviousScene);
    again.update(Action::CheckYourself);
    assert_eq!(shown_question(&again).as_deref(), Some("who-rows"));
    let changes = again.update(Action::AskAgain);
    assert_eq!(again.answer_of("who-rows"), None);
    let Some(Effect::Save(state)) = changes.effects.last() else {
        panic!("asking again saves");
    };
    assert!(!state.answers.contains_key("who-rows"));
    assert_eq!(state.answers.get("what-she-carries"), Some(&2));
}

#[test]
fn a_state_file_from_before_questions_loads_with_no_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.toml");
    fs::write(&path, "scene = \"the-ferry\"\nbookmarks = [\"arrival\"]\n").unwrap();
    let (read, problem) = saved::load(&path);
    assert_eq!(problem, None);
    assert_eq!(read.scene.as_deref(), Some("the-ferry"));
    assert!(read.answers.is_empty());
    // Saved again without answers, it is the same file a reader before questions wrote.
    saved::save(&path, &read).unwrap();
    assert!(!fs::read_to_string(&path).unwrap().contains("answers"));
}

#[test]
fn hostile_answers_are_left_out_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.toml");
    let mut text = String::from(
        "scene = \"the-ferry\"\n[answers]\nwho-rows = 1\n\"Bad Id\" = 0\n\"a\\u001b[2J\" = 0\n\
         what-she-carries = 99\n",
    );
    for i in 0..(saved::MOST_ANSWERS + 100) {
        text.push_str(&format!("q{i} = 0\n"));
    }
    fs::write(&path, text).unwrap();
    let (read, problem) = saved::load(&path);
    assert_eq!(problem, None);
    assert_eq!(read.answers.len(), saved::MOST_ANSWERS);
    assert!(!read.answers.contains_key("Bad Id"));
    assert!(
        !read.answers.contains_key("what-she-carries"),
        "no such choice"
    );
    // The app takes up only answers to its questions, for choices they have.
    let app = App::new(quiz_story()).remembering(&Saved {
        answers: [
            ("who-rows".to_owned(), 5),
            ("what-she-carries".to_owned(), 3),
        ]
        .into(),
        ..Saved::default()
    });
    assert_eq!(app.answer_of("who-rows"), None, "three choices only");
    assert_eq!(app.answer_of("what-she-carries"), Some(3));
    // A negative or fractional choice is not a state file: it is set aside, not obeyed.
    fs::write(&path, "[answers]\nwho-rows = -1\n").unwrap();
    let (read, problem) = saved::load(&path);
    assert!(read.answers.is_empty());
    assert!(problem.is_some_and(|p| p.contains("set aside") || p.contains("kept as")));
}

#[test]
fn two_readers_keep_each_others_answers_and_a_retry_removes_only_its_own() {
    let now = Saved {
        answers: [("a".to_owned(), 0), ("b".to_owned(), 1)].into(),
        ..Saved::default()
    };
    let base = Saved {
        answers: [("a".to_owned(), 0)].into(),
        ..Saved::default()
    };
    let mine = Saved {
        answers: [("c".to_owned(), 2)].into(),
        ..Saved::default()
    };
    let merged = saved::merge(&now, &base, &mine);
    let answers: Vec<(&str, usize)> = merged
        .answers
        .iter()
        .map(|(id, choice)| (id.as_str(), *choice))
        .collect();
    assert_eq!(answers, [("b", 1), ("c", 2)]);
}

#[test]
fn the_check_at_80x24() {
    let app = at_the_end_of_the_north();
    let mut reader = common::reader(app, 80, 24);
    common::press(&mut reader, "l<Down>");
    insta::assert_snapshot!("check_before_answering", common::screen(&reader));
    // The picked choice (B, after one Down) is highlighted; the others are not.
    let style_of = |text: &str| {
        let buffer = reader.terminal().backend().buffer();
        let (x, y) =
            common::position_of(buffer, text).unwrap_or_else(|| panic!("{text} is not on screen"));
        buffer[(x, y)].style()
    };
    assert_ne!(style_of("Her brother"), style_of("Nobody"));
    assert_eq!(style_of("Bo  "), style_of("Nobody"));
    common::press(&mut reader, "2");
    insta::assert_snapshot!("check_answered_wrong", common::screen(&reader));
    common::press(&mut reader, "<Enter>1");
    insta::assert_snapshot!("check_answered_right", common::screen(&reader));
    common::press(&mut reader, "<Esc>");
    assert!(!common::screen(&reader).contains("Check yourself"));
}

#[test]
fn in_a_terminal_the_check_comes_at_the_end_of_the_episode_and_the_answer_is_kept() {
    use common::terminal::Session;
    let story = common::broken_story(&common::fixtures().join("questions"));
    let home = tempfile::tempdir().unwrap();
    let env = [("XDG_STATE_HOME", home.path()), ("QUIZ", story.path())];
    let run = || Session::start_with(r#""$0" --story "$QUIZ"; echo "EXIT=$?""#, &env);
    let mut session = run();
    session.wait_for("Ada leaves the city");
    session.send("ll");
    session.wait_for("The town is quiet all winter.");
    session.send("l");
    session.wait_for("Check yourself: The North");
    session.wait_for("Who takes Ada across on the ferry?");
    session.send("2");
    session.wait_for("your answer: B — not the answer, which is A");
    session.wait_for("[2] C. Scribe, Letters");
    // Esc leaves the check, not izumi.
    session.send("\x1b");
    session.wait_for_absence("Check yourself");
    session.send("q");
    session.wait_for("EXIT=0");

    let mut again = run();
    again.wait_for("The town is quiet all winter.");
    // c opens the check at the first question not answered; N goes back to the one that was.
    again.send("c");
    again.wait_for("How many bags does Ada take");
    again.send("N");
    again.wait_for("your answer: B — not the answer, which is A");
    again.send("r");
    again.wait_for("1–3 answer A–C");
    again.send("1");
    again.wait_for("your answer: A — right");
    again.send("\x1b");
    again.wait_for_absence("Check yourself");
    again.send("q");
    again.wait_for("EXIT=0");
    let state = fs::read_dir(home.path().join("izumi/stories"))
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| fs::read_to_string(entry.path()).unwrap_or_default())
        .collect::<String>();
    assert!(state.contains("who-rows = 0"), "{state}");
}

#[test]
fn a_long_explanation_scrolls_in_a_small_terminal() {
    // The built-in story's first question, answered, at 80×24: its explanation and footnote
    // may not fit; the arrows scroll what does not.
    let mut app = App::new(story::load_embedded());
    app.update(Action::CheckYourself);
    app.update(Action::Digit(1));
    let mut reader = common::reader(app, 80, 24);
    let screen = common::screen(&reader);
    assert!(
        screen.contains("Enter/n next question"),
        "the keys are in view: {screen}"
    );
    assert!(!screen.contains("Rastvorov himself"), "{screen}");
    common::press(&mut reader, &"<Down>".repeat(30));
    let screen = common::screen(&reader);
    assert!(
        screen.contains("Rastvorov himself."),
        "scrolled to the end: {screen}"
    );
    // Opened with c, Enter after the episode's only question closes it where the reader is.
    common::press(&mut reader, "<Enter>");
    let screen = common::screen(&reader);
    assert!(!screen.contains("Check yourself"), "{screen}");
    assert!(screen.contains("A defector names 'Nero'"), "{screen}");
}
