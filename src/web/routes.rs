//! What each address serves, who may have it, and the event stream that moves the pages.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::Site;
use super::class::{self, CLASS, Target};
use super::http::{self, Method, Request, Response};
use super::page::{self, Links, Style, escape, query_value};
use crate::app::Control;
use crate::asking::{Ask, Moderation, Quick, Student};
use crate::classroom::hub::{Lesson, Request as RemoteCommand, Who};
use crate::classroom::protocol::credential_matches;
use crate::story::text::one_line;
use crate::story::{Reach, Scene, SceneId, Story};

/// How often an idle event stream says it is still there, so a dead one is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// Lines of the next scene the remote shows.
const PREVIEW_WORDS: usize = 40;
/// The remote's page, and its event stream beneath it, where its cookie goes.
const REMOTE: &str = "/remote";
const REMOTE_EVENTS: &str = "/remote/events";
/// The handout of the scenes shown so far, for the class.
const HANDOUT: &str = "/handout";
/// The remote's cookie: given for the console secret, good for [`super::WebConfig::remote_lifetime`].
const REMOTE_COOKIE: &str = "izumi-remote";
/// What a browser without the secret or the cookie is told.
const NEEDS_SECRET: &str =
    "The remote needs the console secret: use the address `izumi notes` shows.";

pub(crate) enum Answer {
    Page(Response),
    /// The connection becomes an event stream.
    Events(Stream),
}

/// Whose event stream: a follower's hears of the class's question (as the student its cookie
/// names sees it), the remote's of the desk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    Follower(Option<Student>),
    Remote,
}

/// The most a page's pieces of the class or the desk are told of a change: a flood of answers
/// or votes moves them a few times a second, not at every one.
const CLASS_EVERY: Duration = Duration::from_millis(250);

/// Which page a request asks for, if the asker may have it.
pub(crate) fn route(request: &Request, peer: SocketAddr, site: &Site) -> Answer {
    let path = request.path.as_str();
    let page = |response| Answer::Page(response);
    if !site.hosts.serves(request.host.as_deref()) {
        site.hub
            .log()
            .write(Some(peer), "web refused: unknown host");
        return page(Response::plain(
            421,
            "This server answers only to its own addresses.",
        ));
    }
    match (request.method, path) {
        (Method::Get | Method::Head, "/style.css") => {
            return page(Response::asset("text/css; charset=utf-8", page::STYLE));
        }
        (Method::Get | Method::Head, "/map-land.svg") => {
            return page(Response {
                status: 200,
                content_type: "image/svg+xml",
                body: site.land(&site.lesson().story).as_bytes().to_vec(),
                immutable: true,
                ..Response::plain(200, "")
            });
        }
        (Method::Get | Method::Head, crate::export::handout::SERVED_STYLE) => {
            return page(Response::asset(
                "text/css; charset=utf-8",
                crate::export::handout::HANDOUT_STYLE,
            ));
        }
        (Method::Get | Method::Head, "/icon.svg") => {
            return page(Response::asset("image/svg+xml", page::ICON));
        }
        (Method::Get | Method::Head, "/follow.js") => {
            return page(Response::asset(
                "text/javascript; charset=utf-8",
                page::SCRIPT,
            ));
        }
        _ => {}
    }
    if path == REMOTE || path == REMOTE_EVENTS {
        return remote_door(request, peer, site);
    }
    if !follower_allowed(request, site) {
        site.hub
            .log()
            .write(Some(peer), "web refused follower: bad-token");
        return page(Response::plain(
            403,
            "This classroom needs its token: use the address the teacher gave.",
        ));
    }
    if path == CLASS {
        return page(match request.method {
            Method::Post => class_post(request, peer, site),
            _ => class_pieces(request, site),
        });
    }
    if request.method == Method::Post {
        return page(Response::plain(405, "Only the remote takes commands."));
    }
    let shown = site.lesson();
    if path == HANDOUT {
        return page(handout(site, &shown));
    }
    if path == "/events" {
        let student = class::student_key(request.cookie(class::STUDENT_COOKIE))
            .map(|key| Student::new("web", key));
        return events_or_head(request, Stream::Follower(student));
    }
    if path == "/" {
        let scene = SceneId(shown.scene.min(shown.story.scenes.len() - 1));
        let response = cached_follower(request, site, &shown, scene, true);
        return page(for_student(
            request,
            site,
            response,
            "",
            said_on_page(request),
        ));
    }
    if let Some(id) = path.strip_prefix("/scenes/") {
        let Some(scene) = shown.story.find_scene(id) else {
            return page(Response::plain(404, "No such scene in this story."));
        };
        if !reach(site, &shown).may_show_scene(scene) {
            return page(not_shown_yet(request, site, &shown));
        }
        let following = scene.index() == shown.scene;
        let response = cached_follower(request, site, &shown, scene, following);
        let from = if following { "" } else { id };
        return page(for_student(
            request,
            site,
            response,
            from,
            said_on_page(request),
        ));
    }
    page(Response::plain(404, "Nothing here."))
}

