//! The public client, an MCP client: the discovery chain from a 401 (RFC
//! 9728, RFC 8414, `discovery.rs`), registration by DCR or by a metadata
//! document (`registration.rs`), the authorization request with `state`,
//! `resource` (RFC 8707) and an S256 challenge, the simulated browser hop
//! (consent page, approve, redirect) or a real browser's redirect to the
//! client's loopback listener (`listener.rs`), the `state` and `iss` checks
//! (RFC 9207), the token request, and the calls to the protected resource or
//! the MCP endpoint (`mcp.rs`).
//!
//! Redirects are never followed (SPEC.md C-8): the client reads `Location`
//! itself. Every call returns its HTTP exchange as it crossed the wire.

mod callback;
pub mod challenge;
mod discovery;
mod http;
pub mod listener;
pub mod mcp;
mod registration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;
use url::Url;

pub use callback::{Callback, CallbackError, parse_callback, parse_callback_url};
pub use discovery::{
    Checked, ResourceChallenge, ResourceMetadata, resource_metadata_url, server_metadata_url,
};
pub use listener::Listener;
pub use registration::{APPLICATION_TYPE, metadata_document};

use crate::pkce::{CodeChallenge, CodeVerifier};
use crate::record::{Check, ParamCarrier, PlannedRequest};
use crate::wire::{Exchange, Param};

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
        "the authorization server does not list S256 in code_challenge_methods_supported: refusing to proceed without PKCE (MCP authorization)"
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
    /// What the client checked before it believed the answer.
    pub checks: Vec<Check>,
}

