//! Malformed input (DESIGN.md: "Malformed or oversized bodies → 4xx; the
//! server never panics"; SPEC.md AS-6, AS-21): property runs send well over
//! 1,000 random requests to /authorize, /token and /register — random bytes,
//! key=value soup with the real parameter names, huge values, bad
//! percent-encoding, wrong content types, bodies over the 16 KiB limit, plain
//! and chunked — and require that every one gets an HTTP answer below 500.
//! Afterwards the server must still answer the metadata request and a whole
//! well-behaved flow.
//!
//! One server on one tokio runtime serves every case; requests go over raw
//! TCP (blocking std sockets, from the test thread) so that every byte is the
//! generator's: no client-side normalisation.
//! The server runs in this process, so a panic hook counts panics in its
//! handlers as well.

mod support;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pkce_tutor::server::BODY_LIMIT_BYTES;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use support::*;

/// Panics anywhere in this process while the properties run.
static PANICS: AtomicUsize = AtomicUsize::new(0);
/// Requests that got an answer.
static ANSWERED: AtomicUsize = AtomicUsize::new(0);

/// The parameter names the endpoints know, so the soup reaches past the
/// first checks.
const NAMES: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "resource",
    "grant_type",
    "code",
    "code_verifier",
    "request_id",
    "decision",
];

/// Values the real values of a run are mixed with.
#[derive(Debug, Clone)]
struct Known {
    client_id: String,
    code: String,
    issuer: String,
}

/// A value for the soup: plausible, random, huge, or badly encoded. Values
/// are inserted as they are (already "encoded"): `%` sequences, `+`, `&` and
/// `=` reach the server's decoder unchanged.
fn value(known: &Known) -> BoxedStrategy<String> {
    let encode = encoded;
    let plausible = vec![
        "code".to_owned(),
        "token".to_owned(),
        "S256".to_owned(),
        "plain".to_owned(),
        "s256".to_owned(),
        "authorization_code".to_owned(),
        "password".to_owned(),
        "approve".to_owned(),
        APPENDIX_B_CHALLENGE.to_owned(),
        APPENDIX_B_VERIFIER.to_owned(),
        OTHER_VERIFIER.to_owned(),
        format!("{APPENDIX_B_CHALLENGE}%3D"),
        encode(REDIRECT_URI),
        encode("http://127.0.0.1:1/callback"),
        encode("http://evil.example/cb"),
        encode(&format!("{}/resource", known.issuer)),
        encode("https://x.example/#frag"),
        known.client_id.clone(),
        known.code.clone(),
        String::new(),
    ];
    prop_oneof![
        8 => proptest::sample::select(plausible),
        // Any printable ASCII, raw: reserved characters included.
        6 => "[ -~]{0,64}".prop_map(|s| s.replace([' ', '#'], "+")),
        // Bad percent-encoding and encoded non-UTF-8 or control bytes.
        4 => proptest::sample::select(vec![
            "%", "%%", "%z", "%zz", "%4", "%e9", "%C3%28", "%ff%fe", "%00", "%0d%0a",
            "%E2%82", "a%2", "%25%", "%F0%9F%98%80", "%c0%af", "+%+",
        ])
        .prop_map(str::to_owned),
        // Huge values: most fit in the body limit, some do not.
        1 => (1usize..BODY_LIMIT_BYTES + BODY_LIMIT_BYTES / 4, proptest::sample::select(vec!['a', '~', '%', '=']))
            .prop_map(|(n, c)| c.to_string().repeat(n)),
    ]
    .boxed()
}

/// `name=value&…` soup of real and random names, duplicates and oddities
/// (no `=`, empty names, stray `&`).
fn soup(known: &Known) -> BoxedStrategy<String> {
    let name = prop_oneof![
        4 => proptest::sample::select(NAMES.to_vec()).prop_map(str::to_owned),
        1 => "[a-z_%]{0,12}",
    ];
    let pair = (name, value(known), 0u8..10).prop_map(|(n, v, shape)| match shape {
        0 => n,               // no `=`
        1 => format!("={v}"), // no name
        2 => String::new(),   // stray `&`
        _ => format!("{n}={v}"),
    });
    vec(pair, 0..12).prop_map(|pairs| pairs.join("&")).boxed()
}

