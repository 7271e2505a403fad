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
        let len = word.width();
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

/// The width of text on a terminal, in display cells: a CJK character or an emoji takes two,
/// a combining mark none.
pub fn cells(text: &str) -> usize {
    text.width()
}

/// Text cut to at most `width` display cells, ending with "…" when anything was cut; text that
/// fits comes back as it is. Never splits a character from the marks that combine with it.
/// Every truncation on the terminal goes through here (or [`fit_line`]).
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    let mut kept = true;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if w == 0 {
            // A combining mark goes with the character before it, if that was kept.
            if kept {
                out.push(c);
            }
            continue;
        }
        if used + w > room {
            break;
        }
        kept = true;
        out.push(c);
        used += w;
    }
    if width > 0 {
        // "who …" reads as a gap: the ellipsis goes straight after the last word kept.
        out.truncate(out.trim_end().len());
        out.push('…');
    }
    out
}

/// Text cut from the front to at most `width` display cells, beginning with "…" when anything
/// was cut: the end of a text that leads up to something (a search hit's context).
pub fn truncate_start(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(1);
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    // From the end: a combining mark is kept only with the character it follows.
    let mut marks: Vec<char> = Vec::new();
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if w == 0 {
            marks.push(c);
            continue;
        }
        if used + w > room {
            break;
        }
        kept.append(&mut marks);
        kept.push(c);
        used += w;
    }
    if width == 0 {
        return String::new();
    }
    let body: String = kept.into_iter().rev().collect();
    format!("…{}", body.trim_start())
}

/// A styled line cut to at most `width` display cells, ending with "…" (in the style of the
/// text it cut) when anything was cut; a line that fits comes back as it is.
pub fn fit_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let Line {
        spans,
        style,
        alignment,
    } = line;
    let mut kept = Vec::new();
    let mut room = width;
    for span in spans {
        let w = span.content.width();
        if w < room {
            room -= w;
            kept.push(span);
            continue;
        }
        // This span does not fit with the ellipsis after it: cut it and stop.
        let cut = truncate(&span.content, room);
        kept.push(Span::styled(cut, span.style));
        room = 0;
        break;
    }
    if room > 0 {
        // Every span fitted but the last: the ellipsis goes after them.
        kept.push(Span::raw("…"));
    }
    let mut line = Line::from(kept).style(style);
    line.alignment = alignment;
    line
}

/// A row with a hanging indent: `lead` (a key, a term, a marker) and then `body`, wrapped to
/// `width` cells, continuation lines indented to start under the body's first word, not under
/// the lead. A lead wider than half the width gets the first line to itself (cut with "…" if
/// need be), and the body follows indented by four cells.
pub fn hanging(
    lead: Vec<Span<'static>>,
    body: Vec<Span<'static>>,
    width: usize,
) -> Vec<Line<'static>> {
    let lead = Line::from(lead);
    let lead_width = lead.width();
    let (indent, mut lines) = if lead_width <= width / 2 {
        (lead_width, Vec::new())
    } else {
        (4.min(width / 2), vec![fit_line(lead.clone(), width)])
    };
    let body_width = u16::try_from(width.saturating_sub(indent).max(1)).unwrap_or(u16::MAX);
    let wrapped = wrap_lines(&[Line::from(body)], body_width);
    for (i, part) in wrapped.into_iter().enumerate() {
        let mut spans = if i == 0 && lines.is_empty() {
            lead.spans.clone()
        } else {
            vec![Span::raw(" ".repeat(indent))]
        };
        spans.extend(part.spans);
        lines.push(Line::from(spans));
    }
    lines
}

