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
    let choices = choices(&["哈尔滨 (Harbin), where the railway met the river", "東京"]);
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
