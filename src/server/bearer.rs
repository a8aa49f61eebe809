//! Bearer tokens at a protected resource, one rule set for `/resource` and
//! `/mcp`: reading `Authorization: Bearer` (RFC 6750 §2.1), checking the
//! token (known, unrevoked, unexpired, for this very resource: RFC 8707
//! audience, DESIGN.md "Audience"), and the refusals of RFC 6750 §3.1:
//!
//! - no credentials at all (no header, or another scheme): 401 with a bare
//!   `Bearer` challenge, no `error`;
//! - a malformed request (`Bearer` with nothing after it, or a value that is
//!   not a token68): 400 `invalid_request`;
//! - a token that is unknown, expired, revoked or for another resource:
//!   401 `invalid_token`;
//! - a valid token without the scope the resource needs: 403
//!   `insufficient_scope` (RFC 6750 §3.1; MCP starts its step-up there).
//!
//! Every challenge names the resource's own metadata document, with the
//! resource's path inserted after `/.well-known/oauth-protected-resource`
//! (RFC 9728 §3.1, §5.1), which is where an MCP client starts discovery.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use super::Shared;
use super::access_log::mark;
use crate::record::ServerEvent;

/// A resource this server protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protected {
    /// `/resource`, the default audience of tokens.
    Resource,
    /// `/mcp`, the MCP endpoint.
    Mcp,
}

impl Protected {
    /// The path of the resource on the server.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::Resource => "/resource",
            Self::Mcp => "/mcp",
        }
    }

    /// The resource identifier: the URL a token must be issued for.
    pub(crate) fn url(self, shared: &Shared) -> String {
        format!("{}{}", shared.issuer, self.path())
    }

    /// Its metadata document (RFC 9728 §3.1: the resource's path goes after
    /// the well-known suffix).
    pub(crate) fn metadata_url(self, shared: &Shared) -> String {
        format!(
            "{}/.well-known/oauth-protected-resource{}",
            shared.issuer,
            self.path()
        )
    }

    /// The scope a token needs here, named in the challenge so a client
    /// knows what to ask for (MCP: the challenge's `scope` comes first).
    pub(crate) fn required_scope(self) -> Option<&'static str> {
        match self {
            Self::Resource => None,
            Self::Mcp => Some(super::MCP_SCOPE),
        }
    }
}

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

/// Who a valid token belongs to: what the MCP tool reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    /// The client the token was issued to.
    pub(crate) client_id: String,
    /// The scope granted, if any was asked for.
    pub(crate) scope: Option<String>,
    /// The resource the token is for (RFC 8707).
    pub(crate) audience: String,
}

/// Why the resource refuses (RFC 6750 §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    NoToken,
    Malformed,
    InvalidToken(&'static str),
    InsufficientScope(&'static str),
}

/// Checks the request's bearer token for this resource.
pub(crate) fn authorize(
    shared: &Shared,
    resource: Protected,
    headers: &HeaderMap,
) -> Result<Holder, Refusal> {
    match presented(headers) {
        Presented::Nothing => Err(Refusal::NoToken),
        Presented::Malformed => Err(Refusal::Malformed),
        Presented::Token(token) => check(shared, resource, token),
    }
}

/// The token's holder, or why it is refused.
fn check(shared: &Shared, resource: Protected, token: &str) -> Result<Holder, Refusal> {
    let invalid = Refusal::InvalidToken;
    let store = shared.store();
    let entry = store.tokens.get(token).ok_or(invalid("unknown token"))?;
    if entry.value.revoked {
        return Err(invalid("the token was revoked"));
    }
    if entry.expired(Instant::now()) {
        return Err(invalid("the token has expired"));
    }
    // Every token has an audience; a resource takes only its own, so a
    // token for /resource opens nothing at /mcp and the reverse.
    if entry.value.audience != resource.url(shared) {
        return Err(invalid("the token is meant for another resource"));
    }
    if let Some(needed) = resource.required_scope() {
        let granted = entry.value.scope.as_deref().unwrap_or("");
        if !granted.split(' ').any(|s| s == needed) {
            return Err(Refusal::InsufficientScope(
                "the token was not granted the scope this resource needs",
            ));
        }
    }
    Ok(Holder {
        client_id: entry.value.client_id.clone(),
        scope: entry.value.scope.clone(),
        audience: entry.value.audience.clone(),
    })
}

/// Reports the granted access.
pub(crate) fn report_granted(shared: &Shared) {
    shared.emit(ServerEvent::ResourceAccess {
        granted: true,
        reason: None,
    });
}

/// The refusal as RFC 6750 §3 writes it, with the challenge pointing to the
/// resource's metadata (RFC 9728 §5.1) and, where the resource needs one,
/// the scope to ask for.
pub(crate) fn refuse(shared: &Shared, resource: Protected, refusal: Refusal) -> Response {
    let (status, error, why) = match refusal {
        Refusal::NoToken => (StatusCode::UNAUTHORIZED, None, "no bearer token"),
        Refusal::Malformed => (
            StatusCode::BAD_REQUEST,
            Some("invalid_request"),
            "the Authorization header is Bearer without a well-formed token (RFC 6750 section 2.1)",
        ),
        Refusal::InvalidToken(why) => (StatusCode::UNAUTHORIZED, Some("invalid_token"), why),
        Refusal::InsufficientScope(why) => (StatusCode::FORBIDDEN, Some("insufficient_scope"), why),
    };
    shared.emit(ServerEvent::ResourceAccess {
        granted: false,
        reason: Some(why.to_owned()),
    });
    let mut params = Vec::new();
    if let Some(error) = error {
        params.push(format!("error=\"{error}\""));
        params.push(format!("error_description=\"{why}\""));
    }
    if let Some(scope) = resource.required_scope() {
        params.push(format!("scope=\"{scope}\""));
    }
    params.push(format!(
        "resource_metadata=\"{}\"",
        resource.metadata_url(shared)
    ));
    let challenge = format!("Bearer {}", params.join(", "));
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
