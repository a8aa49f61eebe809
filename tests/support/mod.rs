//! Shared helpers of the server test suites: a server on loopback, a raw
//! HTTP client that follows no redirect, and the assertions every rule test
//! repeats (status, `error`, `Location`, `state`, `iss`, `Cache-Control`).
//!
//! Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::time::Duration;

use pkce_tutor::pkce::{CodeVerifier, derive_s256};
use pkce_tutor::record::ServerReport;
use pkce_tutor::server::{PkcePolicy, ServerConfig, ServerHandle, spawn_loopback};
use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE, WWW_AUTHENTICATE,
};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedReceiver;
use url::Url;

/// RFC 7636 Appendix B (SPEC.md R10).
pub const APPENDIX_B_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// S256 of [`APPENDIX_B_VERIFIER`].
pub const APPENDIX_B_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
/// The second vector of SPEC.md R10: a well-formed verifier that does not
/// match [`APPENDIX_B_CHALLENGE`].
pub const OTHER_VERIFIER: &str = "3641a2d12d66101249cdf7a79c000c1f8c05d2aafcf14bf146497bed";
/// S256 of [`OTHER_VERIFIER`].
pub const OTHER_CHALLENGE: &str = "6fdkQaPm51l13DSukcAH3Mdx7_ntecHYd1vi3n0hMZY";

/// The redirect URI every test client registers.
pub const REDIRECT_URI: &str = "http://127.0.0.1:33418/callback";
/// The `state` every authorization request sends.
pub const STATE: &str = "xyz-state_1";

/// A reqwest client that never follows redirects.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("reqwest client")
}

/// The S256 challenge of a verifier, computed by the crate's own `pkce`.
pub fn challenge_of(verifier: &str) -> String {
    let verifier = CodeVerifier::parse(verifier).expect("a valid verifier");
    derive_s256(&verifier).challenge.as_str().to_owned()
}

/// A running server and a client to talk to it.
pub struct TestServer {
    pub handle: ServerHandle,
    pub http: reqwest::Client,
}

/// The configuration of most tests: PKCE required, consent skipped.
pub fn config(policy: PkcePolicy) -> ServerConfig {
    ServerConfig {
        policy,
        auto_approve: true,
        ..Default::default()
    }
}

impl TestServer {
    /// A server with PKCE required and auto-approve.
    pub async fn start() -> Self {
        Self::with(config(PkcePolicy::Required)).await
    }

    /// A server with PKCE required, auto-approve and https redirect URIs
    /// allowed at registration.
    pub async fn allowing_https() -> Self {
        Self::with(ServerConfig {
            allow_https_redirects: true,
            ..config(PkcePolicy::Required)
        })
        .await
    }

    /// A server with PKCE required and auto-approve whose codes live
    /// `lifetime`.
    pub async fn with_code_lifetime(lifetime: Duration) -> Self {
        Self::with(ServerConfig {
            code_lifetime: lifetime,
            ..config(PkcePolicy::Required)
        })
        .await
    }

    /// A server with PKCE required and auto-approve, and the receiver of
    /// its reports.
    pub async fn with_events() -> (Self, UnboundedReceiver<ServerReport>) {
        let (events, received) = tokio::sync::mpsc::unbounded_channel();
        let server = Self::with(ServerConfig {
            events: Some(events),
            ..config(PkcePolicy::Required)
        })
        .await;
        (server, received)
    }

    /// A server with the given configuration.
    pub async fn with(config: ServerConfig) -> Self {
        let handle = spawn_loopback(config).await.expect("server starts");
        Self {
            handle,
            http: http(),
        }
    }

