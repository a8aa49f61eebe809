//! The consent page and the user's answer to it, bound to the browser that
//! loaded the page (SPEC.md §9F).
//!
//! The page sets a cookie of its own (`HttpOnly`, `SameSite=Strict`, `Path`
//! the consent path) whose value only the server and that browser know.
//! `POST /consent` must carry it, and, when the browser sends an `Origin`,
//! it must be the issuer's: another site cannot submit the form in the
//! user's name (a strict cookie is not sent on a cross-site POST), and
//! someone who learned the hidden `request_id` cannot answer it from
//! another browser. A refused answer leaves the request pending, so a
//! forged POST cannot cancel the user's consent either.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use subtle::ConstantTimeEq as _;
use tokio::time::Instant;

use super::Shared;
use super::authorize::{Target, error_redirect, issue_code, report};
use super::body::LimitedBody;
use super::error::{OAuthError, escape_html, html_page};
use super::params::Params;
use super::store::{Grant, Pending};
use crate::record::ServerEvent;
use crate::wire::utf8_text;

/// Where the form posts, and the `Path` of its cookie.
const CONSENT_PATH: &str = "/consent";

/// The cookie of one consent request: one name per request, so two consent
/// pages open in one browser do not overwrite each other's cookie. The
/// first 16 characters of the request id (96 random bits) tell them apart.
fn cookie_name(request_id: &str) -> String {
    let prefix: String = request_id.chars().take(16).collect();
    format!("consent_{prefix}")
}

/// The consent page: who asks, where the code will go, Approve or Deny.
pub(crate) fn page(shared: &Shared, grant: Grant) -> Response {
    let request_id = shared.random_value();
    let binding = shared.random_binding();
    let now = Instant::now();
    let client = shared
        .store()
        .clients
        .get_live(&grant.client_id, now)
        .cloned();
    let client_name = client
        .as_ref()
        .and_then(|c| c.client_name.clone())
        .unwrap_or_else(|| grant.client_id.clone());
    let provenance = client
        .and_then(|c| c.metadata_document)
        .map(|url| metadata_note(&url, &grant.redirect_uri))
        .unwrap_or_default();
    shared.emit(ServerEvent::ConsentShown {
        client_id: grant.client_id.clone(),
        redirect_uri: grant.redirect_uri.clone(),
    });
    let pkce_note = match &grant.challenge {
        Some(c) => format!(
            "PKCE: code_challenge {} ({})",
            escape_html(c.as_str()),
            c.method()
        ),
        None => "PKCE: none (no code_challenge was sent)".to_owned(),
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Authorize {name}</title></head><body>\
         <h1>Authorize {name}?</h1>\
         <p>Signed in as <b>demo-user</b>.</p>\
         <p>The code will be sent to <code>{redirect}</code>.</p>\
         {provenance}\
         <p>{pkce_note}</p>\
         <form method=\"post\" action=\"{CONSENT_PATH}\">\
         <input type=\"hidden\" name=\"request_id\" value=\"{request_id}\">\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
         </form></body></html>",
        name = escape_html(&client_name),
        redirect = escape_html(&grant.redirect_uri),
    );
    let cookie = format!(
        "{}={binding}; HttpOnly; SameSite=Strict; Path={CONSENT_PATH}; Max-Age={}",
        cookie_name(&request_id),
        shared.config.limits.consent_lifetime.as_secs()
    );
    let evicted = shared.store().pending.insert(
        request_id,
        Pending {
            grant,
            browser_binding: binding,
        },
        now,
    );
    if evicted > 0 {
        tracing::debug!(
            evicted,
            "consent store full: the oldest pending requests were forgotten"
        );
    }
    let mut response = html_page(StatusCode::OK, body);
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// What the page says of a client known only by its metadata document: the
/// name came from a document anyone can publish, so the page shows where
/// the code goes, by host, and warns when that host is this machine, where
/// any program may listen (MCP authorization, Client ID Metadata Documents;
/// SPEC.md AS-18).
fn metadata_note(document: &str, redirect_uri: &str) -> String {
    let host = url::Url::parse(redirect_uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let local = matches!(host.as_str(), "127.0.0.1" | "[::1]" | "localhost");
    format!(
        "<p>This client is known by its metadata document, <code>{}</code>, which this server fetched; \
         its name is what the document says. The code goes to the host <b>{}</b>{}.</p>",
        escape_html(document),
        escape_html(&host),
        if local {
            " (this machine: any program running here could be listening there)"
        } else {
            ""
        }
    )
}

/// `POST /consent`: the user's decision on the consent page.
pub(crate) async fn consent(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    LimitedBody(body): LimitedBody,
) -> Response {
    let params = Params::decode(&utf8_text(&body));
    shared.emit(ServerEvent::Received {
        method: "POST".into(),
        path: CONSENT_PATH.into(),
        params: params.all(),
    });
    let request_id = params.get("request_id").ok().flatten().unwrap_or("");
    let pending = match take_pending(&shared, &headers, request_id) {
        Ok(pending) => pending,
        Err((status, error)) => {
            report(&shared, &error);
            return error.into_page_with(
                status,
                "Nothing was approved: open the authorization URL again in this browser.",
            );
        }
    };
    let grant = pending.grant;
    // After a POSTed form the redirect is 303, never 307, so the form's
    // content is not sent on to the client (OAuth 2.1 §7.5.4, SPEC.md AS-16).
    let mut response = match params.get("decision") {
        Ok(Some("approve")) => issue_code(&shared, grant, StatusCode::SEE_OTHER),
        _ => {
            let error = OAuthError::new("access_denied", "the user denied the request");
            report(&shared, &error);
            let to = Target::from(&grant);
            error_redirect(&shared, &to, error, StatusCode::SEE_OTHER)
        }
    };
    // The cookie has served its purpose.
    let expired = format!(
        "{}=; HttpOnly; SameSite=Strict; Path={CONSENT_PATH}; Max-Age=0",
        cookie_name(request_id)
    );
    if let Ok(expired) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, expired);
    }
    response
}

