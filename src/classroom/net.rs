//! The presenter's listener and the client side of a connection, on plain threads and blocking
//! sockets: a classroom has a handful of connections, and nothing here runs while nothing happens.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::protocol::{Message, Role, credential_matches, read_line};

/// How long a new connection has to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(5);
/// More messages than this in one second and the connection is cut.
const FLOOD_LIMIT: u32 = 50;

/// What a presenter checks before it lets anyone in.
#[derive(Clone, Debug)]
pub struct PresenterConfig {
    /// Identifies the story; a client showing another story is refused.
    pub fingerprint: String,
    /// Proves a console is the presenter's own.
    pub secret: String,
    /// Required from followers when the presenter listens beyond loopback.
    pub token: Option<String>,
    /// Where refusals, dropped lines and cut connections are written, one line each.
    pub log: Option<PathBuf>,
}

struct Client {
    role: Role,
    stream: TcpStream,
}

struct Shared {
    config: PresenterConfig,
    clients: Mutex<Vec<Client>>,
    /// The last `scene` message, sent to each newcomer.
    current: Mutex<Message>,
    /// Lines dropped as malformed, unknown or not allowed, for the presenter to report.
    dropped: Mutex<u64>,
    /// The open log, once something was worth writing down.
    log: Mutex<Option<File>>,
    /// Set when the presenter stops, so the accepting thread lets go of the port.
    stopping: AtomicBool,
}

/// A presenter accepting consoles and followers.
pub struct Presenter {
    address: SocketAddr,
    shared: Arc<Shared>,
    accepting: Option<thread::JoinHandle<()>>,
}

impl Presenter {
    /// Listens on `address`; scene moves asked for by the console arrive on `moves`.
    pub fn listen(
        address: impl ToSocketAddrs,
        config: PresenterConfig,
        moves: Sender<usize>,
    ) -> io::Result<Presenter> {
        Self::serve_on(TcpListener::bind(address)?, config, moves)
    }

    /// Serves on a listener already bound (so a secret can be made for its real address first).
    pub fn serve_on(
        listener: TcpListener,
        config: PresenterConfig,
        moves: Sender<usize>,
    ) -> io::Result<Presenter> {
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            clients: Mutex::new(Vec::new()),
            current: Mutex::new(Message::Scene {
                index: 0,
                timer_ms: 0,
                running: false,
            }),
            dropped: Mutex::new(0),
            log: Mutex::new(None),
            stopping: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        let handle = thread::Builder::new()
            .name("classroom-accept".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    if accepting.stopping.load(Ordering::Relaxed) {
                        break;
                    }
                    let shared = Arc::clone(&accepting);
                    let moves = moves.clone();
                    let _ = thread::Builder::new()
                        .name("classroom-client".into())
                        .spawn(move || serve(stream, &shared, &moves));
                }
            })?;
        Ok(Presenter {
            address,
            shared,
            accepting: Some(handle),
        })
    }

    /// Where the presenter listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Tells everyone where the presentation is; connections that fail are dropped.
    pub fn announce(&self, index: usize, timer_ms: u64, running: bool) {
        let message = Message::Scene {
            index,
            timer_ms,
            running,
        };
        let line = message.encode();
        // Always the clients' lock first, then the current scene's, as when a client joins.
        let mut clients = lock(&self.shared.clients);
        *lock(&self.shared.current) = message;
        clients.retain_mut(|client| client.stream.write_all(line.as_bytes()).is_ok());
    }

    /// How many consoles and followers are connected.
    pub fn connections(&self) -> (usize, usize) {
        let clients = lock(&self.shared.clients);
        let consoles = clients.iter().filter(|c| c.role == Role::Console).count();
        (consoles, clients.len() - consoles)
    }

    /// How many incoming lines were dropped so far.
    pub fn dropped(&self) -> u64 {
        *lock(&self.shared.dropped)
    }
}

impl Drop for Presenter {
    /// Stops listening and hangs up on everyone, as when the presenter quits.
    fn drop(&mut self) {
        let mut clients = lock(&self.shared.clients);
        self.shared.stopping.store(true, Ordering::Relaxed);
        for client in clients.drain(..) {
            let _ = client.stream.shutdown(std::net::Shutdown::Both);
        }
        drop(clients);
        // Wake the accepting thread so that it sees the flag and closes the port, and wait for
        // it, so that a presenter started next can listen on the same port.
        if TcpStream::connect_timeout(&self.address, Duration::from_millis(200)).is_ok()
            && let Some(accepting) = self.accepting.take()
        {
            let _ = accepting.join();
        }
    }
}

impl Shared {
    /// Writes one line to the log: when, from whom, what. What a peer sent never goes in raw;
    /// only izumi's own description of it, so the log is safe to print in a terminal.
    fn log(&self, peer: Option<SocketAddr>, event: &str) {
        let Some(path) = &self.config.log else {
            return;
        };
        let mut file = lock(&self.log);
        if file.is_none() {
            if let Some(folder) = path.parent() {
                let _ = std::fs::create_dir_all(folder);
            }
            *file = OpenOptions::new().create(true).append(true).open(path).ok();
        }
        if let Some(file) = file.as_mut() {
            let seconds = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs());
            let peer = peer.map_or_else(|| "-".to_owned(), |peer| peer.to_string());
            let _ = writeln!(file, "{seconds} {peer} {event}");
        }
    }

    /// Counts and logs a line that was not acted on.
    fn drop_line(&self, peer: Option<SocketAddr>, why: &str) {
        *lock(&self.dropped) += 1;
        self.log(peer, &format!("dropped: {why}"));
    }
}