/// An event stream for GET; for HEAD, only the head it would have (a HEAD is never held open).
fn events_or_head(request: &Request, stream: Stream) -> Answer {
    match request.method {
        Method::Head => Answer::Page(Response {
            content_type: http::EVENT_STREAM,
            body: Vec::new(),
            ..Response::plain(200, "")
        }),
        _ => Answer::Events(stream),
    }
}

/// The remote's page, its event stream and its commands: for a browser holding the cookie it
/// was given for the console secret. The secret itself is taken once, from the address `izumi
/// notes` shows, and the browser sent on to `/remote` without it, so that it stays out of the
/// history, of every link and form, and of the event stream's address.
/// Whether a request is the presenter's own: the remote, with its cookie or (to exchange it) the
/// console secret. Only those may use the places kept for the presenter in a full room.
pub(crate) fn is_the_presenters(request: &Request, site: &Site) -> bool {
    request.path.starts_with(REMOTE)
        && (site.remote_session(request.cookie(REMOTE_COOKIE))
            || (request.method != Method::Post
                && credential_matches(request.query_param("secret"), &site.config.secret)))
}

fn remote_door(request: &Request, peer: SocketAddr, site: &Site) -> Answer {
    let page = |response| Answer::Page(response);
    if request.method != Method::Post
        && let Some(secret) = request.query_param("secret")
    {
        if !credential_matches(Some(secret), &site.config.secret) {
            site.hub
                .log()
                .write(Some(peer), "web refused remote: bad-secret");
            return page(Response::plain(403, NEEDS_SECRET));
        }
        let Ok(credential) = site.open_remote_session() else {
            return page(Response::plain(
                503,
                "No randomness for the remote's cookie.",
            ));
        };
        return page(Response {
            set_cookie: Some(format!(
                "{REMOTE_COOKIE}={credential}; Path={REMOTE}; Max-Age={}; HttpOnly; SameSite=Strict",
                site.config.remote_lifetime.as_secs()
            )),
            ..Response::see_other(REMOTE.to_owned())
        });
    }
    if !site.remote_session(request.cookie(REMOTE_COOKIE)) {
        site.hub
            .log()
            .write(Some(peer), "web refused remote: no or bad cookie");
        return page(Response::plain(403, NEEDS_SECRET));
    }
    match (request.method, request.path.as_str()) {
        (Method::Post, REMOTE) => {
            if !made_here(request) {
                site.hub
                    .log()
                    .write(Some(peer), "web refused remote: command from another site");
                return page(Response::plain(
                    403,
                    "Commands come from the remote's own page.",
                ));
            }
            page(command(request, site))
        }
        (Method::Post, _) => page(Response::plain(405, "The event stream takes no commands.")),
        (_, REMOTE_EVENTS) => events_or_head(request, Stream::Remote),
        _ => page(remote(request, site)),
    }
}

