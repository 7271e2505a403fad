//! The classroom's web server over real loopback sockets: pages, refusals, escaping, no reading
//! ahead, the remote, and followers receiving moves.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::lesson::Presenting;
use izumi::classroom::hub::{Hub, Request as RemoteCommand};
use izumi::story::Story;
use izumi::web::{Web, WebConfig};

const SECRET: &str = "0123456789abcdef";

/// A web server on a loopback port, with the stage it follows and what its remote asked.
struct Served {
    address: SocketAddr,
    hub: Arc<Hub>,
    commands: Receiver<RemoteCommand>,
    log: std::path::PathBuf,
    _folder: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn serve(story: Story, token: Option<&str>, read_ahead: bool, max_followers: usize) -> Served {
    serve_for(
        story,
        token,
        read_ahead,
        max_followers,
        izumi::web::REMOTE_LIFETIME,
    )
}

fn serve_for(
    story: Story,
    token: Option<&str>,
    read_ahead: bool,
    max_followers: usize,
    remote_lifetime: Duration,
) -> Served {
    let runtime = izumi::audiences::runtime().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let log = folder.path().join("present.log");
    let (sender, commands) = mpsc::channel();
    let hub = common::lesson::hub_of(story, Some(&log), move |command| {
        let _ = sender.send(command);
    });
    let web = Web::start(
        runtime.handle(),
        TcpListener::bind("127.0.0.1:0").unwrap(),
        Arc::clone(&hub),
        WebConfig {
            token: token.map(str::to_owned),
            secret: SECRET.to_owned(),
            read_ahead,
            max_followers,
            remote_lifetime,
        },
    )
    .unwrap();
    Served {
        address: web.address(),
        hub,
        commands,
        log,
        _folder: folder,
        _runtime: runtime,
    }
}

/// Sends raw bytes and reads the whole answer (every answer here closes the connection).
fn exchange(address: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

fn get(address: SocketAddr, target: &str) -> (u16, String) {
    get_with(address, target, "")
}

/// A GET with more headers, each ending in CRLF.
fn get_with(address: SocketAddr, target: &str, headers: &str) -> (u16, String) {
    exchange(
        address,
        format!("GET {target} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n")
            .as_bytes(),
    )
}

/// A form posted with more headers, each ending in CRLF.
fn post_with(address: SocketAddr, target: &str, form: &str, headers: &str) -> (u16, String) {
    exchange(
        address,
        format!(
            "POST {target} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    )
}

/// A command from the remote's own page, as a browser sends it: the cookie, and the origin.
fn command(address: SocketAddr, cookie: &str, form: &str) -> (u16, String) {
    post_with(
        address,
        "/remote",
        form,
        &format!("Cookie: {cookie}\r\nOrigin: http://{address}\r\nSec-Fetch-Site: same-origin\r\n"),
    )
}

/// The remote's cookie, given for the secret, as `name=value`.
fn remote_cookie(address: SocketAddr) -> String {
    let (status, answer) = get(address, &format!("/remote?secret={SECRET}"));
    assert_eq!(status, 303, "{answer}");
    let cookie = answer
        .lines()
        .find_map(|line| line.strip_prefix("Set-Cookie: "))
        .expect("a cookie for the secret");
    cookie.split(';').next().unwrap().to_owned()
}

/// The remote's page, with its cookie.
fn remote_page(address: SocketAddr) -> String {
    let cookie = remote_cookie(address);
    let (status, answer) = get_with(address, "/remote", &format!("Cookie: {cookie}\r\n"));
    assert_eq!(status, 200, "{answer}");
    answer
}

/// Waits for `condition`, checking every few milliseconds, for at most `limit`.
fn wait_for(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    condition()
}

fn log_of(served: &Served) -> String {
    fs::read_to_string(&served.log).unwrap_or_default()
}

fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

/// An event stream, read one `scene` event at a time.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(address: SocketAddr, query: &str) -> Events {
        Events::open_at(address, &format!("/events{query}"), "")
    }

    /// A stream at `path`, with more headers, each ending in CRLF.
    fn open_at(address: SocketAddr, path: &str, headers: &str) -> Events {
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        Events { reader }
    }

    /// The next scene event's data line, or `None` when the stream ends or stays silent. Other
    /// events (the class's question changed) are passed over.
    fn try_next_scene(&mut self) -> Option<String> {
        let mut line = String::new();
        let mut scene = false;
        loop {
            line.clear();
            if self.reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            if let Some(name) = line.strip_prefix("event: ") {
                scene = name.trim() == "scene";
            } else if let Some(data) = line.strip_prefix("data: ")
                && scene
            {
                return Some(data.trim().to_owned());
            }
        }
    }

    /// The next scene event's data line.
    fn next_scene(&mut self) -> String {
        self.try_next_scene().expect("a scene event")
    }
}

#[test]
fn pages_and_assets_answer_with_the_right_status_and_headers() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(1, 0, false);
    let (status, answer) = get(served.address, "/");
    assert_eq!(status, 200);
    assert!(answer.contains("Content-Security-Policy: default-src 'none'"));
    assert!(answer.contains("Referrer-Policy: no-referrer"));
    // The only cookie: the student's key, for answering the class's questions.
    let cookies: Vec<&str> = answer
        .lines()
        .filter(|line| line.to_ascii_lowercase().starts_with("set-cookie"))
        .collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("Set-Cookie: izumi-student="));
    assert!(
        body(&answer).contains("<h1 tabindex=\"-1\">The ferry</h1>"),
        "{answer}"
    );
    assert_eq!(get(served.address, "/style.css").0, 200);
    assert_eq!(get(served.address, "/follow.js").0, 200);
    let (status, icon) = get(served.address, "/icon.svg");
    assert_eq!(status, 200);
    assert!(icon.contains("Content-Type: image/svg+xml"), "{icon}");
    assert_eq!(get(served.address, "/scenes/no-such-scene").0, 404);
    assert_eq!(get(served.address, "/etc/passwd").0, 404);
    assert_eq!(
        exchange(served.address, b"DELETE / HTTP/1.1\r\n\r\n").0,
        405
    );
    assert_eq!(exchange(served.address, b"NOT HTTP AT ALL\r\n\r\n").0, 400);
    let huge = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(9000));
    assert_eq!(exchange(served.address, huge.as_bytes()).0, 431);
    let many: String = (0..40).map(|i| format!("X-{i}: y\r\n")).collect();
    let request = format!("GET / HTTP/1.1\r\n{many}\r\n");
    assert_eq!(exchange(served.address, request.as_bytes()).0, 431);
    let (status, _) = exchange(
        served.address,
        b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    assert_eq!(status, 400);
    // HEAD: the head alone.
    let (status, answer) = exchange(
        served.address,
        format!(
            "HEAD /style.css HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            served.address
        )
        .as_bytes(),
    );
    assert_eq!(status, 200);
    assert_eq!(body(&answer), "");
}

#[test]
fn a_kept_alive_connection_answers_request_after_request() {
    let served = serve(common::journey(), None, false, 10);
    let mut stream = TcpStream::connect(served.address).unwrap();
    let host = served.address;
    write!(
        stream,
        "GET /style.css HTTP/1.1\r\nHost: {host}\r\n\r\nGET /follow.js HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 2, "{answer}");
}

/// A class answering at once must not fill the door with idle kept-alive connections: past
/// half the places for connections other than event streams, replies close their connection, so
/// the next student's answer finds a place.
#[test]
fn past_half_the_places_replies_stop_keeping_connections_alive() {
    let served = serve(common::journey(), None, false, 2);
    let host = served.address;
    let mut kept = Vec::new();
    let mut closing = 0;
    for n in 0..40u8 {
        // Each from an address of its own, as students' phones are.
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket
            .bind(&SocketAddr::from(([127, 0, 9, n + 1], 0)).into())
            .unwrap();
        socket.connect(&host.into()).unwrap();
        let stream: TcpStream = socket.into();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(&stream, "GET /style.css HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{n}: {head}");
        if head.to_ascii_lowercase().contains("connection: close") {
            closing += 1;
        } else {
            // Left open and idle, as a phone leaves it.
            kept.push(reader);
        }
    }
    assert_eq!(kept.len(), 31, "the first 31 are kept alive");
    assert_eq!(closing, 9);
}

#[test]
fn a_request_trickled_byte_by_byte_is_cut_at_the_deadline() {
    let served = serve(common::journey(), None, false, 10);
    let mut stream = TcpStream::connect(served.address).unwrap();
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut answer = Vec::new();
    let mut closed = false;
    for byte in b"GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    {
        if stream.write_all(&[*byte]).is_err() {
            closed = true;
            break;
        }
        let mut chunk = [0u8; 512];
        match stream.read(&mut chunk) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(read) => answer.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
                closed = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(closed, "the connection outlived the deadline");
    assert!(started.elapsed() < Duration::from_secs(8), "cut in time");
    assert!(answer.is_empty(), "nothing is answered to half a request");
    assert!(wait_for(Duration::from_secs(5), || log_of(&served)
        .contains("web refused: request not sent in time")));
}

#[test]
fn an_idle_kept_alive_connection_closes_quietly() {
    let served = serve(common::journey(), None, false, 10);
    let mut stream = TcpStream::connect(served.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    write!(
        stream,
        "GET /style.css HTTP/1.1\r\nHost: {}\r\n\r\n",
        served.address
    )
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    // The page, then the close at the deadline: an end of file, no 408 and no reset.
    stream
        .read_to_end(&mut answer)
        .expect("closed cleanly, not reset and not left open");
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    assert!(answer.starts_with("HTTP/1.1 200"));
    assert!(started.elapsed() < Duration::from_secs(12));
    // A connection opened and never used closes the same way.
    let mut unused = TcpStream::connect(served.address).unwrap();
    unused
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut nothing = Vec::new();
    unused.read_to_end(&mut nothing).unwrap();
    assert!(nothing.is_empty());
    assert_eq!(
        log_of(&served),
        "",
        "no log line for a client that was only idle"
    );
}

#[test]
fn two_different_content_lengths_or_a_signed_one_are_refused() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    for lengths in [
        "Content-Length: 4\r\nContent-Length: 5\r\n",
        "Content-Length: 4, 5\r\n",
        "Content-Length: +4\r\n",
        "Content-Length: -4\r\n",
        "Content-Length: 0x4\r\n",
    ] {
        let (status, answer) = exchange(
            address,
            format!("POST / HTTP/1.1\r\nHost: {address}\r\n{lengths}\r\nabcde").as_bytes(),
        );
        assert_eq!(status, 400, "{lengths}: {answer}");
        assert_eq!(
            answer.matches("HTTP/1.1 ").count(),
            1,
            "nothing smuggled: {answer}"
        );
    }
}

#[test]
fn a_body_over_four_kilobytes_gets_413_and_a_long_target_414() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    let cookie = remote_cookie(address);
    let form = format!("do=blank&pad={}", "x".repeat(4097 - "do=blank&pad=".len()));
    assert_eq!(form.len(), 4097);
    let (status, _) = command(address, &cookie, &form);
    assert_eq!(status, 413);
    assert!(served.commands.try_recv().is_err());
    // Four kilobytes are taken.
    let (status, _) = command(address, &cookie, &form[..4096]);
    assert_eq!(status, 303);
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::ToggleBlank));

    let (status, _) = get(address, &format!("/scenes/{}", "a".repeat(10 * 1024)));
    assert_eq!(status, 414);
    let log = log_of(&served);
    assert!(log.contains("web refused: request body too large"), "{log}");
    assert!(
        log.contains("web refused: request target too long"),
        "{log}"
    );
}

