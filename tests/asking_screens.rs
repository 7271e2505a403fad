//! Questions on the terminal's screens: the shared question card, the projector's question
//! screen, the console's class pane and the follower's panel, as TestBackend snapshots.

mod common;

use izumi::ui::question::QuestionCard;
use izumi::ui::theme::DARK;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::Widget;

fn choices(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| (*t).to_owned()).collect()
}

/// A card drawn alone into a test backend of this size.
fn card(width: u16, height: u16, draw: impl FnOnce(&mut ratatui::buffer::Buffer)) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| draw(frame.buffer_mut())).unwrap();
    terminal.backend().clone()
}

const PROMPT: &str = "Who gave Izumi his first name as an agent?";

fn four() -> Vec<String> {
    choices(&[
        "The NKVD's resident in Harbin",
        "His father",
        "A Tokyo newspaper that wrote about him in 1925",
        "No one: he chose it",
    ])
}

#[test]
fn question_card_letters_the_choices_and_wraps_long_ones() {
    let choices = four();
    let screen = card(40, 12, |buf| {
        QuestionCard::new(PROMPT, &choices, &DARK).render(buf.area, buf)
    });
    insta::assert_snapshot!(screen);
}

#[test]
fn question_card_says_the_reader_s_own_answer() {
    let choices = four();
    let screen = card(60, 12, |buf| {
        QuestionCard::new(PROMPT, &choices, &DARK)
            .numbered()
            .chosen(Some(1))
            .note(Some("Answers are open: press 1–4"))
            .render(buf.area, buf)
    });
    insta::assert_snapshot!(screen);
}

#[test]
fn question_card_draws_the_tally_the_answer_and_why() {
    let choices = four();
    let counts = [12, 3, 0, 25];
    let screen = card(70, 16, |buf| {
        QuestionCard::new(PROMPT, &choices, &DARK)
            .tally(Some(&counts))
            .answer(
                Some(0),
                "The article says so [3]. The name stuck.\n\nSee also [ed.1].",
            )
            .note(Some("Closed · 40 answers"))
            .render(buf.area, buf)
    });
    insta::assert_snapshot!(screen);
}

#[test]
fn question_card_cuts_wide_text_in_display_cells() {
    let choices = choices(&["哈尔滨火车站前的大街上有一家旧书店", "東京"]);
    let counts = [1, 1];
    let screen = card(36, 8, |buf| {
        QuestionCard::new("哈尔滨か東京か?", &choices, &DARK)
            .tally(Some(&counts))
            .render(buf.area, buf)
    });
    let text = screen.to_string();
    assert!(text.contains('…'), "{text}");
    insta::assert_snapshot!(screen);
}

// ---- Keys: what each screen's keys ask of the class ----

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use izumi::app::{Action, App, Effect, Role};
use izumi::asking::{Ask, Asked, Class, Desk, Moderation, Poll, Posted, Quick, Shown};
use izumi::keymap::Keymap;

/// What pressing `key` asks of the class, in the app's current keys.
fn press(app: &mut App, key: char) -> Vec<Ask> {
    let event = KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE);
    let Some(action) = Keymap::default().action(app.key_mode(), event, Instant::now()) else {
        return Vec::new();
    };
    asks(app.update(action).effects)
}

fn asks(effects: Vec<Effect>) -> Vec<Ask> {
    effects
        .into_iter()
        .filter_map(|effect| match effect {
            Effect::Ask(ask) => Some(ask),
            _ => None,
        })
        .collect()
}

fn poll(number: u32, open: bool, shown: Shown, counts: Option<Vec<u32>>) -> Poll {
    let asked = Asked {
        number,
        id: Some("who-named-him".to_owned()),
        scene: Some("arrival".to_owned()),
        prompt: PROMPT.to_owned(),
        choices: four(),
        answer: Some(0),
        explain: "The article says so [3].".to_owned(),
    };
    Poll {
        asked: Arc::new(asked),
        open,
        shown,
        counts,
    }
}

fn class_with(poll: Option<Poll>) -> Class {
    Class {
        poll,
        ..Class::default()
    }
}

fn posted(number: u32, text: &str, votes: u32, state: Moderation) -> Posted {
    Posted {
        number,
        text: text.to_owned(),
        votes,
        state,
    }
}

