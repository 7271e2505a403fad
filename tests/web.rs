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
    exchange(
        address,
        format!("GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

fn post(address: SocketAddr, target: &str, form: &str) -> (u16, String) {
    exchange(
        address,
        format!(
            "POST {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    )
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
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        write!(stream, "GET /events{query} HTTP/1.1\r\nHost: test\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        Events { reader }
    }

    /// The next scene event's data line.
    fn next_scene(&mut self) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                self.reader.read_line(&mut line).unwrap() > 0,
                "stream ended"
            );
            if let Some(data) = line.strip_prefix("data: ") {
                return data.trim().to_owned();
            }
        }
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
    assert!(!answer.to_ascii_lowercase().contains("set-cookie"));
    assert!(body(&answer).contains("<h1>The ferry</h1>"), "{answer}");
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
    let huge = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(9000));
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
        b"HEAD /style.css HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert_eq!(body(&answer), "");
}

#[test]
fn a_kept_alive_connection_answers_request_after_request() {
    let served = serve(common::journey(), None, false, 10);
    let mut stream = TcpStream::connect(served.address).unwrap();
    stream
        .write_all(
            b"GET /style.css HTTP/1.1\r\n\r\nGET /follow.js HTTP/1.1\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 2, "{answer}");
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
    for byte in
        b"GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    {
        if stream.write_all(&[*byte]).is_err() {
            break;
        }
        let mut chunk = [0u8; 512];
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => answer.extend_from_slice(&chunk[..read]),
            Err(_) => {}
        }
        if started.elapsed() > Duration::from_secs(9) {
            break;
        }
    }
    assert!(started.elapsed() < Duration::from_secs(8), "cut in time");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"));
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
        body(&get(served.address, &format!("/remote?secret={SECRET}")).1).to_owned(),
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
    for target in ["/", "/scenes/setting-out", "/events", "/?token=wrong<b>"] {
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

    let free = serve(common::journey(), None, true, 10);
    free.hub.present(0, 0, false);
    let last = scenes.last().unwrap();
    assert_eq!(get(free.address, &format!("/scenes/{last}")).0, 200);
}

#[test]
fn the_remote_needs_the_secret_and_moves_the_presenter() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(1, 0, false);
    assert_eq!(get(served.address, "/remote").0, 403);
    assert_eq!(get(served.address, "/remote?secret=nope").0, 403);
    assert_eq!(
        post(served.address, "/remote", "secret=nope&do=next").0,
        403
    );
    assert!(served.commands.try_recv().is_err(), "nothing moved");

    let (status, answer) = get(served.address, &format!("/remote?secret={SECRET}"));
    assert_eq!(status, 200);
    assert!(answer.contains("<h1>The ferry</h1>"));
    assert!(answer.contains("No notes for this scene."));
    assert!(answer.contains("<h2>Next: Winter in Bergen</h2>"));

    let (status, answer) = post(
        served.address,
        "/remote",
        &format!("secret={SECRET}&do=next"),
    );
    assert_eq!(status, 303);
    assert!(answer.contains(&format!("Location: /remote?secret={SECRET}")));
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(2)));
    post(
        served.address,
        "/remote",
        &format!("secret={SECRET}&do=previous"),
    );
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(0)));
    post(
        served.address,
        "/remote",
        &format!("secret={SECRET}&do=blank"),
    );
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::ToggleBlank));
    post(
        served.address,
        "/remote",
        &format!("secret={SECRET}&do=goto&scene=4"),
    );
    assert_eq!(served.commands.try_recv(), Ok(RemoteCommand::Goto(3)));
    let (status, _) = post(
        served.address,
        "/remote",
        &format!("secret={SECRET}&do=goto&scene=99"),
    );
    assert_eq!(status, 400);
    assert!(served.commands.try_recv().is_err());
}

#[test]
fn remote_commands_are_rate_limited() {
    let served = serve(common::journey(), None, false, 10);
    let statuses: Vec<u16> = (0..30)
        .map(|_| {
            post(
                served.address,
                "/remote",
                &format!("secret={SECRET}&do=next"),
            )
            .0
        })
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
    assert_eq!(
        data,
        r#"{"id":"arrival","number":4,"scene":3,"furthest":3,"timer_ms":1500,"running":true}"#
    );
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
fn a_follower_that_never_reads_holds_up_no_one() {
    let served = serve(common::journey(), None, false, 10);
    served.hub.present(0, 0, false);
    // A stuck follower: asks for the stream and never reads a byte.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    socket.connect(&served.address.into()).unwrap();
    let mut stuck: TcpStream = socket.into();
    stuck.write_all(b"GET /events HTTP/1.1\r\n\r\n").unwrap();
    let mut reading = Events::open(served.address, "");
    let started = Instant::now();
    for round in 0..20_000 {
        served.hub.present(round % 4, 0, false);
    }
    served.hub.present(2, 0, false);
    loop {
        let data = reading.next_scene();
        if data.contains("\"scene\":2") {
            break;
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(get(served.address, "/").0, 200);
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
    let (_, remote) = get(served.address, &format!("/remote?secret={SECRET}"));
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
    served.hub.present(1, 0, true);
    let mut events = Events::open(served.address, "");
    assert!(events.next_scene().contains("\"running\":true"));
    // The presenter's loop says where it is ten times a second for two seconds, its timer
    // running: nothing a follower needs to hear.
    let start = Instant::now();
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
