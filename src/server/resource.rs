//! The protected resource, standing in for an MCP server: it accepts a valid,
//! unrevoked, unexpired bearer token in the `Authorization` header (RFC 6750
//! §2.1) meant for it, and answers 401 with `WWW-Authenticate: Bearer`
//! otherwise (RFC 6750 §3, RFC 9728 §5.1).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Shared;
use crate::record::ServerEvent;

/// `GET /resource`.
pub(crate) async fn resource(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let verdict = match &presented {
        None => Err(None),
        Some(token) => check(&shared, token).map_err(Some),
    };
    match verdict {
        Ok(client_id) => {
            shared.emit(ServerEvent::ResourceAccess {
                granted: true,
                reason: None,
            });
            (
                StatusCode::OK,
                [(header::CACHE_CONTROL, "no-store")],
                axum::Json(json!({
                    "resource": shared.resource_url(),
                    "client_id": client_id,
                    "message": "access granted: the bearer token is valid for this resource",
                })),
            )
                .into_response()
        }
        Err(reason) => {
            shared.emit(ServerEvent::ResourceAccess {
                granted: false,
                reason: Some(reason.unwrap_or("no bearer token").to_owned()),
            });
            let metadata = format!("{}/.well-known/oauth-protected-resource", shared.issuer);
            let challenge = match reason {
                None => format!("Bearer resource_metadata=\"{metadata}\""),
                Some(why) => format!(
                    "Bearer error=\"invalid_token\", error_description=\"{why}\", resource_metadata=\"{metadata}\""
                ),
            };
            let mut response = StatusCode::UNAUTHORIZED.into_response();
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            response
        }
    }
}

/// The client the token was issued to, or why it is refused.
fn check(shared: &Shared, token: &str) -> Result<String, &'static str> {
    let store = shared.store();
    let token = store.tokens.get(token).ok_or("unknown token")?;
    if token.revoked {
        return Err("the token was revoked");
    }
    if token.expires_at <= Instant::now() {
        return Err("the token has expired");
    }
    if token
        .audience
        .as_deref()
        .is_some_and(|aud| aud != shared.resource_url())
    {
        return Err("the token is meant for another resource");
    }
    Ok(token.client_id.clone())
}