#[test]
fn head_of_the_event_stream_is_a_head_and_holds_nothing() {
    // One place for a follower: a HEAD must not take it.
    let served = serve(common::journey(), None, false, 1);
    served.hub.present(0, 0, false);
    let address = served.address;
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "HEAD /events HTTP/1.1\r\nHost: {address}\r\n\r\nGET /icon.svg HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, rest) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("Content-Type: text/event-stream"), "{head}");
    assert!(
        rest.starts_with("HTTP/1.1 200"),
        "the head had a body: {rest}"
    );
    assert!(rest.contains("image/svg+xml"));
    // The one place is still free.
    let mut events = Events::open(address, "");
    assert!(events.next_scene().contains("\"scene\":0"));
    // And a POST to the stream is no stream either.
    assert_eq!(post_with(address, "/events", "a=1", "").0, 405);
}

#[test]
fn a_thousand_pipelined_requests_are_answered_in_order_up_to_the_cap_then_closed_cleanly() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let assets = ["/icon.svg", "/style.css", "/follow.js"];
    let requests: String = (0..1000)
        .map(|n| format!("GET {} HTTP/1.1\r\nHost: {address}\r\n\r\n", assets[n % 3]))
        .collect();
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        std::thread::spawn(move || {
            // The server may stop reading once it has answered its last: that is its right.
            let _ = stream.write_all(requests.as_bytes());
        })
    };
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .expect("every answer sent is read, with no reset");
    writer.join().unwrap();
    let answer = String::from_utf8_lossy(&answer);
    let types: Vec<&str> = answer
        .lines()
        .filter_map(|line| line.strip_prefix("Content-Type: "))
        .collect();
    assert_eq!(types.len(), 100, "the per-connection cap");
    let expected = [
        "image/svg+xml",
        "text/css; charset=utf-8",
        "text/javascript; charset=utf-8",
    ];
    for (n, kind) in types.iter().enumerate() {
        assert_eq!(*kind, expected[n % 3], "answer {n} out of order");
    }
    assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 100);
    // The last says it closes.
    let last = answer.rsplit("HTTP/1.1 200 OK").next().unwrap();
    assert!(last.contains("Connection: close"), "{last}");
}

#[test]
fn story_text_is_inert_in_every_page() {
    let dir = common::journey_copy();
    let hostile = r#"<script>alert(1)</script> \" onmouseover=\"alert(2)\" javascript:alert(3) <img src=x onerror=alert(4)>"#;
    for file in [
        "episodes/01-north.toml",
        "characters.toml",
        "glossary.toml",
        "footnotes.toml",
        "story.toml",
    ] {
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        // Into every title, name, text, definition and note the file has.
        let text = text
            .replace("title = \"", &format!("title = \"{hostile} "))
            .replace("name = \"", &format!("name = \"{hostile} "))
            .replace("text = \"\"\"\n", &format!("text = \"\"\"\n{hostile} "))
            .replace("definition = \"", &format!("definition = \"{hostile} "))
            .replace("note = \"", &format!("note = \"{hostile} "))
            .replace("bio = \"", &format!("bio = \"{hostile} "));
        fs::write(&path, text).unwrap();
    }
    let story = izumi::story::load(dir.path()).expect("the hostile story still loads");
    assert!(story.scenes[0].title.contains("<script>"));
    let handout = izumi::export::handout::document(&story);
    let served = serve(story, None, true, 10);
    served.hub.present(0, 0, false);
    let mut pages = vec![
        body(&get(served.address, "/").1).to_owned(),
        body(&remote_page(served.address)).to_owned(),
        handout,
    ];
    pages.push(body(&get(served.address, "/scenes/the-ferry").1).to_owned());
    for page in &pages {
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
        assert!(
            !page.contains("<script>"),
            "a script element from the story"
        );
        assert!(!page.contains("<img"), "an element from the story");
        assert!(
            !page.contains("\" onmouseover"),
            "an attribute from the story"
        );
        assert!(!page.contains("href=\"javascript"), "a script link");
    }
}

#[test]
fn the_token_is_required_and_never_echoed() {
    let served = serve(common::journey(), Some("classroom-7"), false, 10);
    for target in [
        "/",
        "/scenes/setting-out",
        "/events",
        "/?token=wrong%3Cb%3E",
    ] {
        let (status, answer) = get(served.address, target);
        assert_eq!(status, 403, "{target}");
        assert!(body(&answer).contains("needs its token"));
        assert!(!answer.contains("wrong<b>"));
    }
    let (status, answer) = get(served.address, "/?token=classroom-7");
    assert_eq!(status, 200);
    // Every link carries the token, since there are no cookies.
    assert!(answer.contains("href=\"/?token=classroom-7\""), "{answer}");
    let log = fs::read_to_string(&served.log).unwrap();
    assert_eq!(log.matches("web refused follower: bad-token").count(), 4);
    assert!(
        !log.contains("wrong"),
        "the log never holds what a client sent"
    );
}

#[test]
fn followers_cannot_read_ahead_of_the_presenter_unless_allowed() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(2, 0, false);
    served.hub.present(1, 0, false);
    let scenes: Vec<String> = common::journey()
        .scenes
        .iter()
        .map(|scene| scene.id.clone())
        .collect();
    for (index, id) in scenes.iter().enumerate() {
        let (status, answer) = get(served.address, &format!("/scenes/{id}"));
        if index <= 2 {
            assert_eq!(status, 200, "{id}");
        } else {
            assert_eq!(status, 403, "{id}");
            assert!(body(&answer).contains("has not shown this scene yet"));
        }
    }
    // The last scene shown links back, and not on.
    let (_, answer) = get(served.address, &format!("/scenes/{}", scenes[2]));
    assert!(answer.contains(&format!("href=\"/scenes/{}\" rel=\"prev\"", scenes[1])));
    assert!(!answer.contains("rel=\"next\""));
    // Once the presenter has gone on, the same page links on (no page is kept past a move).
    served.hub.present(3, 0, false);
    let (_, answer) = get(served.address, &format!("/scenes/{}", scenes[2]));
    assert!(answer.contains(&format!("href=\"/scenes/{}\" rel=\"next\"", scenes[3])));
    assert!(answer.contains("data-following=\"false\""));
    served.hub.present(2, 0, false);
    let (_, answer) = get(served.address, &format!("/scenes/{}", scenes[2]));
    assert!(answer.contains("data-following=\"true\""));
    // What the page was made from, as the scene event will name it: the script fetches nothing
    // when the first event says the same.
    assert!(
        answer.contains(&format!("data-shown=\"{} 3\"", scenes[2])),
        "{answer}"
    );

    let free = serve(common::journey(), None, true, 10);
    free.hub.present(0, 0, false);
    let last = scenes.last().unwrap();
    assert_eq!(get(free.address, &format!("/scenes/{last}")).0, 200);
}

#[test]
fn the_remote_needs_the_secret_and_moves_the_presenter() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(1, 0, false);
    let address = served.address;
    assert_eq!(get(address, "/remote").0, 403);
    assert_eq!(get(address, "/remote?secret=nope").0, 403);
    // The secret in a form is not taken: only the cookie it was exchanged for.
    let (status, _) = post_with(
        address,
        "/remote",
        &format!("secret={SECRET}&do=next"),
        &format!("Origin: http://{address}\r\n"),
    );
    assert_eq!(status, 403);
    assert!(served.commands.try_recv().is_err(), "nothing moved");

    let answer = remote_page(address);
    assert!(answer.contains("<h1>The ferry</h1>"));
    assert!(answer.contains("No notes for this scene."));
    assert!(answer.contains("<h2>Next: Winter in Bergen</h2>"));

    let cookie = remote_cookie(address);
    let (status, answer) = command(address, &cookie, "do=next");
    assert_eq!(status, 303);
    assert!(answer.contains("Location: /remote\r\n"), "{answer}");
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(2)));
    command(address, &cookie, "do=previous");
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(0)));
    command(address, &cookie, "do=blank");
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::ToggleBlank));
    command(address, &cookie, "do=goto&scene=4");
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(3)));
    let (status, _) = command(address, &cookie, "do=goto&scene=99");
    assert_eq!(status, 400);
    assert!(served.commands.try_recv().is_err());
}

