//! The public client (an MCP client, in the series' story): discovery
//! (RFC 8414), dynamic registration (RFC 7591), the authorization request with
//! `state`, `resource` (RFC 8707) and an S256 challenge, the simulated browser
//! hop (consent page, approve, redirect), the `state` and `iss` checks on the
//! redirect (RFC 9207), the token request and a call to the protected resource.
//!
//! Redirects are never followed (SPEC.md C-8): the client reads `Location`
//! itself. Every call returns its HTTP exchange as it crossed the wire.

mod callback;
mod http;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;
use url::Url;

pub use callback::{Callback, CallbackError, parse_callback};

use crate::pkce::{CodeChallenge, CodeVerifier};
use crate::wire::Exchange;

/// Why the client could not go on.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The request could not be sent or its answer not read.
    #[error("{purpose}: {url}: {source}")]
    Transport {
        /// What the request was for.
        purpose: String,
        /// Where it went.
        url: String,
        /// The transport error.
        source: reqwest::Error,
    },
    /// The server answered something the protocol does not allow.
    #[error("{0}")]
    Protocol(String),
    /// The server does not advertise S256: an MCP client must refuse to go on
    /// (MCP authorization, 2025-11-25 and later; SPEC.md C-3).
    #[error(
        "the authorization server does not list S256 in code_challenge_methods_supported: refusing to proceed without PKCE (MCP authorization, SPEC.md C-3)"
    )]
    PkceNotSupported,
    /// The redirect failed the `state` or `iss` check.
    #[error(transparent)]
    Callback(#[from] CallbackError),
}

/// A value together with the exchange that produced it.
#[derive(Debug, Clone)]
pub struct Recorded<T> {
    /// The value.
    pub value: T,
    /// The HTTP exchange as it crossed the wire.
    pub exchange: Exchange,
}

/// The authorization server metadata the client uses (RFC 8414 §2).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Metadata {
    /// The issuer identifier.
    pub issuer: String,
    /// Where the browser goes.
    pub authorization_endpoint: String,
    /// Where the client redeems the code.
    pub token_endpoint: String,
    /// Where the client registers.
    pub registration_endpoint: Option<String>,
    /// PKCE methods; absent means no PKCE (RFC 8414 §2).
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// Whether `iss` comes with every authorization response (RFC 9207 §3).
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

/// What goes into an authorization request (OAuth 2.1 §4.1.1).
#[derive(Debug, Clone)]
pub struct AuthorizationRequest<'a> {
    /// The registered client id.
    pub client_id: &'a str,
    /// The registered redirect URI.
    pub redirect_uri: &'a str,
    /// The CSRF `state` (SPEC.md C-5).
    pub state: &'a str,
    /// The challenge, absent in the plain Step 04 flow.
    pub code_challenge: Option<&'a CodeChallenge>,
    /// The scope asked for.
    pub scope: &'a str,
    /// The resource the token is for (RFC 8707, SPEC.md C-6).
    pub resource: &'a str,
}

/// What goes into a token request (OAuth 2.1 §4.1.3).
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    /// The code from the redirect.
    pub code: &'a str,
    /// The redirect URI of the authorization request.
    pub redirect_uri: &'a str,
    /// The public client's id.
    pub client_id: &'a str,
    /// The verifier, absent in the plain Step 04 flow.
    pub code_verifier: Option<&'a CodeVerifier>,
    /// The resource (RFC 8707).
    pub resource: &'a str,
}

/// The HTTP client of the tutorial: no redirects followed, no TLS (loopback).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
}

