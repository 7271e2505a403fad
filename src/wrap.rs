//! Greedy word wrapping: plain text for pages laid out by hand (exports, list entries), and
//! styled lines for the panes, where it replaces ratatui's grapheme-by-grapheme wrapper (the
//! costliest part of a frame) with a word-by-word one that gives the same result on prose.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Splits text into lines of at most `width` columns, breaking between words; a word longer
/// than the width gets a line of its own.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut column = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if column > 0 && column + 1 + len > width {
            lines.push(std::mem::take(&mut line));
            column = 0;
        }
        if column > 0 {
            line.push(' ');
            column += 1;
        }
        line.push_str(word);
        column += len;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Wraps styled lines to `width` columns, breaking between words (a run of whitespace becomes
/// one space, and none at the start or end of a line); a word wider than a line is cut. An empty
/// line stays an empty line. Styles carry over, also within a word made of several spans.
pub fn wrap_lines(lines: &[Line<'_>], width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut wrapped = Vec::new();
    for line in lines {
        let mut words = Words::default();
        for span in &line.spans {
            words.add(&span.content, span.style.patch(line.style));
        }
        words.finish();
        if words.list.is_empty() {
            wrapped.push(Line::default());
            continue;
        }
        let mut current: Vec<Span<'static>> = Vec::new();
        let mut used = 0;
        for word in words.list {
            if used > 0 && used + 1 + word.width > width {
                wrapped.push(Line::from(std::mem::take(&mut current)));
                used = 0;
            }
            if used > 0 {
                push(&mut current, " ", word.space_style);
                used += 1;
            }
            if word.width <= width.saturating_sub(used) || width == 0 {
                for (text, style) in &word.pieces {
                    push(&mut current, text, *style);
                }
                used += word.width;
                continue;
            }
            // Too wide for any line: cut it where the line is full.
            for (text, style) in &word.pieces {
                for c in text.chars() {
                    let w = c.width().unwrap_or(0);
                    if used > 0 && used + w > width {
                        wrapped.push(Line::from(std::mem::take(&mut current)));
                        used = 0;
                    }
                    push(&mut current, c.encode_utf8(&mut [0; 4]), *style);
                    used += w;
                }
            }
        }
        wrapped.push(Line::from(current));
    }
    wrapped
}

/// Appends text to a line, extending the last span when the style is the same.
fn push(spans: &mut Vec<Span<'static>>, text: &str, style: Style) {
    match spans.last_mut() {
        Some(last) if last.style == style => last.content.to_mut().push_str(text),
        _ => spans.push(Span::styled(text.to_owned(), style)),
    }
}

/// A word: its pieces in their styles, its width, and the style of the space before it.
struct Word {
    pieces: Vec<(String, Style)>,
    width: usize,
    space_style: Style,
}

/// Words collected from a line's spans.
#[derive(Default)]
struct Words {
    list: Vec<Word>,
    open: Option<Word>,
    space_style: Style,
}

impl Words {
    fn add(&mut self, text: &str, style: Style) {
        let mut rest = text;
        while !rest.is_empty() {
            let space = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if space > 0 {
                let piece = &rest[..space];
                let word = self.open.get_or_insert_with(|| Word {
                    pieces: Vec::new(),
                    width: 0,
                    space_style: self.space_style,
                });
                word.width += piece.width();
                word.pieces.push((piece.to_owned(), style));
            }
            rest = &rest[space..];
            let word_start = rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len());
            if word_start > 0 {
                self.finish();
                self.space_style = style;
            }
            rest = &rest[word_start..];
        }
    }

    fn finish(&mut self) {
        if let Some(word) = self.open.take() {
            self.list.push(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Stylize;

    #[test]
    fn breaks_between_words_within_the_width() {
        let text = "word ".repeat(40);
        let lines = wrap_words(&text, 72);
        assert!(lines.iter().all(|line| line.chars().count() <= 72));
        assert_eq!(lines.concat().matches("word").count(), 40);
    }

    #[test]
    fn long_words_stand_alone() {
        assert_eq!(wrap_words("a bbbbbb c", 3), ["a", "bbbbbb", "c"]);
    }

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn styled_lines_wrap_between_words_and_keep_their_styles() {
        let line = Line::from(vec![
            Span::raw("The code "),
            "books".underlined(),
            Span::raw(" were handed over."),
            "[12]".cyan(),
            Span::raw(" Then  more."),
        ]);
        let wrapped = wrap_lines(&[line, Line::default()], 14);
        assert_eq!(
            plain(&wrapped),
            [
                "The code books",
                "were handed",
                "over.[12] Then",
                "more.",
                ""
            ]
        );
        assert_eq!(wrapped[0].spans[1].content, "books");
        assert!(
            wrapped[0].spans[1]
                .style
                .add_modifier
                .contains(ratatui::style::Modifier::UNDERLINED)
        );
        assert_eq!(wrapped[2].spans[1].content, "[12]");
    }

    #[test]
    fn words_wider_than_the_line_are_cut_and_nothing_is_lost() {
        let wrapped = wrap_lines(&[Line::from("ab Kōzōizumi cd")], 4);
        assert_eq!(plain(&wrapped), ["ab", "Kōzō", "izum", "i cd"]);
        assert!(wrap_lines(&[Line::from("anything")], 0).len() == 1);
    }

    #[test]
    fn the_same_lines_as_ratatui_on_prose() {
        use ratatui::widgets::{Paragraph, Wrap};
        let text = "Izumi, it said, \"has at his disposal\" an Armenian journalist called \
                    Shawliyan, of Europe Press, and had also made contact with several White \
                    Russian circles in the city.";
        for width in [10u16, 17, 33, 40, 72] {
            let ours = wrap_lines(&[Line::from(text)], width).len();
            let theirs = Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .line_count(width);
            assert_eq!(ours, theirs, "at width {width}");
        }
    }
}
