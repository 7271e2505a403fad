//! Just enough HTTP/1.1 for the classroom's pages, with every bound explicit: the request head's
//! size and header count, the body's size, and the time a client has to send them.

use std::fmt::Write as _;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The request line and headers, together.
pub const MAX_HEAD: usize = 8 * 1024;
/// Headers in one request; more and it is refused.
pub const MAX_HEADERS: usize = 32;
/// A remote command's form is a few short fields.
pub const MAX_BODY: usize = 1024;
/// How long a client has to send a whole request, however slowly its bytes come.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(5);
/// How long one write to a client may wait before the client counts as not reading.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the pages are allowed to do: load their own style sheet, script and nothing else; talk
/// only to this server; never be framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A request as the pages need it.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    /// The query's parameters, percent-decoded.
    pub query: Vec<(String, String)>,
    /// A form body's fields, percent-decoded.
    pub form: Vec<(String, String)>,
    pub keep_alive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
}

impl Request {
    /// A query parameter, or a form field of the same name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(&self.form)
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Why a request was not read, in words for the log and the status to answer with.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The client closed the connection before a request began: not an error.
    Closed,
    TooLarge,
    Malformed,
    MethodNotAllowed,
    TimedOut,
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::TooLarge => 431,
            Refusal::MethodNotAllowed => 405,
            Refusal::TimedOut => 408,
            Refusal::Closed | Refusal::Malformed => 400,
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Refusal::Closed => "closed",
            Refusal::TooLarge => "request head or body too large",
            Refusal::Malformed => "malformed request",
            Refusal::MethodNotAllowed => "method not allowed",
            Refusal::TimedOut => "request not sent in time",
        }
    }
}

/// Reads one request. `buffer` holds bytes already read past the previous request on a kept-alive
/// connection, and keeps those past this one.
pub async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> Result<Request, Refusal> {
    match tokio::time::timeout(REQUEST_DEADLINE, read_bounded(stream, buffer)).await {
        Ok(result) => result,
        Err(_) => Err(Refusal::TimedOut),
    }
}

async fn read_bounded(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<Request, Refusal> {
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(parsed) = parse(buffer)? {
            let (request, head_length, body_length) = parsed;
            while buffer.len() < head_length + body_length {
                let read = stream.read(&mut chunk).await.map_err(|_| Refusal::Closed)?;
                if read == 0 {
                    return Err(Refusal::Malformed);
                }
                buffer.extend_from_slice(&chunk[..read]);
            }
            let mut request = request;
            if body_length > 0 {
                let body = &buffer[head_length..head_length + body_length];
                request.form = parse_pairs(&String::from_utf8_lossy(body));
            }
            buffer.drain(..head_length + body_length);
            return Ok(request);
        }
        if buffer.len() >= MAX_HEAD {
            return Err(Refusal::TooLarge);
        }
        let read = stream.read(&mut chunk).await.map_err(|_| Refusal::Closed)?;
        if read == 0 {
            return Err(if buffer.is_empty() {
                Refusal::Closed
            } else {
                Refusal::Malformed
            });
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// Parses a request head if it is all there: the request, the head's length and the body's.
fn parse(buffer: &[u8]) -> Result<Option<(Request, usize, usize)>, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_length = match parsed.parse(&buffer[..buffer.len().min(MAX_HEAD)]) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(Refusal::TooLarge),
        Err(_) => return Err(Refusal::Malformed),
    };
    let method = match parsed.method {
        Some("GET") => Method::Get,
        Some("HEAD") => Method::Head,
        Some("POST") => Method::Post,
        _ => return Err(Refusal::MethodNotAllowed),
    };
    let target = parsed.path.ok_or(Refusal::Malformed)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut body_length = 0;
    let mut keep_alive = parsed.version == Some(1);
    for header in parsed.headers.iter() {
        if header.name.eq_ignore_ascii_case("content-length") {
            body_length = std::str::from_utf8(header.value)
                .ok()
                .and_then(|value| value.trim().parse::<usize>().ok())
                .ok_or(Refusal::Malformed)?;
        } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
            // Chunked bodies are not needed by any page, and are a classic smuggling route.
            return Err(Refusal::Malformed);
        } else if header.name.eq_ignore_ascii_case("connection") {
            let value = String::from_utf8_lossy(header.value).to_ascii_lowercase();
            if value.contains("close") {
                keep_alive = false;
            } else if value.contains("keep-alive") {
                keep_alive = true;
            }
        }
    }
    if body_length > MAX_BODY {
        return Err(Refusal::TooLarge);
    }
    Ok(Some((
        Request {
            method,
            path: percent_decode(path),
            query: parse_pairs(query),
            form: Vec::new(),
            keep_alive,
        },
        head_length,
        body_length,
    )))
}

