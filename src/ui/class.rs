//! The class's questions on each terminal screen: the projector's question screen (the
//! question large, the join code beside it, the tally once revealed) and a student's question in
//! the spotlight; the console's pane of the class (live tally, students' questions to moderate);
//! a follower's panel (the question, keys 1–6, their own answer).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::layout::titled_pane_block;
use super::question::{QuestionCard, ellipsis, wrap};
use super::split;
use super::theme::Theme;
use crate::app::App;
use crate::asking::{Moderation, Poll, Posted, Shown};
use crate::invite;

/// The counts to draw for a question, if the room may see them: the live ones where this
/// screen has them (presenter, console), else those published at the reveal.
pub fn counts_of<'a>(app: &'a App, poll: &'a Poll, live: bool) -> Option<&'a [u32]> {
    let desk = app
        .desk()
        .tally
        .as_ref()
        .filter(|(asked, _)| asked.number == poll.asked.number)
        .map(|(_, counts)| counts.as_slice());
    let published = poll.counts.as_deref();
    if live { desk.or(published) } else { published }
}

/// How many answered, from what this screen knows.
fn answers(app: &App, poll: &Poll) -> u32 {
    counts_of(app, poll, true).map_or(0, |counts| counts.iter().sum())
}

fn plural(n: u32, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The line under a question: open or closed, and how many answered.
fn note(app: &App, poll: &Poll) -> String {
    let answered = plural(answers(app, poll), "answer");
    if poll.open {
        format!("Answers open · {answered}")
    } else {
        format!("Answers closed · {answered}")
    }
}

/// The projector while a question is up: the question, large, with the join code and address
/// beside it where there is room; the tally once revealed; the answer and why at the end.
pub struct StageQuestion<'a> {
    pub app: &'a App,
    pub poll: &'a Poll,
    pub theme: &'a Theme,
}

impl Widget for StageQuestion<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let StageQuestion { app, poll, theme } = self;
        Block::new().style(theme.stage).render(area, buf);
        let shown = poll.shown;
        let counts = (shown >= Shown::Tally)
            .then(|| counts_of(app, poll, true))
            .flatten();
        let note = note(app, poll);
        let card_of = |spacious: bool, below: bool| {
            let card = QuestionCard::asked(&poll.asked, theme)
                .on_stage()
                .spacious(spacious)
                .bars_below(below)
                .tally(counts)
                .note(Some(&note));
            if shown == Shown::Answer {
                card.answer(poll.asked.answer, &poll.asked.explain)
            } else {
                card
            }
        };
        // The join code: half blocks, white on black, with the address under it.
        let address = app
            .invitations()
            .iter()
            .find(|line| line.starts_with("http://"));
        // No code for an address of this machine only: the top line says so instead.
        let code = address
            .filter(|_| invite::others_can_join(app.invitations()))
            .and_then(|_| invite::code_of(app.invitations()));
        // Square modules (two cells by one) where the stage is wide enough to leave the
        // question its 72 columns, else half blocks.
        let rows = code.as_ref().map(|code| {
            let size = u16::try_from(code.size()).unwrap_or(u16::MAX);
            if area.width >= size * 2 + 76 && area.height >= size + 2 {
                code.full_blocks()
            } else {
                code.half_blocks()
            }
        });
        let code_width = rows
            .as_ref()
            .and_then(|rows| rows.first())
            .map_or(0, |row| {
                u16::try_from(row.chars().count()).unwrap_or(u16::MAX)
            });
        let code_height = rows
            .as_ref()
            .map_or(0, |rows| u16::try_from(rows.len()).unwrap_or(u16::MAX));
        // The question keeps at least 44 columns; the code goes beside it when it fits whole.
        // Once the answer is shown, a narrow stage gives the code's room to the explanation.
        let beside = code_width > 0
            && area.width >= code_width + 44 + 6
            && area.height > code_height + 1
            && (shown != Shown::Answer || area.width >= 110);
        let (question_area, code_area) = if beside {
            let [left, _, right, _] = split::columns(
                area,
                [
                    Constraint::Fill(1),
                    Constraint::Length(2),
                    Constraint::Length(code_width.max(24)),
                    Constraint::Length(2),
                ],
            );
            (left, Some(right))
        } else {
            (area, None)
        };
        let margin = if question_area.width >= 60 { 4 } else { 1 };
        let column = Rect {
            x: question_area.x + margin,
            width: question_area.width.saturating_sub(margin + 1).min(90),
            ..question_area
        };
        // The roomiest layout that fits: a blank line between choices, each choice's whole
        // text with its bar under it, or one row to a choice.
        let card = [card_of(true, true), card_of(false, true)]
            .into_iter()
            .find(|card| card.height(column.width) <= column.height)
            .unwrap_or_else(|| card_of(false, false));
        let height = card.height(column.width).min(column.height);
        let top = column.y + (column.height - height) / 2;
        card.render(
            Rect {
                y: top,
                height,
                ..column
            },
            buf,
        );
        if let (Some(code_area), Some(rows), Some(address)) = (code_area, rows, address) {
            let label = ellipsis(address, usize::from(code_area.width));
            let label_width = u16::try_from(label.width()).unwrap_or(0);
            let block_height = code_height + 2;
            let top = code_area.y + code_area.height.saturating_sub(block_height) / 2;
            let left = code_area.x + code_area.width.saturating_sub(code_width) / 2;
            // Scanners want dark on light whatever the theme: white blocks on black.
            let style = Style::default().fg(Color::White).bg(Color::Black);
            for (i, row) in rows.iter().enumerate() {
                let y = top + u16::try_from(i).unwrap_or(0);
                if y < code_area.bottom() {
                    buf.set_string(left, y, row, style);
                }
            }
            let y = top + code_height + 1;
            if y < code_area.bottom() {
                let x = code_area.x + code_area.width.saturating_sub(label_width) / 2;
                buf.set_string(x, y, label, theme.stage_progress);
            }
        }
    }
}