#[test]
fn the_remote_starts_pauses_and_resets_the_timer_as_the_console_does() {
    use izumi::app::Control;
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(1, 0, false);
    let address = served.address;
    assert!(remote_page(address).contains("Start / pause timer"));
    let cookie = remote_cookie(address);
    command(address, &cookie, "do=timer");
    assert_eq!(
        served.commands.try_recv(),
        Ok(RemoteCommand::Control(Control::StartTimer))
    );
    served.hub.present(1, 0, true);
    command(address, &cookie, "do=timer");
    assert_eq!(
        served.commands.try_recv(),
        Ok(RemoteCommand::Control(Control::PauseTimer))
    );
    command(address, &cookie, "do=reset-timer");
    assert_eq!(
        served.commands.try_recv(),
        Ok(RemoteCommand::Control(Control::ResetTimer))
    );
}

#[test]
fn the_secret_is_exchanged_once_for_a_cookie_and_never_repeated() {
    let served = serve(common::journey(), Some("classroom-7"), false, 10);
    served.hub.present(1, 0, false);
    let address = served.address;
    let (status, answer) = get(address, &format!("/remote?secret={SECRET}"));
    assert_eq!(status, 303, "{answer}");
    assert!(answer.contains("Location: /remote\r\n"), "{answer}");
    let set_cookie = answer
        .lines()
        .find_map(|line| line.strip_prefix("Set-Cookie: "))
        .unwrap();
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/remote",
        "Max-Age=43200",
    ] {
        assert!(set_cookie.contains(part), "{set_cookie}");
    }
    assert!(!set_cookie.contains(SECRET));
    let cookie = set_cookie.split(';').next().unwrap();
    // A credential of its own, random: not the secret, and new for each exchange.
    let value = cookie.split_once('=').unwrap().1;
    assert_eq!(value.len(), 32);
    assert_ne!(cookie, remote_cookie(address));

    let (status, page) = get_with(address, "/remote", &format!("Cookie: {cookie}\r\n"));
    assert_eq!(status, 200);
    assert!(
        !page.contains(SECRET),
        "the page repeats the secret: {page}"
    );
    assert!(!page.contains("secret="), "{page}");
    assert!(page.contains("data-events=\"/remote/events\""), "{page}");
    assert!(page.contains("action=\"/remote\""));
    // Its event stream, with the cookie alone.
    let mut events = Events::open_at(address, "/remote/events", &format!("Cookie: {cookie}\r\n"));
    assert!(events.next_scene().contains("\"scene\":1"));
    // Its fragment, refreshed by the script.
    let (status, fragment) = get_with(
        address,
        "/remote?part=main",
        &format!("Cookie: {cookie}\r\n"),
    );
    assert_eq!(status, 200);
    assert!(!fragment.contains(SECRET));
    // The secret no longer opens a follower's stream or pages.
    assert_eq!(get(address, &format!("/events?secret={SECRET}")).0, 403);
    assert_eq!(get(address, &format!("/?secret={SECRET}")).0, 403);
    // A command with the cookie moves the presenter; without it, or with a forged one, nothing.
    assert_eq!(command(address, cookie, "do=next").0, 303);
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(2)));
    let forged = format!("izumi-remote={}", "0".repeat(32));
    for cookie in [forged.as_str(), "izumi-remote=", "other=1"] {
        assert_eq!(command(address, cookie, "do=next").0, 403, "{cookie}");
        assert_eq!(
            get_with(address, "/remote", &format!("Cookie: {cookie}\r\n")).0,
            403
        );
        assert_eq!(
            get_with(address, "/remote/events", &format!("Cookie: {cookie}\r\n")).0,
            403
        );
    }
    assert!(served.commands.try_recv().is_err(), "nothing moved");
}

#[test]
fn an_expired_remote_cookie_is_refused() {
    // Long enough for the first command on a busy machine, short enough to wait out.
    let lifetime = Duration::from_secs(2);
    let served = serve_for(common::journey(), None, false, 10, lifetime);
    let address = served.address;
    // The lifetime runs from when the server made the cookie, which is after this.
    let given = Instant::now();
    let cookie = remote_cookie(address);
    assert_eq!(
        command(address, &cookie, "do=blank").0,
        303,
        "good at first"
    );
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::ToggleBlank));
    let refused = wait_for(Duration::from_secs(10), || {
        get_with(address, "/remote", &format!("Cookie: {cookie}\r\n")).0 == 403
    });
    assert!(refused, "the cookie outlived its lifetime");
    assert!(given.elapsed() >= lifetime);
    assert_eq!(command(address, &cookie, "do=blank").0, 403);
    assert!(served.commands.try_recv().is_err());
    // The secret gives a new one.
    let fresh = remote_cookie(address);
    assert_eq!(command(address, &fresh, "do=blank").0, 303);
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::ToggleBlank));
}

#[test]
fn a_command_from_another_site_is_refused_even_with_the_cookie() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(1, 0, false);
    let address = served.address;
    let cookie = remote_cookie(address);
    let cross_site = [
        "Origin: http://evil.example\r\n".to_owned(),
        "Origin: null\r\n".to_owned(),
        format!("Origin: http://{address}.evil.example\r\n"),
        format!("Origin: https://{address}\r\n"),
        "Sec-Fetch-Site: cross-site\r\n".to_owned(),
        "Sec-Fetch-Site: same-site\r\n".to_owned(),
        format!("Origin: http://{address}\r\nSec-Fetch-Site: cross-site\r\n"),
    ];
    for headers in &cross_site {
        let (status, _) = post_with(
            address,
            "/remote",
            "do=goto&scene=3",
            &format!("Cookie: {cookie}\r\n{headers}"),
        );
        assert_eq!(status, 403, "{headers}");
    }
    assert!(served.commands.try_recv().is_err(), "nothing moved");
    let log = log_of(&served);
    // Said in the log (a burst from one client is summarised, not written line by line).
    assert!(
        log.contains("web refused remote: command from another site"),
        "{log}"
    );
    assert!(
        !log.contains("evil"),
        "the log never holds what a client sent"
    );
    // From the remote's own page it works, and without either header (not a browser) too.
    assert_eq!(command(address, &cookie, "do=goto&scene=3").0, 303);
    let (status, _) = post_with(
        address,
        "/remote",
        "do=goto&scene=2",
        &format!("Cookie: {cookie}\r\n"),
    );
    assert_eq!(status, 303);
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(2)));
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(1)));
}

