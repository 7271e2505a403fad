//! The classroom in a browser: the follower's page and the presenter's remote.
//!
//! Served from the presenting process on the audiences' runtime (see
//! `crate::audiences`), from the same lesson as `izumi follow` (`classroom::hub`), which
//! is watched, never waited on. Every page also works without its script.

mod class;
mod hosts;
pub mod http;
pub mod page;
mod routes;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::classroom::doors::{Door, Pass};
use crate::classroom::hub::{Hub, Lesson};
use crate::classroom::log::TurnedAway;
use crate::story::Story;

/// Requests on one kept-alive connection before it is closed.
const REQUESTS_PER_CONNECTION: usize = 100;
/// Connections other than event streams are kept alive only while fewer than this many are
/// open: a class that answers at once (a thousand phones, each keeping its connection for
/// seconds) would otherwise fill every place with idle connections and turn the next answers
/// away.
const KEPT_ALIVE: usize = crate::classroom::doors::WEB_OTHER_CONNECTIONS / 2;
/// How long a new connection may wait for a place before it is turned away: a burst waits a
/// moment for answers in flight to finish rather than being refused.
const WAIT_FOR_A_PLACE: Duration = Duration::from_secs(2);
/// Remote commands a second, and the burst allowed.
const REMOTE_RATE: f64 = 5.0;
const REMOTE_BURST: f64 = 10.0;
/// How long the remote's cookie lasts unless the presenter says otherwise: a day's teaching. It
/// also ends with the presentation, whose process alone knows it.
pub const REMOTE_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// Remotes signed in at once (a phone, a tablet, a laptop…); a new one pushes out the oldest.
const REMOTE_SESSIONS: usize = 8;
/// How long a closing connection keeps reading what its client still sends, so that the
/// answers already sent are not lost to a reset, and how much it reads at most.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 256 * 1024;
/// The kernel's send buffer for each connection (it doubles it for its own bookkeeping): room for
/// a whole scene page, not the megabytes Linux would otherwise grow it to on a fast link. It
/// bounds the kernel memory a client that stops reading can hold, and lets the write bound
/// notice such a client after kilobytes, not megabytes, of events.
const SEND_BUFFER: usize = 32 * 1024;

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
    /// How long the remote's cookie, given for the secret, lasts.
    pub remote_lifetime: Duration,
}

/// Everything a connection needs, shared by all of them.
pub(crate) struct Site {
    hub: Arc<Hub>,
    /// The map's land and the follower pages, made once for the story presented.
    made: Mutex<Made>,
    config: WebConfig,
    followers: Arc<Semaphore>,
    connections: Arc<Semaphore>,
    /// Tokens left for remote commands, and when they were last counted.
    remote_budget: Mutex<(f64, Instant)>,
    /// Connections turned away since the last such log line, and when that was.
    turned_away: TurnedAway,
    /// The remote's cookies given out, and when each was given.
    remote_sessions: Mutex<Vec<(String, Instant)>>,
    /// The names this server answers to (DNS rebinding is refused).
    hosts: hosts::Hosts,
}

/// What is made once for the story presented: its map's land, and follower pages by what they
/// depend on. Started afresh when the presenter reloads the story; the weak reference keeps the
/// old story's address from being taken for a reloaded one's.
#[derive(Default)]
struct Made {
    story: std::sync::Weak<Story>,
    land: Option<Arc<str>>,
    pages: HashMap<PageKey, String>,
}

impl Made {
    fn is_for(&self, story: &Arc<Story>) -> bool {
        std::ptr::eq(self.story.as_ptr(), Arc::as_ptr(story))
    }

    /// What is made for `story`, emptied first if it was made for another.
    fn of(&mut self, story: &Arc<Story>) -> &mut Made {
        if !self.is_for(story) {
            *self = Made {
                story: Arc::downgrade(story),
                ..Made::default()
            };
        }
        self
    }
}

/// What a follower's page depends on besides the story and the configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PageKey {
    pub scene: usize,
    pub following: bool,
    pub furthest: usize,
    /// Only the `<main>` the script swaps in.
    pub part: bool,
    /// The projector view (`?view=projector`): large type, high contrast, the scene alone.
    pub projector: bool,
    /// The handout of the scenes shown so far (`/handout`), not a scene's page.
    pub handout: bool,
}

/// Follower pages kept at most; past it the cache starts afresh (a presentation moving through
/// 86 scenes makes a few hundred).
const CACHED_PAGES: usize = 512;

