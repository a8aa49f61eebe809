//! Interop with an independent client (issue 2, SPEC.md §6): the `oauth2`
//! crate (v5, no built-in HTTP client) runs a whole S256 flow against our
//! server and gets a token the protected resource accepts; with a wrong
//! verifier it gets `invalid_grant`.
//!
//! The crate is driven through a closure over our own reqwest client: its
//! `http::Request<Vec<u8>>` is sent as is and the answer handed back as an
//! `http::Response<Vec<u8>>`. Every token request it sends is kept so the
//! test can show what the crate put on the wire.

mod support;

use std::sync::{Arc, Mutex};

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
    TokenUrl,
};
use reqwest::StatusCode;
use support::*;
use url::Url;

/// Sends an `oauth2` request with our reqwest client (no redirect followed)
/// and returns the answer in the crate's terms.
async fn send(
    http: reqwest::Client,
    sent: Arc<Mutex<Vec<String>>>,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let (parts, body) = request.into_parts();
    sent.lock()
        .unwrap()
        .push(String::from_utf8_lossy(&body).into_owned());
    let response = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?.to_vec();
    let mut answer = http::Response::new(body);
    *answer.status_mut() = status;
    *answer.headers_mut() = headers;
    Ok(answer)
}

/// The pieces of one flow driven by the `oauth2` crate.
struct Flow {
    server: TestServer,
    /// With an authorization and a token endpoint.
    client: BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>,
    resource: String,
}

/// Starts a server (PKCE required, auto-approve), registers a public client
/// with raw reqwest, and builds the `oauth2` client from the metadata.
async fn setup() -> Flow {
    let server = TestServer::start().await;
    let metadata = server
        .get_json("/.well-known/oauth-authorization-server")
        .await;
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    let client_id = server.register(&[REDIRECT_URI]).await;
    let client = BasicClient::new(ClientId::new(client_id))
        .set_auth_uri(
            AuthUrl::new(metadata["authorization_endpoint"].as_str().unwrap().into()).unwrap(),
        )
        .set_token_uri(TokenUrl::new(metadata["token_endpoint"].as_str().unwrap().into()).unwrap())
        .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap());
    let resource = server.url("/resource");
    Flow {
        server,
        client,
        resource,
    }
}

impl Flow {
    /// Builds the authorization URL with the crate, "opens" it (the server
    /// auto-approves) and reads the code from the `Location`, checking
    /// `state` and `iss`. Returns the code and the verifier.
    async fn authorize(&self) -> (String, PkceCodeVerifier) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, csrf) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scope(Scope::new("mcp".into()))
            .add_extra_param("resource", &self.resource)
            .set_pkce_challenge(challenge.clone())
            .url();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("code_challenge_method"), Some("S256"), "{url}");
        assert_eq!(get("code_challenge"), Some(challenge.as_str()), "{url}");
        assert_eq!(get("resource"), Some(self.resource.as_str()), "{url}");

        let response = self.server.http.get(url.as_str()).send().await.unwrap();
        let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
        assert_eq!(
            param(&location, "state").as_deref(),
            Some(csrf.secret().as_str())
        );
        assert_eq!(
            param(&location, "iss").as_deref(),
            Some(self.server.issuer())
        );
        (param(&location, "code").expect("a code"), verifier)
    }
}

// Issue 2 "Interop": the oauth2 crate, S256, a token, and the resource
// accepts it (RFC 7636 §4.3–§4.6, OAuth 2.1 §4.1, RFC 8707).
#[tokio::test]
async fn oauth2_crate_full_s256_flow_gets_a_token_the_resource_accepts() {
    let flow = setup().await;
    let (code, verifier) = flow.authorize().await;
    let verifier_text = verifier.secret().clone();
    assert_eq!(verifier_text.len(), 43, "32 octets, base64url (SPEC.md §6)");

    let sent = Arc::new(Mutex::new(Vec::new()));
    let http = flow.server.http.clone();
    let client = |request| send(http.clone(), sent.clone(), request);
    let token = flow
        .client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .add_extra_param("resource", &flow.resource)
        .request_async(&client)
        .await
        .expect("the oauth2 crate gets a token");
    assert_eq!(token.token_type(), &oauth2::basic::BasicTokenType::Bearer);
    assert!(token.expires_in().is_some());

    // What the crate sent: the verifier, redirect_uri and client_id in the
    // body (public client, SPEC.md §6), which our server accepts.
    let body = sent.lock().unwrap().pop().expect("one token request");
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("grant_type"), Some("authorization_code"));
    assert_eq!(field("code_verifier"), Some(verifier_text.as_str()));
    assert_eq!(field("redirect_uri"), Some(REDIRECT_URI));
    assert_eq!(field("client_id"), Some(flow.client.client_id().as_str()));

    let resource = flow
        .server
        .resource(Some(token.access_token().secret()))
        .await;
    assert_eq!(resource.status(), StatusCode::OK);
}

// Issue 2 "Interop", RFC 7636 §4.6: the oauth2 crate with a wrong verifier
// gets invalid_grant; the failed attempt does not burn the code (SPEC.md
// "Choices"), so the right verifier still succeeds; the crate's second,
// valid redemption is then refused too (OAuth 2.1 §4.1.3).
#[tokio::test]
async fn oauth2_crate_with_wrong_verifier_gets_invalid_grant() {
    let flow = setup().await;
    let (code, verifier) = flow.authorize().await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let http = flow.server.http.clone();
    let client = |request| send(http.clone(), sent.clone(), request);

    let wrong = flow
        .client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(PkceCodeVerifier::new(OTHER_VERIFIER.into()))
        .request_async(&client)
        .await;
    match wrong {
        Err(RequestTokenError::ServerResponse(error)) => {
            assert_eq!(error.error(), &BasicErrorResponseType::InvalidGrant);
            assert!(error.error_description().is_some());
        }
        other => panic!("expected invalid_grant, got {other:?}"),
    }

    let right_text = verifier.secret().clone();
    let token = flow
        .client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(verifier)
        .request_async(&client)
        .await
        .expect("the right verifier still works");
    assert_eq!(
        flow.server
            .resource(Some(token.access_token().secret()))
            .await
            .status(),
        StatusCode::OK
    );

    let replay = flow
        .client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(right_text))
        .request_async(&client)
        .await;
    match replay {
        Err(RequestTokenError::ServerResponse(error)) => {
            assert_eq!(error.error(), &BasicErrorResponseType::InvalidGrant);
        }
        other => panic!("expected invalid_grant on replay, got {other:?}"),
    }
}

// SPEC.md AS-10, RFC 7636 §4.4.1: the oauth2 crate without PKCE is refused at
// the authorization endpoint with invalid_request, state and iss.
#[tokio::test]
async fn oauth2_crate_without_pkce_is_refused_at_the_authorization_endpoint() {
    let flow = setup().await;
    let (url, csrf) = flow
        .client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("mcp".into()))
        .url();
    assert!(
        Url::parse(url.as_str())
            .unwrap()
            .query_pairs()
            .all(|(n, _)| n != "code_challenge")
    );
    let response = flow.server.http.get(url.as_str()).send().await.unwrap();
    expect_error_redirect(
        &response,
        REDIRECT_URI,
        "invalid_request",
        Some(csrf.secret()),
        flow.server.issuer(),
    );
}
