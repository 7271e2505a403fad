//! The terminal's event loop: inputs in (keys, mouse, resizes, the classroom, file changes,
//! time), actions to the [`Reader`], and the app's effects carried out.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode};

use crate::app::{Action, Announcement, App, Control, Effect, Mode, Role, TimeOfDay};
use crate::classroom::hub::{Moment, Request};
use crate::classroom::protocol::Message;
use crate::classroom::session::{self, Heard, Link, Part};
use crate::keymap::Keymap;
use crate::reader::Reader;
use crate::saved::Memory;
use crate::story::{Loading, SceneId, Story};
use crate::ui::theme::Theme;
use crate::{config, terminal};

/// How a reading session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The reader quit.
    Quit,
    /// The reader pressed Ctrl-C.
    Interrupted,
    /// The terminal's input ended under izumi.
    InputClosed,
}

impl Outcome {
    /// The exit status that says what happened: 0, 130 as for SIGINT, or 74 (an input error, as
    /// in sysexits.h).
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Quit => 0,
            Outcome::Interrupted => 130,
            Outcome::InputClosed => 74,
        }
    }
}

/// Something for the event loop.
#[derive(Debug)]
pub enum Input {
    Terminal(Event),
    /// The terminal can no longer be read (it hung up, or its input closed).
    TerminalClosed,
    /// A file in the watched story folder changed.
    StoryChanged,
    /// What the classroom said: the presenter to its console or a follower, or an audience to
    /// the presenter.
    Classroom(Heard),
    /// The presenter's hub published what the class sees of the questions.
    Class(crate::asking::Class),
    /// The presenter's hub published the teacher's desk (at most a few times a second).
    Desk(crate::asking::Desk),
}

/// The least time between two desks drawn: a flood of answers redraws the tally at most four
/// times a second, always with the latest counts.
pub const DESK_EVERY: Duration = Duration::from_millis(250);

/// Passes the hub's class and desk to the event loop, each from a thread of its own that sleeps
/// until the hub publishes: the class at once, the desk at most once per [`DESK_EVERY`], the
/// latest value taken after the pause so that a burst of answers is one redraw. The threads end
/// when the hub or the loop is gone.
pub fn watch_the_class(
    hub: &crate::classroom::hub::Hub,
    inputs: mpsc::Sender<Input>,
) -> io::Result<()> {
    use crate::classroom::hub::block_on;
    let mut class = hub.watch_class();
    let class_inputs = inputs.clone();
    std::thread::Builder::new()
        .name("izumi-class".into())
        .spawn(move || {
            while block_on(class.changed()).is_ok() {
                let now = class.borrow_and_update().clone();
                if class_inputs.send(Input::Class(now)).is_err() {
                    return;
                }
            }
        })?;
    let mut desk = hub.watch_desk();
    std::thread::Builder::new()
        .name("izumi-desk".into())
        .spawn(move || {
            let mut last: Option<Instant> = None;
            while block_on(desk.changed()).is_ok() {
                if let Some(wait) = last.and_then(|last| DESK_EVERY.checked_sub(last.elapsed())) {
                    std::thread::sleep(wait);
                }
                last = Some(Instant::now());
                let now = desk.borrow_and_update().clone();
                if inputs.send(Input::Desk(now)).is_err() {
                    return;
                }
            }
        })?;
    Ok(())
}

/// Where reading starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// Where the reader left off (the reader on their own), else the first scene.
    Resume,
    /// The first scene.
    Beginning,
    /// A scene named by id.
    Scene(String),
}

/// What the command line and the configuration decided about a reading session.
#[derive(Clone, Debug)]
pub struct Setup {
    pub start: Start,
    pub layout: config::Layout,
    /// What people, places and terms tell, when the configuration chose.
    pub tell: Option<crate::app::Telling>,
    pub theme: Theme,
    pub keys: Keymap,
    /// A message to show at the start (a configuration with problems).
    pub notice: Option<String>,
    /// A story folder to reload whenever one of its files changes.
    pub watch: Option<PathBuf>,
    /// Whether this binary serves `present --web/--ssh` itself.
    pub audiences: session::AudienceServers,
}