#[test]
fn a_request_for_another_host_name_is_refused() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    let port = address.port();
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_owned(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("127.0.0.2:{port}"),
    ] {
        for target in ["/", "/remote", "/style.css", "/events"] {
            let (status, answer) = exchange(
                address,
                format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
            assert_eq!(status, 421, "{host} {target}");
            assert!(!answer.contains("<h1>"), "{answer}");
        }
    }
    // No Host at all, as no browser sends.
    assert_eq!(
        exchange(address, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").0,
        421
    );
    // Its own address and, on loopback, localhost.
    let (status, _) = exchange(
        address,
        format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(status, 200);
    assert_eq!(get(address, "/").0, 200);
    // The remote is no exception: not even the secret opens it under another name.
    let (status, answer) = exchange(
        address,
        format!("GET /remote?secret={SECRET} HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(status, 421);
    assert!(!answer.contains("Set-Cookie"));
}

#[test]
fn remote_commands_are_rate_limited() {
    let served = serve(common::journey(), None, false, 10);
    let cookie = remote_cookie(served.address);
    let statuses: Vec<u16> = (0..30)
        .map(|_| command(served.address, &cookie, "do=next").0)
        .collect();
    let moved = served.commands.try_iter().count();
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(moved, statuses.iter().filter(|s| **s == 303).count());
    assert!((10..20).contains(&moved), "{moved} commands went through");
}

#[test]
fn a_follower_receives_every_move_and_a_newcomer_the_current_scene() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(0, 0, false);
    let mut events = Events::open(served.address, "");
    assert!(events.next_scene().contains("\"scene\":0"));
    served.hub.present(3, 1500, true);
    let data = events.next_scene();
    // The timer runs on while the event is written: it says 1500 ms or a little more.
    let (told, timer) = data.split_once(r#""timer_ms":"#).unwrap();
    assert_eq!(
        told,
        r#"{"id":"arrival","number":4,"total":4,"scene":3,"furthest":3,"#
    );
    let (timer_ms, rest) = timer.split_once(',').unwrap();
    let timer_ms: u64 = timer_ms.parse().unwrap();
    assert!((1500..11_500).contains(&timer_ms), "{data}");
    assert_eq!(rest, r#""running":true}"#);
    let mut newcomer = Events::open(served.address, "");
    assert!(newcomer.next_scene().contains("\"scene\":3"));
}

#[test]
fn the_classroom_is_full_at_its_limit_of_followers() {
    let served = serve(common::journey(), None, false, 2);
    let _first = Events::open(served.address, "");
    let _second = Events::open(served.address, "");
    let (status, answer) = get(served.address, "/events");
    assert_eq!(status, 503);
    assert!(body(&answer).contains("The classroom is full"));
    // Pages still load for everyone.
    assert_eq!(get(served.address, "/").0, 200);
}

#[test]
fn a_follower_that_never_reads_is_cut_and_holds_up_no_one() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(0, 0, false);
    // A stuck follower, from another address: asks for the stream and never reads a byte.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    socket
        .bind(&"127.0.0.2:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    socket.connect(&served.address.into()).unwrap();
    let mut stuck: TcpStream = socket.into();
    write!(
        stuck,
        "GET /events HTTP/1.1\r\nHost: {}\r\n\r\n",
        served.address
    )
    .unwrap();
    // A real follower, reading all along: every scene it hears goes on a channel.
    let mut reading = Events::open(served.address, "");
    let (heard_sender, heard) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        while let Some(data) = reading.try_next_scene() {
            if heard_sender.send(data).is_err() {
                break;
            }
        }
    });
    let hears = |wanted: &str, within: Duration| {
        let started = Instant::now();
        while let Some(left) = within.checked_sub(started.elapsed()) {
            match heard.recv_timeout(left) {
                Ok(data) if data.contains(wanted) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    };
    let started = Instant::now();
    for round in 0..20_000 {
        served.hub.present(round % 4, 0, false);
    }
    served.hub.present(2, 0, false);
    assert!(
        hears("\"scene\":2,", Duration::from_secs(2)),
        "the reader fell behind"
    );
    assert_eq!(get(served.address, "/").0, 200);
    // Moves keep coming until the stuck one's buffers are full and its write has waited the
    // write bound; then it is cut, and the reader has heard the moves all along.
    let mut round = 0;
    let cut = wait_for(izumi::web::http::WRITE_TIMEOUT * 3, || {
        for _ in 0..200 {
            round += 1;
            served.hub.present(round % 4, 0, false);
        }
        log_of(&served).contains("web page left: it stopped reading")
    });
    assert!(cut, "the stuck follower was never cut: {}", log_of(&served));
    let since = started.elapsed();
    assert!(since >= izumi::web::http::WRITE_TIMEOUT, "{since:?}");
    served.hub.present(1, 777, false);
    assert!(
        hears("\"timer_ms\":777", Duration::from_secs(5)),
        "the reader no longer hears moves"
    );
    assert_eq!(
        log_of(&served).matches("web page left").count(),
        1,
        "only the stuck one"
    );
    drop(stuck);
}

#[test]
fn the_handout_is_one_self_contained_page() {
    let story = common::journey();
    let html = izumi::export::handout::document(&story);
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<style>"));
    for fetching in ["<link", "<script", "src=", "http://", "https://", "@import"] {
        assert!(
            !html.contains(fetching),
            "the handout fetches nothing: {fetching}"
        );
    }
    for scene in &story.scenes {
        assert!(html.contains(&format!("id=\"scene-{}\"", scene.id)));
        assert!(
            html.contains(&format!("href=\"#scene-{}\"", scene.id)),
            "in the contents"
        );
    }
    for footnote in &story.footnotes {
        let number = footnote.number;
        assert!(html.contains(&format!("<li id=\"fn-{number}\">")));
        assert!(html.contains(&format!("href=\"#fn-{number}\"")), "cited");
    }
    // Each footnote links back to where it is first cited.
    assert!(html.contains("id=\"ref-setting-out-1-0\""));
    assert!(html.contains("href=\"#ref-setting-out-1-0\""));
    assert!(html.contains("@media print"));
    // Our editor's notes apart from the article's footnotes, and hedged names as what they are.
    assert!(
        html.contains(
            "<a href=\"#ed-1\" id=\"edref-arrival-1-0\" aria-label=\"[ed.1] (editor's note 1)\">[ed.1]</a>"
        ),
        "{html}"
    );
    assert!(html.contains("<li id=\"ed-1\"><span class=\"number\">[ed.1]</span>"));
    assert!(html.contains("<h2 id=\"editor-notes-title\">Editor's notes</h2>"));
    assert!(html.contains("identified as probably ‘Mme L.’ (the initials in the police register)"));
}

#[test]
fn the_remote_shows_notes_with_their_editor_notes_and_the_follower_page_lists_them() {
    let served = serve(common::journey(), None, true, 10);
    let arrival = common::journey().find_scene("arrival").unwrap().index();
    served.hub.present(arrival, 0, false);
    let remote = remote_page(served.address);
    assert!(
        remote.contains("<p>Ask which account to trust.[ed.2]</p>"),
        "{remote}"
    );
    let (_, page) = get(served.address, "/scenes/arrival");
    assert!(page.contains("<h2>Editor's notes</h2>"));
    assert!(page.contains("<li id=\"ed-1\">"));
}

#[test]
fn the_map_draws_the_land_once_for_the_story_and_the_browser_keeps_it() {
    let story = common::journey();
    let address = izumi::web::page::land_address(&story);
    let served = serve(story, None, false, 10);
    served.hub.present(0, 0, false);
    let (_, page) = get(served.address, "/");
    assert!(
        page.contains(&format!(
            "<image href=\"{}\"",
            address.replace('&', "&amp;")
        )),
        "{page}"
    );
    let (status, land) = get(served.address, &address);
    assert_eq!(status, 200);
    assert!(land.contains("Content-Type: image/svg+xml"));
    assert!(land.contains("Cache-Control: max-age=86400, immutable"));
    assert!(body(&land).starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // Oslo to Rome: there is land in the frame.
    assert!(body(&land).matches('M').count() > 100, "{land}");
    // Pages themselves are never kept.
    assert!(page.contains("Cache-Control: no-store"));
}

#[test]
fn a_running_timer_sends_a_follower_nothing_while_the_scene_stays() {
    let served = serve(common::journey(), None, false, 10);
    // The hub's timer runs from the first word; the presenter's clock must start with it.
    let start = Instant::now();
    served.hub.present(1, 0, true);
    let mut events = Events::open(served.address, "");
    assert!(events.next_scene().contains("\"running\":true"));
    // The presenter's loop says where it is ten times a second for two seconds, its timer
    // running: nothing a follower needs to hear.
    while start.elapsed() < Duration::from_secs(2) {
        let elapsed = u64::try_from(start.elapsed().as_millis()).unwrap();
        served.hub.present(1, elapsed, true);
        std::thread::sleep(Duration::from_millis(100));
    }
    served.hub.present(2, 2000, true);
    // The next event on the stream is the move, not a timer tick.
    let next = events.next_scene();
    assert!(next.contains("\"scene\":2"), "{next}");
}

#[test]
fn a_scene_inserted_before_the_presenter_s_reveals_nothing_not_yet_shown() {
    let story = common::journey();
    let served = serve(story.clone(), None, false, 10);
    served.hub.present(1, 0, false);
    assert_eq!(get(served.address, "/scenes/winter-in-bergen").0, 403);
    // The author inserts a scene before the one on the projector, and the presenter reloads:
    // its scene is now the third, which is what its loop announces.
    let mut edited = story.clone();
    let mut inserted = edited.scenes[1].clone();
    inserted.id = "inserted".into();
    inserted.title = "An inserted scene".into();
    edited.scenes.insert(1, inserted);
    edited.episodes[0].scenes = 0..4;
    edited.episodes[1].scenes = 4..5;
    served.hub.reload(Arc::new(edited));
    served.hub.present(2, 0, false);
    let (status, page) = get(served.address, "/");
    assert_eq!(status, 200);
    assert!(
        page.contains("The ferry"),
        "the presenter's scene, by its new place"
    );
    assert_eq!(get(served.address, "/scenes/inserted").0, 200);
    assert_eq!(get(served.address, "/scenes/winter-in-bergen").0, 403);
}

#[test]
fn a_follower_page_names_nothing_only_later_scenes_hold() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(0, 0, false);
    // Bergen and Rome, Bo, the term "ferry" and its definition, the second footnote and the
    // editor's note of the last scene all come after the first scene.
    let later = [
        "Bergen",
        "Rome",
        "Bo Stern",
        "ferry",
        "carries people across water",
        "C. Scribe",
        "six months apart",
    ];
    for page in ["/", "/scenes/setting-out", "/scenes/setting-out?part=main"] {
        let (status, answer) = get(served.address, page);
        assert_eq!(status, 200, "{page}");
        // The page does name what the first scene holds.
        assert!(answer.contains("Christiania"), "{page}");
        assert!(answer.contains("Ada Lind"), "{page}");
        for name in later {
            assert!(!body(&answer).contains(name), "{page} names {name:?}");
        }
    }
    // Shown the second scene, the class may read of Bergen, Bo and the ferry; not yet of Rome.
    served.hub.present(1, 0, false);
    let (status, answer) = get(served.address, "/scenes/the-ferry");
    assert_eq!(status, 200);
    for name in ["Bergen", "Bo Stern", "carries people across water"] {
        assert!(body(&answer).contains(name), "{name:?}");
    }
    assert!(!body(&answer).contains("Rome"));
    assert_eq!(get(served.address, "/scenes/arrival").0, 403);
}

#[test]
fn idle_sockets_from_one_address_reopened_as_cut_leave_the_class_and_the_remote_in() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let served = serve(common::journey(), None, false, 500);
    served.hub.present(0, 0, false);
    let address = served.address;
    // A script on one machine keeps 600 sockets open that never send a byte, opening another
    // as soon as one is closed.
    let stop = Arc::new(AtomicBool::new(false));
    let flood = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                held.retain(|socket: &socket2::Socket| {
                    // Open while a read would wait; closed once the server has hung up.
                    !matches!(socket.peek(&mut [std::mem::MaybeUninit::new(0)]), Ok(0))
                });
                while held.len() < 600 {
                    let socket =
                        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
                            .unwrap();
                    socket
                        .bind(&SocketAddr::from(([127, 0, 0, 2], 0)).into())
                        .unwrap();
                    socket.set_nonblocking(true).unwrap();
                    let _ = socket.connect(&address.into());
                    held.push(socket);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    assert!(
        wait_for(Duration::from_secs(10), || log_of(&served)
            .contains("too many connections setting up from this address")),
        "the flood was turned away at the door: {}",
        log_of(&served)
    );
    // Fifteen page loads and the teacher's remote, from the class's machine, all get through.
    for _ in 0..15 {
        assert_eq!(get(address, "/").0, 200);
    }
    assert!(remote_page(address).contains("Remote"));
    stop.store(true, Ordering::Relaxed);
    flood.join().unwrap();
}

#[test]
fn in_a_full_room_the_places_kept_for_the_presenter_let_in_only_its_remote() {
    use izumi::classroom::doors::Caps;
    let runtime = izumi::audiences::runtime().unwrap();
    // A room with two places, both held by silent sockets.
    let caps = Caps {
        total: 2,
        ..Caps::fitting(2, 32, 1 << 20)
    };
    let hub = common::lesson::hub_with(common::journey(), None, caps, |_| {});
    let web = Web::start(
        runtime.handle(),
        TcpListener::bind("127.0.0.1:0").unwrap(),
        Arc::clone(&hub),
        WebConfig {
            token: None,
            secret: SECRET.to_owned(),
            read_ahead: false,
            max_followers: 10,
            remote_lifetime: izumi::web::REMOTE_LIFETIME,
        },
    )
    .unwrap();
    let address = web.address();
    let connect_from = |from: [u8; 4]| {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.bind(&SocketAddr::from((from, 0)).into()).unwrap();
        socket.connect(&address.into()).unwrap();
        let stream: TcpStream = socket.into();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    };
    let _silent = [connect_from([127, 0, 0, 2]), connect_from([127, 0, 0, 3])];
    assert!(wait_for(Duration::from_secs(5), || hub
        .room()
        .through(izumi::classroom::doors::Door::Web)
        == 2));
    let ask = |from: [u8; 4], target: &str, headers: &str| {
        let mut stream = connect_from(from);
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    };
    // A student in a kept place is told the room is full; so is a remote without its secret.
    assert!(ask([127, 0, 0, 4], "/", "").starts_with("HTTP/1.1 503"));
    assert!(ask([127, 0, 0, 5], "/remote", "").starts_with("HTTP/1.1 503"));
    // The teacher's phone, with the secret, then with the cookie, gets in.
    let exchanged = ask([127, 0, 0, 6], &format!("/remote?secret={SECRET}"), "");
    assert!(exchanged.starts_with("HTTP/1.1 303"), "{exchanged}");
    let cookie = exchanged
        .lines()
        .find_map(|line| {
            line.strip_prefix("set-cookie: ")
                .or(line.strip_prefix("Set-Cookie: "))
        })
        .and_then(|value| value.split(';').next())
        .expect("a cookie")
        .to_owned();
    let page = ask([127, 0, 0, 7], "/remote", &format!("Cookie: {cookie}\r\n"));
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
}

// --- Asking the class ---------------------------------------------------------------------------

use izumi::asking::{Ask, Quick, Refusal};
use izumi::classroom::hub::Who;

/// A student's form from the follower's own page, with the browser's cookie if it has one.
fn student_post(address: SocketAddr, form: &str, cookie: Option<&str>) -> (u16, String) {
    let cookie = cookie.map_or_else(String::new, |cookie| format!("Cookie: {cookie}\r\n"));
    post_with(
        address,
        "/class",
        form,
        &format!("{cookie}Origin: http://{address}\r\nSec-Fetch-Site: same-origin\r\n"),
    )
}

/// The student's cookie an answer gives, as `name=value`, with its attributes checked.
fn student_cookie(answer: &str) -> String {
    let cookie = answer
        .lines()
        .find_map(|line| line.strip_prefix("Set-Cookie: izumi-student="))
        .unwrap_or_else(|| panic!("no student cookie in {answer}"));
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/;"), "{cookie}");
    format!("izumi-student={}", cookie.split(';').next().unwrap())
}

/// A browser's student cookie, as the server would give it, new each time.
fn a_student() -> String {
    static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("izumi-student={n:032x}")
}

/// The follower's page as the student holding `cookie` sees it.
fn student_page(address: SocketAddr, target: &str, cookie: &str) -> String {
    let (status, answer) = get_with(address, target, &format!("Cookie: {cookie}\r\n"));
    assert_eq!(status, 200, "{answer}");
    assert!(
        !answer.contains("Set-Cookie"),
        "a student with a cookie is given another: {answer}"
    );
    answer
}

/// The teacher's live counts of the question asked last.
fn counts(hub: &Hub) -> Vec<u32> {
    hub.desk()
        .tally
        .map(|(_, counts)| counts)
        .unwrap_or_default()
}

/// A student's answer, tried again while the hub says it came too soon after the last one.
fn answer_in_time(address: SocketAddr, form: &str, cookie: &str) -> (u16, String) {
    let mut last = (0, String::new());
    assert!(
        wait_for(Duration::from_secs(5), || {
            last = student_post(address, form, Some(cookie));
            last.0 != 429
        }),
        "still too fast: {}",
        last.1
    );
    last
}

#[test]
fn a_student_answers_by_form_changes_the_answer_and_is_counted_once() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    // Before a question, the page has no choices; the browser is given its student's cookie.
    let (status, first) = get(address, "/");
    assert_eq!(status, 200);
    assert!(!first.contains("class=\"choice\""));
    let cookie = student_cookie(&first);

    let opened = served.hub.take(Ask::Quick(Quick::Letters), &Who::Teacher);
    assert_eq!(opened.as_deref(), Ok("Question 1 is open"));
    let page = student_page(address, "/", &cookie);
    let poll = page
        .find("class=\"poll\"")
        .expect("the question on the page");
    assert!(
        poll < page.find("<main").unwrap(),
        "the question is above the scene"
    );
    assert!(page.contains("<legend id=\"poll-prompt\">Quick question: A, B, C or D?</legend>"));
    for (index, letter) in ["A", "B", "C", "D"].iter().enumerate() {
        assert!(
            page.contains(&format!(
                "name=\"choice\" value=\"{index}\" aria-pressed=\"false\""
            )),
            "{page}"
        );
        assert!(page.contains(&format!(">{letter}</span>")));
    }
    assert!(page.contains("<input type=\"hidden\" name=\"question\" value=\"1\">"));

    // Without script: a plain form, answered and sent back to the page.
    let (status, answer) = student_post(
        address,
        "do=answer&question=1&choice=1&from=",
        Some(&cookie),
    );
    assert_eq!(status, 303, "{answer}");
    assert!(answer.contains("Location: /\r\n"), "{answer}");
    assert_eq!(counts(&served.hub), [0, 1, 0, 0]);
    let page = student_page(address, "/", &cookie);
    assert!(page.contains(">Your answer: B</p>"), "{page}");
    assert!(page.contains("value=\"1\" aria-pressed=\"true\""));
    assert!(page.contains("You can change your answer until the question closes."));

    // Changed: still one answer.
    let (status, _) = answer_in_time(address, "do=answer&question=1&choice=2", &cookie);
    assert_eq!(status, 303);
    assert_eq!(counts(&served.hub), [0, 0, 1, 0]);
    assert!(student_page(address, "/", &cookie).contains(">Your answer: C</p>"));
    // The same again: counted once.
    let (status, _) = answer_in_time(address, "do=answer&question=1&choice=2", &cookie);
    assert_eq!(status, 303);
    assert_eq!(counts(&served.hub), [0, 0, 1, 0]);

    // Another browser, answering first without a page: it is given its own cookie.
    let (status, answer) = student_post(address, "do=answer&question=1&choice=0", None);
    assert_eq!(status, 303);
    let other = student_cookie(&answer);
    assert_ne!(other, cookie);
    assert_eq!(counts(&served.hub), [1, 0, 1, 0]);
    assert!(student_page(address, "/", &other).contains(">Your answer: A</p>"));
    // A cookie this server could not have made is no student's: the browser gets a new one.
    let (_, answer) = student_post(
        address,
        "do=answer&question=1&choice=0",
        Some("izumi-student=<script>"),
    );
    assert!(answer.contains("Set-Cookie: izumi-student="));
    assert_eq!(counts(&served.hub), [2, 0, 1, 0]);

    // Not a choice, or not the question open: refused, nothing counted.
    let (status, answer) = answer_in_time(address, "do=answer&question=1&choice=7", &other);
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains(Refusal::NotAChoice.message()));
    let (status, _) = answer_in_time(address, "do=answer&question=9&choice=1", &other);
    assert_eq!(status, 409);
    assert_eq!(counts(&served.hub), [2, 0, 1, 0]);
}

#[test]
fn with_the_script_an_answer_comes_back_as_the_pieces_with_its_status() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    served.hub.present(1, 0, false);
    served
        .hub
        .take(Ask::Quick(Quick::YesNo), &Who::Teacher)
        .unwrap();
    let (status, answer) = student_post(
        address,
        "do=answer&question=1&choice=1&part=class&from=the-ferry",
        None,
    );
    assert_eq!(status, 200, "{answer}");
    let pieces = body(&answer);
    assert!(pieces.starts_with("<div id=\"class\">"), "{pieces}");
    assert!(pieces.contains("<div id=\"board\">"));
    assert!(
        pieces.contains("role=\"status\">Your answer: B</p>"),
        "{pieces}"
    );
    // The scene page it came from is where a form without script goes back to.
    assert!(
        pieces.contains("name=\"from\" value=\"the-ferry\""),
        "{pieces}"
    );
    let cookie = student_cookie(&answer);
    let (status, answer) = get_with(
        address,
        "/class?from=the-ferry",
        &format!("Cookie: {cookie}\r\n"),
    );
    assert_eq!(status, 200);
    assert!(body(&answer).contains(">Your answer: B</p>"));

    served.hub.take(Ask::Close, &Who::Teacher).unwrap();
    let (status, answer) =
        answer_in_time(address, "do=answer&question=1&choice=0&part=class", &cookie);
    assert_eq!(status, 409);
    assert!(
        body(&answer).contains(Refusal::Closed.message()),
        "{answer}"
    );
    assert!(body(&answer).contains("Answers are closed."));
}

#[test]
fn a_closed_question_refuses_answers_with_a_message_then_shows_tally_and_answer() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    let remote = remote_cookie(address);
    let (status, _) = command(address, &remote, "do=quick-abcd");
    assert_eq!(status, 303);
    let (_, answer) = student_post(address, "do=answer&question=1&choice=3", None);
    let cookie = student_cookie(&answer);
    let (status, _) = student_post(address, "do=answer&question=1&choice=3", None);
    assert_eq!(status, 303);
    assert_eq!(counts(&served.hub), [0, 0, 0, 2]);
    // The class does not see the tally while it votes.
    assert!(!student_page(address, "/", &cookie).contains("class=\"tally\""));

    let (status, _) = command(address, &remote, "do=close");
    assert_eq!(status, 303);
    let (status, answer) = answer_in_time(address, "do=answer&question=1&choice=0", &cookie);
    assert_eq!(status, 409);
    assert!(
        body(&answer).contains(Refusal::Closed.message()),
        "the refusal is said on the page: {answer}"
    );
    assert!(
        body(&answer).contains("<main"),
        "the page itself, with the refusal"
    );
    assert_eq!(counts(&served.hub), [0, 0, 0, 2]);
    let page = student_page(address, "/", &cookie);
    assert!(page.contains("Answers are closed."));
    assert!(page.contains(" disabled>"));
    assert!(page.contains(">Your answer: D</p>"));

    // Revealed: the tally, with shares.
    let (status, _) = command(address, &remote, "do=reveal");
    assert_eq!(status, 303);
    let page = student_page(address, "/", &cookie);
    assert!(page.contains("D: D — 2 (100%)"), "{page}");
    assert!(page.contains("A: A — 0 (0%)"));
    // The remote's desk shows the same, live.
    let remote_page =
        body(&get_with(address, "/remote", &format!("Cookie: {remote}\r\n")).1).to_owned();
    assert!(
        remote_page.contains("2 answered · closed; the class sees the tally"),
        "{remote_page}"
    );
    assert!(remote_page.contains("D: D — 2 (100%)"));
}

#[test]
fn a_students_question_reaches_other_students_only_once_the_teacher_shows_it() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    let asker = a_student();
    let other = a_student();
    let page = student_page(address, "/", &asker);
    assert!(page.contains("<textarea id=\"ask-text\" name=\"text\" maxlength=\"280\""));

    let text = "Why <script>alert(1)</script> & \"Izumi\"?";
    let form = format!("do=post&text={}", izumi::html::query_value(text));
    let (status, answer) = student_post(address, &form, Some(&asker));
    assert_eq!(status, 303, "{answer}");
    assert!(answer.contains("Location: /?said=sent\r\n"), "{answer}");
    let page = student_page(address, "/?said=sent", &asker);
    assert!(page.contains("Sent to the teacher, who chooses what the class sees."));

    // Neither the asker's page nor another student's shows it yet; the teacher's desk does.
    for cookie in [&asker, &other] {
        let page = student_page(address, "/", cookie);
        assert!(!page.contains("alert(1)"), "{page}");
        let (_, pieces) = get_with(address, "/class", &format!("Cookie: {cookie}\r\n"));
        assert!(!pieces.contains("alert(1)"));
    }
    let remote = remote_cookie(address);
    let desk = get_with(
        address,
        "/remote?part=desk",
        &format!("Cookie: {remote}\r\n"),
    )
    .1;
    assert!(
        desk.contains("Why &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Izumi&quot;?"),
        "{desk}"
    );
    assert!(!desk.contains("<script>"));
    assert!(desk.contains("0 votes · waiting"));

    // Shown by the teacher from the remote: every student sees it, escaped.
    let (status, _) = command(address, &remote, "do=show&number=1");
    assert_eq!(status, 303);
    let page = student_page(address, "/", &other);
    assert!(
        page.contains("Why &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"));

    // One vote per student.
    let (status, answer) = student_post(address, "do=vote&number=1", Some(&other));
    assert_eq!(status, 303, "{answer}");
    assert!(answer.contains("Location: /?said=voted\r\n"));
    let (status, answer) = answer_in_time(address, "do=vote&number=1", &other);
    assert_eq!(status, 409);
    assert!(body(&answer).contains(Refusal::AlreadyVoted.message()));
    assert_eq!(served.hub.desk().posted[0].votes, 1);
    assert!(student_page(address, "/", &asker).contains("(1 vote)"));
    // No vote for what is not shown.
    let (status, _) = answer_in_time(address, "do=vote&number=2", &other);
    assert_eq!(status, 404);
}

