//! Client ID Metadata Documents on the server (issue 10; SPEC.md §9A): a
//! `client_id` that is a URL is fetched, checked and reported as a step of
//! the server's own; the fetch is bounded (loopback only, no redirect, a
//! timeout, a size cap) so a `client_id` cannot make the server an SSRF
//! tool; a refusal is an error page that names the rule, never a redirect.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode as AxumStatus, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pkce_tutor::record::{Report, ServerReport};
use pkce_tutor::server::{Limits, PkcePolicy, ServerConfig};
use reqwest::StatusCode;
use serde_json::json;
use support::*;
use tokio::sync::mpsc;

/// Where the test's client publishes its documents.
#[derive(Clone)]
struct Documents {
    base: String,
    hits: Arc<AtomicUsize>,
}

fn document(client_id: &str) -> serde_json::Value {
    json!({
        "client_id": client_id,
        "client_name": "CIMD rules",
        "redirect_uris": [REDIRECT_URI],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    })
}

async fn good(State(d): State<Documents>) -> Response {
    d.hits.fetch_add(1, Ordering::SeqCst);
    axum::Json(document(&format!("{}/good.json", d.base))).into_response()
}

async fn mismatch(State(d): State<Documents>) -> Response {
    axum::Json(document(&format!("{}/good.json", d.base))).into_response()
}

async fn secret(State(d): State<Documents>) -> Response {
    let mut doc = document(&format!("{}/secret.json", d.base));
    doc["client_secret"] = json!("s3cret");
    axum::Json(doc).into_response()
}

async fn big(State(d): State<Documents>) -> Response {
    let mut doc = document(&format!("{}/big.json", d.base));
    doc["padding"] = json!("x".repeat(20_000));
    axum::Json(doc).into_response()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(30)).await;
    AxumStatus::OK.into_response()
}

async fn moved(State(d): State<Documents>) -> Response {
    (
        AxumStatus::FOUND,
        [(header::LOCATION, format!("{}/good.json", d.base))],
    )
        .into_response()
}

/// The documents on a loopback port.
async fn documents() -> Documents {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let documents = Documents {
        base: format!("http://{}", listener.local_addr().unwrap()),
        hits: Arc::new(AtomicUsize::new(0)),
    };
    let router = Router::new()
        .route("/good.json", get(good))
        .route("/mismatch.json", get(mismatch))
        .route("/secret.json", get(secret))
        .route("/big.json", get(big))
        .route("/slow.json", get(slow))
        .route("/moved.json", get(moved))
        .with_state(documents.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    documents
}

/// A server whose metadata fetch gives up after 300 ms, with its reports.
async fn server(auto_approve: bool) -> (TestServer, mpsc::UnboundedReceiver<ServerReport>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let server = TestServer::with(ServerConfig {
        auto_approve,
        events: Some(tx),
        limits: Limits {
            client_metadata_timeout: Duration::from_millis(300),
            ..Limits::default()
        },
        ..config(PkcePolicy::Required)
    })
    .await;
    (server, rx)
}

/// The server's fetches reported so far.
fn fetches(rx: &mut mpsc::UnboundedReceiver<ServerReport>) -> Vec<pkce_tutor::record::ServerFetch> {
    let mut out = Vec::new();
    while let Ok(report) = rx.try_recv() {
        if let Report::Fetched(fetch) = report.report {
            out.push(fetch);
        }
    }
    out
}

// A valid document: the server fetches it, reports the fetch with every
// check passed, and treats the URL as a registered client through to the
// token (the consent page names the document and the redirect's host).
#[tokio::test]
async fn a_valid_document_registers_the_client_through_to_the_token() {
    let docs = documents().await;
    let client_id = format!("{}/good.json", docs.base);
    let (consenting, mut rx) = server(false).await;
    let page = consenting.consent_page(&client_id).await;
    assert!(page.html.contains("CIMD rules"), "{}", page.html);
    assert!(page.html.contains("metadata document"), "{}", page.html);
    assert!(page.html.contains("<b>127.0.0.1</b>"), "{}", page.html);
    let fetched = fetches(&mut rx);
    assert_eq!(fetched.len(), 1);
    assert!(fetched[0].accepted);
    assert!(fetched[0].checks.iter().all(|c| c.passed));
    let exchange = fetched[0].exchange.as_ref().unwrap();
    assert_eq!(exchange.request.url, client_id);
    assert_eq!(exchange.response.status, 200);

    let (server, _rx) = server(true).await;
    let code = server.appendix_b_code_for(&client_id).await;
    let response = server.redeem_appendix_b(&client_id, &code).await;
    expect_token(response).await;
}

/// Asserts the error page (never a redirect) whose description names `rule`.
async fn expect_refused(response: reqwest::Response, rule: &str) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    let body = response.text().await.unwrap();
    assert!(body.contains("error=invalid_client"), "{body}");
    assert!(body.contains(rule), "{rule} not in {body}");
}

