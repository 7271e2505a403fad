//! The lesson at the centre of the classroom. The presenter's loop is the only writer: it says
//! where the presentation is, and which story it presents (a reload replaces it). Every door —
//! the TCP console and followers, the web pages and remote, SSH — watches the same [`Lesson`]
//! and sends what its audience asks for to the same inbox. A door never blocks the presenter: a
//! watcher that falls behind sees only the latest lesson.
//!
//! Only real changes are announced: a running timer is announced when it starts, stops or is
//! reset, and each audience counts the seconds itself, so a room where nothing moves hears
//! nothing.

use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::doors::{Doors, Room};
use super::log::EventLog;
use super::results::Results;
use crate::asking::{
    Answered, Ask, Asked, Asking, Class, Desk, Moderation, Posted, Quick, Refusal, Result_, Shown,
    Student,
};
use crate::story::Story;

/// The presenter's timer as of one moment: audiences count on from there themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Time counted when the timer last changed.
    pub elapsed: Duration,
    pub running: bool,
    /// When it last changed.
    pub since: Instant,
}

impl Clock {
    /// The time on the timer now.
    pub fn now(&self) -> Duration {
        if self.running {
            self.elapsed + self.since.elapsed()
        } else {
            self.elapsed
        }
    }
}

/// What the presenter shows: the only thing an audience needs to know.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// The story presented; replaced, never changed, when the presenter reloads it.
    pub story: Arc<Story>,
    /// The scene on the projector.
    pub scene: usize,
    /// The furthest scene shown so far: followers may read back to the start, and up to here.
    pub furthest: usize,
    /// Whether the projector is blanked.
    pub blank: bool,
    pub timer: Clock,
    /// False until the presenter's first announcement.
    pub started: bool,
}

impl Lesson {
    /// Whether the presenter has shown this scene, so a follower who may not read ahead may.
    pub fn has_shown(&self, scene: usize) -> bool {
        scene <= self.furthest
    }
}

/// Where the presenter says it is, from its loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub scene: usize,
    pub blank: bool,
    pub elapsed: Duration,
    pub running: bool,
}

/// What an audience asks of the presenter: the console and the remote now; the class's answers
/// and questions will come the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// Show the scene at this index.
    Goto(usize),
    /// Blank the projector, or bring it back.
    ToggleBlank,
    /// Start, pause or reset the timer, or set the blank (the console's keys).
    Control(crate::app::Control),
}

/// The lesson, the inbox, the doors' admission and the log, shared by every door.
pub struct Hub {
    lesson: watch::Sender<Lesson>,
    inbox: Box<dyn Fn(Request) + Send + Sync>,
    doors: Arc<Doors>,
    log: Arc<EventLog>,
    /// The class's answers and questions; the lock is held for a few map operations only.
    asking: Mutex<Asking>,
    /// What every student sees of them: changes when the teacher acts, or a shown question
    /// gains a vote — never on an answer.
    class: watch::Sender<Class>,
    /// What only the teacher sees: changes on every answer; the projector redraws from it a
    /// few times a second at most.
    desk: watch::Sender<Desk>,
    results: Mutex<Option<Results>>,
}

/// Who asks: the teacher (projector, console, remote) or a student, known to their door.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Who {
    Teacher,
    Student(Student, IpAddr),
}

/// What happened when the teacher asked the scene's question (`a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asks {
    /// Question number N is open.
    Opened(u32),
    /// The open question was closed.
    Closed,
    /// The scene has no question.
    NothingToAsk,
}

impl Hub {
    /// A lesson of `story` at its start; what audiences ask goes to `inbox`.
    pub fn new(
        story: Arc<Story>,
        doors: Arc<Doors>,
        log: Arc<EventLog>,
        inbox: impl Fn(Request) + Send + Sync + 'static,
    ) -> Hub {
        let lesson = Lesson {
            story,
            scene: 0,
            furthest: 0,
            blank: false,
            timer: Clock {
                elapsed: Duration::ZERO,
                running: false,
                since: Instant::now(),
            },
            started: false,
        };
        let per_address = doors.caps().per_address;
        Hub {
            lesson: watch::Sender::new(lesson),
            inbox: Box::new(inbox),
            doors,
            log,
            asking: Mutex::new(Asking::new(per_address)),
            class: watch::Sender::new(Class::default()),
            desk: watch::Sender::new(Desk::default()),
            results: Mutex::new(None),
        }
    }

    /// Keeps the results of this presentation (questions asked, counts, students' questions)
    /// in `results`, written again whenever they change.
    pub fn keep_results(&self, results: Results) {
        *lock(&self.results) = Some(results);
    }

