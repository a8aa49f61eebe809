//! Issue 8, "harden the embedded authorization server": one test per finding
//! of the audit, on the wire, named after it. Timeouts and caps are
//! shortened through `ServerConfig::limits` so each test takes about a
//! second; the defaults are checked in `limits.rs`. The `serve` tests run
//! the real binary as a subprocess.
//!
//! Raw sockets are blocking `std::net` streams with read and write timeouts,
//! so no test can hang.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use pkce_tutor::record::Report;
use pkce_tutor::server::{Limits, PkcePolicy, ServerConfig, ServerEvent};
use reqwest::StatusCode;
use reqwest::header::{
    AUTHORIZATION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, SET_COOKIE, WWW_AUTHENTICATE,
    X_FRAME_OPTIONS,
};
use serde_json::{Value, json};
use support::*;

/// A server with PKCE required, auto-approve, and these limits.
async fn with_limits(limits: Limits) -> TestServer {
    TestServer::with(ServerConfig {
        limits,
        ..config(PkcePolicy::Required)
    })
    .await
}

/// A server showing the consent page (no auto-approve).
async fn with_consent(limits: Limits) -> TestServer {
    TestServer::with(ServerConfig {
        auto_approve: false,
        limits,
        ..config(PkcePolicy::Required)
    })
    .await
}

/// A raw connection with a 5 s read timeout, so a test never hangs.
fn connect(addr: SocketAddr) -> TcpStream {
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    tcp.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    tcp
}

/// Reads until the server closes the connection (or 5 s pass); what came.
fn read_until_closed(tcp: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tcp.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (got, true),
            Err(_) => return (got, false),
        }
    }
}

/// A whole well-behaved flow: registration, authorization, token, resource.
async fn full_flow(server: &TestServer) {
    let token = server.appendix_b_token().await;
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------
// No slow-client protection
// ---------------------------------------------------------------------------

// The audit: "a client sending one header byte every 2 s was still connected
// at 70 s". Now the header read timeout cuts it, although its bytes keep the
// idle timeout from firing, and a flow run meanwhile is not held up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_header_client_is_cut_within_the_header_timeout_while_a_parallel_flow_completes() {
    let header_timeout = Duration::from_millis(1000);
    let server = with_limits(Limits {
        header_read_timeout: header_timeout,
        idle_timeout: Duration::from_millis(600),
        ..Limits::default()
    })
    .await;
    let addr = server.handle.addr();
    let dripper = std::thread::spawn(move || {
        let mut tcp = connect(addr);
        let mut writer = tcp.try_clone().unwrap();
        let start = Instant::now();
        std::thread::spawn(move || {
            for byte in b"GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: x\r\n" {
                std::thread::sleep(Duration::from_millis(200));
                if writer.write_all(&[*byte]).is_err() {
                    break;
                }
            }
        });
        let (got, closed) = read_until_closed(&mut tcp);
        (start.elapsed(), got, closed)
    });
    let flow_start = Instant::now();
    full_flow(&server).await;
    let flow_time = flow_start.elapsed();
    let (cut_after, got, closed) = tokio::task::spawn_blocking(move || dripper.join().unwrap())
        .await
        .unwrap();
    assert!(closed, "the dripping client is still connected");
    assert!(
        cut_after >= header_timeout && cut_after < header_timeout + Duration::from_millis(800),
        "cut after {cut_after:?}"
    );
    assert!(
        !String::from_utf8_lossy(&got).contains("200 OK"),
        "no answer to a half-sent head"
    );
    assert!(
        flow_time < header_timeout,
        "the flow waited {flow_time:?} on the slow client"
    );
}

// The audit: "450 idle connections were held indefinitely". Silent
// connections, and a keep-alive connection after its request, are closed
// after the idle timeout, well before the header timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_are_closed_after_the_idle_timeout() {
    let idle = Duration::from_millis(300);
    let server = with_limits(Limits {
        idle_timeout: idle,
        header_read_timeout: Duration::from_secs(5),
        ..Limits::default()
    })
    .await;
    let addr = server.handle.addr();
    let closed = tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        let mut silent: Vec<TcpStream> = (0..100).map(|_| connect(addr)).collect();
        let mut kept_alive = connect(addr);
        kept_alive
            .write_all(b"GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut all_closed = true;
        for tcp in silent.iter_mut() {
            all_closed &= read_until_closed(tcp).1;
        }
        let (answer, closed) = read_until_closed(&mut kept_alive);
        assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
        (all_closed && closed, start.elapsed())
    })
    .await
    .unwrap();
    assert!(closed.0, "an idle connection stayed open");
    assert!(
        closed.1 < Duration::from_secs(2),
        "closed after {:?}",
        closed.1
    );
    // The server goes on serving.
    full_flow(&server).await;
}

