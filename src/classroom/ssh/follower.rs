//! One student's session: a follower reader drawn into escape sequences for the client,
//! moved by the presenter, the client's keys and resizes, until it ends.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::ChannelId;
use russh::server::Handle;
use tokio::sync::{mpsc, watch};

use super::screens::ScreenShare;
use super::{Cut, DETAILED_LINES, Noise, SessionSlot, Shared, input, lock};
use crate::app::{Action, Announcement, App, Changes, Effect, Role};
use crate::asking::{Class, Student};
use crate::classroom::hub::{Lesson, Who};
use crate::keymap::Keymap;
use crate::reader::{Reader, fitting};
use crate::ui::theme::Theme;

/// The least time between two frames drawn for window changes: a client that resizes in a
/// storm is drawn at most ten times a second, at its last size.
const RESIZE_EVERY: Duration = Duration::from_millis(100);

/// The least time between two frames drawn for the class's questions: votes for a shown
/// question change them often, and each session draws the latest at most four times a second.
const CLASS_EVERY: Duration = Duration::from_millis(250);

/// The client's terminal size as it last said, and how many times it has said so.
#[derive(Clone, Copy, Debug)]
pub(super) struct Window {
    pub(super) size: (u16, u16),
    pub(super) changes: u64,
}

/// Window changes waiting to be drawn.
struct Resizes {
    /// Whether a change has come that is not drawn yet.
    waiting: bool,
    /// When the next one may be drawn.
    at: tokio::time::Instant,
    /// Changes counted so far.
    counted: u64,
}

/// The most bytes handed to the SSH session at once: a channel packet's worth. The session
/// queues ten hands-over at most before a write waits.
const PIECE: usize = 32 * 1024;

/// How a session starts and leaves the client's terminal: the alternate screen, no cursor,
/// clicks and the wheel reported (SGR encoding); then all of it undone.
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1006h\x1b[2J";
const LEAVE: &[u8] = b"\x1b[?1006l\x1b[?1000l\x1b[0m\x1b[?25h\x1b[?1049l";

/// The writer the reader draws into: each frame's escape sequences, taken and sent after it.
/// The session holds the other end.
#[derive(Clone, Debug, Default)]
struct Frames(Arc<Mutex<Vec<u8>>>);

impl Frames {
    /// The escape sequences drawn since the last time.
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut lock(&self.0))
    }
}

