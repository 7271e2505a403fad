//! The SSH protocol's side of one connection: what it may ask for (a terminal, a shell or the
//! reader's options, NO_COLOR), what is refused and logged, and the session it starts.

use std::net::SocketAddr;
use std::sync::Arc;

use russh::server::{Auth, ChannelOpenHandle, Msg, Session};
use russh::{Channel, ChannelId};
use tokio::sync::{mpsc, watch};

use super::follower::{Follower, Window};
use super::screens::MAX_WINDOW;
use super::{Cut, DETAILED_LINES, Noise, SessionSlot, Shared, Slot};
use crate::classroom::protocol::credential_matches;
use crate::reader::fitting;
use crate::ui::theme::Theme;

/// The SSH protocol's view of one connection: what it asked for, and its session once it has
/// one.
pub(super) struct Visitor {
    pub(super) shared: Arc<Shared>,
    pub(super) peer: SocketAddr,
    pub(super) cut: Arc<Cut>,
    /// Its place among the connections, and how far it has come in setting up.
    pub(super) slot: Slot,
    pub(super) noise: Noise,
    /// The one session channel served.
    pub(super) channel: Option<ChannelId>,
    /// The terminal's size, once one is asked for.
    pub(super) pty: Option<(u16, u16)>,
    pub(super) no_colour: bool,
    /// The running session's inputs.
    pub(super) session: Option<Inputs>,
}

/// What the SSH side hands a running session.
pub(super) struct Inputs {
    bytes: mpsc::Sender<Vec<u8>>,
    window: watch::Sender<Window>,
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
    /// protocol's bytes. The connection still counts as setting up: a client that keeps it
    /// open is cut at the deadline.
    fn refuse_channel(
        &mut self,
        channel: ChannelId,
        why: &str,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        session.extended_data(channel, 1, format!("izumi: {why}\r\n").into_bytes())?;
        session.exit_status_request(channel, 1)?;
        session.eof(channel)?;
        session.close(channel)
    }

    fn set_up(&mut self) {
        self.slot.set_up();
    }

    /// Lets the client in: it is logged in.
    fn let_in(&self) -> Auth {
        self.slot.progress.log_in();
        Auth::Accept
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
        let (window, windows) = watch::channel(Window { size, changes: 0 });
        self.session = Some(Inputs { bytes, window });
        let theme = Theme::chosen(options.theme, self.no_colour || options.no_colour);
        let follower = Follower {
            shared: Arc::clone(&self.shared),
            peer: self.peer,
            handle: session.handle(),
            channel,
            cut: Arc::clone(&self.cut),
            _place: place,
        };
        tokio::spawn(follower.run(theme, received, windows));
        Ok(())
    }

    /// Whether `channel` is the one this connection's session runs on.
    fn ours(&self, channel: ChannelId) -> bool {
        self.channel == Some(channel)
    }
}

/// The client's size, within what izumi draws for a student, and 80×24 for a client that says 0.
fn size_of(columns: u32, rows: u32) -> (u16, u16) {
    let clamp = |n: u32, default: u16| match u16::try_from(n) {
        Ok(0) => default,
        Ok(n) => n,
        Err(_) => u16::MAX,
    };
    let area = fitting(clamp(columns, 80), clamp(rows, 24));
    (area.width.min(MAX_WINDOW.0), area.height.min(MAX_WINDOW.1))
}

impl russh::server::Handler for Visitor {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(if self.shared.token.is_none() {
            self.let_in()
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
            // Only the last size is drawn; the session counts how many came.
            inputs.window.send_modify(|window| {
                window.size = size_of(columns, rows);
                window.changes += 1;
            });
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
            Some(token) if credential_matches(given, token) => self.let_in(),
            _ => {
                self.note("refused: wrong token");
                Auth::reject()
            }
        }
    }
}
