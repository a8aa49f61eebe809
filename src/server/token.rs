//! The token endpoint (OAuth 2.1 §3.2, §4.1.3) with the PKCE check of
//! RFC 7636 §4.6, in the order of SPEC.md AS-25, and single-use codes
//! (§4.1.3, §7.5.3, SPEC.md AS-26).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use tokio::time::Instant;

use super::body::LimitedBody;
use super::error::OAuthError;
use super::params::{Duplicated, Params};
use super::policy::Challenge;
use super::store::AccessToken;
use super::{Shared, audience};
use crate::record::{PkceVerdict, ServerEvent};
use crate::wire::utf8_text;

/// `POST /token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    LimitedBody(body): LimitedBody,
) -> Response {
    let params = Params::decode(&utf8_text(&body));
    shared.emit(ServerEvent::Received {
        method: "POST".into(),
        path: "/token".into(),
        params: params.all(),
    });
    match handle(&shared, &headers, &params) {
        Ok(response) => response,
        Err(error) => {
            shared.emit(ServerEvent::Refused {
                endpoint: "/token".into(),
                error: error.error.into(),
                error_description: error.description.clone(),
            });
            error.into_json_response()
        }
    }
}

fn handle(shared: &Shared, headers: &HeaderMap, params: &Params) -> Result<Response, OAuthError> {
    // The body is application/x-www-form-urlencoded (OAuth 2.1 §3.2.2).
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form {
        return Err(OAuthError::new(
            "invalid_request",
            "the token request must be a form: Content-Type application/x-www-form-urlencoded (OAuth 2.1 section 3.2.2)",
        ));
    }
    if let Some(Duplicated(name)) = params.first_duplicate(&["resource"]) {
        return Err(OAuthError::new(
            "invalid_request",
            format!("parameter {name} is sent more than once (OAuth 2.1 section 3.2)"),
        ));
    }
    let get = |name: &str| params.get(name).ok().flatten();

    match get("grant_type") {
        None => {
            return Err(OAuthError::new(
                "invalid_request",
                "grant_type is missing (OAuth 2.1 section 3.2.2)",
            ));
        }
        Some("authorization_code") => {}
        Some(other) => {
            return Err(OAuthError::new(
                "unsupported_grant_type",
                format!("grant_type {other} is not supported; use authorization_code"),
            ));
        }
    }

    let client_id = authenticate(shared, headers, get("client_id"))?;
    let code = get("code").ok_or_else(|| {
        OAuthError::new(
            "invalid_request",
            "code is missing (OAuth 2.1 section 4.1.3)",
        )
    })?;
    let verifier = get("code_verifier");
    let resource = audience::requested(shared, params)?;

    // Everything from here to the redemption happens under one lock, so two
    // simultaneous redemptions cannot both win.
    let mut store = shared.store();
    let now = Instant::now();
    let invalid_grant = |why: &str| OAuthError::new("invalid_grant", why);
    let Some(entry) = store.codes.get(code) else {
        return Err(invalid_grant(
            "the code is unknown: never issued here, or forgotten (OAuth 2.1 section 4.1.3)",
        ));
    };
    if entry.expired(now) {
        return Err(invalid_grant(
            "the code has expired (OAuth 2.1 section 4.1.2)",
        ));
    }
    let issued = entry.value.clone();
    if issued.grant.client_id != client_id {
        return Err(invalid_grant(
            "the code was issued to another client (OAuth 2.1 section 4.1.3)",
        ));
    }
    let redirect_ok = match get("redirect_uri") {
        Some(sent) => sent == issued.grant.redirect_uri,
        None => !issued.grant.redirect_uri_sent,
    };
    if !redirect_ok {
        return Err(invalid_grant(
            "redirect_uri does not match the authorization request (OAuth 2.1 section 10.2, RFC 6749 section 4.1.3)",
        ));
    }
    audience::check_redemption(resource.as_deref(), &issued.grant.resource)?;

    let check = shared
        .rules()
        .check(code, issued.grant.challenge.as_ref(), verifier);
    let verdict = check.verdict;
    shared.emit(ServerEvent::PkceChecked(check));
    match verdict {
        PkceVerdict::Match | PkceVerdict::NotUsed => {}
        // A failed attempt does not burn the code: a guessing attacker could
        // otherwise deny service to the real client (SPEC.md choices).
        PkceVerdict::Mismatch => {
            return Err(invalid_grant(match issued.grant.challenge {
                Some(Challenge::Plain(_)) => {
                    "code_verifier does not match the code_challenge: with plain they must be equal (RFC 7636 section 4.6)"
                }
                _ => {
                    "code_verifier does not match the code_challenge: BASE64URL(SHA256(code_verifier)) differs (RFC 7636 section 4.6)"
                }
            }));
        }
        PkceVerdict::MalformedVerifier => {
            return Err(invalid_grant(
                "code_verifier breaks 43*128unreserved, so it cannot match (RFC 7636 section 4.1)",
            ));
        }
        PkceVerdict::MissingVerifier => {
            return Err(OAuthError::new(
                "invalid_request",
                "code_verifier is missing: this code was issued with a code_challenge (RFC 7636 section 4.5)",
            ));
        }
        PkceVerdict::Downgrade => {
            return Err(OAuthError::new(
                "invalid_request",
                "code_verifier sent for a code issued without a code_challenge: PKCE downgrade refused (RFC 9700 section 4.8.2)",
            ));
        }
    }

    if let Some(previous) = issued.redeemed {
        // A second valid redemption: refuse and revoke what the first one
        // produced (OAuth 2.1 §4.1.3, §7.5.3).
        for token in &previous {
            if let Some(t) = store.tokens.get_mut(token) {
                t.value.revoked = true;
            }
        }
        drop(store);
        shared.emit(ServerEvent::TokensRevoked {
            code: code.to_owned(),
            access_tokens: previous,
        });
        return Err(invalid_grant(
            "the code was already used; the tokens issued for it are revoked (OAuth 2.1 section 4.1.3)",
        ));
    }

    let access_token = shared.random_value();
    let lifetime = shared.config.token_lifetime;
    // Every token is for exactly one resource (DESIGN.md, "Audience").
    let audience = issued.grant.resource.clone();
    let evicted = store.tokens.insert(
        access_token.clone(),
        AccessToken {
            client_id: client_id.clone(),
            scope: issued.grant.scope.clone(),
            audience: audience.clone(),
            revoked: false,
        },
        now,
    );
    if let Some(entry) = store.codes.get_mut(code) {
        entry.value.redeemed = Some(vec![access_token.clone()]);
    }
    drop(store);
    if evicted > 0 {
        tracing::debug!(
            evicted,
            "token store full: the oldest tokens were forgotten"
        );
    }
    shared.emit(ServerEvent::TokenIssued {
        code: code.to_owned(),
        client_id,
        access_token: access_token.clone(),
        expires_in: lifetime.as_secs(),
        audience: Some(audience),
    });

    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
    });
    if let Some(scope) = &issued.grant.scope {
        body["scope"] = json!(scope);
    }
    // OAuth 2.1 §3.2.3: 200, JSON, Cache-Control: no-store.
    Ok((
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        axum::Json(body),
    )
        .into_response())
}

