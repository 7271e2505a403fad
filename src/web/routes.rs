//! What each address serves, who may have it, and the event stream that moves the pages.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::Site;
use super::http::{self, Method, Request, Response};
use super::page::{self, Links, Style, escape, query_value};
use crate::classroom::hub::{Lesson, Request as RemoteCommand};
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
/// The remote's cookie: given for the console secret, good for [`super::WebConfig::remote_lifetime`].
const REMOTE_COOKIE: &str = "izumi-remote";
/// What a browser without the secret or the cookie is told.
const NEEDS_SECRET: &str =
    "The remote needs the console secret: use the address `izumi notes` shows.";

pub(crate) enum Answer {
    Page(Response),
    /// The connection becomes an event stream.
    Events,
}

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
    if request.method == Method::Post {
        return page(Response::plain(405, "Only the remote takes commands."));
    }
    let shown = site.lesson();
    if path == "/events" {
        return events_or_head(request);
    }
    if path == "/" {
        let scene = SceneId(shown.scene.min(shown.story.scenes.len() - 1));
        return page(cached_follower(request, site, &shown, scene, true));
    }
    if let Some(id) = path.strip_prefix("/scenes/") {
        let Some(scene) = shown.story.find_scene(id) else {
            return page(Response::plain(404, "No such scene in this story."));
        };
        if !reach(site, &shown).may_show_scene(scene) {
            return page(Response::plain(
                403,
                "The presenter has not shown this scene yet.",
            ));
        }
        return page(cached_follower(
            request,
            site,
            &shown,
            scene,
            scene.index() == shown.scene,
        ));
    }
    page(Response::plain(404, "Nothing here."))
}

/// An event stream for GET; for HEAD, only the head it would have (a HEAD is never held open).
fn events_or_head(request: &Request) -> Answer {
    match request.method {
        Method::Head => Answer::Page(Response {
            content_type: http::EVENT_STREAM,
            body: Vec::new(),
            ..Response::plain(200, "")
        }),
        _ => Answer::Events,
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
        (_, REMOTE_EVENTS) => events_or_head(request),
        _ => page(remote(request, site)),
    }
}

