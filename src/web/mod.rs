//! The classroom in a browser: the follower's page and the presenter's remote.
//!
//! Served from the presenting process on the audiences' runtime (see
//! `classroom::audience`), from the same announcements as `izumi follow`: the presenter's stage
//! is watched, never waited on. Every page also works without its script.

pub mod http;
pub mod page;
mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use crate::classroom::log::{EventLog, TurnedAway};
use crate::classroom::stage::Shown;
use crate::story::Story;

/// Followers watching at once unless the presenter says otherwise.
pub const DEFAULT_FOLLOWERS: usize = 500;
/// Connections beyond the followers' own: page loads, the remote, assets.
const OTHER_CONNECTIONS: usize = 64;
/// Requests on one kept-alive connection before it is closed.
const REQUESTS_PER_CONNECTION: usize = 100;
/// Remote commands a second, and the burst allowed.
const REMOTE_RATE: f64 = 5.0;
const REMOTE_BURST: f64 = 10.0;

/// What the presenter asks of the page and the remote.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Required of every follower when serving beyond loopback.
    pub token: Option<String>,
    /// The console secret, which the remote must show.
    pub secret: String,
    /// Whether followers may read scenes the presenter has not shown yet.
    pub read_ahead: bool,
    /// Followers (open event streams) at once.
    pub max_followers: usize,
}

/// What the remote asks the presenter to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteCommand {
    /// Show the scene at this index.
    Goto(usize),
    /// Blank the projector, or bring it back.
    ToggleBlank,
}

/// Everything a connection needs, shared by all of them.
pub(crate) struct Site {
    story: Arc<Story>,
    /// The map's land, drawn once for the story.
    land: String,
    stage: watch::Receiver<Option<Shown>>,
    config: WebConfig,
    log: Arc<EventLog>,
    remote: Box<dyn Fn(RemoteCommand) + Send + Sync>,
    followers: Arc<Semaphore>,
    connections: Arc<Semaphore>,
    /// Tokens left for remote commands, and when they were last counted.
    remote_budget: Mutex<(f64, Instant)>,
    /// Connections turned away since the last such log line, and when that was.
    turned_away: TurnedAway,
}

impl Site {
    /// Where the presentation is: before the presenter's first announcement, at the start.
    fn shown(&self) -> Shown {
        self.stage.borrow().unwrap_or_default()
    }

    /// Takes one remote command from the budget, if it allows one.
    fn remote_allowed(&self) -> bool {
        let mut budget = self.remote_budget.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, since) = *budget;
        let tokens = (tokens + since.elapsed().as_secs_f64() * REMOTE_RATE).min(REMOTE_BURST);
        *budget = if tokens >= 1.0 {
            (tokens - 1.0, Instant::now())
        } else {
            (tokens, Instant::now())
        };
        tokens >= 1.0
    }

    fn turn_away(&self, peer: SocketAddr) {
        let Some(count) = self.turned_away.count() else {
            return;
        };
        self.log.write(
            Some(peer),
            &format!(
                "web refused: too many connections ({count} turned away since the last such line)"
            ),
        );
    }
}

/// The running web server; it stops with the runtime it runs on.
pub struct Web {
    address: SocketAddr,
    token: Option<String>,
}

impl Web {
    /// Serves on `listener` (already bound, so that its real address is known), on `runtime`.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        listener: std::net::TcpListener,
        story: Arc<Story>,
        stage: watch::Receiver<Option<Shown>>,
        config: WebConfig,
        log: Arc<EventLog>,
        remote: impl Fn(RemoteCommand) + Send + Sync + 'static,
    ) -> std::io::Result<Web> {
        let address = listener.local_addr()?;
        let token = config.token.clone();
        listener.set_nonblocking(true)?;
        let site = Arc::new(Site {
            land: page::land(&story),
            story,
            stage,
            followers: Arc::new(Semaphore::new(config.max_followers)),
            connections: Arc::new(Semaphore::new(config.max_followers + OTHER_CONNECTIONS)),
            config,
            log,
            remote: Box::new(remote),
            remote_budget: Mutex::new((REMOTE_BURST, Instant::now())),
            turned_away: TurnedAway::default(),
        });
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener)?
        };
        runtime.spawn(accept(listener, site));
        Ok(Web { address, token })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The token followers give, which their address carries.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

async fn accept(listener: TcpListener, site: Arc<Site>) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            // Out of descriptors, say: wait a moment rather than spin.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        };
        let Ok(permit) = Arc::clone(&site.connections).try_acquire_owned() else {
            site.turn_away(peer);
            continue;
        };
        let site = Arc::clone(&site);
        tokio::spawn(async move {
            serve(stream, peer, &site).await;
            drop(permit);
        });
    }
}

/// Answers requests on one connection until it closes, misbehaves, or has asked enough.
async fn serve(mut stream: TcpStream, peer: SocketAddr, site: &Arc<Site>) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    for _ in 0..REQUESTS_PER_CONNECTION {
        let request = match http::read_request(&mut stream, &mut buffer).await {
            Ok(request) => request,
            Err(http::Refusal::Closed) => return,
            Err(refusal) => {
                site.log
                    .write(Some(peer), &format!("web refused: {}", refusal.describe()));
                let response = http::Response::plain(refusal.status(), refusal.describe());
                let _ = http::write(&mut stream, &response.encode(false, false)).await;
                return;
            }
        };
        match routes::route(&request, peer, site) {
            routes::Answer::Page(response) => {
                let head_only = request.method == http::Method::Head;
                let bytes = response.encode(head_only, request.keep_alive);
                if !http::write(&mut stream, &bytes).await || !request.keep_alive {
                    return;
                }
            }
            routes::Answer::Events => {
                routes::events(stream, peer, Arc::clone(site)).await;
                return;
            }
        }
    }
}
