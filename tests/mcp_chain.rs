//! Issue 10, "The client walks the MCP chain" (SPEC.md C-1 to C-3, §9A):
//! our client against our server, every request of stage 0 in order, both
//! ways of registering, and an MCP session at stage 6; then the refusals,
//! against a stub server that breaks one rule each: no S256, an issuer that
//! is not the one the URL was built from, a 401 that names no metadata.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use pkce_tutor::flow::{
    Actor, Flow, Registration, Scenario, Stage, StepRecord, Target, Trace, run,
};
use serde_json::{Value, json};

/// Method, path and status of each request of stage 0 (local steps left out).
fn requests(steps: &[StepRecord]) -> Vec<(String, String, u16)> {
    steps
        .iter()
        .filter_map(|s| s.exchange.as_ref())
        .map(|e| {
            let url = url::Url::parse(&e.request.url).unwrap();
            (
                e.request.method.clone(),
                url.path().to_owned(),
                e.response.status,
            )
        })
        .collect()
}

fn mcp_run(registration: Registration) -> Scenario {
    Scenario {
        seed: Some(5),
        registration,
        ..Scenario::mcp(Flow::Pkce)
    }
}

/// The MCP session of stage 6: each answer's JSON-RPC message.
fn session(trace: &Trace) -> Vec<(String, u16, Option<Value>)> {
    trace
        .reached(Stage::Verification)
        .expect("stage 6 reached")
        .steps
        .iter()
        .filter_map(|s| s.exchange.as_ref())
        .map(|e| {
            let sent: Value = serde_json::from_str(e.request.body.as_deref().unwrap()).unwrap();
            (
                sent["method"].as_str().unwrap().to_owned(),
                e.response.status,
                e.response
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_str(b).ok()),
            )
        })
        .collect()
}

fn assert_session_reports_the_holder(trace: &Trace) {
    let values = &trace.stage(Stage::Verification).unwrap().client;
    assert_eq!(values.error, None, "{values:?}");
    let session = session(trace);
    let methods: Vec<(&str, u16)> = session.iter().map(|(m, s, _)| (m.as_str(), *s)).collect();
    assert_eq!(
        methods,
        [
            ("initialize", 200),
            ("notifications/initialized", 202),
            ("tools/list", 200),
            ("tools/call", 200),
        ]
    );
    let answer = session[3].2.as_ref().unwrap();
    let who = &answer["result"]["structuredContent"];
    assert_eq!(who["client_id"], values.client_id.as_str());
    assert_eq!(who["audience"], format!("{}/mcp", trace.issuer));
    assert_eq!(who["scope"], "mcp");
    let steps = &trace.stage(Stage::Verification).unwrap().steps;
    assert!(
        steps.iter().flat_map(|s| &s.checks).all(|c| c.passed),
        "{steps:#?}"
    );
}

// C-1 … C-3 with DCR: POST /mcp → 401, the resource's metadata, the
// server's metadata, POST /register; every check passed; stage 6 is an MCP
// session whose tool names this client and the /mcp audience.
#[tokio::test]
async fn the_chain_with_dcr_sends_every_discovery_request_in_order() {
    let trace = run(mcp_run(Registration::Dcr)).await.unwrap();
    assert_eq!(trace.target, Target::Mcp);
    assert_eq!(
        requests(trace.discovery()),
        [
            ("POST".into(), "/mcp".into(), 401),
            (
                "GET".into(),
                "/.well-known/oauth-protected-resource/mcp".into(),
                200
            ),
            (
                "GET".into(),
                "/.well-known/oauth-authorization-server".into(),
                200
            ),
            ("POST".into(), "/register".into(), 201),
        ]
    );
    for step in trace.discovery() {
        assert_eq!(step.actor, Actor::Client);
        assert!(!step.checks.is_empty(), "{}", step.purpose);
        assert!(step.checks.iter().all(|c| c.passed), "{:#?}", step.checks);
        // Every request was numbered and reported by the server.
        assert!(step.request_id.is_some() && step.received.is_some());
    }
    // The DCR request carries what the current MCP revision asks for.
    let register = trace.discovery()[3].exchange.as_ref().unwrap();
    let body: Value = serde_json::from_str(register.request.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["application_type"], "native");
    assert_eq!(body["token_endpoint_auth_method"], "none");
    // The resource of both requests is the MCP endpoint (C-6).
    let mcp = format!("{}/mcp", trace.issuer);
    let three = trace.stage(Stage::AuthorizationRequest).unwrap();
    assert_eq!(
        three
            .http_step()
            .unwrap()
            .exchange
            .as_ref()
            .unwrap()
            .request
            .param("resource"),
        Some(mcp.as_str())
    );
    let five = trace.token_step().unwrap().exchange.as_ref().unwrap();
    assert_eq!(five.request.param("resource"), Some(mcp.as_str()));
    assert!(trace.client_metadata_fetch().is_none());
    assert_session_reports_the_holder(&trace);
    assert!(trace.external.is_empty());
}