/// Whether the browser says a command was made on a page of this server: `Origin` names the
/// host it was sent to, and `Sec-Fetch-Site` is same-origin (or none: typed by the user). A
/// client that sends neither is no browser, so no other site can be acting through it; it
/// still needs the cookie.
fn made_here(request: &Request) -> bool {
    let origin_matches = match (&request.origin, &request.host) {
        (None, _) => true,
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
    let mut out = String::new();
    page::open_page(
        &mut out,
        &format!("{} — {}", current.title, story.title),
        Style::Linked,
        true,
    );
    let fragment = format!(
        "/scenes/SCENE?part=main{}",
        credentials.replacen('?', "&", 1)
    );
    let _ = writeln!(
        out,
        "<body data-events=\"/events{}\" data-following=\"{following}\" data-fragment=\"{}\">",
        escape(&credentials),
        escape(&fragment)
    );
    out.push_str("<a class=\"skip\" href=\"#text\">Skip to the text</a>\n");
    let _ = writeln!(
        out,
        "<header class=\"bar\"><p class=\"story\">{}</p><p id=\"status\" role=\"status\">{}</p></header>",
        escape(&story.title),
        if following {
            "Following the presenter."
        } else {
            "Reading on your own; Follow goes back to the presenter."
        }
    );
    let _ = writeln!(out, "<main id=\"text\">\n{main}</main>\n</body>\n</html>");
    Response::html(200, out)
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
    let _ = writeln!(
        out,
        "<article class=\"scene\"><p class=\"byline\">{}</p><h1>{}</h1>",
        escape(&page::scene_byline(story, current)),
        escape(&current.title)
    );
    page::scene_text(out, story, current, links);
    out.push_str("</article>\n");
    let reach = &links.reach;
    page::people(out, story, current, reach, "People");
    page::footnotes(out, story, current, reach, links);
    page::terms(out, story, current, reach, links);
    page::map(out, story, scene, reach);
    page::timeline(out, story, scene);
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
        "<p class=\"byline\">Scene {} of {} · {}</p><h1>{}</h1>",
        scene.index() + 1,
        story.scenes.len(),
        escape(&page::scene_byline(story, current)),
        escape(&current.title)
    );
    main.push_str("<section><h2>Notes</h2>");
    match &current.notes {
        Some(notes) => {
            for paragraph in page::plain_paragraphs(story, notes) {
                let _ = write!(main, "<p>{}</p>", escape(&paragraph));
            }
        }
        None => main.push_str("<p>No notes for this scene.</p>"),
    }
    main.push_str("</section>\n");
    match story.scenes.get(scene.index() + 1) {
        Some(next) => {
            let text = one_line(&page::plain_paragraphs(story, &next.paragraphs).join(" "));
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
    let mut out = String::new();
    page::open_page(
        &mut out,
        &format!("Remote — {}", story.title),
        Style::Linked,
        true,
    );
    let _ = writeln!(
        out,
        "<body class=\"remote\" data-events=\"{REMOTE_EVENTS}\" data-following=\"true\" data-fragment=\"{REMOTE}?part=main\">"
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
        "<div class=\"controls\"><form class=\"moves\" method=\"post\" action=\"{REMOTE}\" data-remote><button class=\"big\" name=\"do\" value=\"previous\">← Previous</button> <button class=\"big\" name=\"do\" value=\"next\">Next →</button> <button class=\"blank\" name=\"do\" value=\"blank\">Blank screen</button></form>"
    );
    let _ = writeln!(
        out,
        "<form class=\"goto\" method=\"post\" action=\"{REMOTE}\" data-remote><label for=\"goto\">Scene number</label> <input id=\"goto\" name=\"scene\" type=\"number\" min=\"1\" max=\"{}\" inputmode=\"numeric\" required> <button name=\"do\" value=\"goto\">Go</button></form></div>",
        story.scenes.len()
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
        Some("goto") => match request
            .param("scene")
            .and_then(|number| number.trim().parse::<usize>().ok())
        {
            Some(number) if (1..=last + 1).contains(&number) => RemoteCommand::Goto(number - 1),
            _ => {
                return Response::plain(400, &format!("A scene number is from 1 to {}.", last + 1));
            }
        },
        _ => return Response::plain(400, "Unknown command."),
    };
    site.hub.ask(command);
    Response::see_other(REMOTE.to_owned())
}

/// The event stream: where the presentation is, now and at every move, until the client goes.
/// A client that stops reading is cut when a write has waited too long (see [`http::Bounded`]);
/// it never holds up anyone else, since each stream only ever has the latest position to send.
pub(crate) fn events(peer: SocketAddr, site: Arc<Site>) -> hyper::Response<http::Body> {
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
        // What this stream last said: a change it does not show (a blank projector) says nothing.
        let mut said = None;
        loop {
            let changed = tokio::select! {
                // The connection has gone: give the place back now, not at the next keepalive.
                () = sender.closed() => return,
                changed = tokio::time::timeout(KEEPALIVE, lesson.changed()) => changed,
            };
            let bytes = match changed {
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
            };
            if sender.send(Bytes::from(bytes)).await.is_err() {
                return;
            }
        }
    });
    http::event_stream(receiver)
}

/// What a `scene` event tells, to send it only when that changes.
type Told = (usize, usize, crate::classroom::hub::Clock);

/// One `scene` event: the scene's id, its number and index, the furthest shown, the timer as
/// of now (the page counts on from there).
fn scene_event(lesson: &Lesson) -> (Told, String) {
    let story = &lesson.story;
    let index = lesson.scene.min(story.scenes.len() - 1);
    let event = format!(
        "event: scene\ndata: {{\"id\":\"{}\",\"number\":{},\"scene\":{index},\"furthest\":{},\"timer_ms\":{},\"running\":{}}}\n\n",
        story.scenes[index].id,
        index + 1,
        lesson.furthest,
        lesson.timer.now().as_millis(),
        lesson.timer.running
    );
    ((index, lesson.furthest, lesson.timer), event)
}
