//! The classroom protocol: how a presenter, its console and its followers talk over TCP.
//!
//! Each message is one line of UTF-8 text, at most [`MAX_LINE`] bytes with its newline
//! ([`MAX_VIEW_LINE`] for the class's and the desk's views, which only the presenter sends):
//! `izumi/2 <kind> <field>…`, fields separated by single spaces and never containing one. A
//! text field is percent-encoded: `%`, spaces and control characters as `%XX` of their bytes.
//!
//! | kind | sent by | fields | meaning |
//! | --- | --- | --- | --- |
//! | `hello` | console, follower | role (`console` or `follower`), story fingerprint, credential or `-`, the client's own key or `-` | first line of every connection; the key is random, kept for the process's life, so that a follower who reconnects is the same student |
//! | `welcome` | presenter | story fingerprint | the connection is accepted |
//! | `refused` | presenter | reason (one word) | the connection is about to close |
//! | `scene` | presenter | scene index, timer milliseconds, `1` if the timer runs else `0`, furthest scene a follower may read | where the presentation is now |
//! | `goto` | console | scene index | move the presentation (ignored from followers) |
//! | `timer` | console | `start`, `pause` or `reset` | the projector's timer (ignored from followers) |
//! | `blank` | console, presenter | `on` or `off` | from a console: blank the projector or bring it back (ignored from followers); from the presenter, to consoles only: whether it is blanked, after every `scene` |
//! | `class` | presenter | the class's view ([`Class`]) as JSON, a text field | what every student sees of the questions; on joining and on every change |
//! | `desk` | presenter | the teacher's view ([`Desk`]) as JSON, a text field | to consoles only, on joining and at most a few times a second |
//! | `ask` | console, follower | what ([`Ask`]), then its fields | the teacher's requests from a console, a student's from a follower |
//! | `said` | presenter | `ok` or `no`, a text field | the reply to an `ask`, to show |
//!
//! A line that is too long, not UTF-8, of another version, of an unknown kind or with wrong
//! fields is rejected with a [`DecodeError`]; the receiver drops it and carries on.

use std::fmt;
use std::io::{self, BufRead};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::app::Control;
use crate::asking::{Ask, Asked, Class, Desk, Moderation, Poll, Posted, Quick, Shown};
use crate::story::text::sanitize;

/// The protocol version every line starts with.
pub const VERSION: &str = "izumi/2";

/// The longest line, newline included, that a console or follower sends, and the presenter
/// accepts (a student's question of [`crate::asking::LONGEST_QUESTION`] characters fits).
pub const MAX_LINE: usize = 4096;

/// The longest line, newline included, of the class's or the desk's view; a desk that would be
/// longer is sent with its least-voted students' questions left off.
pub const MAX_VIEW_LINE: usize = 2 << 20;

/// The longest plain field (a fingerprint, a credential, a key, a number).
const MAX_FIELD: usize = 256;

/// Who is connecting to a presenter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The presenter's own console: may move the presentation, and must prove it.
    Console,
    /// A student's terminal: follows, never moves anyone.
    Follower,
}

/// One protocol message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    Hello {
        role: Role,
        fingerprint: String,
        credential: Option<String>,
        /// The client's own random key, the same for every connection of one process: a
        /// follower's answers count once however often it reconnects.
        key: Option<String>,
    },
    Welcome {
        fingerprint: String,
    },
    Refused {
        reason: String,
    },
    Scene {
        index: usize,
        timer_ms: u64,
        running: bool,
        /// The furthest scene a follower may read: the furthest shown, or the last scene when
        /// the class may read ahead.
        furthest: usize,
    },
    Goto {
        index: usize,
    },
    /// From a console: start, pause or reset the timer (`timer`), or blank the projector
    /// (`blank`). From the presenter, `blank` only: whether the projector is blanked.
    Control(Control),
    /// The presenter is still there (sent now and then, so a follower notices a dead link).
    Ping,
    /// What every student sees of the questions.
    Class(Class),
    /// What only the teacher sees: the live tally and every student's question.
    Desk(Desk),
    /// A request about the class's questions: the teacher's from a console, a student's from a
    /// follower.
    Ask(Ask),
    /// The reply to an `Ask`: the line to show, and whether it was done.
    Said {
        ok: bool,
        text: String,
    },
}