/// A well-formed request's parameters (`base`, values already encoded),
/// each kept, dropped, replaced by a random value or sent twice, shuffled,
/// with soup appended: requests that pass the first checks and then break a
/// later one.
fn mutated(known: &Known, base: Vec<(&'static str, String)>) -> BoxedStrategy<String> {
    let n = base.len();
    (
        vec((0u8..8, value(known)), n),
        prop_oneof![Just(String::new()), soup(known)],
        Just(base).prop_shuffle(),
    )
        .prop_map(|(ops, extra, base)| {
            let mut pairs = Vec::new();
            for ((name, original), (op, random)) in base.into_iter().zip(ops) {
                match op {
                    0 => {}
                    1 => pairs.push(format!("{name}={random}")),
                    2 => {
                        pairs.push(format!("{name}={original}"));
                        pairs.push(format!("{name}={random}"));
                    }
                    _ => pairs.push(format!("{name}={original}")),
                }
            }
            if !extra.is_empty() {
                pairs.push(extra);
            }
            pairs.join("&")
        })
        .boxed()
}

fn encoded(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// How a body travels.
#[derive(Debug, Clone, Copy)]
enum Framing {
    ContentLength,
    /// Declares a length over the limit and sends only a little.
    LyingContentLength,
    Chunked,
}

/// A request: method, target, content type, body, framing.
#[derive(Debug, Clone)]
struct Request {
    method: &'static str,
    target: String,
    content_type: Option<String>,
    body: Vec<u8>,
    framing: Framing,
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    proptest::sample::select(vec![
        Some("application/x-www-form-urlencoded"),
        Some("application/x-www-form-urlencoded; charset=UTF-8"),
        Some("APPLICATION/X-WWW-FORM-URLENCODED"),
        Some("application/json"),
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        Some("application/x-www-form-urlencoded; charset=latin1"),
        Some(";;;"),
        None,
    ])
    .prop_map(|c| c.map(str::to_owned))
}

fn framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        8 => Just(Framing::ContentLength),
        1 => Just(Framing::LyingContentLength),
        2 => Just(Framing::Chunked),
    ]
}

/// A body: the soup, random bytes, or over the limit.
fn body(known: &Known, structured: BoxedStrategy<Vec<u8>>) -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        5 => structured,
        2 => soup(known).prop_map(String::into_bytes),
        2 => vec(any::<u8>(), 0..2048),
        1 => (BODY_LIMIT_BYTES + 1..6 * BODY_LIMIT_BYTES, any::<u8>())
            .prop_map(|(n, b)| vec![b; n]),
    ]
    .boxed()
}

/// GET /authorize with a random query (sometimes a POST, which is not
/// offered).
fn authorize_requests(known: &Known) -> BoxedStrategy<Request> {
    let base = vec![
        ("response_type", "code".to_owned()),
        ("client_id", known.client_id.clone()),
        ("redirect_uri", encoded(REDIRECT_URI)),
        ("state", "s".to_owned()),
        ("code_challenge", APPENDIX_B_CHALLENGE.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
        ("resource", encoded(&format!("{}/resource", known.issuer))),
        ("scope", "mcp".to_owned()),
    ];
    let query = prop_oneof![1 => soup(known), 2 => mutated(known, base)];
    (query, 0u8..20)
        .prop_map(|(query, m)| Request {
            method: if m == 0 { "POST" } else { "GET" },
            target: format!("/authorize?{query}"),
            content_type: None,
            body: Vec::new(),
            framing: Framing::ContentLength,
        })
        .boxed()
}

/// POST /token with random forms, bytes and content types.
fn token_requests(known: &Known) -> BoxedStrategy<Request> {
    let base = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", known.code.clone()),
        ("client_id", known.client_id.clone()),
        ("redirect_uri", encoded(REDIRECT_URI)),
        ("code_verifier", APPENDIX_B_VERIFIER.to_owned()),
        ("resource", encoded(&format!("{}/resource", known.issuer))),
    ];
    let form = mutated(known, base).prop_map(String::into_bytes).boxed();
    (body(known, form), content_type(), framing(), 0u8..20)
        .prop_map(|(body, content_type, framing, m)| Request {
            method: if m == 0 { "PUT" } else { "POST" },
            target: "/token".into(),
            content_type,
            body,
            framing,
        })
        .boxed()
}