#[test]
fn a_question_too_long_or_empty_is_refused_and_one_at_the_limit_taken() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    let cookie = a_student();
    let long = format!("do=post&text={}", "a".repeat(281));
    let (status, answer) = student_post(address, &long, Some(&cookie));
    assert_eq!(status, 400);
    assert!(body(&answer).contains("A question is at most 280 characters."));
    let (status, answer) = answer_in_time(address, "do=post&text=+++", &cookie);
    assert_eq!(status, 400);
    assert!(body(&answer).contains(Refusal::Empty.message()));
    assert!(served.hub.desk().posted.is_empty());
    // 280 letters of two bytes each, percent-encoded: taken.
    let full = format!(
        "do=post&text={}",
        izumi::html::query_value(&"é".repeat(280))
    );
    let (status, answer) = answer_in_time(address, &full, &cookie);
    assert_eq!(status, 303, "{answer}");
    assert_eq!(served.hub.desk().posted[0].text.chars().count(), 280);
}

#[test]
fn students_cannot_act_as_the_teacher_nor_post_from_another_site_nor_without_the_token() {
    let served = serve(common::journey(), Some("tok"), false, 10);
    let address = served.address;
    let cookie = a_student();
    served
        .hub
        .take(Ask::Quick(Quick::Letters), &Who::Teacher)
        .unwrap();

    // The teacher's commands need the remote's cookie.
    for form in ["do=reveal", "do=quick-abcd", "do=show&number=1", "do=close"] {
        let (status, _) = post_with(
            address,
            "/remote",
            form,
            &format!("Cookie: {cookie}\r\nOrigin: http://{address}\r\n"),
        );
        assert_eq!(status, 403, "{form}");
        // And a student's door does not know them.
        let (status, _) = student_post_to(
            address,
            "/class?token=tok",
            form,
            &cookie,
            &address.to_string(),
        );
        assert_eq!(status, 400, "{form}");
    }
    assert_eq!(get(address, "/remote?part=desk").0, 403);
    // Through the hub, a student asking for the teacher's action is refused.
    let student = Who::Student(izumi::asking::Student::new("web", "x"), address.ip());
    assert_eq!(
        served.hub.take(Ask::Reveal, &student),
        Err(Refusal::NotYours)
    );

    // Without the token, or from another site: refused, nothing counted.
    let (status, _) = student_post_to(
        address,
        "/class",
        "do=answer&question=1&choice=0",
        &cookie,
        &address.to_string(),
    );
    assert_eq!(status, 403);
    let (status, _) = student_post_to(
        address,
        "/class?token=tok",
        "do=answer&question=1&choice=0",
        &cookie,
        "evil.example",
    );
    assert_eq!(status, 403);
    assert_eq!(counts(&served.hub), [0, 0, 0, 0]);
    assert!(log_of(&served).contains("web refused student: from another site"));
    // A form posted without script from a page with no referrer says `Origin: null`: taken
    // only when the browser says it is same-origin.
    for (fetch_site, expected) in [("same-origin", 303), ("cross-site", 403), ("", 403)] {
        let header = if fetch_site.is_empty() {
            String::new()
        } else {
            format!("Sec-Fetch-Site: {fetch_site}\r\n")
        };
        let (status, _) = post_with(
            address,
            "/class?token=tok",
            "do=post&text=hello",
            &format!("Cookie: {cookie}\r\nOrigin: null\r\n{header}"),
        );
        assert_eq!(
            status, expected,
            "Origin: null, Sec-Fetch-Site: {fetch_site:?}"
        );
    }
    assert_eq!(served.hub.desk().posted.len(), 1);
    // As it should be: taken, and the page goes back with the token.
    let (status, answer) = student_post_to(
        address,
        "/class?token=tok",
        "do=answer&question=1&choice=0",
        &cookie,
        &address.to_string(),
    );
    assert_eq!(status, 303, "{answer}");
    assert!(answer.contains("Location: /?token=tok\r\n"), "{answer}");
    assert_eq!(counts(&served.hub), [1, 0, 0, 0]);
}