/// Runs the interactive reader (alone, presenting, as a console or following) on the terminal
/// until it ends.
pub fn run(mut story: Loading, part: Part, setup: &Setup) -> anyhow::Result<Outcome> {
    use std::io::IsTerminal;
    // What was asked for is checked first, terminal or not: a scene asked for by id, and a
    // presenter's addresses and token.
    let first_scene = match &setup.start {
        Start::Scene(id) => {
            let ready = story.wait();
            let scene = scene_named(&ready, id)?;
            story = Loading::Ready(ready);
            Some(scene)
        }
        Start::Resume | Start::Beginning => None,
    };
    session::check(&part)?;
    if !io::stdout().is_terminal() {
        anyhow::bail!(
            "izumi needs a terminal, and standard output is not one (for the story as text, use \
             `izumi export`)"
        );
    }
    let role = match part {
        Part::Alone => Role::Alone,
        Part::Presenter(_) => Role::Presenter,
        Part::Console { .. } => Role::Console,
        Part::Follower { .. } => Role::Follower,
    };
    // A reader on their own and a presenter resume, each at their own place, with the same
    // bookmarks; a classroom follows its presenter.
    let mut memory =
        matches!(role, Role::Alone | Role::Presenter).then(|| Memory::open(story.fingerprint()));
    terminal::restore_on_signals()?;
    let (inputs, events) = mpsc::channel();
    // A presenter's lesson holds its story, which every door serves, so it is needed before
    // they open; a reader on their own decodes it while the terminal is set up.
    if let Part::Presenter(_) = &part {
        story = Loading::Ready(story.wait());
    }
    // The classroom link starts before the terminal is taken, so that a bad address or a
    // missing secret is reported on a normal screen.
    let hearing = inputs.clone();
    let link = session::start(
        &part,
        &story,
        move |heard| hearing.send(Input::Classroom(heard)).is_ok(),
        setup.audiences,
    )?;
    if let Link::Presenting(classroom) = &link {
        watch_the_class(&classroom.hub, inputs.clone())?;
    }
    let invitations = session::invitations(&part, &link);
    // A presenter's, on the main screen, where they are found on leaving; the presentation
    // shows them too. A console's is its remote's address, which stays off the screen until
    // asked for.
    if let Part::Presenter(_) = part {
        print_invitations(&invitations);
    }
    // The watcher sends into the same channel as the keys, so the loop still sleeps until
    // something happens; it is kept alive for as long as the reader runs.
    let _watcher = match &setup.watch {
        Some(dir) => Some(watch(dir, inputs.clone())?),
        None => None,
    };
    let (screen, _) = terminal::enter(setup.layout.mouse)?;
    terminal::forward_events(move |event| {
        inputs
            .send(event.map_or(Input::TerminalClosed, Input::Terminal))
            .is_ok()
    })?;
    let app = first_app(story.wait(), role, first_scene, setup, memory.as_ref())
        .with_invitations(invitations);
    if let Link::Presenting(classroom) = &link {
        // A presenter that resumed, or opened at a scene, says so before its first key: the
        // class sees what the projector shows.
        classroom.hub.show(Moment {
            scene: app.scene().index(),
            blank: false,
            elapsed: Duration::ZERO,
            running: false,
        });
    }
    if let Some(memory) = memory.as_mut() {
        // What the reader changes from here on is what is written, on top of any other reader's.
        memory.begin(app.saved());
    }
    let mut reader = Reader::new(app, screen, setup.theme, setup.keys.clone());
    let result = event_loop(
        &mut reader,
        &link,
        &events,
        memory.as_mut(),
        setup.watch.as_deref(),
    );
    terminal::restore();
    if let Link::Presenting(classroom) = &link
        && classroom.tcp.dropped() > 0
    {
        eprintln!(
            "izumi: {} messages from the network were dropped; see {}",
            classroom.tcp.dropped(),
            crate::classroom::secret::log_path(classroom.tcp.address()).display()
        );
    }
    match result? {
        Ended::Refused(refusal) => anyhow::bail!("{}", session::explain(&refusal)),
        Ended::Outcome(outcome) => Ok(outcome),
    }
}

