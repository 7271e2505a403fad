//! The class answers (a model only: the hub in `classroom` holds one per presentation, and
//! every screen draws from its views): a question put to it (a story's own or a quick one), one answer per student
//! counted into a tally, and the students' own questions to the teacher, held back until the
//! teacher shows them.
//!
//! Everything here is bounded: voters per question and per address, answers and questions per
//! student and per address and second, questions in all, their length. A student is whatever
//! their door can recognise again — a browser's cookie, an SSH key or session, a `follow`
//! connection's token — and nothing about them is kept once the presentation ends: results hold
//! counts and texts only.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::story::text::sanitize;
use crate::story::{Question, Story};

/// Who answers: a key a door can recognise again (a browser's cookie, an SSH key, a `follow`
/// token), never shown or kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Student(Box<str>);

impl Student {
    /// The longest key kept; a door's own tokens are far shorter.
    const LONGEST: usize = 80;

    /// A student known to `door` by `key`; keys from different doors never meet.
    pub fn new(door: &str, key: &str) -> Student {
        let mut joined = format!("{door}:{key}");
        let mut end = joined.len().min(Self::LONGEST);
        while !joined.is_char_boundary(end) {
            end -= 1;
        }
        joined.truncate(end);
        Student(joined.into_boxed_str())
    }
}

/// A question put to the class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    /// Counted from 1 within the presentation.
    pub number: u32,
    /// The story's question id; none for a quick question.
    pub id: Option<String>,
    /// The scene it is about, by id.
    pub scene: Option<String>,
    pub prompt: String,
    pub choices: Vec<String>,
    /// The right choice's position, if there is one.
    pub answer: Option<usize>,
    /// Why, as plain text with footnotes as `[N]` and editor's notes as `[ed.N]`.
    pub explain: String,
}

impl Asked {
    /// A story's question, about the scene with id `scene`.
    pub fn from_story(story: &Story, scene: &str, question: &Question, number: u32) -> Asked {
        Asked {
            number,
            id: Some(question.id.clone()),
            scene: Some(scene.to_owned()),
            prompt: question.prompt.clone(),
            choices: question.choices.clone(),
            answer: question.answer,
            explain: story.plain_paragraphs(&question.explain).join("\n\n"),
        }
    }

    /// A question the teacher asks aloud: the class sees only the choices.
    pub fn quick(kind: Quick, number: u32) -> Asked {
        let choices: &[&str] = match kind {
            Quick::Letters => &["A", "B", "C", "D"],
            Quick::YesNo => &["Yes", "No"],
        };
        Asked {
            number,
            id: None,
            scene: None,
            prompt: kind.prompt().to_owned(),
            choices: choices.iter().map(|c| (*c).to_owned()).collect(),
            answer: None,
            explain: String::new(),
        }
    }
}

/// What a screen asks of the class's questions: the teacher's (projector, console, remote) or a
/// student's (web page, SSH terminal, `izumi follow`). Every door hands these to
/// `Hub::take`, which checks who may ask what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// The teacher: ask the scene's question, or close the open one (`a`).
    SceneQuestion,
    /// The teacher: a quick question with standard choices.
    Quick(Quick),
    /// The teacher: stop taking answers.
    Close,
    /// The teacher: show the tally, then the answer (`r`).
    Reveal,
    /// The teacher: take the question off every screen.
    TakeDown,
    /// The teacher: show a student's question to the class, or dismiss it.
    Moderate(u32, Moderation),
    /// The teacher: put a shown student's question on the projector, or take it off.
    Spotlight(Option<u32>),
    /// A student: this choice (from 0) for question number `question`.
    Answer { question: u32, choice: usize },
    /// A student: a question for the teacher.
    Post(String),
    /// A student: a vote for a shown question.
    Vote(u32),
}

impl Ask {
    /// Whether only the teacher may ask this.
    pub fn is_teachers(&self) -> bool {
        !matches!(self, Ask::Answer { .. } | Ask::Post(_) | Ask::Vote(_))
    }
}