impl io::Write for Frames {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        lock(&self.0).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A follower reader drawn for one SSH client.
type SshReader = Reader<CrosstermBackend<Frames>>;

/// Why a session ended.
#[derive(Debug, PartialEq, Eq)]
enum End {
    /// The student quit; with Ctrl-C if `interrupted`.
    Quit { interrupted: bool },
    /// The client went (closed its channel or its connection).
    Gone,
    /// The presenter stopped.
    Stopped,
    /// Nothing happened for too long.
    Idle,
    /// The client stopped reading, or its connection failed.
    Cut,
}

/// One running session: its follower reader, fed by the presenter, the client's keys and
/// resizes, and its frames sent to the client.
pub(super) struct Follower {
    pub(super) shared: Arc<Shared>,
    pub(super) peer: SocketAddr,
    pub(super) handle: Handle,
    pub(super) channel: ChannelId,
    pub(super) cut: Arc<Cut>,
    /// Its place among the sessions, given back when it ends.
    pub(super) _place: SessionSlot,
}

impl Follower {
    pub(super) async fn run(
        self,
        theme: Theme,
        mut bytes: mpsc::Receiver<Vec<u8>>,
        mut windows: watch::Receiver<Window>,
    ) {
        let mut noise = Noise::default();
        let end = self
            .follow(theme, &mut bytes, &mut windows, &mut noise)
            .await;
        if noise.unlogged > 0 {
            self.shared.log(
                self.peer,
                &format!(
                    "dropped: keys or window changes faster than the limit {} more times, not \
                     logged one by one",
                    noise.unlogged
                ),
            );
        }
        let goodbye = match end {
            End::Quit { .. } | End::Gone => None,
            End::Stopped => Some("the presenter has stopped."),
            End::Idle => Some(
                "nothing happened for a long while, so this session closed; ssh again to follow the class.",
            ),
            End::Cut => return self.cut.cut(),
        };
        let mut last = LEAVE.to_vec();
        if let Some(goodbye) = goodbye {
            last.extend_from_slice(format!("izumi: {goodbye}\r\n").as_bytes());
        }
        // As the reader's own exit status says: 130 after Ctrl-C, as for SIGINT.
        let status = if end == (End::Quit { interrupted: true }) {
            130
        } else {
            0
        };
        if end != End::Gone && self.send(last).await.is_ok() {
            let _ = self.handle.exit_status_request(self.channel, status).await;
            let _ = self.handle.eof(self.channel).await;
            let _ = self.handle.close(self.channel).await;
        }
        // A client that keeps its connection open without the session is let go shortly.
        let cut = Arc::clone(&self.cut);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            cut.cut();
        });
    }

    /// Runs the reader until it ends, and says why.
    async fn follow(
        &self,
        theme: Theme,
        bytes: &mut mpsc::Receiver<Vec<u8>>,
        windows: &mut watch::Receiver<Window>,
        noise: &mut Noise,
    ) -> End {
        let mut stage = self.shared.hub.watch();
        let mut classes = self.shared.hub.watch_class();
        // This session is one student, known by a key of its own: an answer counts once for
        // as long as the session lasts, and the hub's limits per address still hold.
        let key =
            crate::classroom::secret::random().unwrap_or_else(|_| format!("peer-{}", self.peer));
        let who = Who::Student(Student::new("ssh", &key), self.peer.ip());
        let mut stopping = self.shared.stopping.subscribe();
        let mut screen = self.shared.screens.share();
        let mut told_smaller = false;
        let window = *windows.borrow_and_update();
        let (width, height) = self.fit(&mut screen, window.size, &mut told_smaller);
        let shown = stage.borrow_and_update().clone();
        let class = classes.borrow_and_update().clone();
        let frames = Frames::default();
        let (mut reader, asked) =
            match self.reader(frames.clone(), theme, width, height, &shown, class) {
                Ok(started) => started,
                Err(_) => return End::Cut,
            };
        match self.carry_out(&mut reader, asked, &who) {
            Ok(true) if reader.draw().is_err() => return End::Cut,
            Ok(_) => {}
            Err(end) => return end,
        }
        let mut frame = ENTER.to_vec();
        frame.extend(frames.take());
        frame.extend(why_smaller((width, height), window.size));
        if self.send(frame).await.is_err() {
            return End::Cut;
        }
        let mut parser = input::Parser::default();
        let mut events = Vec::new();

        let mut last_seen = Seen::of(&shown);
        let limits = &self.shared.limits;
        let mut window_of_keys = (Instant::now(), 0u32);
        let mut resizes = Resizes {
            waiting: false,
            at: tokio::time::Instant::now(),
            counted: window.changes,
        };
        let mut idle_since = tokio::time::Instant::now();
        // Class changes waiting to be drawn, and when the next may be.
        let (mut class_waiting, mut class_at) = (false, tokio::time::Instant::now());
        loop {
            let drawn = tokio::select! {
                received = bytes.recv() => {
                    let Some(received) = received else {
                        return End::Gone;
                    };
                    idle_since = tokio::time::Instant::now();
                    events.clear();
                    parser.feed(&received, &mut events);
                    // More packets may be waiting: take them too, and draw once.
                    while let Ok(more) = bytes.try_recv() {
                        parser.feed(&more, &mut events);
                    }
                    let taken = self.within_rate(&mut window_of_keys, noise, events.len(), "keys");
                    let mut redraw = false;
                    for event in events.drain(..taken) {
                        let changes = reader.apply_event(&event);
                        redraw |= changes.redraw;
                        match self.carry_out(&mut reader, changes.effects, &who) {
                            Ok(said) => redraw |= said,
                            Err(end) => return end,
                        }
                    }
                    redraw && reader.draw().is_ok()
                }
                changed = classes.changed(), if !class_waiting => {
                    if changed.is_err() {
                        return End::Stopped;
                    }
                    class_waiting = true;
                    false
                }
                () = tokio::time::sleep_until(class_at), if class_waiting => {
                    class_waiting = false;
                    class_at = tokio::time::Instant::now() + CLASS_EVERY;
                    let class = classes.borrow_and_update().clone();
                    let changes = reader.apply(Action::Class(class));
                    match self.carry_out(&mut reader, changes.effects, &who) {
                        Ok(said) => (changes.redraw || said) && reader.draw().is_ok(),
                        Err(end) => return end,
                    }
                }
                changed = stage.changed() => {
                    if changed.is_err() {
                        return End::Stopped;
                    }
                    let shown = stage.borrow_and_update().clone();
                    // A follower draws only when the story, the scene or the furthest scene
                    // changes, not for the presenter's timer or blank screen.
                    let now_seen = Seen::of(&shown);
                    let moved = now_seen != last_seen;
                    if !Arc::ptr_eq(&now_seen.story, &last_seen.story) {
                        let reloaded = reader.apply(Action::Reload(Arc::clone(&shown.story)));
                        if let Err(end) = self.carry_out(&mut reader, reloaded.effects, &who) {
                            return end;
                        }
                    }
                    last_seen = now_seen;
                    if moved && shown.started {
                        idle_since = tokio::time::Instant::now();
                        let told = tell(&mut reader, &shown);
                        match self.carry_out(&mut reader, told.effects, &who) {
                            Ok(said) => (told.redraw || said) && reader.draw().is_ok(),
                            Err(end) => return end,
                        }
                    } else {
                        false
                    }
                }
                resized = windows.changed(), if !resizes.waiting => {
                    if resized.is_err() {
                        return End::Gone;
                    }
                    resizes.waiting = true;
                    false
                }
                () = tokio::time::sleep_until(resizes.at), if resizes.waiting => {
                    let window = *windows.borrow_and_update();
                    if self.resize_due(&mut resizes, window, &mut window_of_keys, noise) {
                        let (width, height) = self.fit(&mut screen, window.size, &mut told_smaller);
                        let drawn = reader.resize(width, height).is_ok();
                        lock(&frames.0).extend(why_smaller((width, height), window.size));
                        drawn
                    } else {
                        false
                    }
                }
                _ = stopping.changed() => return End::Stopped,
                () = tokio::time::sleep_until(idle_since + limits.idle) => {
                    self.shared.log(self.peer, &format!(
                        "cut: idle for {} minutes", limits.idle.as_secs() / 60
                    ));
                    return End::Idle;
                }
            };
            if drawn && self.send(frames.take()).await.is_err() {
                return End::Cut;
            }
        }
    }

    /// The reader for a newcomer: the presenter's scene, the furthest shown as its limit unless
    /// the class may read ahead, the class's questions, its first frame drawn; and what it
    /// asked for on the way.
    fn reader(
        &self,
        frames: Frames,
        theme: Theme,
        width: u16,
        height: u16,
        shown: &Lesson,
        class: Class,
    ) -> io::Result<(SshReader, Vec<Effect>)> {
        let viewport = Viewport::Fixed(fitting(width, height));
        let terminal =
            Terminal::with_options(CrosstermBackend::new(frames), TerminalOptions { viewport })?;
        let mut app = App::new(Arc::clone(&shown.story)).with_role(Role::Follower);
        if !self.shared.read_ahead {
            app = app.reading_up_to(shown.furthest);
        }
        let mut reader = Reader::new(app, terminal, theme, Keymap::default());
        let mut asked = if shown.started {
            tell(&mut reader, shown).effects
        } else {
            Vec::new()
        };
        asked.extend(reader.apply(Action::Class(class)).effects);
        asked.extend(reader.start()?);
        Ok((reader, asked))
    }

    /// How many of `count` events the rate limit lets through now; the rest are dropped, and
    /// logged the first time in a second, in detail the first few times.
    fn within_rate(
        &self,
        window: &mut (Instant, u32),
        noise: &mut Noise,
        count: usize,
        what: &str,
    ) -> usize {
        let per_second = self.shared.limits.keys_per_second;
        if window.0.elapsed() >= Duration::from_secs(1) {
            *window = (Instant::now(), 0);
        }
        let room = per_second.saturating_sub(window.1) as usize;
        let taken = count.min(room);
        window.1 += u32::try_from(taken).unwrap_or(u32::MAX);
        if taken < count && room > 0 {
            if noise.logged < DETAILED_LINES {
                noise.logged += 1;
                self.shared.log(
                    self.peer,
                    &format!("dropped: {what} faster than {per_second} a second"),
                );
            } else {
                noise.unlogged += 1;
            }
        }
        taken
    }

    /// Whether the client's last window size is to be drawn now: every change counts as a key
    /// (and one more for a size that had to wait); when the second's keys are spent, the size
    /// waits for the next second, else the next frame for a change waits [`RESIZE_EVERY`].
    fn resize_due(
        &self,
        resizes: &mut Resizes,
        window: Window,
        window_of_keys: &mut (Instant, u32),
        noise: &mut Noise,
    ) -> bool {
        let changes = window.changes.wrapping_sub(resizes.counted).max(1);
        resizes.counted = window.changes;
        let changes = usize::try_from(changes).unwrap_or(usize::MAX);
        if self.within_rate(window_of_keys, noise, changes, "window changes") == 0 {
            resizes.at = tokio::time::Instant::from_std(window_of_keys.0 + Duration::from_secs(1));
            return false;
        }
        resizes.waiting = false;
        resizes.at = tokio::time::Instant::now() + RESIZE_EVERY;
        true
    }

    /// The size to draw for the client's window now, within the session's share of the cells
    /// all sessions may hold; logged the first time it is smaller than asked.
    fn fit(&self, screen: &mut ScreenShare, asked: (u16, u16), told: &mut bool) -> (u16, u16) {
        let size = screen.fit(asked);
        if size != asked && !std::mem::replace(told, true) {
            self.shared.log(
                self.peer,
                &format!(
                    "drawn at {}×{}, not the {}×{} asked: the class's screens hold all the cells \
                     allowed ({})",
                    size.0, size.1, asked.0, asked.1, self.shared.limits.screen_cells
                ),
            );
        }
        size
    }

    /// Sends bytes to the client, cutting it when a write has waited too long. A frame goes
    /// in pieces, so that what waits for a slow client is a few pieces, not a few frames (a
    /// frame of a large window runs to megabytes).
    async fn send(&self, bytes: Vec<u8>) -> Result<(), End> {
        let waited = self.shared.limits.write_timeout;
        for piece in bytes.chunks(PIECE) {
            match tokio::time::timeout(waited, self.handle.data(self.channel, piece.to_vec())).await
            {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Err(End::Gone),
                Err(_) => {
                    self.shared.log(
                        self.peer,
                        &format!(
                            "cut: not reading (a write waited {} s)",
                            waited.as_secs_f32()
                        ),
                    );
                    self.cut.cut();
                    return Err(End::Cut);
                }
            }
        }
        Ok(())
    }
}