// The audit: "no connection cap". Past the cap a new connection gets 503 and
// is closed at once; once connections end, new ones are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_get_503_and_are_served_once_others_end() {
    let server = with_limits(Limits {
        max_connections: 4,
        ..Limits::default()
    })
    .await;
    let addr = server.handle.addr();
    tokio::task::spawn_blocking(move || {
        let held: Vec<TcpStream> = (0..4).map(|_| connect(addr)).collect();
        // Let the server accept them all before the fifth arrives.
        std::thread::sleep(Duration::from_millis(100));
        let mut extra = connect(addr);
        let _ = extra.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        let start = Instant::now();
        let (answer, closed) = read_until_closed(&mut extra);
        assert!(closed && start.elapsed() < Duration::from_secs(1));
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 503"),
            "{answer}"
        );
        drop(held);
        std::thread::sleep(Duration::from_millis(200));
    })
    .await
    .unwrap();
    full_flow(&server).await;
}

// Slow-client protection for bodies: a body dripped byte by byte gets 408
// when the body timeout runs out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_body_client_gets_408_within_the_body_timeout() {
    let body_timeout = Duration::from_millis(500);
    let server = with_limits(Limits {
        body_read_timeout: body_timeout,
        idle_timeout: Duration::from_secs(2),
        ..Limits::default()
    })
    .await;
    let addr = server.handle.addr();
    let (elapsed, answer) = tokio::task::spawn_blocking(move || {
        let mut tcp = connect(addr);
        tcp.write_all(
            b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60\r\n\r\n",
        )
        .unwrap();
        let mut writer = tcp.try_clone().unwrap();
        let start = Instant::now();
        std::thread::spawn(move || {
            for _ in 0..60 {
                std::thread::sleep(Duration::from_millis(100));
                if writer.write_all(b"a").is_err() {
                    break;
                }
            }
        });
        let (answer, _) = read_until_closed(&mut tcp);
        (start.elapsed(), String::from_utf8_lossy(&answer).into_owned())
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        elapsed < body_timeout + Duration::from_millis(800),
        "{elapsed:?}"
    );
}

// Slow-client protection for responses: a client that sends requests and
// never reads the answers is cut once nothing has moved for the idle time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_that_never_reads_its_responses_is_cut_after_the_idle_timeout() {
    let server = with_limits(Limits {
        idle_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let addr = server.handle.addr();
    let (cut, elapsed) = tokio::task::spawn_blocking(move || {
        let mut tcp = connect(addr);
        // Each request asks for a 400 page that echoes a 4 KB client_id,
        // so the socket buffers fill after a few megabytes.
        let request = format!(
            "GET /authorize?client_id={} HTTP/1.1\r\nHost: x\r\n\r\n",
            "a".repeat(4000)
        );
        let batch = request.repeat(50);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if tcp.write_all(batch.as_bytes()).is_err() {
                return (true, start.elapsed());
            }
        }
        (false, start.elapsed())
    })
    .await
    .unwrap();
    assert!(cut, "still connected after {elapsed:?}");
    full_flow(&server).await;
}

// ---------------------------------------------------------------------------
// Unbounded state
// ---------------------------------------------------------------------------

/// `VmRSS` of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