/// The authorization server metadata the client uses (RFC 8414 §2).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
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
    /// Whether a `client_id` may be the URL of a client metadata document
    /// (CIMD).
    #[serde(default)]
    pub client_id_metadata_document_supported: bool,
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

    /// Builds the authorization URL (OAuth 2.1 §4.1.1; RFC 7636 §4.3).
    pub fn authorization_url(
        metadata: &Metadata,
        request: &AuthorizationRequest<'_>,
    ) -> Result<Url, ClientError> {
        let planned = Self::plan_authorization(metadata, request)?;
        let mut url = Url::parse(&planned.url).map_err(|e| {
            ClientError::Protocol(format!("authorization_endpoint is not a URL: {e}"))
        })?;
        url.query_pairs_mut()
            .extend_pairs(planned.params.iter().map(|p| (&p.name, &p.value)));
        Ok(url)
    }

    /// The authorization request the browser is sent to (OAuth 2.1 §4.1.1;
    /// RFC 7636 §4.3), planned: its query parameters in the order they go.
    pub fn plan_authorization(
        metadata: &Metadata,
        request: &AuthorizationRequest<'_>,
    ) -> Result<PlannedRequest, ClientError> {
        Url::parse(&metadata.authorization_endpoint).map_err(|e| {
            ClientError::Protocol(format!("authorization_endpoint is not a URL: {e}"))
        })?;
        let mut params = vec![
            Param::new("response_type", "code"),
            Param::new("client_id", request.client_id),
            Param::new("redirect_uri", request.redirect_uri),
            Param::new("scope", request.scope),
            Param::new("state", request.state),
        ];
        if let Some(challenge) = request.code_challenge {
            params.push(Param::new("code_challenge", challenge.as_str()));
            params.push(Param::new("code_challenge_method", "S256"));
        }
        params.push(Param::new("resource", request.resource));
        Ok(PlannedRequest {
            method: "GET".into(),
            url: metadata.authorization_endpoint.clone(),
            carrier: ParamCarrier::Query,
            params,
            fixed_headers: Vec::new(),
            body: None,
        })
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

    /// The user presses Approve on the consent page: the form the page holds,
    /// planned as the browser will post it.
    pub fn plan_consent(consent_page: &Exchange) -> Result<PlannedRequest, ClientError> {
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
        // A browser posts a form with its Origin, and sends back the cookie
        // that binds the form to the browser that loaded the page (SPEC.md
        // §9F): the server refuses the form without it.
        let mut fixed_headers = vec![
            (
                CONTENT_TYPE.as_str().to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ),
            (
                reqwest::header::ORIGIN.as_str().to_owned(),
                action.origin().ascii_serialization(),
            ),
        ];
        let cookies: Vec<&str> = consent_page
            .response
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, value)| value.split(';').next())
            .map(str::trim)
            .collect();
        if !cookies.is_empty() {
            fixed_headers.push((
                reqwest::header::COOKIE.as_str().to_owned(),
                cookies.join("; "),
            ));
        }
        Ok(PlannedRequest {
            method: "POST".into(),
            url: action.to_string(),
            carrier: ParamCarrier::Form,
            params: vec![
                Param::new("request_id", request_id),
                Param::new("decision", "approve"),
            ],
            fixed_headers,
            body: None,
        })
    }

    /// The user presses Approve on the consent page: the form is posted and the
    /// server answers with the redirect carrying the code.
    pub async fn approve(&self, consent_page: &Exchange) -> Result<Exchange, ClientError> {
        let planned = Self::plan_consent(consent_page)?;
        self.send_planned("consent: Approve (browser)", &planned)
            .await
    }

    /// The token request (OAuth 2.1 §4.1.3, RFC 7636 §4.5), planned: its
    /// form parameters in the order they go.
    pub fn plan_token(metadata: &Metadata, request: &TokenRequest<'_>) -> PlannedRequest {
        let mut params = vec![
            Param::new("grant_type", "authorization_code"),
            Param::new("code", request.code),
            Param::new("redirect_uri", request.redirect_uri),
            Param::new("client_id", request.client_id),
        ];
        if let Some(verifier) = request.code_verifier {
            params.push(Param::new("code_verifier", verifier.secret()));
        }
        params.push(Param::new("resource", request.resource));
        PlannedRequest {
            method: "POST".into(),
            url: metadata.token_endpoint.clone(),
            carrier: ParamCarrier::Form,
            params,
            fixed_headers: vec![
                (
                    CONTENT_TYPE.as_str().to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                ),
                (ACCEPT.as_str().to_owned(), "application/json".to_owned()),
            ],
            body: None,
        }
    }

    /// Redeems a code at the token endpoint (OAuth 2.1 §4.1.3, RFC 7636 §4.5).
    /// A refusal is not an error here: it is the recorded answer.
    pub async fn exchange_code(
        &self,
        metadata: &Metadata,
        purpose: &str,
        request: &TokenRequest<'_>,
    ) -> Result<Exchange, ClientError> {
        self.send_planned(purpose, &Self::plan_token(metadata, request))
            .await
    }

    /// A call to the protected resource with the token in the
    /// `Authorization` header, never in the query (SPEC.md C-11), planned:
    /// the header is its one editable parameter.
    pub fn plan_resource(resource: &str, access_token: &str) -> PlannedRequest {
        PlannedRequest {
            method: "GET".into(),
            url: resource.to_owned(),
            carrier: ParamCarrier::Headers,
            params: vec![Param::new(
                AUTHORIZATION.as_str(),
                format!("Bearer {access_token}"),
            )],
            fixed_headers: Vec::new(),
            body: None,
        }
    }

    /// Calls the protected resource with the token in the `Authorization`
    /// header.
    pub async fn call_resource(
        &self,
        purpose: &str,
        resource: &str,
        access_token: &str,
    ) -> Result<Exchange, ClientError> {
        self.send_planned(purpose, &Self::plan_resource(resource, access_token))
            .await
    }

    /// Sends a planned (perhaps amended) request as it stands: query
    /// parameters in the URL, form parameters in the body, header
    /// parameters as headers. A header that HTTP cannot carry is refused
    /// before anything is sent.
    pub async fn send_planned(
        &self,
        purpose: &str,
        planned: &PlannedRequest,
    ) -> Result<Exchange, ClientError> {
        let method = reqwest::Method::from_bytes(planned.method.as_bytes())
            .map_err(|e| ClientError::Protocol(format!("bad method {}: {e}", planned.method)))?;
        let mut url = Url::parse(&planned.url)
            .map_err(|e| ClientError::Protocol(format!("bad URL {}: {e}", planned.url)))?;
        let pairs = || planned.params.iter().map(|p| (&p.name, &p.value));
        if planned.carrier == ParamCarrier::Query {
            url.query_pairs_mut().extend_pairs(pairs());
        }
        let mut request = self.http.request(method, url.as_str());
        for (name, value) in &planned.fixed_headers {
            request = request.header(name, value);
        }
        if let Some(body) = &planned.body {
            request = request.body(body.clone());
        }
        match planned.carrier {
            ParamCarrier::Query => {}
            ParamCarrier::Form => {
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs())
                    .finish();
                request = request.body(body);
            }
            ParamCarrier::Headers => {
                for p in &planned.params {
                    let name = reqwest::header::HeaderName::from_bytes(p.name.as_bytes());
                    let value = reqwest::header::HeaderValue::from_str(&p.value);
                    let (Ok(name), Ok(value)) = (name, value) else {
                        return Err(ClientError::Protocol(format!(
                            "{}: {:?} cannot travel as an HTTP header",
                            p.name, p.value
                        )));
                    };
                    request = request.header(name, value);
                }
            }
        }
        self.send(purpose, request).await
    }

    pub(crate) async fn send(
        &self,
        purpose: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Exchange, ClientError> {
        http::send(&self.http, purpose, request).await
    }
}
