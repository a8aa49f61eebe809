//! Discovery documents: authorization server metadata (RFC 8414 §2) and the
//! protected resource's metadata (RFC 9728), which MCP clients read first.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::Shared;

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
    }))
}

/// `GET /.well-known/oauth-protected-resource` (RFC 9728 §2).
pub(crate) async fn protected_resource(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({
        "resource": shared.resource_url(),
        "authorization_servers": [shared.issuer],
        "bearer_methods_supported": ["header"],
    }))
}