/// Tells the presenter how students join, with a QR code of the first web address, on the
/// normal screen (it is there again after the presentation).
fn print_invitations(lines: &[String]) {
    for line in lines {
        eprintln!("izumi: {line}");
    }
    if !crate::invite::others_can_join(lines) {
        // No code to scan that cannot work.
        let [what, instead] = crate::invite::TO_INVITE_OTHERS;
        eprintln!(
            "izumi: warning: these addresses are for {}, so there is no code to scan.\nizumi: {what}\nizumi: {instead}",
            crate::invite::THIS_MACHINE_ONLY
        );
        return;
    }
    if let Some(code) = crate::invite::code_of(lines) {
        for line in code.half_blocks() {
            eprintln!("  {line}");
        }
    }
}

/// The scene with this id, or an error naming the closest one.
pub(crate) fn scene_named(story: &Story, id: &str) -> anyhow::Result<SceneId> {
    story.find_scene(id).ok_or_else(|| {
        let hint = crate::story::diagnostic::did_you_mean(
            id,
            story.scenes.iter().map(|scene| scene.id.as_str()),
        );
        // The id comes from the command line: shown escaped, like every message.
        let id = crate::story::text::escape(id);
        anyhow::anyhow!("no scene \"{id}\" in this story{hint}")
    })
}

/// The app as reading starts: its part, layout, first scene, and for a reader on their own or a
/// presenter the remembered place (each their own) and bookmarks; with a message if there is one to show.
fn first_app(
    story: Arc<Story>,
    role: Role,
    first_scene: Option<SceneId>,
    setup: &Setup,
    memory: Option<&Memory>,
) -> App {
    let mut app = App::new(story)
        .with_role(role)
        .with_layout(setup.layout.map, setup.layout.timeline)
        .telling_chosen(setup.tell);
    if role == Role::Follower {
        // A follower reads what the presenter has shown; each announcement says how far.
        app = app.reading_up_to(0);
    }
    if let Some(scene) = first_scene {
        app = app.at(scene);
    }
    let mut status = setup.notice.clone();
    if let Some(memory) = memory {
        let mut saved = memory.last.clone();
        if setup.start != Start::Resume {
            saved.scene = None;
            saved.presented = None;
        }
        app = app.remembering(&saved);
        status = memory.problem.clone().or(status);
    }
    app.with_status(status)
}

/// Why the event loop stopped.
enum Ended {
    Outcome(Outcome),
    /// The presenter refused this terminal, for this reason.
    Refused(String),
}