// CIMD: no POST /register anywhere; the client_id is the URL of the
// document the client serves; the server fetches it while answering the
// authorization request (a step whose actor is the server, with its
// checks), and nothing else registers the client.
#[tokio::test]
async fn the_chain_with_a_metadata_document_registers_nothing_and_the_server_fetches_it() {
    let trace = run(mcp_run(Registration::Cimd)).await.unwrap();
    assert_eq!(
        requests(trace.discovery()),
        [
            ("POST".into(), "/mcp".into(), 401),
            (
                "GET".into(),
                "/.well-known/oauth-protected-resource/mcp".into(),
                200
            ),
            (
                "GET".into(),
                "/.well-known/oauth-authorization-server".into(),
                200
            ),
        ]
    );
    let last = trace.discovery().last().unwrap();
    assert!(last.exchange.is_none(), "registration sends nothing");
    assert!(last.checks.iter().all(|c| c.passed));
    let client_id = trace.stages[0].client.client_id.clone();
    assert!(
        client_id.starts_with("http://127.0.0.1:") && client_id.ends_with("/oauth-client.json"),
        "{client_id}"
    );
    let everything = trace
        .discovery()
        .iter()
        .chain(trace.stages.iter().flat_map(|s| s.steps.iter()));
    assert!(
        requests(&everything.cloned().collect::<Vec<_>>())
            .iter()
            .all(|(_, path, _)| path != "/register")
    );
    assert_eq!(trace.registered_client_id(), None);

    let fetch = trace.client_metadata_fetch().expect("the server's fetch");
    assert_eq!(fetch.actor, Actor::Server);
    let exchange = fetch.exchange.as_ref().unwrap();
    assert_eq!(exchange.request.method, "GET");
    assert_eq!(exchange.request.url, client_id);
    assert_eq!(exchange.response.status, 200);
    let document: Value = serde_json::from_str(exchange.response.body.as_deref().unwrap()).unwrap();
    assert_eq!(document["client_id"], client_id.as_str());
    assert!(fetch.checks.len() >= 6, "{:#?}", fetch.checks);
    assert!(fetch.checks.iter().all(|c| c.passed));
    // It happened during stage 3, right after the browser's request.
    let three = &trace.stage(Stage::AuthorizationRequest).unwrap().steps;
    assert_eq!(three[0].actor, Actor::Browser);
    assert_eq!(three[1].actor, Actor::Server);
    assert_eq!(three[1].request_id, three[0].request_id);
    assert_session_reports_the_holder(&trace);
}

/// How a stub server breaks the chain.
#[derive(Clone, Copy)]
enum Broken {
    /// Its metadata offers `plain` only.
    NoS256,
    /// Its metadata has no `code_challenge_methods_supported` at all.
    NoPkceField,
    /// Its metadata names another issuer.
    OtherIssuer,
    /// Its 401 names no `resource_metadata`, and it lacks S256 too.
    BareChallenge,
}

#[derive(Clone)]
struct Stub {
    base: String,
    broken: Broken,
}

async fn unauthorized(State(stub): State<Stub>) -> Response {
    let challenge = match stub.broken {
        Broken::BareChallenge => "Bearer".to_owned(),
        _ => format!(
            "Bearer resource_metadata=\"{}/.well-known/oauth-protected-resource/mcp\"",
            stub.base
        ),
    };
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, challenge)],
    )
        .into_response()
}