/// Whether the browser says a command was made on a page of this server: `Origin` names the
/// host it was sent to, and `Sec-Fetch-Site` is same-origin (or none: typed by the user). A
/// client that sends neither is no browser, so no other site can be acting through it; it
/// still needs the cookie. A form posted without script from a page whose referrer policy is
/// `no-referrer` (every page here) has `Origin: null`: then `Sec-Fetch-Site`, which no page can
/// set, must say same-origin.
fn made_here(request: &Request) -> bool {
    let origin_matches = match (&request.origin, &request.host) {
        (None, _) => true,
        (Some(origin), _) if origin == "null" => {
            request.fetch_site.as_deref() == Some("same-origin")
        }
        (Some(origin), Some(host)) => origin
            .strip_prefix("http://")
            .is_some_and(|origin| origin.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    };
    let fetch_site_matches = request
        .fetch_site
        .as_deref()
        .is_none_or(|site| site == "same-origin" || site == "none");
    origin_matches && fetch_site_matches
}

/// A follower needs the token when there is one.
fn follower_allowed(request: &Request, site: &Site) -> bool {
    match &site.config.token {
        None => true,
        Some(token) => credential_matches(request.param("token"), token),
    }
}

/// The query every link on a follower's page carries: the token, if there is one.
fn credentials(site: &Site) -> String {
    site.config
        .token
        .as_deref()
        .map(|token| format!("?token={}", query_value(token)))
        .unwrap_or_default()
}

/// The follower's page from the site's cache, made once for each scene, part and position of the
/// presentation: a class of 500 asks for the same few pages, and the presentation rarely moves.
fn cached_follower(
    request: &Request,
    site: &Site,
    shown: &Lesson,
    scene: SceneId,
    following: bool,
) -> Response {
    let key = super::PageKey {
        scene: scene.index(),
        following,
        furthest: shown.furthest,
        part: request.param("part") == Some("main"),
        projector: projector_view(request),
        handout: false,
    };
    if let Some(body) = site.cached_page(&shown.story, &key) {
        return Response::html(200, body);
    }
    let response = follower(request, site, shown, scene, following);
    if response.status == 200 {
        site.cache_page(&shown.story, key, &response.body);
    }
    response
}

/// The handout of the scenes shown so far: every scene up to the furthest the presenter has
/// shown (even when the class may read ahead: it is what was shown), and the people, terms,
/// footnotes and editor's notes they hold, told only as far as they tell them. Nothing of a
/// later scene is in it. Made once for each furthest scene, as the follower's pages are.
fn handout(site: &Site, shown: &Lesson) -> Response {
    let key = super::PageKey {
        scene: 0,
        following: false,
        furthest: shown.furthest,
        part: false,
        projector: false,
        handout: true,
    };
    if let Some(body) = site.cached_page(&shown.story, &key) {
        return Response::html(200, body);
    }
    let reach = Reach::up_to(&shown.story, SceneId(shown.furthest));
    let body = crate::export::handout::served(&reach);
    site.cache_page(&shown.story, key, body.as_bytes());
    Response::html(200, body)
}

/// Whether a follower's page is asked for in the projector view (`?view=projector`).
fn projector_view(request: &Request) -> bool {
    request.query_param("view") == Some("projector")
}

/// "Scene 46 of 86": where a scene is in the story, said the same everywhere.
fn scene_of(story: &Story, scene: SceneId) -> String {
    format!("Scene {} of {}", scene.index() + 1, story.scenes.len())
}

/// What the class has not been shown yet: for a browser, a page of its own that says so and
/// leads to where the presenter is (the scene's title and text withheld); for a program, a line
/// of text. Either way the status stays 403.
fn not_shown_yet(request: &Request, site: &Site, shown: &Lesson) -> Response {
    const REFUSAL: &str = "The presenter has not shown this scene yet.";
    if !request.wants_html() {
        return Response::plain(403, REFUSAL);
    }
    let story = &shown.story;
    let at = SceneId(shown.scene.min(story.scenes.len() - 1));
    let credentials = credentials(site);
    let mut out = String::new();
    page::open_page(
        &mut out,
        &format!("Not shown yet — {}", story.title),
        Style::Linked(None),
        false,
    );
    let _ = writeln!(
        out,
        "<body class=\"refused\">\n<header class=\"bar\"><p class=\"story\">{}</p></header>\n<main id=\"text\">\n<h1>Not shown yet</h1>\n<p>{REFUSAL} The class has not reached it: it opens here once the presenter gets there.</p>\n<p>The presenter is at {}: “{}”.</p>\n<p><a class=\"button\" href=\"/{}\">Go to where the presenter is</a></p>\n</main>\n</body>\n</html>",
        escape(&story.title),
        scene_of(story, at),
        escape(&story.scene(at).title),
        escape(&credentials),
    );
    Response::html(403, out)
}

/// What a follower may see: all of the story when the class may read ahead, else what the
/// scenes up to the furthest one shown hold. The reader's app asks the same [`Reach`].
fn reach<'a>(site: &Site, shown: &'a Lesson) -> Reach<'a> {
    let furthest = (!site.config.read_ahead).then_some(SceneId(shown.furthest));
    Reach::limited_to(&shown.story, furthest)
}

/// Links on the follower's page: scenes as pages of their own (those the follower may read), the
/// rest within the page.
struct PageLinks<'a> {
    credentials: &'a str,
    reach: Reach<'a>,
}

impl Links for PageLinks<'_> {
    fn scene(&self, story: &Story, scene: SceneId) -> Option<String> {
        if !self.reach.may_show_scene(scene) {
            return None;
        }
        Some(format!(
            "/scenes/{}{}",
            story.scene(scene).id,
            self.credentials
        ))
    }

    fn footnote_id(&self, _: &Scene, number: u32) -> String {
        format!("fn-{number}")
    }

    fn reference_id(&self, _: &Scene, number: u32, nth: usize) -> String {
        format!("ref-{number}-{nth}")
    }

    fn term_id(&self, _: &Scene, term: &str) -> String {
        format!("term-{term}")
    }

    fn editor_reference_id(&self, _: &Scene, number: u32, nth: usize) -> String {
        format!("edref-{number}-{nth}")
    }
}

/// What a page's `<main>` was made from, as the scene event says it (its scene's id and the
/// furthest scene shown): the script asks for no new `<main>` when the first event names the same.
fn shown_as(scene: &Scene, lesson: &Lesson) -> String {
    format!("{} {}", escape(&scene.id), lesson.furthest)
}

