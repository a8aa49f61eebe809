//! The authorization endpoint (OAuth 2.1 §4.1.1–§4.1.2.1): validating the
//! request, redirecting errors, issuing codes. The consent page and form are
//! in `consent.rs`.
//!
//! Check order (§4.1.2.1, SPEC.md AS-8): first `client_id`, then
//! `redirect_uri`; an error in either gets a 400 page and never a redirect.
//! Only then are other errors redirected, with `state` and `iss`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;
use url::Url;

use super::access_log::mark;
use super::error::{OAuthError, html_page};
use super::params::{Duplicated, Params};
use super::store::{Grant, IssuedCode};
use super::{Shared, audience, client_metadata, consent, redirect_uri};
use crate::record::{ServerEvent, StoredCode};

/// `GET /authorize`.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = received(&shared, "GET", query.as_deref());
    // A client_id that is a URL names the client's metadata document: fetch
    // and check it first, so the checks below see the client it describes.
    if let Ok(Some(client_id)) = params.get("client_id")
        && client_metadata::is_metadata_url(client_id)
        && let Err(error) = client_metadata::resolve(&shared, client_id).await
    {
        return refuse(&shared, Refusal::Page(error));
    }
    let grant = match validate(&shared, &params) {
        Ok(grant) => grant,
        Err(refusal) => return refuse(&shared, refusal),
    };
    if shared.config.auto_approve {
        return issue_code(&shared, grant, StatusCode::FOUND);
    }
    consent::page(&shared, grant)
}

/// `HEAD /authorize`: the same checks as `GET`, and nothing else. A HEAD
/// request must not change anything (RFC 9110 §9.2.1, safe methods), so a
/// valid request issues no code and leaves no pending consent: it answers
/// 200 with the headers of the consent page. Nor does it fetch a client's
/// metadata document: a URL `client_id` is known only once a GET fetched it.
pub(crate) async fn authorize_head(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = received(&shared, "HEAD", query.as_deref());
    match validate(&shared, &params) {
        Ok(_) => html_page(StatusCode::OK, String::new()),
        Err(refusal) => refuse(&shared, refusal),
    }
}

fn received(shared: &Shared, method: &str, query: Option<&str>) -> Params {
    let params = Params::decode(query.unwrap_or(""));
    shared.emit(ServerEvent::Received {
        method: method.into(),
        path: "/authorize".into(),
        params: params.all(),
    });
    params
}

/// Where a refused request goes.
enum Refusal {
    /// Client or redirect URI not validated: a page, no redirect.
    Page(OAuthError),
    /// Redirect the error to the validated redirect URI.
    Redirect { error: OAuthError, to: Target },
}

fn refuse(shared: &Shared, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Page(error) => {
            report(shared, &error);
            error.into_page()
        }
        Refusal::Redirect { error, to } => {
            report(shared, &error);
            error_redirect(shared, &to, error, StatusCode::FOUND)
        }
    }
}

/// A validated redirect URI and the state to echo.
#[derive(Clone)]
pub(crate) struct Target {
    redirect_uri: String,
    state: Option<Vec<u8>>,
}

impl From<&Grant> for Target {
    fn from(grant: &Grant) -> Self {
        Self {
            redirect_uri: grant.redirect_uri.clone(),
            state: grant.state.clone(),
        }
    }
}

fn duplicated(Duplicated(name): Duplicated) -> OAuthError {
    OAuthError::new(
        "invalid_request",
        format!("parameter {name} is sent more than once (OAuth 2.1 section 3.1)"),
    )
}