// The audit: "2,000 pending requests with a 60 KB state took RSS to 183 MB";
// "registered clients never expire and have no cap". A `serve` subprocess
// with its default limits takes 20,000 registrations and 20,000 pending
// authorization requests with a 4 KB state and stays under 128 MiB; a whole
// flow works afterwards. The median latency of the first and last 2,000
// authorization requests is printed (the audit saw it grow 2.5x); that no
// store is scanned whole per request is shown by the unit tests of
// `server::bounded`, where timing on a shared machine cannot blur it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_flat_under_20000_registrations_and_20000_pending_requests_with_4_kb_state() {
    let serve = Serve::start(&["--quiet"]);
    let issuer = serve.issuer.clone();
    let before = rss_kib(serve.child.id());
    let state: String = "s".repeat(4096);
    const N: usize = 20_000;
    const WORKERS: usize = 8;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..WORKERS {
        let issuer = issuer.clone();
        let state = state.clone();
        tasks.push(tokio::spawn(async move {
            let http = http();
            let mut timings = Vec::new();
            for i in (worker..N).step_by(WORKERS) {
                let registered = http
                    .post(format!("{issuer}/register"))
                    .header(CONTENT_TYPE, "application/json")
                    .body(json!({ "redirect_uris": [REDIRECT_URI] }).to_string())
                    .send()
                    .await
                    .expect("register");
                assert_eq!(registered.status(), StatusCode::CREATED);
                // Past 10,000 registrations the oldest are forgotten: each
                // authorization uses the client just registered.
                let body: Value = registered.json().await.unwrap();
                let client_id = body["client_id"].as_str().unwrap().to_owned();
                let mut url = url::Url::parse(&format!("{issuer}/authorize")).unwrap();
                url.query_pairs_mut().extend_pairs([
                    ("response_type", "code"),
                    ("client_id", client_id.as_str()),
                    ("redirect_uri", REDIRECT_URI),
                    ("state", state.as_str()),
                    ("code_challenge", APPENDIX_B_CHALLENGE),
                    ("code_challenge_method", "S256"),
                ]);
                let at = Instant::now();
                let page = http.get(url.as_str()).send().await.expect("authorize");
                assert_eq!(page.status(), StatusCode::OK, "consent page");
                page.bytes().await.unwrap();
                timings.push((i, at.elapsed()));
            }
            timings
        }));
    }
    let mut timings = Vec::new();
    for task in tasks {
        timings.extend(task.await.unwrap());
    }
    let load_time = started.elapsed();
    let after = rss_kib(serve.child.id());
    timings.sort_by_key(|(i, _)| *i);
    let median = |slice: &[(usize, Duration)]| {
        let mut d: Vec<Duration> = slice.iter().map(|(_, d)| *d).collect();
        d.sort();
        d[d.len() / 2]
    };
    let first = median(&timings[..2_000]);
    let last = median(&timings[N - 2_000..]);
    eprintln!(
        "serve RSS {before} KiB before, {after} KiB after {N} registrations and {N} pending \
         requests with a 4 KB state ({load_time:?}); median /authorize {first:?} first, {last:?} last"
    );
    assert!(after < 128 * 1024, "RSS {after} KiB");

    // A whole flow still works, through our own client and the consent page.
    let client = pkce_tutor::client::Client::new().unwrap();
    let metadata = client.discover(&issuer).await.unwrap().value;
    let client_id = client
        .register(&metadata, REDIRECT_URI, "after the load")
        .await
        .unwrap()
        .value;
    let challenge = pkce_tutor::pkce::CodeChallenge::parse_s256(APPENDIX_B_CHALLENGE).unwrap();
    let resource = format!("{issuer}/resource");
    let url = pkce_tutor::client::Client::authorization_url(
        &metadata,
        &pkce_tutor::client::AuthorizationRequest {
            client_id: &client_id,
            redirect_uri: REDIRECT_URI,
            state: STATE,
            code_challenge: Some(&challenge),
            scope: "mcp",
            resource: &resource,
        },
    )
    .unwrap();
    let page = client.open_authorization(&url).await.unwrap();
    let redirect = client.approve(&page).await.unwrap();
    let callback = pkce_tutor::client::parse_callback(&redirect.response, STATE, &issuer, true)
        .expect("a code after the load");
    let verifier = pkce_tutor::pkce::CodeVerifier::parse(APPENDIX_B_VERIFIER).unwrap();
    let token = client
        .exchange_code(
            &metadata,
            "token",
            &pkce_tutor::client::TokenRequest {
                code: &callback.code,
                redirect_uri: REDIRECT_URI,
                client_id: &client_id,
                code_verifier: Some(&verifier),
                resource: &resource,
            },
        )
        .await
        .unwrap();
    assert_eq!(token.response.status, 200, "{:?}", token.response.body);
}