/// A question the teacher asks aloud, with standard choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
pub enum Quick {
    /// A, B, C or D.
    Letters,
    /// Yes or no.
    YesNo,
}

impl Quick {
    pub fn prompt(self) -> &'static str {
        match self {
            Quick::Letters => "Quick question: A, B, C or D?",
            Quick::YesNo => "Quick question: yes or no?",
        }
    }

    /// Its name in requests and URLs.
    pub fn word(self) -> &'static str {
        match self {
            Quick::Letters => "abcd",
            Quick::YesNo => "yes-no",
        }
    }

    pub fn from_word(word: &str) -> Option<Quick> {
        <Quick as strum::IntoEnumIterator>::iter().find(|q| q.word() == word)
    }
}

/// How much of a question the room sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Shown {
    /// The question and its choices only, while the class votes.
    Question,
    /// The tally, too.
    Tally,
    /// The tally, the right answer and why.
    Answer,
}

/// The question the class sees now, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Poll {
    pub asked: Arc<Asked>,
    /// Answers are taken while it is open.
    pub open: bool,
    pub shown: Shown,
    /// The counts as of the last reveal or close, for the class; the presenter's are live (in
    /// [`Desk`]).
    pub counts: Option<Vec<u32>>,
}

/// A student's question, as the teacher sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    /// Counted from 1 within the presentation.
    pub number: u32,
    /// Cleaned for a terminal: no control characters, at most [`LONGEST_QUESTION`] characters.
    pub text: String,
    pub votes: u32,
    pub state: Moderation,
}

/// Where a student's question is: nothing a student writes is seen by anyone but the teacher
/// until the teacher shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Moderation {
    Waiting,
    /// Shown to the class, which may vote for it.
    Shown,
    Dismissed,
}

/// What every student sees: the question put to the class, and the students' questions the
/// teacher has shown, most votes first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Class {
    pub poll: Option<Poll>,
    /// Only questions the teacher has shown.
    pub board: Vec<Posted>,
    /// The shown question on the projector, by number.
    pub spotlight: Option<u32>,
}

/// What only the teacher sees: the live tally and every student's question.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Desk {
    /// The question asked last and its counts, live.
    pub tally: Option<(Arc<Asked>, Vec<u32>)>,
    /// Waiting and shown questions, most votes first, then oldest.
    pub posted: Vec<Posted>,
}

impl Desk {
    /// How many answered the question asked last.
    pub fn voters(&self) -> u32 {
        self.tally
            .as_ref()
            .map_or(0, |(_, counts)| counts.iter().sum())
    }
}

/// The most characters in a student's question.
pub const LONGEST_QUESTION: usize = 280;
/// Students' questions kept in one presentation; past it, more are refused.
pub const MOST_POSTED: usize = 500;
/// Voters counted for one question.
pub const MOST_VOTERS: usize = 20_000;
/// Questions one student may send in a presentation.
pub const POSTED_PER_STUDENT: usize = 5;
/// Addresses whose rate is tracked at once; a newcomer past it is refused until the next
/// question.
const MOST_ADDRESSES: usize = 20_000;
/// Answers (and votes, and questions) one address may send per second, and in a burst, at the
/// least: a script is slowed. A class behind one router shares its address, so an address that
/// may hold more connections (`present --per-address`) gets a burst as large as that class and
/// a rate at which all of it answers within a few seconds.
const PER_ADDRESS_RATE: f64 = 20.0;
const PER_ADDRESS_BURST: f64 = 60.0;
/// The seconds in which as many students as one address may hold can all answer.
const CLASS_ANSWERS_WITHIN: f64 = 4.0;
/// The shortest time between two answers of one student.
const STUDENT_PAUSE: Duration = Duration::from_millis(250);