#[test]
fn the_presenter_s_keys_ask_reveal_and_take_down() {
    let mut app = App::new(common::journey()).with_role(Role::Presenter);
    assert_eq!(press(&mut app, 'a'), [Ask::SceneQuestion]);
    assert_eq!(press(&mut app, 'r'), [Ask::Reveal]);
    // The help takes every key while it is open.
    press(&mut app, '?');
    assert!(press(&mut app, 'a').is_empty());
    press(&mut app, '?');
    assert_eq!(press(&mut app, 'Q'), [Ask::Quick(Quick::Letters)]);
    assert_eq!(press(&mut app, 'Y'), [Ask::Quick(Quick::YesNo)]);
    assert_eq!(press(&mut app, 'd'), [Ask::TakeDown]);
    // The timer's reset moved to R; s still starts it.
    assert!(press(&mut app, 'R').is_empty());
}

#[test]
fn a_blank_projector_s_first_key_only_brings_the_picture_back() {
    let mut app = App::new(common::journey()).with_role(Role::Presenter);
    app.update(Action::ToggleBlank);
    assert!(press(&mut app, 'a').is_empty());
    assert!(!app.is_blank());
    assert_eq!(press(&mut app, 'a'), [Ask::SceneQuestion]);
}

#[test]
fn the_console_asks_too_and_moderates_the_picked_question() {
    let mut app = App::new(common::journey()).with_role(Role::Console);
    assert_eq!(press(&mut app, 'a'), [Ask::SceneQuestion]);
    assert_eq!(press(&mut app, 'r'), [Ask::Reveal]);
    // Nothing to pick yet: said, not sent.
    assert!(press(&mut app, 's').is_empty());
    assert!(app.status().is_some());
    app.update(Action::Desk(Desk {
        tally: None,
        posted: vec![
            posted(4, "Why Harbin?", 3, Moderation::Shown),
            posted(2, "Was he paid?", 1, Moderation::Waiting),
        ],
    }));
    assert_eq!(press(&mut app, 's'), [Ask::Moderate(4, Moderation::Shown)]);
    press(&mut app, 'j');
    assert_eq!(app.posted_pick(), 1);
    press(&mut app, 'j');
    assert_eq!(app.posted_pick(), 1, "the pick stays on the last");
    assert_eq!(
        press(&mut app, 'x'),
        [Ask::Moderate(2, Moderation::Dismissed)]
    );
    assert_eq!(press(&mut app, 'S'), [Ask::Spotlight(Some(2))]);
    app.update(Action::Class(Class {
        spotlight: Some(2),
        ..Class::default()
    }));
    assert_eq!(press(&mut app, 'S'), [Ask::Spotlight(None)], "again: off");
}

#[test]
fn follower_digits_answer_only_while_a_question_is_open() {
    let mut app = App::new(common::journey()).with_role(Role::Follower);
    // No question: 2 is episode 2.
    assert!(press(&mut app, '2').is_empty());
    assert_eq!(app.episode().index(), 1);
    app.update(Action::Class(class_with(Some(poll(
        7,
        true,
        Shown::Question,
        None,
    )))));
    let scene = app.scene();
    assert_eq!(
        press(&mut app, '2'),
        [Ask::Answer {
            question: 7,
            choice: 1
        }]
    );
    assert_eq!(app.scene(), scene, "answering does not move");
    assert_eq!(app.chosen(), Some(1));
    // With a list open over the scene, a digit still answers.
    app.update(Action::ShowTimeline);
    assert_eq!(
        press(&mut app, '4'),
        [Ask::Answer {
            question: 7,
            choice: 3
        }]
    );
    assert_eq!(app.scene(), scene);
    assert_eq!(app.overlay(), None);
    press(&mut app, '2');
    // Past the choices: said, not sent.
    assert!(press(&mut app, '5').is_empty());
    assert_eq!(app.status(), Some("Answer with 1–4"));
    // Closed: the keys say so and send nothing; the answer stays.
    app.update(Action::Class(class_with(Some(poll(
        7,
        false,
        Shown::Tally,
        None,
    )))));
    assert!(press(&mut app, '3').is_empty());
    assert_eq!(app.status(), Some("Answers are closed"));
    assert_eq!(app.chosen(), Some(1));
    // The next question forgets the last answer.
    app.update(Action::Class(class_with(Some(poll(
        8,
        true,
        Shown::Question,
        None,
    )))));
    assert_eq!(app.chosen(), None);
}

