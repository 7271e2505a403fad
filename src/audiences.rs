//! The classroom's web and SSH doors, served from inside the presenting process on one small
//! tokio runtime, started only when `present` is asked to serve one of them: a reader on their
//! own, and a presenter without them, start no runtime and no thread for it. Only
//! `izumi-classroom` links this (see `classroom::session::AudienceServers`), so the plain reader
//! carries neither server.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use tokio::runtime::{Builder, Runtime};

use crate::classroom::hub::Hub;
use crate::classroom::session::{Ports, Presenting, Served};
use crate::classroom::ssh::{SshConfig, SshLimits, SshServer, host_key};
use crate::invite;
use crate::web::{Web, WebConfig};

/// Worker threads: serving pages and drawing followers' screens is light work, and the
/// presenter's own loop must keep a core.
const WORKERS: usize = 2;

/// A runtime for the audiences, its threads named so that `top -H` tells them apart.
pub fn runtime() -> io::Result<Runtime> {
    Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name("classroom-audience")
        .enable_io()
        .enable_time()
        .build()
}

/// What a presenter serves from inside its own process, and the runtime it runs on. When the
/// presenter stops, each server says goodbye to its audience first, then the runtime stops.
pub struct Audiences {
    /// Students following over SSH (`present --ssh`).
    pub ssh: Option<SshServer>,
    /// Browsers following, and the presenter's remote (`present --web`).
    pub web: Option<Web>,
    /// Declared last, so dropped last: the servers need it to say goodbye.
    runtime: Runtime,
}

impl Audiences {
    pub fn new(runtime: Runtime) -> Self {
        Audiences {
            ssh: None,
            web: None,
            runtime,
        }
    }

    /// The runtime the servers run on.
    pub fn runtime(&self) -> &tokio::runtime::Handle {
        self.runtime.handle()
    }

    /// How students join, one line each, for the presenter's screen: the command to type, then
    /// what to check it against.
    pub fn invitations(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(web) = &self.web {
            // Full addresses, the first of which the presentation shows as a QR code.
            lines.extend(
                invite::reachable(web.address())
                    .into_iter()
                    .map(|at| invite::follower_url(at, web.token())),
            );
        }
        if let Some(ssh) = &self.ssh {
            lines.push(format!(
                "follow in a terminal: {}",
                ssh_command(ssh.address())
            ));
            lines.push(format!("host key {}", ssh.fingerprint()));
        }
        lines
    }
}

/// The command a student types to follow over SSH: any user name will do; `class` keeps the
/// student's own from being sent.
pub fn ssh_command(address: std::net::SocketAddr) -> String {
    let ip = address.ip();
    let host = if ip.is_loopback() {
        "localhost".to_owned()
    } else if ip.is_unspecified() {
        // Listening everywhere: the machine's name is what students can type.
        rustix::system::uname()
            .nodename()
            .to_string_lossy()
            .into_owned()
    } else {
        ip.to_string()
    };
    match address.port() {
        22 => format!("ssh class@{host}"),
        port => format!("ssh -p {port} class@{host}"),
    }
}

impl Served for Audiences {
    fn invitations(&self) -> Vec<String> {
        Audiences::invitations(self)
    }

    fn web_address(&self) -> Option<SocketAddr> {
        self.web.as_ref().map(Web::address)
    }
}

/// Serves the web page and the remote, and SSH, as the presenter asked, on one runtime, for the
/// lesson at the presenter's hub.
pub fn serve(ports: Ports<'_>) -> anyhow::Result<Box<dyn Served>> {
    let Ports {
        presenting,
        hub,
        secret,
        ssh,
        web,
    } = ports;
    let mut audiences = Audiences::new(runtime()?);
    if let Some(listener) = ssh {
        audiences.ssh = Some(serve_ssh(&audiences, listener, presenting, hub)?);
    }
    if let Some(listener) = web {
        let config = WebConfig {
            token: presenting.token.clone(),
            secret: secret.to_owned(),
            read_ahead: presenting.read_ahead,
            max_followers: presenting.web_followers,
            remote_lifetime: crate::web::REMOTE_LIFETIME,
        };
        audiences.web = Some(Web::start(
            audiences.runtime(),
            listener,
            Arc::clone(hub),
            config,
        )?);
    }
    Ok(Box::new(audiences))
}

/// Starts the SSH server on the audiences' runtime, with the host key kept in the state folder.
fn serve_ssh(
    audiences: &Audiences,
    listener: TcpListener,
    presenting: &Presenting,
    hub: &Arc<Hub>,
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
        Arc::clone(hub),
    )?)
}