/// Why an answer, a question or a vote was not taken, in words a student can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NoQuestion,
    Closed,
    NotAChoice,
    TooFast,
    /// This address has as many voters as it may have connections, or the room is full.
    Full,
    Empty,
    TooMany,
    UnknownQuestion,
    AlreadyVoted,
    /// A student asked for what only the teacher may do, or the teacher answered.
    NotYours,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NoQuestion => "There is no question to answer now.",
            Refusal::Closed => "This question is closed: answers are no longer taken.",
            Refusal::NotAChoice => "That is not one of the choices.",
            Refusal::TooFast => "Too fast: wait a moment and try again.",
            Refusal::Full => "No more answers can be taken from here.",
            Refusal::Empty => "The question is empty.",
            Refusal::TooMany => "No more questions can be sent now.",
            Refusal::UnknownQuestion => "There is no such question to vote for.",
            Refusal::AlreadyVoted => "You have already voted for this question.",
            Refusal::NotYours => "Only the teacher can do that.",
        }
    }
}

/// One answer taken: the student's choice now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answered {
    pub question: u32,
    pub choice: usize,
}

/// A token bucket per address.
struct Rates {
    buckets: HashMap<IpAddr, (f64, Instant)>,
    rate: f64,
    burst: f64,
}

impl Rates {
    /// Buckets for addresses that may each hold `per_address` students.
    fn for_addresses_of(per_address: usize) -> Rates {
        let students = per_address as f64;
        Rates {
            buckets: HashMap::new(),
            rate: PER_ADDRESS_RATE.max(students / CLASS_ANSWERS_WITHIN),
            burst: PER_ADDRESS_BURST.max(students),
        }
    }

    fn take(&mut self, address: IpAddr, now: Instant) -> Result<(), Refusal> {
        let (rate, burst) = (self.rate, self.burst);
        if !self.buckets.contains_key(&address) && self.buckets.len() >= MOST_ADDRESSES {
            // Forget buckets full again: their addresses have been quiet for seconds.
            self.buckets.retain(|_, (tokens, since)| {
                *tokens + since.elapsed().as_secs_f64() * rate < burst
            });
            if self.buckets.len() >= MOST_ADDRESSES {
                return Err(Refusal::Full);
            }
        }
        let (tokens, since) = self.buckets.entry(address).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*since).as_secs_f64() * rate).min(burst);
        *since = now;
        if *tokens < 1.0 {
            return Err(Refusal::TooFast);
        }
        *tokens -= 1.0;
        Ok(())
    }
}

/// The answers to the question asked last.
struct Ballot {
    asked: Arc<Asked>,
    open: bool,
    shown: Shown,
    votes: HashMap<Student, (usize, IpAddr, Instant)>,
    voters_from: HashMap<IpAddr, usize>,
    counts: Vec<u32>,
}

struct PostedEntry {
    posted: Posted,
    voters: HashSet<Student>,
}

/// Everything the class has said in one presentation; kept by the hub behind a lock that is
/// held only for a few map operations.
pub struct Asking {
    per_address: usize,
    ballot: Option<Ballot>,
    asked: u32,
    /// Closed questions, for the results.
    past: Vec<Result_>,
    posted: Vec<PostedEntry>,
    posted_by: HashMap<Student, usize>,
    rates: Rates,
    spotlight: Option<u32>,
    /// The last scene each question was asked about, so that `a` again asks the next one.
    last_in_scene: HashMap<String, String>,
}

/// One question's result, with no trace of who answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Result_ {
    pub asked: Asked,
    pub counts: Vec<u32>,
}

impl Asking {
    /// `per_address`: the most voters counted from one address, as many as it may hold
    /// connections (`present --per-address`).
    pub fn new(per_address: usize) -> Asking {
        let per_address = per_address.max(1);
        Asking {
            per_address,
            ballot: None,
            asked: 0,
            past: Vec::new(),
            posted: Vec::new(),
            posted_by: HashMap::new(),
            rates: Rates::for_addresses_of(per_address),
            spotlight: None,
            last_in_scene: HashMap::new(),
        }
    }

    /// The number the next question will have.
    pub fn next_number(&self) -> u32 {
        self.asked + 1
    }

