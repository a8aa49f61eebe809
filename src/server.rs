//! The mini authorization server (axum): discovery metadata (RFC 8414,
//! RFC 9728), dynamic registration (RFC 7591) and client metadata documents
//! (CIMD), the authorization endpoint with a consent page, the token endpoint
//! with PKCE verification (RFC 7636 §4.6), and two protected resources: a
//! small `/resource`, and `/mcp`, a real MCP endpoint on the official SDK.
//!
//! Every handler reports what it received, stored and computed as
//! [`ServerEvent`]s, so the tutorial shows the server's own values. Handlers
//! return OAuth errors, never panic; the shared state survives a poisoned lock.
//!
//! `pkce-tutor serve` faces real clients, so no client can hold the server:
//! connections have timeouts and a cap (`serve_loop.rs`, `idle.rs`), stores
//! and parameters are bounded (`bounded.rs`), and every number is in
//! [`Limits`] with its reason. The PKCE policy is data the handlers consult
//! (`policy.rs`).

mod access_log;
mod audience;
mod authorize;
mod bearer;
mod body;
mod bounded;
mod client_metadata;
mod consent;
mod error;
mod idle;
mod limits;
mod mcp;
mod metadata;
mod params;
mod policy;
mod redirect_uri;
mod register;
mod request_id;
mod resource;
mod serve_loop;
mod store;
mod token;

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

pub use access_log::{RequestLine, RequestLog};
pub use limits::Limits;
pub use policy::PkcePolicy;

pub use crate::record::{PkceCheck, PkceVerdict, ServerEvent, StoredCode};
use crate::record::{Report, RequestId, ServerReport};

/// The scope a token needs at `/mcp` (named in its 401 and in the metadata).
pub const MCP_SCOPE: &str = "mcp";

/// The largest request body any endpoint reads; larger ones get 413.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Required, optional or lax PKCE.
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
    /// Timeouts, the connection cap, store caps and parameter sizes.
    pub limits: Limits,
    /// Whether clients may register `https` redirect URIs on any host. Off by
    /// default: this server authenticates nobody, so an https redirect URI
    /// on an attacker's host would make its error redirects an open
    /// redirector (OAuth 2.1 §7.13.2); loopback and private-use schemes are
    /// always allowed.
    pub allow_https_redirects: bool,
    /// The issuer identifier when it is not `http://<bound address>`, e.g.
    /// the URL clients reach through a proxy or on the network.
    pub issuer: Option<String>,
    /// One line per request, if anyone reads them.
    pub request_log: Option<RequestLog>,
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
            limits: Limits::default(),
            allow_https_redirects: false,
            issuer: None,
            request_log: None,
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
    /// The values that bind a consent form to a browser (cookies) come from
    /// their own stream, so that setting a cookie does not shift the codes
    /// and tokens a seed reproduces.
    binding_rng: Mutex<ChaCha20Rng>,
    /// The MCP SDK's HTTP service behind `/mcp` (`mcp.rs`).
    mcp: pkce_tutor_mcp::Endpoint,
    /// What fetches client metadata documents (`client_metadata.rs`).
    fetcher: Option<reqwest::Client>,
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

    /// 32 random octets, base64url, from the binding stream.
    fn random_binding(&self) -> String {
        crate::random::urlsafe::<32>(&mut *lock(&self.binding_rng))
    }

    /// A client identifier: 16 random octets, base64url.
    fn random_client_id(&self) -> String {
        crate::random::urlsafe::<16>(&mut *lock(&self.rng))
    }

    fn store(&self) -> MutexGuard<'_, store::Store> {
        lock(&self.store)
    }

    /// The rules of the PKCE policy.
    fn rules(&self) -> policy::Rules {
        self.config.policy.rules()
    }

    /// The URL of the protected resource, the default audience of tokens
    /// (a token request without `resource` is for it, DESIGN.md "Audience").
    fn resource_url(&self) -> String {
        bearer::Protected::Resource.url(self)
    }

    /// Whether `resource` is one this server protects: `/resource`, and
    /// `/mcp`, the MCP endpoint (RFC 8707 §2: others are `invalid_target`).
    fn protects(&self, resource: &str) -> bool {
        [bearer::Protected::Resource, bearer::Protected::Mcp]
            .iter()
            .any(|p| p.url(self) == resource)
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
    let issuer = config
        .issuer
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let (rng, mut binding_rng) = match config.seed {
        Some(seed) => (
            ChaCha20Rng::seed_from_u64(seed),
            ChaCha20Rng::seed_from_u64(seed),
        ),
        None => (
            rand::make_rng::<ChaCha20Rng>(),
            rand::make_rng::<ChaCha20Rng>(),
        ),
    };
    binding_rng.set_stream(1);
    let store = store::Store::new(&config.limits, config.code_lifetime, config.token_lifetime);
    let limits = config.limits.clone();
    let fetcher = client_metadata::fetcher(limits.client_metadata_timeout);
    let log = config.request_log.clone();
    let shared = Arc::new(Shared {
        issuer: issuer.clone(),
        config,
        store: Mutex::new(store),
        rng: Mutex::new(rng),
        requests: AtomicU64::new(0),
        binding_rng: Mutex::new(binding_rng),
        mcp: mcp::service(&issuer),
        fetcher,
    });
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(serve_loop::run(listener, router(shared), limits, log, rx));
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
            get(metadata::protected_root),
        )
        // RFC 9728 §3.1: each resource's path after the well-known suffix.
        .route(
            "/.well-known/oauth-protected-resource/resource",
            get(metadata::protected_resource),
        )
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            get(metadata::protected_mcp),
        )
        .route("/register", post(register::register))
        // HEAD is answered without side effects: no code, no pending request.
        .route(
            "/authorize",
            get(authorize::authorize).head(authorize::authorize_head),
        )
        .route("/consent", post(consent::consent))
        .route("/token", post(token::token))
        .route("/resource", get(resource::resource))
        // Every method reaches the checks first: without a token, GET and
        // DELETE get the same 401 as POST.
        .route("/mcp", any(mcp::endpoint))
        // Handlers read bodies through `body::LimitedBody`, which applies
        // the limit; this is the same limit for any other extractor.
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}