/// Identifies the public client: `client_id` in the body, or HTTP Basic with
/// the client id and an empty password (as requests-oauthlib sends for a
/// client without a secret, SPEC.md §6). Anything else that tries to
/// authenticate fails with 401 `invalid_client` (OAuth 2.1 §3.2.4).
fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    body_client_id: Option<&str>,
) -> Result<String, OAuthError> {
    let invalid_client = |why: String| OAuthError::new("invalid_client", why);
    let client_id = match headers.get(header::AUTHORIZATION) {
        Some(value) => {
            let (id, secret) = basic_credentials(value.to_str().unwrap_or("")).ok_or_else(|| {
                invalid_client(
                    "the Authorization header is not valid HTTP Basic client authentication (OAuth 2.1 section 2.4.1)"
                        .into(),
                )
            })?;
            if !secret.is_empty() {
                return Err(invalid_client(
                    "this server registers public clients only: a client secret cannot be right (token_endpoint_auth_method none)".into(),
                ));
            }
            if body_client_id.is_some_and(|b| b != id) {
                return Err(OAuthError::new(
                    "invalid_request",
                    "client_id in the body differs from the one in the Authorization header",
                ));
            }
            id
        }
        None => body_client_id
            .ok_or_else(|| {
                OAuthError::new(
                    "invalid_request",
                    "client_id is missing: a public client sends it in the body (OAuth 2.1 section 3.2.1)",
                )
            })?
            .to_owned(),
    };
    if !shared
        .store()
        .clients
        .contains_live(&client_id, Instant::now())
    {
        return Err(invalid_client(format!("unknown client_id {client_id}")));
    }
    Ok(client_id)
}

/// Decodes `Basic base64(urlencode(id):urlencode(secret))` (OAuth 2.1 §2.4.1).
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    let id = unescape(id)?;
    (!id.is_empty()).then_some(())?;
    Some((id, unescape(secret)?))
}