    /// The presentation is here now. Audiences hear of it only if something they show changed:
    /// the scene, the blank, or the timer started, stopped or reset. Returns whether it did.
    pub fn show(&self, moment: Moment) -> bool {
        self.lesson.send_if_modified(|lesson| {
            let scene = moment.scene;
            let timer_changed = lesson.timer.running != moment.running
                || (!moment.running && lesson.timer.elapsed != moment.elapsed)
                // Running as before, but not from where the audience counts: a reset.
                || (moment.running && far_apart(lesson.timer.now(), moment.elapsed));
            let changed = !lesson.started
                || lesson.scene != scene
                || lesson.blank != moment.blank
                || timer_changed;
            if !changed {
                return false;
            }
            lesson.started = true;
            lesson.scene = scene;
            lesson.furthest = lesson.furthest.max(scene);
            lesson.blank = moment.blank;
            if timer_changed {
                lesson.timer = Clock {
                    elapsed: moment.elapsed,
                    running: moment.running,
                    since: Instant::now(),
                };
            }
            true
        })
    }

    /// The presenter reloaded its story: every audience reads the new one from now on. The
    /// furthest scene shown stays the same scene where it still exists, so a scene inserted
    /// before it does not open what the presenter has not shown.
    pub fn reload(&self, story: Arc<Story>) {
        self.lesson.send_modify(|lesson| {
            let furthest_id = lesson
                .story
                .scenes
                .get(lesson.furthest)
                .map(|s| s.id.clone());
            let current_id = lesson.story.scenes.get(lesson.scene).map(|s| s.id.clone());
            let last = story.scenes.len().saturating_sub(1);
            let position = |id: Option<String>, old: usize| {
                id.and_then(|id| story.find_scene(&id))
                    .map_or(old.min(last), |scene| scene.index())
            };
            lesson.furthest = position(furthest_id, lesson.furthest);
            lesson.scene = position(current_id, lesson.scene).min(lesson.furthest);
            lesson.story = story;
        });
    }

    /// A view of the lesson for one audience.
    pub fn watch(&self) -> watch::Receiver<Lesson> {
        self.lesson.subscribe()
    }

    /// The lesson now.
    pub fn lesson(&self) -> Lesson {
        self.lesson.borrow().clone()
    }

    /// Passes an audience's request to the presenter.
    pub fn ask(&self, request: Request) {
        (self.inbox)(request);
    }

    /// Who may come in, and who is in.
    pub fn doors(&self) -> &Arc<Doors> {
        &self.doors
    }

    /// Who is in the room, door by door.
    pub fn room(&self) -> Room {
        self.doors.room()
    }

    /// The presenter's log, for every door's refusals and cuts.
    pub fn log(&self) -> &Arc<EventLog> {
        &self.log
    }

    /// What students see of the questions: the one put to the class, and those shown.
    pub fn watch_class(&self) -> watch::Receiver<Class> {
        self.class.subscribe()
    }

    pub fn class(&self) -> Class {
        self.class.borrow().clone()
    }

    /// What the teacher sees: the live tally and every student's question.
    pub fn watch_desk(&self) -> watch::Receiver<Desk> {
        self.desk.subscribe()
    }

    pub fn desk(&self) -> Desk {
        self.desk.borrow().clone()
    }

    /// Does what a screen asked, if `who` may: returns a line to show them ("Your answer: B",
    /// "Question 3 is open"), or why not.
    pub fn take(&self, ask: Ask, who: &Who) -> Result<String, Refusal> {
        let student = match who {
            Who::Teacher if ask.is_teachers() => None,
            Who::Student(student, address) if !ask.is_teachers() => Some((student, *address)),
            _ => return Err(Refusal::NotYours),
        };
        Ok(match (ask, student) {
            (Ask::SceneQuestion, _) => match self.ask_scene_question() {
                Asks::Opened(number) => format!("Question {number} is open"),
                Asks::Closed => "The question is closed".to_owned(),
                Asks::NothingToAsk => "This scene has no question".to_owned(),
            },
            (Ask::Quick(kind), _) => format!("Question {} is open", self.ask_quick(kind)),
            (Ask::Close, _) => if self.close_question() {
                "The question is closed"
            } else {
                "No question is open"
            }
            .to_owned(),
            (Ask::Reveal, _) => match self.reveal() {
                Some(Shown::Answer) => "The answer is shown".to_owned(),
                Some(_) => "The tally is shown".to_owned(),
                None => "No question to reveal".to_owned(),
            },
            (Ask::TakeDown, _) => {
                self.take_down_question();
                "The question is put away".to_owned()
            }
            (Ask::Moderate(number, state), _) => {
                if !self.moderate(number, state) {
                    return Err(Refusal::UnknownQuestion);
                }
                match state {
                    Moderation::Shown => format!("Question {number} is shown to the class"),
                    Moderation::Dismissed => format!("Question {number} is dismissed"),
                    Moderation::Waiting => format!("Question {number} is held back"),
                }
            }
            (Ask::Spotlight(number), _) => {
                if !self.spotlight(number) {
                    return Err(Refusal::UnknownQuestion);
                }
                match number {
                    Some(number) => format!("Question {number} is on the projector"),
                    None => "The projector shows the lesson".to_owned(),
                }
            }
            (Ask::Answer { question, choice }, Some((student, address))) => {
                let answered = self.answer(student, address, question, choice)?;
                format!(
                    "Your answer: {}",
                    crate::story::Question::letter(answered.choice)
                )
            }
            (Ask::Post(text), Some((student, address))) => {
                self.post(student, address, &text)?;
                "Sent to the teacher, who will choose what the class sees".to_owned()
            }
            (Ask::Vote(number), Some((student, address))) => {
                self.vote(student, address, number)?;
                format!("Your vote for question {number} is counted")
            }
            (Ask::Answer { .. } | Ask::Post(_) | Ask::Vote(_), None) => {
                return Err(Refusal::NotYours);
            }
        })
    }

