//! Soak: 5,000 whole PKCE flows through `pkce-tutor serve` (a subprocess,
//! default limits, consent page, request log off) by 32 concurrent clients
//! on loopback, then the same number of round trips against a bare axum
//! server in the same run, for scale. Prints flows per second, round trips
//! per second for both, the server's RSS before and after, and the errors;
//! exits 1 if any flow failed.
//!
//! A flow is discovery once per client, then per flow: registration, the
//! authorization request (consent page), Approve (with the page's cookie),
//! the token request and the call to the resource: five round trips.
//!
//! Run: `cargo bench --bench soak`. Bounded: 5,000 flows, 32 clients, and a
//! 120 s limit on each phase.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use pkce_tutor::client::{AuthorizationRequest, Client, Metadata, TokenRequest, parse_callback};
use pkce_tutor::pkce::{CodeVerifier, derive_s256};

const FLOWS: usize = 5_000;
const CLIENTS: usize = 32;
const ROUND_TRIPS_PER_FLOW: usize = 5;
const PHASE_LIMIT: Duration = Duration::from_secs(120);
const REDIRECT_URI: &str = "http://127.0.0.1:33418/callback";

/// `VmRSS` of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Starts `pkce-tutor serve --quiet` and reads its issuer.
fn start_serve() -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pkce-tutor"))
        .args(["serve", "--port", "0", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("pkce-tutor serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line");
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let at = first.find("http://").expect("issuer on the first line");
    let issuer = first[at..].split_whitespace().next().unwrap().to_owned();
    (child, issuer)
}

/// One whole flow; `Err` says which step failed.
async fn flow(client: &Client, metadata: &Metadata, issuer: &str, n: usize) -> Result<(), String> {
    let client_id = client
        .register(metadata, REDIRECT_URI, "soak")
        .await
        .map_err(|e| format!("register: {e}"))?
        .value;
    let (verifier, _) = CodeVerifier::generate(&mut rand::rng());
    let challenge = derive_s256(&verifier).challenge;
    let resource = format!("{issuer}/resource");
    let state = format!("soak-{n}");
    let url = Client::authorization_url(
        metadata,
        &AuthorizationRequest {
            client_id: &client_id,
            redirect_uri: REDIRECT_URI,
            state: &state,
            code_challenge: Some(&challenge),
            scope: "mcp",
            resource: &resource,
        },
    )
    .map_err(|e| format!("authorization URL: {e}"))?;
    let page = client
        .open_authorization(&url)
        .await
        .map_err(|e| format!("authorize: {e}"))?;
    let redirect = client
        .approve(&page)
        .await
        .map_err(|e| format!("approve: {e}"))?;
    let callback = parse_callback(&redirect.response, &state, issuer, true)
        .map_err(|e| format!("callback: {e}"))?;
    let token = client
        .exchange_code(
            metadata,
            "token",
            &TokenRequest {
                code: &callback.code,
                redirect_uri: REDIRECT_URI,
                client_id: &client_id,
                code_verifier: Some(&verifier),
                resource: &resource,
            },
        )
        .await
        .map_err(|e| format!("token: {e}"))?;
    let access_token = (token.response.status == 200)
        .then(|| token.response.json_str("access_token"))
        .flatten()
        .ok_or_else(|| format!("token: {} {:?}", token.response.status, token.response.body))?;
    let granted = client
        .call_resource("resource", &resource, &access_token)
        .await
        .map_err(|e| format!("resource: {e}"))?;
    if granted.response.status != 200 {
        return Err(format!("resource: {}", granted.response.status));
    }
    Ok(())
}

/// Runs `FLOWS` flows with `CLIENTS` clients; (elapsed, errors, first error).
async fn soak_flows(issuer: &str) -> (Duration, usize, Option<String>) {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CLIENTS {
        let next = next.clone();
        let issuer = issuer.to_owned();
        workers.push(tokio::spawn(async move {
            let client = Client::new().expect("client");
            let metadata = client.discover(&issuer).await.expect("discovery").value;
            let mut errors = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= FLOWS {
                    break;
                }
                if let Err(error) = flow(&client, &metadata, &issuer, n).await {
                    errors.push(error);
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for worker in workers {
        errors.extend(worker.await.expect("worker"));
    }
    (started.elapsed(), errors.len(), errors.into_iter().next())
}

/// The same number of round trips, in the same pattern (POST JSON, GET,
/// POST form, POST form, GET), against a bare axum server.
async fn bare_round_trips() -> (Duration, usize) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = Router::new().route(
        "/",
        get(|| async { "ok" }).post(|body: String| async { body }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CLIENTS {
        let next = next.clone();
        let url = url.clone();
        workers.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let mut errors = 0;
            while next.fetch_add(1, Ordering::Relaxed) < FLOWS {
                for step in 0..ROUND_TRIPS_PER_FLOW {
                    let request = match step {
                        0 => http
                            .post(&url)
                            .header("content-type", "application/json")
                            .body(r#"{"redirect_uris":["http://127.0.0.1:33418/callback"]}"#),
                        1 | 4 => http.get(&url),
                        _ => http
                            .post(&url)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body("grant_type=authorization_code&code=x"),
                    };
                    match request.send().await {
                        Ok(response) if response.status() == 200 => {
                            let _ = response.bytes().await;
                        }
                        _ => errors += 1,
                    }
                }
            }
            errors
        }));
    }
    let mut errors = 0;
    for worker in workers {
        errors += worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    server.abort();
    (elapsed, errors)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that does not match skips.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if filter.is_some_and(|f| !"soak".contains(&f)) {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (mut serve, issuer) = start_serve();
    let pid = serve.id();
    let rss_before = rss_kib(pid);
    let (elapsed, errors, first_error) = runtime.block_on(async {
        tokio::time::timeout(PHASE_LIMIT, soak_flows(&issuer))
            .await
            .expect("the soak finishes within its limit")
    });
    let rss_after = rss_kib(pid);
    let _ = serve.kill();
    let _ = serve.wait();
    let (bare_elapsed, bare_errors) = runtime.block_on(async {
        tokio::time::timeout(PHASE_LIMIT, bare_round_trips())
            .await
            .expect("the bare run finishes within its limit")
    });

    let round_trips = (FLOWS * ROUND_TRIPS_PER_FLOW) as f64;
    let flows_per_s = FLOWS as f64 / elapsed.as_secs_f64();
    let bare_per_s = round_trips / bare_elapsed.as_secs_f64();
    println!("soak: {FLOWS} flows, {CLIENTS} concurrent clients, loopback");
    println!(
        "  pkce-tutor serve: {:.2} s, {flows_per_s:.0} flows/s ({:.0} round trips/s), errors {errors}",
        elapsed.as_secs_f64(),
        round_trips / elapsed.as_secs_f64(),
    );
    println!(
        "  bare axum:        {:.2} s, {:.0} flow-equivalents/s ({bare_per_s:.0} round trips/s), errors {bare_errors}",
        bare_elapsed.as_secs_f64(),
        FLOWS as f64 / bare_elapsed.as_secs_f64(),
    );
    println!(
        "  flow round trips take {:.2}x the bare ones",
        elapsed.as_secs_f64() / bare_elapsed.as_secs_f64()
    );
    println!("  serve RSS: {rss_before} KiB before, {rss_after} KiB after");
    if let Some(error) = first_error {
        eprintln!("soak: first error: {error}");
    }
    if errors > 0 || bare_errors > 0 {
        std::process::exit(1);
    }
}
