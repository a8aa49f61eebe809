//! The authorization endpoint (OAuth 2.1 §4.1.1–§4.1.2.1) and the consent
//! form that follows it.
//!
//! Check order (§4.1.2.1, SPEC.md AS-8): first `client_id`, then
//! `redirect_uri`; an error in either gets a 400 page and never a redirect.
//! Only then are other errors redirected, with `state` and `iss`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use super::body::LimitedBody;
use super::error::{OAuthError, escape_html};
use super::params::{Duplicated, Params};
use super::store::{Grant, IssuedCode};
use super::{PkcePolicy, Shared, redirect_uri};
use crate::pkce::{ChallengeMethod, CodeChallenge};
use crate::record::{ServerEvent, StoredCode};
use crate::wire::utf8_text;

/// How long a consent page stays answerable.
const CONSENT_LIFETIME: Duration = Duration::from_secs(600);

/// `GET /authorize`.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::decode(query.as_deref().unwrap_or(""));
    shared.emit(ServerEvent::Received {
        method: "GET".into(),
        path: "/authorize".into(),
        params: params.all(),
    });
    let grant = match validate(&shared, &params) {
        Ok(grant) => grant,
        Err(Refusal::Page(error)) => {
            report(&shared, &error);
            return error.into_page();
        }
        Err(Refusal::Redirect { error, to }) => {
            report(&shared, &error);
            return error_redirect(&shared, &to, error, StatusCode::FOUND);
        }
    };
    if shared.config.auto_approve {
        return issue_code(&shared, grant, StatusCode::FOUND);
    }
    consent_page(&shared, grant)
}

/// `POST /consent`: the user's decision on the consent page.
pub(crate) async fn consent(
    State(shared): State<Arc<Shared>>,
    LimitedBody(body): LimitedBody,
) -> Response {
    let params = Params::decode(&utf8_text(&body));
    shared.emit(ServerEvent::Received {
        method: "POST".into(),
        path: "/consent".into(),
        params: params.all(),
    });
    let request_id = params.get("request_id").ok().flatten().unwrap_or("");
    let pending = shared.store().pending.remove(request_id);
    let Some((grant, _)) = pending.filter(|(_, shown)| shown.elapsed() < CONSENT_LIFETIME) else {
        let error = OAuthError::new(
            "invalid_request",
            "unknown or expired consent request: start again from the authorization request",
        );
        report(&shared, &error);
        return error.into_page();
    };
    // After a POSTed form the redirect is 303, never 307, so the form's
    // content is not sent on to the client (OAuth 2.1 §7.5.4, SPEC.md AS-16).
    match params.get("decision") {
        Ok(Some("approve")) => issue_code(&shared, grant, StatusCode::SEE_OTHER),
        _ => {
            let error = OAuthError::new("access_denied", "the user denied the request");
            report(&shared, &error);
            let to = Target::from(&grant);
            error_redirect(&shared, &to, error, StatusCode::SEE_OTHER)
        }
    }
}

/// Where a refused request goes.
enum Refusal {
    /// Client or redirect URI not validated: a page, no redirect.
    Page(OAuthError),
    /// Redirect the error to the validated redirect URI.
    Redirect { error: OAuthError, to: Target },
}

/// A validated redirect URI and the state to echo.
#[derive(Clone)]
struct Target {
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
        .get(&client_id)
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
    if let Some(dup) = params.first_duplicate() {
        return Err(refuse(duplicated(dup)));
    }
    let get = |name: &str| params.get(name).ok().flatten();

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

    let challenge = check_pkce(
        shared.config.policy,
        get("code_challenge"),
        get("code_challenge_method"),
    )
    .map_err(refuse)?;

