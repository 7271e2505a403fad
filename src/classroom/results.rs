//! What a class answered, kept after the presentation for `izumi results`: one JSON file per
//! presentation in the state folder's `results/`, written again (atomically: a temporary file
//! renamed over it) whenever a question is asked, closed or revealed and when the presentation
//! ends. Counts and texts only: nothing tells who answered what.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::log::EventLog;
use crate::asking::{Posted, Result_};
use crate::paths;

/// The largest results file read back; a presentation's is a few kilobytes.
pub const LIMIT: u64 = 4 << 20;
/// Presentations listed at most, newest kept.
pub const MOST_PRESENTATIONS: usize = 1000;

/// One presentation's results, as kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentation {
    /// When it started, in RFC 3339 with the local offset.
    pub started: String,
    pub story: String,
    pub asked: Vec<Result_>,
    /// Students' questions the teacher did not dismiss, with their votes.
    pub posted: Vec<Posted>,
}

/// Where one presentation's results go.
pub struct Results {
    path: PathBuf,
    started: String,
    story: String,
    /// Whether a failure to write was logged already: logged once, not on every answer.
    failed: bool,
}

impl Results {
    /// Results of a presentation of `story` starting now, in `folder` (the state folder's
    /// `results/`).
    pub fn starting_now(folder: &Path, story: &str) -> Results {
        let now = jiff::ZonedDateTime::now();
        let started = now.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        let name = format!(
            "{}-{}.json",
            now.strftime("%Y%m%d-%H%M%S"),
            std::process::id()
        );
        Results {
            path: folder.join(name),
            started,
            story: story.to_owned(),
            failed: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the results as they are now; a failure is logged once and the class goes on.
    pub fn write(&mut self, asked: &[Result_], posted: &[Posted], log: &EventLog) {
        if asked.is_empty() && posted.is_empty() {
            return;
        }
        let presentation = Presentation {
            started: self.started.clone(),
            story: self.story.clone(),
            asked: asked.to_vec(),
            posted: posted.to_vec(),
        };
        if let Err(error) = replace(&self.path, &presentation)
            && !std::mem::replace(&mut self.failed, true)
        {
            log.write(None, &format!("results: not kept: {error}"));
        }
    }
}

fn replace(path: &Path, presentation: &Presentation) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(presentation).map_err(io::Error::other)?;
    let temporary = paths::beside(path, ".tmp");
    let _ = fs::remove_file(&temporary);
    let mut file = paths::open_private(&temporary, false)?;
    file.write_all(&json)?;
    file.sync_all()?;
    fs::rename(&temporary, path)
}

/// Every presentation kept in `folder`, oldest first, with a line for each file that could not
/// be read (named, with why). A missing folder holds none.
pub fn read_all(folder: &Path) -> (Vec<Presentation>, Vec<String>) {
    let mut problems = Vec::new();
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return (Vec::new(), problems),
        Err(error) => {
            problems.push(format!("{}: {error}", folder.display()));
            return (Vec::new(), problems);
        }
    };
    let mut names: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    let skip = names.len().saturating_sub(MOST_PRESENTATIONS);
    let mut presentations = Vec::new();
    for path in names.into_iter().skip(skip) {
        let read = paths::read_private(&path, LIMIT).and_then(|bytes| {
            serde_json::from_slice::<Presentation>(&bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        });
        match read {
            Ok(presentation) => presentations.push(presentation),
            Err(error) => problems.push(format!("{}: {error}", path.display())),
        }
    }
    (presentations, problems)
}

/// One row of `izumi results`: a choice of a question asked, or a student's question.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Row {
    date: String,
    story: String,
    /// `choice` or `student`.
    kind: &'static str,
    /// The question's number, or the student's question's.
    number: u32,
    /// The prompt, or the student's question.
    question: String,
    /// `A. text` for a choice.
    choice: String,
    votes: u32,
    /// Of all answers to the question; none for a student's question.
    percent: Option<u32>,
    /// Whether this choice is the right answer; none when the question has none.
    right: Option<bool>,
    /// The moderation state of a student's question.
    state: &'static str,
}

/// The columns of the table and the CSV, in order.
const COLUMNS: [&str; 10] = [
    "date", "story", "kind", "number", "question", "choice", "votes", "percent", "right", "state",
];

fn state_word(state: crate::asking::Moderation) -> &'static str {
    match state {
        crate::asking::Moderation::Waiting => "waiting",
        crate::asking::Moderation::Shown => "shown",
        crate::asking::Moderation::Dismissed => "dismissed",
    }
}

/// A kept text as one safe line: no control characters, runs of space as one.
fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    crate::story::text::sanitize(&spaced)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every row of every presentation, in order.
fn rows(presentations: &[Presentation]) -> Vec<Row> {
    let mut rows = Vec::new();
    for presentation in presentations {
        let Presentation {
            started,
            story,
            asked,
            posted,
        } = presentation;
        let (date, story) = (one_line(started), one_line(story));
        for Result_ { asked, counts } in asked {
            let total: u32 = counts.iter().sum();
            for (i, text) in asked.choices.iter().enumerate() {
                let votes = counts.get(i).copied().unwrap_or(0);
                rows.push(Row {
                    date: date.clone(),
                    story: story.clone(),
                    kind: "choice",
                    number: asked.number,
                    question: one_line(&asked.prompt),
                    choice: format!("{}. {}", crate::story::Question::letter(i), one_line(text)),
                    votes,
                    percent: Some(percent(votes, total)),
                    right: asked.answer.map(|answer| answer == i),
                    state: "",
                });
            }
        }
        for Posted {
            number,
            text,
            votes,
            state,
        } in posted
        {
            rows.push(Row {
                date: date.clone(),
                story: story.clone(),
                kind: "student",
                number: *number,
                question: one_line(text),
                choice: String::new(),
                votes: *votes,
                percent: None,
                right: None,
                state: state_word(*state),
            });
        }
    }
    rows
}

