//! Asking the class on the web: the question put to the class above the follower's scene, the
//! students' own questions below it, and the teacher's desk on the remote. Every piece is HTML
//! made from the hub's [`Class`] and [`Desk`]; everything a student or the story wrote goes
//! through [`escape`], every address and field is built here from numbers and validated ids.
//! The forms work without script; `follow.js` only swaps the pieces in place.

use std::fmt::Write as _;

use crate::asking::{
    Answered, Asked, Class, Desk, Moderation, Poll, Posted, Quick, Refusal, Shown,
};
use crate::story::Question;

use super::page::escape;

/// The student's cookie: a random key, one per browser, which the hub knows the student by.
pub(crate) const STUDENT_COOKIE: &str = "izumi-student";
/// Where a student's answers, questions and votes are posted, and the pieces fetched.
pub(crate) const CLASS: &str = "/class";
/// Where the places in a follower's page are, for the pieces made for each student.
pub(crate) const CLASS_MARK: &str = "<!--izumi-class-->";
pub(crate) const BOARD_MARK: &str = "<!--izumi-board-->";

/// The key in a student's cookie, if it is one this server could have made (hex, of the length
/// [`crate::classroom::secret::random`] gives).
pub(crate) fn student_key(cookie: Option<&str>) -> Option<&str> {
    cookie.filter(|key| key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value that gives a browser its student key, for as long as a day's teaching.
pub(crate) fn student_cookie(key: &str, lifetime: std::time::Duration) -> String {
    format!(
        "{STUDENT_COOKIE}={key}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict",
        lifetime.as_secs()
    )
}

/// The status a refusal is answered with.
pub(crate) fn refusal_status(refusal: Refusal) -> u16 {
    match refusal {
        Refusal::NoQuestion | Refusal::Closed | Refusal::AlreadyVoted => 409,
        Refusal::NotAChoice | Refusal::Empty => 400,
        Refusal::TooFast | Refusal::Full | Refusal::TooMany => 429,
        Refusal::UnknownQuestion => 404,
        Refusal::NotYours => 403,
    }
}

/// What a follower's page says after a form was taken, by the word its address carries: only
/// these fixed sentences, never anything from the request.
pub(crate) fn said(word: Option<&str>) -> Option<&'static str> {
    match word? {
        "sent" => Some(SENT),
        "voted" => Some("Your vote is counted."),
        _ => None,
    }
}
pub(crate) const SENT: &str = "Sent to the teacher, who chooses what the class sees.";
pub(crate) const TOO_LONG: &str = "A question is at most 280 characters.";

/// Where the student's forms go and come back to.
pub(crate) struct Target<'a> {
    /// The form's action: [`CLASS`] with the token, if there is one.
    pub action: &'a str,
    /// The scene page the student is on, by id; empty when following the presenter.
    pub from: &'a str,
}

impl Target<'_> {
    fn hidden(&self, out: &mut String) {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"from\" value=\"{}\">",
            escape(self.from)
        );
    }
}

