//! `izumi present --ssh ADDR`: students follow the presentation in their own terminal with
//! nothing installed but the SSH client every laptop has. Each connection that asks for a
//! terminal gets a follower reader of its own, drawn here at the client's size and sent down
//! the channel as escape sequences; it follows the presenter as `izumi follow` does, reads back
//! freely, and `f` snaps back.
//!
//! Nothing else can be had over the port: no shell, no command, no file, no forwarding of any
//! kind. Each refusal and cut is written to the presenter's log in izumi's own words. No client
//! can hold the presenter or another client up: the presenter only sets a value the sessions
//! watch ([`Stage`]), each session draws and sends on its own task, and one whose client stops
//! reading is cut when a write to it has waited [`SshLimits::write_timeout`], having held at
//! most a few frames.

pub mod host_key;
pub mod input;

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::keys::PrivateKey;
use russh::server::{Auth, ChannelOpenHandle, Handle, Msg, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet, SshId};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{mpsc, watch};

use super::log::EventLog;
use super::protocol::credential_matches;
use super::stage::{Shown, Stage};
use crate::app::{Action, Announcement, App, Role};
use crate::keymap::Keymap;
use crate::runtime::{Reader, fitting};
use crate::story::Story;
use crate::ui::theme::Theme;

/// The sessions served at once unless `--ssh-sessions` says otherwise.
pub const DEFAULT_SESSIONS: u16 = 200;
/// Connections still setting up (key exchange, authentication, asking for a terminal) at once;
/// more are closed at the door.
pub const MAX_HANDSHAKES: usize = 64;
/// Lines one connection has logged one by one; the rest are counted in one line at its end.
const DETAILED_LINES: u64 = 10;

