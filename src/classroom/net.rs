//! The TCP door — the presenter's console and `izumi follow` — and the client side of a
//! connection, on plain threads and blocking sockets: a classroom has dozens or hundreds of
//! connections, and nothing here runs while nothing happens. No peer can hold anyone else up:
//! each client has a thread that sends it the latest scene, so the lesson never waits on a
//! socket, and a client that stops reading is dropped; a handshake has one deadline; who may
//! come in is the classroom's one admission ([`super::doors`]).
//!
//! The class's questions travel here too: every client is sent what the class sees of them
//! (on every change), a console what the teacher sees (at most [`DESK_EVERY`]), and a client's
//! `ask` goes to the hub — a console's as the teacher's, a follower's as a student's known by
//! the key its process made — with the reply sent back to it alone.

use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use std::collections::VecDeque;

use super::doors::{Door, Pass};
use super::hub::{self, Hub, Lesson, Request, Who};
use super::protocol::{
    MAX_VIEW_LINE, Message, Role, credential_matches, read_line, read_line_within,
};
use crate::asking::{Ask, Class, Desk, Student};

/// How long a new connection has, in all, to say hello: a byte now and then does not extend it.
pub const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(5);
/// More messages than this in one second and the connection is cut.
const FLOOD_LIMIT: u32 = 50;
/// Connections through this door at once, saying hello or joined; more are closed at once.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long one write to a client may wait before the client counts as not reading, and is
/// dropped.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the presenter says it is still there.
pub const PING_EVERY: Duration = Duration::from_secs(10);
/// How long a console or follower waits without hearing anything before it takes the link for
/// dead and joins again.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(30);
/// The log is started afresh past this size, the old one kept beside it as `….1`.
pub const LOG_CAP: u64 = 1 << 20;
/// Lines from one connection logged one by one; the rest are counted in one line at its end.
const DETAILED_LINES: u64 = 10;
/// Each connection's threads do little: a small stack keeps hundreds of them cheap.
const THREAD_STACK: usize = 128 * 1024;
/// The teacher's desk (the live tally) goes to consoles at most this often, the latest only.
pub const DESK_EVERY: Duration = Duration::from_millis(250);
/// Replies waiting for one client; past it the oldest go (a client that asks faster than it
/// reads loses replies, never the presenter's memory).
const WAITING_REPLIES: usize = 32;

/// What a presenter checks before it lets anyone in, and how it keeps its connections.
#[derive(Clone, Debug)]
pub struct PresenterConfig {
    /// Identifies the story; a client showing another story is refused.
    pub fingerprint: String,
    /// Proves a console is the presenter's own.
    pub secret: String,
    /// Required from followers when the presenter listens beyond loopback.
    pub token: Option<String>,
    /// Whether followers may read past the furthest scene shown.
    pub read_ahead: bool,
    /// How often everyone is told the presenter is still there.
    pub ping_every: Duration,
    /// How long a write to a client may wait before the client is dropped.
    pub write_timeout: Duration,
}

impl Default for PresenterConfig {
    fn default() -> Self {
        Self {
            fingerprint: String::new(),
            secret: String::new(),
            token: None,
            read_ahead: false,
            ping_every: PING_EVERY,
            write_timeout: WRITE_TIMEOUT,
        }
    }
}

/// A joined console or follower.
struct Client {
    id: u64,
    role: Role,
    /// What its writer thread is to send.
    outbox: Arc<Outbox>,
    /// To hang up on it.
    stream: Arc<TcpStream>,
}

/// What is waiting to go to one client. A newer scene replaces one not yet sent, since only
/// where the presentation is now matters: whatever happens, a client costs one line of memory,
/// and announcing never waits for it.
#[derive(Default)]
struct Outbox {
    waiting: Mutex<Waiting>,
    ready: Condvar,
}