/// A student's form to `target`, as a page at `origin` sends it.
fn student_post_to(
    address: SocketAddr,
    target: &str,
    form: &str,
    cookie: &str,
    origin: &str,
) -> (u16, String) {
    post_with(
        address,
        target,
        form,
        &format!("Cookie: {cookie}\r\nOrigin: http://{origin}\r\n"),
    )
}

#[test]
fn the_remote_asks_reveals_moderates_and_spotlights_through_the_hub() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    let remote = remote_cookie(address);
    let page = remote_page(address);
    assert!(page.contains("<section id=\"desk\""));
    assert!(page.contains("value=\"ask\">Ask the scene's question</button>"));
    assert!(page.contains("value=\"quick-yes-no\">Quick question yes/no</button>"));
    assert!(page.contains("No question asked yet."));

    let (status, _) = command(address, &remote, "do=quick-yes-no");
    assert_eq!(status, 303);
    assert!(served.hub.class().poll.is_some_and(|poll| poll.open));
    let desk = body(
        &get_with(
            address,
            "/remote?part=desk",
            &format!("Cookie: {remote}\r\n"),
        )
        .1,
    )
    .to_owned();
    assert!(
        desk.contains("value=\"ask\">Close the question</button>"),
        "{desk}"
    );
    assert!(desk.contains("Show the tally"));
    // The scene's question toggle closes an open one.
    command(address, &remote, "do=ask");
    assert!(served.hub.class().poll.is_some_and(|poll| !poll.open));
    command(address, &remote, "do=take-down");
    assert!(served.hub.class().poll.is_none());

    let student = izumi::asking::Student::new("web", "s1");
    let who = Who::Student(student, address.ip());
    served.hub.take(Ask::Post("first".into()), &who).unwrap();
    let (status, answer) = command(address, &remote, "do=spotlight&number=1");
    assert_eq!(status, 404, "not shown yet: {answer}");
    command(address, &remote, "do=show&number=1");
    command(address, &remote, "do=spotlight&number=1");
    assert_eq!(served.hub.class().spotlight, Some(1));
    let other = a_student();
    assert!(
        student_page(address, "/", &other).contains("first <strong>(on the projector)</strong>")
    );
    command(address, &remote, "do=dismiss&number=1");
    assert!(served.hub.class().board.is_empty());
    assert!(served.hub.desk().posted.is_empty());
}