/// Why a line is not a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("line longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("line is not UTF-8")]
    NotUtf8,
    #[error("not an {VERSION} message")]
    WrongVersion,
    #[error("unknown message kind {0:?}")]
    UnknownKind(String),
    #[error("malformed {0} message")]
    Malformed(&'static str),
    #[error("a field is empty or holds spaces or control characters")]
    BadField,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Console => "console",
            Role::Follower => "follower",
        })
    }
}

/// Whether a field can travel: non-empty, no spaces or control characters, short enough.
fn is_field(text: &str) -> bool {
    text.len() <= MAX_FIELD && is_long_field(text)
}

/// Whether a text field (percent-encoded) can travel: as a field, of any length.
fn is_long_field(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A text as one field: `%`, whitespace and control characters as `%XX` of their UTF-8 bytes;
/// an empty text (which no field may be) as the lone `%`.
fn percent_encode(text: &str) -> String {
    if text.is_empty() {
        return "%".to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '%' || c.is_whitespace() || c.is_control() {
            let mut bytes = [0u8; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The text of a percent-encoded field, if it is one.
fn percent_decode(field: &str) -> Option<String> {
    if field == "%" {
        return Some(String::new());
    }
    let mut bytes = Vec::with_capacity(field.len());
    let mut rest = field.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        if byte == b'%' {
            let hex = after.get(..2)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            bytes.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            rest = &after[2..];
        } else {
            bytes.push(byte);
            rest = after;
        }
    }
    String::from_utf8(bytes).ok()
}

impl Message {
    /// The message's kind, as it travels.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Hello { .. } => "hello",
            Message::Welcome { .. } => "welcome",
            Message::Refused { .. } => "refused",
            Message::Scene { .. } => "scene",
            Message::Goto { .. } => "goto",
            Message::Control(Control::Blank(_)) => "blank",
            Message::Control(_) => "timer",
            Message::Ping => "ping",
            Message::Class(_) => "class",
            Message::Desk(_) => "desk",
            Message::Ask(_) => "ask",
            Message::Said { .. } => "said",
        }
    }

    /// The message as one line, newline included. Fields that could not travel (empty, or with
    /// spaces or control characters) are replaced by `-`.
    pub fn encode(&self) -> String {
        let field = |text: &str| {
            if is_field(text) {
                text.to_owned()
            } else {
                "-".to_owned()
            }
        };
        let body = match self {
            Message::Hello {
                role,
                fingerprint,
                credential,
                key,
            } => format!(
                "hello {role} {} {} {}",
                field(fingerprint),
                credential.as_deref().map_or("-".to_owned(), field),
                key.as_deref().map_or("-".to_owned(), field)
            ),
            Message::Welcome { fingerprint } => format!("welcome {}", field(fingerprint)),
            Message::Refused { reason } => format!("refused {}", field(reason)),
            Message::Scene {
                index,
                timer_ms,
                running,
                furthest,
            } => format!("scene {index} {timer_ms} {} {furthest}", u8::from(*running)),
            Message::Goto { index } => format!("goto {index}"),
            Message::Control(control) => match control {
                Control::StartTimer => "timer start".to_owned(),
                Control::PauseTimer => "timer pause".to_owned(),
                Control::ResetTimer => "timer reset".to_owned(),
                Control::Blank(true) => "blank on".to_owned(),
                Control::Blank(false) => "blank off".to_owned(),
            },
            Message::Ping => "ping".to_owned(),
            Message::Class(class) => format!("class {}", percent_encode(&class_json(class))),
            Message::Desk(desk) => format!("desk {}", percent_encode(&desk_json(desk))),
            Message::Ask(ask) => format!("ask {}", ask_fields(ask)),
            Message::Said { ok, text } => {
                format!(
                    "said {} {}",
                    if *ok { "ok" } else { "no" },
                    percent_encode(text)
                )
            }
        };
        format!("{VERSION} {body}\n")
    }

    /// Reads one message from a line (with or without its newline).
    pub fn decode(line: &str) -> Result<Message, DecodeError> {
        if line.len() > MAX_VIEW_LINE {
            return Err(DecodeError::TooLong);
        }
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut fields = line.split(' ');
        if fields.next() != Some(VERSION) {
            return Err(DecodeError::WrongVersion);
        }
        let kind = fields.next().unwrap_or_default();
        let rest: Vec<&str> = fields.take(8).collect();
        // Only a text field, always the last, may be long.
        let long_last = matches!(kind, "class" | "desk" | "ask" | "said");
        let bad = rest.iter().enumerate().any(|(i, f)| {
            if long_last && i + 1 == rest.len() {
                !is_long_field(f)
            } else {
                !is_field(f)
            }
        });
        if bad {
            return Err(DecodeError::BadField);
        }
        match (kind, rest.as_slice()) {
            ("hello", [role, fingerprint, credential, key]) => Ok(Message::Hello {
                role: match *role {
                    "console" => Role::Console,
                    "follower" => Role::Follower,
                    _ => return Err(DecodeError::Malformed("hello")),
                },
                fingerprint: (*fingerprint).to_owned(),
                credential: (*credential != "-").then(|| (*credential).to_owned()),
                key: (*key != "-").then(|| (*key).to_owned()),
            }),
            ("welcome", [fingerprint]) => Ok(Message::Welcome {
                fingerprint: (*fingerprint).to_owned(),
            }),
            ("refused", [reason]) => Ok(Message::Refused {
                reason: (*reason).to_owned(),
            }),
            ("scene", [index, timer_ms, running, furthest]) => Ok(Message::Scene {
                index: number(index, "scene")?,
                timer_ms: number(timer_ms, "scene")?,
                running: match *running {
                    "1" => true,
                    "0" => false,
                    _ => return Err(DecodeError::Malformed("scene")),
                },
                furthest: number(furthest, "scene")?,
            }),
            ("goto", [index]) => Ok(Message::Goto {
                index: number(index, "goto")?,
            }),
            ("timer", ["start"]) => Ok(Message::Control(Control::StartTimer)),
            ("timer", ["pause"]) => Ok(Message::Control(Control::PauseTimer)),
            ("timer", ["reset"]) => Ok(Message::Control(Control::ResetTimer)),
            ("timer", _) => Err(DecodeError::Malformed("timer")),
            ("blank", ["on"]) => Ok(Message::Control(Control::Blank(true))),
            ("blank", ["off"]) => Ok(Message::Control(Control::Blank(false))),
            ("blank", _) => Err(DecodeError::Malformed("blank")),
            ("hello", _) => Err(DecodeError::Malformed("hello")),
            ("welcome", _) => Err(DecodeError::Malformed("welcome")),
            ("refused", _) => Err(DecodeError::Malformed("refused")),
            ("scene", _) => Err(DecodeError::Malformed("scene")),
            ("ping", []) => Ok(Message::Ping),
            ("goto", _) => Err(DecodeError::Malformed("goto")),
            ("class", [json]) => {
                let json = percent_decode(json).ok_or(DecodeError::Malformed("class"))?;
                class_from_json(&json).ok_or(DecodeError::Malformed("class"))
            }
            ("desk", [json]) => {
                let json = percent_decode(json).ok_or(DecodeError::Malformed("desk"))?;
                desk_from_json(&json).ok_or(DecodeError::Malformed("desk"))
            }
            ("ask", fields) => ask_from(fields)
                .map(Message::Ask)
                .ok_or(DecodeError::Malformed("ask")),
            ("said", [ok, text]) => Ok(Message::Said {
                ok: match *ok {
                    "ok" => true,
                    "no" => false,
                    _ => return Err(DecodeError::Malformed("said")),
                },
                text: percent_decode(text)
                    .map(|text| sanitize(&text))
                    .ok_or(DecodeError::Malformed("said"))?,
            }),
            ("class", _) => Err(DecodeError::Malformed("class")),
            ("desk", _) => Err(DecodeError::Malformed("desk")),
            ("said", _) => Err(DecodeError::Malformed("said")),
            ("ping", _) => Err(DecodeError::Malformed("ping")),
            (other, _) => Err(DecodeError::UnknownKind(other.chars().take(32).collect())),
        }
    }
}

/// Reads the next line, never holding more than [`MAX_LINE`] bytes of it: `Ok(None)` at the end
/// of the stream, `Ok(Some(Err(TooLong)))` after skipping the rest of an overlong line.
pub fn read_line(reader: &mut impl BufRead) -> io::Result<Option<Result<Message, DecodeError>>> {
    read_line_within(reader, MAX_LINE)
}

/// As [`read_line`], with lines of up to `limit` bytes (at most [`MAX_VIEW_LINE`]): what a
/// console or follower reads from its presenter.
pub fn read_line_within(
    reader: &mut impl BufRead,
    limit: usize,
) -> io::Result<Option<Result<Message, DecodeError>>> {
    let limit = limit.min(MAX_VIEW_LINE);
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(match (line.is_empty(), too_long) {
                (true, false) => None,
                (_, true) => Some(Err(DecodeError::TooLong)),
                (false, false) => Some(decode_bytes(&line)),
            });
        }
        let (chunk, found_end) = match available.iter().position(|b| *b == b'\n') {
            Some(end) => (&available[..=end], true),
            None => (available, false),
        };
        let used = chunk.len();
        if !too_long && line.len() + chunk.len() <= limit {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line.clear();
        }
        reader.consume(used);
        if found_end {
            return Ok(Some(if too_long {
                Err(DecodeError::TooLong)
            } else {
                decode_bytes(&line)
            }));
        }
    }
}

