//! `izumi present --ssh ADDR`: students follow the presentation in their own terminal with
//! nothing installed but the SSH client every laptop has. Each connection that asks for a
//! terminal gets a follower reader of its own, drawn here at the client's size and sent down
//! the channel as escape sequences; it follows the presenter as `izumi follow` does, reads back
//! freely, and `f` snaps back.
//!
//! Nothing else can be had over the port: no shell, no command, no file, no forwarding of any
//! kind. Each refusal and cut is written to the presenter's log in izumi's own words. No client
//! can hold the presenter or another client up: the presenter only sets a value the sessions
//! watch (the lesson at the [`Hub`]), each session draws and sends on its own task, and one whose client stops
//! reading is cut when a write to it has waited [`SshLimits::write_timeout`], having held at
//! most a few frames.

mod follower;
pub mod host_key;
pub mod input;
pub mod screens;
mod setting_up;
mod visitor;

pub use screens::MAX_WINDOW;
pub use visitor::ClientOptions;

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use russh::keys::PrivateKey;
use russh::{MethodKind, MethodSet, SshId};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;

use super::doors::{Door, Pass};
use super::hub::Hub;
use super::log::TurnedAway;
use screens::Screens;
use setting_up::{Progress, to_make_room};
use visitor::Visitor;

/// The sessions served at once unless `--ssh-sessions` says otherwise.
pub const DEFAULT_SESSIONS: u16 = 200;
/// Connections still setting up (key exchange, authentication, asking for a terminal) at once.
/// When all are taken, one that has said nothing, or nothing for a while, is cut to make room
/// for a newcomer; while every one is making progress, the newcomer waits (and those after it,
/// in the listener's queue), and after [`WAIT_FOR_PLACE`] it is closed at the door.
pub const MAX_HANDSHAKES: usize = 64;
/// How long a newcomer waits for a place among those setting up.
const WAIT_FOR_PLACE: Duration = Duration::from_secs(2);
/// Lines one connection has logged one by one; the rest are counted in one line at its end.
const DETAILED_LINES: u64 = 10;

/// What the SSH server lets in and how long it waits.
#[derive(Clone, Debug)]
pub struct SshLimits {
    /// Sessions (terminals) at once; one more is told the class is full.
    pub sessions: usize,
    /// From connecting to the client's first bytes: every SSH client sends its identification
    /// line at once, so a connection silent this long is not one, and is cut.
    pub identify: Duration,
    /// From connecting to logged in: time to read the host key's fingerprint the first time and
    /// type the token, and no more, since a connection not yet logged in holds a place among the
    /// few setting up.
    pub log_in: Duration,
    /// From connecting to a terminal session: a connection that has not got one by then
    /// (never authenticated, never asked for a terminal, or holding a tunnel open) is cut.
    pub handshake: Duration,
    /// A session in which neither the student nor the presenter has done anything for this
    /// long is closed.
    pub idle: Duration,
    /// How long one write to a client may wait before the client counts as not reading.
    pub write_timeout: Duration,
    /// Keys, clicks, turns of the wheel and window changes taken from one client in a second;
    /// the rest are dropped (for window changes, only the last size matters: it is drawn when
    /// the next second begins).
    pub keys_per_second: u32,
    /// Screen cells all sessions' readers may hold together, each place's
    /// [`screens::FLOOR`] set aside first; a session past it is drawn smaller.
    pub screen_cells: usize,
    /// How often a silent client is asked whether it is still there, and how many unanswered
    /// asks make it gone (a laptop that slept, a network that dropped).
    pub keepalive: Duration,
    pub keepalive_max: usize,
}

impl Default for SshLimits {
    fn default() -> Self {
        SshLimits {
            sessions: DEFAULT_SESSIONS.into(),
            identify: Duration::from_secs(3),
            log_in: Duration::from_secs(20),
            handshake: Duration::from_secs(60),
            idle: Duration::from_secs(30 * 60),
            write_timeout: Duration::from_secs(10),
            keys_per_second: 50,
            screen_cells: screens::DEFAULT_BUDGET,
            keepalive: Duration::from_secs(15),
            keepalive_max: 4,
        }
    }
}

/// Everything the SSH server needs to know.
#[derive(Clone, Debug)]
pub struct SshConfig {
    pub host_key: PrivateKey,
    /// The password students must give; without it, anyone who reaches the port gets in (the
    /// presenter only listens beyond loopback with a token).
    pub token: Option<String>,
    /// Whether students may read past the furthest scene the presenter has shown.
    pub read_ahead: bool,
    pub limits: SshLimits,
}