    /// `a` on the projector: closes the open question; otherwise asks the scene's next
    /// question (the first, or the one after the question asked last about this scene).
    pub fn ask_scene_question(&self) -> Asks {
        let lesson = self.lesson();
        let Some(scene) = lesson.story.scenes.get(lesson.scene) else {
            return Asks::NothingToAsk;
        };
        self.teacher(|asking| {
            if asking.close() {
                return Asks::Closed;
            }
            let questions = &scene.questions;
            if questions.is_empty() {
                return Asks::NothingToAsk;
            }
            let next = asking
                .last_asked_in(&scene.id)
                .and_then(|id| questions.iter().position(|q| q.id == id))
                .map_or(0, |last| (last + 1) % questions.len());
            let number = asking.next_number();
            asking.open(Asked::from_story(
                &lesson.story,
                &scene.id,
                &questions[next],
                number,
            ));
            Asks::Opened(number)
        })
    }

    /// Puts a quick question (A–D, yes/no) to the class. Returns its number.
    pub fn ask_quick(&self, kind: Quick) -> u32 {
        self.teacher(|asking| {
            let number = asking.next_number();
            asking.open(Asked::quick(kind, number));
            number
        })
    }

    /// Stops taking answers to the open question; returns whether one was open.
    pub fn close_question(&self) -> bool {
        self.teacher(Asking::close)
    }

    /// Shows the class one step more of the question: its tally, then its answer.
    pub fn reveal(&self) -> Option<Shown> {
        self.teacher(Asking::reveal)
    }

    /// Takes the question off every screen.
    pub fn take_down_question(&self) {
        self.teacher(Asking::dismiss_poll);
    }

    /// The teacher shows a student's question to the class, or dismisses it.
    pub fn moderate(&self, number: u32, state: Moderation) -> bool {
        self.teacher(|asking| asking.moderate(number, state))
    }

    /// Puts a shown student's question on the projector, or takes it off.
    pub fn spotlight(&self, number: Option<u32>) -> bool {
        self.teacher(|asking| asking.spotlight(number))
    }

    /// A student's answer to question `question`; only the teacher's tally hears of it.
    pub fn answer(
        &self,
        student: &Student,
        address: IpAddr,
        question: u32,
        choice: usize,
    ) -> Result<Answered, Refusal> {
        let mut asking = lock(&self.asking);
        let answered = asking.answer(student, address, question, choice, Instant::now())?;
        let tally = asking.tally();
        drop(asking);
        // Only the counts change: the students' questions are not copied on every answer.
        self.desk.send_modify(|desk| desk.tally = tally);
        Ok(answered)
    }

    /// The student's answer to the question on screen, if they gave one.
    pub fn answer_of(&self, student: &Student) -> Option<Answered> {
        lock(&self.asking).answer_of(student)
    }

    /// A student's question for the teacher: only the teacher sees it until shown.
    pub fn post(&self, student: &Student, address: IpAddr, text: &str) -> Result<u32, Refusal> {
        let mut asking = lock(&self.asking);
        let number = asking.post(student, address, text, Instant::now())?;
        let desk = asking.desk();
        drop(asking);
        self.desk.send_replace(desk);
        Ok(number)
    }

    /// A student's vote for a shown question.
    pub fn vote(&self, student: &Student, address: IpAddr, number: u32) -> Result<(), Refusal> {
        let mut asking = lock(&self.asking);
        asking.vote(student, address, number, Instant::now())?;
        let (class, desk) = (asking.class(), asking.desk());
        drop(asking);
        self.class.send_replace(class);
        self.desk.send_replace(desk);
        Ok(())
    }