impl Site {
    /// Where the presentation is, and in which story: before the presenter's first
    /// announcement, at the start.
    fn lesson(&self) -> Lesson {
        self.hub.lesson()
    }

    /// The map's land for the story presented now, drawn again only when the story changes.
    fn land(&self, story: &Arc<Story>) -> Arc<str> {
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        let land = made
            .of(story)
            .land
            .get_or_insert_with(|| page::land(story).into());
        Arc::clone(land)
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

    /// A new cookie for a remote that showed the secret.
    fn open_remote_session(&self) -> std::io::Result<String> {
        let credential = crate::classroom::secret::random()?;
        let mut sessions = self
            .remote_sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        sessions.retain(|(_, since)| since.elapsed() < self.config.remote_lifetime);
        if sessions.len() >= REMOTE_SESSIONS {
            sessions.remove(0);
        }
        sessions.push((credential.clone(), Instant::now()));
        Ok(credential)
    }

    /// Whether a cookie is one this server gave a remote, still in its lifetime.
    fn remote_session(&self, cookie: Option<&str>) -> bool {
        let sessions = self
            .remote_sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // Every credential compared in full, so the time taken tells nothing.
        sessions.iter().fold(false, |found, (credential, since)| {
            let matches = crate::classroom::protocol::credential_matches(cookie, credential);
            found | (matches && since.elapsed() < self.config.remote_lifetime)
        })
    }

    /// A follower's page made before, if it was.
    fn cached_page(&self, story: &Arc<Story>, key: &PageKey) -> Option<String> {
        let made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        made.is_for(story)
            .then(|| made.pages.get(key).cloned())
            .flatten()
    }

    fn cache_page(&self, story: &Arc<Story>, key: PageKey, body: &[u8]) {
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        let pages = &mut made.of(story).pages;
        if pages.len() >= CACHED_PAGES {
            pages.clear();
        }
        pages.insert(key, String::from_utf8_lossy(body).into_owned());
    }

    /// Open connections that are not event streams: page loads, forms, the remote.
    fn other_connections(&self) -> usize {
        // Every connection holds a place in `connections`, sized for the followers' streams and
        // the others; a stream holds one in `followers` too.
        let places = self.config.max_followers + crate::classroom::doors::WEB_OTHER_CONNECTIONS;
        let open = places - self.connections.available_permits();
        let streams = self.config.max_followers - self.followers.available_permits();
        open.saturating_sub(streams)
    }

    fn turn_away(&self, peer: SocketAddr) {
        let Some(count) = self.turned_away.count() else {
            return;
        };
        self.hub.log().write(
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
            // The land is drawn before the first page asks for it.
            made: Mutex::new(Made {
                story: Arc::downgrade(&story),
                land: Some(page::land(&story).into()),
                pages: HashMap::new(),
            }),
            followers: Arc::new(Semaphore::new(config.max_followers)),
            connections: Arc::new(Semaphore::new(
                config.max_followers + crate::classroom::doors::WEB_OTHER_CONNECTIONS,
            )),
            config,
            hub,
            remote_budget: Mutex::new((REMOTE_BURST, Instant::now())),
            turned_away: TurnedAway::default(),
            remote_sessions: Mutex::default(),
            hosts: hosts::Hosts::new(address),
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
        let site = Arc::clone(&site);
        // Who may wait is bounded by the door's admission, per address and in all.
        tokio::spawn(async move {
            let places = Arc::clone(&site.connections);
            let permit = match places.clone().try_acquire_owned() {
                Ok(permit) => permit,
                Err(_) => {
                    match tokio::time::timeout(WAIT_FOR_A_PLACE, places.acquire_owned()).await {
                        Ok(Ok(permit)) => permit,
                        _ => {
                            site.turn_away(peer);
                            return;
                        }
                    }
                }
            };
            serve(stream, peer, pass, site).await;
            drop(permit);
        });
    }
}

/// What one connection's requests share: its place at the door, how many requests it has had,
/// and whether bytes have come since the last one began.
struct Connection {
    pass: Mutex<Pass>,
    requests: AtomicUsize,
    heard: Arc<AtomicBool>,
}

/// Answers requests on one connection with hyper until it closes, misbehaves, or has asked
/// enough.
async fn serve(stream: TcpStream, peer: SocketAddr, pass: Pass, site: Arc<Site>) {
    let _ = stream.set_nodelay(true);
    let _ = rustix::net::sockopt::set_socket_send_buffer_size(&stream, SEND_BUFFER);
    let connection = Arc::new(Connection {
        pass: Mutex::new(pass),
        requests: AtomicUsize::new(0),
        heard: Arc::default(),
    });
    let io = TokioIo::new(http::Bounded::new(stream, Arc::clone(&connection.heard)));
    let service = {
        let site = Arc::clone(&site);
        let connection = Arc::clone(&connection);
        hyper::service::service_fn(move |request| {
            let site = Arc::clone(&site);
            let connection = Arc::clone(&connection);
            async move { Ok::<_, Infallible>(answer(request, peer, &site, &connection).await) }
        })
    };
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(http::REQUEST_DEADLINE)
        .max_header_size(http::MAX_BUFFERED_HEAD)
        .max_buf_size(http::MAX_BUFFERED_HEAD * 2)
        .max_headers(http::MAX_HEADERS)
        // Header names as browsers and people write them.
        .title_case_headers(true)
        .serve_connection(io, service)
        .without_shutdown()
        .await;
    match served {
        Ok(parts) => linger(parts.io.into_inner().into_inner()).await,
        Err(error) => {
            if let Some(event) = trouble(&error, connection.heard.load(Ordering::Relaxed)) {
                site.hub.log().write(Some(peer), event);
            }
        }
    }
}

/// What to log of a connection that ended in an error, if anything: a client that closes, or
/// an idle kept-alive connection timed out, is no trouble.
fn trouble(error: &hyper::Error, heard: bool) -> Option<&'static str> {
    let timed_out_writing = std::error::Error::source(error)
        .and_then(|source| source.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
    if timed_out_writing {
        Some(
            "web page left: it stopped reading (a tab closed, or a phone asleep); its connection was closed",
        )
    } else if error.is_parse_too_large() {
        Some("web refused: request head too large")
    } else if error.is_parse() {
        Some("web refused: malformed request")
    } else if error.is_timeout() && heard {
        Some("web refused: request not sent in time")
    } else {
        None
    }
}

/// Closes a connection as nginx's lingering close does: the answers go out with a FIN, and what
/// the client still sends (pipelined requests past the last answered) is read and dropped for a
/// moment, so the kernel does not answer it with a reset that would destroy answers not yet read.
async fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    let drain = async {
        let mut drained = 0;
        while drained < LINGER_BYTES {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(read) => drained += read,
            }
        }
    };
    let _ = tokio::time::timeout(LINGER, drain).await;
}

