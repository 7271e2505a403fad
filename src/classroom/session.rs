//! How a running izumi takes part in a classroom: as the presenter, its console, or a follower.
//! Everything the classroom hears is handed on as a [`Heard`], which the terminal's event loop
//! puts on the same channel as the keys, so the loop still sleeps until something happens.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::doors::{self, Caps, Doors};
use super::hub::{Hub, Request};
use super::log::EventLog;
use super::net::{Connection, JoinError, LOG_CAP, Presenter, PresenterConfig};
use super::protocol::{Message, Role};
use super::results::Results;
use super::secret;
use crate::invite;
use crate::story::Loading;

/// The port a presenter listens on unless told otherwise.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:7878";

/// What the classroom hears, for the event loop.
#[derive(Debug)]
pub enum Heard {
    /// An audience (the console, the remote) asks the presenter for something.
    Asked(Request),
    /// A message from the presenter.
    FromPresenter(Message),
    /// The link to the presenter went up or down.
    Linked(bool),
    /// The presenter refused this terminal; the reason is for the user.
    Refused(String),
}

/// Where what is heard goes; false once nobody listens.
pub trait Listener: Fn(Heard) -> bool + Send + Sync + 'static {}
impl<F: Fn(Heard) -> bool + Send + Sync + 'static> Listener for F {}

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
    /// Connections one address may hold through every door at once.
    pub per_address: usize,
}

impl Presenting {
    /// Presenting on `listen`, with no audience served from this process.
    pub fn on(listen: &str) -> Presenting {
        Presenting {
            listen: listen.to_owned(),
            token: None,
            web: None,
            web_followers: doors::WEB_FOLLOWERS,
            ssh: None,
            read_ahead: false,
            ssh_sessions: super::ssh::DEFAULT_SESSIONS.into(),
            per_address: Caps::PER_ADDRESS.into(),
        }
    }

    /// Connections every door of this presentation may want at once, before the descriptor
    /// limit has its say.
    fn connections_wanted(&self) -> usize {
        let web = self
            .web
            .as_ref()
            .map_or(0, |_| self.web_followers + doors::WEB_OTHER_CONNECTIONS);
        let ssh = self
            .ssh
            .as_ref()
            .map_or(0, |_| self.ssh_sessions + super::ssh::MAX_HANDSHAKES);
        super::net::MAX_CONNECTIONS + web + ssh
    }

    /// Whether the presenter serves an audience from its own process (web, SSH), which then
    /// reads the presenter's story.
    pub fn serves_audiences(&self) -> bool {
        self.ssh.is_some() || self.web.is_some()
    }
}

/// Where presentations' results are kept: `results/` in the state folder, made private.
pub fn results_folder() -> std::io::Result<std::path::PathBuf> {
    crate::paths::private_folder(&crate::paths::state_folder()?.join("results"))
}

/// What the event loop holds on to for its part in the classroom.
pub enum Link {
    None,
    /// The presenter's lesson and its doors.
    Presenting(Box<Classroom>),
    Joined(Arc<Mutex<Option<Connection>>>),
}

/// A presenter's classroom: the lesson at the centre, and the doors that serve it.
pub struct Classroom {
    pub hub: Arc<Hub>,
    /// The console's and `izumi follow`'s door.
    pub tcp: Presenter,
    /// The web and SSH doors, served on their own runtime, if asked for.
    pub audiences: Option<Box<dyn Served>>,
}

impl Drop for Classroom {
    /// The presentation is over: its results are written with the last counts.
    fn drop(&mut self) {
        self.hub.finish();
    }
}

/// Where the doors a presenter serves from its own process (web, SSH) come from. The plain
/// `izumi` binary never names their servers, so the linker leaves russh, its crypto, tokio's
/// runtime and the HTTP server out of it, and the reader stays small.
#[derive(Clone, Copy, Debug)]
pub enum AudienceServers {
    /// Not in this binary: `present --web/--ssh` is handed to `izumi-classroom`, installed
    /// beside it (see `crate::handover`).
    Sibling,
    /// In this binary, started by this function (`crate::audiences::serve`, in
    /// `izumi-classroom`).
    Linked(ServeAudiences),
}

/// Starts the doors a presenter serves from its own process.
pub type ServeAudiences = fn(Ports<'_>) -> anyhow::Result<Box<dyn Served>>;

/// The ports a presenter took for its web and SSH doors, and the lesson they serve.
pub struct Ports<'a> {
    pub presenting: &'a Presenting,
    pub hub: &'a Arc<Hub>,
    /// The console secret, which the web remote asks for.
    pub secret: &'a str,
    pub ssh: Option<TcpListener>,
    pub web: Option<TcpListener>,
}

