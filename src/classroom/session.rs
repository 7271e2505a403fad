//! How a running izumi takes part in a classroom: as the presenter, its console, or a follower.
//! Everything that arrives from the network comes to the event loop as an `Input`, on the same
//! channel as the keys, so the loop still sleeps until something happens.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::audience;
use super::net::{Connection, JoinError, Presenter, PresenterConfig};
use super::protocol::Role;
use super::secret;
use crate::runtime::Input;
use crate::story::Story;
use crate::web::{RemoteCommand, Web, WebConfig, invite};

/// The port a presenter listens on unless told otherwise.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:7878";

/// The part this izumi plays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// No classroom: a reader on their own.
    Alone,
    /// The presenter, listening for a console and followers.
    Presenter(Presenting),
    /// The presenter's console.
    Console { address: String },
    /// A student following the presenter.
    Follower {
        address: String,
        token: Option<String>,
    },
}

/// How the presenter serves its console and followers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presenting {
    /// Where consoles and `izumi follow` connect.
    pub listen: String,
    /// A token followers must give; required beyond loopback.
    pub token: Option<String>,
    /// Where to serve the follower's page and the remote, if anywhere.
    pub web: Option<String>,
    /// Followers the web page serves at once.
    pub web_followers: usize,
    /// Whether followers may read scenes the presenter has not shown yet.
    pub read_ahead: bool,
}

impl Presenting {
    /// Whether this presenter serves an audience from inside its own process, and so needs the
    /// story at hand before it starts.
    pub fn serves_audiences(&self) -> bool {
        self.web.is_some()
    }
}

/// The presenter's in-process audiences and the runtime they run on; they stop when it is
/// dropped.
pub struct Audiences {
    pub web: Option<Web>,
    /// The addresses to give followers, for the presenter to print and show.
    pub invitation: Vec<String>,
    _runtime: Option<tokio::runtime::Runtime>,
}

/// What the event loop holds on to for its part in the classroom.
pub enum Link {
    None,
    Presenting(Presenter, Box<Audiences>),
    Joined(Arc<Mutex<Option<Connection>>>),
}

/// Listening beyond this machine is an explicit choice, and then followers must show a token.
fn check_listen(listen: &str, token: Option<&str>) -> anyhow::Result<SocketAddr> {
    let address = listen
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| anyhow::anyhow!("{listen} names no address"))?;
    if !address.ip().is_loopback() && token.is_none() {
        anyhow::bail!("listening on {address}, beyond this machine, needs --token for followers");
    }
    Ok(address)
}

/// Starts the classroom side of this izumi, sending what it hears to `inputs`. A presenter that
/// serves in-process audiences is given the story to serve.
pub fn start(
    part: &Part,
    fingerprint: &str,
    story: Option<Arc<Story>>,
    inputs: &Sender<Input>,
) -> anyhow::Result<Link> {
    match part {
        Part::Alone => Ok(Link::None),
        Part::Presenter(presenting) => {
            let Presenting { listen, token, .. } = presenting;
            let address = check_listen(listen, token.as_deref())?;
            let (moves, moved) = std::sync::mpsc::channel();
            let listener = TcpListener::bind(address)
                .map_err(|error| anyhow::anyhow!("cannot listen on {address}: {error}"))?;
            let config = PresenterConfig {
                fingerprint: fingerprint.to_owned(),
                secret: secret::create(listener.local_addr()?)?,
                token: token.clone(),
                log: Some(secret::log_path(listener.local_addr()?)),
                ..PresenterConfig::default()
            };
            let secret = config.secret.clone();
            let presenter = Presenter::serve_on(listener, config, moves)?;
            let audiences = match story {
                Some(story) => serve_audiences(presenting, &presenter, story, secret, inputs)?,
                None => {
                    // A console must not show the remote of an earlier presenter on this port.
                    secret::write_remote(presenter.address(), &[])?;
                    Audiences {
                        web: None,
                        invitation: Vec::new(),
                        _runtime: None,
                    }
                }
            };
            let inputs = inputs.clone();
            thread::Builder::new()
                .name("classroom-moves".into())
                .spawn(move || {
                    for index in moved {
                        if inputs.send(Input::MoveTo(index)).is_err() {
                            break;
                        }
                    }
                })?;
            Ok(Link::Presenting(presenter, Box::new(audiences)))
        }
        Part::Console { address } => {
            let address = resolve(address)?;
            secret::read(address).map_err(|error| {
                anyhow::anyhow!(
                    "no console secret for {address} ({error}); is `izumi present` running there?"
                )
            })?;
            // Read the secret afresh on every attempt: a restarted presenter makes a new one.
            let credential = move || secret::read(address).ok();
            Ok(Link::Joined(keep_joined(
                address,
                Role::Console,
                fingerprint,
                credential,
                inputs,
            )))
        }
        Part::Follower { address, token } => {
            let address = resolve(address)?;
            let token = token.clone();
            let credential = move || token.clone();
            Ok(Link::Joined(keep_joined(
                address,
                Role::Follower,
                fingerprint,
                credential,
                inputs,
            )))
        }
    }
}