/// Wraps styled lines to `width` columns, breaking between words (a run of whitespace becomes
/// one space, and none at the start or end of a line); a word wider than a line is cut. An empty
/// line stays an empty line. Styles carry over, also within a word made of several spans.
pub fn wrap_lines(lines: &[Line<'_>], width: u16) -> Vec<Line<'static>> {
    let tagged: Vec<Vec<(Span<'_>, u32)>> = lines
        .iter()
        .map(|line| {
            line.spans
                .iter()
                .map(|span| {
                    let style = span.style.patch(line.style);
                    (Span::styled(span.content.as_ref(), style), 0)
                })
                .collect()
        })
        .collect();
    wrap_tagged(&tagged, width)
        .into_iter()
        .map(|line| line.spans)
        .collect()
}

/// `wrap_lines`, stopping once `rows` lines are wrapped: all that a pane of that height shows,
/// however long the text (a person's entry grows with every part the story tells).
pub fn wrap_lines_within(lines: &[Line<'_>], width: u16, rows: usize) -> Vec<Line<'static>> {
    let mut wrapped = Vec::new();
    for line in lines {
        if wrapped.len() >= rows {
            break;
        }
        wrapped.extend(wrap_lines(std::slice::from_ref(line), width));
    }
    wrapped.truncate(rows);
    wrapped
}

/// A wrapped line whose spans carry the tags of the text they came from.
#[derive(Debug, Default)]
pub struct TaggedLine {
    pub spans: Line<'static>,
    /// One tag per span of `spans`.
    pub tags: Vec<u32>,
}

/// Wraps lines of tagged spans as [`wrap_lines`] does, keeping each span's tag (0 for none), so
/// that whoever drew a span can later find where it went: a span is never merged with a
/// neighbour of another tag.
pub fn wrap_tagged(lines: &[Vec<(Span<'_>, u32)>], width: u16) -> Vec<TaggedLine> {
    let width = usize::from(width);
    let mut wrapped = Vec::new();
    for line in lines {
        let mut words = Words::default();
        for (span, tag) in line {
            words.add(&span.content, span.style, *tag);
        }
        words.finish();
        if words.list.is_empty() {
            wrapped.push(TaggedLine::default());
            continue;
        }
        let mut current = TaggedLine::default();
        let mut used = 0;
        for word in words.list {
            if used > 0 && used + 1 + word.width > width {
                wrapped.push(std::mem::take(&mut current));
                used = 0;
            }
            if used > 0 {
                current.push(" ", word.space_style, 0);
                used += 1;
            }
            if word.width <= width.saturating_sub(used) || width == 0 {
                for (text, style, tag) in &word.pieces {
                    current.push(text, *style, *tag);
                }
                used += word.width;
                continue;
            }
            // Too wide for any line: cut it where the line is full.
            for (text, style, tag) in &word.pieces {
                for c in text.chars() {
                    let w = c.width().unwrap_or(0);
                    if used > 0 && used + w > width {
                        wrapped.push(std::mem::take(&mut current));
                        used = 0;
                    }
                    current.push(c.encode_utf8(&mut [0; 4]), *style, *tag);
                    used += w;
                }
            }
        }
        wrapped.push(current);
    }
    wrapped
}

impl TaggedLine {
    /// Appends text, extending the last span when the style and tag are the same.
    fn push(&mut self, text: &str, style: Style, tag: u32) {
        match (self.spans.spans.last_mut(), self.tags.last()) {
            (Some(last), Some(last_tag)) if last.style == style && *last_tag == tag => {
                last.content.to_mut().push_str(text);
            }
            _ => {
                self.spans.spans.push(Span::styled(text.to_owned(), style));
                self.tags.push(tag);
            }
        }
    }
}

/// A word: its pieces in their styles with their tags, its width, and the style of the space
/// before it.
struct Word {
    pieces: Vec<(String, Style, u32)>,
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
    fn add(&mut self, text: &str, style: Style, tag: u32) {
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
                word.pieces.push((piece.to_owned(), style, tag));
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
    fn wrapping_within_some_rows_gives_the_first_rows_of_the_whole() {
        let lines = vec![
            Line::from("A first paragraph that wraps over several rows of a narrow pane."),
            Line::default(),
            Line::from(vec![
                "A second ".bold(),
                "in two styles, also wrapping.".into(),
            ]),
            Line::from("A third."),
        ];
        let whole = wrap_lines(&lines, 20);
        assert!(whole.len() > 8, "{whole:?}");
        for rows in 0..whole.len() + 3 {
            let within = wrap_lines_within(&lines, 20, rows);
            assert_eq!(within, whole[..rows.min(whole.len())], "{rows} rows");
        }
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

    #[test]
    fn truncation_measures_display_cells_and_ends_with_an_ellipsis() {
        assert_eq!(truncate("Soviet intelligence officer", 10), "Soviet in…");
        assert_eq!(truncate("fits", 4), "fits");
        assert_eq!(truncate("fits", 10), "fits");
        // CJK characters take two cells each: 和泉 is four cells wide.
        assert_eq!(truncate("和泉孝三", 5), "和泉…");
        assert_eq!(cells(&truncate("和泉孝三", 5)), 5);
        assert_eq!(truncate("和泉孝三", 4), "和…");
        // An emoji takes two cells and is never split.
        assert_eq!(truncate("🎌🎌🎌 flags", 5), "🎌🎌…");
        assert_eq!(truncate("🎌🎌🎌 flags", 4), "🎌…");
        // A combining mark stays with its letter, and costs no cell.
        assert_eq!(
            truncate("Ko\u{304}zo\u{304} Izumi", 5),
            "Ko\u{304}zo\u{304}…"
        );
        assert_eq!(cells("Ko\u{304}zo\u{304}"), 4);
        assert_eq!(
            truncate("officer in Tokyo who went", 21),
            "officer in Tokyo who…"
        );
        assert_eq!(truncate("anything", 1), "…");
        assert_eq!(truncate_start("the code books of Tokyo", 10), "…of Tokyo");
        assert_eq!(truncate_start("和泉孝三", 5), "…孝三");
        assert_eq!(truncate_start("Ko\u{304}zo\u{304}", 3), "…zo\u{304}");
        assert_eq!(truncate_start("short", 9), "short");
        assert_eq!(truncate("anything", 0), "");
    }

    #[test]
    fn a_styled_line_is_cut_with_an_ellipsis_in_the_style_it_cut() {
        let line = Line::from(vec![Span::raw("Kōzō Izumi"), " · Japanese diplomat".dim()]);
        let fitted = fit_line(line.clone(), 20);
        assert_eq!(fitted.to_string(), "Kōzō Izumi · Japane…");
        assert_eq!(fitted.width(), 20);
        assert_eq!(fitted.spans[1].style, Style::new().dim());
        assert_eq!(fit_line(line.clone(), 30), line);
        let wide = Line::from(vec![Span::raw("和泉"), Span::raw("孝三")]);
        assert_eq!(fit_line(wide, 5).to_string(), "和泉…");
    }

    #[test]
    fn hanging_rows_continue_under_the_body_not_under_the_lead() {
        let lines = hanging(
            vec![Span::raw("  Left h p   ")],
            vec![Span::raw(
                "previous scene, and a long explanation that wraps",
            )],
            30,
        );
        assert_eq!(
            plain(&lines),
            [
                "  Left h p   previous scene,",
                "             and a long",
                "             explanation that",
                "             wraps"
            ]
        );
        assert!(lines.iter().all(|line| line.width() <= 30));
        let long = hanging(
            vec![Span::raw("a very long term indeed — ")],
            vec![Span::raw("its definition")],
            30,
        );
        assert_eq!(
            plain(&long),
            ["a very long term indeed — ", "    its definition"]
        );
    }
}