/// The pending request this POST answers, taken out of the store only when
/// the POST comes from the browser that loaded the page.
fn take_pending(
    shared: &Shared,
    headers: &HeaderMap,
    request_id: &str,
) -> Result<Pending, (StatusCode, OAuthError)> {
    let forbidden = |why: String| {
        (
            StatusCode::FORBIDDEN,
            OAuthError::new("invalid_request", why),
        )
    };
    let issuer_origin = url::Url::parse(&shared.issuer)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    if let Some(origin) = headers.get(header::ORIGIN)
        && origin.as_bytes() != issuer_origin.as_bytes()
    {
        return Err(forbidden(format!(
            "the consent form was sent from another origin ({}); only pages of {issuer_origin} may send it",
            utf8_text(origin.as_bytes())
        )));
    }
    let mut store = shared.store();
    let now = Instant::now();
    let Some(pending) = store.pending.get_live(request_id, now) else {
        return Err((
            StatusCode::BAD_REQUEST,
            OAuthError::new(
                "invalid_request",
                "unknown or expired consent request: start again from the authorization request",
            ),
        ));
    };
    let name = cookie_name(request_id);
    let bound = cookie(headers, &name).is_some_and(|value| {
        bool::from(value.as_bytes().ct_eq(pending.browser_binding.as_bytes()))
    });
    if !bound {
        return Err(forbidden(format!(
            "the consent form came without the cookie {name} set with the consent page: it must be sent by the browser that loaded the page"
        )));
    }
    store
        .pending
        .remove(request_id)
        .map(|entry| entry.value)
        .ok_or_else(|| forbidden("the consent request is gone".into()))
}

/// The value of the cookie `name` in the request's `Cookie` headers
/// (RFC 6265 §5.4: `name=value` pairs separated by `; `).
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}
