//! The MCP endpoint's rules (issue 10; SPEC.md AS-34, §9A, §9B): its 401
//! points to `/.well-known/oauth-protected-resource/mcp` and names the
//! scope; each resource's metadata sits at its path (RFC 9728 §3.1); tokens
//! are audience-bound; a foreign `Origin` is refused with 403; a token
//! without the `mcp` scope gets 403 `insufficient_scope`.

mod support;

use pkce_tutor::server::PkcePolicy;
use reqwest::header::{CONTENT_TYPE, HOST, ORIGIN, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::*;

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"rules","version":"1"}}}"#;

/// A request to `/mcp` as an MCP client sends it.
fn mcp(
    server: &TestServer,
    method: Method,
    token: Option<&str>,
    body: &str,
) -> reqwest::RequestBuilder {
    let mut request = server
        .http
        .request(method, server.url("/mcp"))
        .header(CONTENT_TYPE, "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
}

/// Sends the request [`mcp`] builds; the response.
async fn send_mcp(
    server: &TestServer,
    method: Method,
    token: Option<&str>,
    body: &str,
) -> reqwest::Response {
    mcp(server, method, token, body)
        .send()
        .await
        .expect("MCP request")
}

/// A JSON-RPC POST to `/mcp` with this token; the JSON answer.
async fn call(server: &TestServer, token: &str, body: &str) -> Value {
    send_mcp(server, Method::POST, Some(token), body)
        .await
        .json()
        .await
        .expect("a JSON-RPC answer")
}

/// A token for `resource`, with `scope` (none when `None`).
async fn token(server: &TestServer, resource: &str, scope: Option<&str>) -> String {
    let client_id = server.register(&[REDIRECT_URI]).await;
    let mut extra = vec![("resource", resource)];
    if let Some(scope) = scope {
        extra.push(("scope", scope));
    }
    let code = server.code_with(&client_id, &extra).await;
    let response = server
        .redeem_with(&client_id, &code, &[("resource", resource)])
        .await;
    expect_token(response).await
}

// AS-34, RFC 9728 §5.1: without a token, every method gets 401 with a
// Bearer challenge naming the scope and /mcp's own metadata.
#[tokio::test]
async fn mcp_without_token_is_401_naming_its_metadata_and_scope() {
    let server = TestServer::start().await;
    for method in [Method::POST, Method::GET, Method::DELETE] {
        let response = send_mcp(&server, method.clone(), None, INITIALIZE).await;
        let challenge = expect_bearer_challenge(&response);
        assert_eq!(
            challenge,
            format!(
                "Bearer scope=\"mcp\", resource_metadata=\"{}\"",
                server.url("/.well-known/oauth-protected-resource/mcp")
            ),
            "{method}"
        );
    }
}

// RFC 9728 §2, §3.1, §3.3: each resource's metadata is at its path, names
// it exactly, and names this server as its authorization server.
#[tokio::test]
async fn each_resource_has_its_metadata_at_its_path() {
    let server = TestServer::start().await;
    for path in ["/mcp", "/resource"] {
        let document = server
            .get_json(&format!("/.well-known/oauth-protected-resource{path}"))
            .await;
        assert_eq!(document["resource"], server.url(path));
        assert_eq!(document["authorization_servers"], json!([server.issuer()]));
        assert_eq!(document["bearer_methods_supported"], json!(["header"]));
    }
    let mcp = server
        .get_json("/.well-known/oauth-protected-resource/mcp")
        .await;
    assert_eq!(mcp["scopes_supported"], json!(["mcp"]));
}

// A valid token for /mcp: initialize answers with the server's info, as
// plain JSON (a stateless endpoint, no session id); tools/list names
// whoami; whoami reports the holder.
#[tokio::test]
async fn a_token_for_mcp_opens_the_endpoint_and_whoami_names_its_holder() {
    let server = TestServer::start().await;
    let mcp_url = server.url("/mcp");
    let token = token(&server, &mcp_url, Some("mcp")).await;
    let response = send_mcp(&server, Method::POST, Some(&token), INITIALIZE).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("mcp-session-id").is_none());
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["result"]["protocolVersion"], "2025-11-25");
    assert_eq!(
        answer["result"]["serverInfo"]["name"],
        "pkce-tutor MCP server"
    );
    let whoami = r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}"#;
    let answer = call(&server, &token, whoami).await;
    let who = &answer["result"]["structuredContent"];
    assert_eq!(who["audience"], mcp_url.as_str());
    assert_eq!(who["scope"], "mcp");
    assert!(who["client_id"].is_string());
    let unknown = r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"rm -rf","arguments":{}}}"#;
    let answer = call(&server, &token, unknown).await;
    assert!(answer["error"].is_object(), "{answer}");
}

// RFC 8707, DESIGN.md "Audience": a token for /resource is invalid_token
// at /mcp, and one for /mcp is invalid_token at /resource.
#[tokio::test]
async fn tokens_open_only_their_own_resource() {
    let server = TestServer::start().await;
    let for_resource = token(&server, &server.url("/resource"), Some("mcp")).await;
    let response = send_mcp(&server, Method::POST, Some(&for_resource), INITIALIZE).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = header(&response, WWW_AUTHENTICATE.as_str()).unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    let for_mcp = token(&server, &server.url("/mcp"), Some("mcp")).await;
    expect_bearer_challenge(&server.resource(Some(&for_mcp)).await);
}

// AS-34, RFC 6750 §3.1: a token for /mcp without the mcp scope is 403
// insufficient_scope, naming the scope to ask for.
#[tokio::test]
async fn a_token_without_the_scope_is_403_insufficient_scope() {
    let server = TestServer::start().await;
    let token = token(&server, &server.url("/mcp"), None).await;
    let response = send_mcp(&server, Method::POST, Some(&token), INITIALIZE).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = header(&response, WWW_AUTHENTICATE.as_str()).unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"mcp\""), "{challenge}");
}

// MCP transport security (SPEC.md §9A): a foreign Origin is refused with
// 403 before the token is even looked at; the server's own origin is not;
// a foreign Host is refused by the SDK's DNS-rebinding check.
#[tokio::test]
async fn a_foreign_origin_or_host_is_refused_with_403() {
    let server = TestServer::start().await;
    let token = token(&server, &server.url("/mcp"), Some("mcp")).await;
    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        let response = mcp(&server, Method::POST, Some(&token), INITIALIZE)
            .header(ORIGIN, origin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
    }
    let without_token = mcp(&server, Method::POST, None, INITIALIZE)
        .header(ORIGIN, "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
    let own = mcp(&server, Method::POST, Some(&token), INITIALIZE)
        .header(ORIGIN, server.issuer())
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    let rebound = mcp(&server, Method::POST, Some(&token), INITIALIZE)
        .header(HOST, "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
}

// Hardening: a malformed bearer is 400 invalid_request; a body over the
// limit is 413, as at every other endpoint; GET with a token is 405 (the
// endpoint is stateless: no stream to open).
#[tokio::test]
async fn malformed_and_oversized_requests_are_refused() {
    let server = TestServer::with(config(PkcePolicy::Required)).await;
    let malformed = server
        .http
        .post(server.url("/mcp"))
        .header("authorization", "Bearer")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"pad":"{}"}}}}"#,
        "x".repeat(pkce_tutor::server::BODY_LIMIT_BYTES)
    );
    let response = send_mcp(&server, Method::POST, None, &huge).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let token = token(&server, &server.url("/mcp"), Some("mcp")).await;
    let get = send_mcp(&server, Method::GET, Some(&token), "").await;
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
}
