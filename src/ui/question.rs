//! A question drawn for any screen: the prompt, its choices lettered A–F (or numbered 1–6 where
//! number keys answer), the reader's own choice, a tally in bars with counts and percentages, the
//! right answer marked with its explanation, and a line saying whether answers are taken.
//!
//! The card borrows what it draws (a prompt and choices: a question put to the class, or a
//! story's own for a reader's "check yourself") and lays itself out as lines, so that a screen
//! can ask how tall it is before giving it room. Widths are display cells; what does not fit is
//! cut with an ellipsis.
//!
//! For a story's own question (a reader's "check yourself"), `Asked::from_story(story, scene,
//! question, 0)` gives the explanation as plain text with its footnotes as `[N]`:
//! `QuestionCard::asked(&asked, theme).chosen(Some(mine)).answer(asked.answer, &asked.explain)`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::asking::Asked;

/// The cells a tally's count and percentage take: " 1234  100%".
const FIGURES: usize = 11;
/// The mark column and the label column before a choice's text: "✓ A  ".
const INDENT: usize = 5;

/// How choices are labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// A, B, C… (what every screen calls them).
    Letters,
    /// 1, 2, 3… (where number keys answer).
    Numbers,
}

/// A question, laid out for a given width.
#[derive(Clone, Copy)]
pub struct QuestionCard<'a> {
    prompt: &'a str,
    choices: &'a [String],
    labels: Labels,
    chosen: Option<usize>,
    counts: Option<&'a [u32]>,
    answer: Option<usize>,
    /// Whether the answer is said in words under the choices, not only marked.
    say_answer: bool,
    explain: Option<&'a str>,
    note: Option<&'a str>,
    stage: bool,
    spacious: bool,
    bars_below: bool,
    theme: &'a Theme,
}

impl<'a> QuestionCard<'a> {
    /// A prompt and its choices, lettered, with nothing marked.
    pub fn new(prompt: &'a str, choices: &'a [String], theme: &'a Theme) -> Self {
        QuestionCard {
            prompt,
            choices,
            labels: Labels::Letters,
            chosen: None,
            counts: None,
            answer: None,
            say_answer: false,
            explain: None,
            note: None,
            stage: false,
            spacious: false,
            bars_below: false,
            theme,
        }
    }

    /// A question put to the class.
    pub fn asked(asked: &'a Asked, theme: &'a Theme) -> Self {
        Self::new(&asked.prompt, &asked.choices, theme)
    }

    /// Labels the choices 1, 2, 3… (for number keys) instead of A, B, C…; the reader's answer
    /// is still said by its letter, with its key.
    pub fn numbered(mut self) -> Self {
        self.labels = Labels::Numbers;
        self
    }

    /// The reader's own choice, marked and said under the choices.
    pub fn chosen(mut self, choice: Option<usize>) -> Self {
        self.chosen = choice;
        self
    }

    /// Counts per choice, drawn as bars with counts and percentages.
    pub fn tally(mut self, counts: Option<&'a [u32]>) -> Self {
        self.counts = counts;
        self
    }

    /// The right choice (if the question has one) marked, and why, under the choices.
    pub fn answer(mut self, answer: Option<usize>, explain: &'a str) -> Self {
        self.answer = answer;
        self.say_answer = true;
        self.explain = (!explain.trim().is_empty()).then_some(explain);
        self
    }

    /// The right choice marked among the choices only (for the teacher's own screen).
    pub fn marked(mut self, answer: Option<usize>) -> Self {
        self.answer = answer;
        self
    }

    /// A line under it all: whether answers are taken, how many came.
    pub fn note(mut self, note: Option<&'a str>) -> Self {
        self.note = note;
        self
    }

    /// Drawn on the projector's stage: its colours, high contrast.
    pub fn on_stage(mut self) -> Self {
        self.stage = true;
        self
    }

    /// A blank line between choices, where there is room.
    pub fn spacious(mut self, spacious: bool) -> Self {
        self.spacious = spacious;
        self
    }

    /// A tally's bars under their choice's whole text rather than beside a cut one.
    pub fn bars_below(mut self, below: bool) -> Self {
        self.bars_below = below;
        self
    }