/// The class's view as it travels: the same fields, owned.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireClass {
    poll: Option<WirePoll>,
    board: Vec<Posted>,
    spotlight: Option<u32>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WirePoll {
    asked: Asked,
    open: bool,
    shown: Shown,
    counts: Option<Vec<u32>>,
}

/// The desk's view as it travels.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireDesk {
    tally: Option<(Asked, Vec<u32>)>,
    posted: Vec<Posted>,
}

/// The most students' questions a view may carry (the hub keeps at most this many).
const MOST_POSTED: usize = crate::asking::MOST_POSTED;

fn class_json(class: &Class) -> String {
    let Class {
        poll,
        board,
        spotlight,
    } = class;
    let wire = WireClass {
        poll: poll.as_ref().map(|poll| {
            let Poll {
                asked,
                open,
                shown,
                counts,
            } = poll;
            WirePoll {
                asked: Asked::clone(asked),
                open: *open,
                shown: *shown,
                counts: counts.clone(),
            }
        }),
        board: board.clone(),
        spotlight: *spotlight,
    };
    serde_json::to_string(&wire).unwrap_or_default()
}

fn desk_json(desk: &Desk) -> String {
    let Desk { tally, posted } = desk;
    let wire = WireDesk {
        tally: tally
            .as_ref()
            .map(|(asked, counts)| (Asked::clone(asked), counts.clone())),
        posted: posted.clone(),
    };
    serde_json::to_string(&wire).unwrap_or_default()
}

