//! The classroom in a browser: the follower's page and the presenter's remote.
//!
//! Served from the presenting process on the audiences' runtime (see
//! `crate::audiences`), from the same lesson as `izumi follow` (`classroom::hub`), which
//! is watched, never waited on. Every page also works without its script.

pub mod http;
pub mod page;
mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::classroom::doors::{Door, Pass};
use crate::classroom::hub::{Hub, Lesson};
use crate::classroom::log::{EventLog, TurnedAway};
use crate::story::Story;

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

/// Everything a connection needs, shared by all of them.
pub(crate) struct Site {
    hub: Arc<Hub>,
    /// The map's land, drawn once for each story presented.
    land: Mutex<(std::sync::Weak<Story>, Arc<str>)>,
    config: WebConfig,
    log: Arc<EventLog>,
    followers: Arc<Semaphore>,
    connections: Arc<Semaphore>,
    /// Tokens left for remote commands, and when they were last counted.
    remote_budget: Mutex<(f64, Instant)>,
    /// Connections turned away since the last such log line, and when that was.
    turned_away: TurnedAway,
}

impl Site {
    /// Where the presentation is, and in which story: before the presenter's first
    /// announcement, at the start.
    fn lesson(&self) -> Lesson {
        self.hub.lesson()
    }

    /// The map's land for the story presented now, drawn again only when the story changes.
    fn land(&self, story: &Arc<Story>) -> Arc<str> {
        let mut land = self.land.lock().unwrap_or_else(|p| p.into_inner());
        if !std::ptr::eq(land.0.as_ptr(), Arc::as_ptr(story)) {
            *land = (Arc::downgrade(story), page::land(story).into());
        }
        Arc::clone(&land.1)
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
    /// Serves the lesson at `hub` on `listener` (already bound, so that its real address is
    /// known), on `runtime`.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        listener: std::net::TcpListener,
        hub: Arc<Hub>,
        config: WebConfig,
    ) -> std::io::Result<Web> {
        let address = listener.local_addr()?;
        let token = config.token.clone();
        listener.set_nonblocking(true)?;
        let story = hub.lesson().story;
        let site = Arc::new(Site {
            land: Mutex::new((Arc::downgrade(&story), page::land(&story).into())),
            followers: Arc::new(Semaphore::new(config.max_followers)),
            connections: Arc::new(Semaphore::new(
                config.max_followers + crate::classroom::doors::WEB_OTHER_CONNECTIONS,
            )),
            config,
            log: Arc::clone(hub.log()),
            hub,
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
        let Ok(pass) = site.hub.doors().admit(Door::Web, peer) else {
            continue;
        };
        let Ok(permit) = Arc::clone(&site.connections).try_acquire_owned() else {
            site.turn_away(peer);
            continue;
        };
        let site = Arc::clone(&site);
        tokio::spawn(async move {
            serve(stream, peer, pass, &site).await;
            drop(permit);
        });
    }
}

/// Answers requests on one connection until it closes, misbehaves, or has asked enough.
async fn serve(mut stream: TcpStream, peer: SocketAddr, mut pass: Pass, site: &Arc<Site>) {
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
        // A connection that has asked for something is no longer a silent socket.
        pass.set_up();
        if pass.is_reserved() && !request.path.starts_with("/remote") {
            let full = http::Response::plain(503, "The classroom is full; try again later.");
            let _ = http::write(&mut stream, &full.encode(false, false)).await;
            return;
        }
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