    /// The label of choice `i`: "A" or "1".
    pub fn label(&self, i: usize) -> String {
        match self.labels {
            Labels::Letters => crate::story::Question::letter(i).to_string(),
            Labels::Numbers => (i + 1).to_string(),
        }
    }

    /// The rows it takes at this width.
    pub fn height(&self, width: u16) -> u16 {
        u16::try_from(self.lines(width).len()).unwrap_or(u16::MAX)
    }

    fn styles(&self) -> Styles {
        let theme = self.theme;
        if self.stage {
            let base = theme.stage;
            Styles {
                base,
                prompt: theme.stage_title,
                label: base.patch(theme.key),
                answer: base.patch(theme.answer),
                bar: base.patch(theme.tally_bar),
                dim: theme.stage_progress,
            }
        } else {
            Styles {
                base: theme.text,
                prompt: theme.title,
                label: theme.key,
                answer: theme.answer,
                bar: theme.tally_bar,
                dim: theme.dim,
            }
        }
    }

    /// The card as lines of at most `width` cells.
    pub fn lines(&self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width);
        let styles = self.styles();
        let mut lines: Vec<Line<'static>> = wrap(self.prompt, width)
            .into_iter()
            .map(|line| Line::styled(line, styles.prompt))
            .collect();
        lines.push(Line::default());
        let text_room = width.saturating_sub(INDENT);
        let total: u32 = self.counts.map_or(0, |counts| counts.iter().sum());
        // With a tally, each choice takes one row, its text then its bar, where the text fits
        // beside a bar; else the text (wrapped) and the bar under it.
        let longest = self.choices.iter().map(|c| c.width()).max().unwrap_or(0);
        let beside = text_room.saturating_sub(FIGURES + 1) * 3 / 5;
        let one_row = longest <= beside || (beside >= 24 && !self.spacious && !self.bars_below);
        for (i, choice) in self.choices.iter().enumerate() {
            if i > 0 && self.spacious {
                lines.push(Line::default());
            }
            let right = self.answer == Some(i);
            let mark = if right {
                "✓ "
            } else if self.chosen == Some(i) {
                "▸ "
            } else {
                "  "
            };
            let text_style = if right { styles.answer } else { styles.base };
            let head = vec![
                Span::styled(mark, if right { styles.answer } else { styles.label }),
                Span::styled(format!("{:<3}", self.label(i)), styles.label),
            ];
            if width < INDENT + 1 {
                lines.push(Line::from(head));
                continue;
            }
            let tally = self.counts.map(|counts| {
                let count = counts.get(i).copied().unwrap_or(0);
                (count, format!("{count:>5}  {:>3}%", percent(count, total)))
            });
            match tally {
                Some((count, figures)) if one_row => {
                    let text_width = longest.min(beside);
                    let mut spans = head;
                    let text = ellipsis(choice, text_width);
                    let pad = text_width.saturating_sub(text.width());
                    spans.push(Span::styled(text, text_style));
                    spans.push(Span::raw(" ".repeat(pad + 1)));
                    let bar_room = text_room.saturating_sub(text_width + 1 + FIGURES);
                    let bar = bar(count, total, bar_room);
                    let bar_pad = bar_room.saturating_sub(bar.width());
                    spans.push(Span::styled(bar, styles.bar));
                    spans.push(Span::raw(" ".repeat(bar_pad)));
                    spans.push(Span::styled(
                        ellipsis(&figures, width.min(FIGURES)),
                        text_style,
                    ));
                    lines.push(Line::from(spans));
                }
                _ => {
                    let mut rows = wrap(choice, text_room).into_iter();
                    let mut spans = head;
                    spans.push(Span::styled(rows.next().unwrap_or_default(), text_style));
                    lines.push(Line::from(spans));
                    for row in rows {
                        lines.push(Line::from(vec![
                            Span::raw(" ".repeat(INDENT)),
                            Span::styled(row, text_style),
                        ]));
                    }
                    if let Some((count, figures)) = tally {
                        let bar_room = text_room.saturating_sub(FIGURES);
                        let bar = bar(count, total, bar_room);
                        let bar_pad = bar_room.saturating_sub(bar.width());
                        lines.push(Line::from(vec![
                            Span::raw(" ".repeat(INDENT)),
                            Span::styled(bar, styles.bar),
                            Span::raw(" ".repeat(bar_pad)),
                            Span::styled(ellipsis(&figures, text_room.min(FIGURES)), text_style),
                        ]));
                    }
                }
            }
        }
        if let Some(chosen) = self.chosen.filter(|c| *c < self.choices.len()) {
            lines.push(Line::default());
            let mut spans = vec![
                Span::styled("your answer: ", styles.dim),
                Span::styled(
                    crate::story::Question::letter(chosen).to_string(),
                    styles.label,
                ),
            ];
            if self.labels == Labels::Numbers {
                spans.push(Span::styled(format!(" (key {})", chosen + 1), styles.dim));
            }
            lines.push(Line::from(spans));
        }
        if let Some(answer) = self
            .answer
            .filter(|a| self.say_answer && *a < self.choices.len())
        {
            lines.push(Line::default());
            let letter = crate::story::Question::letter(answer);
            let said = format!("Answer: {letter} — {}", self.choices[answer]);
            lines.extend(
                wrap(&said, width)
                    .into_iter()
                    .map(|line| Line::styled(line, styles.answer)),
            );
        }
        if let Some(explain) = self.explain {
            for paragraph in explain.split("\n\n") {
                lines.push(Line::default());
                lines.extend(
                    wrap(paragraph, width)
                        .into_iter()
                        .map(|line| Line::styled(line, styles.base)),
                );
            }
        }
        if let Some(note) = self.note {
            lines.push(Line::default());
            lines.extend(
                wrap(note, width)
                    .into_iter()
                    .map(|line| Line::styled(line, styles.dim)),
            );
        }
        lines
    }
}

