//! "Check yourself": an episode's questions for a reader alone, one at a time, drawn as the
//! shared question card (choices lettered as on every screen; the number keys pick A, B…) with
//! the picked choice highlighted, then the reader's answer, whether it was right, why, and the footnotes and
//! editor's notes the explanation cites. Borrows the story, the question and the reader's answer.

use ratatui::text::{Line, Span};

use super::question::{QuestionCard, wrap};
use super::theme::Theme;
use crate::asking::Asked;
use crate::story::{Inline, Question, SceneId, Story};

/// One question of a check, as the overlay shows it.
pub struct Check<'a> {
    pub story: &'a Story,
    pub scene: SceneId,
    pub question: &'a Question,
    /// Its position among the episode's questions, and how many there are.
    pub at: usize,
    pub count: usize,
    /// The reader's answer, if they gave one.
    pub answered: Option<usize>,
    /// The highlighted choice, before answering.
    pub pick: usize,
    pub theme: &'a Theme,
}

impl Check<'_> {
    /// The check's lines, at most `width` cells wide; `keys` says how to answer, move on and
    /// close, as the keymap has it.
    pub fn lines(&self, width: u16, keys: &str) -> Vec<Line<'static>> {
        let Check {
            story,
            question,
            theme,
            ..
        } = *self;
        let cells = usize::from(width);
        let mut lines = vec![Line::styled(
            format!(
                "Question {} of {} · on “{}”",
                self.at + 1,
                self.count,
                story.scene(self.scene).title
            ),
            theme.dim,
        )];
        // The keys come first, where a long explanation cannot push them out of sight.
        lines.extend(
            wrap(keys, cells)
                .into_iter()
                .map(|row| Line::styled(row, theme.key)),
        );
        lines.push(Line::default());
        let scene_id = &story.scene(self.scene).id;
        let asked = Asked::from_story(story, scene_id, question, 0);
        let choices = &question.choices;
        let answered = self.answered.filter(|choice| *choice < choices.len());
        let card = QuestionCard::new(&question.prompt, choices, theme);
        let card_lines = match answered {
            None => {
                let mut card_lines = card.lines(width);
                // The picked choice's rows, highlighted: after the prompt and a blank line.
                let text_room = cells.saturating_sub(5);
                let rows = |text: &str| {
                    if text_room == 0 {
                        1
                    } else {
                        wrap(text, text_room).len().max(1)
                    }
                };
                let start = wrap(&question.prompt, cells).len()
                    + 1
                    + choices
                        .iter()
                        .take(self.pick)
                        .map(|c| rows(c))
                        .sum::<usize>();
                let picked = choices.get(self.pick).map_or(0, |c| rows(c));
                for line in card_lines.iter_mut().skip(start).take(picked) {
                    *line = std::mem::take(line).patch_style(theme.selected);
                }
                card_lines
            }
            Some(choice) => {
                let mut card_lines = card
                    .chosen(Some(choice))
                    .answer(question.answer, &asked.explain)
                    .lines(width);
                let verdict = match question.answer {
                    Some(right) if right == choice => Span::styled(" — right", theme.answer),
                    Some(right) => Span::styled(
                        format!(" — not the answer, which is {}", Question::letter(right)),
                        theme.disputed,
                    ),
                    None => Span::styled(" — no answer is right or wrong here", theme.dim),
                };
                if let Some(line) = card_lines.iter_mut().find(|line| {
                    line.spans
                        .first()
                        .is_some_and(|span| span.content.starts_with("your answer"))
                }) {
                    line.spans.push(verdict);
                }
                card_lines
            }
        };
        lines.extend(card_lines);
        if answered.is_some() {
            let cited = cited(story, question);
            if !cited.is_empty() {
                lines.push(Line::default());
                for (marker, text) in cited {
                    let said = format!("{marker} {text}");
                    lines.extend(
                        wrap(&said, cells)
                            .into_iter()
                            .map(|row| Line::styled(row, theme.dim)),
                    );
                }
            }
        }
        lines
    }
}

/// The footnotes and editor's notes the explanation cites, each once, in order: its marker as
/// the explanation shows it, and its text.
fn cited(story: &Story, question: &Question) -> Vec<(String, String)> {
    let mut cited: Vec<(String, String)> = Vec::new();
    for inline in question.explain.iter().flatten() {
        let item = match inline {
            Inline::Footnote(id) => {
                let footnote = story.footnote(*id);
                (format!("[{}]", footnote.number), footnote.full_text())
            }
            Inline::EditorNote(id) => {
                let note = story.editor_note(*id);
                (note.marker(), note.text.clone())
            }
            Inline::Text(_) | Inline::Term(..) => continue,
        };
        if !cited.iter().any(|(marker, _)| *marker == item.0) {
            cited.push(item);
        }
    }
    cited
}
