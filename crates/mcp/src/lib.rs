//! pkce-tutor's MCP server: the official Rust SDK's (`rmcp`) Streamable HTTP
//! service, stateless (no `Mcp-Session-Id`, nothing kept per client) and
//! answering plain JSON to a plain request, serving one tool, `whoami`
//! (`tools.rs`), which reports who the request's bearer token belongs to.
//!
//! It authorizes nothing itself: the caller (pkce-tutor's `/mcp` route)
//! checks the `Origin`, reads the body within its limits, verifies the token,
//! and hands over the request with the token's [`Holder`]. The SDK's own
//! `Host` and `Origin` checks stay on behind that, as a second line.
//!
//! The service is type-erased at this crate's edge ([`Endpoint::handle`]
//! returns a boxed future), so the SDK's generic code is compiled here once.

#![forbid(unsafe_code)]

mod tools;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use http_body_util::combinators::BoxBody;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};

pub use tools::WHOAMI;

/// Who a verified bearer token belongs to: what `whoami` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The client the token was issued to.
    pub client_id: String,
    /// The scope granted, if any was asked for.
    pub scope: Option<String>,
    /// The resource the token is for (RFC 8707).
    pub audience: String,
}

/// An answer of the endpoint.
pub type McpResponse = http::Response<BoxBody<Bytes, Infallible>>;

/// The MCP endpoint of one server. Cloning is cheap.
#[derive(Clone)]
pub struct Endpoint {
    service: StreamableHttpService<tools::Tutor, NeverSessionManager>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint").finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The endpoint of a server reached at these hosts (the SDK refuses any
    /// other `Host`, against DNS rebinding), whose pages have this origin,
    /// reading bodies of at most `max_body` bytes.
    pub fn new(hosts: Vec<String>, origin: Option<String>, max_body: usize) -> Self {
        let mut config = StreamableHttpServerConfig::default()
            .with_legacy_session_mode(false)
            .with_json_response(true)
            .with_sse_keep_alive(None)
            .with_allowed_hosts(hosts)
            .with_max_request_body_bytes(max_body);
        if let Some(origin) = origin {
            config = config.with_allowed_origins([origin]);
        }
        Self {
            service: StreamableHttpService::new(
                || Ok(tools::Tutor),
                Arc::new(NeverSessionManager::default()),
                config,
            ),
        }
    }

    /// Serves one request, its body already read, on behalf of the token's
    /// holder.
    pub fn handle(
        &self,
        request: http::Request<Bytes>,
        holder: Holder,
    ) -> Pin<Box<dyn Future<Output = McpResponse> + Send>> {
        let (mut parts, body) = request.into_parts();
        parts.extensions.insert(holder);
        let request = http::Request::from_parts(parts, Full::new(body));
        let service = self.service.clone();
        Box::pin(async move { service.handle(request).await })
    }
}
