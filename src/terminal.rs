//! The only place that touches raw mode and the alternate screen: entering, the event loop, and
//! giving the terminal back on every way out (quit, Ctrl-C, panic, SIGTERM, SIGHUP).

use std::io::{self, BufWriter, IsTerminal, Stdout, stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use std::{panic, process};

use crossterm::cursor::Show;
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, MouseButton, MouseEventKind,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::layout::{Rect, Size};
use ratatui::prelude::CrosstermBackend;
use ratatui::{TerminalOptions, Viewport};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;

use crate::app::mouse::{self, Gesture};
use crate::app::{Action, App, Mode, TimeOfDay, keymap};
use crate::classroom::protocol::Message;
use crate::classroom::session::{self, Input, Link, Part};
use crate::saved::{self, Saved};
use crate::story::Loading;
use crate::ui;
use crate::ui::hit;

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
    pub layout: crate::config::Layout,
    /// A message to show at the start (a configuration with problems).
    pub notice: Option<String>,
    /// A story folder to reload whenever one of its files changes.
    pub watch: Option<std::path::PathBuf>,
}

/// Runs the interactive reader (alone, presenting, as a console or following) until it ends.
pub fn run_reader(
    mut story: Loading,
    mode: Mode,
    part: Part,
    setup: &Setup,
) -> anyhow::Result<Outcome> {
    let start = &setup.start;
    if !io::stdout().is_terminal() {
        anyhow::bail!(
            "izumi needs a terminal, and standard output is not one (for the story as text, use \
             `izumi export`)"
        );
    }
    // A scene asked for by id is checked before the terminal is taken.
    let mut first_scene = None;
    if let Start::Scene(id) = start {
        let ready = story.wait();
        first_scene = Some(ready.find_scene(id).ok_or_else(|| {
            let hint = crate::story::diagnostic::did_you_mean(
                id,
                ready.scenes.iter().map(|scene| scene.id.as_str()),
            );
            anyhow::anyhow!("no scene \"{id}\" in this story{hint}")
        })?);
        story = Loading::Ready(Box::new(ready));
    }
    // Only a reader on their own resumes; a classroom follows its presenter.
    let mut memory =
        (part == Part::Alone && mode == Mode::Reader).then(|| Memory::open(story.fingerprint()));
    restore_on_signals()?;
    let (inputs, events) = mpsc::channel();
    // The classroom link starts before the terminal is taken, so that a bad address or a
    // missing secret is reported on a normal screen.
    let link = session::start(&part, story.fingerprint(), &inputs)?;
    // The watcher sends into the same channel as the keys, so the loop still sleeps until
    // something happens; it is kept alive for as long as the reader runs.
    let _watcher = match &setup.watch {
        Some(dir) => Some(watch(dir, inputs.clone())?),
        None => None,
    };
    MOUSE.store(setup.layout.mouse, Ordering::Relaxed);
    let (mut terminal, size) = enter()?;
    forward_terminal_events(inputs)?;
    let mut app = App::new(story.wait(), size);
    app.set_layout(setup.layout.map, setup.layout.timeline);
    if let Some(notice) = &setup.notice {
        app.set_status(notice.clone());
    }
    if let Some(scene) = first_scene {
        app.update(Action::GoToScene(scene.index()));
    }
    if let Some(memory) = &mut memory {
        let mut saved = memory.last.clone();
        if *start != Start::Resume {
            saved.scene = None;
        }
        app.restore(&saved);
        if let Some(problem) = &memory.problem {
            app.set_status(problem.clone());
        }
        // Nothing is written until the reader moves.
        memory.last = app.saved();
    }
    let result = event_loop(
        &mut terminal,
        app,
        mode,
        &link,
        &events,
        memory,
        setup.watch.as_deref(),
    );
    restore();
    if let Link::Presenting(presenter) = &link
        && presenter.dropped() > 0
    {
        eprintln!(
            "izumi: {} messages from the network were dropped; see {}",
            presenter.dropped(),
            crate::classroom::secret::log_path(presenter.address()).display()
        );
    }
    match result? {
        Ended::Refused(refusal) => anyhow::bail!("{}", session::explain(&refusal)),
        Ended::Outcome(outcome) => Ok(outcome),
    }
}