    pub fn issuer(&self) -> &str {
        self.handle.issuer()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer())
    }

    /// `POST /register` with a JSON document.
    pub async fn register_json(&self, document: &Value) -> reqwest::Response {
        self.http
            .post(self.url("/register"))
            .header(CONTENT_TYPE, "application/json")
            .body(document.to_string())
            .send()
            .await
            .expect("register request")
    }

    /// Registers a public client for these redirect URIs; its `client_id`.
    pub async fn register(&self, redirect_uris: &[&str]) -> String {
        let response = self
            .register_json(&serde_json::json!({
                "client_name": "rule test",
                "redirect_uris": redirect_uris,
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            }))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "registration");
        let body: Value = response.json().await.expect("registration JSON");
        body["client_id"]
            .as_str()
            .expect("client_id in the registration response")
            .to_owned()
    }

    /// The URL of `/authorize` with these parameters, in order, duplicates kept.
    pub fn authorize_url(&self, params: &[(&str, &str)]) -> Url {
        let mut url = Url::parse(&self.url("/authorize")).expect("authorize URL");
        url.query_pairs_mut().extend_pairs(params);
        url
    }

    /// `GET /authorize` with these parameters, in order, duplicates kept.
    pub async fn authorize(&self, params: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .get(self.authorize_url(params).as_str())
            .send()
            .await
            .expect("authorization request")
    }

    /// `GET /authorize` with [`pkce_params`] for this client and then `extra`.
    pub async fn authorize_with(
        &self,
        client_id: &str,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut params = pkce_params(client_id);
        params.extend_from_slice(extra);
        self.authorize(&params).await
    }

    /// Authorizes as [`Self::authorize_with`], asserts the 302 to
    /// [`REDIRECT_URI`]; the code.
    pub async fn code_with(&self, client_id: &str, extra: &[(&str, &str)]) -> String {
        let response = self.authorize_with(client_id, extra).await;
        let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
        param(&location, "code").unwrap_or_else(|| panic!("no code: {location}"))
    }

    /// `GET` a path of this server, without credentials.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }

    /// `GET` a path of this server and parses its body as JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        self.get(path).await.json().await.expect("a JSON body")
    }

    /// `POST /token` with these form parameters, in order.
    pub async fn token(&self, params: &[(&str, &str)]) -> reqwest::Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        self.http
            .post(self.url("/token"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("token request")
    }

    /// `GET /resource`, with a bearer token if given.
    pub async fn resource(&self, token: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(self.url("/resource"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("resource request")
    }

    /// The authorization request of a well-behaved client, with `state` and
    /// `resource`; `challenge` `None` leaves PKCE out.
    pub async fn authorize_for(
        &self,
        client_id: &str,
        redirect_uri: &str,
        challenge: Option<&str>,
    ) -> reqwest::Response {
        let resource = self.url("/resource");
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("state", STATE),
            ("resource", resource.as_str()),
        ];
        if let Some(challenge) = challenge {
            params.push(("code_challenge", challenge));
            params.push(("code_challenge_method", "S256"));
        }
        self.authorize(&params).await
    }

    /// Asserts [`expect_error_redirect`] to [`REDIRECT_URI`] with [`STATE`]
    /// and this server's `iss`; the `error_description`.
    pub fn expect_error_redirect(&self, response: &reqwest::Response, error: &str) -> String {
        expect_error_redirect(response, REDIRECT_URI, error, Some(STATE), self.issuer())
    }

    /// Authorizes and returns the code from the 302, checking `state` and `iss`.
    pub async fn code_for(
        &self,
        client_id: &str,
        redirect_uri: &str,
        challenge: Option<&str>,
    ) -> String {
        let response = self.authorize_for(client_id, redirect_uri, challenge).await;
        let location = expect_redirect(&response, StatusCode::FOUND, redirect_uri);
        assert_eq!(param(&location, "state").as_deref(), Some(STATE));
        assert_eq!(param(&location, "iss").as_deref(), Some(self.issuer()));
        assert_eq!(param(&location, "error"), None, "{location}");
        param(&location, "code").expect("code in the redirect")
    }

    /// The token request of a well-behaved client; `verifier` `None` leaves
    /// `code_verifier` out.
    pub async fn redeem(
        &self,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> reqwest::Response {
        let resource = self.url("/resource");
        let mut params = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", client_id),
            ("resource", resource.as_str()),
        ];
        if let Some(verifier) = verifier {
            params.push(("code_verifier", verifier));
        }
        self.token(&params).await
    }

    /// The token request of [`Self::redeem`] for [`REDIRECT_URI`] with the
    /// Appendix B verifier.
    pub async fn redeem_appendix_b(&self, client_id: &str, code: &str) -> reqwest::Response {
        self.redeem(client_id, code, REDIRECT_URI, Some(APPENDIX_B_VERIFIER))
            .await
    }

    /// The token request for [`REDIRECT_URI`] with the Appendix B verifier,
    /// no `resource`, then these extra parameters.
    pub async fn redeem_with(
        &self,
        client_id: &str,
        code: &str,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut params = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", client_id),
            ("code_verifier", APPENDIX_B_VERIFIER),
        ];
        params.extend_from_slice(extra);
        self.token(&params).await
    }

    /// The token request with `grant_type`, `code`, `client_id` and the
    /// verifier only: no `redirect_uri`, no `resource`.
    pub async fn redeem_without_redirect_uri(
        &self,
        client_id: &str,
        code: &str,
        verifier: Option<&str>,
    ) -> reqwest::Response {
        let mut params = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", client_id),
        ];
        if let Some(verifier) = verifier {
            params.push(("code_verifier", verifier));
        }
        self.token(&params).await
    }

    /// `POST /consent` with a decision, the cookie and the `Origin` given.
    pub async fn consent_with(
        &self,
        request_id: &str,
        decision: &str,
        cookie: Option<&str>,
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url("/consent"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("request_id={request_id}&decision={decision}"));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        request.send().await.expect("consent request")
    }

    /// The browser answers a consent page: the form with its cookie.
    pub async fn consent(&self, page: &ConsentPage, decision: &str) -> reqwest::Response {
        self.consent_with(&page.request_id, decision, page.cookie.as_deref(), None)
            .await
    }

    /// Registers a client, authorizes with the Appendix B challenge and
    /// returns `(client_id, code)`.
    pub async fn appendix_b_code(&self) -> (String, String) {
        let client_id = self.register(&[REDIRECT_URI]).await;
        let code = self
            .code_for(&client_id, REDIRECT_URI, Some(APPENDIX_B_CHALLENGE))
            .await;
        (client_id, code)
    }

    /// The authorization request of a well-behaved client to
    /// [`REDIRECT_URI`] with the Appendix B challenge.
    pub async fn authorize_appendix_b(&self, client_id: &str) -> reqwest::Response {
        self.authorize_for(client_id, REDIRECT_URI, Some(APPENDIX_B_CHALLENGE))
            .await
    }

    /// Authorizes this client to [`REDIRECT_URI`] with the Appendix B
    /// challenge as [`Self::code_for`] does; the code.
    pub async fn appendix_b_code_for(&self, client_id: &str) -> String {
        self.code_for(client_id, REDIRECT_URI, Some(APPENDIX_B_CHALLENGE))
            .await
    }

    /// Reads the consent page of [`Self::authorize_appendix_b`].
    pub async fn consent_page(&self, client_id: &str) -> ConsentPage {
        ConsentPage::read(self.authorize_appendix_b(client_id).await).await
    }

    /// Approves a consent page and asserts the 303 to [`REDIRECT_URI`]; the
    /// `Location`.
    pub async fn approve(&self, page: &ConsentPage) -> Url {
        let approved = self.consent(page, "approve").await;
        expect_redirect(&approved, StatusCode::SEE_OTHER, REDIRECT_URI)
    }

    /// Registers a client and runs the Appendix B flow to a token, asserted
    /// by [`expect_token`]; the access token.
    pub async fn appendix_b_token(&self) -> String {
        let (client_id, code) = self.appendix_b_code().await;
        expect_token(self.redeem_appendix_b(&client_id, &code).await).await
    }
}