/// The question put to the class, for one student: its prompt and a button for each choice
/// (the student's own marked), whether answers are still taken, the tally and the answer once
/// the teacher reveals them. `said` is the line for the live region (an answer taken, a refusal).
pub(crate) fn poll(
    out: &mut String,
    class: &Class,
    answered: Option<Answered>,
    said: &str,
    target: &Target,
) {
    let poll = class.poll.as_ref();
    let mine = poll.and_then(|poll| {
        answered
            .filter(|answered| answered.question == poll.asked.number)
            .map(|answered| answered.choice)
    });
    let said = if said.is_empty() {
        mine.map(|choice| format!("Your answer: {}", Question::letter(choice)))
            .unwrap_or_default()
    } else {
        said.to_owned()
    };
    let Some(poll) = poll else {
        let _ = write!(
            out,
            "<p id=\"said\" class=\"said\" role=\"status\">{}</p>",
            escape(&said)
        );
        return;
    };
    let asked = &poll.asked;
    let number = asked.number;
    let _ = write!(
        out,
        "<section class=\"poll\" aria-labelledby=\"poll-heading\"><h2 id=\"poll-heading\">Question {number} for the class</h2>"
    );
    let _ = write!(
        out,
        "<form method=\"post\" action=\"{}\" class=\"choices\"><input type=\"hidden\" name=\"do\" value=\"answer\"><input type=\"hidden\" name=\"question\" value=\"{number}\">",
        escape(target.action)
    );
    target.hidden(out);
    let _ = write!(
        out,
        "<fieldset><legend id=\"poll-prompt\">{}</legend>",
        escape(&asked.prompt)
    );
    for (index, choice) in asked.choices.iter().enumerate() {
        let letter = Question::letter(index);
        let chosen = mine == Some(index);
        let _ = write!(
            out,
            "<button id=\"choice-{index}\" class=\"choice\" name=\"choice\" value=\"{index}\" aria-pressed=\"{chosen}\"{}><span class=\"letter\" aria-hidden=\"true\">{letter}</span> <span class=\"text\"><span class=\"visually-hidden\">{letter}: </span>{}{}</span></button>",
            if poll.open { "" } else { " disabled" },
            escape(choice),
            if chosen {
                " <span class=\"mine\">(your answer)</span>"
            } else {
                ""
            }
        );
    }
    out.push_str("</fieldset></form>");
    let _ = write!(
        out,
        "<p id=\"said\" class=\"said\" role=\"status\">{}</p>",
        escape(&said)
    );
    if poll.open {
        out.push_str(
            "<p class=\"facts\">You can change your answer until the question closes.</p>",
        );
    } else {
        out.push_str("<p class=\"closed\">Answers are closed.</p>");
    }
    if let Some(counts) = poll.counts.as_ref().filter(|_| poll.shown >= Shown::Tally) {
        tally(out, poll, counts);
    }
    out.push_str("</section>");
}

/// The counts of each choice, with their share, as a list the eye reads as bars.
fn tally(out: &mut String, poll: &Poll, counts: &[u32]) {
    let asked = &poll.asked;
    let total: u32 = counts.iter().sum();
    let _ = write!(
        out,
        "<h3>The class answered</h3><ol class=\"tally\" aria-label=\"The tally: {total} answers\">"
    );
    let right = asked.answer.filter(|_| poll.shown == Shown::Answer);
    tally_rows(out, asked, counts, right, " ✓ the answer");
    out.push_str("</ol>");
    if poll.shown == Shown::Answer
        && let Some(answer) = asked.answer
    {
        let _ = write!(
            out,
            "<p class=\"answer\">The answer: <strong>{}: {}</strong></p>",
            Question::letter(answer),
            escape(asked.choices.get(answer).map_or("", String::as_str))
        );
        if !asked.explain.is_empty() {
            let _ = write!(out, "<p class=\"explain\">{}</p>", escape(&asked.explain));
        }
    }
}

/// Each choice's count and share as a list item, the `right` one marked with `mark`.
fn tally_rows(out: &mut String, asked: &Asked, counts: &[u32], right: Option<usize>, mark: &str) {
    let total: u32 = counts.iter().sum();
    for (index, choice) in asked.choices.iter().enumerate() {
        let count = counts.get(index).copied().unwrap_or(0);
        let percent = percent(count, total);
        let is_right = right == Some(index);
        let _ = write!(
            out,
            "<li{}><span class=\"count\">{}: {} — {count} ({percent}%){}</span><progress max=\"100\" value=\"{percent}\" aria-hidden=\"true\"></progress></li>",
            if is_right { " class=\"right\"" } else { "" },
            Question::letter(index),
            escape(choice),
            if is_right { mark } else { "" }
        );
    }
}

fn percent(count: u32, total: u32) -> u32 {
    if total == 0 {
        0
    } else {
        ((u64::from(count) * 100 + u64::from(total) / 2) / u64::from(total)) as u32
    }
}

/// The students' questions the teacher has shown, most votes first, each with its vote button;
/// `said` is the live region's line (a question sent, a vote counted, a refusal).
pub(crate) fn board(out: &mut String, class: &Class, said: &str, target: &Target) {
    let _ = write!(
        out,
        "<p id=\"posted\" class=\"said\" role=\"status\" data-keep>{}</p>",
        escape(said)
    );
    if class.board.is_empty() {
        out.push_str("<p class=\"facts\">No question from the class is shown yet.</p>");
        return;
    }
    out.push_str("<ol class=\"board\">");
    for posted in &class.board {
        let number = posted.number;
        let _ = write!(
            out,
            "<li><p class=\"asked\">{}{}</p><form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"do\" value=\"vote\"><input type=\"hidden\" name=\"number\" value=\"{number}\">",
            escape(&posted.text),
            if class.spotlight == Some(number) {
                " <strong>(on the projector)</strong>"
            } else {
                ""
            },
            escape(target.action)
        );
        target.hidden(out);
        let _ = write!(
            out,
            "<button id=\"vote-{number}\"><span aria-hidden=\"true\">▲</span> Vote <span class=\"votes\">({})</span></button></form></li>",
            votes(posted.votes)
        );
    }
    out.push_str("</ol>");
}