struct Styles {
    base: Style,
    prompt: Style,
    label: Style,
    answer: Style,
    bar: Style,
    dim: Style,
}

impl Widget for QuestionCard<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let style = self.styles().base;
        Paragraph::new(self.lines(area.width))
            .style(style)
            .render(area, buf);
    }
}

/// A whole percentage of `total`, 0 when nobody answered.
pub fn percent(count: u32, total: u32) -> u32 {
    if total == 0 {
        0
    } else {
        ((u64::from(count) * 100 + u64::from(total) / 2) / u64::from(total)) as u32
    }
}

/// A bar `count / total` of `room` cells long, in eighths of a cell.
fn bar(count: u32, total: u32, room: usize) -> String {
    if total == 0 || room == 0 {
        return String::new();
    }
    let eighths = (u64::from(count) * room as u64 * 8 / u64::from(total)) as usize;
    let mut bar = "█".repeat(eighths / 8);
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if !eighths.is_multiple_of(8) {
        bar.push(PARTS[eighths % 8]);
    }
    if bar.is_empty() && count > 0 {
        // Someone chose it: a sliver says so.
        bar.push('▏');
    }
    bar
}

/// `text` cut to `width` display cells, ending in "…" when cut; control characters are left
/// out (the text has been cleaned before, this is a second fence).
pub fn ellipsis(text: &str, width: usize) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    crate::wrap::truncate(&clean, width)
}

/// Words of `text` in lines of at most `width` display cells; a word wider than a line is cut
/// with an ellipsis.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if width == 0 {
        return lines;
    }
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let word = ellipsis(word, width);
        let w = word.width();
        if used > 0 && used + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        line.push_str(&word);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ellipsis_counts_display_cells() {
        assert_eq!(ellipsis("Harbin", 10), "Harbin");
        assert_eq!(ellipsis("Harbin station", 8), "Harbin…");
        // 哈尔滨 is six cells wide.
        assert_eq!(ellipsis("哈尔滨站", 6), "哈尔…");
        assert_eq!(ellipsis("a\u{1b}[2Jb", 5), "a[2Jb");
    }

    #[test]
    fn bars_are_proportional_and_never_hide_an_answer() {
        assert_eq!(bar(1, 2, 10), "█████");
        assert_eq!(bar(0, 2, 10), "");
        assert_eq!(bar(1, 1000, 10), "▏");
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn wrap_keeps_to_the_width_in_cells() {
        for line in wrap("東京 から 哈尔滨 まで the long way round", 7) {
            assert!(line.width() <= 7, "{line:?}");
        }
    }
}