/// A running SSH server; dropping it says goodbye to every session and stops listening.
pub struct SshServer {
    address: SocketAddr,
    fingerprint: String,
    shared: Arc<Shared>,
    runtime: tokio::runtime::Handle,
    accepting: tokio::task::JoinHandle<()>,
}

/// What every connection shares.
struct Shared {
    token: Option<String>,
    read_ahead: bool,
    limits: SshLimits,
    russh: Arc<russh::server::Config>,
    hub: Arc<Hub>,
    counts: Mutex<Counts>,
    screens: Screens,
    /// Connections closed at the door since that was last logged, and when it was.
    turned_away: TurnedAway,
    /// Connections cut for saying nothing, and cut to make room for a newcomer, counted the
    /// same way: a script reopening silent sockets would otherwise write a line for each.
    silent: TurnedAway,
    made_room: TurnedAway,
    /// Set when the presenter stops: every session says goodbye and ends.
    stopping: watch::Sender<bool>,
}

/// Connections open now, to cap them.
#[derive(Default)]
struct Counts {
    connections: usize,
    /// Connections still setting up, oldest first.
    handshaking: Vec<Arc<Progress>>,
    sessions: usize,
}

impl SshServer {
    /// Serves the presenter's story on `listener` (bound already, so that a port in use is
    /// reported before the presenter's screen is taken), on `runtime`, following the lesson at `hub`.
    pub fn serve(
        runtime: &tokio::runtime::Handle,
        listener: std::net::TcpListener,
        config: SshConfig,
        hub: Arc<Hub>,
    ) -> io::Result<SshServer> {
        let address = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let listener = {
            let _inside = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let fingerprint = host_key::fingerprint(&config.host_key);
        let methods: &[MethodKind] = if config.token.is_some() {
            &[MethodKind::Password, MethodKind::KeyboardInteractive]
        } else {
            &[MethodKind::None]
        };
        let russh = russh::server::Config {
            server_id: SshId::Standard("SSH-2.0-izumi".into()),
            methods: MethodSet::from(methods),
            auth_rejection_time: Duration::from_secs(1),
            auth_rejection_time_initial: Some(Duration::ZERO),
            max_auth_attempts: 3,
            keys: vec![config.host_key],
            // What a client may send before its input is read: keys are small.
            window_size: 64 * 1024,
            channel_buffer_size: 4,
            keepalive_interval: Some(config.limits.keepalive),
            keepalive_max: config.limits.keepalive_max,
            // Time-outs are izumi's own (handshake, idle, writes); keep-alives find the dead.
            inactivity_timeout: None,
            nodelay: true,
            ..russh::server::Config::default()
        };
        let screens = Screens::new(config.limits.screen_cells, config.limits.sessions);
        let shared = Arc::new(Shared {
            token: config.token,
            read_ahead: config.read_ahead,
            limits: config.limits,
            russh: Arc::new(russh),
            hub,
            counts: Mutex::default(),
            screens,
            turned_away: TurnedAway::default(),
            silent: TurnedAway::default(),
            made_room: TurnedAway::default(),
            stopping: watch::Sender::new(false),
        });
        let accepting = runtime.spawn(accept(listener, Arc::clone(&shared)));
        Ok(SshServer {
            address,
            fingerprint,
            shared,
            runtime: runtime.clone(),
            accepting,
        })
    }

    /// Where the server listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The host key's fingerprint (`SHA256:…`), as students' clients show it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// How many students are following now.
    pub fn sessions(&self) -> usize {
        lock(&self.shared.counts).sessions
    }

    /// Screen cells the sessions' readers hold now (each holds two buffers of its window).
    pub fn screen_cells(&self) -> usize {
        self.shared.screens.held()
    }

    /// How many connections are still setting up (not yet a terminal session).
    pub fn setting_up(&self) -> usize {
        lock(&self.shared.counts).handshaking.len()
    }

    /// How many connections are open, in sessions or still setting up.
    pub fn connections(&self) -> usize {
        lock(&self.shared.counts).connections
    }
}

impl Drop for SshServer {
    /// Stops listening, and tells every session the presenter has stopped, waiting a moment
    /// for the goodbyes to go out.
    fn drop(&mut self) {
        self.accepting.abort();
        self.shared.stopping.send_replace(true);
        let shared = Arc::clone(&self.shared);
        let goodbyes = async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
            while lock(&shared.counts).sessions > 0 && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        };
        // The presenter's own thread, outside the runtime: it may wait on it.
        if tokio::runtime::Handle::try_current().is_err() {
            self.runtime.block_on(goodbyes);
        }
    }
}