async fn resource_metadata(State(stub): State<Stub>) -> Response {
    axum::Json(json!({
        "resource": format!("{}/mcp", stub.base),
        "authorization_servers": [stub.base],
    }))
    .into_response()
}

async fn server_metadata(State(stub): State<Stub>) -> Response {
    let base = &stub.base;
    let mut document = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "registration_endpoint": format!("{base}/register"),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["plain"],
    });
    match stub.broken {
        Broken::NoS256 | Broken::BareChallenge => {}
        Broken::NoPkceField => {
            document
                .as_object_mut()
                .unwrap()
                .remove("code_challenge_methods_supported");
        }
        Broken::OtherIssuer => {
            document["issuer"] = json!("http://127.0.0.1:1");
            document["code_challenge_methods_supported"] = json!(["S256"]);
        }
    }
    axum::Json(document).into_response()
}

/// A stub on loopback; its `/mcp` URL.
async fn stub(broken: Broken) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/mcp", any(unauthorized))
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            get(resource_metadata),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(server_metadata),
        )
        .with_state(Stub {
            base: base.clone(),
            broken,
        });
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("{base}/mcp")
}

/// Walks the chain from the stub's `/mcp`.
async fn against(broken: Broken) -> Trace {
    let mcp_url = stub(broken).await;
    run(Scenario {
        mcp_url: Some(mcp_url),
        ..mcp_run(Registration::Dcr)
    })
    .await
    .unwrap()
}

/// The run stopped in stage 0 at a check naming `rule`: its last step's
/// last check failed, nothing was registered, no stage was reached, and
/// the client's error says why.
fn assert_refused_at(trace: &Trace, rule: &str) {
    let last = trace.discovery().last().unwrap();
    let failed = last.checks.last().unwrap();
    assert!(!failed.passed, "{:#?}", last.checks);
    assert!(failed.rule.contains(rule), "{}", failed.rule);
    assert!(
        last.checks[..last.checks.len() - 1]
            .iter()
            .all(|c| c.passed)
    );
    assert_eq!(trace.stages.len(), 6);
    assert!(
        trace
            .stages
            .iter()
            .all(|s| !s.reached && s.steps.is_empty())
    );
    let error = trace.stages[0].client.error.as_deref().unwrap_or_default();
    assert!(error.contains(rule), "{error}");
    assert!(
        requests(trace.discovery())
            .iter()
            .all(|(_, p, _)| p != "/register")
    );
}

// C-3: an authorization server that does not offer S256 (plain only, or no
// code_challenge_methods_supported at all) is refused before anything
// else is sent to it.
#[tokio::test]
async fn the_client_refuses_to_go_on_without_s256() {
    for broken in [Broken::NoS256, Broken::NoPkceField] {
        let trace = against(broken).await;
        assert_eq!(
            requests(trace.discovery())
                .into_iter()
                .map(|(m, p, _)| format!("{m} {p}"))
                .collect::<Vec<_>>(),
            [
                "POST /mcp",
                "GET /.well-known/oauth-protected-resource/mcp",
                "GET /.well-known/oauth-authorization-server",
            ]
        );
        assert_refused_at(&trace, "S256");
    }
}

// C-2 (RFC 8414 §3.3): metadata whose issuer is not the one the URL was
// built from is discarded, and the client goes no further.
#[tokio::test]
async fn the_client_refuses_metadata_of_another_issuer() {
    let trace = against(Broken::OtherIssuer).await;
    assert_eq!(requests(trace.discovery()).len(), 3);
    assert_refused_at(
        &trace,
        "the URL the document was built from: the client discards it",
    );
}

// C-1: a 401 that names no resource_metadata sends the client to the
// well-known URL with the resource's path inserted (RFC 9728 §3.1).
#[tokio::test]
async fn without_resource_metadata_the_client_tries_the_well_known_url() {
    let trace = against(Broken::BareChallenge).await;
    let probe = &trace.discovery()[0];
    assert!(
        probe
            .checks
            .iter()
            .any(|c| c.passed && c.rule.contains("names no resource_metadata")),
        "{:#?}",
        probe.checks
    );
    assert_eq!(
        requests(trace.discovery())[1],
        (
            "GET".into(),
            "/.well-known/oauth-protected-resource/mcp".into(),
            200
        )
    );
    assert_refused_at(&trace, "S256");
}