    /// Puts a question to the class, closing the one before.
    pub fn open(&mut self, asked: Asked) {
        self.close();
        self.keep_past();
        self.asked = asked.number.max(self.asked + 1);
        if let (Some(scene), Some(id)) = (&asked.scene, &asked.id) {
            self.last_in_scene.insert(scene.clone(), id.clone());
        }
        let choices = asked.choices.len();
        self.ballot = Some(Ballot {
            asked: Arc::new(Asked {
                number: self.asked,
                ..asked
            }),
            open: true,
            shown: Shown::Question,
            votes: HashMap::new(),
            voters_from: HashMap::new(),
            counts: vec![0; choices],
        });
    }

    /// The question asked last about this scene, by id.
    pub fn last_asked_in(&self, scene: &str) -> Option<&str> {
        self.last_in_scene.get(scene).map(String::as_str)
    }

    /// Whether a question is open for answers.
    pub fn is_open(&self) -> bool {
        self.ballot.as_ref().is_some_and(|b| b.open)
    }

    /// Stops taking answers; the question stays on screen.
    pub fn close(&mut self) -> bool {
        match &mut self.ballot {
            Some(ballot) if ballot.open => {
                ballot.open = false;
                true
            }
            _ => false,
        }
    }

    /// Shows the class one step more: the tally, then the answer. Returns what is shown now.
    pub fn reveal(&mut self) -> Option<Shown> {
        let ballot = self.ballot.as_mut()?;
        ballot.shown = match ballot.shown {
            Shown::Question => Shown::Tally,
            Shown::Tally | Shown::Answer if ballot.asked.answer.is_some() => Shown::Answer,
            shown => shown,
        };
        if ballot.shown == Shown::Answer {
            ballot.open = false;
        }
        Some(ballot.shown)
    }

    /// Takes the question off the screen (closing it).
    pub fn dismiss_poll(&mut self) {
        self.close();
        self.keep_past();
    }

    fn keep_past(&mut self) {
        if let Some(ballot) = self.ballot.take() {
            self.past.push(Result_ {
                asked: (*ballot.asked).clone(),
                counts: ballot.counts,
            });
        }
    }

    /// A student's answer: counted once, changeable while the question is open.
    pub fn answer(
        &mut self,
        student: &Student,
        address: IpAddr,
        question: u32,
        choice: usize,
        now: Instant,
    ) -> Result<Answered, Refusal> {
        let Some(ballot) = self.ballot.as_mut() else {
            return Err(Refusal::NoQuestion);
        };
        if ballot.asked.number != question || !ballot.open {
            return Err(Refusal::Closed);
        }
        if choice >= ballot.counts.len() {
            return Err(Refusal::NotAChoice);
        }
        match ballot.votes.get(student) {
            Some((_, _, at)) if now.duration_since(*at) < STUDENT_PAUSE => {
                return Err(Refusal::TooFast);
            }
            None if ballot.votes.len() >= MOST_VOTERS => return Err(Refusal::Full),
            None if ballot.voters_from.get(&address).copied().unwrap_or(0) >= self.per_address => {
                return Err(Refusal::Full);
            }
            _ => {}
        }
        self.rates.take(address, now)?;
        match ballot.votes.insert(student.clone(), (choice, address, now)) {
            Some((before, _, _)) => ballot.counts[before] -= 1,
            None => *ballot.voters_from.entry(address).or_default() += 1,
        }
        ballot.counts[choice] += 1;
        Ok(Answered {
            question: ballot.asked.number,
            choice,
        })
    }

    /// The choice this student made on the question asked last, if any.
    pub fn answer_of(&self, student: &Student) -> Option<Answered> {
        let ballot = self.ballot.as_ref()?;
        ballot.votes.get(student).map(|(choice, _, _)| Answered {
            question: ballot.asked.number,
            choice: *choice,
        })
    }