/// Reads the terminal on its own thread, so that keys and network messages meet in one channel.
fn forward_terminal_events(inputs: Sender<Input>) -> io::Result<()> {
    thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            while let Ok(event) = event::read() {
                if inputs.send(Input::Terminal(event)).is_err() {
                    return;
                }
            }
            // Reading failed: the terminal is gone. Say so once and stop, rather than spin.
            let _ = inputs.send(Input::TerminalClosed);
        })?;
    Ok(())
}

/// Whether izumi takes the mouse (the reader's preference); read by `restore`, which runs from
/// the signal and panic handlers too.
static MOUSE: AtomicBool = AtomicBool::new(true);

/// The terminal izumi draws on.
type Screen = ratatui::Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Raw mode and the alternate screen, with a panic hook that restores the terminal before the
/// panic message is printed, so the message is readable and the shell usable.
fn enter() -> io::Result<(Screen, Size)> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    // The size is read once here and then kept up to date from resize events, rather than asked
    // of the terminal before every frame.
    let (width, height) = crossterm::terminal::size()?;
    enable_raw_mode()?;
    // One write per frame rather than one per kilobyte (stdout's own buffer): less work for the
    // terminal, and no half-drawn frame on screen. The switch to the alternate screen goes out
    // with the first frame, so the terminal never shows an empty screen in between.
    let mut out = BufWriter::with_capacity(1 << 16, stdout());
    queue!(out, EnterAlternateScreen)?;
    if MOUSE.load(Ordering::Relaxed) {
        queue!(out, EnableMouseCapture)?;
    }
    let backend = CrosstermBackend::new(out);
    let screen = ratatui::Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        },
    )?;
    Ok((screen, Size::new(width, height)))
}