#[derive(Default)]
struct Waiting {
    /// The welcome, sent before anything else.
    welcome: Option<Arc<str>>,
    ping: Option<Arc<str>>,
    scene: Option<Arc<str>>,
    /// What the class sees of the questions, the latest.
    class: Option<Arc<str>>,
    /// What the teacher sees, the latest (consoles only).
    desk: Option<Arc<str>>,
    /// Replies to this client's asks, in order.
    said: VecDeque<Arc<str>>,
    closed: bool,
}

impl Outbox {
    fn put(&self, put: impl FnOnce(&mut Waiting)) {
        put(&mut lock(&self.waiting));
        self.ready.notify_one();
    }

    /// The lines to send next, in order, waiting for some; none once closed.
    fn take(&self) -> Option<Vec<Arc<str>>> {
        let mut waiting = lock(&self.waiting);
        loop {
            if waiting.closed {
                return None;
            }
            let mut lines: Vec<Arc<str>> = [
                waiting.welcome.take(),
                waiting.ping.take(),
                waiting.scene.take(),
                waiting.class.take(),
                waiting.desk.take(),
            ]
            .into_iter()
            .flatten()
            .collect();
            lines.extend(waiting.said.drain(..));
            if !lines.is_empty() {
                return Some(lines);
            }
            waiting = self
                .ready
                .wait(waiting)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

struct Shared {
    config: PresenterConfig,
    hub: Arc<Hub>,
    clients: Mutex<Vec<Client>>,
    /// Lines dropped as malformed, unknown or not allowed, for the presenter to report.
    dropped: AtomicU64,
    next_id: AtomicU64,
    /// Set when the presenter stops, so the accepting thread lets go of the port.
    stopping: AtomicBool,
}

/// The door consoles and followers come in by.
pub struct Presenter {
    address: SocketAddr,
    shared: Arc<Shared>,
    accepting: Option<thread::JoinHandle<()>>,
    /// Dropped to stop the keepalive thread.
    _keepalive: Sender<()>,
    /// Dropped to stop the threads that watch the lesson and the class's questions.
    _stop_watching: tokio::sync::watch::Sender<()>,
}

impl Presenter {
    /// Listens on `address` for the lesson at `hub`; a console's moves go to its inbox.
    pub fn listen(
        address: impl ToSocketAddrs,
        config: PresenterConfig,
        hub: Arc<Hub>,
    ) -> io::Result<Presenter> {
        Self::serve_on(TcpListener::bind(address)?, config, hub)
    }

    /// Serves on a listener already bound (so a secret can be made for its real address first).
    pub fn serve_on(
        listener: TcpListener,
        config: PresenterConfig,
        hub: Arc<Hub>,
    ) -> io::Result<Presenter> {
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            hub,
            clients: Mutex::new(Vec::new()),
            dropped: AtomicU64::new(0),
            next_id: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        let handle = thread::Builder::new()
            .name("classroom-accept".into())
            .spawn(move || accept(&listener, &accepting))?;
        // Each watcher subscribes here, before its thread runs, so that no change made
        // meanwhile is taken for one already told.
        let (stop_watching, stop) = tokio::sync::watch::channel(());
        let (watching, lesson) = (Arc::clone(&shared), shared.hub.watch());
        thread::Builder::new()
            .name("classroom-lesson".into())
            .stack_size(THREAD_STACK)
            .spawn(move || tell_the_room(&watching, lesson, stop))?;
        let (watching, class) = (Arc::clone(&shared), shared.hub.watch_class());
        let stop = stop_watching.subscribe();
        thread::Builder::new()
            .name("classroom-class".into())
            .stack_size(THREAD_STACK)
            .spawn(move || tell_the_class(&watching, class, stop))?;
        let (watching, desk) = (Arc::clone(&shared), shared.hub.watch_desk());
        let stop = stop_watching.subscribe();
        thread::Builder::new()
            .name("classroom-desk".into())
            .stack_size(THREAD_STACK)
            .spawn(move || tell_the_desk(&watching, desk, stop))?;
        let (keepalive, stop) = mpsc::channel::<()>();
        let pinging = Arc::clone(&shared);
        let ping_every = shared.config.ping_every;
        thread::Builder::new()
            .name("classroom-keepalive".into())
            .stack_size(THREAD_STACK)
            .spawn(move || {
                let ping: Arc<str> = Message::Ping.encode().into();
                while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(ping_every) {
                    for client in lock(&pinging.clients).iter() {
                        client
                            .outbox
                            .put(|waiting| waiting.ping = Some(Arc::clone(&ping)));
                    }
                }
            })?;
        Ok(Presenter {
            address,
            shared,
            accepting: Some(handle),
            _keepalive: keepalive,
            _stop_watching: stop_watching,
        })
    }

    /// Where the presenter listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// How many consoles and followers are connected.
    pub fn connections(&self) -> (usize, usize) {
        let clients = lock(&self.shared.clients);
        let consoles = clients.iter().filter(|c| c.role == Role::Console).count();
        (consoles, clients.len() - consoles)
    }

    /// How many connections are open through this door, joined or still saying hello.
    pub fn open_connections(&self) -> usize {
        self.shared.hub.room().through(Door::Tcp)
    }

    /// How many incoming lines were dropped so far.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }
}

impl Drop for Presenter {
    /// Stops listening and hangs up on everyone, as when the presenter quits.
    fn drop(&mut self) {
        let mut clients = lock(&self.shared.clients);
        self.shared.stopping.store(true, Ordering::Relaxed);
        for client in clients.drain(..) {
            client.outbox.put(|waiting| waiting.closed = true);
            let _ = client.stream.shutdown(Shutdown::Both);
        }
        drop(clients);
        // The watching threads stop when `_stop_watching` is dropped, right after this.
        // Wake the accepting thread so that it sees the flag and closes the port, and wait for
        // it, so that a presenter started next can listen on the same port.
        if TcpStream::connect_timeout(&self.address, Duration::from_millis(200)).is_ok()
            && let Some(accepting) = self.accepting.take()
        {
            let _ = accepting.join();
        }
    }
}

/// Sends each new lesson to every client, until the presenter stops. It never waits for a
/// client: each has a thread of its own that sends it the latest scene, and a client that stops
/// reading is dropped when a write to it has waited too long.
fn tell_the_room(
    shared: &Shared,
    mut lesson: tokio::sync::watch::Receiver<Lesson>,
    mut stop: tokio::sync::watch::Receiver<()>,
) {
    loop {
        if !changed_or_stopped(&mut lesson, &mut stop) {
            return;
        }
        let lesson = lesson.borrow_and_update().clone();
        let line: Arc<str> = scene_message(&lesson, shared.config.read_ahead)
            .encode()
            .into();
        let console_line = console_scene_line(&lesson, shared.config.read_ahead);
        for client in lock(&shared.clients).iter() {
            let line = if client.role == Role::Console {
                &console_line
            } else {
                &line
            };
            client
                .outbox
                .put(|waiting| waiting.scene = Some(Arc::clone(line)));
        }
    }
}

/// Waits for `watched` to change: false once it never will, or the presenter stops.
fn changed_or_stopped<T>(
    watched: &mut tokio::sync::watch::Receiver<T>,
    stop: &mut tokio::sync::watch::Receiver<()>,
) -> bool {
    hub::block_on(async {
        tokio::select! {
            changed = watched.changed() => changed.is_ok(),
            _ = stop.changed() => false,
        }
    })
}

/// Sends what the class sees of the questions to every client on each change, as the lesson
/// is sent: into each client's outbox, the latest replacing one not yet sent.
fn tell_the_class(
    shared: &Shared,
    mut class: tokio::sync::watch::Receiver<Class>,
    mut stop: tokio::sync::watch::Receiver<()>,
) {
    while changed_or_stopped(&mut class, &mut stop) {
        let line = class_line(&class.borrow_and_update());
        for client in lock(&shared.clients).iter() {
            client
                .outbox
                .put(|waiting| waiting.class = Some(Arc::clone(&line)));
        }
    }
}

/// Sends the teacher's desk to every console, at most every [`DESK_EVERY`]: the desk changes
/// on every answer, and the console needs only the latest.
fn tell_the_desk(
    shared: &Shared,
    mut desk: tokio::sync::watch::Receiver<Desk>,
    mut stop: tokio::sync::watch::Receiver<()>,
) {
    while changed_or_stopped(&mut desk, &mut stop) {
        let consoles: Vec<Arc<Outbox>> = lock(&shared.clients)
            .iter()
            .filter(|client| client.role == Role::Console)
            .map(|client| Arc::clone(&client.outbox))
            .collect();
        if !consoles.is_empty() {
            let line = desk_line(&desk.borrow_and_update());
            for outbox in consoles {
                outbox.put(|waiting| waiting.desk = Some(Arc::clone(&line)));
            }
        } else {
            desk.mark_unchanged();
        }
        thread::sleep(DESK_EVERY);
    }
}

/// The class's view as one line, within [`MAX_VIEW_LINE`]: students' questions are left off,
/// least voted first, until it fits.
fn class_line(class: &Class) -> Arc<str> {
    let mut line = Message::Class(class.clone()).encode();
    let mut class = class.clone();
    while line.len() > MAX_VIEW_LINE && !class.board.is_empty() {
        class.board.truncate(class.board.len() / 2);
        line = Message::Class(class.clone()).encode();
    }
    line.into()
}

/// The teacher's view as one line, within [`MAX_VIEW_LINE`], as [`class_line`].
fn desk_line(desk: &Desk) -> Arc<str> {
    let mut line = Message::Desk(desk.clone()).encode();
    let mut desk = desk.clone();
    while line.len() > MAX_VIEW_LINE && !desk.posted.is_empty() {
        desk.posted.truncate(desk.posted.len() / 2);
        line = Message::Desk(desk.clone()).encode();
    }
    line.into()
}

/// Where the lesson is, as the protocol says it, with how far a follower may read.
fn scene_message(lesson: &Lesson, read_ahead: bool) -> Message {
    Message::Scene {
        index: lesson.scene,
        timer_ms: u64::try_from(lesson.timer.now().as_millis()).unwrap_or(u64::MAX),
        running: lesson.timer.running,
        furthest: if read_ahead {
            lesson.story.scenes.len().saturating_sub(1)
        } else {
            lesson.furthest
        },
    }
}

/// Where the lesson is, for a console: the `scene` line, then whether the projector is blanked
/// (one entry of its outbox, so that the latest replaces both at once).
fn console_scene_line(lesson: &Lesson, read_ahead: bool) -> Arc<str> {
    let blank = Message::Control(crate::app::Control::Blank(lesson.blank));
    format!(
        "{}{}",
        scene_message(lesson, read_ahead).encode(),
        blank.encode()
    )
    .into()
}

/// Takes connections until the presenter stops; each gets a thread, within the caps.
fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::Relaxed) {
            break;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(_) => {
                // Out of descriptors, say: wait for some to be released rather than spin.
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let Ok(peer) = stream.peer_addr() else {
            continue;
        };
        if shared.hub.room().through(Door::Tcp) >= MAX_CONNECTIONS {
            shared.log(Some(peer), "tcp refused: the classroom is full");
            continue;
        }
        let Ok(pass) = shared.hub.doors().admit(Door::Tcp, peer) else {
            continue;
        };
        let serving = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name("classroom-client".into())
            .stack_size(THREAD_STACK)
            .spawn(move || serve(stream, pass, &serving));
        if spawned.is_err() {
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Shared {
    fn log(&self, peer: Option<SocketAddr>, event: &str) {
        self.hub.log().write(peer, event);
    }
}

/// A poisoned lock only means another connection's thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A socket read that gives up at a deadline, however the bytes trickle in.
struct Deadline {
    stream: Arc<TcpStream>,
    until: Option<Instant>,
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(until) = self.until {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
            }
            self.stream.set_read_timeout(Some(left))?;
        }
        (&*self.stream).read(buf)
    }
}

/// What one connection has had logged, so that a noisy one does not fill the log.
struct Noise {
    peer: Option<SocketAddr>,
    logged: u64,
    unlogged: u64,
}

impl Noise {
    /// Counts and logs a line that was not acted on, in detail only for the first few.
    fn drop_line(&mut self, shared: &Shared, why: &str) {
        shared.dropped.fetch_add(1, Ordering::Relaxed);
        if self.logged < DETAILED_LINES {
            self.logged += 1;
            shared.log(self.peer, &format!("dropped: {why}"));
        } else {
            self.unlogged += 1;
        }
    }

    /// At the end of the connection, the lines not logged one by one.
    fn summarise(&self, shared: &Shared) {
        if self.unlogged > 0 {
            shared.log(
                self.peer,
                &format!(
                    "dropped: {} more lines from this connection, not logged one by one",
                    self.unlogged
                ),
            );
        }
    }
}

/// One connection, from hello to hang-up.
fn serve(stream: TcpStream, mut pass: Pass, shared: &Arc<Shared>) {
    let peer = stream.peer_addr().ok();
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(shared.config.write_timeout));
    // One descriptor per connection, shared by the reading, the writing and the hanging up.
    let stream = Arc::new(stream);
    let mut reader = BufReader::new(Deadline {
        stream: Arc::clone(&stream),
        until: Some(Instant::now() + HANDSHAKE_DEADLINE),
    });
    let Some((role, key)) = handshake(&mut reader, &stream, shared, peer, pass.is_reserved())
    else {
        let _ = stream.shutdown(Shutdown::Both);
        return;
    };
    reader.get_mut().until = None;
    let _ = stream.set_read_timeout(None);
    pass.set_up();
    let Some((id, outbox)) = register(shared, role, &stream, peer) else {
        return;
    };
    let who = match (role, peer) {
        (Role::Console, _) => Some(Who::Teacher),
        // A follower is the student its key names: the same process's key across reconnects,
        // else this connection alone. Keys are only keys: the hub's limits per address hold.
        (Role::Follower, Some(peer)) => Some(Who::Student(
            match key {
                Some(key) => Student::new("follow", &format!("k:{key}")),
                None => Student::new("follow", &format!("c:{id}")),
            },
            peer.ip(),
        )),
        (Role::Follower, None) => None,
    };
    listen_to(&mut reader, shared, role, who.as_ref(), &outbox, peer);
    let _ = stream.shutdown(Shutdown::Both);
    outbox.put(|waiting| waiting.closed = true);
    lock(&shared.clients).retain(|client| client.id != id);
}

/// Reads the hello within the deadline: the client's role if it is let in; else it is told
/// why not, and the refusal logged. In a place kept for the presenter, only its console is.
fn handshake(
    reader: &mut BufReader<Deadline>,
    mut writer: &TcpStream,
    shared: &Shared,
    peer: Option<SocketAddr>,
    reserved: bool,
) -> Option<(Role, Option<String>)> {
    let reason = match read_line(reader) {
        Ok(Some(Ok(Message::Hello {
            role,
            fingerprint,
            credential,
            key,
        }))) => match admit(&shared.config, role, &fingerprint, credential.as_deref()) {
            Ok(()) if reserved && role != Role::Console => {
                shared.log(peer, &format!("refused {role}: full"));
                "full"
            }
            Ok(()) => return Some((role, key)),
            Err(reason) => {
                shared.log(peer, &format!("refused {role}: {reason}"));
                reason
            }
        },
        other => {
            let wrong_version = matches!(
                &other,
                Ok(Some(Err(super::protocol::DecodeError::WrongVersion)))
            );
            let what = match other {
                Ok(Some(Ok(message))) => format!("a {} message", message.kind()),
                Ok(Some(Err(error))) => error.to_string(),
                Ok(None) => "nothing".to_owned(),
                Err(error)
                    if matches!(
                        error.kind(),
                        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                    ) =>
                {
                    format!("no hello within {} s", HANDSHAKE_DEADLINE.as_secs())
                }
                Err(error) => error.to_string(),
            };
            shared.log(peer, &format!("refused: expected hello, got {what}"));
            // An izumi of another version hears why, in words its user can act on.
            if wrong_version {
                "other-version"
            } else {
                "hello-expected"
            }
        }
    };
    let refused = Message::Refused {
        reason: reason.into(),
    };
    let _ = writer.write_all(refused.encode().as_bytes());
    None
}

/// Lets a client in: its welcome and the current scene go out first, then every announcement,
/// from a sender thread of its own. Returns its id and outbox, or `None` if the presenter is
/// stopping.
fn register(
    shared: &Arc<Shared>,
    role: Role,
    stream: &Arc<TcpStream>,
    peer: Option<SocketAddr>,
) -> Option<(u64, Arc<Outbox>)> {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let outbox = Arc::new(Outbox::default());
    {
        // Welcome, the current scene and registration happen under the clients' lock, so no
        // announcement can come between them or miss this client.
        let mut clients = lock(&shared.clients);
        if shared.stopping.load(Ordering::Relaxed) {
            return None;
        }
        let welcome = Message::Welcome {
            fingerprint: shared.config.fingerprint.clone(),
        };
        let lesson = shared.hub.lesson();
        let current: Arc<str> = if role == Role::Console {
            console_scene_line(&lesson, shared.config.read_ahead)
        } else {
            scene_message(&lesson, shared.config.read_ahead)
                .encode()
                .into()
        };
        // And what the class sees of the questions, and for a console the teacher's desk.
        let class = class_line(&shared.hub.class());
        let desk = (role == Role::Console).then(|| desk_line(&shared.hub.desk()));
        outbox.put(|waiting| {
            waiting.welcome = Some(welcome.encode().into());
            waiting.scene = Some(current);
            waiting.class = Some(class);
            waiting.desk = desk;
        });
        clients.push(Client {
            id,
            role,
            outbox: Arc::clone(&outbox),
            stream: Arc::clone(stream),
        });
    }
    // Whatever is waiting goes out here, so a slow client only ever holds up its own thread.
    // When a write fails or waits too long, it hangs up, which ends the reading too.
    let (writing, sending, logging) = (Arc::clone(&outbox), Arc::clone(stream), Arc::clone(shared));
    let sender = thread::Builder::new()
        .name("classroom-send".into())
        .stack_size(THREAD_STACK)
        .spawn(move || {
            while let Some(lines) = writing.take() {
                let sent = lines
                    .iter()
                    .try_for_each(|line| (&*sending).write_all(line.as_bytes()));
                if let Err(error) = sent {
                    if matches!(
                        error.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) {
                        let waited = logging.config.write_timeout.as_secs_f32();
                        logging.log(
                            peer,
                            &format!("cut: not reading (a write waited {waited} s)"),
                        );
                    }
                    break;
                }
            }
            let _ = sending.shutdown(Shutdown::Both);
        });
    if sender.is_err() {
        lock(&shared.clients).retain(|client| client.id != id);
        return None;
    }
    Some((id, outbox))
}

/// What a joined client says, until it hangs up or floods: a console's moves go to the
/// presenter; its asks, and a follower's, go to the hub as `who`'s, and the reply back to it
/// alone; anything else is dropped and counted.
fn listen_to(
    reader: &mut BufReader<Deadline>,
    shared: &Shared,
    role: Role,
    who: Option<&Who>,
    outbox: &Outbox,
    peer: Option<SocketAddr>,
) {
    let mut noise = Noise {
        peer,
        logged: 0,
        unlogged: 0,
    };
    let mut window = Instant::now();
    let mut in_window = 0;
    while let Ok(Some(message)) = read_line(reader) {
        if window.elapsed() > Duration::from_secs(1) {
            window = Instant::now();
            in_window = 0;
        }
        in_window += 1;
        if in_window > FLOOD_LIMIT {
            shared.log(
                peer,
                &format!("cut: more than {FLOOD_LIMIT} messages in a second"),
            );
            break;
        }
        match (role, message) {
            (Role::Console, Ok(Message::Goto { index })) => {
                shared.hub.ask(Request::Goto(index));
            }
            (Role::Console, Ok(Message::Control(control))) => {
                shared.hub.ask(Request::Control(control));
            }
            (_, Ok(Message::Ask(ask))) => {
                let Some(who) = who else {
                    noise.drop_line(shared, "an ask from a client with no address");
                    continue;
                };
                let said = said(shared.hub.take(ask, who));
                outbox.put(|waiting| {
                    if waiting.said.len() >= WAITING_REPLIES {
                        waiting.said.pop_front();
                    }
                    waiting.said.push_back(said);
                });
            }
            (_, Ok(message)) => {
                noise.drop_line(
                    shared,
                    &format!("a {} message from a {role}", message.kind()),
                );
            }
            (_, Err(error)) => noise.drop_line(shared, &error.to_string()),
        }
    }
    noise.summarise(shared);
}

/// The reply to an ask, as it travels.
fn said(taken: Result<String, crate::asking::Refusal>) -> Arc<str> {
    let (ok, text) = match taken {
        Ok(text) => (true, text),
        Err(refusal) => (false, refusal.message().to_owned()),
    };
    Message::Said { ok, text }.encode().into()
}

/// Whether a hello may come in, or the one-word reason it may not.
fn admit(
    config: &PresenterConfig,
    role: Role,
    fingerprint: &str,
    credential: Option<&str>,
) -> Result<(), &'static str> {
    if fingerprint != config.fingerprint {
        return Err("other-story");
    }
    match (role, &config.token) {
        (Role::Console, _) if !credential_matches(credential, &config.secret) => Err("bad-secret"),
        (Role::Follower, Some(token)) if !credential_matches(credential, token) => Err("bad-token"),
        _ => Ok(()),
    }
}

/// Why a client could not join.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("cannot reach the presenter: {0}")]
    Io(#[from] io::Error),
    #[error("the presenter refused: {0}")]
    Refused(String),
    #[error("the presenter answered with something unexpected")]
    Unexpected,
}

/// A console's or follower's connection to a presenter; dropping it hangs up.
pub struct Connection {
    stream: Arc<TcpStream>,
}

/// The key this process gives the presenter in every hello: random, made once, kept for the
/// process's life, so that a follower who reconnects within a question is the same student.
pub fn process_key() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        super::secret::random().unwrap_or_else(|_| {
            // No /dev/urandom: a key still unlikely to meet another's.
            let time = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            format!("{:x}{:x}", time.as_nanos(), std::process::id())
        })
    })
}