/// The parameters of a well-formed authorization request: `code`, this
/// client, [`REDIRECT_URI`], [`STATE`] and the Appendix B S256 challenge.
pub fn pkce_params(client_id: &str) -> Vec<(&str, &str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT_URI),
        ("state", STATE),
        ("code_challenge", APPENDIX_B_CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
}

/// `GET` an absolute URL with a fresh [`http`] client and parses its body
/// as JSON.
pub async fn get_json(url: &str) -> Value {
    http()
        .get(url)
        .send()
        .await
        .expect("GET request")
        .json()
        .await
        .expect("a JSON body")
}

/// A consent page as the browser got it: the form's `request_id` and the
/// cookie set with the page (`name=value`), and the page itself.
pub struct ConsentPage {
    pub request_id: String,
    pub cookie: Option<String>,
    pub html: String,
}

impl ConsentPage {
    /// Reads a consent page response (200, HTML).
    pub async fn read(response: reqwest::Response) -> Self {
        assert_eq!(response.status(), StatusCode::OK, "{}", response.url());
        let cookie = header(&response, SET_COOKIE.as_str())
            .and_then(|c| c.split(';').next().map(str::to_owned));
        let html = response.text().await.expect("consent page");
        let marker = "name=\"request_id\" value=\"";
        let at = html.find(marker).expect("request_id input") + marker.len();
        let request_id = html[at..at + html[at..].find('"').unwrap()].to_owned();
        Self {
            request_id,
            cookie,
            html,
        }
    }
}