    let scope = get("scope").map(str::to_owned);
    if let Some(scope) = &scope
        && !scope.split(' ').all(|t| {
            !t.is_empty()
                && t.chars()
                    .all(|c| matches!(c, '\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
        })
    {
        return Err(refuse(OAuthError::new(
            "invalid_scope",
            "scope is not a space-separated list of scope tokens (OAuth 2.1 section 1.4.1)",
        )));
    }

    let resource = get("resource").map(str::to_owned);
    if let Some(resource) = &resource
        && let Some(problem) = resource_problem(resource)
    {
        return Err(refuse(OAuthError::new("invalid_target", problem)));
    }

    Ok(Grant {
        client_id,
        redirect_uri,
        redirect_uri_sent: requested.is_some(),
        state,
        challenge,
        scope,
        resource,
    })
}

/// The PKCE part of the request (RFC 7636 §4.3, §4.4.1; OAuth 2.1 §4.1.1,
/// §4.1.2.1, §7.5.2).
fn check_pkce(
    policy: PkcePolicy,
    challenge: Option<&str>,
    method: Option<&str>,
) -> Result<Option<(CodeChallenge, ChallengeMethod)>, OAuthError> {
    let Some(challenge) = challenge else {
        return match (policy, method) {
            (PkcePolicy::Required, _) => Err(OAuthError::new(
                "invalid_request",
                "code challenge required: this server requires PKCE (OAuth 2.1 section 4.1.2.1, RFC 7636 section 4.4.1)",
            )),
            (PkcePolicy::Optional, Some(_)) => Err(OAuthError::new(
                "invalid_request",
                "code_challenge_method without code_challenge (RFC 7636 section 4.3)",
            )),
            (PkcePolicy::Optional, None) => Ok(None),
        };
    };
    let Some(method) = method else {
        return Err(OAuthError::new(
            "invalid_request",
            "code_challenge_method is required; use S256 (OAuth 2.1 section 4.1.1)",
        ));
    };
    let method = ChallengeMethod::parse(method)
        .map_err(|e| OAuthError::new("invalid_request", e.to_string()))?;
    let challenge = CodeChallenge::parse_s256(challenge)
        .map_err(|e| OAuthError::new("invalid_request", e.to_string()))?;
    Ok(Some((challenge, method)))
}

/// Why a `resource` indicator is unusable (RFC 8707 §2): it must be an
/// absolute URI without a fragment.
pub(crate) fn resource_problem(resource: &str) -> Option<String> {
    match Url::parse(resource) {
        Ok(url) if url.fragment().is_none() => None,
        Ok(_) => Some(format!(
            "resource {resource} has a fragment (RFC 8707 section 2)"
        )),
        Err(_) => Some(format!(
            "resource {resource} is not an absolute URI (RFC 8707 section 2)"
        )),
    }
}

fn report(shared: &Shared, error: &OAuthError) {
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
fn error_redirect(shared: &Shared, to: &Target, error: OAuthError, status: StatusCode) -> Response {
    let pairs = [
        ("error", error.error),
        ("error_description", error.description.as_str()),
    ];
    redirect_to(shared, to, &pairs, status)
}

/// Issues a code bound to the grant and redirects to the client with it
/// (OAuth 2.1 §4.1.2; RFC 7636 §4.4: the challenge is stored with the code).
fn issue_code(shared: &Shared, grant: Grant, status: StatusCode) -> Response {
    let code = shared.random_value();
    let lifetime = shared.config.code_lifetime;
    let stored = StoredCode {
        code: code.clone(),
        client_id: grant.client_id.clone(),
        redirect_uri: grant.redirect_uri.clone(),
        code_challenge: grant.challenge.as_ref().map(|(c, _)| c.as_str().to_owned()),
        code_challenge_method: grant.challenge.as_ref().map(|(_, m)| m.as_str().to_owned()),
        scope: grant.scope.clone(),
        resource: grant.resource.clone(),
        lifetime_secs: lifetime.as_secs(),
    };
    let target = Target::from(&grant);
    {
        let mut store = shared.store();
        let now = Instant::now();
        store.sweep(now, CONSENT_LIFETIME);
        store.codes.insert(
            code.clone(),
            IssuedCode {
                grant,
                expires_at: now + lifetime,
                redeemed: None,
            },
        );
    }
    shared.emit(ServerEvent::CodeIssued(stored));
    redirect_to(shared, &target, &[("code", code.as_str())], status)
}

/// The consent page: who asks, where the code will go, Approve or Deny.
/// Framing is refused (OAuth 2.1 §7.11).
fn consent_page(shared: &Shared, grant: Grant) -> Response {
    let request_id = shared.random_value();
    let client_name = shared
        .store()
        .clients
        .get(&grant.client_id)
        .and_then(|c| c.client_name.clone())
        .unwrap_or_else(|| grant.client_id.clone());
    shared.emit(ServerEvent::ConsentShown {
        client_id: grant.client_id.clone(),
        redirect_uri: grant.redirect_uri.clone(),
    });
    let pkce_note = match &grant.challenge {
        Some((c, m)) => format!("PKCE: code_challenge {} ({})", escape_html(c.as_str()), m),
        None => "PKCE: none (no code_challenge was sent)".to_owned(),
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Authorize {name}</title></head><body>\
         <h1>Authorize {name}?</h1>\
         <p>Signed in as <b>demo-user</b>.</p>\
         <p>The code will be sent to <code>{redirect}</code>.</p>\
         <p>{pkce_note}</p>\
         <form method=\"post\" action=\"/consent\">\
         <input type=\"hidden\" name=\"request_id\" value=\"{request_id}\">\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
         </form></body></html>",
        name = escape_html(&client_name),
        redirect = escape_html(&grant.redirect_uri),
    );
    {
        // Forget expired consents and codes as new ones arrive, so a long
        // `serve` session does not grow without bound.
        let mut store = shared.store();
        let now = Instant::now();
        store.sweep(now, CONSENT_LIFETIME);
        store.pending.insert(request_id, (grant, now));
    }
    (
        StatusCode::OK,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
        ],
        Html(body),
    )
        .into_response()
}
