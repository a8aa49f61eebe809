//! Dynamic client registration for public clients (RFC 7591 §3).
//!
//! Choice documented in SPEC.md: a request without `token_endpoint_auth_method`
//! is registered as `none` and the value is echoed back; no secret is issued.
//!
//! The request must be `application/json` (RFC 7591 §3.1). Anything else is
//! refused with 400 `invalid_client_metadata`, the error RFC 7591 §3.2.2
//! gives for metadata the server will not take, so every registration
//! client reads the refusal the way it reads any other; a 415 would be
//! truer to HTTP but falls outside what RFC 7591 clients parse. The rule
//! matters beyond tidiness: a web page may POST `text/plain` to a loopback
//! server without asking, but a JSON POST needs a CORS preflight this server
//! never approves, so no page a learner visits can register clients here.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::body::LimitedBody;
use super::error::OAuthError;
use super::store::Client;
use super::{Shared, redirect_uri};
use crate::record::ServerEvent;

/// `POST /register`.
pub(crate) async fn register(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    LimitedBody(body): LimitedBody,
) -> Response {
    match handle(&shared, &headers, &body) {
        Ok(response) => response,
        Err(error) => {
            shared.emit(ServerEvent::Refused {
                endpoint: "/register".into(),
                error: error.error.into(),
                error_description: error.description.clone(),
            });
            error.into_json_response()
        }
    }
}

fn metadata_error(why: impl Into<String>) -> OAuthError {
    OAuthError::new("invalid_client_metadata", why)
}

/// A list of strings, or an error naming the field.
fn string_list(value: &Value, field: &str) -> Result<Vec<String>, OAuthError> {
    value
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .ok_or_else(|| {
            metadata_error(format!(
                "{field} must be an array of strings (RFC 7591 section 2)"
            ))
        })
}

/// Whether the request says its body is JSON: `application/json`, any case,
/// parameters (`charset=utf-8`) allowed.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

fn handle(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Response, OAuthError> {
    if !is_json(headers) {
        return Err(metadata_error(
            "the registration request must be JSON: Content-Type application/json (RFC 7591 section 3.1)",
        ));
    }
    let limits = &shared.config.limits;
    let request: Value = serde_json::from_slice(body)
        .map_err(|e| metadata_error(format!("the body is not JSON: {e}")))?;
    let Some(fields) = request.as_object() else {
        return Err(metadata_error(
            "the body must be a JSON object (RFC 7591 section 3.1)",
        ));
    };

    let redirect_uris = match fields.get("redirect_uris") {
        None => {
            return Err(OAuthError::new(
                "invalid_redirect_uri",
                "redirect_uris is required for the authorization code grant (RFC 7591 section 2)",
            ));
        }
        Some(value) => string_list(value, "redirect_uris")
            .map_err(|e| OAuthError::new("invalid_redirect_uri", e.description))?,
    };
    if redirect_uris.is_empty() {
        return Err(OAuthError::new(
            "invalid_redirect_uri",
            "redirect_uris is empty (RFC 7591 section 2)",
        ));
    }
    if redirect_uris.len() > limits.max_redirect_uris {
        return Err(OAuthError::new(
            "invalid_redirect_uri",
            format!(
                "{} redirect URIs: this server registers at most {}",
                redirect_uris.len(),
                limits.max_redirect_uris
            ),
        ));
    }
    if let Some(long) = redirect_uris
        .iter()
        .find(|uri| uri.len() > limits.max_redirect_uri_bytes)
    {
        return Err(OAuthError::new(
            "invalid_redirect_uri",
            format!(
                "a redirect URI of {} bytes: this server registers at most {} bytes each",
                long.len(),
                limits.max_redirect_uri_bytes
            ),
        ));
    }
    let allow_https = shared.config.allow_https_redirects;
    if let Some(problem) = redirect_uris
        .iter()
        .find_map(|uri| redirect_uri::registration_problem(uri, allow_https))
    {
        return Err(OAuthError::new("invalid_redirect_uri", problem));
    }

    match fields.get("token_endpoint_auth_method") {
        None => {}
        Some(Value::String(method)) if method == "none" => {}
        Some(other) => {
            return Err(metadata_error(format!(
                "token_endpoint_auth_method {other} is not supported: this server registers public clients (none)"
            )));
        }
    }
    if let Some(value) = fields.get("grant_types") {
        let grants = string_list(value, "grant_types")?;
        if !grants.iter().any(|g| g == "authorization_code") {
            return Err(metadata_error(
                "grant_types must include authorization_code, the only grant this server supports",
            ));
        }
    }
    if let Some(value) = fields.get("response_types") {
        let types = string_list(value, "response_types")?;
        if types.iter().any(|t| t != "code") {
            return Err(metadata_error(
                "response_types may only contain code (RFC 7591 section 2.1)",
            ));
        }
    }
    let client_name = match fields.get("client_name") {
        None => None,
        Some(Value::String(name)) if name.len() > limits.max_client_name_bytes => {
            return Err(metadata_error(format!(
                "client_name is longer than {} bytes",
                limits.max_client_name_bytes
            )));
        }
        Some(Value::String(name)) => Some(name.clone()),
        Some(_) => return Err(metadata_error("client_name must be a string")),
    };

    // OpenID Connect Dynamic Registration §2 defines it; the current MCP
    // revision asks DCR clients to send it (`native` for an app on the
    // user's machine). Optional here, so RFC 7591 clients keep working.
    let application_type = match fields.get("application_type") {
        None => None,
        Some(Value::String(kind)) if kind == "native" || kind == "web" => Some(kind.clone()),
        Some(other) => {
            return Err(metadata_error(format!(
                "application_type {other} is neither native nor web"
            )));
        }
    };

    let client_id = shared.random_client_id();
    let evicted = shared.store().clients.insert(
        client_id.clone(),
        Client {
            redirect_uris: redirect_uris.clone(),
            client_name: client_name.clone(),
            metadata_document: None,
        },
        tokio::time::Instant::now(),
    );
    if evicted > 0 {
        tracing::debug!(
            evicted,
            "client store full: the oldest registrations were forgotten"
        );
    }
    shared.emit(ServerEvent::ClientRegistered {
        client_id: client_id.clone(),
        redirect_uris: redirect_uris.clone(),
    });

    // The server may replace requested metadata (RFC 7591 §3.2.1): it
    // registers the one grant and response type it supports.
    let mut response = json!({
        "client_id": client_id,
        "redirect_uris": redirect_uris,
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    });
    if let Some(name) = client_name {
        response["client_name"] = json!(name);
    }
    if let Some(kind) = application_type {
        response["application_type"] = json!(kind);
    }
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(response),
    )
        .into_response())
}
