//! Dynamic client registration for public clients (RFC 7591 §3).
//!
//! Choice documented in SPEC.md: a request without `token_endpoint_auth_method`
//! is registered as `none` and the value is echoed back; no secret is issued.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
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
    LimitedBody(body): LimitedBody,
) -> Response {
    match handle(&shared, &body) {
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

fn handle(shared: &Shared, body: &[u8]) -> Result<Response, OAuthError> {
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
    if let Some(problem) = redirect_uris
        .iter()
        .find_map(|uri| redirect_uri::registration_problem(uri))
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
        Some(Value::String(name)) => Some(name.clone()),
        Some(_) => return Err(metadata_error("client_name must be a string")),
    };

    let client_id = shared.random_client_id();
    shared.store().clients.insert(
        client_id.clone(),
        Client {
            redirect_uris: redirect_uris.clone(),
            client_name: client_name.clone(),
        },
    );
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
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(response),
    )
        .into_response())
}
