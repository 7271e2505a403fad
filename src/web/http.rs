//! HTTP for the classroom's pages, on hyper's HTTP/1 server: hyper frames requests and answers
//! (pipelining, HEAD, Content-Length, chunked bodies, the head's size and read time); this module
//! adds the bounds hyper does not know — the target's length, the body's size, what a client has
//! to send in time, how long a write may wait — and turns a request into the little the pages
//! need.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use hyper::header::{self, HeaderMap, HeaderValue};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Sleep;

/// The request line and headers, together.
pub const MAX_HEAD: usize = 8 * 1024;
/// What hyper keeps of a head still arriving before it refuses it (431): room above
/// [`MAX_HEAD`] so that a long target is told apart (414) from a long head.
pub const MAX_BUFFERED_HEAD: usize = 16 * 1024;
/// A target (path and query) longer than this is refused with 414: izumi's own are short.
pub const MAX_TARGET: usize = 2 * 1024;
/// Headers in one request; more and it is refused.
pub const MAX_HEADERS: usize = 32;
/// A form is a few short fields; the longest is a student's question, 280 characters of up to
/// four bytes each, percent-encoded (three bytes for each), with room for the other fields.
pub const MAX_BODY: usize = 4 * 1024;
/// How long a client has to send a request's head, and then its body: also how long a kept-alive
/// connection may stay idle between requests.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(5);
/// How long one write to a client may wait before the client counts as not reading.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the pages are allowed to do: load their own style sheet, script and nothing else; talk
/// only to this server; never be framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A request as the pages need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    /// The query's parameters, percent-decoded.
    pub query: Vec<(String, String)>,
    /// A form body's fields, percent-decoded.
    pub form: Vec<(String, String)>,
    /// The `Host` header: which name the client used to reach this server.
    pub host: Option<String>,
    /// Where the browser says a request was made: the `Origin` and `Sec-Fetch-Site` headers.
    pub origin: Option<String>,
    pub fetch_site: Option<String>,
    /// The `Accept` header: whether the client asked for HTML (a browser) or not.
    pub accept: Option<String>,
    /// The cookies the client sent, as name and value.
    pub cookies: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
}

impl Request {
    /// Reads what the pages need from a request's head, refusing what no page sends.
    pub fn from_head(head: &hyper::http::request::Parts) -> Result<Request, Refusal> {
        let method = match head.method {
            hyper::Method::GET => Method::Get,
            hyper::Method::HEAD => Method::Head,
            hyper::Method::POST => Method::Post,
            _ => return Err(Refusal::MethodNotAllowed),
        };
        let target = head
            .uri
            .path_and_query()
            .map_or("/", |target| target.as_str());
        if target.len() > MAX_TARGET {
            return Err(Refusal::TargetTooLong);
        }
        if head_size(head) > MAX_HEAD {
            return Err(Refusal::TooLarge);
        }
        if head.headers.contains_key(header::TRANSFER_ENCODING) {
            // Chunked bodies are not needed by any page: a form's length is known.
            return Err(Refusal::Malformed);
        }
        // hyper has already refused two different lengths and anything but digits.
        let length = head
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok())
            .unwrap_or(0);
        if length > MAX_BODY as u64 {
            return Err(Refusal::BodyTooLarge);
        }
        let text = |name| one_header(&head.headers, name);
        let cookies = head
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                Some((name.to_owned(), value.to_owned()))
            })
            .take(MAX_PAIRS)
            .collect();
        Ok(Request {
            method,
            path: percent_decode(head.uri.path()),
            query: parse_pairs(head.uri.query().unwrap_or_default()),
            form: Vec::new(),
            host: text(header::HOST),
            origin: text(header::ORIGIN),
            fetch_site: text(header::HeaderName::from_static("sec-fetch-site")),
            accept: text(header::ACCEPT),
            cookies,
        })
    }

    /// A query parameter, or a form field of the same name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(&self.form)
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A query parameter only: what the address itself carries.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether the client asked for a page (a browser's `Accept` names `text/html`), rather than
    /// text for a program.
    pub fn wants_html(&self) -> bool {
        self.accept
            .as_deref()
            .is_some_and(|accept| accept.to_ascii_lowercase().contains("text/html"))
    }

    /// The value of a cookie the client sent.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A header that must appear at most once, as text; `None` when absent, repeated or not text.
fn one_header(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    value.to_str().ok().map(str::to_owned)
}

/// The size of a head as it was sent, near enough: request line, headers, blank line.
fn head_size(head: &hyper::http::request::Parts) -> usize {
    let line = head.method.as_str().len() + head.uri.to_string().len() + " HTTP/1.1\r\n".len();
    let headers: usize = head
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + ": \r\n".len())
        .sum();
    line + headers + 2
}