/// The value of a query parameter of a URL (the first one of that name).
pub fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// Whether `text` keeps to the characters an `error` or `error_description`
/// may use: `%x20-21 / %x23-5B / %x5D-7E` (OAuth 2.1 §4.1.2.1, SPEC.md AS-15).
pub fn is_error_text(text: &str) -> bool {
    text.chars()
        .all(|c| matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
}

/// Asserts a redirect with this status whose `Location` goes to
/// `redirect_uri` (its query aside); the parsed `Location`.
pub fn expect_redirect(
    response: &reqwest::Response,
    status: StatusCode,
    redirect_uri: &str,
) -> Url {
    assert_eq!(response.status(), status, "status of {}", response.url());
    let location = response
        .headers()
        .get(LOCATION)
        .expect("a Location header")
        .to_str()
        .expect("an ASCII Location");
    let location = Url::parse(location).expect("an absolute Location");
    let mut target = location.clone();
    target.set_query(None);
    assert_eq!(target.as_str(), redirect_uri, "redirect target");
    location
}

/// Asserts an error redirect (OAuth 2.1 §4.1.2.1): 302 to `redirect_uri`
/// with `error`, a well-formed `error_description`, the `state` sent, `iss`,
/// and no code. Returns the `error_description`.
pub fn expect_error_redirect(
    response: &reqwest::Response,
    redirect_uri: &str,
    error: &str,
    state: Option<&str>,
    issuer: &str,
) -> String {
    let location = expect_redirect(response, StatusCode::FOUND, redirect_uri);
    assert_eq!(
        param(&location, "error").as_deref(),
        Some(error),
        "{location}"
    );
    assert_eq!(param(&location, "state").as_deref(), state, "{location}");
    assert_eq!(
        param(&location, "iss").as_deref(),
        Some(issuer),
        "{location}"
    );
    assert_eq!(param(&location, "code"), None, "no code with an error");
    let description = param(&location, "error_description").unwrap_or_default();
    assert!(
        is_error_text(error) && is_error_text(&description),
        "{location}"
    );
    description
}

/// Asserts the error page of the authorization endpoint: 400, HTML, and no
/// `Location` (never redirect to an unvalidated URI, OAuth 2.1 §4.1.2.1).
pub async fn expect_error_page(response: reqwest::Response, error: &str) {
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "{}",
        response.url()
    );
    assert!(response.headers().get(LOCATION).is_none(), "no redirect");
    let content_type = header(&response, CONTENT_TYPE.as_str()).unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let body = response.text().await.expect("page body");
    assert!(body.contains(&format!("error={error}")), "{body}");
}

/// A response header as text.
pub fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header").to_owned())
}

/// Asserts `Cache-Control: no-store` (OAuth 2.1 §3.2.3, §3.2.4).
pub fn expect_no_store(response: &reqwest::Response) {
    let cache_control = header(response, CACHE_CONTROL.as_str()).unwrap_or_default();
    assert!(
        cache_control
            .split(',')
            .any(|d| d.trim().eq_ignore_ascii_case("no-store")),
        "Cache-Control: {cache_control:?}"
    );
}

/// Asserts a JSON error of the token or registration endpoint (OAuth 2.1
/// §3.2.4, RFC 7591 §3.2.2): status, `error`, a well-formed
/// `error_description`, `Cache-Control: no-store`. Returns the description.
pub async fn expect_json_error(
    response: reqwest::Response,
    status: StatusCode,
    error: &str,
) -> String {
    assert_eq!(response.status(), status, "{}", response.url());
    expect_no_store(&response);
    assert!(response.headers().get(LOCATION).is_none());
    let content_type = header(&response, CONTENT_TYPE.as_str()).unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body["error"].as_str(), Some(error), "{body}");
    let description = body["error_description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(is_error_text(&description), "{description:?}");
    description
}

/// Asserts a successful token response (OAuth 2.1 §3.2.3): 200, JSON,
/// `Cache-Control: no-store`, a Bearer `access_token`, `expires_in`.
/// Returns the access token.
pub async fn expect_token(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::OK, "{}", response.url());
    expect_no_store(&response);
    let content_type = header(&response, CONTENT_TYPE.as_str()).unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = response.json().await.expect("a JSON token body");
    assert!(
        body["token_type"]
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case("bearer")),
        "{body}"
    );
    assert!(body["expires_in"].as_u64().is_some_and(|s| s > 0), "{body}");
    let token = body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    assert!(!token.is_empty());
    token
}

/// Asserts the protected resource's refusal (RFC 6750 §3): 401 with a
/// `WWW-Authenticate` challenge of the Bearer scheme. Returns the challenge.
pub fn expect_bearer_challenge(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = header(response, WWW_AUTHENTICATE.as_str()).expect("WWW-Authenticate");
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    challenge
}