#[test]
fn a_follower_hears_the_class_change_and_the_remote_the_desk_a_few_times_a_second_at_most() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    let cookie = a_student();
    let mut follower = Events::open_at(address, "/events", &format!("Cookie: {cookie}\r\n"));
    let remote = remote_cookie(address);
    let mut desk = Events::open_at(address, "/remote/events", &format!("Cookie: {remote}\r\n"));
    // Each is told once at the start, then at each change, with the pieces to swap in.
    let first = next_event(&mut follower, "class");
    assert!(first.starts_with("<div id=\"class\">"), "{first}");
    assert!(!first.contains("class=\"poll\""));
    assert!(next_event(&mut desk, "desk").contains("No question asked yet."));
    served
        .hub
        .take(Ask::Quick(Quick::Letters), &Who::Teacher)
        .unwrap();
    let asked = next_event(&mut follower, "class");
    assert!(
        asked.contains("<legend id=\"poll-prompt\">Quick question: A, B, C or D?</legend>"),
        "{asked}"
    );
    assert!(next_event(&mut desk, "desk").contains("0 answered"));
    // A flood of answers: the follower hears nothing (the class sees no live tally), the desk
    // at most every quarter of a second.
    let started = Instant::now();
    for n in 0..40 {
        let student = izumi::asking::Student::new("web", &format!("s{n}"));
        let address = format!("127.0.0.{}", 2 + n % 2).parse().unwrap();
        let _ = served.hub.take(
            Ask::Answer {
                question: 1,
                choice: n % 4,
            },
            &Who::Student(student, address),
        );
    }
    let mut told = 0;
    let mut last = String::new();
    // Every answer is told in the end; then the desk falls quiet.
    while !last.contains("40 answered") {
        let Some(data) = try_next_event(&mut desk, "desk", Duration::from_secs(10)) else {
            panic!("the desk stopped at {last}");
        };
        told += 1;
        last = data;
    }
    while let Some(data) = try_next_event(&mut desk, "desk", Duration::from_millis(600)) {
        told += 1;
        last = data;
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert!(told >= 1, "the desk heard nothing of 40 answers");
    assert!(
        f64::from(told) <= elapsed * 4.0 + 1.0,
        "{told} desk events in {elapsed} s"
    );
    assert!(last.contains("40 answered"), "{last}");
    assert!(last.contains("A: A — 10 (25%)"));
    assert_eq!(served.hub.desk().voters(), 40);
    // This follower's own answer is in what its stream says; the event's HTML is one line.
    let (status, _) = student_post(address, "do=answer&question=1&choice=1", Some(&cookie));
    assert_eq!(status, 303);
    served.hub.take(Ask::Close, &Who::Teacher).unwrap();
    let closed = next_event(&mut follower, "class");
    assert!(closed.contains("Answers are closed."), "{closed}");
    assert!(closed.contains(">Your answer: B</p>"), "{closed}");
    assert!(!closed.contains('\n'));
}

/// The data of the next event called `name`, skipping others.
fn next_event(events: &mut Events, name: &str) -> String {
    try_next_event(events, name, Duration::from_secs(5))
        .unwrap_or_else(|| panic!("no {name} event"))
}

fn try_next_event(events: &mut Events, name: &str, wait: Duration) -> Option<String> {
    events
        .reader
        .get_ref()
        .set_read_timeout(Some(wait))
        .unwrap();
    let wanted = format!("event: {name}");
    let mut line = String::new();
    let mut named = false;
    loop {
        line.clear();
        if events.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.starts_with("event: ") {
            named = line == wanted;
        } else if let Some(data) = line.strip_prefix("data: ")
            && named
        {
            return Some(data.to_owned());
        }
    }
}

#[test]
fn a_student_reading_an_earlier_scene_answers_there_and_goes_back_to_it() {
    let served = serve(common::journey(), None, false, 10);
    let address = served.address;
    served.hub.present(2, 0, false);
    served
        .hub
        .take(Ask::Quick(Quick::YesNo), &Who::Teacher)
        .unwrap();
    let cookie = a_student();
    let page = student_page(address, "/scenes/setting-out", &cookie);
    assert!(
        page.contains("class=\"poll\""),
        "the question on every page"
    );
    assert!(page.contains("name=\"from\" value=\"setting-out\""));
    let (status, answer) = student_post(
        address,
        "do=answer&question=1&choice=0&from=setting-out",
        Some(&cookie),
    );
    assert_eq!(status, 303);
    assert!(
        answer.contains("Location: /scenes/setting-out\r\n"),
        "{answer}"
    );
    // A scene the student may not read yet, or none at all: back to the presenter's.
    let (status, answer) = answer_in_time(
        address,
        "do=answer&question=1&choice=1&from=arrival",
        &cookie,
    );
    assert_eq!(status, 303);
    assert!(answer.contains("Location: /\r\n"), "{answer}");
    assert!(student_page(address, "/scenes/setting-out", &cookie).contains(">Your answer: B</p>"));
}

/// The body of a page asked for by a browser (its `Accept` names HTML).
fn browser_get(address: SocketAddr, target: &str) -> (u16, String) {
    get_with(
        address,
        target,
        "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n",
    )
}

#[test]
fn a_scene_not_shown_yet_is_a_page_for_a_browser_and_a_line_for_a_program() {
    let mut story = common::journey();
    story.scenes[1].title = "<b>Bo's</b> \"ferry\"".into();
    let served = serve(story, Some("class-9"), false, 10);
    served.hub.present(1, 0, false);
    let total = common::journey().scenes.len();

    // A browser: a page of its own, still 403, saying where the class is and leading there.
    let (status, answer) = browser_get(served.address, "/scenes/arrival?token=class-9");
    assert_eq!(status, 403, "{answer}");
    assert!(
        answer.contains("Content-Type: text/html") || answer.contains("content-type: text/html"),
        "{answer}"
    );
    let page = body(&answer);
    assert!(answer.contains("Content-Security-Policy: default-src 'none'"));
    assert!(page.starts_with("<!doctype html>"), "{page}");
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/style.css\">"));
    assert!(page.contains("<h1>Not shown yet</h1>"), "{page}");
    assert!(page.contains("The presenter has not shown this scene yet."));
    assert!(
        page.contains(&format!(
            "Scene 2 of {total}: “&lt;b&gt;Bo&#39;s&lt;/b&gt; &quot;ferry&quot;”"
        )),
        "{page}"
    );
    assert!(page.contains("href=\"/?token=class-9\""), "{page}");
    // Nothing of the scene refused: neither its title nor its text.
    assert!(
        !page.contains("Arrival") && !page.contains("Rome"),
        "{page}"
    );
    assert!(!page.contains("<b>"), "story text unescaped: {page}");

    // A program: a line of text, as before.
    let (status, answer) = get(served.address, "/scenes/arrival?token=class-9");
    assert_eq!(status, 403);
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: text/plain"),
        "{answer}"
    );
    assert_eq!(
        body(&answer),
        "The presenter has not shown this scene yet.\n"
    );
}

#[test]
fn the_follower_page_says_scene_n_of_m_and_sets_the_notes_beside_the_text() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(1, 0, false);
    let total = common::journey().scenes.len();
    for (target, status) in [
        ("/", format!("Following the presenter: Scene 2 of {total}.")),
        (
            "/scenes/setting-out",
            format!("Reading Scene 1 of {total} on your own"),
        ),
    ] {
        let page = get(served.address, target).1;
        assert!(page.contains(&status), "{target}: {page}");
    }
    let page = get(served.address, "/").1;
    assert!(
        page.contains(&format!(
            "<p class=\"byline\">Scene 2 of {total} · Episode 1/"
        )),
        "{page}"
    );
    // The text and its footnotes together, the footnotes in a margin of their own, before the
    // people and the terms.
    let reading = page
        .find("<div class=\"reading\"><article class=\"scene\">")
        .expect("the reading block");
    let margin = page
        .find("<div class=\"margin\"><section class=\"notes\">")
        .expect("the margin");
    let people = page.find("<section class=\"people\">").unwrap();
    assert!(reading < margin && margin < people, "{page}");
    assert!(page[margin..people].contains("id=\"fn-2\""));
    // The title takes the focus when the scene changes under a follower.
    assert!(
        page.contains("<h1 tabindex=\"-1\">The ferry</h1>"),
        "{page}"
    );
    // The event says how many scenes there are, for the page's status.
    let mut events = Events::open(served.address, "");
    assert!(events.next_scene().contains(&format!("\"total\":{total}")));
}

#[test]
fn a_term_leads_to_its_entry_and_the_entry_back_to_the_text() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(1, 0, false);
    let page = get(served.address, "/").1;
    let link = "<span class=\"term\"><a href=\"#term-ferry\" id=\"tip-the-ferry-1-at\" aria-describedby=\"tip-the-ferry-1\">";
    assert!(page.contains(link), "{page}");
    assert!(
        page.contains(
            "<a href=\"#tip-the-ferry-1-at\" aria-label=\"back to “ferry” in the text\">↩</a></dd>"
        ),
        "{page}"
    );
}

