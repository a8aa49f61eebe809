//! How the client gets its `client_id`, both ways (SPEC.md §9A):
//!
//! - Dynamic Client Registration (RFC 7591): POST the client's metadata to
//!   the server's `registration_endpoint`; the server answers with a
//!   `client_id`. The current MCP revision still allows it, asks for
//!   `application_type`, and prefers the next way when the server offers it;
//! - a Client ID Metadata Document: the client publishes its metadata as a
//!   JSON document at a URL, and that URL is its `client_id`. Nothing is
//!   sent at registration time; the server fetches the document when an
//!   authorization request first names it.

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use super::{Checked, Client, ClientError, Metadata, Recorded};
use crate::record::Check;

/// `application_type` of a client that runs on the user's machine
/// (OpenID Connect Dynamic Registration §2).
pub const APPLICATION_TYPE: &str = "native";

/// The metadata both ways describe: a public client (no secret) using the
/// authorization code grant with the given redirect URI.
fn client_metadata(redirect_uri: &str, client_name: &str) -> Value {
    json!({
        "client_name": client_name,
        "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "application_type": APPLICATION_TYPE,
    })
}

/// The client's metadata document, published at `url`: its `client_id` is
/// that very URL (the server checks they are equal).
pub fn metadata_document(url: &str, redirect_uri: &str, client_name: &str) -> Value {
    let mut document = client_metadata(redirect_uri, client_name);
    document["client_id"] = json!(url);
    document
}

impl Client {
    /// Dynamic registration as it happened: the exchange, the check, and
    /// the `client_id` or why there is none (RFC 7591 §3).
    pub async fn registration(
        &self,
        metadata: &Metadata,
        redirect_uri: &str,
        client_name: &str,
    ) -> Result<Checked<String>, ClientError> {
        let endpoint = metadata.registration_endpoint.as_deref().ok_or_else(|| {
            ClientError::Protocol("the server has no registration_endpoint".into())
        })?;
        let exchange = self
            .send(
                "registration (RFC 7591)",
                self.http
                    .post(endpoint)
                    .header(CONTENT_TYPE, "application/json")
                    .body(client_metadata(redirect_uri, client_name).to_string()),
            )
            .await?;
        let response = &exchange.response;
        let client_id = (response.status == 201)
            .then(|| response.json_str("client_id"))
            .flatten();
        let rule = format!(
            "201 Created with a client_id (RFC 7591 §3.2.1; got {})",
            response.status
        );
        let checks = vec![Check::new(client_id.is_some(), rule.clone())];
        let outcome = client_id.ok_or_else(|| {
            response
                .json_str("error")
                .map_or(rule, |error| format!("registration refused: {error}"))
        });
        Ok(Checked {
            exchange,
            checks,
            outcome,
        })
    }

    /// Registers a public client and returns its `client_id` (RFC 7591 §3);
    /// a refusal is an error here.
    pub async fn register(
        &self,
        metadata: &Metadata,
        redirect_uri: &str,
        client_name: &str,
    ) -> Result<Recorded<String>, ClientError> {
        let checked = self
            .registration(metadata, redirect_uri, client_name)
            .await?;
        match checked.outcome {
            Ok(value) => Ok(Recorded {
                value,
                exchange: checked.exchange,
                checks: checked.checks,
            }),
            Err(why) => Err(ClientError::Protocol(why)),
        }
    }
}