/// Gives the terminal back: raw mode off, main screen, cursor shown. Safe to call twice.
pub fn restore() {
    let _ = disable_raw_mode();
    if MOUSE.load(Ordering::Relaxed) {
        let _ = execute!(stdout(), DisableMouseCapture);
    }
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

/// Why the event loop stopped.
enum Ended {
    Outcome(Outcome),
    /// The presenter refused this terminal, for this reason.
    Refused(String),
}

/// Runs until the reader quits, the terminal goes, or the presenter refuses this terminal.
fn event_loop(
    terminal: &mut Screen,
    mut app: App,
    mode: Mode,
    link: &Link,
    events: &Receiver<Input>,
    mut memory: Option<Memory>,
    watched: Option<&std::path::Path>,
) -> anyhow::Result<Ended> {
    match mode {
        Mode::Presentation => {
            app.update(Action::TogglePresentation);
        }
        Mode::Console => app = app.into_console(),
        Mode::Reader => {}
    }
    let panic_key = test_panic_key();
    let mut redraw = true;
    let mut announced = None;
    while !app.should_quit() {
        if let Link::Presenting(presenter) = link {
            let timer = app.timer();
            let now = (app.scene(), timer.is_running(), timer.elapsed().as_secs());
            if announced != Some(now) {
                let millis = u64::try_from(timer.elapsed().as_millis()).unwrap_or(u64::MAX);
                presenter.announce(app.scene().index(), millis, timer.is_running());
                announced = Some(now);
            }
        }
        if let Some(memory) = &mut memory {
            redraw |= memory.keep(&mut app);
        }
        let clock = (app.mode() == Mode::Console).then(wall_clock);
        if let Some((time, _)) = clock {
            redraw |= app.update(Action::Clock(time));
        }
        if redraw {
            terminal.draw(|frame| ui::draw(frame, &app))?;
        }
        // Blocks until something happens: an idle reader costs nothing. Only a running timer
        // (once a second) and the console's clock (once a minute) wake the loop on their own.
        let wake_in = match (app.timer().is_running(), clock) {
            (true, Some((_, next_minute))) => Some(next_minute.min(Duration::from_secs(1))),
            (true, None) => Some(Duration::from_secs(1)),
            (false, Some((_, next_minute))) => Some(next_minute),
            (false, None) => None,
        };
        let input = match wake_in {
            Some(timeout) => match events.recv_timeout(timeout) {
                Ok(input) => input,
                Err(RecvTimeoutError::Timeout) => {
                    redraw = app.update(Action::Tick(Instant::now()));
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
        let before = app.scene();
        redraw = match input {
            Input::Terminal(Event::Key(key))
                if panic_key.is_some_and(|c| key.code == event::KeyCode::Char(c)) =>
            {
                panic!("panic requested by IZUMI_TEST_PANIC_KEY")
            }
            Input::Terminal(Event::Key(key)) => {
                let action = if app.is_typing() {
                    keymap::action_while_typing(key)
                } else {
                    keymap::action_for(key)
                };
                action.is_some_and(|action| app.update(action))
            }
            Input::Terminal(Event::Mouse(mouse)) => {
                let gesture = match mouse.kind {
                    MouseEventKind::Down(MouseButton::Left) => Some(Gesture::Click),
                    MouseEventKind::ScrollUp => Some(Gesture::WheelUp),
                    MouseEventKind::ScrollDown => Some(Gesture::WheelDown),
                    _ => None,
                };
                let area = Rect::new(0, 0, app.viewport().width, app.viewport().height);
                match (gesture, hit::spot(&app, area, mouse.column, mouse.row)) {
                    (Some(gesture), Some(spot)) => {
                        let mut changed = false;
                        for action in mouse::actions(&app, spot, gesture) {
                            changed |= app.update(action);
                        }
                        changed
                    }
                    _ => false,
                }
            }
            Input::Terminal(Event::Resize(width, height)) => {
                terminal.resize(Rect::new(0, 0, width, height))?;
                app.update(Action::Resize(width, height));
                true
            }
            Input::Terminal(_) => false,
            Input::MoveTo(index) => app.update(Action::GoToScene(index)),
            Input::FromPresenter(Message::Scene {
                index,
                timer_ms,
                running,
            }) => {
                if app.mode() == Mode::Console {
                    app.set_timer(Duration::from_millis(timer_ms), running, Instant::now());
                }
                app.update(Action::PresenterAt(index)) || app.mode() == Mode::Console
            }
            Input::FromPresenter(_) => false,
            Input::Linked(up) => app.set_linked(up),
            Input::Refused(reason) => return Ok(Ended::Refused(reason)),
            Input::TerminalClosed => return Ok(Ended::Outcome(Outcome::InputClosed)),
            Input::StoryChanged => {
                if let Some(dir) = watched {
                    match crate::story::load(dir) {
                        Ok(story) => app.replace_story(story),
                        Err(errors) => app.show_problems(
                            errors.diagnostics.iter().map(ToString::to_string).collect(),
                        ),
                    }
                }
                true
            }
        };
        // The console moves the presentation: what the teacher does here, the presenter does.
        if app.mode() == Mode::Console
            && app.scene() != before
            && let Link::Joined(connection) = link
            && let Some(connection) = connection
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_mut()
        {
            let _ = connection.goto(app.scene().index());
        }
    }
    Ok(Ended::Outcome(if app.was_interrupted() {
        Outcome::Interrupted
    } else {
        Outcome::Quit
    }))
}

/// Watches a story folder and its episodes, sending a note on every change.
fn watch(
    dir: &std::path::Path,
    inputs: Sender<Input>,
) -> anyhow::Result<notify::RecommendedWatcher> {
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

/// The reader's place and bookmarks, saved whenever they change.
struct Memory {
    path: std::path::PathBuf,
    /// What was last read or written.
    last: Saved,
    /// What went wrong reading the file, to tell the reader once.
    problem: Option<String>,
    /// Saving failed once and was reported; it is not reported again.
    failed: bool,
}

impl Memory {
    fn open(fingerprint: &str) -> Self {
        let path = saved::path_for(fingerprint);
        let (last, problem) = saved::load(&path);
        Self {
            path,
            last,
            problem,
            failed: false,
        }
    }

    /// Saves the app's place if it changed; a failure is told to the reader once. Returns
    /// whether there is a message to show.
    fn keep(&mut self, app: &mut App) -> bool {
        let now = app.saved();
        if now == self.last {
            return false;
        }
        let mut told = false;
        match saved::save(&self.path, &now) {
            Ok(()) => self.failed = false,
            Err(error) if !self.failed => {
                self.failed = true;
                told = true;
                app.set_status(format!(
                    "could not save your place in {}: {error}",
                    self.path.display()
                ));
            }
            Err(_) => {}
        }
        self.last = now;
        told
    }
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

/// On a terminating signal, gives the terminal back and exits with 128 + the signal's number,
/// as shells expect.
fn restore_on_signals() -> anyhow::Result<()> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                restore();
                process::exit(128 + signal);
            }
        })?;
    Ok(())
}