// The audit: "pending consents and codes are bounded only by time",
// "registered clients … have no cap". Past each cap the oldest record is
// forgotten, and the newest still works.
#[tokio::test]
async fn stores_forget_their_oldest_records_at_their_caps() {
    let server = with_consent(Limits {
        max_clients: 2,
        max_pending: 2,
        ..Limits::default()
    })
    .await;
    let first_client = server.register(&[REDIRECT_URI]).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    server.register(&[REDIRECT_URI]).await;
    let forgotten = server.authorize_appendix_b(&first_client).await;
    expect_error_page(forgotten, "invalid_client").await;

    let mut pages = Vec::new();
    for _ in 0..3 {
        pages.push(server.consent_page(&client_id).await);
    }
    let oldest = server.consent(&pages[0], "approve").await;
    expect_error_page(oldest, "invalid_request").await;
    let location = server.approve(&pages[2]).await;
    assert!(param(&location, "code").is_some());

    let codes = with_limits(Limits {
        max_codes: 2,
        ..Limits::default()
    })
    .await;
    let client_id = codes.register(&[REDIRECT_URI]).await;
    let mut issued = Vec::new();
    for _ in 0..3 {
        issued.push(codes.appendix_b_code_for(&client_id).await);
    }
    let oldest = codes.redeem_appendix_b(&client_id, &issued[0]).await;
    let description = expect_json_error(oldest, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(description.contains("unknown"), "{description}");
    let newest = codes.redeem_appendix_b(&client_id, &issued[2]).await;
    expect_token(newest).await;
}

// Limits on parameter sizes where the specs leave them to the server: a
// state or scope over the limit is refused (redirected, as other errors).
#[tokio::test]
async fn oversized_state_and_scope_are_refused() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let limits = Limits::default();
    let long_state = "s".repeat(limits.max_state_bytes + 1);
    let long_scope = "a".repeat(limits.max_scope_bytes + 1);
    for (name, value, error) in [
        ("state", long_state.as_str(), "invalid_request"),
        ("scope", long_scope.as_str(), "invalid_scope"),
    ] {
        let response = server
            .authorize(&[
                ("response_type", "code"),
                ("client_id", &client_id),
                ("redirect_uri", REDIRECT_URI),
                ("code_challenge", APPENDIX_B_CHALLENGE),
                ("code_challenge_method", "S256"),
                (name, value),
            ])
            .await;
        let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
        assert_eq!(param(&location, "error").as_deref(), Some(error));
        assert_eq!(param(&location, "code"), None);
    }
    let at_limit = "s".repeat(limits.max_state_bytes);
    let response = server
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("state", &at_limit),
            ("code_challenge", APPENDIX_B_CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
    assert!(param(&location, "code").is_some());
}

// The audit: "/register accepts text/plain from any origin". Registration is
// JSON only (RFC 7591 §3.1): anything else is 400 invalid_client_metadata.
#[tokio::test]
async fn register_refuses_any_content_type_but_json() {
    let server = TestServer::start().await;
    let document = json!({ "redirect_uris": [REDIRECT_URI] }).to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
        None,
    ] {
        let mut request = server
            .http
            .post(server.url("/register"))
            .header("origin", "https://evil.example")
            .body(document.clone());
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let response = request.send().await.unwrap();
        let description =
            expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_client_metadata").await;
        assert!(description.contains("application/json"), "{description}");
    }
    for content_type in ["application/json", "Application/JSON; charset=utf-8"] {
        let response = server
            .http
            .post(server.url("/register"))
            .header(CONTENT_TYPE, content_type)
            .body(document.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{content_type}");
    }
}

// ---------------------------------------------------------------------------
// resource (RFC 8707) and the audience
// ---------------------------------------------------------------------------

// The audit: "code issued without resource, token request with
// resource=https://evil.example/ → 200 with that audience". Without resource
// at /authorize the default <issuer>/resource is authorized, and a token
// request naming anything else is invalid_target (DESIGN.md, "Audience").
#[tokio::test]
async fn token_resource_other_than_the_default_when_authorize_had_none_is_invalid_target() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let code = server.code_with(&client_id, &[]).await;
    let mcp = server.url("/mcp");
    for other in ["https://evil.example/", mcp.as_str()] {
        let response = server
            .redeem_with(&client_id, &code, &[("resource", other)])
            .await;
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_target").await;
    }
    // The code survives the refusals; the default resource is accepted.
    let default = server.url("/resource");
    let token = expect_token(
        server
            .redeem_with(&client_id, &code, &[("resource", &default)])
            .await,
    )
    .await;
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);
}

// The audit: "/authorize accepts any absolute URI as resource". Only the
// resources this server protects are accepted: <issuer>/resource and
// <issuer>/mcp.
#[tokio::test]
async fn authorize_resource_this_server_does_not_protect_is_invalid_target() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let issuer = server.issuer().to_owned();
    for foreign in [
        "https://evil.example/".to_owned(),
        "https://mcp.example/mcp".to_owned(),
        format!("{issuer}/resource/"),
        format!("{issuer}/token"),
        format!("{issuer}/"),
        "urn:example:resource".to_owned(),
    ] {
        let response = server
            .authorize_with(&client_id, &[("resource", &foreign)])
            .await;
        server.expect_error_redirect(&response, "invalid_target");
    }
    for ours in [server.url("/resource"), server.url("/mcp")] {
        server.code_with(&client_id, &[("resource", &ours)]).await;
    }
}

// The audit: "two resource parameters are refused as duplicate rather than
// invalid_target". Several resource values are invalid_target, with a
// description that says why, at both endpoints.
#[tokio::test]
async fn several_resource_parameters_are_invalid_target() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let (resource, mcp) = (server.url("/resource"), server.url("/mcp"));
    let response = server
        .authorize_with(&client_id, &[("resource", &resource), ("resource", &mcp)])
        .await;
    let description = server.expect_error_redirect(&response, "invalid_target");
    assert!(description.contains("one resource"), "{description}");

    let code = server
        .code_with(&client_id, &[("resource", &resource)])
        .await;
    let response = server
        .redeem_with(
            &client_id,
            &code,
            &[("resource", &resource), ("resource", &resource)],
        )
        .await;
    let description = expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_target").await;
    assert!(description.contains("one resource"), "{description}");
}