    /// A student's question for the teacher. Returns its number.
    pub fn post(
        &mut self,
        student: &Student,
        address: IpAddr,
        text: &str,
        now: Instant,
    ) -> Result<u32, Refusal> {
        let text = clean_question(text);
        if text.is_empty() {
            return Err(Refusal::Empty);
        }
        let sent = self.posted_by.get(student).copied().unwrap_or(0);
        if sent >= POSTED_PER_STUDENT || self.posted.len() >= MOST_POSTED {
            return Err(Refusal::TooMany);
        }
        if !self.posted_by.contains_key(student) && self.posted_by.len() >= MOST_VOTERS {
            return Err(Refusal::Full);
        }
        self.rates.take(address, now)?;
        self.posted_by.insert(student.clone(), sent + 1);
        let number = self.posted.len() as u32 + 1;
        self.posted.push(PostedEntry {
            posted: Posted {
                number,
                text,
                votes: 0,
                state: Moderation::Waiting,
            },
            voters: HashSet::new(),
        });
        Ok(number)
    }

    /// A student's vote for a question the teacher has shown; one per student per question.
    pub fn vote(
        &mut self,
        student: &Student,
        address: IpAddr,
        number: u32,
        now: Instant,
    ) -> Result<(), Refusal> {
        let entry = self
            .posted
            .get_mut((number as usize).wrapping_sub(1))
            .filter(|entry| entry.posted.state == Moderation::Shown)
            .ok_or(Refusal::UnknownQuestion)?;
        if entry.voters.contains(student) {
            return Err(Refusal::AlreadyVoted);
        }
        if entry.voters.len() >= MOST_VOTERS {
            return Err(Refusal::Full);
        }
        self.rates.take(address, now)?;
        entry.voters.insert(student.clone());
        entry.posted.votes += 1;
        Ok(())
    }

    /// The teacher shows a student's question to the class, or sets it aside.
    pub fn moderate(&mut self, number: u32, state: Moderation) -> bool {
        let Some(entry) = self.posted.get_mut((number as usize).wrapping_sub(1)) else {
            return false;
        };
        entry.posted.state = state;
        if state != Moderation::Shown && self.spotlight == Some(number) {
            self.spotlight = None;
        }
        true
    }

    /// Puts a shown question on the projector, or takes it off (`None`).
    pub fn spotlight(&mut self, number: Option<u32>) -> bool {
        let shown = |n: u32| {
            self.posted
                .get((n as usize).wrapping_sub(1))
                .is_some_and(|e| e.posted.state == Moderation::Shown)
        };
        match number {
            Some(n) if !shown(n) => false,
            _ => {
                self.spotlight = number;
                true
            }
        }
    }

    /// What every student sees.
    pub fn class(&self) -> Class {
        let poll = self.ballot.as_ref().map(|ballot| Poll {
            asked: Arc::clone(&ballot.asked),
            open: ballot.open,
            shown: ballot.shown,
            counts: (ballot.shown >= Shown::Tally).then(|| ballot.counts.clone()),
        });
        let mut board: Vec<Posted> = self
            .posted
            .iter()
            .filter(|e| e.posted.state == Moderation::Shown)
            .map(|e| e.posted.clone())
            .collect();
        by_votes(&mut board);
        Class {
            poll,
            board,
            spotlight: self.spotlight,
        }
    }

    /// The question asked last and its counts.
    pub fn tally(&self) -> Option<(Arc<Asked>, Vec<u32>)> {
        self.ballot
            .as_ref()
            .map(|b| (Arc::clone(&b.asked), b.counts.clone()))
    }

    /// What only the teacher sees.
    pub fn desk(&self) -> Desk {
        let mut posted: Vec<Posted> = self
            .posted
            .iter()
            .filter(|e| e.posted.state != Moderation::Dismissed)
            .map(|e| e.posted.clone())
            .collect();
        by_votes(&mut posted);
        Desk {
            tally: self.tally(),
            posted,
        }
    }

    /// Every question asked so far with its counts, and every student's question the teacher
    /// did not dismiss: what `izumi results` keeps.
    pub fn results(&self) -> (Vec<Result_>, Vec<Posted>) {
        let mut asked = self.past.clone();
        if let Some(ballot) = &self.ballot {
            asked.push(Result_ {
                asked: (*ballot.asked).clone(),
                counts: ballot.counts.clone(),
            });
        }
        let posted = self
            .posted
            .iter()
            .map(|e| e.posted.clone())
            .filter(|p| p.state != Moderation::Dismissed)
            .collect();
        (asked, posted)
    }
}