/// Parameters a query or form may carry; more are ignored.
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

/// A response, written whole.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub location: Option<String>,
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
            immutable: false,
        }
    }

    /// A short page in izumi's own words, for refusals and errors; nothing of the request in it.
    pub fn plain(status: u16, message: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{message}\n").into_bytes(),
            location: None,
            immutable: false,
        }
    }

    pub fn asset(content_type: &'static str, body: &'static str) -> Response {
        Response {
            status: 200,
            content_type,
            body: body.as_bytes().to_vec(),
            location: None,
            immutable: false,
        }
    }

    /// "See other": after a form is posted, the browser goes back to the page it came from.
    pub fn see_other(location: String) -> Response {
        Response {
            status: 303,
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
            location: Some(location),
            immutable: false,
        }
    }

    /// The response as bytes: the head with the headers every page gets, then the body (not for
    /// HEAD).
    pub fn encode(&self, head_only: bool, keep_alive: bool) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        common_headers(&mut head, self.immutable);
        if let Some(location) = &self.location {
            let _ = write!(head, "Location: {location}\r\n");
        }
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

/// The head of an event stream, which then stays open.
pub fn event_stream_head() -> Vec<u8> {
    let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n");
    common_headers(&mut head, false);
    head.push_str("Connection: close\r\n\r\nretry: 2000\n\n");
    head.into_bytes()
}

fn common_headers(head: &mut String, immutable: bool) {
    let cache = if immutable {
        "max-age=86400, immutable"
    } else {
        "no-store"
    };
    let _ = write!(
        head,
        "Content-Security-Policy: {CONTENT_SECURITY_POLICY}\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nCache-Control: {cache}\r\n"
    );
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Writes bytes, giving up on a client that has not taken them within the write time-out.
pub async fn write(stream: &mut TcpStream, bytes: &[u8]) -> bool {
    matches!(
        tokio::time::timeout(WRITE_TIMEOUT, stream.write_all(bytes)).await,
        Ok(Ok(()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_head_is_parsed_with_its_query_decoded() {
        let (request, head, body) =
            parse(b"GET /scenes/a-b?token=x%20y&n=1 HTTP/1.1\r\nHost: h\r\n\r\n")
                .unwrap()
                .unwrap();
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.path, "/scenes/a-b");
        assert_eq!(request.param("token"), Some("x y"));
        assert_eq!(request.param("n"), Some("1"));
        assert!(request.keep_alive);
        assert_eq!((head, body), (53, 0));
    }

    #[test]
    fn a_partial_head_waits_and_bad_ones_are_refused() {
        assert_eq!(parse(b"GET / HTTP/1.1\r\nHost").unwrap(), None);
        assert_eq!(
            parse(b"DELETE / HTTP/1.1\r\n\r\n").unwrap_err(),
            Refusal::MethodNotAllowed
        );
        assert_eq!(
            parse(b"POST / HTTP/1.1\r\nContent-Length: 99999\r\n\r\n").unwrap_err(),
            Refusal::TooLarge
        );
        assert_eq!(
            parse(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").unwrap_err(),
            Refusal::Malformed
        );
        let many: String = (0..40).map(|i| format!("X-{i}: y\r\n")).collect();
        assert_eq!(
            parse(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()).unwrap_err(),
            Refusal::TooLarge
        );
    }

    #[test]
    fn percent_decoding_keeps_broken_escapes_and_replaces_bad_bytes() {
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
