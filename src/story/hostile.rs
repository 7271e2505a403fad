//! Finding the characters the loader removes from a story's strings (control characters, escape
//! sequences' introducers, bidirectional overrides), so that `izumi check` can point at each one.
//! The story still loads without them; this only tells its author where they were.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, SourceFile};
use super::text::is_unsafe;

/// One warning per removed character in the file's string values, located where it is written
/// (as a raw character or as an escape like `\u001b` or `\e`).
pub fn removed_characters(file: &SourceFile) -> Vec<Diagnostic> {
    let Ok(table) = DeTable::parse(&file.text) else {
        // A file that does not parse is reported as an error by the loader.
        return Vec::new();
    };
    let mut spans = Vec::new();
    collect_strings(table.get_ref(), &mut spans);
    spans.sort_by_key(|span| span.start);
    spans
        .into_iter()
        .flat_map(|span| {
            let raw = &file.text[span.clone()];
            unsafe_in_raw_string(raw)
                .into_iter()
                .map(move |(offset, c)| (span.start + offset, c))
        })
        .map(|(at, c)| file.error_at(at..at + 1, describe(c)))
        .collect()
}

fn collect_strings(table: &DeTable<'_>, spans: &mut Vec<Range<usize>>) {
    for (_, value) in table.iter() {
        collect_value(value, spans);
    }
}

fn collect_value(value: &Spanned<DeValue<'_>>, spans: &mut Vec<Range<usize>>) {
    match value.get_ref() {
        DeValue::String(text) if text.chars().any(is_unsafe) => spans.push(value.span()),
        DeValue::Array(items) => {
            for item in items.iter() {
                collect_value(item, spans);
            }
        }
        DeValue::Table(table) => collect_strings(table, spans),
        _ => {}
    }
}

/// The unsafe characters a TOML string's source yields, with their byte offsets in `raw`.
fn unsafe_in_raw_string(raw: &str) -> Vec<(usize, char)> {
    // Only basic strings ("…" and """…""") have escapes; literal strings ('…') are as written.
    let basic = raw.starts_with('"');
    let mut found = Vec::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if basic && c == '\\' {
            let Some((_, kind)) = chars.next() else { break };
            let mut hex = |digits: usize| {
                let code: String = (0..digits)
                    .filter_map(|_| chars.next())
                    .map(|(_, d)| d)
                    .collect();
                u32::from_str_radix(&code, 16).ok().and_then(char::from_u32)
            };
            let decoded = match kind {
                'e' => Some('\u{1b}'),
                'b' => Some('\u{8}'),
                'f' => Some('\u{c}'),
                'r' => Some('\r'),
                'x' => hex(2),
                'u' => hex(4),
                'U' => hex(8),
                _ => None,
            };
            if let Some(decoded) = decoded.filter(|d| is_unsafe(*d)) {
                found.push((at, decoded));
            }
        } else if c == '\r' && chars.peek().is_some_and(|(_, next)| *next == '\n') {
            // A Windows line ending inside a multi-line string: not worth a warning.
        } else if is_unsafe(c) {
            found.push((at, c));
        }
    }
    found
}

/// What was removed, in words.
fn describe(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    match c {
        '\u{1b}' => {
            format!("escape character ({code}) removed: escape sequences never reach the terminal")
        }
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => {
            format!("bidirectional control ({code}) removed: it could reorder what the reader sees")
        }
        _ => format!("control character ({code}) removed: it could act on the terminal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("story/episodes/x.toml".into(), text.into())
    }

    #[test]
    fn escapes_and_raw_characters_are_found_where_they_are_written() {
        let text = "title = \"a\\u001b[2Jb\"\nbio = \"\"\"\nline\\e[31m\nmore \u{202E}txt\"\"\"\n\
                    ok = 'lit\\u001b'\ntab = \"a\\tb\"\n";
        let messages: Vec<String> = removed_characters(&file(text))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(messages[0].starts_with("story/episodes/x.toml:1:11: escape character (U+001B)"));
        assert!(messages[1].starts_with("story/episodes/x.toml:3:5: escape character (U+001B)"));
        assert!(
            messages[2].starts_with("story/episodes/x.toml:4:6: bidirectional control (U+202E)")
        );
    }

    #[test]
    fn windows_line_endings_are_not_warned_about() {
        assert!(removed_characters(&file("bio = \"\"\"\r\none\r\ntwo\"\"\"\r\n")).is_empty());
    }
}