/// The follower's page at a scene: whole, or only its `<main>` for the script to swap in.
fn follower(
    request: &Request,
    site: &Site,
    shown: &Lesson,
    scene: SceneId,
    following: bool,
) -> Response {
    let story = &shown.story;
    let credentials = credentials(site);
    let links = PageLinks {
        credentials: &credentials,
        reach: reach(site, shown),
    };
    let mut main = String::new();
    scene_nav(&mut main, story, scene, &links, following, &credentials);
    scene_body(&mut main, story, scene, &links);
    if request.param("part") == Some("main") {
        return Response::html(200, main);
    }
    let current = story.scene(scene);
    let projector = projector_view(request);
    let mut out = String::new();
    page::open_page(
        &mut out,
        &format!("{} — {}", current.title, story.title),
        Style::Linked(None),
        true,
    );
    let fragment = format!(
        "/scenes/SCENE?part=main{}",
        credentials.replacen('?', "&", 1)
    );
    let from = if following { "" } else { current.id.as_str() };
    let action = format!("{CLASS}{credentials}");
    let _ = writeln!(
        out,
        "<body{} data-events=\"/events{}\" data-following=\"{following}\" data-fragment=\"{}\" data-class=\"{}\" data-shown=\"{}\">",
        if projector {
            " class=\"projector\""
        } else {
            ""
        },
        escape(&credentials),
        escape(&fragment),
        escape(&action),
        shown_as(current, shown)
    );
    out.push_str("<a class=\"skip\" href=\"#text\">Skip to the text</a>\n");
    // The projector view and back: the same page with or without `view=projector`.
    let here = if following {
        "/".to_owned()
    } else {
        format!("/scenes/{}", current.id)
    };
    let view = if projector {
        format!("{here}{credentials}")
    } else {
        let join = if credentials.is_empty() { '?' } else { '&' };
        format!("{here}{credentials}{join}view=projector")
    };
    let _ = writeln!(
        out,
        "<header class=\"bar\"><p class=\"story\">{}</p><p id=\"status\" role=\"status\">{}</p><a class=\"view\" href=\"{}\">{}</a></header>",
        escape(&story.title),
        if following {
            format!("Following the presenter: {}.", scene_of(story, scene))
        } else {
            format!(
                "Reading {} on your own; Follow goes back to the presenter.",
                scene_of(story, scene)
            )
        },
        escape(&view),
        if projector {
            "Leave the projector view"
        } else {
            "Projector view"
        }
    );

    let _ = writeln!(
        out,
        "<div id=\"class\" class=\"class\">{}</div>",
        class::CLASS_MARK
    );
    let _ = writeln!(out, "<main id=\"text\">\n{main}</main>");
    let _ = write!(
        out,
        "<section class=\"questions\" aria-labelledby=\"questions-heading\"><h2 id=\"questions-heading\">Questions for the teacher</h2><div id=\"board\">{}</div>",
        class::BOARD_MARK
    );
    class::ask_form(
        &mut out,
        &Target {
            action: &action,
            from,
        },
    );
    out.push_str("</section>\n</body>\n</html>\n");
    Response::html(200, out)
}

/// What a follower's page says to one student after a form: in the question's live region, or
/// in the students' questions'.
#[derive(Default)]
struct Said {
    class: String,
    board: String,
}

/// What a page says after a form the browser sent without its script: a fixed sentence named
/// by the address.
fn said_on_page(request: &Request) -> Said {
    Said {
        class: String::new(),
        board: class::said(request.query_param("said"))
            .unwrap_or_default()
            .to_owned(),
    }
}

/// A student's browser's key: the one its cookie holds, or a new one to give it (and whether it
/// is new). `None` only when the system has no randomness.
fn student_of(request: &Request) -> Option<(String, bool)> {
    match class::student_key(request.cookie(class::STUDENT_COOKIE)) {
        Some(key) => Some((key.to_owned(), false)),
        None => crate::classroom::secret::random()
            .ok()
            .map(|key| (key, true)),
    }
}

/// The scene page a student's form came from, if it names one the student may read: where the
/// answer goes back to. Empty for the presenter's page.
fn from_scene(request: &Request, site: &Site, shown: &Lesson) -> Option<SceneId> {
    let scene = shown.story.find_scene(request.param("from")?)?;
    reach(site, shown).may_show_scene(scene).then_some(scene)
}

/// The question block and the students' questions as this student sees them.
fn pieces(
    site: &Site,
    student: Option<&Student>,
    said: &Said,
    target: &Target,
) -> (String, String) {
    let class = site.hub.class();
    let mut poll = String::new();
    class::poll(
        &mut poll,
        &class,
        student.and_then(|student| site.hub.answer_of(student)),
        &said.class,
        target,
    );
    let mut board = String::new();
    class::board(&mut board, &class, &said.board, target);
    (poll, board)
}

/// A follower's page (made once for all) with this student's question block and the students'
/// questions put in their places, and the student's cookie given if the browser has none.
fn for_student(
    request: &Request,
    site: &Site,
    response: Response,
    from: &str,
    said: Said,
) -> Response {
    if request.param("part") == Some("main") || response.status != 200 {
        return response;
    }
    // A browser without a cookie has answered nothing yet: it is given one now, so that its
    // event stream, opened next, knows whose answer to show.
    let (key, new) = match class::student_key(request.cookie(class::STUDENT_COOKIE)) {
        Some(key) => (Some(key.to_owned()), false),
        None => (crate::classroom::secret::random().ok(), true),
    };
    let student = key.as_deref().map(|key| Student::new("web", key));
    let text = String::from_utf8_lossy(&response.body);
    let action = format!("{CLASS}{}", credentials(site));
    let (poll, board) = pieces(
        site,
        student.as_ref(),
        &said,
        &Target {
            action: &action,
            from,
        },
    );
    let body = text
        .replacen(class::CLASS_MARK, &poll, 1)
        .replacen(class::BOARD_MARK, &board, 1);
    Response {
        body: body.into_bytes(),
        set_cookie: key
            .filter(|_| new)
            .map(|key| class::student_cookie(&key, site.config.remote_lifetime)),
        ..response
    }
}