fn votes(count: u32) -> String {
    if count == 1 {
        "1 vote".to_owned()
    } else {
        format!("{count} votes")
    }
}

/// The form a student sends the teacher a question with: the same on every page, outside what
/// is swapped in, so that a question being written is never lost to an update.
pub(crate) fn ask_form(out: &mut String, target: &Target) {
    let _ = write!(
        out,
        "<form method=\"post\" action=\"{}\" class=\"ask\"><input type=\"hidden\" name=\"do\" value=\"post\">",
        escape(target.action)
    );
    target.hidden(out);
    let _ = write!(
        out,
        "<label for=\"ask-text\">Your question for the teacher</label><textarea id=\"ask-text\" name=\"text\" maxlength=\"{}\" rows=\"3\" required aria-describedby=\"ask-about\"></textarea><p id=\"ask-about\" class=\"facts\">At most {} characters. Only the teacher sees it, until they choose to show it to the class.</p><button>Send to the teacher</button></form>",
        crate::asking::LONGEST_QUESTION,
        crate::asking::LONGEST_QUESTION
    );
}

/// The teacher's desk on the remote: the buttons that ask, close, reveal and take down, the
/// live tally, and the students' questions to moderate.
pub(crate) fn desk(out: &mut String, class: &Class, desk: &Desk, action: &str) {
    let poll = class.poll.as_ref();
    let open = poll.is_some_and(|poll| poll.open);
    out.push_str("<h2>Ask the class</h2>");
    let _ = write!(
        out,
        "<form class=\"asking\" method=\"post\" action=\"{action}\" data-remote><button id=\"ask-scene\" name=\"do\" value=\"ask\">{}</button>",
        if open {
            "Close the question"
        } else {
            "Ask the scene's question"
        }
    );
    if let Some(poll) = poll {
        let reveal = match poll.shown {
            Shown::Question => Some("Show the tally"),
            Shown::Tally if poll.asked.answer.is_some() => Some("Show the answer"),
            _ => None,
        };
        if let Some(reveal) = reveal {
            let _ = write!(
                out,
                "<button id=\"ask-reveal\" name=\"do\" value=\"reveal\">{reveal}</button>"
            );
        }
        out.push_str(
            "<button id=\"ask-take-down\" name=\"do\" value=\"take-down\">Take the question down</button>",
        );
    }
    for quick in [Quick::Letters, Quick::YesNo] {
        let _ = write!(
            out,
            "<button id=\"ask-{word}\" name=\"do\" value=\"quick-{word}\">{}</button>",
            match quick {
                Quick::Letters => "Quick question A–D",
                Quick::YesNo => "Quick question yes/no",
            },
            word = quick.word()
        );
    }
    out.push_str("</form>");
    match &desk.tally {
        Some((asked, counts)) => {
            let total: u32 = counts.iter().sum();
            let state = match poll {
                Some(poll) if poll.asked.number == asked.number => match (poll.open, poll.shown) {
                    (true, Shown::Question) => "open; the class does not see the tally",
                    (true, _) => "open; the class sees the tally",
                    (false, Shown::Question) => "closed; the class does not see the tally",
                    (false, Shown::Tally) => "closed; the class sees the tally",
                    (false, Shown::Answer) => "closed; the class sees the answer",
                },
                _ => "taken down",
            };
            let _ = write!(
                out,
                "<h3>Question {}: {}</h3><p class=\"facts\">{total} answered · {state}</p><ol class=\"tally\" aria-label=\"The tally\">",
                asked.number,
                escape(&asked.prompt)
            );
            tally_rows(out, asked, counts, asked.answer, " ✓");
            out.push_str("</ol>");
        }
        None => out.push_str("<p class=\"facts\">No question asked yet.</p>"),
    }
    out.push_str("<h2>Students' questions</h2>");
    if desk.posted.is_empty() {
        out.push_str("<p class=\"facts\">None yet.</p>");
        return;
    }
    out.push_str("<ol class=\"posted\">");
    for posted in &desk.posted {
        moderated(out, posted, class.spotlight, action);
    }
    out.push_str("</ol>");
}