impl Drop for Connection {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

impl Connection {
    /// Connects and says hello. Messages from the presenter (starting with where it is now)
    /// arrive on the returned channel until the connection ends: when the presenter hangs up,
    /// or when nothing has come from it for [`SILENCE_LIMIT`] (it pings more often than that),
    /// as when its laptop sleeps or the network drops.
    pub fn join(
        address: impl ToSocketAddrs,
        role: Role,
        fingerprint: &str,
        credential: Option<&str>,
    ) -> Result<(Connection, Receiver<Message>), JoinError> {
        Self::join_hearing_within(address, role, fingerprint, credential, SILENCE_LIMIT)
    }

    /// As `join`, taking the link for dead after `silence` without a word from the presenter.
    pub fn join_hearing_within(
        address: impl ToSocketAddrs,
        role: Role,
        fingerprint: &str,
        credential: Option<&str>,
        silence: Duration,
    ) -> Result<(Connection, Receiver<Message>), JoinError> {
        let address = address
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
        let stream = TcpStream::connect_timeout(&address, HANDSHAKE_DEADLINE)?;
        Self::join_over(stream, role, fingerprint, credential, silence)
    }

    /// As `join_hearing_within`, on a connection already made (from an address of the
    /// caller's choosing, say).
    pub fn join_over(
        stream: TcpStream,
        role: Role,
        fingerprint: &str,
        credential: Option<&str>,
        silence: Duration,
    ) -> Result<(Connection, Receiver<Message>), JoinError> {
        Self::join_over_as(
            stream,
            role,
            fingerprint,
            credential,
            silence,
            process_key(),
        )
    }

