//! The mini authorization server (axum): discovery metadata (RFC 8414),
//! dynamic registration (RFC 7591), the authorization endpoint with a consent
//! page, the token endpoint with PKCE verification (RFC 7636 §4.6), and a small
//! protected resource standing in for an MCP server.
//!
//! Every handler reports what it received, stored and computed as
//! [`ServerEvent`]s, so the tutorial shows the server's own values. Handlers
//! return OAuth errors, never panic; the shared state survives a poisoned lock.

mod authorize;
mod body;
mod error;
mod metadata;
mod params;
mod redirect_uri;
mod register;
mod request_id;
mod resource;
mod store;
mod token;

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::serve::ListenerExt as _;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

pub use crate::record::{PkceCheck, PkceVerdict, ServerEvent, StoredCode};
use crate::record::{Report, RequestId, ServerReport};

/// The largest request body any endpoint reads; larger ones get 413.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// Whether the server insists on PKCE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PkcePolicy {
    /// OAuth 2.1 / MCP: an authorization request without `code_challenge` is
    /// refused (OAuth 2.1 §4.1.2.1, RFC 7636 §4.4.1).
    Required,
    /// The Step 04 server: PKCE is checked only when a challenge was sent. A
    /// verifier for a code issued without a challenge is still refused
    /// (RFC 9700 §4.8.2).
    Optional,
}

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Required or optional PKCE.
    pub policy: PkcePolicy,
    /// Skip the consent page: `GET /authorize` redirects with the code at once.
    pub auto_approve: bool,
    /// Seed of client ids, codes and tokens; fresh randomness when absent.
    pub seed: Option<u64>,
    /// How long a code lives (10 minutes by default, OAuth 2.1 §4.1.2).
    pub code_lifetime: Duration,
    /// How long an access token lives.
    pub token_lifetime: Duration,
    /// Where to report what the server does, each report naming its
    /// request, if anyone listens.
    pub events: Option<mpsc::UnboundedSender<ServerReport>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            policy: PkcePolicy::Required,
            auto_approve: false,
            seed: None,
            code_lifetime: Duration::from_secs(600),
            token_lifetime: Duration::from_secs(3600),
            events: None,
        }
    }
}

/// State shared by every handler.
pub(crate) struct Shared {
    issuer: String,
    config: ServerConfig,
    store: Mutex<store::Store>,
    rng: Mutex<ChaCha20Rng>,
    /// How many requests have arrived (the last [`RequestId`] given).
    requests: AtomicU64,
}

impl Shared {
    /// Reports an event about the request being handled; nobody listening
    /// is fine.
    fn emit(&self, event: ServerEvent) {
        self.report(request_id::current(), Report::Event(event));
    }

    /// Whether anyone listens to reports (so they are worth building).
    fn reports_wanted(&self) -> bool {
        self.config.events.is_some()
    }

    /// Sends a report about a request.
    fn report(&self, request: RequestId, report: Report) {
        if let Some(events) = &self.config.events {
            let _ = events.send(ServerReport { request, report });
        }
    }

    /// 32 random octets, base64url: a code, a token or a request id
    /// (guessing probability 2^-256, SPEC.md AS-19).
    fn random_value(&self) -> String {
        crate::random::urlsafe::<32>(&mut *lock(&self.rng))
    }

    /// A client identifier: 16 random octets, base64url.
    fn random_client_id(&self) -> String {
        crate::random::urlsafe::<16>(&mut *lock(&self.rng))
    }

    fn store(&self) -> MutexGuard<'_, store::Store> {
        lock(&self.store)
    }

    /// The URL of the protected resource, also the audience of its tokens.
    fn resource_url(&self) -> String {
        format!("{}/resource", self.issuer)
    }
}

/// Locks a mutex, recovering the data if a thread panicked while holding it:
/// the server keeps answering rather than propagating the panic.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running server.
#[derive(Debug)]
pub struct ServerHandle {
    issuer: String,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl ServerHandle {
    /// `http://<ip>:<port>`, the issuer identifier (RFC 8414 §2).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in flight finish for up to a second,
    /// then stops.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if tokio::time::timeout(Duration::from_secs(1), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves on an already bound listener.
pub async fn spawn(listener: TcpListener, config: ServerConfig) -> std::io::Result<ServerHandle> {
    let addr = listener.local_addr()?;
    let issuer = format!("http://{addr}");
    let rng = match config.seed {
        Some(seed) => ChaCha20Rng::seed_from_u64(seed),
        None => ChaCha20Rng::from_os_rng(),
    };
    let shared = Arc::new(Shared {
        issuer: issuer.clone(),
        config,
        store: Mutex::new(store::Store::default()),
        rng: Mutex::new(rng),
        requests: AtomicU64::new(0),
    });
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(async move {
        // Small request/response pairs: send each segment at once rather
        // than wait for an ACK (Nagle), as the client side does.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router(shared))
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    tracing::info!(%issuer, "authorization server listening");
    Ok(ServerHandle {
        issuer,
        addr,
        shutdown: Some(tx),
        task,
    })
}

/// Binds `127.0.0.1` on a free port and serves.
pub async fn spawn_loopback(config: ServerConfig) -> std::io::Result<ServerHandle> {
    let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    spawn(listener, config).await
}

/// The routes, built once per process: the tutorial starts a server per
/// flow, and building the route table is most of a server's start-up cost.
fn router(shared: Arc<Shared>) -> Router {
    static ROUTES: std::sync::OnceLock<Router<Arc<Shared>>> = std::sync::OnceLock::new();
    let numbered = request_id::RequestIdLayer::new(Arc::clone(&shared));
    ROUTES
        .get_or_init(routes)
        .clone()
        .with_state(shared)
        .layer(numbered)
}

fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::authorization_server),
        )
        .route(
            "/.well-known/oauth-protected-resource",
            get(metadata::protected_resource),
        )
        .route("/register", post(register::register))
        .route("/authorize", get(authorize::authorize))
        .route("/consent", post(authorize::consent))
        .route("/token", post(token::token))
        .route("/resource", get(resource::resource))
        // Handlers read bodies through `body::LimitedBody`, which applies
        // the limit; this is the same limit for any other extractor.
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}
