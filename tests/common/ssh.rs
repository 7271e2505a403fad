//! An SSH client in Rust (russh's), for tests and benches that drive the presenter's SSH server
//! from inside the process: a student with a terminal of a given size whose screen is kept up
//! to date by a vt100 parser.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use russh::client::{self, Handle, Msg};
use russh::keys::PublicKeyOrCertificate;
use russh::{Channel, ChannelMsg};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A client that trusts any host key (the tests check the fingerprint elsewhere).
pub struct Trusting;

impl client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// A connection, authenticated or not yet.
pub async fn connect(address: SocketAddr) -> Handle<Trusting> {
    connect_with(address, client::Config::default()).await
}

/// A connection from a loopback address of the test's choosing, as from another machine.
pub async fn connect_from(from: std::net::IpAddr, address: SocketAddr) -> Handle<Trusting> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let stream = socket.connect(address).await.expect("a TCP connection");
    client::connect_stream(Arc::new(client::Config::default()), stream, Trusting)
        .await
        .expect("an SSH connection")
}

/// A student on the `n`-th machine, let in, whose terminal of `columns` × `rows` has asked for the
/// reader: the channel the frames arrive on, and the connection that holds it open.
pub async fn terminal_from(
    n: usize,
    address: SocketAddr,
    (columns, rows): (u32, u32),
) -> (Handle<Trusting>, russh::Channel<client::Msg>) {
    let mut handle = connect_from(student(n), address).await;
    assert!(handle.authenticate_none("class").await.unwrap().success());
    let channel = handle.channel_open_session().await.unwrap();
    channel
        .request_pty(false, "xterm", columns, rows, 0, 0, &[])
        .await
        .unwrap();
    channel.request_shell(false).await.unwrap();
    (handle, channel)
}

/// The `n`-th student's machine, on loopback.
pub fn student(n: usize) -> std::net::IpAddr {
    std::net::Ipv4Addr::new(127, 0, 10 + (n / 250) as u8, (n % 250 + 1) as u8).into()
}

pub async fn connect_with(address: SocketAddr, config: client::Config) -> Handle<Trusting> {
    client::connect(Arc::new(config), address, Trusting)
        .await
        .expect("an SSH connection")
}

/// A TCP stream whose reading can be stopped, as a client that stops reading does.
pub struct Stallable {
    inner: tokio::net::TcpStream,
    pub stalled: Arc<AtomicBool>,
}

impl AsyncRead for Stallable {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.stalled.load(Ordering::Relaxed) {
            // Never woken: this reader has stopped for good.
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stallable {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A student whose client reads until `stalled` is set, then never again; it grants the
/// server a small window, so that it stops taking output soon after.
pub async fn stallable(address: SocketAddr) -> (Handle<Trusting>, Arc<AtomicBool>) {
    let stalled = Arc::new(AtomicBool::new(false));
    let stream = Stallable {
        inner: tokio::net::TcpStream::connect(address).await.unwrap(),
        stalled: Arc::clone(&stalled),
    };
    let config = client::Config {
        window_size: 8 * 1024,
        ..client::Config::default()
    };
    let handle = client::connect_stream(Arc::new(config), stream, Trusting)
        .await
        .expect("an SSH connection");
    (handle, stalled)
}

/// A student's terminal on a session channel.
pub struct Student {
    pub handle: Handle<Trusting>,
    pub channel: Channel<Msg>,
    pub screen: vt100::Parser,
    /// Every byte received.
    pub raw: Vec<u8>,
    pub exit_status: Option<u32>,
    pub closed: bool,
}

impl Student {
    /// Opens a session on an authenticated connection with a terminal of this size; runs
    /// `command` (reader options) if given, else a shell.
    pub async fn open(
        handle: Handle<Trusting>,
        (columns, rows): (u16, u16),
        env: &[(&str, &str)],
        command: Option<&str>,
    ) -> Student {
        let channel = handle.channel_open_session().await.expect("a session");
        channel
            .request_pty(
                false,
                "xterm-256color",
                columns.into(),
                rows.into(),
                0,
                0,
                &[],
            )
            .await
            .unwrap();
        for (name, value) in env {
            channel.set_env(false, *name, *value).await.unwrap();
        }
        match command {
            Some(command) => channel.exec(false, command).await.unwrap(),
            None => channel.request_shell(false).await.unwrap(),
        }
        Student {
            handle,
            channel,
            screen: vt100::Parser::new(rows.try_into().unwrap(), columns.try_into().unwrap(), 0),
            raw: Vec::new(),
            exit_status: None,
            closed: false,
        }
    }

    /// Connects with no password and opens a terminal of this size.
    pub async fn join(address: SocketAddr, size: (u16, u16)) -> Student {
        Student::join_as(connect(address).await, size).await
    }

    /// A student on the `n`-th machine of a class (see [`student`]).
    pub async fn join_from(n: usize, address: SocketAddr, size: (u16, u16)) -> Student {
        Student::join_as(connect_from(student(n), address).await, size).await
    }

    async fn join_as(mut handle: Handle<Trusting>, size: (u16, u16)) -> Student {
        assert!(
            handle.authenticate_none("class").await.unwrap().success(),
            "let in"
        );
        Student::open(handle, size, &[], None).await
    }

    pub fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    /// Fails, showing the screen, if it holds any of `texts`.
    pub fn shows_none_of(&self, texts: &[&str]) {
        let contents = self.contents();
        for text in texts {
            assert!(
                !contents.contains(text),
                "{text:?} on the screen:\n{contents}"
            );
        }
    }

    /// Takes what the server sends for at most `within`; false when the channel has closed.
    pub async fn read_for(&mut self, within: Duration) -> bool {
        match tokio::time::timeout(within, self.channel.wait()).await {
            Ok(Some(message)) => {
                self.take(message);
                true
            }
            Ok(None) => {
                self.closed = true;
                false
            }
            Err(_) => !self.closed,
        }
    }

    fn take(&mut self, message: ChannelMsg) {
        match message {
            ChannelMsg::Data { data } | ChannelMsg::ExtendedData { data, .. } => {
                self.raw.extend_from_slice(&data);
                self.screen.process(&data);
            }
            ChannelMsg::ExitStatus { exit_status } => self.exit_status = Some(exit_status),
            ChannelMsg::Close => self.closed = true,
            _ => {}
        }
    }

    /// Reads until the screen satisfies `done`, or fails after 10 seconds saying what it shows.
    pub async fn wait_until(&mut self, what: &str, done: impl Fn(&Student) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(self) {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() || (!self.read_for(left).await && !done(self)) {
                panic!(
                    "waited for {what}; closed: {}; screen:\n{}",
                    self.closed,
                    self.contents()
                );
            }
        }
    }

    pub async fn wait_for(&mut self, text: &str) {
        self.wait_until(&format!("{text:?}"), |student| {
            student.contents().contains(text)
        })
        .await;
    }

    /// Reads until the server closes the channel.
    pub async fn wait_for_close(&mut self) {
        self.wait_until("the channel to close", |student| student.closed)
            .await;
    }

    pub async fn send(&self, bytes: &str) {
        self.channel
            .data_bytes(bytes.as_bytes().to_vec())
            .await
            .unwrap();
    }

    /// The terminal is now this size.
    pub async fn resize(&mut self, (columns, rows): (u16, u16)) {
        self.screen
            .screen_mut()
            .set_size(rows.try_into().unwrap(), columns.try_into().unwrap());
        self.channel
            .window_change(columns.into(), rows.into(), 0, 0)
            .await
            .unwrap();
    }
}