/// A question as a screen may draw it: 2 to 6 choices, an answer among them, every text made
/// safe for a terminal; `None` if it cannot be.
fn clean_asked(asked: Asked) -> Option<Asked> {
    let Asked {
        number,
        id,
        scene,
        prompt,
        choices,
        answer,
        explain,
    } = asked;
    if !(2..=6).contains(&choices.len()) || answer.is_some_and(|a| a >= choices.len()) {
        return None;
    }
    Some(Asked {
        number,
        id: id.map(|id| sanitize(&id)),
        scene: scene.map(|scene| sanitize(&scene)),
        prompt: sanitize(&prompt),
        choices: choices.iter().map(|c| sanitize(c)).collect(),
        answer,
        explain: sanitize(&explain),
    })
}

/// Counts that fit the question's choices, if there are any.
fn counts_fit(counts: Option<Vec<u32>>, asked: &Asked) -> Option<Option<Vec<u32>>> {
    match counts {
        Some(counts) if counts.len() != asked.choices.len() => None,
        counts => Some(counts),
    }
}

/// Students' questions as a screen may draw them: a bounded list of cleaned one-line texts.
fn clean_posted(posted: Vec<Posted>) -> Option<Vec<Posted>> {
    if posted.len() > MOST_POSTED {
        return None;
    }
    Some(
        posted
            .into_iter()
            .map(|p| Posted {
                text: crate::asking::clean_question(&p.text),
                ..p
            })
            .collect(),
    )
}

fn class_from_json(json: &str) -> Option<Message> {
    let WireClass {
        poll,
        board,
        spotlight,
    } = serde_json::from_str(json).ok()?;
    let poll = match poll {
        Some(WirePoll {
            asked,
            open,
            shown,
            counts,
        }) => {
            let asked = clean_asked(asked)?;
            Some(Poll {
                counts: counts_fit(counts, &asked)?,
                asked: Arc::new(asked),
                open,
                shown,
            })
        }
        None => None,
    };
    Some(Message::Class(Class {
        poll,
        board: clean_posted(board)?,
        spotlight,
    }))
}