/// A student's question on the projector, chosen by the teacher.
pub struct StageSpotlight<'a> {
    pub posted: &'a Posted,
    pub theme: &'a Theme,
}

impl Widget for StageSpotlight<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        Block::new().style(theme.stage).render(area, buf);
        let width = area.width.saturating_sub(8).clamp(area.width.min(10), 72);
        let column = split::centre_column(area, width);
        let text = crate::story::text::sanitize(&self.posted.text);
        let mut lines = vec![
            Line::styled("A question from the class", theme.stage_progress),
            Line::default(),
        ];
        lines.extend(
            wrap(&text, usize::from(column.width))
                .into_iter()
                .map(|line| Line::styled(line, theme.stage_title)),
        );
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("▲ {}", plural(self.posted.votes, "vote")),
            theme.stage_progress,
        ));
        let height = u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .min(column.height);
        let top = column.y + (column.height - height) / 2;
        Paragraph::new(lines).style(theme.stage).render(
            Rect {
                y: top,
                height,
                ..column
            },
            buf,
        );
    }
}

/// The console's pane of the class: the question up with its live tally, and the students'
/// questions, most votes first, the picked one highlighted.
pub struct ClassPane<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
    /// The keys' hint for the title: "↑/↓ pick, s show, x dismiss, S projector".
    pub hint: String,
}

