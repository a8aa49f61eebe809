//! The client's own loopback listener (RFC 8252 §7.3): a port of
//! 127.0.0.1 chosen at run time (so the registered redirect URI is a
//! loopback one, whose port the server lets vary, SPEC.md AS-1), serving
//! two things:
//!
//! - `GET /callback`: where a real browser brings the authorization
//!   response. The listener records the request as it arrived and the page
//!   it answered, and hands that exchange to the engine, which checks it
//!   (`state`, `iss`) as it checks any redirect;
//! - `GET /oauth-client.json`: the client's metadata document, when the
//!   client identifies itself by its URL (CIMD).
//!
//! Anything else is 404. The listener stops when dropped.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::wire::{Exchange, HttpRequest, HttpResponse, decode_params, utf8_text};

/// The path a real browser is redirected to.
pub const CALLBACK_PATH: &str = "/callback";
/// The path of the client's metadata document.
pub const DOCUMENT_PATH: &str = "/oauth-client.json";

/// The page the browser shows once the redirect has arrived.
const RECEIVED_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
    <title>pkce-tutor</title></head><body><h1>pkce-tutor received the redirect</h1>\
    <p>The client has the authorization response. You can close this tab and go back to the terminal.</p>\
    </body></html>";

/// How many callbacks wait for the engine; more (a browser reloading the
/// page) are answered and not kept.
const CALLBACKS_KEPT: usize = 8;

#[derive(Clone)]
struct Shared {
    origin: String,
    document: Arc<Mutex<Option<String>>>,
    callbacks: mpsc::Sender<Exchange>,
}

/// A running listener.
#[derive(Debug)]
pub struct Listener {
    addr: SocketAddr,
    document: Arc<Mutex<Option<String>>>,
    callbacks: mpsc::Receiver<Exchange>,
    task: tokio::task::JoinHandle<()>,
}

impl Listener {
    /// Listens on 127.0.0.1, on `port` or a free one.
    pub async fn start(port: Option<u16>) -> std::io::Result<Self> {
        let tcp = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port.unwrap_or(0))).await?;
        let addr = tcp.local_addr()?;
        let document = Arc::new(Mutex::new(None));
        let (tx, callbacks) = mpsc::channel(CALLBACKS_KEPT);
        let shared = Shared {
            origin: format!("http://{addr}"),
            document: Arc::clone(&document),
            callbacks: tx,
        };
        let router = Router::new()
            .route(CALLBACK_PATH, get(callback))
            .route(DOCUMENT_PATH, get(metadata_document))
            .with_state(shared);
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(tcp, router).await {
                tracing::debug!(%error, "the client's loopback listener stopped");
            }
        });
        Ok(Self {
            addr,
            document,
            callbacks,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The redirect URI a real browser is sent back to.
    pub fn redirect_uri(&self) -> String {
        format!("{}{CALLBACK_PATH}", self.origin())
    }

    /// The URL of the metadata document: the client's `client_id` in CIMD.
    pub fn document_url(&self) -> String {
        format!("{}{DOCUMENT_PATH}", self.origin())
    }

    /// Serves this metadata document from now on.
    pub fn publish(&self, document: &serde_json::Value) {
        let mut slot = self
            .document
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Some(document.to_string());
    }

    /// The next redirect a browser brought, as it arrived. Cancel-safe: a
    /// wait that is dropped loses nothing.
    pub async fn next_callback(&mut self) -> Option<Exchange> {
        self.callbacks.recv().await
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `GET /callback`: record, answer, hand over.
async fn callback(State(shared): State<Shared>, request: Request) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or(CALLBACK_PATH, |pq| pq.as_str())
        .to_owned();
    let recorded = HttpRequest {
        method: request.method().to_string(),
        url: format!("{}{target}", shared.origin),
        params: request.uri().query().map(decode_params).unwrap_or_default(),
        headers: request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), utf8_text(v.as_bytes()).into_owned()))
            .collect(),
        body: None,
    };
    let answer = HttpResponse {
        status: 200,
        headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
        body: Some(RECEIVED_PAGE.into()),
    };
    let _ = shared.callbacks.try_send(Exchange {
        purpose: "the browser follows the redirect to the client's listener".into(),
        request: recorded,
        response: answer,
    });
    ([(header::CACHE_CONTROL, "no-store")], Html(RECEIVED_PAGE)).into_response()
}

/// `GET /oauth-client.json`.
async fn metadata_document(State(shared): State<Shared>) -> Response {
    let document = shared
        .document
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    match document {
        Some(json) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            json,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