impl Client {
    /// A client that never follows redirects.
    pub fn new() -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| ClientError::Transport {
                purpose: "building the HTTP client".into(),
                url: String::new(),
                source,
            })?;
        Ok(Self { http })
    }

    /// Fetches the metadata, checks `issuer` (RFC 8414 §3.3) and PKCE support
    /// (SPEC.md C-2, C-3).
    pub async fn discover(&self, issuer: &str) -> Result<Recorded<Metadata>, ClientError> {
        let url = format!("{issuer}/.well-known/oauth-authorization-server");
        let exchange = self
            .send(
                "discovery (RFC 8414)",
                self.http.get(&url).header(ACCEPT, "application/json"),
            )
            .await?;
        if exchange.response.status != 200 {
            return Err(ClientError::Protocol(format!(
                "discovery answered {} instead of 200",
                exchange.response.status
            )));
        }
        let metadata: Metadata =
            serde_json::from_str(exchange.response.body.as_deref().unwrap_or(""))
                .map_err(|e| ClientError::Protocol(format!("the metadata is not valid: {e}")))?;
        if metadata.issuer != issuer {
            return Err(ClientError::Protocol(format!(
                "the metadata's issuer {} differs from {issuer}: discarded (RFC 8414 section 3.3)",
                metadata.issuer
            )));
        }
        if !metadata
            .code_challenge_methods_supported
            .iter()
            .any(|m| m == "S256")
        {
            return Err(ClientError::PkceNotSupported);
        }
        Ok(Recorded {
            value: metadata,
            exchange,
        })
    }

    /// Registers a public client and returns its `client_id` (RFC 7591 §3).
    pub async fn register(
        &self,
        metadata: &Metadata,
        redirect_uri: &str,
        client_name: &str,
    ) -> Result<Recorded<String>, ClientError> {
        let endpoint = metadata.registration_endpoint.as_deref().ok_or_else(|| {
            ClientError::Protocol("the server has no registration_endpoint".into())
        })?;
        let body = serde_json::json!({
            "client_name": client_name,
            "redirect_uris": [redirect_uri],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        });
        let exchange = self
            .send(
                "registration (RFC 7591)",
                self.http
                    .post(endpoint)
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.to_string()),
            )
            .await?;
        let client_id = (exchange.response.status == 201)
            .then(|| exchange.response.json_str("client_id"))
            .flatten()
            .ok_or_else(|| {
                ClientError::Protocol(format!(
                    "registration answered {} without a client_id",
                    exchange.response.status
                ))
            })?;
        Ok(Recorded {
            value: client_id,
            exchange,
        })
    }

    /// Builds the authorization URL (OAuth 2.1 §4.1.1; RFC 7636 §4.3).
    pub fn authorization_url(
        metadata: &Metadata,
        request: &AuthorizationRequest<'_>,
    ) -> Result<Url, ClientError> {
        let mut url = Url::parse(&metadata.authorization_endpoint).map_err(|e| {
            ClientError::Protocol(format!("authorization_endpoint is not a URL: {e}"))
        })?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", request.client_id)
                .append_pair("redirect_uri", request.redirect_uri)
                .append_pair("scope", request.scope)
                .append_pair("state", request.state);
            if let Some(challenge) = request.code_challenge {
                query
                    .append_pair("code_challenge", challenge.as_str())
                    .append_pair("code_challenge_method", "S256");
            }
            query.append_pair("resource", request.resource);
        }
        Ok(url)
    }

    /// The browser opens the authorization URL: a consent page, or a redirect
    /// when the server auto-approves.
    pub async fn open_authorization(&self, url: &Url) -> Result<Exchange, ClientError> {
        self.send(
            "authorization request (browser)",
            self.http.get(url.as_str()),
        )
        .await
    }

    /// The user presses Approve on the consent page: the form is posted and the
    /// server answers with the redirect carrying the code.
    pub async fn approve(&self, consent_page: &Exchange) -> Result<Exchange, ClientError> {
        let html = consent_page.response.body.as_deref().unwrap_or("");
        let (action, request_id) = callback::consent_form(html).ok_or_else(|| {
            ClientError::Protocol(format!(
                "the authorization endpoint answered {} without a consent form",
                consent_page.response.status
            ))
        })?;
        let action = Url::parse(&consent_page.request.url)
            .and_then(|base| base.join(&action))
            .map_err(|e| ClientError::Protocol(format!("bad consent form action: {e}")))?;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("request_id", &request_id)
            .append_pair("decision", "approve")
            .finish();
        let mut post = self
            .http
            .post(action.as_str())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        // The server binds the form to the browser that loaded the page with
        // a cookie (SPEC.md §9F); a browser sends it back with the form.
        let cookies: Vec<&str> = consent_page
            .response
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, value)| value.split(';').next())
            .map(str::trim)
            .collect();
        if !cookies.is_empty() {
            post = post.header(reqwest::header::COOKIE, cookies.join("; "));
        }
        self.send("consent: Approve (browser)", post.body(form))
            .await
    }

    /// Redeems a code at the token endpoint (OAuth 2.1 §4.1.3, RFC 7636 §4.5).
    /// A refusal is not an error here: it is the recorded answer.
    pub async fn exchange_code(
        &self,
        metadata: &Metadata,
        purpose: &str,
        request: &TokenRequest<'_>,
    ) -> Result<Exchange, ClientError> {
        // Built in a block so that no serializer is held across the await:
        // the future stays `Send` and can be spawned.
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "authorization_code")
                .append_pair("code", request.code)
                .append_pair("redirect_uri", request.redirect_uri)
                .append_pair("client_id", request.client_id);
            if let Some(verifier) = request.code_verifier {
                form.append_pair("code_verifier", verifier.secret());
            }
            form.append_pair("resource", request.resource);
            form.finish()
        };
        self.send(
            purpose,
            self.http
                .post(&metadata.token_endpoint)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(ACCEPT, "application/json")
                .body(body),
        )
        .await
    }

    /// Calls the protected resource with the token in the `Authorization`
    /// header, never in the query (SPEC.md C-11).
    pub async fn call_resource(
        &self,
        purpose: &str,
        resource: &str,
        access_token: &str,
    ) -> Result<Exchange, ClientError> {
        self.send(
            purpose,
            self.http
                .get(resource)
                .header(AUTHORIZATION, format!("Bearer {access_token}")),
        )
        .await
    }

    async fn send(
        &self,
        purpose: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Exchange, ClientError> {
        http::send(&self.http, purpose, request).await
    }
}