/// A poisoned lock only means another connection's thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One connection, from hello to hang-up.
fn serve(stream: TcpStream, shared: &Shared, moves: &Sender<usize>) {
    let Ok(reader_half) = stream.try_clone() else {
        return;
    };
    let peer = stream.peer_addr().ok();
    let _ = stream.set_read_timeout(Some(HELLO_TIMEOUT));
    let mut reader = BufReader::new(reader_half);
    let mut writer = stream;
    let role = match read_line(&mut reader) {
        Ok(Some(Ok(Message::Hello {
            role,
            fingerprint,
            credential,
        }))) => match admit(&shared.config, role, &fingerprint, credential.as_deref()) {
            Ok(()) => role,
            Err(reason) => {
                shared.log(peer, &format!("refused {role}: {reason}"));
                let _ = writer.write_all(
                    Message::Refused {
                        reason: reason.into(),
                    }
                    .encode()
                    .as_bytes(),
                );
                return;
            }
        },
        other => {
            let what = match other {
                Ok(Some(Ok(message))) => format!("a {} message", message.kind()),
                Ok(Some(Err(error))) => error.to_string(),
                Ok(None) => "nothing".to_owned(),
                Err(error) => error.to_string(),
            };
            shared.log(peer, &format!("refused: expected hello, got {what}"));
            let _ = writer.write_all(
                Message::Refused {
                    reason: "hello-expected".into(),
                }
                .encode()
                .as_bytes(),
            );
            return;
        }
    };
    let _ = writer.set_read_timeout(None);
    let welcome = Message::Welcome {
        fingerprint: shared.config.fingerprint.clone(),
    };
    let Ok(registered) = writer.try_clone() else {
        return;
    };
    {
        // Welcome, the current scene and registration happen under the clients' lock, so no
        // announcement can come between them or miss this client.
        let mut clients = lock(&shared.clients);
        if shared.stopping.load(Ordering::Relaxed) {
            return;
        }
        let current = lock(&shared.current).encode();
        if writer.write_all(welcome.encode().as_bytes()).is_err()
            || writer.write_all(current.as_bytes()).is_err()
        {
            return;
        }
        clients.push(Client {
            role,
            stream: registered,
        });
    }

    let mut window = Instant::now();
    let mut in_window = 0;
    while let Ok(Some(message)) = read_line(&mut reader) {
        if window.elapsed() > Duration::from_secs(1) {
            window = Instant::now();
            in_window = 0;
        }
        in_window += 1;
        if in_window > FLOOD_LIMIT {
            shared.log(
                peer,
                &format!("cut: more than {FLOOD_LIMIT} messages in a second"),
            );
            break;
        }
        match (role, message) {
            (Role::Console, Ok(Message::Goto { index })) => {
                let _ = moves.send(index);
            }
            (_, Ok(message)) => {
                shared.drop_line(peer, &format!("a {} message from a {role}", message.kind()));
            }
            (_, Err(error)) => shared.drop_line(peer, &error.to_string()),
        }
    }
    let _ = writer.shutdown(std::net::Shutdown::Both);
    let address = writer.peer_addr().ok();
    lock(&shared.clients).retain(|client| client.stream.peer_addr().ok() != address);
}

/// Whether a hello may come in, or the one-word reason it may not.
fn admit(
    config: &PresenterConfig,
    role: Role,
    fingerprint: &str,
    credential: Option<&str>,
) -> Result<(), &'static str> {
    if fingerprint != config.fingerprint {
        return Err("other-story");
    }
    match (role, &config.token) {
        (Role::Console, _) if !credential_matches(credential, &config.secret) => Err("bad-secret"),
        (Role::Follower, Some(token)) if !credential_matches(credential, token) => Err("bad-token"),
        _ => Ok(()),
    }
}

/// Why a client could not join.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("cannot reach the presenter: {0}")]
    Io(#[from] io::Error),
    #[error("the presenter refused: {0}")]
    Refused(String),
    #[error("the presenter answered with something unexpected")]
    Unexpected,
}

/// A console's or follower's connection to a presenter.
pub struct Connection {
    stream: TcpStream,
}

impl Connection {
    /// Connects and says hello. Messages from the presenter (starting with where it is now)
    /// arrive on the returned channel until the connection ends.
    pub fn join(
        address: impl ToSocketAddrs,
        role: Role,
        fingerprint: &str,
        credential: Option<&str>,
    ) -> Result<(Connection, Receiver<Message>), JoinError> {
        let mut stream = TcpStream::connect(address)?;
        let hello = Message::Hello {
            role,
            fingerprint: fingerprint.to_owned(),
            credential: credential.map(str::to_owned),
        };
        stream.write_all(hello.encode().as_bytes())?;
        let mut reader = BufReader::new(stream.try_clone()?);
        match read_line(&mut reader)? {
            Some(Ok(Message::Welcome { .. })) => {}
            Some(Ok(Message::Refused { reason })) => return Err(JoinError::Refused(reason)),
            _ => return Err(JoinError::Unexpected),
        }
        let (sender, receiver) = mpsc::channel();
        thread::Builder::new()
            .name("classroom-receive".into())
            .spawn(move || {
                while let Ok(Some(message)) = read_line(&mut reader) {
                    if let Ok(message) = message
                        && sender.send(message).is_err()
                    {
                        break;
                    }
                }
            })?;
        Ok((Connection { stream }, receiver))
    }

    /// Asks the presenter to show a scene (heeded from the presenter's console only).
    pub fn goto(&mut self, index: usize) -> io::Result<()> {
        self.stream
            .write_all(Message::Goto { index }.encode().as_bytes())
    }

    /// Sends raw bytes, for tests of what a misbehaving client can do.
    #[doc(hidden)]
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }
}
