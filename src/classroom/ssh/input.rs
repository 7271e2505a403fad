//! Keys and clicks from the bytes an SSH client's terminal sends: printable UTF-8, the control
//! keys, the escape sequences of xterm-like terminals for the keys izumi's keymap uses (arrows,
//! Home/End, PageUp/PageDown, Delete, Shift-Tab, F1–F12) and SGR mouse reports. Everything
//! else is dropped. crossterm's own parser reads only the local terminal, so this one is
//! izumi's: small, with no allocation past one short sequence, so no client can make it hold
//! more than [`LONGEST_SEQUENCE`] bytes.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// The longest escape sequence kept while it arrives; a longer one is dropped whole.
pub const LONGEST_SEQUENCE: usize = 32;

/// Where the parser is in the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Ground,
    /// After ESC.
    Escape,
    /// After `ESC [`: parameters until a final byte.
    Csi,
    /// A sequence too long to keep: skipped until its final byte.
    Skipping,
    /// After `ESC O`.
    Ss3,
    /// Inside a UTF-8 character, this many bytes still to come.
    Utf8(usize),
}

/// Turns a client's bytes into terminal events, as they come, packet by packet.
#[derive(Debug)]
pub struct Parser {
    state: State,
    /// The sequence's parameters, or the UTF-8 character, so far.
    held: Vec<u8>,
    /// The last byte was a carriage return (so that a CR LF is one Enter).
    after_cr: bool,
}

