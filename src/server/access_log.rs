//! The request log an instructor reads beside `pkce-tutor serve`: one line
//! per request, `METHOD PATH → STATUS`, with the OAuth `error` when the
//! answer carries one (`POST /token → 400 invalid_grant`).
//!
//! Only the path is logged, never the query or the body: they carry codes,
//! verifiers and tokens. Handlers mark an OAuth error on their response with
//! [`ErrorCode`]; the serving loop writes the line once the response is
//! built. Lines go through a bounded channel and are dropped when the reader
//! falls behind, so a blocked stdout never slows the server or grows its
//! memory.

use std::fmt;
use std::sync::mpsc;

use axum::http::{Method, Response};

/// The OAuth `error` of a response, attached as a response extension by
/// the handler that refused the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ErrorCode(pub(crate) &'static str);

/// Marks a response with its OAuth `error`.
pub(crate) fn mark<B>(mut response: Response<B>, error: &'static str) -> Response<B> {
    response.extensions_mut().insert(ErrorCode(error));
    response
}

/// One request as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    /// `GET`, `POST`, `HEAD`…
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The OAuth `error` the answer carried, if any.
    pub error: Option<&'static str>,
}

impl RequestLine {
    pub(crate) fn new<B>(method: &Method, path: &str, response: &Response<B>) -> Self {
        Self {
            method: method.as_str().to_owned(),
            path: path.to_owned(),
            status: response.status().as_u16(),
            error: response.extensions().get::<ErrorCode>().map(|e| e.0),
        }
    }
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} → {}", self.method, self.path, self.status)?;
        if let Some(error) = self.error {
            write!(f, " {error}")?;
        }
        Ok(())
    }
}

/// Where request lines go: the sending half of a bounded channel.
#[derive(Debug, Clone)]
pub struct RequestLog(mpsc::SyncSender<RequestLine>);

impl RequestLog {
    /// A log holding up to `capacity` unread lines, and its reading end.
    pub fn channel(capacity: usize) -> (Self, mpsc::Receiver<RequestLine>) {
        let (tx, rx) = mpsc::sync_channel(capacity);
        (Self(tx), rx)
    }

    /// Records a line; a full or closed log drops it rather than wait.
    pub(crate) fn record(&self, line: RequestLine) {
        let _ = self.0.try_send(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_method_path_status_and_error() {
        let refused = mark(
            Response::builder().status(400).body(()).unwrap(),
            "invalid_grant",
        );
        let line = RequestLine::new(&Method::POST, "/token", &refused);
        assert_eq!(line.to_string(), "POST /token → 400 invalid_grant");
        let ok = Response::builder().status(200).body(()).unwrap();
        let line = RequestLine::new(&Method::GET, "/resource", &ok);
        assert_eq!(line.to_string(), "GET /resource → 200");
    }

    #[test]
    fn a_full_log_drops_lines_instead_of_blocking() {
        let (log, rx) = RequestLog::channel(1);
        let ok = Response::builder().status(200).body(()).unwrap();
        for _ in 0..3 {
            log.record(RequestLine::new(&Method::GET, "/", &ok));
        }
        assert_eq!(rx.try_iter().count(), 1);
    }
}
