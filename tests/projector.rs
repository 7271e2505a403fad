//! The projector (issue 22): the scene's date and place under its title, a timeline strip, a
//! "more ↓" when the text goes on below, one title style for the whole story, and addresses
//! of this machine only said to be so, with no code to scan.

mod common;

use izumi::app::{Action, App, Role};
use izumi::story::Story;
use ratatui::backend::TestBackend;

/// The projector of `story` at this size after these actions, as the runtime draws it.
fn projector(
    story: Story,
    invitations: &[&str],
    size: (u16, u16),
    actions: &[Action],
) -> TestBackend {
    let app = App::new(story)
        .with_role(Role::Presenter)
        .with_invitations(invitations.iter().map(|line| (*line).to_owned()).collect());
    let mut reader = common::reader(app, size.0, size.1);
    for action in actions {
        reader.act(action.clone()).unwrap();
    }
    reader.terminal().backend().clone()
}

/// The journey story with a change to its first episode's file.
fn journey_with(change: impl FnOnce(String) -> String) -> Story {
    journey_with_in("episodes/01-north.toml", change)
}

/// The journey story with a change to one of its files.
fn journey_with_in(file: &str, change: impl FnOnce(String) -> String) -> Story {
    let dir = common::journey_copy();
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, change(text)).unwrap();
    izumi::story::load(dir.path()).expect("the changed journey loads")
}

/// The first scene's text made long enough to run past a projector's screen.
fn long_first_scene() -> Story {
    let long = "She walks to the harbour and looks at the boats for a long time. ".repeat(40);
    journey_with(|text| text.replace("She does not say where she is going.", &long))
}