/// The pieces alone, for the page's script to swap in: `<div id="class">` and `<div id="board">`.
fn class_pieces(request: &Request, site: &Site) -> Response {
    let student = class::student_key(request.cookie(class::STUDENT_COOKIE))
        .map(|key| Student::new("web", key));
    pieces_response(request, site, student.as_ref(), 200, &Said::default())
}

fn pieces_response(
    request: &Request,
    site: &Site,
    student: Option<&Student>,
    status: u16,
    said: &Said,
) -> Response {
    let shown = site.lesson();
    let from = from_scene(request, site, &shown)
        .map(|scene| shown.story.scene(scene).id.clone())
        .unwrap_or_default();
    let action = format!("{CLASS}{}", credentials(site));
    let (poll, board) = pieces(
        site,
        student,
        said,
        &Target {
            action: &action,
            from: &from,
        },
    );
    Response::html(
        status,
        format!("<div id=\"class\">{poll}</div><div id=\"board\">{board}</div>"),
    )
}

/// A student's answer, question or vote, from the follower's page: only from this server's own
/// pages, with the token when the class has one, as the student the browser's cookie says. With
/// the script (`part=class`) the answer is the pieces again, with the status of the outcome;
/// without it, the browser goes back to its page (303), or is shown it with the refusal.
fn class_post(request: &Request, peer: SocketAddr, site: &Site) -> Response {
    if !made_here(request) {
        site.hub
            .log()
            .write(Some(peer), "web refused student: from another site");
        return Response::plain(403, "Answers are taken only from the classroom's own page.");
    }
    let Some((key, new)) = student_of(request) else {
        return Response::plain(503, "No randomness for the student's cookie.");
    };
    let student = Student::new("web", &key);
    let number = |name| {
        request
            .param(name)
            .and_then(|value| value.trim().parse::<u32>().ok())
    };
    // What was asked, where its outcome is said (by the question, or by the students'
    // questions), and the word the page's address carries after it.
    let (ask, on_board, said_word) = match request.param("do") {
        Some("answer") => (
            number("question")
                .zip(number("choice"))
                .map(|(question, choice)| Ask::Answer {
                    question,
                    choice: choice as usize,
                }),
            false,
            "",
        ),
        Some("post") => (
            Some(Ask::Post(
                request.param("text").unwrap_or_default().to_owned(),
            )),
            true,
            "sent",
        ),
        Some("vote") => (number("number").map(Ask::Vote), true, "voted"),
        _ => return Response::plain(400, "Unknown request."),
    };
    let refused =
        |refusal: crate::asking::Refusal| (class::refusal_status(refusal), refusal.message());
    let outcome = match ask {
        None if on_board => Err(refused(crate::asking::Refusal::UnknownQuestion)),
        None => Err(refused(crate::asking::Refusal::NotAChoice)),
        Some(Ask::Post(text)) if text.chars().count() > crate::asking::LONGEST_QUESTION => {
            Err((400, class::TOO_LONG))
        }
        Some(ask) => site
            .hub
            .take(ask, &Who::Student(student.clone(), peer.ip()))
            .map_err(refused),
    };
    let mut said = Said::default();
    let (status, line) = match outcome {
        Ok(line) => (
            200,
            if on_board {
                class::said(Some(said_word)).unwrap_or_default().to_owned()
            } else {
                line
            },
        ),
        Err((status, message)) => (status, message.to_owned()),
    };
    if on_board {
        said.board = line;
    } else {
        said.class = line;
    }
    let cookie = new.then(|| class::student_cookie(&key, site.config.remote_lifetime));
    let response = if request.param("part") == Some("class") {
        pieces_response(request, site, Some(&student), status, &said)
    } else if status == 200 {
        let shown = site.lesson();
        let back = from_scene(request, site, &shown).map_or_else(
            || "/".to_owned(),
            |scene| format!("/scenes/{}", shown.story.scene(scene).id),
        );
        let mut query = credentials(site);
        if !said_word.is_empty() {
            query.push(if query.is_empty() { '?' } else { '&' });
            let _ = write!(query, "said={said_word}");
        }
        Response::see_other(format!("{back}{query}"))
    } else {
        // The page again, with the refusal where the student looks.
        let shown = site.lesson();
        let (scene, following) = match from_scene(request, site, &shown) {
            Some(scene) => (scene, scene.index() == shown.scene),
            None => (SceneId(shown.scene.min(shown.story.scenes.len() - 1)), true),
        };
        let page = cached_follower(request, site, &shown, scene, following);
        let from = if following {
            ""
        } else {
            shown.story.scene(scene).id.as_str()
        };
        let with_cookie = Request {
            cookies: vec![(class::STUDENT_COOKIE.to_owned(), key.clone())],
            query: Vec::new(),
            form: Vec::new(),
            ..request.clone()
        };
        Response {
            status,
            ..for_student(&with_cookie, site, page, from, said)
        }
    };
    Response {
        set_cookie: cookie,
        ..response
    }
}

