//! How a running izumi takes part in a classroom: as the presenter, its console, or a follower.
//! Everything that arrives from the network comes to the event loop as an `Input`, on the same
//! channel as the keys, so the loop still sleeps until something happens.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::audience::{self, Audiences};
use super::net::{Connection, JoinError, Presenter, PresenterConfig};
use super::protocol::Role;
use super::secret;
use super::ssh::{SshConfig, SshLimits, SshServer, host_key};
use crate::runtime::Input;
use crate::story::Loading;
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
    /// Where students connect with `ssh` to follow in their own terminal, if anywhere.
    pub ssh: Option<String>,
    /// Whether the students the presenter serves may read past the furthest scene shown.
    pub read_ahead: bool,
    /// How many SSH sessions at once.
    pub ssh_sessions: usize,
}

impl Presenting {
    /// Presenting on `listen`, with no audience served from this process.
    pub fn on(listen: &str) -> Presenting {
        Presenting {
            listen: listen.to_owned(),
            token: None,
            web: None,
            web_followers: crate::web::DEFAULT_FOLLOWERS,
            ssh: None,
            read_ahead: false,
            ssh_sessions: super::ssh::DEFAULT_SESSIONS.into(),
        }
    }

    /// Whether the presenter serves an audience from its own process (web, SSH), which then
    /// reads the presenter's story.
    pub fn serves_audiences(&self) -> bool {
        self.ssh.is_some() || self.web.is_some()
    }
}

/// What the event loop holds on to for its part in the classroom.
pub enum Link {
    None,
    /// The presenter, and the audiences it serves from its own process, if any.
    Presenting(Presenter, Option<Box<Audiences>>),
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

/// Takes a port for one of the presenter's audiences, after `check_listen`; `what` says what for
/// if it cannot be had ("cannot listen for SSH on …").
fn bind(address: &str, token: Option<&str>, what: &str) -> anyhow::Result<TcpListener> {
    let address = check_listen(address, token)?;
    TcpListener::bind(address).map_err(|error| anyhow::anyhow!("cannot {what} {address}: {error}"))
}

/// Starts the classroom side of this izumi, sending what it hears to `inputs`. A presenter
/// that serves audiences from its own process shares `story` with them: it must be loaded.
pub fn start(part: &Part, story: &Loading, inputs: &Sender<Input>) -> anyhow::Result<Link> {
    let fingerprint = story.fingerprint();
    match part {
        Part::Alone => Ok(Link::None),
        Part::Presenter(presenting) => {
            let Presenting { listen, token, .. } = presenting;
            let token = token.as_deref();
            // Every address is checked, and every port taken, before anything is served.
            let listener = bind(listen, token, "listen on")?;
            let ssh = presenting
                .ssh
                .as_deref()
                .map(|ssh| bind(ssh, token, "listen for SSH on"))
                .transpose()?;
            let web = presenting
                .web
                .as_deref()
                .map(|web| bind(web, token, "serve the web page on"))
                .transpose()?;
            let (moves, moved) = std::sync::mpsc::channel();
            let config = PresenterConfig {
                fingerprint: fingerprint.to_owned(),
                secret: secret::create(listener.local_addr()?)?,
                token: token.map(str::to_owned),
                log: Some(secret::log_path(listener.local_addr()?)),
                ..PresenterConfig::default()
            };
            let secret = config.secret.clone();
            let presenter = Presenter::serve_on(listener, config, moves)?;
            let remote_inputs = inputs.clone();
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
            let audiences = if ssh.is_some() || web.is_some() {
                let story = story
                    .ready()
                    .ok_or_else(|| anyhow::anyhow!("the story is not loaded yet"))?;
                let mut audiences = Audiences::new(audience::runtime()?);
                if let Some(listener) = ssh {
                    audiences.ssh = Some(serve_ssh(
                        &audiences,
                        listener,
                        presenting,
                        Arc::clone(&story),
                        &presenter,
                    )?);
                }
                if let Some(listener) = web {
                    let config = WebConfig {
                        token: token.map(str::to_owned),
                        secret: secret.clone(),
                        read_ahead: presenting.read_ahead,
                        max_followers: presenting.web_followers,
                        remote_lifetime: crate::web::REMOTE_LIFETIME,
                    };
                    let served = serve_web(
                        &audiences,
                        listener,
                        config,
                        story,
                        &presenter,
                        remote_inputs,
                    )?;
                    audiences.web = Some(served);
                }
                Some(Box::new(audiences))
            } else {
                None
            };
            // The console shows the remote's address: this presenter's, or none, never an
            // earlier presenter's on this port.
            let remotes: Vec<String> = match audiences.as_ref().and_then(|a| a.web.as_ref()) {
                Some(web) => invite::reachable(web.address())
                    .into_iter()
                    .map(|at| invite::remote_url(at, &secret))
                    .collect(),
                None => Vec::new(),
            };
            secret::write_remote(presenter.address(), &remotes)?;
            Ok(Link::Presenting(presenter, audiences))
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

/// Starts the runtime and the SSH server on it, with the host key kept in the state folder.
fn serve_ssh(
    audiences: &Audiences,
    listener: TcpListener,
    presenting: &Presenting,
    story: Arc<crate::story::Story>,
    presenter: &Presenter,
) -> anyhow::Result<SshServer> {
    let key_path = host_key::path()
        .map_err(|error| anyhow::anyhow!("no folder for the SSH host key: {error}"))?;
    let host_key = host_key::load_or_create(&key_path)?;
    let config = SshConfig {
        host_key,
        token: presenting.token.clone(),
        read_ahead: presenting.read_ahead,
        limits: SshLimits {
            sessions: presenting.ssh_sessions,
            ..SshLimits::default()
        },
    };
    Ok(SshServer::serve(
        audiences.runtime(),
        listener,
        config,
        story,
        presenter.stage(),
        presenter.log(),
    )?)
}

/// Serves the follower's page and the remote; the remote's commands reach the presenter's loop
/// as a console's do.
fn serve_web(
    audiences: &Audiences,
    listener: TcpListener,
    config: WebConfig,
    story: Arc<crate::story::Story>,
    presenter: &Presenter,
    inputs: Sender<Input>,
) -> anyhow::Result<Web> {
    let remote = move |command| {
        let _ = inputs.send(match command {
            RemoteCommand::Goto(index) => Input::MoveTo(index),
            RemoteCommand::ToggleBlank => Input::ToggleBlank,
        });
    };
    Ok(Web::start(
        audiences.runtime(),
        listener,
        story,
        presenter.stage().watch(),
        config,
        presenter.log(),
        remote,
    )?)
}

/// The lines this izumi shows for others to join: how students follow (the presenter), or the
/// remote's address (the console, as its presenter left it).
pub fn invitations(part: &Part, link: &Link) -> Vec<String> {
    match (part, link) {
        (_, Link::Presenting(_, Some(audiences))) => audiences.invitations(),
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