// The audit: "/resource accepts tokens with no audience". Every token now
// carries one (the default when nothing was asked), and each protected
// resource takes only its own: a token for /mcp is refused by /resource.
#[tokio::test]
async fn every_token_has_an_audience_and_resource_refuses_another_one() {
    let (server, mut received) = TestServer::with_events().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    // Neither request names a resource: a generic OAuth client.
    let code = server.code_with(&client_id, &[]).await;
    let token = expect_token(server.redeem_with(&client_id, &code, &[]).await).await;
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);
    let mut audiences = Vec::new();
    while let Ok(report) = received.try_recv() {
        if let Report::Event(ServerEvent::TokenIssued { audience, .. }) = report.report {
            audiences.push(audience);
        }
    }
    assert_eq!(audiences, [Some(server.url("/resource"))]);

    let mcp = server.url("/mcp");
    let code = server.code_with(&client_id, &[("resource", &mcp)]).await;
    // Without resource at /token, the token is for what was authorized.
    let token = expect_token(server.redeem_with(&client_id, &code, &[]).await).await;
    let challenge = expect_bearer_challenge(&server.resource(Some(&token)).await);
    assert!(challenge.contains("invalid_token"), "{challenge}");
}

// ---------------------------------------------------------------------------
// Consent bound to the browser
// ---------------------------------------------------------------------------