#[test]
fn a_follower_writes_a_question_and_votes_for_a_shown_one() {
    let mut app = App::new(common::journey()).with_role(Role::Follower);
    assert!(press(&mut app, 'w').is_empty());
    assert!(app.is_typing());
    for c in "Why 2 names?".chars() {
        assert!(press(&mut app, c).is_empty(), "{c} is typed");
    }
    assert_eq!(app.writing(), "Why 2 names?");
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    let action = Keymap::default().action(app.key_mode(), enter, Instant::now());
    assert_eq!(
        asks(app.update(action.unwrap()).effects),
        [Ask::Post("Why 2 names?".to_owned())]
    );
    assert!(!app.is_typing());
    // Esc cancels; nothing is sent; a long paste stops at the limit.
    press(&mut app, 'w');
    for _ in 0..400 {
        press(&mut app, 'x');
    }
    assert_eq!(
        app.writing().chars().count(),
        izumi::asking::LONGEST_QUESTION
    );
    app.update(Action::Back);
    assert_eq!(app.writing(), "");
    // The board: Enter votes for the picked question.
    app.update(Action::Class(Class {
        board: vec![
            posted(3, "Who was the resident?", 5, Moderation::Shown),
            posted(9, "Why Harbin?", 2, Moderation::Shown),
        ],
        ..Class::default()
    }));
    press(&mut app, 'u');
    press(&mut app, 'j');
    let action = Keymap::default().action(app.key_mode(), enter, Instant::now());
    assert_eq!(asks(app.update(action.unwrap()).effects), [Ask::Vote(9)]);
}

#[test]
fn what_the_class_hears_is_drawn_again() {
    let mut app = App::new(common::journey()).with_role(Role::Presenter);
    let changes = app.update(Action::Desk(Desk::default()));
    assert!(changes.redraw);
    let changes = app.update(Action::Class(class_with(Some(poll(
        1,
        true,
        Shown::Question,
        None,
    )))));
    assert!(changes.redraw);
}

#[test]
fn help_lists_the_asking_keys_from_the_keymap() {
    let keys = Keymap::default();
    for (mode, wanted) in [
        (
            izumi::app::KeyMode::Presenting,
            "ask the class this scene's question",
        ),
        (
            izumi::app::KeyMode::Console,
            "dismiss the picked student's question",
        ),
        (
            izumi::app::KeyMode::Following,
            "write a question to the teacher",
        ),
    ] {
        assert!(
            keys.bindings(mode)
                .iter()
                .any(|b| b.command.description().starts_with(wanted) && !b.keys.is_empty()),
            "{mode:?}"
        );
    }
}

// ---- Screens: the projector, the console, the follower ----

fn invitations() -> Vec<String> {
    vec![
        "http://192.0.2.7:8080/".to_owned(),
        "ssh -p 2222 class@192.0.2.7".to_owned(),
    ]
}

/// A screen of `app` at this size after these actions, as the runtime draws it.
fn screen(app: App, width: u16, height: u16, actions: Vec<Action>) -> TestBackend {
    let mut reader = common::reader(app, width, height);
    for action in actions {
        reader.act(action).unwrap();
    }
    reader.terminal().backend().clone()
}

fn presenter() -> App {
    App::new(common::journey())
        .with_role(Role::Presenter)
        .with_invitations(invitations())
}

fn live(number: u32, counts: Vec<u32>) -> Action {
    let asked = poll(number, true, Shown::Question, None).asked;
    Action::Desk(Desk {
        tally: Some((asked, counts)),
        posted: Vec::new(),
    })
}

fn projector(shown: Shown, open: bool, width: u16, height: u16) -> String {
    let actions = vec![
        live(1, vec![12, 3, 0, 25]),
        Action::Class(class_with(Some(poll(
            1,
            open,
            shown,
            Some(vec![12, 3, 0, 25]),
        )))),
    ];
    screen(presenter(), width, height, actions).to_string()
}