/// Asserts [`expect_refused`] for the authorization request whose
/// `client_id` is the document `file`.
async fn expect_document_refused(server: &TestServer, docs: &Documents, file: &str, rule: &str) {
    let client_id = format!("{}/{file}", docs.base);
    expect_refused(server.authorize_appendix_b(&client_id).await, rule).await;
}

// The document must name itself: a client_id that differs from the URL is
// refused, as is a document with a client secret.
#[tokio::test]
async fn a_document_that_is_not_its_own_or_holds_a_secret_is_refused() {
    let docs = documents().await;
    let (server, mut rx) = server(true).await;
    expect_document_refused(
        &server,
        &docs,
        "mismatch.json",
        "its client_id equals the URL",
    )
    .await;
    expect_document_refused(&server, &docs, "secret.json", "a public client").await;
    let fetched = fetches(&mut rx);
    assert_eq!(fetched.len(), 2);
    assert!(fetched.iter().all(|f| !f.accepted));
    assert!(fetched.iter().all(|f| !f.checks.last().unwrap().passed));
}

// No SSRF: a client_id on another host, https (no TLS here), or a cloud
// metadata address is refused without any request going out.
#[tokio::test]
async fn only_loopback_documents_are_fetched() {
    let (server, mut rx) = server(true).await;
    for client_id in [
        "https://client.example/metadata.json",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/client.json",
    ] {
        expect_refused(server.authorize_appendix_b(client_id).await, "loopback").await;
    }
    let fetched = fetches(&mut rx);
    assert_eq!(fetched.len(), 3);
    assert!(fetched.iter().all(|f| f.exchange.is_none()), "nothing sent");
}

// Bounded: a document over the size cap, one that never comes (the
// timeout), and a redirect (not followed) are refused, quickly.
#[tokio::test]
async fn the_fetch_is_bounded_in_size_time_and_redirects() {
    let docs = documents().await;
    let (server, _rx) = server(true).await;
    expect_document_refused(&server, &docs, "big.json", "fits in 16384 bytes").await;
    let started = Instant::now();
    expect_document_refused(&server, &docs, "slow.json", "could be fetched").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    expect_document_refused(&server, &docs, "moved.json", "200 OK (got 302)").await;
    assert_eq!(
        docs.hits.load(Ordering::SeqCst),
        0,
        "the redirect was not followed"
    );
}

// HEAD changes nothing and sends nothing: no fetch of an unknown
// document (RFC 9110 §9.2.1).
#[tokio::test]
async fn head_does_not_fetch_a_document() {
    let docs = documents().await;
    let (server, mut rx) = server(true).await;
    let client_id = format!("{}/good.json", docs.base);
    let mut url = url::Url::parse(&server.url("/authorize")).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client_id)
        .append_pair("redirect_uri", REDIRECT_URI);
    let response = server.http.head(url.as_str()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(docs.hits.load(Ordering::SeqCst), 0);
    assert!(fetches(&mut rx).is_empty());
}