// The audit: "consent bound only to a hidden request_id: no cookie". The
// page sets an HttpOnly, SameSite=Strict cookie scoped to /consent; a POST
// without it, or with a wrong one, is refused and leaves the request
// pending; with it, the code is issued.
#[tokio::test]
async fn consent_without_the_cookie_is_refused_and_with_it_accepted() {
    let server = with_consent(Limits::default()).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let response = server.authorize_appendix_b(&client_id).await;
    let set_cookie = header(&response, SET_COOKIE.as_str()).expect("Set-Cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/consent"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let page = ConsentPage::read(response).await;
    let cookie = page.cookie.clone().unwrap();
    let (name, _) = cookie.split_once('=').unwrap();
    let forged = format!("{name}={}", "A".repeat(43));
    for wrong in [None, Some(forged.as_str()), Some("other=1")] {
        let refused = server
            .consent_with(&page.request_id, "approve", wrong, None)
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{wrong:?}");
        assert!(refused.headers().get(LOCATION).is_none());
        let html = refused.text().await.unwrap();
        assert!(html.contains("error=invalid_request"), "{html}");
    }
    let location = server.approve(&page).await;
    let code = param(&location, "code").expect("code");
    expect_token(server.redeem_appendix_b(&client_id, &code).await).await;
}

// The audit: "no Origin check". A POST /consent whose Origin is another
// site's (or the opaque "null") is refused even with the cookie; the
// issuer's own origin is accepted.
#[tokio::test]
async fn consent_from_a_foreign_origin_is_refused() {
    let server = with_consent(Limits::default()).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let page = server.consent_page(&client_id).await;
    let cookie = page.cookie.as_deref();
    for foreign in ["https://evil.example", "null", "http://localhost:1"] {
        let refused = server
            .consent_with(&page.request_id, "approve", cookie, Some(foreign))
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{foreign}");
    }
    let approved = server
        .consent_with(&page.request_id, "approve", cookie, Some(server.issuer()))
        .await;
    expect_redirect(&approved, StatusCode::SEE_OTHER, REDIRECT_URI);
}

// The audit: "HEAD /authorize issues a code under --auto-approve". HEAD
// answers as GET would check, and changes nothing: no code, no cookie, no
// pending request.
#[tokio::test]
async fn head_authorize_issues_no_code_and_leaves_no_pending_request() {
    let (server, mut received) = TestServer::with_events().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let url = |client_id: &str| {
        server
            .authorize_url(&[
                ("response_type", "code"),
                ("client_id", client_id),
                ("redirect_uri", REDIRECT_URI),
                ("code_challenge", APPENDIX_B_CHALLENGE),
                ("code_challenge_method", "S256"),
            ])
            .to_string()
    };
    let head = server.http.head(url(&client_id)).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.headers().get(LOCATION).is_none());
    let unknown = server.http.head(url("unknown")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    while let Ok(report) = received.try_recv() {
        assert!(
            !matches!(report.report, Report::Event(ServerEvent::CodeIssued(_))),
            "HEAD issued a code"
        );
    }

    // With the consent page and room for one pending request: HEAD sets no
    // cookie and takes no room, so the page shown before it still answers.
    let server = with_consent(Limits {
        max_pending: 1,
        ..Limits::default()
    })
    .await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let page = server.consent_page(&client_id).await;
    let url = server.authorize_url(&[
        ("response_type", "code"),
        ("client_id", &client_id),
        ("code_challenge", APPENDIX_B_CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    for _ in 0..3 {
        let head = server.http.head(url.as_str()).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK);
        assert!(head.headers().get(SET_COOKIE).is_none());
    }
    server.approve(&page).await;
}

// The audit: "error pages lack the anti-framing headers the consent page
// has". Every HTML page refuses framing (OAuth 2.1 §7.11).
#[tokio::test]
async fn every_html_page_refuses_framing() {
    let server = with_consent(Limits::default()).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let consent_page = server.authorize_appendix_b(&client_id).await;
    let error_page = server.authorize_appendix_b("unknown").await;
    let consent_error = server.consent_with("unknown", "approve", None, None).await;
    for page in [consent_page, error_page, consent_error] {
        let content_type = header(&page, CONTENT_TYPE.as_str()).unwrap_or_default();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        assert_eq!(
            header(&page, X_FRAME_OPTIONS.as_str()).as_deref(),
            Some("DENY")
        );
        let csp = header(&page, CONTENT_SECURITY_POLICY.as_str()).unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }
}

// ---------------------------------------------------------------------------
// Open registration, the seed, the malformed bearer
// ---------------------------------------------------------------------------

// The audit: "open registration of any https redirect host makes the
// consent-less error redirect an open redirector". By default only loopback
// and reverse-domain private-use redirect URIs register; https only with
// the server option (serve --allow-https-redirects).
#[tokio::test]
async fn register_redirect_uris_loopback_or_private_use_and_https_only_with_the_option() {
    let server = TestServer::start().await;
    for accepted in [
        "http://127.0.0.1:4000/cb",
        "http://127.0.0.1/cb",
        "http://[::1]:4000/cb",
        "http://localhost:4000/cb",
        "com.example.app:/cb",
    ] {
        let response = server
            .register_json(&json!({ "redirect_uris": [accepted] }))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "{accepted}");
    }
    for refused in [
        "https://evil.example/cb",
        "https://127.0.0.1/cb",
        "http://evil.example/cb",
        "http://localhost.evil.example/cb",
        "myapp:/cb",
    ] {
        let response = server
            .register_json(&json!({ "redirect_uris": [refused] }))
            .await;
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_redirect_uri").await;
    }
    let too_many: Vec<String> = (0..Limits::default().max_redirect_uris + 1)
        .map(|i| format!("http://127.0.0.1/cb{i}"))
        .collect();
    let long = format!("http://127.0.0.1/{}", "a".repeat(600));
    for uris in [json!(too_many), json!([long])] {
        let response = server
            .register_json(&json!({ "redirect_uris": uris }))
            .await;
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_redirect_uri").await;
    }

    let allowing = TestServer::allowing_https().await;
    let response = allowing
        .register_json(&json!({ "redirect_uris": ["https://app.example/cb"] }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

// The audit: "Authorization: Bearer with nothing after it gets 401 without
// error instead of 400 invalid_request (RFC 6750 §3.1)". A malformed bearer
// header is 400 invalid_request; a bad token stays 401 invalid_token; no
// credentials stay 401 without error.
#[tokio::test]
async fn malformed_bearer_is_400_invalid_request() {
    let server = TestServer::start().await;
    for malformed in ["Bearer", "Bearer ", "Bearer a b", "Bearer @@@", "bearer ="] {
        let response = server
            .http
            .get(server.url("/resource"))
            .header(AUTHORIZATION, malformed)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{malformed:?}");
        let challenge = header(&response, WWW_AUTHENTICATE.as_str()).unwrap();
        assert!(
            challenge.starts_with("Bearer error=\"invalid_request\""),
            "{challenge}"
        );
    }
    let unknown = server.resource(Some("well-formed-but-unknown")).await;
    let challenge = expect_bearer_challenge(&unknown);
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    let none = server.resource(None).await;
    let challenge = expect_bearer_challenge(&none);
    assert!(!challenge.contains("error="), "{challenge}");
}

// SPEC.md §9F: this is a teaching server, so invalid_grant says which check
// failed: unknown, expired, other client, already used.
#[tokio::test]
async fn invalid_grant_descriptions_name_the_failed_check() {
    let server = TestServer::with_code_lifetime(Duration::from_millis(300)).await;
    let (client_id, code) = server.appendix_b_code().await;
    let other = server.register(&[REDIRECT_URI]).await;
    let expect = |response, words: &'static str| async move {
        let description =
            expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
        assert!(description.contains(words), "{description}");
    };
    expect(
        server.redeem_appendix_b(&client_id, "no-such-code").await,
        "unknown",
    )
    .await;
    expect(
        server.redeem_appendix_b(&other, &code).await,
        "another client",
    )
    .await;
    expect_token(server.redeem_appendix_b(&client_id, &code).await).await;
    expect(
        server.redeem_appendix_b(&client_id, &code).await,
        "already used",
    )
    .await;
    let late = server.appendix_b_code_for(&client_id).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    expect(server.redeem_appendix_b(&client_id, &late).await, "expired").await;
}

// ---------------------------------------------------------------------------
// The lax policy
// ---------------------------------------------------------------------------

// The lax policy (SPEC.md §9F), for the attack lab: PKCE optional, plain
// accepted (and the RFC 7636 §4.3 default), no downgrade check; the metadata
// says so.
#[tokio::test]
async fn lax_policy_accepts_plain_and_skips_the_downgrade_check() {
    let server = TestServer::with(config(PkcePolicy::Lax)).await;
    let metadata = server
        .get_json("/.well-known/oauth-authorization-server")
        .await;
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        json!(["S256", "plain"])
    );
    let client_id = server.register(&[REDIRECT_URI]).await;
    for method in [&[("code_challenge_method", "plain")][..], &[]] {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("code_challenge", APPENDIX_B_VERIFIER),
        ];
        params.extend_from_slice(method);
        let response = server.authorize(&params).await;
        let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
        let code = param(&location, "code").expect("code");
        let wrong = server
            .redeem_without_redirect_uri(&client_id, &code, Some(OTHER_VERIFIER))
            .await;
        expect_json_error(wrong, StatusCode::BAD_REQUEST, "invalid_grant").await;
        let right = server
            .redeem_without_redirect_uri(&client_id, &code, Some(APPENDIX_B_VERIFIER))
            .await;
        expect_token(right).await;
    }
    // The downgrade: a code without a challenge, redeemed with a verifier.
    let response = server
        .authorize(&[("response_type", "code"), ("client_id", &client_id)])
        .await;
    let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
    let code = param(&location, "code").expect("code");
    let downgrade = server
        .redeem_without_redirect_uri(&client_id, &code, Some(APPENDIX_B_VERIFIER))
        .await;
    expect_token(downgrade).await;
}

// ---------------------------------------------------------------------------
// serve: the request log, --quiet, --seed, --code-lifetime, --help
// ---------------------------------------------------------------------------

/// `pkce-tutor serve` as a subprocess, its stdout read line by line.
struct Serve {
    child: Child,
    issuer: String,
    first_line: String,
    lines: std_mpsc::Receiver<String>,
}

impl Serve {
    fn start(extra: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("pkce-tutor"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("pkce-tutor serve starts");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = std_mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("a first line");
        let at = first.find("http://").expect("issuer in the first line");
        let issuer = first[at..].split_whitespace().next().unwrap().to_owned();
        Self {
            child,
            issuer,
            first_line: first,
            lines,
        }
    }

    /// The lines printed within `wait`.
    fn lines_within(&self, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        let mut lines = Vec::new();
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            lines.push(line);
        }
        lines
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A few requests with known answers, one of each kind of line.
async fn some_requests(issuer: &str) {
    let http = http();
    let get = |path: &str| http.get(format!("{issuer}{path}"));
    get("/.well-known/oauth-authorization-server")
        .send()
        .await
        .unwrap();
    get("/authorize?client_id=unknown&state=secret-state")
        .send()
        .await
        .unwrap();
    http.post(format!("{issuer}/token"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=authorization_code&code=c&client_id=unknown")
        .send()
        .await
        .unwrap();
    get("/resource")
        .header(AUTHORIZATION, "Bearer")
        .send()
        .await
        .unwrap();
}

// The audit: "an instructor cannot see what the server is doing: serve
// prints only its issuer". After the issuer, one line per request:
// METHOD PATH → STATUS and the OAuth error, never the query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_a_request_log_line_per_request_after_the_issuer() {
    let serve = Serve::start(&[]);
    let header = serve.lines_within(Duration::from_millis(300));
    assert!(
        header.iter().all(|l| !l.contains('→')),
        "log lines before any request: {header:?}"
    );
    some_requests(&serve.issuer).await;
    let lines = serve.lines_within(Duration::from_millis(500));
    assert_eq!(
        lines,
        [
            "GET /.well-known/oauth-authorization-server → 200",
            "GET /authorize → 400 invalid_client",
            "POST /token → 401 invalid_client",
            "GET /resource → 400 invalid_request",
        ]
    );
}

// `serve --quiet` prints the issuer and nothing per request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_quiet_prints_no_request_lines() {
    let serve = Serve::start(&["--quiet"]);
    some_requests(&serve.issuer).await;
    let lines = serve.lines_within(Duration::from_millis(500));
    assert!(lines.iter().all(|l| !l.contains('→')), "{lines:?}");
}

// The audit: "serve --seed makes every secret predictable even on a
// non-loopback bind". Refused: exit 2, a message on stderr, nothing on
// stdout, nothing bound. So is an unspecified bind without --issuer.
#[test]
fn serve_refuses_seed_with_a_non_loopback_bind() {
    let refused = |args: &[&str], words: &str| {
        let output = Command::new(assert_cmd::cargo::cargo_bin("pkce-tutor"))
            .arg("serve")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    };
    refused(
        &[
            "--seed",
            "1",
            "--bind",
            "0.0.0.0",
            "--issuer",
            "http://192.0.2.1:8080",
        ],
        "--seed",
    );
    refused(&["--seed", "1", "--bind", "192.0.2.1"], "--seed");
    refused(&["--bind", "0.0.0.0"], "--issuer");
    refused(
        &[
            "--bind",
            "0.0.0.0",
            "--issuer",
            "http://192.0.2.1:8080/path",
        ],
        "--issuer",
    );
    refused(&["--code-lifetime", "0"], "code-lifetime");
    refused(&["--code-lifetime", "86401"], "code-lifetime");
}

// serve --issuer URL: the issuer clients use when the server is reached
// through another address (a non-loopback bind, a proxy); the metadata
// names it, and the first line names it and the address listened on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_issuer_option_names_the_issuer_in_the_metadata() {
    let serve = Serve::start(&["--quiet", "--issuer", "http://192.0.2.1:8080"]);
    assert_eq!(serve.issuer, "http://192.0.2.1:8080");
    let port = serve
        .first_line
        .rsplit_once("(listening on 127.0.0.1:")
        .and_then(|(_, rest)| rest.trim_end_matches(')').parse::<u16>().ok())
        .unwrap_or_else(|| panic!("no address in {:?}", serve.first_line));
    let metadata = get_json(&format!(
        "http://127.0.0.1:{port}/.well-known/oauth-authorization-server"
    ))
    .await;
    assert_eq!(metadata["issuer"], json!("http://192.0.2.1:8080"));
    assert_eq!(
        metadata["token_endpoint"],
        json!("http://192.0.2.1:8080/token")
    );
}

// serve --code-lifetime SECONDS: codes expire when it says; serve --pkce lax
// is listed and labelled insecure in --help.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_code_lifetime_and_lax_policy_options() {
    let help = Command::new(assert_cmd::cargo::cargo_bin("pkce-tutor"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("lax") && help.contains("INSECURE"), "{help}");
    assert!(help.contains("--code-lifetime"), "{help}");

    let serve = Serve::start(&["--quiet", "--auto-approve", "--code-lifetime", "1"]);
    let server = Remote(serve.issuer.clone());
    let client_id = server.register().await;
    let code = server.code(&client_id).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = server.redeem(&client_id, &code).await;
    let description = expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(description.contains("expired"), "{description}");

    let lax = Serve::start(&["--quiet", "--pkce", "lax"]);
    let metadata = get_json(&format!(
        "{}/.well-known/oauth-authorization-server",
        lax.issuer
    ))
    .await;
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        json!(["S256", "plain"])
    );
}

/// A server reached by its issuer only (a subprocess).
struct Remote(String);

impl Remote {
    async fn register(&self) -> String {
        let response = http()
            .post(format!("{}/register", self.0))
            .header(CONTENT_TYPE, "application/json")
            .body(json!({ "redirect_uris": [REDIRECT_URI] }).to_string())
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        body["client_id"].as_str().unwrap().to_owned()
    }

    async fn code(&self, client_id: &str) -> String {
        let mut url = url::Url::parse(&format!("{}/authorize", self.0)).unwrap();
        url.query_pairs_mut().extend_pairs([
            ("response_type", "code"),
            ("client_id", client_id),
            ("code_challenge", APPENDIX_B_CHALLENGE),
            ("code_challenge_method", "S256"),
        ]);
        let response = http().get(url.as_str()).send().await.unwrap();
        let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
        param(&location, "code").expect("code")
    }

    async fn redeem(&self, client_id: &str, code: &str) -> reqwest::Response {
        http()
            .post(format!("{}/token", self.0))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=authorization_code&code={code}&client_id={client_id}&code_verifier={APPENDIX_B_VERIFIER}"
            ))
            .send()
            .await
            .unwrap()
    }
}