/// The line under a screen drawn with fewer rows than the student's terminal has, saying why
/// (the rest of the terminal stays blank); nothing when it is drawn as asked. Redrawn after
/// each resize, which may clear it.
fn why_smaller(drawn: (u16, u16), asked: (u16, u16)) -> Vec<u8> {
    if drawn.1 >= asked.1 {
        return Vec::new();
    }
    let why: String = format!(
        "izumi: drawn at {}×{}: the class's screens hold all the memory the presenter allows",
        drawn.0, drawn.1
    )
    .chars()
    .take(usize::from(asked.0))
    .collect();
    format!("\x1b[{};1H\x1b[0m\x1b[2K{why}", drawn.1 + 1).into_bytes()
}

impl Follower {
    /// What a student's session does with what its reader asks for: an ask goes to the hub as
    /// this student's, and the reply becomes the status line (`Ok(true)`: draw again); leaving
    /// ends the session; the rest is for other parts, which a follower never plays. Every
    /// effect is named, so that a new one does not compile until this door has decided.
    fn carry_out(
        &self,
        reader: &mut SshReader,
        effects: Vec<Effect>,
        who: &Who,
    ) -> Result<bool, End> {
        let mut effects = std::collections::VecDeque::from(effects);
        let mut redraw = false;
        while let Some(effect) = effects.pop_front() {
            match effect {
                // A student's place is not kept on the presenter's disk; the next session
                // starts where the presenter is.
                Effect::Save(_) => {}
                // Only the presenter announces where the class is.
                Effect::Announce(_) => {}
                // Only the presenter's console moves the presentation, never a student.
                Effect::Goto(_) | Effect::Control(_) => {}
                Effect::Ask(ask) => {
                    let said = self
                        .shared
                        .hub
                        .take(ask, who)
                        .unwrap_or_else(|refusal| refusal.message().to_owned());
                    let changes = reader.apply(Action::Status(said));
                    redraw |= changes.redraw;
                    effects.extend(changes.effects);
                }
                Effect::Quit { interrupted } => return Err(End::Quit { interrupted }),
            }
        }
        Ok(redraw)
    }
}

/// Tells the reader where the presenter is and how far it has been, without drawing: whether
/// anything visible changed, and what the reader asks for.
fn tell(reader: &mut SshReader, shown: &Lesson) -> Changes {
    let mut changes = reader.apply(Action::ShownUpTo(shown.furthest));
    let announced = Announcement {
        scene: shown.scene,
        elapsed: shown.timer.now(),
        running: shown.timer.running,
        blank: shown.blank,
    };
    let moved = reader.apply(Action::Presenter(announced, Instant::now()));
    changes.redraw |= moved.redraw;
    changes.effects.extend(moved.effects);
    changes
}

/// What a follower's screen shows of the lesson: which story, the scene, the furthest shown.
struct Seen {
    story: Arc<crate::story::Story>,
    scene: usize,
    furthest: usize,
}

impl Seen {
    fn of(lesson: &Lesson) -> Seen {
        Seen {
            story: Arc::clone(&lesson.story),
            scene: lesson.scene,
            furthest: lesson.furthest,
        }
    }
}

impl PartialEq for Seen {
    fn eq(&self, other: &Seen) -> bool {
        Arc::ptr_eq(&self.story, &other.story)
            && (self.scene, self.furthest) == (other.scene, other.furthest)
    }
}