/// Random JSON, shallow or deep, often shaped like client metadata.
fn json_value() -> BoxedStrategy<serde_json::Value> {
    use serde_json::{Value, json};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        proptest::sample::select(vec![
            REDIRECT_URI,
            "http://evil.example/cb",
            "com.example.app:/cb",
            "myapp:/cb",
            "https://a.example/cb#f",
            "/rel",
            "none",
            "private_key_jwt",
            "code",
            "token",
            "authorization_code",
            "http://[::1]:9/cb",
            "http://localhost/cb",
            "",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let any_json = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(".{0,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    // A valid public-client document, each field kept, dropped or replaced
    // by random JSON, and random extra fields.
    let base = [
        ("redirect_uris", json!([REDIRECT_URI])),
        ("token_endpoint_auth_method", json!("none")),
        ("grant_types", json!(["authorization_code"])),
        ("response_types", json!(["code"])),
        ("client_name", json!("fuzz")),
    ];
    let n = base.len();
    let extra = proptest::collection::btree_map(".{0,12}", any_json.clone(), 0..3);
    let metadata = (vec((0u8..8, any_json.clone()), n), extra).prop_map(move |(ops, extra)| {
        let mut document: serde_json::Map<String, Value> = extra.into_iter().collect();
        for ((name, original), (op, random)) in base.iter().zip(ops) {
            match op {
                0 => {}
                1 => {
                    document.insert((*name).to_owned(), random);
                }
                _ => {
                    document.insert((*name).to_owned(), original.clone());
                }
            }
        }
        Value::Object(document)
    });
    prop_oneof![2 => metadata, 1 => any_json].boxed()
}

/// POST /register with random JSON, deep nesting, bytes and content types.
fn register_requests(known: &Known) -> BoxedStrategy<Request> {
    let structured = prop_oneof![
        4 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => (1usize..5000).prop_map(|depth| {
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()
        }),
        1 => (1usize..5000).prop_map(|depth| "{\"a\":".repeat(depth).into_bytes()),
    ]
    .boxed();
    (body(known, structured), content_type(), framing())
        .prop_map(|(body, content_type, framing)| Request {
            method: "POST",
            target: "/register".into(),
            content_type: content_type.map(|c| c.replace("x-www-form-urlencoded", "json")),
            body,
            framing,
        })
        .boxed()
}

/// Anything at all in the request target: random bytes after the path,
/// which the HTTP layer may refuse before the handler runs.
fn raw_target_requests() -> BoxedStrategy<Request> {
    (
        proptest::sample::select(vec!["/authorize?", "/token?", "/register?", "/authorize"]),
        vec(33u8..=126, 0..512),
        vec(any::<u8>(), 0..64),
    )
        .prop_map(|(path, printable, bytes)| {
            let mut target = path.to_owned();
            target.push_str(&String::from_utf8_lossy(&printable).replace(' ', ""));
            // A few bytes that are not URI characters at all.
            target.extend(
                bytes
                    .iter()
                    .filter(|b| b.is_ascii_graphic())
                    .map(|b| *b as char),
            );
            Request {
                method: if path.starts_with("/authorize") {
                    "GET"
                } else {
                    "POST"
                },
                target,
                content_type: None,
                body: Vec::new(),
                framing: Framing::ContentLength,
            }
        })
        .boxed()
}

/// Sends one request over a fresh connection and returns the status of the
/// answer. The body is written by another thread while the answer is read,
/// so a server that answers 413 before reading an oversized body is heard.
/// Plain blocking sockets: the server runs on the tokio runtime's workers.
fn send(addr: SocketAddr, request: &Request) -> Result<u16, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let mut write = stream.try_clone().map_err(|e| e.to_string())?;
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n",
        request.method, request.target
    );
    if let Some(content_type) = &request.content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    let mut bytes = Vec::new();
    match request.framing {
        Framing::ContentLength => {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", request.body.len()));
            bytes.extend_from_slice(head.as_bytes());
            bytes.extend_from_slice(&request.body);
        }
        Framing::LyingContentLength => {
            head.push_str(&format!(
                "Content-Length: {}\r\n\r\n",
                10 * BODY_LIMIT_BYTES
            ));
            bytes.extend_from_slice(head.as_bytes());
            bytes.extend_from_slice(&request.body[..request.body.len().min(100)]);
        }
        Framing::Chunked => {
            head.push_str("Transfer-Encoding: chunked\r\n\r\n");
            bytes.extend_from_slice(head.as_bytes());
            for chunk in request.body.chunks(4096) {
                bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                bytes.extend_from_slice(chunk);
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(b"0\r\n\r\n");
        }
    }
    // The server may stop reading once it has answered: not an error.
    let writer = std::thread::spawn(move || {
        let _ = write.write_all(&bytes);
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let outcome = loop {
        match stream.read(&mut buffer) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                answer.extend_from_slice(&buffer[..n]);
                // The status line is all we need.
                if answer.windows(2).any(|w| w == b"\r\n") {
                    break Ok(());
                }
            }
            Err(e) => break Err(e),
        }
    };
    let _ = stream.shutdown(Shutdown::Both);
    let _ = writer.join();
    let status_line = String::from_utf8_lossy(&answer);
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok());
    match (outcome, status) {
        (_, Some(status)) => Ok(status),
        (Err(e), None) => Err(format!("no answer: {e}")),
        (Ok(()), None) => Err(format!("closed without an answer: {status_line:?}")),
    }
}

/// Runs one property: every request gets an answer below 500.
fn check(
    addr: SocketAddr,
    what: &str,
    cases: u32,
    strategy: BoxedStrategy<Request>,
) -> (u32, BTreeMap<u16, u32>) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    });
    let ran = Cell::new(0u32);
    let statuses = RefCell::new(BTreeMap::new());
    let result = runner.run(&strategy, |request| {
        ran.set(ran.get() + 1);
        let status =
            send(addr, &request).map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
        ANSWERED.fetch_add(1, Ordering::Relaxed);
        *statuses.borrow_mut().entry(status).or_insert(0u32) += 1;
        if !(200..500).contains(&status) {
            return Err(TestCaseError::fail(format!("{what}: status {status}")));
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{what}: {error}");
    }
    (ran.get(), statuses.into_inner())
}

// DESIGN.md "Malformed or oversized bodies → 4xx; the server never panics";
// SPEC.md AS-6, AS-21 (OAuth 2.1 §3.1, §3.2).
#[test]
fn malformed_requests_never_get_5xx_nor_panic_and_the_server_keeps_answering() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(TestServer::start());
    let addr = server.handle.addr();
    let known = runtime.block_on(async {
        let (client_id, code) = server.appendix_b_code().await;
        Known {
            client_id,
            code,
            issuer: server.issuer().to_owned(),
        }
    });

    let started = Instant::now();
    // Each run must also reach past the outer checks: the statuses listed
    // are ones only a deeper branch gives (a redirect, a registration, the
    // body limit), so the generators are known to exercise the handlers.
    let runs = [
        (
            "GET /authorize",
            600,
            authorize_requests(&known),
            &[302, 400, 405][..],
        ),
        ("POST /token", 600, token_requests(&known), &[400, 405, 413]),
        (
            "POST /register",
            500,
            register_requests(&known),
            &[201, 400, 413],
        ),
        ("raw request targets", 150, raw_target_requests(), &[400]),
    ];
    let mut total = 0;
    for (what, cases, strategy, expected) in runs {
        let (ran, statuses) = check(addr, what, cases, strategy);
        eprintln!("{what}: {ran} cases, statuses {statuses:?}");
        for status in expected {
            assert!(
                statuses.contains_key(status),
                "{what}: no {status} among {statuses:?}"
            );
        }
        total += ran;
    }
    eprintln!(
        "{total} malformed requests, {} answered, in {:?}",
        ANSWERED.load(Ordering::Relaxed),
        started.elapsed()
    );
    assert!(total >= 1_000, "only {total} cases ran");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a panic happened");

    // The server still answers, and still works.
    runtime.block_on(async {
        let metadata = server
            .http
            .get(server.url("/.well-known/oauth-authorization-server"))
            .send()
            .await
            .expect("metadata request");
        assert_eq!(metadata.status(), reqwest::StatusCode::OK);
        let (client_id, code) = server.appendix_b_code().await;
        let token = server
            .redeem(&client_id, &code, REDIRECT_URI, Some(APPENDIX_B_VERIFIER))
            .await;
        let token = expect_token(token).await;
        assert_eq!(
            server.resource(Some(&token)).await.status(),
            reqwest::StatusCode::OK
        );
    });
}
