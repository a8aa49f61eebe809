//! Issue 10, interop: `pkce-tutor serve` as a subprocess, the OAuth flow
//! done by the independent `oauth2` crate (S256, `resource=<issuer>/mcp`),
//! then a whole MCP session (initialize, list tools, call the tool) by the
//! official SDK's own client (rmcp's streamable-HTTP client transport over
//! our reqwest). Tokens are audience-bound: one for `/resource` opens
//! nothing at `/mcp`, and the reverse.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope,
    TokenResponse, TokenUrl,
};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use rmcp::model::CallToolRequestParams;
use rmcp::service::{ClientLifecycleMode, ClientServiceExt};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

const REDIRECT_URI: &str = "http://127.0.0.1:33418/callback";

/// `pkce-tutor serve --auto-approve`, killed when dropped.
struct Serve {
    child: Child,
    issuer: String,
}

impl Serve {
    fn start() -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("pkce-tutor"))
            .args(["serve", "--port", "0", "--auto-approve", "--quiet"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("pkce-tutor serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        let at = first.find("http://127.0.0.1:").expect("issuer on line 1");
        let issuer = first[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        Self { child, issuer }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Sends the `oauth2` crate's request with our reqwest client.
async fn send(
    http: reqwest::Client,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let (parts, body) = request.into_parts();
    let response = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await?;
    let mut answer = http::Response::new(Vec::new());
    *answer.status_mut() = response.status();
    *answer.headers_mut() = response.headers().clone();
    *answer.body_mut() = response.bytes().await?.to_vec();
    Ok(answer)
}

/// Registers a public client (raw JSON, RFC 7591) and runs the S256 flow
/// with the `oauth2` crate, asking for `resource` when given (none: the
/// server's default audience, `/resource`). The access token.
async fn token_for(issuer: &str, resource: Option<&str>) -> String {
    let http = http();
    let registered: Value = http
        .post(format!("{issuer}/register"))
        .header(CONTENT_TYPE, "application/json")
        .body(
            json!({
                "client_name": "interop_mcp",
                "redirect_uris": [REDIRECT_URI],
                "token_endpoint_auth_method": "none",
                "application_type": "native",
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client = BasicClient::new(ClientId::new(
        registered["client_id"].as_str().unwrap().into(),
    ))
    .set_auth_uri(AuthUrl::new(format!("{issuer}/authorize")).unwrap())
    .set_token_uri(TokenUrl::new(format!("{issuer}/token")).unwrap())
    .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut authorize = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("mcp".into()))
        .set_pkce_challenge(challenge);
    if let Some(resource) = resource {
        authorize = authorize.add_extra_param("resource", resource);
    }
    let (url, _state) = authorize.url();
    let redirect = http.get(url.as_str()).send().await.unwrap();
    assert_eq!(redirect.status(), StatusCode::FOUND);
    let location = url::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(n, _)| n == "code")
        .expect("a code")
        .1
        .into_owned();
    let mut exchange = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier);
    if let Some(resource) = resource {
        exchange = exchange.add_extra_param("resource", resource);
    }
    let sender = |request| send(http.clone(), request);
    let token = exchange
        .request_async(&sender)
        .await
        .expect("the oauth2 crate gets a token");
    token.access_token().secret().clone()
}

/// The SDK's client over the streamable-HTTP transport with this token:
/// `initialize` (the legacy lifecycle, which this server's tutorial shows),
/// `tools/list`, `tools/call whoami`; the call's result.
async fn mcp_session(mcp_url: &str, token: &str) -> Result<Value, String> {
    let transport = StreamableHttpClientTransport::with_client(
        http(),
        StreamableHttpClientTransportConfig::with_uri(mcp_url.to_owned()).auth_header(token),
    );
    let client =
        ().serve_with_lifecycle(transport, ClientLifecycleMode::Initialize)
            .await
            .map_err(|e| e.to_string())?;
    let negotiated = client
        .peer_info()
        .map(|info| info.protocol_version.to_string());
    assert!(negotiated.is_some(), "initialize answered");
    let tools = client.list_tools(None).await.map_err(|e| e.to_string())?;
    assert!(
        tools.tools.iter().any(|t| t.name == "whoami"),
        "{:?}",
        tools.tools
    );
    let called = client
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .map_err(|e| e.to_string())?;
    let _ = client.cancel().await;
    serde_json::to_value(called).map_err(|e| e.to_string())
}

// The oauth2 crate gets a token for /mcp; the SDK's client initializes,
// lists the tools and calls whoami, which reports the token's client,
// scope and audience.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_mcp_client_runs_a_session_with_an_oauth2_crate_token() {
    let serve = Serve::start();
    let mcp = format!("{}/mcp", serve.issuer);
    let token = token_for(&serve.issuer, Some(&mcp)).await;
    let answer = mcp_session(&mcp, &token).await.expect("a whole session");
    let who = &answer["structuredContent"];
    assert_eq!(who["audience"], mcp.as_str(), "{answer}");
    assert_eq!(who["scope"], "mcp");
    assert!(who["client_id"].as_str().is_some_and(|id| !id.is_empty()));
}

// Audience (RFC 8707, DESIGN.md "Audience"): a token issued without
// `resource` is for /resource, and /mcp refuses it (401 invalid_token,
// the challenge naming /mcp's metadata); a token for /mcp opens nothing
// at /resource.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_audience_bound_both_ways() {
    let serve = Serve::start();
    let issuer = &serve.issuer;
    let mcp = format!("{issuer}/mcp");
    let for_resource = token_for(issuer, None).await;
    let ok = http()
        .get(format!("{issuer}/resource"))
        .bearer_auth(&for_resource)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let refused = mcp_session(&mcp, &for_resource).await;
    assert!(refused.is_err(), "{refused:?}");
    let raw = http()
        .post(&mcp)
        .bearer_auth(&for_resource)
        .header(CONTENT_TYPE, "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::UNAUTHORIZED);
    let challenge = raw.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(
        challenge.contains(&format!(
            "resource_metadata=\"{issuer}/.well-known/oauth-protected-resource/mcp\""
        )),
        "{challenge}"
    );

    let for_mcp = token_for(issuer, Some(&mcp)).await;
    let wrong_door = http()
        .get(format!("{issuer}/resource"))
        .bearer_auth(&for_mcp)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_door.status(), StatusCode::UNAUTHORIZED);
    assert!(mcp_session(&mcp, &for_mcp).await.is_ok());
}