impl Default for Parser {
    fn default() -> Self {
        Parser {
            state: State::Ground,
            held: Vec::with_capacity(LONGEST_SEQUENCE),
            after_cr: false,
        }
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn with(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

impl Parser {
    /// The events in `bytes`, appended to `events`. An ESC that ends a packet is the Esc key:
    /// a terminal sends a whole sequence at once, and only a lone Esc arrives alone.
    pub fn feed(&mut self, bytes: &[u8], events: &mut Vec<Event>) {
        for &byte in bytes {
            self.byte(byte, events);
        }
        if self.state == State::Escape {
            events.push(key(KeyCode::Esc));
            self.state = State::Ground;
        }
    }

    fn byte(&mut self, byte: u8, events: &mut Vec<Event>) {
        let after_cr = std::mem::replace(&mut self.after_cr, false);
        match self.state {
            State::Ground => self.ground(byte, after_cr, events),
            State::Escape => match byte {
                b'[' => {
                    self.held.clear();
                    self.state = State::Csi;
                }
                b'O' => self.state = State::Ss3,
                0x1b => events.push(key(KeyCode::Esc)),
                0x20..=0x7e => {
                    events.push(with(KeyCode::Char(char::from(byte)), KeyModifiers::ALT));
                    self.state = State::Ground;
                }
                _ => {
                    events.push(key(KeyCode::Esc));
                    self.state = State::Ground;
                    self.ground(byte, false, events);
                }
            },
            State::Csi => match byte {
                0x20..=0x3f if self.held.len() < LONGEST_SEQUENCE => self.held.push(byte),
                0x20..=0x3f => self.state = State::Skipping,
                0x40..=0x7e => {
                    self.state = State::Ground;
                    if let Some(event) = csi(&self.held, byte) {
                        events.push(event);
                    }
                }
                // A control byte inside a sequence: the sequence is broken; start afresh.
                _ => {
                    self.state = State::Ground;
                    self.ground(byte, false, events);
                }
            },
            State::Skipping => {
                if !(0x20..=0x3f).contains(&byte) {
                    self.state = State::Ground;
                }
            }
            State::Ss3 => {
                self.state = State::Ground;
                // Keypad Enter, else the keys CSI also ends with.
                let code = match byte {
                    b'M' => Some(KeyCode::Enter),
                    _ => final_key(byte),
                };
                if let Some(code) = code {
                    events.push(key(code));
                }
            }
            State::Utf8(left) => {
                if byte & 0xc0 != 0x80 {
                    // Not a continuation: the character was broken; this byte starts afresh.
                    self.state = State::Ground;
                    self.ground(byte, false, events);
                    return;
                }
                self.held.push(byte);
                if left > 1 {
                    self.state = State::Utf8(left - 1);
                    return;
                }
                self.state = State::Ground;
                if let Some(c) = std::str::from_utf8(&self.held)
                    .ok()
                    .and_then(|text| text.chars().next())
                    .filter(|c| !c.is_control())
                {
                    events.push(key(KeyCode::Char(c)));
                }
            }
        }
    }

    fn ground(&mut self, byte: u8, after_cr: bool, events: &mut Vec<Event>) {
        let event = match byte {
            0x1b => {
                self.state = State::Escape;
                return;
            }
            b'\r' => {
                self.after_cr = true;
                key(KeyCode::Enter)
            }
            b'\n' if after_cr => return,
            b'\n' => key(KeyCode::Enter),
            b'\t' => key(KeyCode::Tab),
            0x7f | 0x08 => key(KeyCode::Backspace),
            0x01..=0x1a => with(
                KeyCode::Char(char::from(b'a' + byte - 1)),
                KeyModifiers::CONTROL,
            ),
            0x20..=0x7e => key(KeyCode::Char(char::from(byte))),
            0xc2..=0xdf => return self.start_utf8(byte, 1),
            0xe0..=0xef => return self.start_utf8(byte, 2),
            0xf0..=0xf4 => return self.start_utf8(byte, 3),
            // NUL, the other C0 controls, stray continuation bytes, bytes UTF-8 never uses.
            _ => return,
        };
        events.push(event);
    }

    fn start_utf8(&mut self, byte: u8, left: usize) {
        self.held.clear();
        self.held.push(byte);
        self.state = State::Utf8(left);
    }
}

/// The numbers of a sequence's parameters (`1;5` → 1, 5), missing ones as 0.
fn numbers(params: &[u8]) -> impl Iterator<Item = u16> + '_ {
    params.split(|b| *b == b';').map(|part| {
        part.iter()
            .filter(|b| b.is_ascii_digit())
            .fold(0u16, |n, b| {
                n.saturating_mul(10).saturating_add(u16::from(b - b'0'))
            })
    })
}

/// The modifiers xterm encodes as 1 + a bit set (2 is Shift, 3 Alt, 5 Ctrl…).
fn modifiers(code: u16) -> KeyModifiers {
    let bits = code.saturating_sub(1);
    let mut modifiers = KeyModifiers::NONE;
    if bits & 1 != 0 {
        modifiers |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        modifiers |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        modifiers |= KeyModifiers::CONTROL;
    }
    modifiers
}

/// The event of a complete `ESC [ params final` sequence, if izumi has a use for it.
fn csi(params: &[u8], last: u8) -> Option<Event> {
    if let Some(mouse) = params.strip_prefix(b"<") {
        return sgr_mouse(mouse, last);
    }
    if params
        .first()
        .is_some_and(|b| !b.is_ascii_digit() && *b != b';')
    {
        return None;
    }
    let mut numbers = numbers(params);
    let first = numbers.next().unwrap_or(0);
    let modifiers = modifiers(numbers.next().unwrap_or(1));
    let code = match last {
        b'Z' => return Some(with(KeyCode::BackTab, KeyModifiers::SHIFT)),
        b'~' => match first {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            11..=15 => KeyCode::F(u8::try_from(first - 10).ok()?),
            17..=21 => KeyCode::F(u8::try_from(first - 11).ok()?),
            23 | 24 => KeyCode::F(u8::try_from(first - 12).ok()?),
            _ => return None,
        },
        _ => final_key(last)?,
    };
    Some(with(code, modifiers))
}

/// The keys a sequence names by its final letter alone, the same after `ESC O` (SS3) and
/// `ESC [` (CSI): arrows, Home, End and F1–F4.
fn final_key(last: u8) -> Option<KeyCode> {
    Some(match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(last - b'P' + 1),
        _ => return None,
    })
}

/// An SGR mouse report, `ESC [ < button ; column ; row M` (pressed) or `m` (released): the
/// left button, its drags, and the wheel.
fn sgr_mouse(params: &[u8], last: u8) -> Option<Event> {
    let mut numbers = numbers(params);
    let (button, column, row) = (numbers.next()?, numbers.next()?, numbers.next()?);
    let kind = match (button & !(4 | 8 | 16), last) {
        (0, b'M') => MouseEventKind::Down(MouseButton::Left),
        (0, b'm') => MouseEventKind::Up(MouseButton::Left),
        (32, b'M') => MouseEventKind::Drag(MouseButton::Left),
        (64, b'M') => MouseEventKind::ScrollUp,
        (65, b'M') => MouseEventKind::ScrollDown,
        _ => return None,
    };
    Some(Event::Mouse(MouseEvent {
        kind,
        column: column.saturating_sub(1),
        row: row.saturating_sub(1),
        modifiers: KeyModifiers::NONE,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        Parser::default().feed(bytes, &mut events);
        events
    }

    fn codes(bytes: &[u8]) -> Vec<KeyCode> {
        parse(bytes)
            .into_iter()
            .filter_map(|event| match event {
                Event::Key(key) => Some(key.code),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_keys_the_keymap_uses_arrive_as_keys() {
        use KeyCode::*;
        assert_eq!(
            codes(b"\x1b[A\x1b[B\x1b[C\x1b[D\x1bOA\x1bOD"),
            [Up, Down, Right, Left, Up, Left]
        );
        assert_eq!(
            codes(b"\x1b[H\x1b[F\x1b[1~\x1b[4~\x1bOH\x1bOF"),
            [Home, End, Home, End, Home, End]
        );
        assert_eq!(
            codes(b"\x1b[5~\x1b[6~\x1b[3~\x1b[Z"),
            [PageUp, PageDown, Delete, BackTab]
        );
        assert_eq!(codes(b"\x1bOP\x1b[15~\x1b[24~"), [F(1), F(5), F(12)]);
        assert_eq!(
            codes(b"\r\t\x7f\x08 l?"),
            [
                Enter,
                Tab,
                Backspace,
                Backspace,
                Char(' '),
                Char('l'),
                Char('?')
            ]
        );
        assert_eq!(codes("ōé東".as_bytes()), [Char('ō'), Char('é'), Char('東')]);
    }

    #[test]
    fn ctrl_c_is_ctrl_c_and_a_lone_esc_is_esc() {
        assert_eq!(
            parse(b"\x03"),
            [with(KeyCode::Char('c'), KeyModifiers::CONTROL)]
        );
        assert_eq!(parse(b"\x1b"), [key(KeyCode::Esc)]);
        assert_eq!(parse(b"\x1b\x1b"), [key(KeyCode::Esc), key(KeyCode::Esc)]);
        // CR LF, as a paste may have, is one Enter.
        assert_eq!(
            codes(b"a\r\nb"),
            [KeyCode::Char('a'), KeyCode::Enter, KeyCode::Char('b')]
        );
    }

    #[test]
    fn modifiers_and_the_mouse_are_read() {
        assert_eq!(
            parse(b"\x1b[1;5C"),
            [with(KeyCode::Right, KeyModifiers::CONTROL)]
        );
        assert_eq!(
            parse(b"\x1b[<0;10;5M\x1b[<65;1;1M"),
            [
                Event::Mouse(MouseEvent {
                    kind: MouseEventKind::Down(MouseButton::Left),
                    column: 9,
                    row: 4,
                    modifiers: KeyModifiers::NONE,
                }),
                Event::Mouse(MouseEvent {
                    kind: MouseEventKind::ScrollDown,
                    column: 0,
                    row: 0,
                    modifiers: KeyModifiers::NONE,
                }),
            ]
        );
    }

    #[test]
    fn a_sequence_split_across_packets_is_still_one_key() {
        let mut parser = Parser::default();
        let mut events = Vec::new();
        parser.feed(b"\x1b[", &mut events);
        parser.feed(b"6~", &mut events);
        parser.feed(&[0xe6, 0x9d], &mut events);
        parser.feed(&[0xb1], &mut events);
        assert_eq!(events, [key(KeyCode::PageDown), key(KeyCode::Char('東'))]);
    }

    #[test]
    fn what_is_unknown_broken_or_too_long_is_dropped() {
        assert_eq!(codes(b"\x1b[99x\x1b[?1;2c"), []);
        // Paste markers, focus reports and other sequences izumi does not ask for.
        assert_eq!(codes(b"\x1b[200~a\x1b[201~\x1b[I"), [KeyCode::Char('a')]);
        let long = [b"\x1b[".as_slice(), &[b'1'; 500], b"~q"].concat();
        assert_eq!(codes(&long), [KeyCode::Char('q')]);
        // Bytes that are not UTF-8, and a character cut short by a new one.
        assert_eq!(codes(&[0xff, 0x80, 0xc3, b'x']), [KeyCode::Char('x')]);
        // Other control bytes do nothing.
        assert_eq!(codes(&[0x00, 0x1c, 0x1f]), []);
    }

    #[test]
    fn no_bytes_make_it_panic_or_hold_more_than_a_sequence() {
        let mut parser = Parser::default();
        let mut events = Vec::new();
        let mut seed = 0x2545_f491_u32;
        for _ in 0..20_000 {
            let mut chunk = [0u8; 17];
            for byte in &mut chunk {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                // Mostly the bytes sequences are made of, so that they are exercised.
                *byte = b"\x1b[O;<0123456789~ABCDHFMmZP\xc3\xa9\xe6"[(seed % 29) as usize]
                    .wrapping_add(if seed.is_multiple_of(97) { 0x80 } else { 0 });
            }
            parser.feed(&chunk, &mut events);
            assert!(parser.held.len() <= LONGEST_SEQUENCE);
            events.clear();
        }
    }
}