/// Previous, follow, next: back through what was shown, never past it unless allowed.
fn scene_nav(
    out: &mut String,
    story: &Story,
    scene: SceneId,
    links: &PageLinks,
    following: bool,
    credentials: &str,
) {
    out.push_str("<nav aria-label=\"Scenes\"><ul>");
    let previous = scene
        .index()
        .checked_sub(1)
        .and_then(|index| links.scene(story, SceneId(index)));
    if let Some(href) = previous {
        let _ = write!(
            out,
            "<li><a href=\"{}\" rel=\"prev\">← Previous</a></li>",
            escape(&href)
        );
    }
    let _ = write!(
        out,
        "<li><a href=\"/{}\"{}>Follow</a></li>",
        escape(credentials),
        if following {
            " aria-current=\"true\""
        } else {
            ""
        }
    );
    let next = (scene.index() + 1 < story.scenes.len())
        .then(|| links.scene(story, SceneId(scene.index() + 1)))
        .flatten();
    if let Some(href) = next {
        let _ = write!(
            out,
            "<li><a href=\"{}\" rel=\"next\">Next →</a></li>",
            escape(&href)
        );
    }
    out.push_str("</ul></nav>\n");
}

/// A scene: where and when, its title and text, then the people, footnotes, terms, map and
/// timeline.
fn scene_body(out: &mut String, story: &Story, scene: SceneId, links: &PageLinks) {
    let current = story.scene(scene);
    // The text with its notes beside it: in the margin on a wide screen, after it on a narrow one.
    let _ = writeln!(
        out,
        "<div class=\"reading\"><article class=\"scene\"><p class=\"byline\">{} · {}</p><h1 tabindex=\"-1\">{}</h1>",
        scene_of(story, scene),
        escape(&page::scene_byline(story, current)),
        escape(&current.title)
    );
    let reach = &links.reach;
    page::scene_text(out, reach, current, links);
    out.push_str("</article>\n");
    let mut notes = String::new();
    page::footnotes(&mut notes, story, current, reach, links);
    if !notes.is_empty() {
        let _ = write!(out, "<div class=\"margin\">{notes}</div>");
    }
    out.push_str("</div>\n");
    page::people(out, story, current, reach, "People");
    page::terms(out, story, current, reach, links);
    page::map(out, story, scene, reach);
    page::timeline(out, story, scene, reach);
    // After everything else, so that a phone's first screen stays the scene's.
    let _ = writeln!(
        out,
        "<p class=\"handout\"><a href=\"{HANDOUT}{}\">Scenes shown so far, as one page</a></p>",
        escape(links.credentials)
    );
}