impl Widget for ClassPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let ClassPane { app, theme, hint } = self;
        let block = titled_pane_block(format!(" Class — {hint} "), false, theme);
        let inner = block.inner(area);
        block.render(area, buf);
        let [tally_area, _, posted_area] = if inner.width >= 90 {
            split::columns(
                inner,
                [
                    Constraint::Percentage(50),
                    Constraint::Length(1),
                    Constraint::Fill(1),
                ],
            )
        } else {
            let poll_rows = app.class().poll.as_ref().map_or(1, |poll| {
                u16::try_from(poll.asked.choices.len()).unwrap_or(6) + 5
            });
            // The students' questions keep a few rows.
            split::rows(
                inner,
                [
                    Constraint::Length(poll_rows.min(inner.height.saturating_sub(4))),
                    Constraint::Length(0),
                    Constraint::Fill(1),
                ],
            )
        };
        match &app.class().poll {
            Some(poll) => {
                let counts = counts_of(app, poll, true);
                let seen = match poll.shown {
                    Shown::Question => "question",
                    Shown::Tally => "tally",
                    Shown::Answer => "answer",
                };
                let note = format!("{} · class sees the {seen}", note(app, poll));
                QuestionCard::asked(&poll.asked, theme)
                    .tally(counts.or(Some(&[])))
                    .marked(poll.asked.answer)
                    .note(Some(&note))
                    .render(tally_area, buf);
            }
            None => Paragraph::new(Line::styled("No question is up.", theme.dim))
                .render(tally_area, buf),
        }
        let posted = &app.desk().posted;
        let spotlight = app.class().spotlight;
        let waiting = posted
            .iter()
            .filter(|p| p.state == Moderation::Waiting)
            .count();
        let mut lines = vec![Line::styled(
            format!("Students' questions · {waiting} waiting"),
            theme.heading,
        )];
        if posted.is_empty() {
            lines.push(Line::styled("None yet.", theme.dim));
        }
        let width = usize::from(posted_area.width);
        let pick = app.posted_pick();
        // Keep the picked question in view.
        let room = usize::from(posted_area.height.saturating_sub(1)).max(1);
        let first = pick.saturating_sub(room - 1);
        for (i, item) in posted.iter().enumerate().skip(first).take(room) {
            let state = match (item.state, spotlight == Some(item.number)) {
                (_, true) => "on screen",
                (Moderation::Waiting, _) => "waiting",
                (Moderation::Shown, _) => "shown",
                (Moderation::Dismissed, _) => "dismissed",
            };
            let head = format!("{:>3}▲ {state:<9} ", item.votes);
            let text = ellipsis(
                &crate::story::text::sanitize(&item.text),
                width.saturating_sub(head.width()),
            );
            let style = if item.state == Moderation::Waiting {
                theme.text
            } else {
                theme.dim
            };
            let mut line = Line::from(vec![
                Span::styled(head, theme.key),
                Span::styled(text, style),
            ]);
            if i == pick {
                line = line.patch_style(theme.selected);
            }
            lines.push(line);
        }
        Paragraph::new(lines).render(posted_area, buf);
    }
}

/// A follower's panel over the scene while a question is up: the choices numbered for the
/// keys, their own answer, whether answers are taken, the tally and answer once revealed.
pub struct FollowerPanel<'a> {
    pub app: &'a App,
    pub poll: &'a Poll,
    pub theme: &'a Theme,
}

impl FollowerPanel<'_> {
    fn card<'s>(&'s self, note: &'s str) -> QuestionCard<'s> {
        let poll = self.poll;
        let counts = (poll.shown >= Shown::Tally)
            .then(|| counts_of(self.app, poll, false))
            .flatten();
        let card = QuestionCard::asked(&poll.asked, self.theme)
            .numbered()
            .chosen(self.app.chosen())
            .tally(counts);
        let card = if poll.shown == Shown::Answer {
            card.answer(poll.asked.answer, &poll.asked.explain)
        } else {
            card
        };
        card.note(Some(note))
    }

    fn note(&self) -> String {
        let choices = self.poll.asked.choices.len();
        if self.poll.open {
            format!("Press 1–{choices} to answer; you may change your answer until it closes.")
        } else {
            "Answers are closed.".to_owned()
        }
    }

    /// The rows the panel wants at this width, its border included.
    pub fn height(&self, width: u16) -> u16 {
        let note = self.note();
        self.card(&note).height(width.saturating_sub(2)) + 2
    }
}

impl Widget for FollowerPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let title = format!(" Question {} ", self.poll.asked.number);
        let block = titled_pane_block(title, true, self.theme);
        let inner = block.inner(area);
        block.render(area, buf);
        let note = self.note();
        self.card(&note).render(inner, buf);
    }
}