/// A poisoned lock only means a session's task panicked; the counts are still right.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Takes connections until the server is dropped, within the caps.
async fn accept(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                // Out of descriptors, say: wait for some to be released rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(pass) = shared.hub.doors().admit(Door::Ssh, peer) else {
            continue;
        };
        // The next ones wait in the listener's queue meanwhile: a script that reopens what is
        // cut queues behind those already waiting, instead of spinning.
        let Some(slot) = Slot::wait_for_place(&shared, peer, pass).await else {
            shared.turn_away(peer);
            continue;
        };
        let progress = Arc::clone(&slot.progress);
        tokio::spawn(connection(stream, slot, progress, Arc::clone(&shared)));
    }
}

impl Shared {
    fn log(&self, peer: SocketAddr, event: &str) {
        self.hub.log().write(Some(peer), &format!("ssh {event}"));
    }

    /// Logs a connection closed at the door, one line a second at most, counting the rest.
    fn turn_away(&self, peer: SocketAddr) {
        let Some(count) = self.turned_away.count() else {
            return;
        };
        self.log(
            peer,
            &format!(
                "refused: too many connections setting up ({count} turned away since the last \
                 such line; at most {MAX_HANDSHAKES} at once, all making progress for the {} s \
                 it waited)",
                WAIT_FOR_PLACE.as_secs()
            ),
        );
    }

    /// Logs a connection cut for sending nothing at all, one line a second at most.
    fn cut_silent(&self, peer: SocketAddr) {
        let Some(count) = self.silent.count() else {
            return;
        };
        self.log(
            peer,
            &format!(
                "cut: sent nothing within {} s of connecting ({count} such since the last such \
                 line)",
                self.limits.identify.as_secs_f32()
            ),
        );
    }

    /// Logs a connection cut to make room for a newcomer, one line a second at most.
    fn cut_to_make_room(&self, cut: &Progress) {
        let Some(count) = self.made_room.count() else {
            return;
        };
        let quiet = cut.quiet_for(std::time::Instant::now());
        self.log(
            cut.peer,
            &format!(
                "cut: still setting up and quiet for {:.1} s, to make room for a newcomer \
                 ({count} such since the last such line; {MAX_HANDSHAKES} places)",
                quiet.as_secs_f32()
            ),
        );
    }
}

/// A connection's place in the counts, given back when it closes.
struct Slot {
    shared: Arc<Shared>,
    progress: Arc<Progress>,
    /// Its place in the classroom's admission.
    pass: Pass,
}

impl Slot {
    /// A place for a connection setting up, waited for at most [`WAIT_FOR_PLACE`].
    async fn wait_for_place(shared: &Arc<Shared>, peer: SocketAddr, pass: Pass) -> Option<Slot> {
        let given_up = tokio::time::Instant::now() + WAIT_FOR_PLACE;
        loop {
            let next_chance = match Slot::take(shared, peer) {
                Ok(progress) => {
                    return Some(Slot {
                        shared: Arc::clone(shared),
                        progress,
                        pass,
                    });
                }
                Err(next_chance) => tokio::time::Instant::from_std(next_chance),
            };
            if tokio::time::Instant::now() >= given_up {
                return None;
            }
            // A place may also be given back before then, by a connection set up or gone.
            let soon = tokio::time::Instant::now() + Duration::from_millis(50);
            tokio::time::sleep_until(next_chance.min(soon).min(given_up)).await;
        }
    }

    /// A place for a connection setting up; when every place is taken, one that is going
    /// nowhere is cut and its place given to this one. Otherwise, when one may be.
    fn take(shared: &Arc<Shared>, peer: SocketAddr) -> Result<Arc<Progress>, std::time::Instant> {
        let mut counts = lock(&shared.counts);
        if counts.handshaking.len() >= MAX_HANDSHAKES {
            let victim = to_make_room(&counts.handshaking, std::time::Instant::now())?;
            let victim = counts.handshaking.remove(victim);
            drop(counts);
            victim.cut.cut();
            shared.cut_to_make_room(&victim);
            counts = lock(&shared.counts);
        }
        let progress = Arc::new(Progress::new(peer, Arc::default()));
        counts.connections += 1;
        counts.handshaking.push(Arc::clone(&progress));
        Ok(progress)
    }

    /// The connection has a terminal session, or has been told why not: it is set up.
    fn set_up(&mut self) {
        self.progress.set_up();
        leave_setting_up(&mut lock(&self.shared.counts), &self.progress);
        self.pass.set_up();
    }
}

