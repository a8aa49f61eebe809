//! Exactly-once redemption (SPEC.md AS-26; OAuth 2.1 §4.1.3, §7.5.3): of N
//! simultaneous redemptions of one code with the same valid verifier, exactly
//! one gets a token. The others are valid replays: `invalid_grant`, and they
//! revoke the winner's token.
//!
//! Every request is released by one barrier, on a multi-thread runtime, each
//! on its own connection, so the server really handles them at once.

mod support;

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;
use support::*;
use tokio::sync::Barrier;

/// Redeems one fresh code `n` times at once; asserts exactly one 200 and
/// `n - 1` `invalid_grant`, then that the winner's token is revoked.
async fn race(server: &TestServer, client_id: &str, n: usize) {
    let code = server
        .code_for(client_id, REDIRECT_URI, Some(APPENDIX_B_CHALLENGE))
        .await;
    let resource = server.url("/resource");
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", &code)
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("client_id", client_id)
        .append_pair("code_verifier", APPENDIX_B_VERIFIER)
        .append_pair("resource", &resource)
        .finish();
    let barrier = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let barrier = barrier.clone();
            let body = body.clone();
            let url = server.url("/token");
            // One client each: separate connections, no pooling between them.
            let http = http();
            tokio::spawn(async move {
                let request = http
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body);
                barrier.wait().await;
                let response = request.send().await.expect("token request");
                let status = response.status();
                let json: Value = response.json().await.expect("JSON body");
                (status, json)
            })
        })
        .collect();
    let mut results: Vec<(StatusCode, Value)> = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    let winners: Vec<&Value> = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .map(|(_, body)| body)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one of {n} wins: {results:?}");
    for (status, body) in &results {
        if *status != StatusCode::OK {
            assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(body["error"], "invalid_grant", "{body}");
        }
    }
    // The losers were otherwise valid replays, so the winner's token is
    // revoked (OAuth 2.1 §7.5.3).
    let token = winners[0]["access_token"].as_str().expect("access_token");
    expect_bearer_challenge(&server.resource(Some(token)).await);
}

// AS-26 (OAuth 2.1 §4.1.3): 2 simultaneous redemptions → exactly one 200.
// Repeated on fresh codes to give a race every chance to show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_redemptions_of_one_code_exactly_one_wins() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    for _ in 0..25 {
        race(&server, &client_id, 2).await;
    }
}

// AS-26 (OAuth 2.1 §4.1.3): 16 simultaneous redemptions → exactly one 200.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_concurrent_redemptions_of_one_code_exactly_one_wins() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    for _ in 0..10 {
        race(&server, &client_id, 16).await;
    }
}

// AS-26: races on different codes do not interfere: 16 codes redeemed at
// once, once each, all succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_concurrent_redemptions_of_different_codes_all_win() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let mut codes = Vec::new();
    for _ in 0..16 {
        codes.push(
            server
                .code_for(&client_id, REDIRECT_URI, Some(APPENDIX_B_CHALLENGE))
                .await,
        );
    }
    let barrier = Arc::new(Barrier::new(codes.len()));
    let tasks: Vec<_> = codes
        .into_iter()
        .map(|code| {
            let barrier = barrier.clone();
            let (url, client_id) = (server.url("/token"), client_id.clone());
            tokio::spawn(async move {
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("grant_type", "authorization_code")
                    .append_pair("code", &code)
                    .append_pair("redirect_uri", REDIRECT_URI)
                    .append_pair("client_id", &client_id)
                    .append_pair("code_verifier", APPENDIX_B_VERIFIER)
                    .finish();
                let request = http()
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body);
                barrier.wait().await;
                request.send().await.expect("token request").status()
            })
        })
        .collect();
    // The tasks run at once; awaiting them in turn only collects the results.
    for task in tasks {
        assert_eq!(task.await.expect("task"), StatusCode::OK);
    }
}