/// Runs until the reader quits, the terminal goes, or the presenter refuses this terminal.
fn event_loop(
    reader: &mut Reader<terminal::Backend>,
    link: &Link,
    events: &Receiver<Input>,
    mut memory: Option<&mut Memory>,
    watched: Option<&Path>,
) -> anyhow::Result<Ended> {
    let panic_key = test_panic_key();
    let mut effects = reader.start()?;
    loop {
        if let Some(outcome) = carry_out(effects, reader, link, memory.as_deref_mut())? {
            return Ok(Ended::Outcome(outcome));
        }
        let clock = (reader.app().mode() == Mode::Console).then(wall_clock);
        if let Some((time, _)) = clock {
            let effects = reader.act(Action::Clock(time))?;
            if let Some(outcome) = carry_out(effects, reader, link, memory.as_deref_mut())? {
                return Ok(Ended::Outcome(outcome));
            }
        }
        // Blocks until something happens: an idle reader costs nothing. Only a running timer
        // (once a second) and the console's clock (once a minute) wake the loop on their own.
        let wake_in = match (reader.app().timer().is_running(), clock) {
            (true, Some((_, next_minute))) => Some(next_minute.min(Duration::from_secs(1))),
            (true, None) => Some(Duration::from_secs(1)),
            (false, Some((_, next_minute))) => Some(next_minute),
            (false, None) => None,
        };
        let input = match wake_in {
            Some(timeout) => match events.recv_timeout(timeout) {
                Ok(input) => input,
                Err(RecvTimeoutError::Timeout) => {
                    effects = reader.act(Action::Tick(Instant::now()))?;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Ok(Ended::Outcome(Outcome::InputClosed));
                }
            },
            None => match events.recv() {
                Ok(input) => input,
                Err(_) => return Ok(Ended::Outcome(Outcome::InputClosed)),
            },
        };
        // A presenter knows the moment of every input, so that the first move of the lesson
        // can start the timer as of then.
        if reader.app().role() == Role::Presenter {
            reader.apply(Action::Tick(Instant::now()));
        }
        effects = match input {
            Input::Terminal(Event::Key(key))
                if panic_key.is_some_and(|c| key.code == KeyCode::Char(c)) =>
            {
                panic!("panic requested by IZUMI_TEST_PANIC_KEY")
            }
            Input::Terminal(event) => reader.event(event)?,
            Input::Classroom(Heard::Asked(Request::Goto(index))) => {
                reader.act(Action::GoToScene(index))?
            }
            Input::Classroom(Heard::Asked(Request::ToggleBlank)) => {
                reader.act(Action::ToggleBlank)?
            }
            Input::Classroom(Heard::Asked(Request::Control(control))) => {
                reader.act(Action::Control(control, Instant::now()))?
            }
            // The presenter says whether the projector is blanked (to a console).
            Input::Classroom(Heard::FromPresenter(Message::Control(Control::Blank(blank)))) => {
                reader.act(Action::Blanked(blank))?
            }
            Input::Classroom(Heard::FromPresenter(Message::Scene {
                index,
                timer_ms,
                running,
                furthest,
            })) => {
                let mut effects = reader.act(Action::ShownUpTo(furthest))?;
                let announced = Announcement {
                    scene: index,
                    elapsed: Duration::from_millis(timer_ms),
                    running,
                    blank: false,
                };
                effects.extend(reader.act(Action::Presenter(announced, Instant::now()))?);
                effects
            }
            Input::Classroom(Heard::FromPresenter(Message::Class(class))) => {
                reader.act(Action::Class(class))?
            }
            Input::Classroom(Heard::FromPresenter(Message::Desk(desk))) => {
                reader.act(Action::Desk(desk))?
            }
            // The reply to this terminal's ask: the line to show.
            Input::Classroom(Heard::FromPresenter(Message::Said { text, .. })) => {
                reader.act(Action::Status(text))?
            }
            Input::Classroom(Heard::FromPresenter(_)) => Vec::new(),
            Input::Classroom(Heard::Linked(up)) => reader.act(Action::Linked(up))?,
            Input::Class(class) => reader.act(Action::Class(class))?,
            Input::Desk(desk) => reader.act(Action::Desk(desk))?,
            Input::Classroom(Heard::Refused(reason)) => return Ok(Ended::Refused(reason)),
            Input::TerminalClosed => return Ok(Ended::Outcome(Outcome::InputClosed)),
            Input::StoryChanged => match watched {
                Some(dir) => match crate::story::load(dir) {
                    Ok(story) => {
                        let effects = reader.act(Action::Reload(Arc::new(story)))?;
                        // Every door serves the new story before it hears where the presenter
                        // is in it.
                        if let Link::Presenting(classroom) = link {
                            classroom.hub.reload(reader.app().shared_story());
                        }
                        effects
                    }
                    Err(errors) => reader.act(Action::Problems(errors.lines()))?,
                },
                None => Vec::new(),
            },
        };
    }
}