    /// As `join_over`, with `key` for this process's: as another izumi would join (for tests
    /// of a class of many).
    pub fn join_over_as(
        stream: TcpStream,
        role: Role,
        fingerprint: &str,
        credential: Option<&str>,
        silence: Duration,
        key: &str,
    ) -> Result<(Connection, Receiver<Message>), JoinError> {
        let stream = Arc::new(stream);
        let _ = stream.set_nodelay(true);
        stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
        let hello = Message::Hello {
            role,
            fingerprint: fingerprint.to_owned(),
            credential: credential.map(str::to_owned),
            key: Some(key.to_owned()),
        };
        (&*stream).write_all(hello.encode().as_bytes())?;
        let mut reader = BufReader::new(Deadline {
            stream: Arc::clone(&stream),
            until: Some(Instant::now() + HANDSHAKE_DEADLINE),
        });
        match read_line(&mut reader)? {
            Some(Ok(Message::Welcome { .. })) => {}
            Some(Ok(Message::Refused { reason })) => return Err(JoinError::Refused(reason)),
            _ => return Err(JoinError::Unexpected),
        }
        reader.get_mut().until = None;
        reader.get_ref().stream.set_read_timeout(Some(silence))?;
        let (sender, receiver) = mpsc::channel();
        let hang_up = Arc::clone(&stream);
        thread::Builder::new()
            .name("classroom-receive".into())
            .spawn(move || {
                while let Ok(Some(message)) = read_line_within(&mut reader, MAX_VIEW_LINE) {
                    match message {
                        Ok(Message::Ping) | Err(_) => {}
                        Ok(message) => {
                            if sender.send(message).is_err() {
                                break;
                            }
                        }
                    }
                }
                let _ = hang_up.shutdown(Shutdown::Both);
            })?;
        Ok((Connection { stream }, receiver))
    }

    /// Asks the presenter to show a scene (heeded from the presenter's console only).
    pub fn goto(&mut self, index: usize) -> io::Result<()> {
        (&*self.stream).write_all(Message::Goto { index }.encode().as_bytes())
    }

    /// Asks the presenter to start, pause or reset its timer, or to blank (heeded from the
    /// presenter's console only).
    pub fn control(&mut self, control: crate::app::Control) -> io::Result<()> {
        (&*self.stream).write_all(Message::Control(control).encode().as_bytes())
    }

    /// Asks the presenter something about the class's questions; its reply comes back as a
    /// `said` message.
    pub fn ask(&mut self, ask: &Ask) -> io::Result<()> {
        let line = Message::Ask(ask.clone()).encode();
        if line.len() > super::protocol::MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "too long to send",
            ));
        }
        (&*self.stream).write_all(line.as_bytes())
    }

    /// Sends raw bytes, for tests of what a misbehaving client can do.
    #[doc(hidden)]
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        (&*self.stream).write_all(bytes)
    }
}
