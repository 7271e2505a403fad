//! The classroom protocol: how a presenter, its console and its followers talk over TCP.
//!
//! Each message is one line of UTF-8 text, at most [`MAX_LINE`] bytes with its newline:
//! `izumi/1 <kind> <field>…`, fields separated by single spaces and never containing one.
//!
//! | kind | sent by | fields | meaning |
//! | --- | --- | --- | --- |
//! | `hello` | console, follower | role (`console` or `follower`), story fingerprint, credential or `-` | first line of every connection |
//! | `welcome` | presenter | story fingerprint | the connection is accepted |
//! | `refused` | presenter | reason (one word) | the connection is about to close |
//! | `scene` | presenter | scene index, timer milliseconds, `1` if the timer runs else `0`, furthest scene a follower may read | where the presentation is now |
//! | `goto` | console | scene index | move the presentation (ignored from followers) |
//!
//! A line that is too long, not UTF-8, of another version, of an unknown kind or with wrong
//! fields is rejected with a [`DecodeError`]; the receiver drops it and carries on.

use std::fmt;
use std::io::{self, BufRead};

/// The protocol version every line starts with.
pub const VERSION: &str = "izumi/1";

/// The longest line, newline included, that anyone sends or accepts.
pub const MAX_LINE: usize = 1024;

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
    /// The presenter is still there (sent now and then, so a follower notices a dead link).
    Ping,
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
    !text.is_empty()
        && text.len() <= 256
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
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
            Message::Ping => "ping",
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
            } => format!(
                "hello {role} {} {}",
                field(fingerprint),
                credential.as_deref().map_or("-".to_owned(), field)
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
            Message::Ping => "ping".to_owned(),
        };
        format!("{VERSION} {body}\n")
    }

    /// Reads one message from a line (with or without its newline).
    pub fn decode(line: &str) -> Result<Message, DecodeError> {
        if line.len() > MAX_LINE {
            return Err(DecodeError::TooLong);
        }
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut fields = line.split(' ');
        if fields.next() != Some(VERSION) {
            return Err(DecodeError::WrongVersion);
        }
        let kind = fields.next().unwrap_or_default();
        let rest: Vec<&str> = fields.collect();
        if rest.iter().any(|f| !is_field(f)) {
            return Err(DecodeError::BadField);
        }
        match (kind, rest.as_slice()) {
            ("hello", [role, fingerprint, credential]) => Ok(Message::Hello {
                role: match *role {
                    "console" => Role::Console,
                    "follower" => Role::Follower,
                    _ => return Err(DecodeError::Malformed("hello")),
                },
                fingerprint: (*fingerprint).to_owned(),
                credential: (*credential != "-").then(|| (*credential).to_owned()),
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
            ("hello", _) => Err(DecodeError::Malformed("hello")),
            ("welcome", _) => Err(DecodeError::Malformed("welcome")),
            ("refused", _) => Err(DecodeError::Malformed("refused")),
            ("scene", _) => Err(DecodeError::Malformed("scene")),
            ("ping", []) => Ok(Message::Ping),
            ("goto", _) => Err(DecodeError::Malformed("goto")),
            ("ping", _) => Err(DecodeError::Malformed("ping")),
            (other, _) => Err(DecodeError::UnknownKind(other.chars().take(32).collect())),
        }
    }
}

/// Reads the next line, never holding more than [`MAX_LINE`] bytes of it: `Ok(None)` at the end
/// of the stream, `Ok(Some(Err(TooLong)))` after skipping the rest of an overlong line.
pub fn read_line(reader: &mut impl BufRead) -> io::Result<Option<Result<Message, DecodeError>>> {
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
        if !too_long && line.len() + chunk.len() <= MAX_LINE {
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
            },
            Message::Hello {
                role: Role::Follower,
                fingerprint: "9f2c".into(),
                credential: None,
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
            Message::Ping,
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
            ("izumi/2 goto 3", DecodeError::WrongVersion),
            ("hello console x -", DecodeError::WrongVersion),
            ("izumi/1 jump 3", DecodeError::UnknownKind("jump".into())),
            ("izumi/1 goto", DecodeError::Malformed("goto")),
            ("izumi/1 goto three", DecodeError::Malformed("goto")),
            ("izumi/1 goto -1", DecodeError::Malformed("goto")),
            ("izumi/1 ping 1", DecodeError::Malformed("ping")),
            ("izumi/1 scene 3 10 yes", DecodeError::Malformed("scene")),
            ("izumi/1 hello teacher f -", DecodeError::Malformed("hello")),
            ("izumi/1 goto  3", DecodeError::BadField),
            ("izumi/1 refused a\u{1b}[2J", DecodeError::BadField),
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
        input.extend_from_slice(b"izumi/1 goto 5"); // truncated: no newline before the end
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
    fn fields_that_cannot_travel_are_replaced() {
        let refused = Message::Refused {
            reason: "two words".into(),
        };
        assert_eq!(refused.encode(), "izumi/1 refused -\n");
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
