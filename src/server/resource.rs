//! The protected resource, standing in for an MCP server: it accepts a valid,
//! unrevoked, unexpired bearer token in the `Authorization` header (RFC 6750
//! §2.1) whose audience is this resource (RFC 8707), and otherwise answers
//! as RFC 6750 §3.1 says:
//!
//! - no credentials at all (no header, or another scheme): 401 with a bare
//!   `Bearer` challenge, no `error`;
//! - a malformed request (`Bearer` with nothing after it, or a value that is
//!   not a token68): 400 `invalid_request`;
//! - a token that is unknown, expired, revoked or for another resource:
//!   401 `invalid_token`.
//!
//! Every challenge names the resource metadata (RFC 9728 §5.1).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::time::Instant;

use super::Shared;
use super::access_log::mark;
use crate::record::ServerEvent;

/// What the `Authorization` header holds.
#[derive(Debug, PartialEq, Eq)]
enum Presented<'a> {
    /// No bearer credentials.
    Nothing,
    /// `Bearer` and a token68.
    Token(&'a str),
    /// `Bearer` with nothing, or something that is not a token68.
    Malformed,
}

/// Reads `Authorization: Bearer <token68>` (RFC 6750 §2.1; RFC 9110 §11.4:
/// the scheme is case-insensitive, then one or more spaces).
fn presented(headers: &HeaderMap) -> Presented<'_> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Presented::Nothing;
    };
    let Ok(value) = value.to_str() else {
        return Presented::Malformed;
    };
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Presented::Nothing;
    }
    let token = rest.trim_start_matches(' ');
    if is_token68(token) {
        Presented::Token(token)
    } else {
        Presented::Malformed
    }
}

/// `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
/// (RFC 9110 §11.2), the syntax of `b64token` in RFC 6750 §2.1.
fn is_token68(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// `GET /resource`.
pub(crate) async fn resource(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let refusal = match presented(&headers) {
        Presented::Nothing => Refusal::NoToken,
        Presented::Malformed => Refusal::Malformed,
        Presented::Token(token) => match check(&shared, token) {
            Ok(client_id) => return granted(&shared, client_id),
            Err(why) => Refusal::InvalidToken(why),
        },
    };
    refuse(&shared, refusal)
}

fn granted(shared: &Shared, client_id: String) -> Response {
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

/// Why the resource refuses (RFC 6750 §3.1).
enum Refusal {
    NoToken,
    Malformed,
    InvalidToken(&'static str),
}

fn refuse(shared: &Shared, refusal: Refusal) -> Response {
    let (status, error, why) = match refusal {
        Refusal::NoToken => (StatusCode::UNAUTHORIZED, None, "no bearer token"),
        Refusal::Malformed => (
            StatusCode::BAD_REQUEST,
            Some("invalid_request"),
            "the Authorization header is Bearer without a well-formed token (RFC 6750 section 2.1)",
        ),
        Refusal::InvalidToken(why) => (StatusCode::UNAUTHORIZED, Some("invalid_token"), why),
    };
    shared.emit(ServerEvent::ResourceAccess {
        granted: false,
        reason: Some(why.to_owned()),
    });
    let metadata = format!("{}/.well-known/oauth-protected-resource", shared.issuer);
    let challenge = match error {
        None => format!("Bearer resource_metadata=\"{metadata}\""),
        Some(error) => format!(
            "Bearer error=\"{error}\", error_description=\"{why}\", resource_metadata=\"{metadata}\""
        ),
    };
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    match error {
        Some(error) => mark(response, error),
        None => response,
    }
}

/// The client the token was issued to, or why it is refused.
fn check(shared: &Shared, token: &str) -> Result<String, &'static str> {
    let store = shared.store();
    let entry = store.tokens.get(token).ok_or("unknown token")?;
    if entry.value.revoked {
        return Err("the token was revoked");
    }
    if entry.expired(Instant::now()) {
        return Err("the token has expired");
    }
    // Every token has an audience; this resource takes only its own.
    if entry.value.audience != shared.resource_url() {
        return Err("the token is meant for another resource");
    }
    Ok(entry.value.client_id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn bearer_credentials_are_read_as_rfc_6750_says() {
        assert_eq!(presented(&HeaderMap::new()), Presented::Nothing);
        assert_eq!(presented(&with("Basic abc")), Presented::Nothing);
        assert_eq!(
            presented(&with("Bearer abc-_.~+/==")),
            Presented::Token("abc-_.~+/==")
        );
        assert_eq!(presented(&with("bearer  abc")), Presented::Token("abc"));
        for malformed in [
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "Bearer @@",
            "Bearer ==",
            "Bearer a=b",
        ] {
            assert_eq!(
                presented(&with(malformed)),
                Presented::Malformed,
                "{malformed}"
            );
        }
    }
}