#[test]
fn the_date_and_place_sit_under_the_title_with_a_timeline_strip_at_80x24() {
    let shown = projector(common::journey(), &[], (80, 24), &[Action::NextScene]).to_string();
    assert!(
        shown.contains("21 May 1920 · Christiania, Bergen"),
        "{shown}"
    );
    assert!(shown.contains('●'), "the scene on the strip: {shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn the_date_and_place_sit_under_the_title_with_a_timeline_strip_at_120x40() {
    let shown = projector(common::journey(), &[], (120, 40), &[Action::NextScene]).to_string();
    assert!(
        shown.contains("21 May 1920 · Christiania, Bergen"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn a_disputed_date_shows_both_readings_and_both_marks() {
    for size in [(80, 24), (120, 40)] {
        let shown = projector(common::journey(), &[], size, &[Action::LastScene]).to_string();
        assert!(
            shown.contains("August 1931 (her letters) or February 1932"),
            "{shown}"
        );
        assert_eq!(
            shown
                .lines()
                .filter(|line| line.contains('─'))
                .map(|line| line.matches('?').count())
                .sum::<usize>(),
            2,
            "each reading marked on the strip: {shown}"
        );
        insta::assert_snapshot!(format!("disputed_{}x{}", size.0, size.1), shown);
    }
}

#[test]
fn text_that_runs_past_the_screen_says_more_below_and_scrolls() {
    for size in [(80, 24), (120, 40)] {
        let shown = projector(long_first_scene(), &[], size, &[]).to_string();
        assert!(shown.contains("more ↓"), "{shown}");
        insta::assert_snapshot!(format!("more_{}x{}", size.0, size.1), shown);
        // The presenter scrolls to the end: nothing more below.
        let end = projector(long_first_scene(), &[], size, &vec![Action::PageDown; 12]).to_string();
        assert!(!end.contains("more ↓"), "{end}");
        assert!(end.contains("↑ above"), "{end}");
    }
    // A text that fits says nothing.
    let fits = projector(common::journey(), &[], (80, 24), &[]).to_string();
    assert!(
        !fits.contains("more ↓") && !fits.contains("↑ above"),
        "{fits}"
    );
}

/// The rows a scene's title takes: rows between the top line and the date line.
fn title_rows(shown: &str, date: &str) -> usize {
    shown
        .lines()
        .skip(1)
        .take_while(|line| !line.contains(date))
        .count()
}

#[test]
fn every_title_has_the_same_style_and_big_letters_never_take_the_texts_room() {
    // The journey's titles all fit in big letters at 120×40: every scene has them.
    let first = projector(common::journey(), &[], (120, 40), &[]).to_string();
    let second = projector(common::journey(), &[], (120, 40), &[Action::NextScene]).to_string();
    assert_eq!(title_rows(&first, "spring 1920"), 4, "{first}");
    assert_eq!(title_rows(&second, "21 May 1920"), 4, "{second}");
    // At 80×24 the text needs the room: plain titles, one row.
    let small = projector(common::journey(), &[], (80, 24), &[]).to_string();
    assert_eq!(title_rows(&small, "spring 1920"), 1, "{small}");
    assert!(small.contains("Setting out"), "{small}");
    // One title too long for big letters makes every title plain, short ones too.
    let story = journey_with(|text| {
        text.replace(
            "title = \"The ferry\"",
            "title = \"The ferry across the long grey northern water\"",
        )
    });
    let first = projector(story, &[], (120, 40), &[]).to_string();
    assert_eq!(title_rows(&first, "spring 1920"), 1, "{first}");
    assert!(first.contains("Setting out"), "{first}");
    insta::assert_snapshot!(first);
}

#[test]
fn an_address_of_this_machine_only_says_so_and_offers_no_code() {
    let here = ["http://127.0.0.1:8080/", "ssh -p 2222 class@127.0.0.1"];
    for size in [(80, 24), (120, 40)] {
        let top = projector(common::journey(), &here, size, &[]).to_string();
        let first_line = top.lines().next().unwrap();
        assert!(first_line.contains("this machine only"), "{top}");
        insta::assert_snapshot!(format!("loopback_top_{}x{}", size.0, size.1), top);
        let shown =
            projector(common::journey(), &here, size, &[Action::ShowInvitation]).to_string();
        assert!(
            shown.contains("Only this machine can open these; phones cannot reach them."),
            "{shown}"
        );
        assert!(shown.contains("--web 0.0.0.0:8080"), "{shown}");
        assert!(!shown.contains("scan"), "no code to scan: {shown}");
        assert!(
            !shown.contains('█') && !shown.contains('▀'),
            "no QR code: {shown}"
        );
        insta::assert_snapshot!(format!("loopback_invitation_{}x{}", size.0, size.1), shown);
    }
    // A network address keeps its code and its invitation to scan.
    let there = ["http://192.0.2.7:8080/"];
    let shown = projector(
        common::journey(),
        &there,
        (120, 40),
        &[Action::ShowInvitation],
    )
    .to_string();
    assert!(shown.contains("scan the code"), "{shown}");
    assert!(shown.contains('█') || shown.contains('▀'), "{shown}");
}

#[test]
fn the_timeline_is_one_of_the_side_views() {
    let shown = projector(
        common::journey(),
        &[],
        (80, 24),
        &[
            Action::LastScene,
            Action::CyclePanel,
            Action::CyclePanel,
            Action::CyclePanel,
            Action::CyclePanel,
        ],
    )
    .to_string();
    assert!(shown.contains("Timeline"), "{shown}");
    assert!(shown.contains("The sources disagree"), "{shown}");
    insta::assert_snapshot!(shown);
}

/// The question put to the class, as the hub publishes it.
fn asked() -> Action {
    use izumi::asking::{Asked, Class, Poll, Shown};
    let asked = Asked {
        number: 1,
        id: Some("who-named-him".to_owned()),
        scene: Some("setting-out".to_owned()),
        prompt: "Where is Ada going?".to_owned(),
        choices: vec!["North".to_owned(), "South".to_owned()],
        answer: Some(0),
        explain: "She takes the ferry.".to_owned(),
    };
    Action::Class(Class {
        poll: Some(Poll {
            asked: std::sync::Arc::new(asked),
            open: true,
            shown: Shown::Question,
            counts: None,
        }),
        ..Class::default()
    })
}

#[test]
fn the_question_screen_shows_no_code_for_this_machine_only() {
    let here = ["http://127.0.0.1:8080/"];
    for size in [(80, 24), (120, 40)] {
        let shown = projector(common::journey(), &here, size, &[asked()]).to_string();
        assert!(shown.contains("Where is Ada going?"), "{shown}");
        assert!(
            shown.lines().next().unwrap().contains("this machine only"),
            "{shown}"
        );
        assert!(
            !shown.contains('█') && !shown.contains('▀'),
            "no QR code: {shown}"
        );
        insta::assert_snapshot!(format!("loopback_question_{}x{}", size.0, size.1), shown);
    }
    // A network address has its code beside the question.
    let there = ["http://192.0.2.7:8080/"];
    let shown = projector(common::journey(), &there, (120, 40), &[asked()]).to_string();
    assert!(shown.contains('█') || shown.contains('▀'), "{shown}");
}

#[test]
fn a_disputed_date_keeps_both_readings_when_sources_are_long_or_close() {
    let story = journey_with_in("episodes/02-south.toml", |text| {
        text.replace("February 1932", "September 1931").replace(
            "the police register",
            "the register of foreigners kept by the city police of Rome",
        )
    });
    let shown = projector(story, &[], (80, 24), &[Action::LastScene]).to_string();
    assert!(
        shown.contains("August 1931 or September 1931 (disputed) · Rome"),
        "{shown}"
    );
    let strip = shown.lines().find(|line| line.contains('─')).unwrap();
    assert_eq!(strip.matches('?').count(), 2, "{shown}");
}

#[test]
fn the_console_s_remote_address_of_this_machine_only_says_so() {
    let app = App::new(common::journey())
        .with_role(Role::Console)
        .with_invitations(vec!["http://127.0.0.1:8080/remote?secret=abc".to_owned()]);
    let mut reader = common::reader(app, 80, 24);
    reader.act(Action::ShowInvitation).unwrap();
    let shown = reader.terminal().backend().to_string();
    assert!(
        shown.contains("Only this machine can open these; phones cannot reach them."),
        "{shown}"
    );
    assert!(
        !shown.contains('█') && !shown.contains('▀'),
        "no QR code: {shown}"
    );
    insta::assert_snapshot!(shown);
}