    /// Changes what the teacher controls, tells both views, and keeps the results.
    fn teacher<T>(&self, change: impl FnOnce(&mut Asking) -> T) -> T {
        let mut asking = lock(&self.asking);
        let outcome = change(&mut asking);
        let (class, desk) = (asking.class(), asking.desk());
        let results = asking.results();
        drop(asking);
        self.class.send_if_modified(|old| {
            let changed = *old != class;
            *old = class;
            changed
        });
        self.desk.send_if_modified(|old| {
            let changed = *old != desk;
            *old = desk;
            changed
        });
        self.write_results(&results);
        outcome
    }

    /// Writes the results once more, with the last counts: the presentation is over.
    pub fn finish(&self) {
        let results = lock(&self.asking).results();
        self.write_results(&results);
    }

    /// Writes the questions asked and the students' questions, if results are kept.
    fn write_results(&self, (asked, posted): &(Vec<Result_>, Vec<Posted>)) {
        if let Some(kept) = lock(&self.results).as_mut() {
            kept.write(asked, posted, &self.log);
        }
    }
}

/// A lock whose holder panicked still guards consistent data here (every change is a few
/// assignments), so the class carries on.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Two readings of a running timer that differ by more than the time it takes to pass the news
/// along: the timer was reset, not merely read later.
fn far_apart(counted: Duration, said: Duration) -> bool {
    counted.abs_diff(said) > Duration::from_millis(900)
}

/// Waits on one future from a plain thread (the TCP door has no async runtime): the thread
/// sleeps until the future's waker unparks it.
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classroom::doors::Caps;

    fn hub(story: Story) -> Hub {
        let log = Arc::new(EventLog::new(None, 0));
        let doors = Doors::new(Caps::fitting(10, 4, 1 << 20), Arc::clone(&log));
        Hub::new(Arc::new(story), doors, log, |_| {})
    }

    fn at(scene: usize, elapsed_ms: u64, running: bool) -> Moment {
        Moment {
            scene,
            blank: false,
            elapsed: Duration::from_millis(elapsed_ms),
            running,
        }
    }

    #[test]
    fn a_running_timer_is_announced_when_it_starts_stops_or_is_reset_not_every_second() {
        let hub = hub(crate::story::load_embedded());
        let mut watching = hub.watch();
        assert!(hub.show(at(2, 0, false)), "the first moment is news");
        assert!(hub.show(at(2, 0, true)), "started");
        watching.mark_unchanged();
        // The presenter's loop says where it is every second: nothing an audience needs.
        let started = hub.lesson().timer.since;
        for _ in 0..3 {
            let counted = started.elapsed();
            assert!(!hub.show(Moment {
                elapsed: counted,
                ..at(2, 0, true)
            }));
        }
        assert!(!watching.has_changed().unwrap());
        assert!(hub.show(at(2, 4_000, false)), "stopped");
        assert!(hub.show(at(2, 0, false)), "reset");
        assert!(!hub.show(at(2, 0, false)));
        assert!(hub.show(Moment {
            blank: true,
            ..at(2, 0, false)
        }));
        assert!(hub.show(at(3, 0, false)), "moved");
        assert!(watching.has_changed().unwrap());
    }

    #[test]
    fn the_furthest_scene_only_grows() {
        let hub = hub(crate::story::load_embedded());
        hub.show(at(4, 0, false));
        hub.show(at(2, 0, false));
        let lesson = hub.lesson();
        assert_eq!((lesson.scene, lesson.furthest), (2, 4));
        assert!(lesson.has_shown(4) && !lesson.has_shown(5));
    }

    #[test]
    fn a_scene_inserted_by_a_reload_opens_nothing_the_presenter_has_not_shown() {
        let story = crate::story::load_embedded();
        let hub = hub(story.clone());
        hub.show(at(5, 0, false));
        hub.show(at(3, 0, false));
        // The author inserts a scene before the current one.
        let mut edited = story.clone();
        let mut inserted = edited.scenes[1].clone();
        inserted.id = "inserted".into();
        edited.scenes.insert(1, inserted);
        let edited = Arc::new(edited);
        hub.reload(Arc::clone(&edited));
        let lesson = hub.lesson();
        assert!(Arc::ptr_eq(&lesson.story, &edited));
        assert_eq!(edited.scenes[lesson.scene].id, story.scenes[3].id);
        assert_eq!(edited.scenes[lesson.furthest].id, story.scenes[5].id);
        assert!(!lesson.has_shown(edited.find_scene(&story.scenes[6].id).unwrap().index()));
    }
}