/// The remote: what is on the projector, the notes, what comes next, and the controls.
fn remote(request: &Request, site: &Site) -> Response {
    let shown = site.lesson();
    let story = &shown.story;
    let scene = SceneId(shown.scene.min(story.scenes.len() - 1));
    let current = story.scene(scene);
    let mut main = String::new();
    let _ = writeln!(
        main,
        "<p class=\"byline\">{} · {}</p><h1>{}</h1>",
        scene_of(story, scene),
        escape(&page::scene_byline(story, current)),
        escape(&current.title)
    );
    main.push_str("<section><h2>Notes</h2>");
    match &current.notes {
        Some(notes) => {
            for paragraph in story.plain_paragraphs(notes) {
                let _ = write!(main, "<p>{}</p>", escape(&paragraph));
            }
        }
        None => main.push_str("<p>No notes for this scene.</p>"),
    }
    main.push_str("</section>\n");
    match story.scenes.get(scene.index() + 1) {
        Some(next) => {
            let text = one_line(&story.plain_paragraphs(&next.paragraphs).join(" "));
            let words: Vec<&str> = text.split(' ').collect();
            let mut preview = words[..words.len().min(PREVIEW_WORDS)].join(" ");
            if words.len() > PREVIEW_WORDS {
                preview.push_str(" …");
            }
            let _ = writeln!(
                main,
                "<section><h2>Next: {}</h2><p>{}</p></section>",
                escape(&next.title),
                escape(&preview)
            );
        }
        None => main.push_str("<section><h2>Next</h2><p>This is the last scene.</p></section>\n"),
    }
    if request.param("part") == Some("main") {
        return Response::html(200, main);
    }
    let mut desk = String::new();
    class::desk(&mut desk, &site.hub.class(), &site.hub.desk(), REMOTE);
    if request.param("part") == Some("desk") {
        return Response::html(200, desk);
    }
    let mut out = String::new();
    page::open_page(
        &mut out,
        &format!("Remote — {}", story.title),
        Style::Linked(None),
        true,
    );
    let _ = writeln!(
        out,
        "<body class=\"remote\" data-events=\"{REMOTE_EVENTS}\" data-following=\"true\" data-fragment=\"{REMOTE}?part=main\" data-desk=\"{REMOTE}?part=desk\" data-shown=\"{}\">",
        shown_as(current, &shown)
    );
    let _ = writeln!(
        out,
        "<header class=\"bar\"><p class=\"story\">Remote · {}</p><p id=\"status\" role=\"status\">Connected.</p></header>",
        escape(&story.title)
    );
    let timer = shown.timer.now().as_secs();
    let _ = writeln!(
        out,
        "<p class=\"timer\"><span class=\"what\">Time presenting</span> <span id=\"timer\">{}:{:02}</span></p>",
        timer / 60,
        timer % 60
    );
    let _ = writeln!(
        out,
        "<div class=\"controls\"><form class=\"moves\" method=\"post\" action=\"{REMOTE}\" data-remote><button class=\"big\" name=\"do\" value=\"previous\">← Previous</button> <button class=\"big\" name=\"do\" value=\"next\">Next →</button> <button class=\"blank\" name=\"do\" value=\"blank\">Blank screen</button> <button class=\"timer\" name=\"do\" value=\"timer\">Start / pause timer</button> <button class=\"timer\" name=\"do\" value=\"reset-timer\">Reset timer</button></form>"
    );
    let _ = writeln!(
        out,
        "<form class=\"goto\" method=\"post\" action=\"{REMOTE}\" data-remote><label for=\"goto\">Scene number</label> <input id=\"goto\" name=\"scene\" type=\"number\" min=\"1\" max=\"{}\" inputmode=\"numeric\" required> <button name=\"do\" value=\"goto\">Go</button></form></div>",
        story.scenes.len()
    );
    let _ = writeln!(
        out,
        "<section id=\"desk\" class=\"desk\" aria-label=\"Asking the class\">{desk}</section>"
    );
    let _ = writeln!(out, "<main id=\"text\">\n{main}</main>\n</body>\n</html>");
    Response::html(200, out)
}

/// A command from the remote, within its rate; the page comes back with the result.
fn command(request: &Request, site: &Site) -> Response {
    if !site.remote_allowed() {
        return Response::plain(429, "Too many commands; wait a moment.");
    }
    let shown = site.lesson();
    let last = shown.story.scenes.len() - 1;
    let command = match request.param("do") {
        Some("next") => RemoteCommand::Goto((shown.scene + 1).min(last)),
        Some("previous") => RemoteCommand::Goto(shown.scene.saturating_sub(1)),
        Some("blank") => RemoteCommand::ToggleBlank,
        // As the console's `t` and `R`: the state wanted, from the timer as shown.
        Some("timer") if shown.timer.running => RemoteCommand::Control(Control::PauseTimer),
        Some("timer") => RemoteCommand::Control(Control::StartTimer),
        Some("reset-timer") => RemoteCommand::Control(Control::ResetTimer),
        Some("goto") => match request
            .param("scene")
            .and_then(|number| number.trim().parse::<usize>().ok())
        {
            Some(number) if (1..=last + 1).contains(&number) => RemoteCommand::Goto(number - 1),
            _ => {
                return Response::plain(400, &format!("A scene number is from 1 to {}.", last + 1));
            }
        },
        Some(other) => return ask_the_class(request, site, other),
        None => return Response::plain(400, "Unknown command."),
    };
    site.hub.ask(command);
    Response::see_other(REMOTE.to_owned())
}

/// The remote's commands for asking the class, taken by the hub as the teacher's.
fn ask_the_class(request: &Request, site: &Site, what: &str) -> Response {
    let number = request
        .param("number")
        .and_then(|number| number.trim().parse::<u32>().ok());
    let ask = match (what, number) {
        ("ask", _) => Ask::SceneQuestion,
        ("close", _) => Ask::Close,
        ("reveal", _) => Ask::Reveal,
        ("take-down", _) => Ask::TakeDown,
        ("unspotlight", _) => Ask::Spotlight(None),
        ("show", Some(number)) => Ask::Moderate(number, Moderation::Shown),
        ("dismiss", Some(number)) => Ask::Moderate(number, Moderation::Dismissed),
        ("spotlight", Some(number)) => Ask::Spotlight(Some(number)),
        (quick, _) => match quick.strip_prefix("quick-").and_then(Quick::from_word) {
            Some(kind) => Ask::Quick(kind),
            None => return Response::plain(400, "Unknown command."),
        },
    };
    match site.hub.take(ask, &Who::Teacher) {
        Ok(_) => Response::see_other(REMOTE.to_owned()),
        Err(refusal) => Response::plain(class::refusal_status(refusal), refusal.message()),
    }
}