/// Why a request was not answered, in words for the log and the status to answer with.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    TooLarge,
    TargetTooLong,
    BodyTooLarge,
    Malformed,
    MethodNotAllowed,
    TimedOut,
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::TooLarge => 431,
            Refusal::TargetTooLong => 414,
            Refusal::BodyTooLarge => 413,
            Refusal::MethodNotAllowed => 405,
            Refusal::TimedOut => 408,
            Refusal::Malformed => 400,
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Refusal::TooLarge => "request head too large",
            Refusal::TargetTooLong => "request target too long",
            Refusal::BodyTooLarge => "request body too large",
            Refusal::Malformed => "malformed request",
            Refusal::MethodNotAllowed => "method not allowed",
            Refusal::TimedOut => "request not sent in time",
        }
    }
}

/// Parameters a query or form may carry, and cookies a request may send; more are ignored.
const MAX_PAIRS: usize = 16;

/// `a=1&b=two` as pairs, `+` as space and percent-escapes decoded.
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .take(MAX_PAIRS)
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&key.replace('+', " ")),
                percent_decode(&value.replace('+', " ")),
            )
        })
        .collect()
}

/// Percent-escapes decoded; a broken escape is kept as written, bytes that are not UTF-8 become
/// replacement characters.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        if bytes[index] == b'%'
            && let (Some(high), Some(low)) = (hex(index + 1), hex(index + 2))
        {
            out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response, sent whole.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub location: Option<String>,
    /// A cookie to set, as the whole `Set-Cookie` value.
    pub set_cookie: Option<String>,
    /// Whether the browser may keep it: only what never changes under its address.
    pub immutable: bool,
}

impl Response {
    pub fn html(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
            location: None,
            set_cookie: None,
            immutable: false,
        }
    }

    /// A short page in izumi's own words, for refusals and errors; nothing of the request in it.
    pub fn plain(status: u16, message: &str) -> Response {
        Response {
            content_type: "text/plain; charset=utf-8",
            body: format!("{message}\n").into_bytes(),
            ..Response::html(status, String::new())
        }
    }

    pub fn asset(content_type: &'static str, body: &'static str) -> Response {
        Response {
            content_type,
            body: body.as_bytes().to_vec(),
            ..Response::html(200, String::new())
        }
    }

    /// "See other": after a form is posted, or the secret exchanged, the browser goes on to
    /// `location`.
    pub fn see_other(location: String) -> Response {
        Response {
            location: Some(location),
            body: Vec::new(),
            ..Response::plain(303, "")
        }
    }

    /// The response for hyper, with the headers every page gets; `keep_alive` false asks hyper
    /// to close the connection once it is sent.
    pub fn into_hyper(self, keep_alive: bool) -> hyper::Response<Body> {
        let mut response = hyper::Response::new(Body::Whole(Some(Bytes::from(self.body))));
        *response.status_mut() =
            hyper::StatusCode::from_u16(self.status).unwrap_or(hyper::StatusCode::OK);
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        common_headers(headers, self.immutable);
        // Both come from izumi's own addresses and random values, never from a request.
        for (name, value) in [
            (header::LOCATION, self.location),
            (header::SET_COOKIE, self.set_cookie),
        ] {
            if let Some(value) = value.and_then(|value| HeaderValue::try_from(value).ok()) {
                headers.insert(name, value);
            }
        }
        if !keep_alive {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// The answer to an event stream: its head, then whatever the stream's sender sends, until it
/// stops. The connection closes with it.
pub fn event_stream(events: mpsc::Receiver<Bytes>) -> hyper::Response<Body> {
    let mut response = hyper::Response::new(Body::Events(events));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM));
    common_headers(headers, false);
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The content type of an event stream.
pub const EVENT_STREAM: &str = "text/event-stream";

fn common_headers(headers: &mut HeaderMap, immutable: bool) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if immutable {
            "max-age=86400, immutable"
        } else {
            "no-store"
        }),
    );
}