/// `votes` of `total` in whole percent, rounded.
fn percent(votes: u32, total: u32) -> u32 {
    if total == 0 {
        return 0;
    }
    u32::try_from((u64::from(votes) * 200 + u64::from(total)) / (2 * u64::from(total)))
        .unwrap_or(100)
}

impl Row {
    fn fields(&self) -> [String; 10] {
        [
            self.date.clone(),
            self.story.clone(),
            self.kind.to_owned(),
            self.number.to_string(),
            self.question.clone(),
            self.choice.clone(),
            self.votes.to_string(),
            self.percent.map(|p| p.to_string()).unwrap_or_default(),
            match self.right {
                Some(true) => "yes".to_owned(),
                Some(false) => "no".to_owned(),
                None => String::new(),
            },
            self.state.to_owned(),
        ]
    }
}

/// The widest a text column is drawn in the table, in display cells; longer texts end in `…`.
const WIDEST: usize = 48;

/// `text` within `cells` display cells, ending in `…` if cut.
fn fit(text: &str, cells: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(text) <= cells {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let width = c.width().unwrap_or(0);
        if used + width + 1 > cells {
            break;
        }
        used += width;
        out.push(c);
    }
    out.push('…');
    out
}

/// The results as an aligned table, one row per choice and per student's question; long texts
/// cut with `…` (the CSV and JSON keep them whole).
pub fn table(presentations: &[Presentation]) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut lines: Vec<[String; 10]> = vec![COLUMNS.map(str::to_uppercase)];
    lines.extend(rows(presentations).iter().map(|row| {
        let mut fields = row.fields();
        for field in &mut fields {
            *field = fit(field, WIDEST);
        }
        fields
    }));
    let mut widths = [0usize; 10];
    for line in &lines {
        for (width, field) in widths.iter_mut().zip(line) {
            *width = (*width).max(field.width());
        }
    }
    // Numbers to the right, texts to the left.
    let right_aligned = [
        false, false, false, true, false, false, true, true, false, false,
    ];
    let mut out = String::new();
    for line in &lines {
        let mut text = String::new();
        for (i, field) in line.iter().enumerate() {
            let pad = " ".repeat(widths[i] - field.width());
            if i > 0 {
                text.push_str("  ");
            }
            if right_aligned[i] {
                text.push_str(&pad);
                text.push_str(field);
            } else {
                text.push_str(field);
                text.push_str(&pad);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, with its
/// quotes doubled; a field that a spreadsheet would take for a formula is quoted with a
/// leading `'`.
fn csv_field(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err();
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The results as CSV with a header line, the table's columns, texts whole.
pub fn csv(presentations: &[Presentation]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for row in rows(presentations) {
        let fields: Vec<String> = row.fields().iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One question asked, as `izumi results --format json` writes it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct AskedReport {
    pub number: u32,
    /// The story's question id; none for a quick question.
    pub id: Option<String>,
    pub scene: Option<String>,
    pub prompt: String,
    pub choices: Vec<ChoiceReport>,
    /// How many answered.
    pub answers: u32,
    /// The right choice's letter, if there is one.
    pub answer: Option<char>,
}

/// One choice of a question asked, with its count.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ChoiceReport {
    pub letter: char,
    pub text: String,
    pub votes: u32,
    pub percent: u32,
}

/// One presentation, as `izumi results --format json` writes it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct PresentationReport {
    pub started: String,
    pub story: String,
    pub asked: Vec<AskedReport>,
    pub students_questions: Vec<PostedReport>,
}

/// A student's question, with its votes and where the teacher left it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct PostedReport {
    pub number: u32,
    pub text: String,
    pub votes: u32,
    pub state: String,
}

/// The results as JSON: a list of presentations, oldest first.
pub fn json(presentations: &[Presentation]) -> String {
    let reports: Vec<PresentationReport> = presentations
        .iter()
        .map(|presentation| PresentationReport {
            started: presentation.started.clone(),
            story: presentation.story.clone(),
            asked: presentation
                .asked
                .iter()
                .map(|Result_ { asked, counts }| {
                    let total: u32 = counts.iter().sum();
                    AskedReport {
                        number: asked.number,
                        id: asked.id.clone(),
                        scene: asked.scene.clone(),
                        prompt: asked.prompt.clone(),
                        choices: asked
                            .choices
                            .iter()
                            .enumerate()
                            .map(|(i, text)| {
                                let votes = counts.get(i).copied().unwrap_or(0);
                                ChoiceReport {
                                    letter: crate::story::Question::letter(i),
                                    text: text.clone(),
                                    votes,
                                    percent: percent(votes, total),
                                }
                            })
                            .collect(),
                        answers: total,
                        answer: asked.answer.map(crate::story::Question::letter),
                    }
                })
                .collect(),
            students_questions: presentation
                .posted
                .iter()
                .map(|posted| PostedReport {
                    number: posted.number,
                    text: posted.text.clone(),
                    votes: posted.votes,
                    state: state_word(posted.state).to_owned(),
                })
                .collect(),
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&reports).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}