fn desk_from_json(json: &str) -> Option<Message> {
    let WireDesk { tally, posted } = serde_json::from_str(json).ok()?;
    let tally = match tally {
        Some((asked, counts)) => {
            let asked = clean_asked(asked)?;
            let counts = counts_fit(Some(counts), &asked)??;
            Some((Arc::new(asked), counts))
        }
        None => None,
    };
    Some(Message::Desk(Desk {
        tally,
        posted: clean_posted(posted)?,
    }))
}

fn moderation_word(state: Moderation) -> &'static str {
    match state {
        Moderation::Waiting => "waiting",
        Moderation::Shown => "shown",
        Moderation::Dismissed => "dismissed",
    }
}

/// An ask's fields as they travel: its name, then what it needs.
fn ask_fields(ask: &Ask) -> String {
    match ask {
        Ask::SceneQuestion => "scene".to_owned(),
        Ask::Quick(kind) => format!("quick {}", kind.word()),
        Ask::Close => "close".to_owned(),
        Ask::Reveal => "reveal".to_owned(),
        Ask::TakeDown => "take-down".to_owned(),
        Ask::Moderate(number, state) => format!("moderate {number} {}", moderation_word(*state)),
        Ask::Spotlight(Some(number)) => format!("spotlight {number}"),
        Ask::Spotlight(None) => "spotlight -".to_owned(),
        Ask::Answer { question, choice } => format!("answer {question} {choice}"),
        Ask::Post(text) => format!("post {}", percent_encode(text)),
        Ask::Vote(number) => format!("vote {number}"),
    }
}

fn ask_from(fields: &[&str]) -> Option<Ask> {
    let number = |text: &str| text.parse::<u32>().ok();
    Some(match fields {
        ["scene"] => Ask::SceneQuestion,
        ["quick", kind] => Ask::Quick(Quick::from_word(kind)?),
        ["close"] => Ask::Close,
        ["reveal"] => Ask::Reveal,
        ["take-down"] => Ask::TakeDown,
        ["moderate", n, state] => Ask::Moderate(
            number(n)?,
            match *state {
                "waiting" => Moderation::Waiting,
                "shown" => Moderation::Shown,
                "dismissed" => Moderation::Dismissed,
                _ => return None,
            },
        ),
        ["spotlight", "-"] => Ask::Spotlight(None),
        ["spotlight", n] => Ask::Spotlight(Some(number(n)?)),
        ["answer", question, choice] => Ask::Answer {
            question: number(question)?,
            choice: choice.parse().ok()?,
        },
        ["post", text] => Ask::Post(percent_decode(text)?),
        ["vote", n] => Ask::Vote(number(n)?),
        _ => return None,
    })
}

/// A numeric field.
fn number<T: std::str::FromStr>(text: &str, kind: &'static str) -> Result<T, DecodeError> {
    text.parse().map_err(|_| DecodeError::Malformed(kind))
}

fn decode_bytes(line: &[u8]) -> Result<Message, DecodeError> {
    let text = std::str::from_utf8(line).map_err(|_| DecodeError::NotUtf8)?;
    Message::decode(text)
}