/// A response's body: whole, or an event stream's events as they come.
pub enum Body {
    Whole(Option<Bytes>),
    Events(mpsc::Receiver<Bytes>),
}

impl HttpBody for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Whole(bytes) => Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes)))),
            Body::Events(events) => events
                .poll_recv(cx)
                .map(|next| next.map(|bytes| Ok(Frame::data(bytes)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Whole(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |bytes| bytes.len() as u64))
            }
            Body::Events(_) => SizeHint::default(),
        }
    }
}

/// A client's connection whose writes may wait only [`WRITE_TIMEOUT`]: a client that stops
/// reading is cut, whatever it was being sent (a page or an event stream), and its error says
/// so ([`io::ErrorKind::TimedOut`]). It also notes when bytes arrive, so that a request cut
/// half-sent can be told from an idle connection.
pub struct Bounded {
    stream: TcpStream,
    /// Since when a write has waited, if one is waiting.
    stalled: Option<Pin<Box<Sleep>>>,
    heard: Arc<AtomicBool>,
}

impl Bounded {
    /// `heard` is set whenever bytes arrive; whoever reads the requests clears it.
    pub fn new(stream: TcpStream, heard: Arc<AtomicBool>) -> Bounded {
        Bounded {
            stream,
            stalled: None,
            heard,
        }
    }

    pub fn into_inner(self) -> TcpStream {
        self.stream
    }

    fn written<T>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if result.is_ready() {
            self.stalled = None;
            return result;
        }
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_TIMEOUT)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Bounded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.heard.store(true, Ordering::Relaxed);
        }
        result
    }
}

impl AsyncWrite for Bounded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.written(cx, result)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.written(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> hyper::http::request::Parts {
        let mut lines = text.lines();
        let mut first = lines.next().unwrap().split(' ');
        let mut builder = hyper::Request::builder()
            .method(first.next().unwrap())
            .uri(first.next().unwrap());
        for line in lines {
            let (name, value) = line.split_once(": ").unwrap();
            builder = builder.header(name, value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_head_is_read_with_its_query_and_cookies_decoded() {
        let request = Request::from_head(&head(
            "GET /scenes/a-b?token=x%20y&n=1\nHost: h:1\nCookie: a=1; izumi-remote=abc",
        ))
        .unwrap();
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.path, "/scenes/a-b");
        assert_eq!(request.param("token"), Some("x y"));
        assert_eq!(request.param("n"), Some("1"));
        assert_eq!(request.host.as_deref(), Some("h:1"));
        assert_eq!(request.cookie("izumi-remote"), Some("abc"));
        assert_eq!(request.cookie("b"), None);
    }

    #[test]
    fn what_no_page_sends_is_refused() {
        let refused = |text: &str| Request::from_head(&head(text)).unwrap_err();
        assert_eq!(refused("DELETE /"), Refusal::MethodNotAllowed);
        assert_eq!(
            refused("POST /\nContent-Length: 4097"),
            Refusal::BodyTooLarge
        );
        assert_eq!(
            refused("POST /\nTransfer-Encoding: chunked"),
            Refusal::Malformed
        );
        let long = format!("GET /{}", "a".repeat(MAX_TARGET));
        assert_eq!(refused(&long), Refusal::TargetTooLong);
        let big: String = (0..20)
            .map(|i| format!("\nX-{i}: {}", "y".repeat(500)))
            .collect();
        assert_eq!(refused(&format!("GET /{big}")), Refusal::TooLarge);
        assert!(Request::from_head(&head("POST /\nContent-Length: 4096")).is_ok());
    }

    #[test]
    fn percent_decoding_keeps_broken_escapes_and_replaces_bad_bytes() {
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