/// Does what the app asked for, and what it asks for in turn; says how reading ended, if it
/// did. Every effect is named, so that a new one does not compile until this host decides.
fn carry_out(
    effects: Vec<Effect>,
    reader: &mut Reader<terminal::Backend>,
    link: &Link,
    mut memory: Option<&mut Memory>,
) -> io::Result<Option<Outcome>> {
    let mut effects = std::collections::VecDeque::from(effects);
    while let Some(effect) = effects.pop_front() {
        match effect {
            Effect::Save(saved) => {
                if let Some(problem) = memory.as_deref_mut().and_then(|memory| memory.keep(&saved))
                {
                    effects.extend(reader.act(Action::Status(problem))?);
                }
            }
            Effect::Announce(announced) => {
                if let Link::Presenting(classroom) = link {
                    classroom.hub.show(Moment {
                        scene: announced.scene,
                        blank: announced.blank,
                        elapsed: announced.elapsed,
                        running: announced.running,
                    });
                }
            }
            Effect::Goto(index) => {
                if let Link::Joined(connection) = link
                    && let Some(connection) = connection
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .as_mut()
                {
                    let _ = connection.goto(index);
                }
            }
            Effect::Control(control) => {
                if let Link::Joined(connection) = link
                    && let Some(connection) = connection
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .as_mut()
                {
                    let _ = connection.control(control);
                }
            }
            Effect::Ask(ask) => {
                let said = match link {
                    Link::Presenting(classroom) => Some(
                        classroom
                            .hub
                            .take(ask, &crate::classroom::hub::Who::Teacher)
                            .unwrap_or_else(|refusal| refusal.message().to_owned()),
                    ),
                    // Carried to the presenter; its reply comes back as a `said` message.
                    Link::Joined(connection) => {
                        let mut connection = connection.lock().unwrap_or_else(|p| p.into_inner());
                        match connection.as_mut().map(|c| c.ask(&ask)) {
                            Some(Ok(())) => None,
                            Some(Err(_)) => {
                                Some("Not sent: the link to the presenter failed".to_owned())
                            }
                            None => Some("Not sent: not connected to the presenter".to_owned()),
                        }
                    }
                    Link::None => Some("No class to ask: present with --web or --ssh".to_owned()),
                };
                if let Some(said) = said {
                    effects.extend(reader.act(Action::Status(said))?);
                }
            }
            Effect::Quit { interrupted } => {
                return Ok(Some(if interrupted {
                    Outcome::Interrupted
                } else {
                    Outcome::Quit
                }));
            }
        }
    }
    Ok(None)
}

/// Watches a story folder and its episodes, sending a note on every change.
fn watch(dir: &Path, inputs: mpsc::Sender<Input>) -> anyhow::Result<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        {
            let _ = inputs.send(Input::StoryChanged);
        }
    })?;
    watcher
        .watch(dir, RecursiveMode::Recursive)
        .map_err(|error| anyhow::anyhow!("cannot watch {}: {error}", dir.display()))?;
    Ok(watcher)
}

/// The local time of day, and how long until the minute changes.
fn wall_clock() -> (TimeOfDay, Duration) {
    let now = jiff::ZonedDateTime::now();
    let time = TimeOfDay {
        hour: u8::try_from(now.hour()).unwrap_or(0),
        minute: u8::try_from(now.minute()).unwrap_or(0),
    };
    let into_minute = Duration::new(
        u64::try_from(now.second()).unwrap_or(0),
        u32::try_from(now.subsec_nanosecond()).unwrap_or(0),
    );
    // A few milliseconds late rather than early, so the wake-up lands in the new minute.
    let until_next = Duration::from_secs(60).saturating_sub(into_minute) + Duration::from_millis(5);
    (time, until_next)
}

/// In debug builds only, the end-to-end tests name a key that panics, to check that a panic
/// gives the terminal back.
fn test_panic_key() -> Option<char> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var("IZUMI_TEST_PANIC_KEY").ok()?.chars().next()
}