/// Takes a connection out of those setting up, if it is still among them (one cut to make room
/// has left already).
fn leave_setting_up(counts: &mut Counts, progress: &Arc<Progress>) {
    counts
        .handshaking
        .retain(|other| !Arc::ptr_eq(other, progress));
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = lock(&self.shared.counts);
        counts.connections -= 1;
        leave_setting_up(&mut counts, &self.progress);
    }
}

/// A session's place among the sessions, given back when it ends.
struct SessionSlot(Arc<Shared>);

impl SessionSlot {
    fn take(shared: &Arc<Shared>) -> Option<SessionSlot> {
        let mut counts = lock(&shared.counts);
        if counts.sessions >= shared.limits.sessions {
            return None;
        }
        counts.sessions += 1;
        Some(SessionSlot(Arc::clone(shared)))
    }
}

impl Drop for SessionSlot {
    fn drop(&mut self) {
        lock(&self.0.counts).sessions -= 1;
    }
}

/// One TCP connection: the SSH protocol on it, and its deadlines for setting up.
async fn connection(
    stream: tokio::net::TcpStream,
    slot: Slot,
    progress: Arc<Progress>,
    shared: Arc<Shared>,
) {
    let _ = stream.set_nodelay(true);
    let (peer, cut) = (progress.peer, Arc::clone(&progress.cut));
    let watchdog = tokio::spawn(deadlines(Arc::clone(&progress), Arc::clone(&shared)));
    let visitor = Visitor {
        shared: Arc::clone(&shared),
        peer,
        cut: Arc::clone(&cut),
        slot,
        noise: Noise::default(),
        channel: None,
        pty: None,
        no_colour: false,
        session: None,
    };
    let stream = Guarded {
        inner: stream,
        cut,
        progress,
    };
    if let Ok(running) = russh::server::run_stream(Arc::clone(&shared.russh), stream, visitor).await
    {
        let _ = running.await;
    }
    watchdog.abort();
}

/// Cuts a connection that has not spoken, logged in or got a terminal session in time (each
/// deadline counted from connecting, none later than the last).
async fn deadlines(progress: Arc<Progress>, shared: Arc<Shared>) {
    let limits = &shared.limits;
    let at = |after: Duration| tokio::time::Instant::from_std(progress.accepted() + after);
    tokio::time::sleep_until(at(limits.identify.min(limits.handshake))).await;
    if !progress.has_spoken() {
        shared.cut_silent(progress.peer);
        return progress.cut.cut();
    }
    tokio::time::sleep_until(at(limits.log_in.min(limits.handshake))).await;
    if !progress.is_logged_in() {
        shared.log(
            progress.peer,
            &format!(
                "cut: not logged in within {} s of connecting",
                limits.log_in.min(limits.handshake).as_secs_f32()
            ),
        );
        return progress.cut.cut();
    }
    tokio::time::sleep_until(at(limits.handshake)).await;
    if !progress.is_set_up() {
        shared.log(
            progress.peer,
            &format!(
                "cut: no terminal session within {} s of connecting",
                limits.handshake.as_secs_f32()
            ),
        );
        progress.cut.cut();
    }
}

/// A way to end a connection from outside the SSH protocol's own task, whatever it waits on:
/// once cut, the connection's socket fails every read and write, and the protocol ends.
#[derive(Default)]
struct Cut {
    done: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl Cut {
    fn cut(&self) {
        self.done.store(true, Ordering::SeqCst);
        for waker in lock(&self.wakers).drain(..) {
            waker.wake();
        }
    }

    fn is_cut(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }

    /// Arranges to be woken when cut, for a read or write about to wait.
    fn wake_on_cut(&self, cx: &Context<'_>) {
        let mut wakers = lock(&self.wakers);
        if !wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
            // A read and a write wait at most: never more than a few.
            if wakers.len() >= 4 {
                wakers.remove(0);
            }
            wakers.push(cx.waker().clone());
        }
    }
}

/// A TCP stream that can be cut, and that tells when the client was last heard from.
struct Guarded {
    inner: tokio::net::TcpStream,
    cut: Arc<Cut>,
    progress: Arc<Progress>,
}

fn cut_error() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "cut by izumi")
}

impl Guarded {
    fn check<T>(&self, cx: &Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if self.cut.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        if poll.is_pending() {
            self.cut.wake_on_cut(cx);
            if self.cut.is_cut() {
                return Poll::Ready(Err(cut_error()));
            }
        }
        poll
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.cut.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.progress.heard_now();
        }
        self.check(cx, poll)
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.cut.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.check(cx, poll)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.cut.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.check(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// What one connection has had logged, so that a noisy one does not fill the log.
#[derive(Default)]
struct Noise {
    logged: u64,
    unlogged: u64,
}