/// One student's question on the desk, with what the teacher may do with it.
fn moderated(out: &mut String, posted: &Posted, spotlight: Option<u32>, action: &str) {
    let number = posted.number;
    let state = match posted.state {
        Moderation::Waiting => "waiting",
        Moderation::Shown if spotlight == Some(number) => "shown, on the projector",
        Moderation::Shown => "shown to the class",
        Moderation::Dismissed => "dismissed",
    };
    let _ = write!(
        out,
        "<li><p class=\"asked\">{}</p><p class=\"facts\">{} · {state}</p><form method=\"post\" action=\"{action}\" data-remote><input type=\"hidden\" name=\"number\" value=\"{number}\">",
        escape(&posted.text),
        votes(posted.votes)
    );
    let button = |out: &mut String, what: &str, label: &str| {
        let _ = write!(
            out,
            "<button id=\"{what}-{number}\" name=\"do\" value=\"{what}\" aria-label=\"{label} question {number}\">{label}</button> "
        );
    };
    if posted.state != Moderation::Shown {
        button(out, "show", "Show");
    } else if spotlight == Some(number) {
        button(out, "unspotlight", "Off the projector");
    } else {
        button(out, "spotlight", "On the projector");
    }
    button(out, "dismiss", "Dismiss");
    out.push_str("</form></li>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asking::{Asked, Quick};
    use std::sync::Arc;

    fn target() -> Target<'static> {
        Target {
            action: "/class?token=a&b",
            from: "",
        }
    }

    fn open_poll() -> Class {
        Class {
            poll: Some(Poll {
                asked: Arc::new(Asked::quick(Quick::Letters, 3)),
                open: true,
                shown: Shown::Question,
                counts: None,
            }),
            ..Class::default()
        }
    }

    #[test]
    fn the_chosen_answer_is_pressed_and_said() {
        let mut out = String::new();
        let answered = Answered {
            question: 3,
            choice: 1,
        };
        poll(&mut out, &open_poll(), Some(answered), "", &target());
        assert!(
            out.contains(
                "id=\"choice-1\" class=\"choice\" name=\"choice\" value=\"1\" aria-pressed=\"true\""
            ),
            "{out}"
        );
        assert!(out.contains("aria-pressed=\"false\""));
        assert!(out.contains(">Your answer: B</p>"));
        assert!(out.contains("action=\"/class?token=a&amp;b\""));
        assert!(!out.contains("disabled"));
    }

    #[test]
    fn an_answer_to_an_earlier_question_is_not_this_one() {
        let mut out = String::new();
        let answered = Answered {
            question: 2,
            choice: 1,
        };
        poll(&mut out, &open_poll(), Some(answered), "", &target());
        assert!(!out.contains("Your answer"));
        assert!(!out.contains("aria-pressed=\"true\""));
    }

    #[test]
    fn a_closed_question_says_so_and_the_tally_shows_shares() {
        let mut class = open_poll();
        if let Some(poll) = class.poll.as_mut() {
            poll.open = false;
            poll.shown = Shown::Tally;
            poll.counts = Some(vec![1, 2, 0, 0]);
        }
        let mut out = String::new();
        poll(&mut out, &class, None, "", &target());
        assert!(out.contains("Answers are closed."));
        assert!(out.contains(" disabled"));
        assert!(out.contains("B: B — 2 (67%)"), "{out}");
        assert!(out.contains("A: A — 1 (33%)"));
    }

    #[test]
    fn students_text_is_escaped_on_the_board_and_the_desk() {
        let posted = Posted {
            number: 1,
            text: "<script>alert(1)</script>".to_owned(),
            votes: 0,
            state: Moderation::Shown,
        };
        let class = Class {
            board: vec![posted.clone()],
            ..Class::default()
        };
        let mut out = String::new();
        board(&mut out, &class, "", &target());
        desk(
            &mut out,
            &class,
            &Desk {
                tally: None,
                posted: vec![posted],
            },
            "/remote",
        );
        assert!(!out.contains("<script>"));
        assert!(out.contains("&lt;script&gt;"));
    }

    #[test]
    fn shares_round_and_never_divide_by_zero() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
    }
}
