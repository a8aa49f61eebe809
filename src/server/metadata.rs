//! Discovery documents: the authorization server's metadata (RFC 8414 §2)
//! and the metadata of each protected resource (RFC 9728), which an MCP
//! client reads first: the 401 of `/mcp` points to it.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::Shared;
use super::bearer::Protected;

/// `GET /.well-known/oauth-authorization-server`.
pub(crate) async fn authorization_server(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let issuer = &shared.issuer;
    Json(json!({
        // Must equal the URL the document was fetched from (RFC 8414 §3.3).
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "registration_endpoint": format!("{issuer}/register"),
        "response_types_supported": ["code"],
        // Sent explicitly: the default would include implicit (RFC 8414 §2).
        "grant_types_supported": ["authorization_code"],
        // Without it a client must assume no PKCE (RFC 8414 §2), and an MCP
        // client must refuse to go on (MCP authorization, 2025-11-25 and later).
        // ["S256"], and ["S256", "plain"] under the lax policy.
        "code_challenge_methods_supported": shared.rules().methods_supported(),
        "token_endpoint_auth_methods_supported": ["none"],
        // `iss` is in every authorization response (RFC 9207, OAuth 2.1 -16 §4.1.2).
        "authorization_response_iss_parameter_supported": true,
        // A client_id may be the URL of the client's metadata document, which
        // this server fetches (loopback URLs only: `client_metadata.rs`).
        "client_id_metadata_document_supported": true,
    }))
}

/// The metadata of one protected resource (RFC 9728 §2): its identifier,
/// the authorization server that issues tokens for it, how to present them.
fn protected(shared: &Shared, resource: Protected) -> Json<Value> {
    let mut document = json!({
        // Must equal the identifier the client built the URL from
        // (RFC 9728 §3.3), or the client discards the document.
        "resource": resource.url(shared),
        "authorization_servers": [shared.issuer],
        "bearer_methods_supported": ["header"],
    });
    if let Some(scope) = resource.required_scope() {
        document["scopes_supported"] = json!([scope]);
        document["resource_name"] = json!("pkce-tutor MCP server");
    }
    Json(document)
}

/// `GET /.well-known/oauth-protected-resource/mcp` (RFC 9728 §3.1: the
/// resource's path after the well-known suffix).
pub(crate) async fn protected_mcp(State(shared): State<Arc<Shared>>) -> Json<Value> {
    protected(&shared, Protected::Mcp)
}

/// `GET /.well-known/oauth-protected-resource/resource`.
pub(crate) async fn protected_resource(State(shared): State<Arc<Shared>>) -> Json<Value> {
    protected(&shared, Protected::Resource)
}

/// `GET /.well-known/oauth-protected-resource`: kept from v1 for clients
/// that read it, describing `/resource` as it always has.
pub(crate) async fn protected_root(State(shared): State<Arc<Shared>>) -> Json<Value> {
    protected(&shared, Protected::Resource)
}