#[test]
fn projector_hides_the_tally_while_the_class_votes_at_80x24() {
    let shown = projector(Shown::Question, true, 80, 24);
    assert!(shown.contains("Who gave Izumi"), "{shown}");
    assert!(shown.contains("40 answers"), "the count shows: {shown}");
    assert!(!shown.contains('%'), "no tally yet: {shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn projector_hides_the_tally_while_the_class_votes_at_120x40() {
    insta::assert_snapshot!(projector(Shown::Question, true, 120, 40));
}

#[test]
fn projector_shows_the_revealed_tally_at_80x24() {
    let shown = projector(Shown::Tally, false, 80, 24);
    assert!(shown.contains("63%"), "{shown}");
    assert!(!shown.contains("Answer: A"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn projector_shows_the_revealed_tally_at_120x40() {
    insta::assert_snapshot!(projector(Shown::Tally, false, 120, 40));
}

#[test]
fn projector_marks_the_answer_and_says_why_at_80x24() {
    let shown = projector(Shown::Answer, false, 80, 24);
    assert!(shown.contains("The article says so [3]."), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn projector_marks_the_answer_and_says_why_at_120x40() {
    insta::assert_snapshot!(projector(Shown::Answer, false, 120, 40));
}

fn spotlit(width: u16, height: u16) -> String {
    let class = Class {
        poll: Some(poll(1, true, Shown::Question, None)),
        board: vec![posted(
            5,
            "Why did the NKVD trust a man who had worked for the Japanese consulate?",
            7,
            Moderation::Shown,
        )],
        spotlight: Some(5),
    };
    screen(presenter(), width, height, vec![Action::Class(class)]).to_string()
}

#[test]
fn projector_spotlights_a_student_s_question_at_80x24() {
    let shown = spotlit(80, 24);
    assert!(shown.contains("A question from the class"), "{shown}");
    assert!(!shown.contains("Who gave Izumi"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn projector_spotlights_a_student_s_question_at_120x40() {
    insta::assert_snapshot!(spotlit(120, 40));
}

#[test]
fn a_question_taken_down_gives_the_projector_back_to_the_scene() {
    let mut reader = common::reader(presenter(), 80, 24);
    let before = reader.terminal().backend().to_string();
    reader
        .act(Action::Class(class_with(Some(poll(
            1,
            true,
            Shown::Question,
            None,
        )))))
        .unwrap();
    assert_ne!(reader.terminal().backend().to_string(), before);
    reader.act(Action::Class(Class::default())).unwrap();
    assert_eq!(reader.terminal().backend().to_string(), before);
}

fn console(width: u16, height: u16) -> String {
    let app = App::new(common::journey()).with_role(Role::Console);
    let actions = vec![
        Action::Class(class_with(Some(poll(2, true, Shown::Question, None)))),
        Action::Desk(Desk {
            tally: Some((poll(2, true, Shown::Question, None).asked, vec![4, 1, 0, 2])),
            posted: vec![
                posted(3, "Who was the resident in Harbin?", 5, Moderation::Shown),
                posted(1, "Was he ever paid for it?", 2, Moderation::Waiting),
                posted(4, "Why Harbin and not Mukden?", 0, Moderation::Waiting),
            ],
        }),
        Action::Down,
    ];
    screen(app, width, height, actions).to_string()
}

#[test]
fn console_class_pane_at_80x24() {
    let shown = console(80, 24);
    assert!(shown.contains("Was he ever paid"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn console_class_pane_at_120x40() {
    insta::assert_snapshot!(console(120, 40));
}

fn follower(width: u16, height: u16, poll: Poll, keys: &[char]) -> String {
    let mut app = App::new(common::journey()).with_role(Role::Follower);
    app.update(Action::Class(class_with(Some(poll))));
    for key in keys {
        press(&mut app, *key);
    }
    screen(app, width, height, Vec::new()).to_string()
}

#[test]
fn follower_panel_numbers_the_choices_and_says_the_answer_at_80x24() {
    let shown = follower(80, 24, poll(1, true, Shown::Question, None), &['2']);
    assert!(shown.contains("your answer: B"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn follower_panel_numbers_the_choices_and_says_the_answer_at_120x40() {
    insta::assert_snapshot!(follower(
        120,
        40,
        poll(1, true, Shown::Question, None),
        &['2']
    ));
}

#[test]
fn follower_panel_after_the_reveal_at_120x40() {
    let shown = follower(
        120,
        40,
        poll(1, false, Shown::Answer, Some(vec![12, 3, 0, 25])),
        &[],
    );
    assert!(shown.contains("Answers are closed"), "{shown}");
    assert!(shown.contains("30%"), "{shown}");
    insta::assert_snapshot!(shown);
}

// ---- End to end: the real presenter in a pseudo-terminal ----

/// `a` on a scene with a question puts it on the projector; `r` shows the tally (nobody has
/// answered: zeros), `r` again the right answer and why; `a` closes it, `d` takes it down.
#[test]
fn present_asks_the_scene_s_question_on_a_and_reveals_it_on_r() {
    let mut session = common::terminal::Session::start_sized(
        r#""$0" present --listen 127.0.0.1:0 --scene prologue-nero-named; echo "EXIT=$?""#,
        &[],
        (120, 40),
    );
    session.wait_for("scene ");
    session.send("a");
    session.wait_for("How did Kōzō Izumi's name first come to light");
    session.wait_for("Answers open · 0 answers");
    assert!(!session.contents().contains('%'), "{}", session.contents());
    session.send("r");
    session.wait_for("0    0%");
    session.send("r");
    session.wait_for("Answer: A");
    session.wait_for("Rastvorov");
    session.send("a");
    session.wait_for("Answers closed");
    session.send("d");
    session.wait_for_absence("How did Kōzō Izumi's name");
    session.send("q");
    session.wait_for("EXIT=0");
}

// ---- The presenter's loop hears the hub ----

/// The class reaches the loop at once; a burst of answers reaches it as a few desks, at most
/// four a second, the last with every answer counted.
#[test]
fn the_presenter_hears_the_class_at_once_and_the_desk_at_most_four_times_a_second() {
    use izumi::classroom::doors::{Caps, Doors};
    use izumi::classroom::hub::{Hub, Who};
    use izumi::classroom::log::EventLog;
    use izumi::runtime::{Input, watch_the_class};
    use std::net::{IpAddr, Ipv4Addr};
    use std::time::Duration;

    let log = Arc::new(EventLog::new(None, 0));
    let doors = Doors::new(Caps::fitting(1000, 4, 1 << 20), Arc::clone(&log));
    let hub = Hub::new(Arc::new(common::journey()), doors, log, |_| {});
    let (inputs, heard) = std::sync::mpsc::channel();
    watch_the_class(&hub, inputs).unwrap();
    hub.take(Ask::Quick(Quick::Letters), &Who::Teacher).unwrap();
    let asked = Instant::now();
    let number = loop {
        match heard.recv_timeout(Duration::from_secs(5)).unwrap() {
            Input::Class(class) => break class.poll.unwrap().asked.number,
            Input::Desk(_) => {}
            other => panic!("{other:?}"),
        }
    };
    // At once: well before the desk's quarter-second pause, which it does not wait for. (A
    // generous bound: a busy machine may be slow to wake the thread.)
    assert!(asked.elapsed() < Duration::from_secs(2));
    let started = Instant::now();
    let students = 300u32;
    for i in 0..students {
        let address = IpAddr::V4(Ipv4Addr::new(10, 0, (i / 200) as u8, (i % 200) as u8 + 1));
        let student = izumi::asking::Student::new("test", &i.to_string());
        hub.take(
            Ask::Answer {
                question: number,
                choice: (i % 4) as usize,
            },
            &Who::Student(student, address),
        )
        .unwrap();
    }
    // Every desk heard until the last answer is counted.
    let mut desks = 0;
    loop {
        match heard.recv_timeout(Duration::from_secs(5)).unwrap() {
            Input::Desk(desk) => {
                desks += 1;
                if desk.voters() == students {
                    break;
                }
            }
            Input::Class(_) => {}
            other => panic!("{other:?}"),
        }
    }
    let took = started.elapsed();
    let allowed = 2 + (took.as_millis() / 250) as u32;
    assert!(desks <= allowed, "{desks} desks in {took:?}");
}

/// Every screen with a question on it draws at every size, however small, without panicking.
#[test]
fn question_screens_draw_at_every_size() {
    let class = Class {
        poll: Some(poll(3, false, Shown::Answer, Some(vec![1, 2, 3, 4]))),
        board: vec![posted(1, "Why? 哈尔滨", 2, Moderation::Shown)],
        spotlight: None,
    };
    let spotlit = Class {
        spotlight: Some(1),
        ..class.clone()
    };
    let desk = Desk {
        tally: class
            .poll
            .as_ref()
            .map(|p| (p.asked.clone(), vec![1, 2, 3, 4])),
        posted: vec![posted(1, "Why? 哈尔滨", 2, Moderation::Shown)],
    };
    for width in (1..=130).step_by(7) {
        for height in (1..=45).step_by(4) {
            for role in [Role::Presenter, Role::Console, Role::Follower] {
                for class in [&class, &spotlit] {
                    let app = App::new(common::journey())
                        .with_role(role)
                        .with_invitations(invitations());
                    screen(
                        app,
                        width,
                        height,
                        vec![Action::Class(class.clone()), Action::Desk(desk.clone())],
                    );
                }
            }
        }
    }
}