fn validate(shared: &Shared, params: &Params) -> Result<Grant, Refusal> {
    // 1. client_id (§4.1.2.1): no redirect on failure.
    let client_id = params
        .get("client_id")
        .map_err(|d| Refusal::Page(duplicated(d)))?
        .ok_or_else(|| {
            Refusal::Page(OAuthError::new(
                "invalid_request",
                "client_id is missing (OAuth 2.1 section 4.1.1)",
            ))
        })?
        .to_owned();
    let client = shared
        .store()
        .clients
        .get_live(&client_id, Instant::now())
        .cloned()
        .ok_or_else(|| {
            Refusal::Page(OAuthError::new(
                "invalid_client",
                format!("unknown client_id {client_id}: register first (RFC 7591)"),
            ))
        })?;

    // 2. redirect_uri (§4.1.2.1, §2.3.2): no redirect on failure.
    let requested = params
        .get("redirect_uri")
        .map_err(|d| Refusal::Page(duplicated(d)))?;
    let redirect_uri = match requested {
        Some(uri) => {
            if !client
                .redirect_uris
                .iter()
                .any(|reg| redirect_uri::matches(reg, uri))
            {
                return Err(Refusal::Page(OAuthError::new(
                    "invalid_request",
                    format!(
                        "redirect_uri {uri} is not registered for this client (exact match, OAuth 2.1 section 4.1.1)"
                    ),
                )));
            }
            uri.to_owned()
        }
        None => match client.redirect_uris.as_slice() {
            [only] => only.clone(),
            _ => {
                return Err(Refusal::Page(OAuthError::new(
                    "invalid_request",
                    "redirect_uri is required when several are registered (OAuth 2.1 section 2.3.2)",
                )));
            }
        },
    };

    // 3. Everything else is redirected with state and iss.
    let state = params.raw_bytes("state");
    let to = Target {
        redirect_uri: redirect_uri.clone(),
        state: state.clone(),
    };
    let refuse = |error: OAuthError| Refusal::Redirect {
        error,
        to: to.clone(),
    };
    if let Some(dup) = params.first_duplicate(&["resource"]) {
        return Err(refuse(duplicated(dup)));
    }
    let get = |name: &str| params.get(name).ok().flatten();
    let limits = &shared.config.limits;
    if state
        .as_ref()
        .is_some_and(|s| s.len() > limits.max_state_bytes)
    {
        return Err(refuse(OAuthError::new(
            "invalid_request",
            format!(
                "state is longer than {} bytes, the limit of this server",
                limits.max_state_bytes
            ),
        )));
    }

    match get("response_type") {
        None => {
            return Err(refuse(OAuthError::new(
                "invalid_request",
                "response_type is missing (OAuth 2.1 section 4.1.1)",
            )));
        }
        Some("code") => {}
        Some(other) => {
            return Err(refuse(OAuthError::new(
                "unsupported_response_type",
                format!(
                    "response_type {other} is not supported; use code (OAuth 2.1 section 4.1.1)"
                ),
            )));
        }
    }

    let challenge = shared
        .rules()
        .challenge(get("code_challenge"), get("code_challenge_method"))
        .map_err(refuse)?;

    let scope = get("scope").map(str::to_owned);
    if let Some(scope) = &scope {
        if scope.len() > limits.max_scope_bytes {
            return Err(refuse(OAuthError::new(
                "invalid_scope",
                format!(
                    "scope is longer than {} bytes, the limit of this server",
                    limits.max_scope_bytes
                ),
            )));
        }
        let tokens_ok = scope.split(' ').all(|t| {
            !t.is_empty()
                && t.chars()
                    .all(|c| matches!(c, '\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
        });
        if !tokens_ok {
            return Err(refuse(OAuthError::new(
                "invalid_scope",
                "scope is not a space-separated list of scope tokens (OAuth 2.1 section 1.4.1)",
            )));
        }
    }

    let resource = audience::requested(shared, params).map_err(refuse)?;

    Ok(Grant {
        client_id,
        redirect_uri,
        redirect_uri_sent: requested.is_some(),
        state,
        challenge,
        scope,
        resource: audience::authorized(shared, resource),
    })
}

pub(crate) fn report(shared: &Shared, error: &OAuthError) {
    shared.emit(ServerEvent::Refused {
        endpoint: "/authorize".into(),
        error: error.error.into(),
        error_description: error.description.clone(),
    });
}

/// Redirects to the client: the redirect URI's own query, then `pairs`,
/// then `state` exactly as it was sent and `iss` (OAuth 2.1 §4.1.2 and
/// §4.1.2.1, RFC 9207).
fn redirect_to(
    shared: &Shared,
    to: &Target,
    pairs: &[(&str, &str)],
    status: StatusCode,
) -> Response {
    let Ok(mut url) = Url::parse(&to.redirect_uri) else {
        // Registered URIs are validated absolute URIs; this cannot happen,
        // but a page is better than a panic.
        return OAuthError::new("server_error", "stored redirect URI does not parse").into_page();
    };
    let mut query = url.query().map(str::to_owned).unwrap_or_default();
    let mut append = |name: &str, value: &[u8]| {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.extend(url::form_urlencoded::byte_serialize(value));
    };
    for (name, value) in pairs {
        append(name, value.as_bytes());
    }
    if let Some(state) = &to.state {
        append("state", state);
    }
    append("iss", shared.issuer.as_bytes());
    url.set_query(Some(&query));
    let mut response = status.into_response();
    if let Ok(location) = HeaderValue::from_str(url.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An error sent back to the client on its redirect URI (OAuth 2.1 §4.1.2.1).
pub(crate) fn error_redirect(
    shared: &Shared,
    to: &Target,
    error: OAuthError,
    status: StatusCode,
) -> Response {
    let pairs = [
        ("error", error.error),
        ("error_description", error.description.as_str()),
    ];
    mark(redirect_to(shared, to, &pairs, status), error.error)
}

/// Issues a code bound to the grant and redirects to the client with it
/// (OAuth 2.1 §4.1.2; RFC 7636 §4.4: the challenge is stored with the code).
pub(crate) fn issue_code(shared: &Shared, mut grant: Grant, status: StatusCode) -> Response {
    let code = shared.random_value();
    let lifetime = shared.config.code_lifetime;
    let stored = StoredCode {
        code: code.clone(),
        client_id: grant.client_id.clone(),
        redirect_uri: grant.redirect_uri.clone(),
        code_challenge: grant.challenge.as_ref().map(|c| c.as_str().to_owned()),
        code_challenge_method: grant.challenge.as_ref().map(|c| c.method().to_owned()),
        scope: grant.scope.clone(),
        resource: Some(grant.resource.clone()),
        lifetime_secs: lifetime.as_secs(),
    };
    let target = Target::from(&grant);
    // The state goes back in this redirect; the code need not keep it.
    grant.state = None;
    let evicted = shared.store().codes.insert(
        code.clone(),
        IssuedCode {
            grant,
            redeemed: None,
        },
        Instant::now(),
    );
    if evicted > 0 {
        tracing::debug!(evicted, "code store full: the oldest codes were forgotten");
    }
    shared.emit(ServerEvent::CodeIssued(stored));
    redirect_to(shared, &target, &[("code", code.as_str())], status)
}
