//! The MCP endpoint, `/mcp`: the Streamable HTTP transport of the official
//! Rust SDK (`rmcp`), behind this server's own authorization. A request
//! reaches the SDK only after three checks, in this order:
//!
//! 1. `Origin`: a browser's request from another origin is refused with 403
//!    (MCP transport security: servers MUST validate `Origin`, against DNS
//!    rebinding; the SDK's own `Host` check stays on behind it);
//! 2. the body: read within the same size and time limits as every other
//!    endpoint, and reported (its JSON-RPC `method`, and a tool's name);
//! 3. the bearer token: issued for `<issuer>/mcp` with the `mcp` scope
//!    (`bearer.rs`); otherwise 401 with `WWW-Authenticate: Bearer
//!    resource_metadata="…/.well-known/oauth-protected-resource/mcp"`, where
//!    an MCP client starts its discovery.
//!
//! The SDK runs stateless (no `Mcp-Session-Id`, nothing kept per client, so
//! nothing to bound) and answers plain JSON to a plain request; the token's
//! holder travels to the tool with the request (the `pkce-tutor-mcp` crate of
//! this workspace, where the SDK's service lives).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pkce_tutor_mcp::Endpoint;

use super::bearer::{self, Protected};
use super::{BODY_LIMIT_BYTES, Shared, body};
use crate::record::ServerEvent;
use crate::wire::{Param, utf8_text};

/// The MCP endpoint of a server whose issuer is `issuer`: reached at the
/// issuer's host or at loopback names, its own pages at the issuer's origin.
pub(crate) fn service(issuer: &str) -> Endpoint {
    let url = url::Url::parse(issuer).ok();
    let mut hosts = vec![
        "127.0.0.1".to_owned(),
        "localhost".to_owned(),
        "::1".to_owned(),
    ];
    if let Some(host) = url.as_ref().and_then(url::Url::host_str) {
        hosts.push(host.trim_matches(['[', ']']).to_owned());
    }
    let origin = url.map(|u| u.origin().ascii_serialization());
    Endpoint::new(hosts, origin, BODY_LIMIT_BYTES)
}

/// `/mcp`, any method: the checks, then the SDK.
pub(crate) async fn endpoint(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if let Some(refusal) = foreign_origin(&shared, &parts.headers) {
        return refusal;
    }
    let body = match body::read(&shared, &parts.headers, body).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    shared.emit(ServerEvent::Received {
        method: parts.method.to_string(),
        path: Protected::Mcp.path().into(),
        params: jsonrpc_summary(&body),
    });
    let holder = match bearer::authorize(&shared, Protected::Mcp, &parts.headers) {
        Ok(holder) => holder,
        Err(refusal) => return bearer::refuse(&shared, Protected::Mcp, refusal),
    };
    bearer::report_granted(&shared);
    let holder = pkce_tutor_mcp::Holder {
        client_id: holder.client_id,
        scope: holder.scope,
        audience: holder.audience,
    };
    shared
        .mcp
        .handle(Request::from_parts(parts, body), holder)
        .await
        .map(Body::new)
}

/// A 403 for a request whose `Origin` is not the issuer's. A request
/// without `Origin` is not a browser's cross-origin request and goes on.
fn foreign_origin(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    let origin = headers.get(header::ORIGIN)?;
    let own = url::Url::parse(&shared.issuer)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    if origin.as_bytes() == own.as_bytes() {
        return None;
    }
    let origin = utf8_text(origin.as_bytes()).into_owned();
    let why = format!(
        "Origin {origin} is not this server's ({own}): refused, as MCP's transport security asks against DNS rebinding"
    );
    shared.emit(ServerEvent::ResourceAccess {
        granted: false,
        reason: Some(why.clone()),
    });
    Some((StatusCode::FORBIDDEN, why).into_response())
}

/// What the server shows of an MCP message: its JSON-RPC `method`, `id`,
/// and for a tool call the tool's name. Never the whole body.
fn jsonrpc_summary(body: &[u8]) -> Vec<Param> {
    let Ok(message) = serde_json::from_slice::<serde_json::Value>(body) else {
        return if body.is_empty() {
            Vec::new()
        } else {
            vec![Param::new("body", "not JSON")]
        };
    };
    if let Some(batch) = message.as_array() {
        return vec![Param::new("batch", batch.len().to_string())];
    }
    let mut params = Vec::new();
    if let Some(method) = message.get("method").and_then(|m| m.as_str()) {
        params.push(Param::new("method", method));
    }
    if let Some(id) = message.get("id") {
        params.push(Param::new("id", id.to_string()));
    }
    if let Some(name) = message.pointer("/params/name").and_then(|n| n.as_str()) {
        params.push(Param::new("name", name));
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_the_method_and_the_tool() {
        let call = br#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"whoami","arguments":{}}}"#;
        assert_eq!(
            jsonrpc_summary(call),
            vec![
                Param::new("method", "tools/call"),
                Param::new("id", "3"),
                Param::new("name", "whoami"),
            ]
        );
        assert_eq!(jsonrpc_summary(b""), Vec::new());
        assert_eq!(jsonrpc_summary(b"{"), vec![Param::new("body", "not JSON")]);
        assert_eq!(jsonrpc_summary(b"[1,2]"), vec![Param::new("batch", "2")]);
    }
}