/// The doors a presenter serves from its own process, while they run; dropping them says
/// goodbye to each audience and stops their runtime.
pub trait Served {
    /// How students join, one line each, for the presenter's screen.
    fn invitations(&self) -> Vec<String>;
    /// Where the web page and the remote are served, if they are.
    fn web_address(&self) -> Option<SocketAddr>;
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

/// Checks what `part` was asked for (a presenter's addresses and token) without taking a port,
/// so that a mistake in the arguments is said before anything else, terminal or not.
pub fn check(part: &Part) -> anyhow::Result<()> {
    if let Part::Presenter(presenting) = part {
        let token = presenting.token.as_deref();
        let given = [
            ("--listen", Some(&presenting.listen)),
            ("--ssh", presenting.ssh.as_ref()),
            ("--web", presenting.web.as_ref()),
        ];
        for (option, address) in given {
            let Some(address) = address else { continue };
            check_listen(address, token).map_err(|error| {
                let shown = crate::story::text::escape(address);
                if address.to_socket_addrs().is_err() {
                    anyhow::anyhow!(
                        "{option} {shown}: {error}; write an address and a port, e.g. {DEFAULT_ADDRESS}"
                    )
                } else {
                    error
                }
            })?;
        }
    }
    Ok(())
}

/// Starts the classroom side of this izumi, handing what it hears to `heard`. A presenter's
/// lesson holds `story`: it must be loaded; `servers` must carry its web and SSH doors if it
/// serves them.
pub fn start(
    part: &Part,
    story: &Loading,
    heard: impl Listener,
    servers: AudienceServers,
) -> anyhow::Result<Link> {
    let heard: Arc<dyn Listener> = Arc::new(heard);
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
            let story = story
                .ready()
                .ok_or_else(|| anyhow::anyhow!("the story is not loaded yet"))?;
            let log = Arc::new(EventLog::new(
                Some(secret::log_path(listener.local_addr()?)),
                LOG_CAP,
            ));
            let descriptors = doors::raise_descriptor_limit();
            let caps = Caps::fitting(
                presenting.connections_wanted(),
                presenting.per_address,
                descriptors.now,
            );
            let doors = Doors::new(caps, Arc::clone(&log));
            log.write(None, &doors.describe(descriptors));
            // What the console and the remote ask for reaches the presenter's loop as a key does.
            let asked = Arc::clone(&heard);
            let hub = Arc::new(Hub::new(Arc::clone(&story), doors, log, move |request| {
                asked(Heard::Asked(request));
            }));
            // What the class answers is kept for `izumi results`; without a state folder the
            // lesson goes on, unkept, and the log says why.
            match results_folder() {
                Ok(folder) => hub.keep_results(Results::starting_now(&folder, &story.title)),
                Err(error) => hub
                    .log()
                    .write(None, &format!("results: not kept: {error}")),
            }
            let config = PresenterConfig {
                fingerprint: fingerprint.to_owned(),
                secret: secret::create(listener.local_addr()?)?,
                token: token.map(str::to_owned),
                read_ahead: presenting.read_ahead,
                ..PresenterConfig::default()
            };
            let secret = config.secret.clone();
            let tcp = Presenter::serve_on(listener, config, Arc::clone(&hub))?;
            let audiences = if presenting.serves_audiences() {
                let AudienceServers::Linked(serve) = servers else {
                    anyhow::bail!(
                        "this izumi does not carry the web and SSH servers: run izumi-classroom"
                    );
                };
                Some(serve(Ports {
                    presenting,
                    hub: &hub,
                    secret: &secret,
                    ssh,
                    web,
                })?)
            } else {
                None
            };
            // The console shows the remote's address: this presenter's, or none, never an
            // earlier presenter's on this port.
            let remotes: Vec<String> = match audiences.as_ref().and_then(|a| a.web_address()) {
                Some(web) => invite::reachable(web)
                    .into_iter()
                    .map(|at| invite::remote_url(at, &secret))
                    .collect(),
                None => Vec::new(),
            };
            secret::write_remote(tcp.address(), &remotes)?;
            Ok(Link::Presenting(Box::new(Classroom {
                hub,
                tcp,
                audiences,
            })))
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
                &heard,
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
                &heard,
            )))
        }
    }
}

/// The lines this izumi shows for others to join: how students follow (the presenter), or the
/// remote's address (the console, as its presenter left it).
pub fn invitations(part: &Part, link: &Link) -> Vec<String> {
    match (part, link) {
        (_, Link::Presenting(classroom)) => classroom
            .audiences
            .as_ref()
            .map(|served| served.invitations())
            .unwrap_or_default(),
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
    listener: &Arc<dyn Listener>,
) -> Arc<Mutex<Option<Connection>>> {
    let connection = Arc::new(Mutex::new(None));
    let shared = Arc::clone(&connection);
    let tell = Arc::clone(listener);
    let fingerprint = fingerprint.to_owned();
    let _ = thread::Builder::new()
        .name("classroom-link".into())
        .spawn(move || {
            loop {
                match Connection::join(address, role, &fingerprint, credential().as_deref()) {
                    Ok((joined, messages)) => {
                        *shared.lock().unwrap_or_else(|p| p.into_inner()) = Some(joined);
                        if !tell(Heard::Linked(true)) {
                            return;
                        }
                        for message in messages {
                            if !tell(Heard::FromPresenter(message)) {
                                return;
                            }
                        }
                        *shared.lock().unwrap_or_else(|p| p.into_inner()) = None;
                        if !tell(Heard::Linked(false)) {
                            return;
                        }
                    }
                    Err(JoinError::Refused(reason))
                        if !(role == Role::Console && reason == "bad-secret") =>
                    {
                        tell(Heard::Refused(reason));
                        return;
                    }
                    Err(_) => {
                        if !tell(Heard::Linked(false)) {
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
        "full" => "the classroom is full",
        "other-version" => "it runs another version of izumi (use the same version)",
        _ => "it gave no reason izumi knows",
    };
    format!("the presenter refused to connect: {why}")
}