fn by_votes(posted: &mut [Posted]) {
    posted.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.number.cmp(&b.number)));
}

/// A student's question made safe to show in a terminal (no control or escape characters, one
/// line) and cut to [`LONGEST_QUESTION`] characters; HTML pages escape it again as they write it.
pub fn clean_question(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let cleaned = sanitize(&one_line);
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    words
        .join(" ")
        .chars()
        .take(LONGEST_QUESTION)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn address(n: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, n))
    }

    fn asking_with(choices: usize) -> Asking {
        let mut asking = Asking::new(3);
        asking.open(Asked {
            number: 1,
            id: Some("q".into()),
            scene: Some("s".into()),
            prompt: "Which?".into(),
            choices: (0..choices).map(|c| format!("choice {c}")).collect(),
            answer: Some(1),
            explain: "Because.".into(),
        });
        asking
    }

    #[test]
    fn a_student_is_counted_once_and_may_change_their_answer_while_it_is_open() {
        let mut asking = asking_with(3);
        let ana = Student::new("web", "ana");
        let start = Instant::now();
        asking.answer(&ana, address(1), 1, 0, start).unwrap();
        assert_eq!(
            asking.answer(&ana, address(1), 1, 2, start),
            Err(Refusal::TooFast)
        );
        let later = start + Duration::from_secs(1);
        asking.answer(&ana, address(1), 1, 2, later).unwrap();
        assert_eq!(asking.desk().tally.unwrap().1, [0, 0, 1]);
        assert_eq!(asking.answer_of(&ana).unwrap().choice, 2);
        asking.close();
        let late = later + Duration::from_secs(1);
        assert_eq!(
            asking.answer(&ana, address(1), 1, 0, late),
            Err(Refusal::Closed)
        );
        assert_eq!(
            asking.answer(&Student::new("web", "bo"), address(2), 1, 0, late),
            Err(Refusal::Closed)
        );
        assert_eq!(asking.desk().voters(), 1);
    }

    #[test]
    fn one_address_counts_no_more_voters_than_it_may_hold_connections() {
        let mut asking = asking_with(2);
        let now = Instant::now();
        for n in 0..3 {
            let student = Student::new("web", &n.to_string());
            asking.answer(&student, address(1), 1, 0, now).unwrap();
        }
        let fourth = Student::new("web", "3");
        assert_eq!(
            asking.answer(&fourth, address(1), 1, 0, now),
            Err(Refusal::Full)
        );
        asking.answer(&fourth, address(2), 1, 0, now).unwrap();
        assert_eq!(asking.desk().voters(), 4);
    }

    #[test]
    fn an_answer_to_another_question_or_past_the_choices_is_refused() {
        let mut asking = asking_with(2);
        let ana = Student::new("ssh", "ana");
        let now = Instant::now();
        assert_eq!(
            asking.answer(&ana, address(1), 2, 0, now),
            Err(Refusal::Closed)
        );
        assert_eq!(
            asking.answer(&ana, address(1), 1, 2, now),
            Err(Refusal::NotAChoice)
        );
        assert_eq!(
            Asking::new(3).answer(&ana, address(1), 1, 0, now),
            Err(Refusal::NoQuestion)
        );
    }

    #[test]
    fn the_class_sees_the_tally_only_when_revealed_and_the_answer_after_it() {
        let mut asking = asking_with(2);
        let now = Instant::now();
        asking
            .answer(&Student::new("web", "a"), address(1), 1, 1, now)
            .unwrap();
        assert_eq!(asking.class().poll.unwrap().counts, None);
        assert_eq!(asking.reveal(), Some(Shown::Tally));
        assert_eq!(asking.class().poll.unwrap().counts, Some(vec![0, 1]));
        assert!(asking.is_open(), "the tally may be shown while voting");
        assert_eq!(asking.reveal(), Some(Shown::Answer));
        assert!(!asking.is_open(), "showing the answer closes the question");
    }

    #[test]
    fn a_students_question_reaches_only_the_teacher_until_shown() {
        let mut asking = Asking::new(3);
        let ana = Student::new("web", "ana");
        let now = Instant::now();
        let number = asking
            .post(&ana, address(1), "Why\x1b[2J did he\nnot flee?", now)
            .unwrap();
        assert!(asking.class().board.is_empty());
        assert_eq!(asking.desk().posted[0].text, "Why[2J did he not flee?");
        assert_eq!(
            asking.vote(&ana, address(1), number, now),
            Err(Refusal::UnknownQuestion),
            "a waiting question cannot be seen, so cannot be voted for"
        );
        assert!(asking.moderate(number, Moderation::Shown));
        assert_eq!(asking.class().board.len(), 1);
        asking.vote(&ana, address(1), number, now).unwrap();
        assert_eq!(
            asking.vote(&ana, address(1), number, now),
            Err(Refusal::AlreadyVoted)
        );
        assert_eq!(asking.class().board[0].votes, 1);
        asking.moderate(number, Moderation::Dismissed);
        assert!(asking.class().board.is_empty() && asking.desk().posted.is_empty());
    }

    #[test]
    fn questions_are_cut_to_length_and_counted_per_student() {
        let mut asking = Asking::new(3);
        let ana = Student::new("web", "ana");
        let now = Instant::now();
        let long = "é".repeat(1000);
        let number = asking.post(&ana, address(1), &long, now).unwrap();
        assert_eq!(
            asking.desk().posted[(number - 1) as usize]
                .text
                .chars()
                .count(),
            LONGEST_QUESTION
        );
        assert_eq!(
            asking.post(&ana, address(1), " \n\t", now),
            Err(Refusal::Empty)
        );
        for _ in 1..POSTED_PER_STUDENT {
            asking.post(&ana, address(1), "again", now).unwrap();
        }
        assert_eq!(
            asking.post(&ana, address(1), "once more", now),
            Err(Refusal::TooMany)
        );
    }

    #[test]
    fn one_address_is_slowed_past_its_burst() {
        let mut asking = Asking::new(3);
        let now = Instant::now();
        let refused = (0..200)
            .filter(|n| {
                asking
                    .post(&Student::new("web", &n.to_string()), address(9), "q", now)
                    .is_err()
            })
            .count();
        assert_eq!(refused, 200 - PER_ADDRESS_BURST as usize);
    }

    #[test]
    fn a_class_behind_one_router_all_answer_within_seconds() {
        let class = 500;
        let mut asking = Asking::new(class);
        asking.open(Asked::quick(Quick::Letters, 1));
        let start = Instant::now();
        let refused = (0..class)
            .filter(|n| {
                // All of them within four seconds, evenly.
                let at = start + Duration::from_millis(*n as u64 * 8);
                asking
                    .answer(
                        &Student::new("web", &n.to_string()),
                        address(3),
                        1,
                        n % 4,
                        at,
                    )
                    .is_err()
            })
            .count();
        assert_eq!(refused, 0);
        assert_eq!(asking.tally().unwrap().1.iter().sum::<u32>(), class as u32);
    }

    #[test]
    fn results_hold_counts_and_texts_and_nothing_of_who() {
        let mut asking = asking_with(2);
        let now = Instant::now();
        asking
            .answer(&Student::new("web", "secret-cookie"), address(7), 1, 0, now)
            .unwrap();
        asking.open(Asked::quick(Quick::YesNo, 0));
        let (asked, _) = asking.results();
        assert_eq!(asked.len(), 2);
        assert_eq!(asked[0].counts, [1, 0]);
        assert_eq!(asked[1].asked.number, 2);
        let json = serde_json::to_string(&asked).unwrap();
        assert!(!json.contains("secret-cookie") && !json.contains("127.0.0.7"));
    }
}
