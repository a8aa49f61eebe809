//! Resource indicators (RFC 8707) and the audience of tokens, one rule set
//! for both endpoints (DESIGN.md, "Audience"):
//!
//! - one `resource` per request: several are `invalid_target` (RFC 8707 §2
//!   lets a server refuse what it cannot honour);
//! - only the resources this server protects, `<issuer>/resource` and
//!   `<issuer>/mcp`; anything else is `invalid_target`;
//! - no `resource` at `/authorize` authorizes the default `<issuer>/resource`
//!   (generic OAuth clients send none);
//! - the token request's `resource`, when sent, must equal what was
//!   authorized (RFC 8707 §2.2), so every token has exactly one audience.

use super::Shared;
use super::error::OAuthError;
use super::params::Params;

/// The one `resource` of a request, checked; `None` when absent.
pub(crate) fn requested(shared: &Shared, params: &Params) -> Result<Option<String>, OAuthError> {
    let mut values = params.values("resource");
    let Some(resource) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(OAuthError::new(
            "invalid_target",
            "several resource parameters: this server issues a token for one resource per request (RFC 8707 section 2)",
        ));
    }
    if !shared.protects(resource) {
        return Err(OAuthError::new(
            "invalid_target",
            format!(
                "resource {resource} is not served here; use {issuer}/resource or {issuer}/mcp (RFC 8707 section 2)",
                issuer = shared.issuer
            ),
        ));
    }
    Ok(Some(resource.to_owned()))
}

/// The resource an authorization request authorizes.
pub(crate) fn authorized(shared: &Shared, requested: Option<String>) -> String {
    requested.unwrap_or_else(|| shared.resource_url())
}

/// The token request's `resource` against what the code authorized.
pub(crate) fn check_redemption(sent: Option<&str>, authorized: &str) -> Result<(), OAuthError> {
    match sent {
        Some(sent) if sent != authorized => Err(OAuthError::new(
            "invalid_target",
            format!(
                "resource {sent} was not authorized with this code; it was authorized for {authorized} (RFC 8707 section 2.2)"
            ),
        )),
        _ => Ok(()),
    }
}