#[test]
fn the_projector_view_is_the_same_scene_large_and_leads_back() {
    let served = serve(common::journey(), Some("class-9"), false, 10);
    served.hub.present(1, 0, false);
    let page = get(served.address, "/?token=class-9").1;
    assert!(page.contains("<body data-events"), "{page}");
    assert!(
        page.contains(
            "<a class=\"view\" href=\"/?token=class-9&amp;view=projector\">Projector view</a>"
        ),
        "{page}"
    );
    let projector = get(served.address, "/?token=class-9&view=projector").1;
    assert!(
        projector.contains("<body class=\"projector\" data-events"),
        "{projector}"
    );
    assert!(projector.contains("<h1 tabindex=\"-1\">The ferry</h1>"));
    assert!(
        projector
            .contains("<a class=\"view\" href=\"/?token=class-9\">Leave the projector view</a>"),
        "{projector}"
    );
    // Kept apart from the plain page: each asked again is what it was.
    assert!(
        get(served.address, "/?token=class-9")
            .1
            .contains("<body data-events")
    );
    let earlier = get(
        served.address,
        "/scenes/setting-out?view=projector&token=class-9",
    )
    .1;
    assert!(
        earlier.contains("href=\"/scenes/setting-out?token=class-9\">Leave the projector view"),
        "{earlier}"
    );
}

/// The piece of a page from the first `<tag` that contains `name` to its closing tag: one
/// person's disclosure (`details`) or one term's entry (`dd`, found by its `dt`).
fn entry_of<'a>(page: &'a str, tag: &str, name: &str) -> &'a str {
    let close = format!("</{tag}>");
    page.match_indices(&format!("<{tag}"))
        .map(|(start, _)| {
            let end = start + page[start..].find(&close).expect("closed") + close.len();
            &page[start..end]
        })
        .find(|piece| piece.contains(name))
        .unwrap_or_else(|| panic!("no <{tag}> with {name:?} in {page}"))
}

/// A term's entry in a page's Terms list: its `<dt>` and its `<dd>`.
fn term_entry<'a>(page: &'a str, term: &str) -> &'a str {
    let list = &page[page
        .find("<section class=\"terms\">")
        .expect("a Terms list")..];
    let start = list
        .find(&format!(">{term}</dt>"))
        .unwrap_or_else(|| panic!("no {term:?} in {list}"));
    let end = start + list[start..].find("</dd>").unwrap();
    &list[start..end]
}

fn assert_shows(what: &str, piece: &str, shown: &[&str], hidden: &[&str]) {
    for text in shown {
        assert!(piece.contains(text), "{what} lacks {text:?}: {piece}");
    }
    for text in hidden {
        assert!(
            !piece.contains(text),
            "{what} tells {text:?} too early: {piece}"
        );
    }
}

#[test]
fn at_each_scene_a_follower_sees_every_entry_as_far_as_the_class_has_been_shown() {
    let served = serve(common::journey(), None, false, 10);
    let page = |target: &str| {
        let (status, answer) = get(served.address, target);
        assert_eq!(status, 200, "{target}");
        body(&answer).to_owned()
    };
    // The land behind the map is its own image; the places are circles on it.
    let dots = |page: &str| page.matches("<circle").count();

    // Scene 1: Ada as her first scene has her, and that there is more; nothing of scene 2 on.
    served.hub.present(0, 0, false);
    let first = page("/");
    let ada = entry_of(&first, "details", "Ada Lind");
    assert_shows(
        "Ada at scene 1",
        ada,
        &[
            "Ada Lind</strong> · traveller</summary>",
            "code names: Heron",
            "1890–1956",
            "Ada travels from the north to the south.",
            "<p class=\"later\">More later in the story.</p>",
        ],
        &["over the water"],
    );
    assert_shows("scene 1", &first, &[], &common::TOLD_AT_ARRIVAL);
    assert_shows(
        "scene 1",
        &first,
        &[],
        &["Bo Stern", "ferry", "not from the article"],
    );
    assert_eq!(dots(&first), 1, "only Christiania is drawn");

    // Scene 2: her crossing, still more to come; the ferry's meaning from the article, its
    // general gloss marked apart, and that the story tells more of it later.
    served.hub.present(1, 0, false);
    let second = page("/");
    let ada = entry_of(&second, "details", "Ada Lind");
    assert_shows(
        "Ada at scene 2",
        ada,
        &[
            "· traveller</summary>",
            "<p>Someone takes her over the water in May.</p>",
            "More later in the story.",
        ],
        &[],
    );
    let bo = entry_of(&second, "details", "Bo Stern");
    assert_shows(
        "Bo, who has no parts",
        bo,
        &["ferryman", "Bo carries travellers across the river."],
        &["More later"],
    );
    let general = "<span class=\"general\"><span class=\"mark\">[not from the article]</span> Ferries are older than most bridges.</span>";
    let ferry = term_entry(&second, "ferry");
    assert_shows(
        "the ferry's entry at scene 2",
        ferry,
        &[
            "A boat that carries people across water.",
            general,
            "<span class=\"later\">More later in the story.</span>",
        ],
        &[],
    );
    // The explanation at the term in the text says the same, the gloss marked there too.
    let tip = &second[second
        .find("role=\"tooltip\"")
        .expect("a term's explanation")..];
    let tip = &tip[..tip.find("</p>").unwrap()];
    assert!(tip.contains(general), "{tip}");
    assert_shows("scene 2", &second, &[], &common::TOLD_AT_ARRIVAL);
    assert_eq!(dots(&second), 2, "Christiania and Bergen");

    // Scene 3 holds no one: still nothing of the last scene, on the map or the timeline.
    served.hub.present(2, 0, false);
    let third = page("/");
    assert!(!third.contains("<section class=\"people\">"));
    assert_shows("scene 3", &third, &["The North"], &common::TOLD_AT_ARRIVAL);
    assert_eq!(dots(&third), 2);

    // Scene 4: all of Ada, nothing said to come; Rome and the South named and drawn.
    served.hub.present(3, 0, false);
    let last = page("/");
    let ada = entry_of(&last, "details", "Ada Lind");
    assert_shows(
        "Ada at scene 4",
        ada,
        &[
            "· traveller, settled in Rome</summary>",
            "code names: Heron, Kite",
            "<p>Someone takes her over the water in May.</p><p>She reaches Rome and stays.</p>",
        ],
        &["More later", "· traveller</summary>"],
    );
    assert_shows("scene 4", &last, &["Rome", "The South"], &[]);
    assert_eq!(dots(&last), 3);
    // Going back to the ferry, a follower reads the term as far as the class has been shown.
    let back = page("/scenes/the-ferry");
    let ferry = term_entry(&back, "ferry");
    assert_shows(
        "the ferry's entry once the last scene is shown",
        ferry,
        &["A ferry also took her to Rome.", general],
        &["More later"],
    );
    let ada = entry_of(&back, "details", "Ada Lind");
    assert!(ada.contains("Kite") && !ada.contains("More later"), "{ada}");
}

#[test]
fn a_class_that_may_read_ahead_sees_every_entry_whole_from_the_start() {
    let served = serve(common::journey(), None, true, 10);
    served.hub.present(0, 0, false);
    let (status, answer) = get(served.address, "/");
    assert_eq!(status, 200);
    let ada = entry_of(body(&answer), "details", "Ada Lind");
    assert_shows(
        "Ada, read ahead",
        ada,
        &[
            "settled in Rome",
            "Heron, Kite",
            "She reaches Rome and stays.",
        ],
        &["More later"],
    );
    assert_eq!(body(&answer).matches("<circle").count(), 3, "every place");
    assert!(body(&answer).contains("The South"));
}

#[test]
fn the_class_handout_holds_the_scenes_shown_so_far_and_nothing_later() {
    let served = serve(common::journey(), Some("class-token"), false, 10);
    served.hub.present(1, 0, false);
    // It needs the token, as every follower's page does, and the follower's page leads to it.
    assert_eq!(get(served.address, "/handout").0, 403);
    let (status, page) = get(served.address, "/?token=class-token");
    assert_eq!(status, 200);
    assert!(
        body(&page).contains(
            "<p class=\"handout\"><a href=\"/handout?token=class-token\">Scenes shown so far, as one page</a></p>"
        ),
        "{page}"
    );
    let (status, answer) = get(served.address, "/handout?token=class-token");
    assert_eq!(status, 200);
    assert!(answer.contains("Content-Type: text/html"), "{answer}");
    let handout = body(&answer);
    assert_shows(
        "the handout at scene 2",
        handout,
        &[
            "The story up to “The ferry”, scene 2 of 4.",
            "id=\"scene-setting-out\"",
            "id=\"scene-the-ferry\"",
            "Bo takes her across",
            "Someone takes her over the water in May.",
            "<span class=\"general\"><span class=\"mark\">[not from the article]</span> Ferries are older than most bridges.</span>",
            "More later in the story.",
            "<li id=\"fn-2\">",
            // Served under the pages' policy: its own rules linked, none inline.
            "<link rel=\"stylesheet\" href=\"/style.css\">",
            "<link rel=\"stylesheet\" href=\"/handout.css\">",
        ],
        &[
            "Winter in Bergen",
            "winter-in-bergen",
            "arrival",
            "<style>",
            "<script",
            "Editor's notes",
            "six months apart",
            "class-token",
        ],
    );
    assert_shows(
        "the handout at scene 2",
        handout,
        &[],
        &common::TOLD_AT_ARRIVAL,
    );
    let (status, css) = get(served.address, "/handout.css");
    assert_eq!(status, 200);
    assert!(body(&css).contains("article.scene h3"));

    // Once the presenter goes on (and back), the handout holds the furthest scene shown.
    served.hub.present(3, 0, false);
    served.hub.present(0, 0, false);
    let (_, answer) = get(served.address, "/handout?token=class-token");
    let handout = body(&answer);
    assert_shows(
        "the handout once the last scene is shown",
        handout,
        &[
            "id=\"scene-arrival\"",
            "She reaches Rome and stays.",
            "A ferry also took her to Rome.",
            "Editor's notes",
        ],
        &["The story up to", "More later"],
    );
    // An editor's note marked only in a presenter's notes is never a follower's to read.
    assert!(
        !handout.contains("The register gives the month"),
        "{handout}"
    );
}