/// One request's answer: refused as it stands, or read whole and routed. The last request a
/// connection may have is answered with `Connection: close`.
async fn answer(
    request: hyper::Request<hyper::body::Incoming>,
    peer: SocketAddr,
    site: &Arc<Site>,
    connection: &Connection,
) -> hyper::Response<http::Body> {
    connection.heard.store(false, Ordering::Relaxed);
    let count = connection.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let keep_alive = count < REQUESTS_PER_CONNECTION && site.other_connections() < KEPT_ALIVE;
    let (head, body) = request.into_parts();
    let refuse = |refusal: http::Refusal| {
        site.hub
            .log()
            .write(Some(peer), &format!("web refused: {}", refusal.describe()));
        http::Response::plain(refusal.status(), refusal.describe()).into_hyper(false)
    };
    let mut request = match http::Request::from_head(&head) {
        Ok(request) => request,
        Err(refusal) => return refuse(refusal),
    };
    let reserved = {
        let mut pass = connection.pass.lock().unwrap_or_else(|p| p.into_inner());
        // A connection that has asked for something is no longer a silent socket.
        pass.set_up();
        pass.is_reserved()
    };
    // The places kept for the presenter are for its remote only, which must prove it is.
    if reserved && !routes::is_the_presenters(&request, site) {
        return http::Response::plain(503, "The classroom is full; try again later.")
            .into_hyper(false);
    }
    if request.method == http::Method::Post {
        use http_body_util::BodyExt;
        let limited = http_body_util::Limited::new(body, http::MAX_BODY);
        match tokio::time::timeout(http::REQUEST_DEADLINE, limited.collect()).await {
            Ok(Ok(collected)) => {
                request.form = http::parse_pairs(&String::from_utf8_lossy(&collected.to_bytes()));
            }
            // Lengths over the limit were refused from the head: the client went mid-body.
            Ok(Err(_)) => return refuse(http::Refusal::Malformed),
            Err(_) => return refuse(http::Refusal::TimedOut),
        }
    }
    match routes::route(&request, peer, site) {
        routes::Answer::Page(response) => response.into_hyper(keep_alive),
        routes::Answer::Events(stream) => routes::events(peer, Arc::clone(site), stream),
    }
}