/// Starts the web page (and, later, other audiences) on a runtime of their own.
fn serve_audiences(
    presenting: &Presenting,
    presenter: &Presenter,
    story: Arc<Story>,
    secret: String,
    inputs: &Sender<Input>,
) -> anyhow::Result<Audiences> {
    let runtime = audience::runtime()?;
    let mut invitation = Vec::new();
    let mut web = None;
    if let Some(address) = &presenting.web {
        let address = check_listen(address, presenting.token.as_deref())?;
        let listener = TcpListener::bind(address)
            .map_err(|error| anyhow::anyhow!("cannot serve the web page on {address}: {error}"))?;
        let inputs = inputs.clone();
        let config_secret = secret.clone();
        let config = WebConfig {
            token: presenting.token.clone(),
            secret,
            read_ahead: presenting.read_ahead,
            max_followers: presenting.web_followers,
        };
        let remote = move |command| {
            let _ = inputs.send(match command {
                RemoteCommand::Goto(index) => Input::MoveTo(index),
                RemoteCommand::ToggleBlank => Input::ToggleBlank,
            });
        };
        let started = Web::start(
            &runtime,
            listener,
            story,
            presenter.stage().watch(),
            config,
            presenter.log(),
            remote,
        )?;
        let reachable = invite::reachable(started.address());
        for at in &reachable {
            invitation.push(invite::follower_url(*at, presenting.token.as_deref()));
        }
        let remotes: Vec<String> = reachable
            .iter()
            .map(|at| invite::remote_url(*at, &config_secret))
            .collect();
        secret::write_remote(presenter.address(), &remotes)?;
        web = Some(started);
    }
    Ok(Audiences {
        web,
        invitation,
        _runtime: Some(runtime),
    })
}

/// The addresses this izumi shows as a QR code: where students follow (the presenter), or the
/// remote (the console, as its presenter left them).
pub fn invitation(part: &Part, link: &Link) -> Vec<String> {
    match (part, link) {
        (_, Link::Presenting(_, audiences)) => audiences.invitation.clone(),
        (Part::Console { address }, _) => resolve(address)
            .map(secret::read_remote)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn resolve(address: &str) -> anyhow::Result<SocketAddr> {
    address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| anyhow::anyhow!("{address} names no address"))
}

/// Joins the presenter and stays joined: when the link drops (the presenter restarted, say), it
/// tries again every second. A refusal is final and reported, except a console's refused secret,
/// which a restarting presenter is about to replace.
pub fn keep_joined(
    address: SocketAddr,
    role: Role,
    fingerprint: &str,
    credential: impl Fn() -> Option<String> + Send + 'static,
    inputs: &Sender<Input>,
) -> Arc<Mutex<Option<Connection>>> {
    let connection = Arc::new(Mutex::new(None));
    let shared = Arc::clone(&connection);
    let inputs = inputs.clone();
    let fingerprint = fingerprint.to_owned();
    let _ = thread::Builder::new()
        .name("classroom-link".into())
        .spawn(move || {
            loop {
                match Connection::join(address, role, &fingerprint, credential().as_deref()) {
                    Ok((joined, messages)) => {
                        *shared.lock().unwrap_or_else(|p| p.into_inner()) = Some(joined);
                        if inputs.send(Input::Linked(true)).is_err() {
                            return;
                        }
                        for message in messages {
                            if inputs.send(Input::FromPresenter(message)).is_err() {
                                return;
                            }
                        }
                        *shared.lock().unwrap_or_else(|p| p.into_inner()) = None;
                        if inputs.send(Input::Linked(false)).is_err() {
                            return;
                        }
                    }
                    Err(JoinError::Refused(reason))
                        if !(role == Role::Console && reason == "bad-secret") =>
                    {
                        let _ = inputs.send(Input::Refused(reason));
                        return;
                    }
                    Err(_) => {
                        if inputs.send(Input::Linked(false)).is_err() {
                            return;
                        }
                    }
                }
                thread::sleep(Duration::from_secs(1));
            }
        });
    connection
}

/// Words for a refusal, for the user.
pub fn explain(reason: &str) -> String {
    let why = match reason {
        "other-story" => "this terminal shows a different story from the presenter's",
        "bad-secret" => "the console secret does not match (restart `izumi notes`)",
        "bad-token" => "the token is missing or wrong (ask the teacher for it: --token)",
        _ => "it gave no reason izumi knows",
    };
    format!("the presenter refused to connect: {why}")
}