/// The event stream: where the presentation is, now and at every move, until the client goes;
/// and that the class's question (for a follower) or the desk (for the remote) changed, at most
/// every [`CLASS_EVERY`], for the page to fetch its pieces again.
/// A client that stops reading is cut when a write has waited too long (see [`http::Bounded`]);
/// it never holds up anyone else, since each stream only ever has the latest position to send.
pub(crate) fn events(
    peer: SocketAddr,
    site: Arc<Site>,
    stream: Stream,
) -> hyper::Response<http::Body> {
    let Ok(permit) = Arc::clone(&site.followers).try_acquire_owned() else {
        site.hub.log().write(
            Some(peer),
            &format!(
                "web refused follower: the classroom is full ({} followers)",
                site.config.max_followers
            ),
        );
        return Response::plain(503, "The classroom is full; try again later.").into_hyper(false);
    };
    // One event waits at most: the stream sends the latest position, never a backlog.
    let (sender, receiver) = mpsc::channel(1);
    tokio::spawn(async move {
        let _permit = permit;
        if sender
            .send(Bytes::from_static(b"retry: 2000\n\n"))
            .await
            .is_err()
        {
            return;
        }
        let mut lesson = site.hub.watch();
        lesson.mark_changed();
        // The class's question and the desk: the page is told once at the start, so that a
        // change between its load and its stream is not missed.
        let mut class = site.hub.watch_class();
        class.mark_changed();
        let mut desk = site.hub.watch_desk();
        let remote = stream == Stream::Remote;
        let mut pending = true;
        let mut not_before = tokio::time::Instant::now();
        // What this stream last said: a change it does not show (a blank projector) says nothing.
        let mut said = None;
        loop {
            let bytes = tokio::select! {
                // The connection has gone: give the place back now, not at the next keepalive.
                () = sender.closed() => return,
                changed = tokio::time::timeout(KEEPALIVE, lesson.changed()) => match changed {
                    Ok(Ok(())) => {
                        let event = scene_event(&lesson.borrow_and_update());
                        if said.as_ref() == Some(&event.0) {
                            continue;
                        }
                        said = Some(event.0);
                        event.1
                    }
                    // The presenter has gone.
                    Ok(Err(_)) => return,
                    Err(_) => ": still here\n\n".to_owned(),
                },
                Ok(()) = class.changed(), if !pending => {
                    class.borrow_and_update();
                    pending = true;
                    continue;
                }
                Ok(()) = desk.changed(), if remote && !pending => {
                    desk.borrow_and_update();
                    pending = true;
                    continue;
                }
                () = tokio::time::sleep_until(not_before), if pending => {
                    pending = false;
                    // Whatever changed meanwhile is in what the page fetches now.
                    class.borrow_and_update();
                    if remote {
                        desk.borrow_and_update();
                    }
                    not_before = tokio::time::Instant::now() + CLASS_EVERY;
                    class_event(&site, &stream)
                }
            };
            if sender.send(Bytes::from(bytes)).await.is_err() {
                return;
            }
        }
    });
    http::event_stream(receiver)
}

/// A `class` event (a follower's question and the students' questions, as this student sees
/// them) or a `desk` event (the remote's desk), the HTML on one line: the page swaps it in
/// without asking again, so that a question put to a full room costs no request per student.
fn class_event(site: &Site, stream: &Stream) -> String {
    let (name, html) = match stream {
        Stream::Remote => {
            let mut desk = String::new();
            class::desk(&mut desk, &site.hub.class(), &site.hub.desk(), REMOTE);
            ("desk", desk)
        }
        Stream::Follower(student) => {
            let action = format!("{CLASS}{}", credentials(site));
            let target = Target {
                action: &action,
                from: "",
            };
            let (poll, board) = pieces(site, student.as_ref(), &Said::default(), &target);
            (
                "class",
                format!("<div id=\"class\">{poll}</div><div id=\"board\">{board}</div>"),
            )
        }
    };
    // No line breaks inside an event's data: outside `<pre>` and `<textarea>`, which the pieces
    // do not have, a space is the same to HTML.
    let html = html.replace(['\r', '\n'], " ");
    format!("event: {name}\ndata: {html}\n\n")
}

/// What a `scene` event tells, to send it only when that changes.
type Told = (usize, usize, crate::classroom::hub::Clock);

/// One `scene` event: the scene's id, its number and index, the furthest shown, the timer as
/// of now (the page counts on from there).
fn scene_event(lesson: &Lesson) -> (Told, String) {
    let story = &lesson.story;
    let index = lesson.scene.min(story.scenes.len() - 1);
    let event = format!(
        "event: scene\ndata: {{\"id\":\"{}\",\"number\":{},\"total\":{},\"scene\":{index},\"furthest\":{},\"timer_ms\":{},\"running\":{}}}\n\n",
        story.scenes[index].id,
        index + 1,
        story.scenes.len(),
        lesson.furthest,
        lesson.timer.now().as_millis(),
        lesson.timer.running
    );
    ((index, lesson.furthest, lesson.timer), event)
}