/// How a session starts and leaves the client's terminal: the alternate screen, no cursor,
/// clicks and the wheel reported (SGR encoding); then all of it undone.
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1006h\x1b[2J";
const LEAVE: &[u8] = b"\x1b[?1006l\x1b[?1000l\x1b[0m\x1b[?25h\x1b[?1049l";

/// What the SSH server lets in and how long it waits.
#[derive(Clone, Debug)]
pub struct SshLimits {
    /// Sessions (terminals) at once; one more is told the class is full.
    pub sessions: usize,
    /// From connecting to a terminal session: a connection that has not got one by then
    /// (never authenticated, never asked for a terminal, or holding a tunnel open) is cut.
    pub handshake: Duration,
    /// A session in which neither the student nor the presenter has done anything for this
    /// long is closed.
    pub idle: Duration,
    /// How long one write to a client may wait before the client counts as not reading.
    pub write_timeout: Duration,
    /// Keys, clicks and turns of the wheel taken from one client in a second; the rest are
    /// dropped.
    pub keys_per_second: u32,
    /// How often a silent client is asked whether it is still there, and how many unanswered
    /// asks make it gone (a laptop that slept, a network that dropped).
    pub keepalive: Duration,
    pub keepalive_max: usize,
}

impl Default for SshLimits {
    fn default() -> Self {
        SshLimits {
            sessions: DEFAULT_SESSIONS.into(),
            handshake: Duration::from_secs(60),
            idle: Duration::from_secs(30 * 60),
            write_timeout: Duration::from_secs(10),
            keys_per_second: 50,
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
    story: Arc<Story>,
    stage: watch::Receiver<Option<Shown>>,
    log: Arc<EventLog>,
    counts: Mutex<Counts>,
    /// Connections closed at the door since that was last logged, and when it was.
    turned_away: Mutex<(u64, Option<Instant>)>,
    /// Set when the presenter stops: every session says goodbye and ends.
    stopping: watch::Sender<bool>,
}

/// Connections open now, to cap them.
#[derive(Debug, Default)]
struct Counts {
    connections: usize,
    handshaking: usize,
    sessions: usize,
}

impl SshServer {
    /// Serves the presenter's story on `listener` (bound already, so that a port in use is
    /// reported before the presenter's screen is taken), on `runtime`, following `stage`.
    pub fn serve(
        runtime: &tokio::runtime::Handle,
        listener: std::net::TcpListener,
        config: SshConfig,
        story: Arc<Story>,
        stage: &Stage,
        log: Arc<EventLog>,
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
        let shared = Arc::new(Shared {
            token: config.token,
            read_ahead: config.read_ahead,
            limits: config.limits,
            russh: Arc::new(russh),
            story,
            stage: stage.watch(),
            log,
            counts: Mutex::default(),
            turned_away: Mutex::default(),
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
        let Some(slot) = Slot::take(&shared) else {
            shared.turn_away(peer);
            continue;
        };
        tokio::spawn(connection(stream, peer, slot, Arc::clone(&shared)));
    }
}

impl Shared {
    fn log(&self, peer: SocketAddr, event: &str) {
        self.log.write(Some(peer), &format!("ssh {event}"));
    }

    /// Logs a connection closed at the door, one line a second at most, counting the rest.
    fn turn_away(&self, peer: SocketAddr) {
        let mut turned_away = lock(&self.turned_away);
        turned_away.0 += 1;
        if turned_away
            .1
            .is_some_and(|last| last.elapsed() < Duration::from_secs(1))
        {
            return;
        }
        let count = std::mem::take(&mut turned_away.0);
        turned_away.1 = Some(Instant::now());
        drop(turned_away);
        self.log(
            peer,
            &format!(
                "refused: too many connections setting up ({count} turned away since the last \
                 such line; at most {MAX_HANDSHAKES} at once)"
            ),
        );
    }
}

/// A connection's place in the counts, given back when it closes.
struct Slot {
    shared: Arc<Shared>,
    handshaking: bool,
}

impl Slot {
    fn take(shared: &Arc<Shared>) -> Option<Slot> {
        let mut counts = lock(&shared.counts);
        if counts.handshaking >= MAX_HANDSHAKES {
            return None;
        }
        counts.connections += 1;
        counts.handshaking += 1;
        Some(Slot {
            shared: Arc::clone(shared),
            handshaking: true,
        })
    }

    /// The connection has a terminal session, or has been told why not: it is set up.
    fn set_up(&mut self) {
        if std::mem::take(&mut self.handshaking) {
            lock(&self.shared.counts).handshaking -= 1;
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = lock(&self.shared.counts);
        counts.connections -= 1;
        if self.handshaking {
            counts.handshaking -= 1;
        }
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

/// One TCP connection: the SSH protocol on it, and a deadline for it to become a session.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    slot: Slot,
    shared: Arc<Shared>,
) {
    let _ = stream.set_nodelay(true);
    let cut = Arc::new(Cut::default());
    let set_up = Arc::new(AtomicBool::new(false));
    let deadline = shared.limits.handshake;
    let watchdog = tokio::spawn({
        let (cut, set_up, shared) = (Arc::clone(&cut), Arc::clone(&set_up), Arc::clone(&shared));
        async move {
            tokio::time::sleep(deadline).await;
            if !set_up.load(Ordering::Relaxed) {
                shared.log(
                    peer,
                    &format!(
                        "cut: no terminal session within {} s of connecting",
                        deadline.as_secs_f32()
                    ),
                );
                cut.cut();
            }
        }
    });
    let visitor = Visitor {
        shared: Arc::clone(&shared),
        peer,
        cut: Arc::clone(&cut),
        slot,
        set_up,
        noise: Noise::default(),
        channel: None,
        pty: None,
        no_colour: false,
        session: None,
    };
    let stream = Guarded {
        inner: stream,
        cut: Arc::clone(&cut),
    };
    if let Ok(running) = russh::server::run_stream(Arc::clone(&shared.russh), stream, visitor).await
    {
        let _ = running.await;
    }
    watchdog.abort();
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

/// A TCP stream that can be cut.
struct Guarded {
    inner: tokio::net::TcpStream,
    cut: Arc<Cut>,
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
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
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

/// The SSH protocol's view of one connection: what it asked for, and its session once it has
/// one.
struct Visitor {
    shared: Arc<Shared>,
    peer: SocketAddr,
    cut: Arc<Cut>,
    slot: Slot,
    /// Set once the connection has its terminal session, or has been told why not.
    set_up: Arc<AtomicBool>,
    noise: Noise,
    /// The one session channel served.
    channel: Option<ChannelId>,
    /// The terminal's size, once one is asked for.
    pty: Option<(u16, u16)>,
    no_colour: bool,
    /// The running session's inputs.
    session: Option<Inputs>,
}

/// What the SSH side hands a running session.
struct Inputs {
    bytes: mpsc::Sender<Vec<u8>>,
    size: watch::Sender<(u16, u16)>,
}

/// Packets of input waiting for a session to read them; more are dropped.
const WAITING_PACKETS: usize = 16;

impl Drop for Visitor {
    fn drop(&mut self) {
        if self.noise.unlogged > 0 {
            self.shared.log(
                self.peer,
                &format!(
                    "dropped: {} more lines from this connection, not logged one by one",
                    self.noise.unlogged
                ),
            );
        }
    }
}

/// The options a student may give after `--`: `ssh -t -p 2222 HOST -- --theme light`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientOptions {
    pub theme: Option<&'static str>,
    pub no_colour: bool,
}

impl ClientOptions {
    /// Reads what a client asked to run as options for its reader; `None` when it is anything
    /// else (a command), which is refused.
    pub fn parse(command: &[u8]) -> Option<ClientOptions> {
        if command.len() > 64 {
            return None;
        }
        let words = std::str::from_utf8(command).ok()?;
        let mut options = ClientOptions::default();
        let mut words = words.split_ascii_whitespace();
        while let Some(word) = words.next() {
            let (flag, value) = match word.split_once('=') {
                Some((flag, value)) => (flag, Some(value)),
                None => (word, None),
            };
            match flag {
                "--theme" => {
                    let value = value.or_else(|| words.next())?;
                    options.theme = Some(
                        ["dark", "light", "high-contrast"]
                            .into_iter()
                            .find(|name| *name == value)?,
                    );
                }
                "--no-color" | "--no-colour" if value.is_none() => options.no_colour = true,
                _ => return None,
            }
        }
        Some(options)
    }
}

impl Visitor {
    /// Logs what was refused or dropped, in detail only for the first few lines.
    fn note(&mut self, event: &str) {
        if self.noise.logged < DETAILED_LINES {
            self.noise.logged += 1;
            self.shared.log(self.peer, event);
        } else {
            self.noise.unlogged += 1;
        }
    }

    /// Tells the client in one line, on its standard error, why it gets nothing, and closes
    /// its channel. A shell or command request is answered as a program that failed (exit
    /// status 1); a subsystem is refused outright, so that no client takes the line for its
    /// protocol's bytes.
    fn refuse_channel(
        &mut self,
        channel: ChannelId,
        why: &str,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        self.set_up();
        session.extended_data(channel, 1, format!("izumi: {why}\r\n").into_bytes())?;
        session.exit_status_request(channel, 1)?;
        session.eof(channel)?;
        session.close(channel)
    }

    fn set_up(&mut self) {
        self.set_up.store(true, Ordering::Relaxed);
        self.slot.set_up();
    }

    /// The terminal session: a follower reader of its own, on its own task.
    fn start(
        &mut self,
        channel: ChannelId,
        options: ClientOptions,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        let Some(size) = self.pty else {
            self.note("refused: no terminal asked for");
            session.channel_success(channel)?;
            return self.refuse_channel(
                channel,
                "this port shows the class's reader, which needs a terminal: connect with \
                 `ssh -t`",
                session,
            );
        };
        if self.session.is_some() {
            self.note("refused: a second shell on one session");
            return session.channel_failure(channel);
        }
        let Some(place) = SessionSlot::take(&self.shared) else {
            self.note(&format!(
                "refused: the class is full ({} sessions)",
                self.shared.limits.sessions
            ));
            session.channel_success(channel)?;
            return self.refuse_channel(
                channel,
                "the class is full: every place is taken; try again when someone leaves",
                session,
            );
        };
        self.set_up();
        session.channel_success(channel)?;
        let (bytes, received) = mpsc::channel(WAITING_PACKETS);
        let (size_now, sizes) = watch::channel(size);
        self.session = Some(Inputs {
            bytes,
            size: size_now,
        });
        let theme = Theme::chosen(options.theme, self.no_colour || options.no_colour);
        let follower = Follower {
            shared: Arc::clone(&self.shared),
            peer: self.peer,
            handle: session.handle(),
            channel,
            cut: Arc::clone(&self.cut),
            _place: place,
        };
        tokio::spawn(follower.run(theme, received, sizes));
        Ok(())
    }

    /// Whether `channel` is the one this connection's session runs on.
    fn ours(&self, channel: ChannelId) -> bool {
        self.channel == Some(channel)
    }
}

/// The client's size, within what izumi draws, and 80×24 for a client that says 0.
fn size_of(columns: u32, rows: u32) -> (u16, u16) {
    let clamp = |n: u32, default: u16| match u16::try_from(n) {
        Ok(0) => default,
        Ok(n) => n,
        Err(_) => u16::MAX,
    };
    let area = fitting(clamp(columns, 80), clamp(rows, 24));
    (area.width, area.height)
}

impl russh::server::Handler for Visitor {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(if self.shared.token.is_none() {
            Auth::Accept
        } else {
            Auth::reject()
        })
    }

    async fn auth_password(&mut self, _user: &str, password: &str) -> Result<Auth, Self::Error> {
        Ok(self.check_token(Some(password)))
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        let Some(mut response) = response else {
            return Ok(Auth::Partial {
                name: "izumi".into(),
                instructions: "The teacher's token for this class.".into(),
                prompts: vec![("Token: ".into(), false)].into(),
            });
        };
        let answer = response.next();
        let answer = answer
            .as_deref()
            .and_then(|bytes| std::str::from_utf8(bytes).ok());
        Ok(self.check_token(answer))
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        _offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(Auth::reject())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel.is_some() {
            self.note("refused: a second session on one connection");
            return Ok(());
        }
        // Everything the channel carries comes through this handler; the channel's own queue
        // is let go, so that nothing waits for it to be read.
        self.channel = Some(channel.id());
        drop(channel);
        reply.accept().await;
        Ok(())
    }

    async fn channel_open_x11(
        &mut self,
        _channel: Channel<Msg>,
        _address: &str,
        _port: u32,
        _reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.note("refused: an X11 channel");
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        _host: &str,
        _port: u32,
        _from: &str,
        _from_port: u32,
        _reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.note("refused: local port forwarding (ssh -L, -W or -D)");
        Ok(())
    }

    async fn channel_open_forwarded_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        _host: &str,
        _port: u32,
        _from: &str,
        _from_port: u32,
        _reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.note("refused: a forwarded connection");
        Ok(())
    }

    async fn channel_open_direct_streamlocal(
        &mut self,
        _channel: Channel<Msg>,
        _path: &str,
        _reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.note("refused: socket forwarding");
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        columns: u32,
        rows: u32,
        _pixel_width: u32,
        _pixel_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) || self.session.is_some() {
            return session.channel_failure(channel);
        }
        self.pty = Some(size_of(columns, rows));
        session.channel_success(channel)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single: bool,
        _protocol: &str,
        _cookie: &str,
        _screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.note("refused: X11 forwarding (ssh -X)");
        session.channel_failure(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Clients send their language and such as a matter of course: only NO_COLOR matters.
        if self.ours(channel) && name == "NO_COLOR" {
            self.no_colour = !value.is_empty();
            return session.channel_success(channel);
        }
        session.channel_failure(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) {
            return session.channel_failure(channel);
        }
        self.start(channel, ClientOptions::default(), session)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) {
            return session.channel_failure(channel);
        }
        match ClientOptions::parse(data) {
            Some(options) => self.start(channel, options, session),
            None => {
                // What was asked is never written anywhere: it is the client's.
                self.note("refused: a command (exec)");
                session.channel_success(channel)?;
                self.refuse_channel(
                    channel,
                    "no command runs here; this port only shows the class's reader \
                     (`ssh -t … -- --theme light` or `-- --no-color` choose its colours)",
                    session,
                )
            }
        }
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.note("refused: a subsystem (such as sftp)");
        session.channel_failure(channel)?;
        if self.ours(channel) && self.session.is_none() {
            return self.refuse_channel(channel, "no files here, only the class's reader", session);
        }
        Ok(())
    }

    async fn agent_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.note("refused: agent forwarding (ssh -A)");
        Ok(false)
    }

    async fn tcpip_forward(
        &mut self,
        _address: &str,
        _port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.note("refused: remote port forwarding (ssh -R)");
        Ok(false)
    }

    async fn streamlocal_forward(
        &mut self,
        _path: &str,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.note("refused: remote socket forwarding (ssh -R)");
        Ok(false)
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        columns: u32,
        rows: u32,
        _pixel_width: u32,
        _pixel_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.ours(channel)
            && let Some(inputs) = &self.session
        {
            inputs.size.send_replace(size_of(columns, rows));
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) {
            return Ok(());
        }
        let full = match &self.session {
            Some(inputs) => inputs.bytes.try_send(data.to_vec()).is_err(),
            None => false,
        };
        if full {
            self.note("dropped: input faster than the reader takes it");
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.ours(channel) {
            // No more keys: the session ends as when the student quits.
            self.session = None;
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.ours(channel) {
            self.session = None;
            self.cut.cut();
        }
        Ok(())
    }
}

impl Visitor {
    fn check_token(&mut self, given: Option<&str>) -> Auth {
        match &self.shared.token {
            Some(token) if credential_matches(given, token) => Auth::Accept,
            _ => {
                self.note("refused: wrong token");
                Auth::reject()
            }
        }
    }
}

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
    /// The student quit.
    Quit,
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
struct Follower {
    shared: Arc<Shared>,
    peer: SocketAddr,
    handle: Handle,
    channel: ChannelId,
    cut: Arc<Cut>,
    _place: SessionSlot,
}

impl Follower {
    async fn run(
        self,
        theme: Theme,
        mut bytes: mpsc::Receiver<Vec<u8>>,
        mut sizes: watch::Receiver<(u16, u16)>,
    ) {
        let end = self.follow(theme, &mut bytes, &mut sizes).await;
        let goodbye = match end {
            End::Quit | End::Gone => None,
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
        if end != End::Gone && self.send(last).await.is_ok() {
            let _ = self.handle.exit_status_request(self.channel, 0).await;
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
        sizes: &mut watch::Receiver<(u16, u16)>,
    ) -> End {
        let mut stage = self.shared.stage.clone();
        let mut stopping = self.shared.stopping.subscribe();
        let (width, height) = *sizes.borrow_and_update();
        let shown = *stage.borrow_and_update();
        let frames = Frames::default();
        let mut reader = match self.reader(frames.clone(), theme, width, height, shown) {
            Ok(reader) => reader,
            Err(_) => return End::Cut,
        };
        let mut frame = ENTER.to_vec();
        frame.extend(frames.take());
        if self.send(frame).await.is_err() {
            return End::Cut;
        }
        let mut parser = input::Parser::default();
        let mut events = Vec::new();
        let mut last_seen = shown;
        let limits = &self.shared.limits;
        let mut window = (Instant::now(), 0u32);
        let mut idle_since = tokio::time::Instant::now();
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
                    let taken = self.within_rate(&mut window, events.len(), limits.keys_per_second);
                    let mut redraw = false;
                    for event in events.drain(..taken) {
                        let changes = reader.apply_event(&event);
                        redraw |= changes.redraw;
                        if reader.app().should_quit() {
                            return End::Quit;
                        }
                    }
                    redraw && reader.draw().is_ok()
                }
                changed = stage.changed() => {
                    if changed.is_err() {
                        return End::Stopped;
                    }
                    let shown = *stage.borrow_and_update();
                    // The timer moves every second; a follower draws only when the scene or the
                    // furthest scene changes.
                    let moved = shown.map(|s| (s.scene, s.furthest)) != last_seen.map(|s| (s.scene, s.furthest));
                    last_seen = shown;
                    match shown {
                        Some(shown) if moved => {
                            idle_since = tokio::time::Instant::now();
                            presenter_moved(&mut reader, shown)
                        }
                        _ => false,
                    }
                }
                resized = sizes.changed() => {
                    if resized.is_err() {
                        return End::Gone;
                    }
                    let (width, height) = *sizes.borrow_and_update();
                    reader.resize(width, height).is_ok()
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
    /// the class may read ahead, its first frame drawn.
    fn reader(
        &self,
        frames: Frames,
        theme: Theme,
        width: u16,
        height: u16,
        shown: Option<Shown>,
    ) -> io::Result<SshReader> {
        let viewport = Viewport::Fixed(fitting(width, height));
        let terminal =
            Terminal::with_options(CrosstermBackend::new(frames), TerminalOptions { viewport })?;
        let mut app = App::new(Arc::clone(&self.shared.story)).with_role(Role::Follower);
        if !self.shared.read_ahead {
            app = app.reading_up_to(shown.map_or(0, |shown| shown.furthest));
        }
        let mut reader = Reader::new(app, terminal, theme, Keymap::default());
        if let Some(shown) = shown {
            tell(&mut reader, shown);
        }
        reader.start()?;
        Ok(reader)
    }

    /// How many of `count` events the rate limit lets through now; the rest are dropped and
    /// logged.
    fn within_rate(&self, window: &mut (Instant, u32), count: usize, per_second: u32) -> usize {
        if window.0.elapsed() >= Duration::from_secs(1) {
            *window = (Instant::now(), 0);
        }
        let room = per_second.saturating_sub(window.1) as usize;
        let taken = count.min(room);
        window.1 += u32::try_from(taken).unwrap_or(u32::MAX);
        if taken < count && room > 0 {
            // Once per second at most: the first time the limit is reached in a window.
            self.shared.log(
                self.peer,
                &format!("dropped: keys faster than {per_second} a second"),
            );
        }
        taken
    }

    /// Sends bytes to the client, cutting it when the write has waited too long.
    async fn send(&self, bytes: Vec<u8>) -> Result<(), End> {
        if bytes.is_empty() {
            return Ok(());
        }
        let waited = self.shared.limits.write_timeout;
        match tokio::time::timeout(waited, self.handle.data(self.channel, bytes)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_) => {
                self.shared.log(
                    self.peer,
                    &format!(
                        "cut: not reading (a write waited {} s)",
                        waited.as_secs_f32()
                    ),
                );
                self.cut.cut();
                Err(End::Cut)
            }
        }
    }
}

/// Tells the reader where the presenter is and how far it has been, without drawing; whether
/// anything visible changed.
fn tell(reader: &mut SshReader, shown: Shown) -> bool {
    let furthest = reader.apply(Action::ShownUpTo(shown.furthest)).redraw;
    let announced = Announcement {
        scene: shown.scene,
        elapsed: Duration::from_millis(shown.timer_ms),
        running: shown.running,
    };
    let moved = reader
        .apply(Action::Presenter(announced, Instant::now()))
        .redraw;
    furthest || moved
}

/// The presenter moved: the reader follows, and draws if that changed anything; whether it
/// drew.
fn presenter_moved(reader: &mut SshReader, shown: Shown) -> bool {
    tell(reader, shown) && reader.draw().is_ok()
}