/// Compares a presented credential with the expected one in time that does not depend on where
/// they first differ.
pub fn credential_matches(presented: Option<&str>, expected: &str) -> bool {
    let presented = presented.unwrap_or_default().as_bytes();
    let expected = expected.as_bytes();
    let mut difference = presented.len() ^ expected.len();
    for (i, byte) in expected.iter().enumerate() {
        difference |= usize::from(byte ^ presented.get(i).copied().unwrap_or(0));
    }
    difference == 0 && !expected.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn every_kind() -> Vec<Message> {
        vec![
            Message::Hello {
                role: Role::Console,
                fingerprint: "9f2c".into(),
                credential: Some("s3cret".into()),
                key: None,
            },
            Message::Hello {
                role: Role::Follower,
                fingerprint: "9f2c".into(),
                credential: None,
                key: Some("0a1b2c".into()),
            },
            Message::Welcome {
                fingerprint: "9f2c".into(),
            },
            Message::Refused {
                reason: "wrong-story".into(),
            },
            Message::Scene {
                index: 41,
                timer_ms: 125_000,
                running: true,
                furthest: 43,
            },
            Message::Goto { index: 0 },
            Message::Control(crate::app::Control::StartTimer),
            Message::Control(crate::app::Control::PauseTimer),
            Message::Control(crate::app::Control::ResetTimer),
            Message::Control(crate::app::Control::Blank(true)),
            Message::Control(crate::app::Control::Blank(false)),
            Message::Ping,
            Message::Class(Class::default()),
            Message::Class(a_class()),
            Message::Desk(Desk::default()),
            Message::Desk(a_desk()),
            Message::Said {
                ok: true,
                text: "Your answer: B".into(),
            },
            Message::Said {
                ok: false,
                text: "100% closed: answers are no longer taken.".into(),
            },
            Message::Said {
                ok: true,
                text: String::new(),
            },
        ]
        .into_iter()
        .chain(every_ask().into_iter().map(Message::Ask))
        .collect()
    }

    fn asked() -> Asked {
        Asked {
            number: 3,
            id: Some("who-named".into()),
            scene: Some("prologue-nero-named".into()),
            prompt: "Who named him Nero?".into(),
            choices: vec!["The NKVD".into(), "He did, 100%".into(), "Nobody".into()],
            answer: Some(0),
            explain: "See [1].".into(),
        }
    }

    fn posted(number: u32, text: &str) -> Posted {
        Posted {
            number,
            text: text.into(),
            votes: number * 2,
            state: Moderation::Shown,
        }
    }

    fn a_class() -> Class {
        Class {
            poll: Some(Poll {
                asked: Arc::new(asked()),
                open: false,
                shown: Shown::Answer,
                counts: Some(vec![4, 1, 0]),
            }),
            board: vec![
                posted(1, "Why Harbin?"),
                posted(2, "Was he — really — a spy?"),
            ],
            spotlight: Some(2),
        }
    }

    fn a_desk() -> Desk {
        Desk {
            tally: Some((Arc::new(asked()), vec![7, 0, 2])),
            posted: vec![posted(5, "What is %20 here?")],
        }
    }

    fn every_ask() -> Vec<Ask> {
        vec![
            Ask::SceneQuestion,
            Ask::Quick(Quick::Letters),
            Ask::Quick(Quick::YesNo),
            Ask::Close,
            Ask::Reveal,
            Ask::TakeDown,
            Ask::Moderate(4, Moderation::Shown),
            Ask::Moderate(4, Moderation::Dismissed),
            Ask::Moderate(4, Moderation::Waiting),
            Ask::Spotlight(Some(2)),
            Ask::Spotlight(None),
            Ask::Answer {
                question: 3,
                choice: 1,
            },
            Ask::Post("Why did he stay in\u{3000}Harbin — 50% of his life?".into()),
            Ask::Vote(9),
        ]
    }

    #[test]
    fn every_message_survives_a_round_trip() {
        for message in every_kind() {
            let line = message.encode();
            assert!(line.ends_with('\n') && line.len() <= MAX_LINE);
            assert_eq!(Message::decode(&line), Ok(message));
        }
    }

    #[test]
    fn malformed_unknown_and_other_versions_are_rejected() {
        let cases = [
            ("izumi/1 goto 3", DecodeError::WrongVersion),
            ("hello console x -", DecodeError::WrongVersion),
            ("izumi/2 jump 3", DecodeError::UnknownKind("jump".into())),
            ("izumi/2 goto", DecodeError::Malformed("goto")),
            ("izumi/2 goto three", DecodeError::Malformed("goto")),
            ("izumi/2 goto -1", DecodeError::Malformed("goto")),
            ("izumi/2 ping 1", DecodeError::Malformed("ping")),
            ("izumi/2 scene 3 10 yes", DecodeError::Malformed("scene")),
            ("izumi/2 hello teacher f -", DecodeError::Malformed("hello")),
            ("izumi/2 goto  3", DecodeError::BadField),
            ("izumi/2 timer", DecodeError::Malformed("timer")),
            ("izumi/2 timer stop", DecodeError::Malformed("timer")),
            ("izumi/2 timer start now", DecodeError::Malformed("timer")),
            ("izumi/2 blank", DecodeError::Malformed("blank")),
            ("izumi/2 blank 1", DecodeError::Malformed("blank")),
            ("izumi/2 blank on off", DecodeError::Malformed("blank")),
            ("izumi/2 refused a\u{1b}[2J", DecodeError::BadField),
        ];
        for (line, expected) in cases {
            assert_eq!(Message::decode(line), Err(expected), "{line:?}");
        }
    }

    #[test]
    fn lines_are_read_one_at_a_time_with_a_size_limit() {
        let mut input = Vec::new();
        input.extend_from_slice(Message::Goto { index: 2 }.encode().as_bytes());
        input.extend(std::iter::repeat_n(b'x', MAX_LINE * 3));
        input.push(b'\n');
        input.extend_from_slice(&[0xff, 0xfe, b'\n']);
        input.extend_from_slice(b"izumi/2 goto 5"); // truncated: no newline before the end
        let mut reader = Cursor::new(input);
        assert_eq!(
            read_line(&mut reader).unwrap(),
            Some(Ok(Message::Goto { index: 2 }))
        );
        assert_eq!(
            read_line(&mut reader).unwrap(),
            Some(Err(DecodeError::TooLong))
        );
        assert_eq!(
            read_line(&mut reader).unwrap(),
            Some(Err(DecodeError::NotUtf8))
        );
        assert_eq!(
            read_line(&mut reader).unwrap(),
            Some(Ok(Message::Goto { index: 5 }))
        );
        assert_eq!(read_line(&mut reader).unwrap(), None);
    }

    #[test]
    fn hostile_asks_and_views_are_rejected() {
        let huge = format!("izumi/2 class {}", "x".repeat(MAX_VIEW_LINE));
        let cases: Vec<(String, DecodeError)> = vec![
            ("izumi/2 ask".into(), DecodeError::Malformed("ask")),
            ("izumi/2 ask shout".into(), DecodeError::Malformed("ask")),
            ("izumi/2 ask answer 1".into(), DecodeError::Malformed("ask")),
            (
                "izumi/2 ask answer 1 -1".into(),
                DecodeError::Malformed("ask"),
            ),
            (
                "izumi/2 ask answer x 1".into(),
                DecodeError::Malformed("ask"),
            ),
            (
                "izumi/2 ask answer 99999999999 1".into(),
                DecodeError::Malformed("ask"),
            ),
            (
                "izumi/2 ask quick abcde".into(),
                DecodeError::Malformed("ask"),
            ),
            (
                "izumi/2 ask moderate 1 hidden".into(),
                DecodeError::Malformed("ask"),
            ),
            ("izumi/2 ask post %ZZ".into(), DecodeError::Malformed("ask")),
            ("izumi/2 ask post %+1".into(), DecodeError::Malformed("ask")),
            (
                "izumi/2 ask post %ff%fe".into(),
                DecodeError::Malformed("ask"),
            ),
            ("izumi/2 ask post a%2".into(), DecodeError::Malformed("ask")),
            (
                "izumi/2 ask post two words".into(),
                DecodeError::Malformed("ask"),
            ),
            ("izumi/2 ask post a\u{1b}[2J".into(), DecodeError::BadField),
            (
                "izumi/2 said maybe x".into(),
                DecodeError::Malformed("said"),
            ),
            ("izumi/2 said ok".into(), DecodeError::Malformed("said")),
            ("izumi/2 class {}".into(), DecodeError::Malformed("class")),
            ("izumi/2 class null".into(), DecodeError::Malformed("class")),
            ("izumi/2 desk [1,2]".into(), DecodeError::Malformed("desk")),
            (
                format!("izumi/2 class {}", "x".repeat(300)),
                DecodeError::Malformed("class"),
            ),
            (
                format!("izumi/2 hello follower {} - -", "f".repeat(300)),
                DecodeError::BadField,
            ),
            (huge, DecodeError::TooLong),
        ];
        for (line, expected) in cases {
            let shown: String = line.chars().take(60).collect();
            assert_eq!(Message::decode(&line), Err(expected), "{shown:?}");
        }
    }

    /// A view that a screen could not draw safely: a question with one choice or seven, an
    /// answer that is not a choice, counts that do not fit, too many students' questions.
    #[test]
    fn views_that_do_not_hold_together_are_rejected() {
        let class_line = |class: &Class| Message::Class(class.clone()).encode();
        let mut one_choice = asked();
        one_choice.choices.truncate(1);
        one_choice.answer = None;
        let mut seven = asked();
        seven.choices = (0..7).map(|i| i.to_string()).collect();
        let mut no_such_answer = asked();
        no_such_answer.answer = Some(3);
        for bad in [one_choice, seven, no_such_answer] {
            let class = Class {
                poll: Some(Poll {
                    asked: Arc::new(bad),
                    open: true,
                    shown: Shown::Question,
                    counts: None,
                }),
                ..Class::default()
            };
            assert_eq!(
                Message::decode(&class_line(&class)),
                Err(DecodeError::Malformed("class"))
            );
        }
        let mut counts_off = a_class();
        counts_off.poll.as_mut().unwrap().counts = Some(vec![1, 2]);
        assert_eq!(
            Message::decode(&class_line(&counts_off)),
            Err(DecodeError::Malformed("class"))
        );
        let crowded = Class {
            board: (0..=MOST_POSTED as u32).map(|n| posted(n, "q")).collect(),
            ..Class::default()
        };
        assert_eq!(
            Message::decode(&class_line(&crowded)),
            Err(DecodeError::Malformed("class"))
        );
        let desk = Desk {
            tally: Some((Arc::new(asked()), vec![1])),
            posted: Vec::new(),
        };
        assert_eq!(
            Message::decode(&Message::Desk(desk).encode()),
            Err(DecodeError::Malformed("desk"))
        );
    }

    #[test]
    fn texts_in_views_and_replies_arrive_safe_for_a_terminal() {
        let mut evil = asked();
        evil.prompt = "Who?\u{1b}]0;pwned\u{7}\u{1b}[2J".into();
        evil.choices[0] = "A\u{9b}31m".into();
        let class = Class {
            poll: Some(Poll {
                asked: Arc::new(evil),
                open: true,
                shown: Shown::Question,
                counts: None,
            }),
            board: vec![posted(1, "line\nbreak\u{1b}[31m red")],
            spotlight: None,
        };
        let Ok(Message::Class(arrived)) = Message::decode(&Message::Class(class).encode()) else {
            panic!("a class with odd text still travels");
        };
        let poll = arrived.poll.unwrap();
        let texts = [
            &poll.asked.prompt,
            &poll.asked.choices[0],
            &arrived.board[0].text,
        ];
        for text in texts {
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{text:?}"
            );
        }
        assert!(!arrived.board[0].text.contains('\n'));
        let said = "izumi/2 said ok bad%1B%5B2Jtext%07";
        let Ok(Message::Said { text, .. }) = Message::decode(said) else {
            panic!("{said}");
        };
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }

    #[test]
    fn a_long_view_is_read_only_within_the_views_limit() {
        let desk = Desk {
            tally: None,
            posted: (1..=40).map(|n| posted(n, &"word ".repeat(50))).collect(),
        };
        let line = Message::Desk(desk.clone()).encode();
        assert!(line.len() > MAX_LINE && line.len() < MAX_VIEW_LINE);
        let mut reader = Cursor::new(line.clone().into_bytes());
        assert_eq!(
            read_line(&mut reader).unwrap(),
            Some(Err(DecodeError::TooLong)),
            "the presenter never reads a line this long"
        );
        let mut reader = Cursor::new(line.into_bytes());
        let Some(Ok(Message::Desk(read))) = read_line_within(&mut reader, MAX_VIEW_LINE).unwrap()
        else {
            panic!("a console reads the desk");
        };
        assert_eq!(read.posted.len(), 40);
    }

    #[test]
    fn a_longest_question_of_wide_spaces_fits_a_line() {
        let text = "\u{3000}x".repeat(crate::asking::LONGEST_QUESTION / 2);
        let line = Message::Ask(Ask::Post(text.clone())).encode();
        assert!(line.len() <= MAX_LINE, "{}", line.len());
        assert_eq!(Message::decode(&line), Ok(Message::Ask(Ask::Post(text))));
    }

    #[test]
    fn fields_that_cannot_travel_are_replaced() {
        let refused = Message::Refused {
            reason: "two words".into(),
        };
        assert_eq!(refused.encode(), "izumi/2 refused -\n");
    }

    #[test]
    fn credentials_must_match_exactly() {
        assert!(credential_matches(Some("a1b2c3"), "a1b2c3"));
        assert!(!credential_matches(Some("a1b2c4"), "a1b2c3"));
        assert!(!credential_matches(Some("a1b2c3d"), "a1b2c3"));
        assert!(!credential_matches(None, "a1b2c3"));
        assert!(
            !credential_matches(Some(""), ""),
            "an empty secret never matches"
        );
    }
}
