//! One whole PKCE flow over loopback (its own server started, discovery,
//! registration, the six stages, the call to the resource: six HTTP round
//! trips), beside the same number of bare reqwest → axum round trips against
//! a bare server also started for the occasion, in the same run. Target: the
//! flow within 1.5× of the bare round trips.

use std::hint::black_box;

use axum::Router;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use pkce_tutor::flow::{Flow, Scenario, Stage, run};

enum Method {
    Get,
    Post,
}

/// The round trips of one PKCE flow, in order: discovery, registration,
/// authorization request, consent, token request, resource.
const FLOW_METHODS: [Method; 6] = [
    Method::Get,
    Method::Post,
    Method::Get,
    Method::Post,
    Method::Post,
    Method::Get,
];

fn flow_vs_bare(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    // Every iteration opens new connections, each left in TIME_WAIT for a
    // minute; a short measurement keeps the ephemeral ports from running out,
    // which would slow down connect() in whichever benchmark runs second.
    let mut group = c.benchmark_group("loopback");
    group
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    group.bench_function("pkce_flow", |b| {
        b.to_async(&runtime).iter(|| async {
            let trace = run(Scenario {
                seed: Some(7),
                ..Scenario::new(Flow::Pkce)
            })
            .await
            .expect("flow runs");
            assert!(trace.stage(Stage::Verification).is_some());
            black_box(trace)
        });
    });

    // The same round trips with nothing of OAuth in them: a bare axum
    // server started for the occasion, as each flow starts its own, and a
    // fresh reqwest client sending the flow's sequence of methods (GET
    // discovery, POST registration, GET authorize, POST consent, POST token,
    // GET resource), each POST with a small form that is echoed back.
    group.bench_function("bare_round_trips_x6", |b| {
        b.to_async(&runtime).iter(|| async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/", listener.local_addr().unwrap());
            let app = Router::new().route(
                "/",
                get(|| async { "ok" }).post(|body: String| async { body }),
            );
            let server = tokio::spawn(async move { axum::serve(listener, app).await });
            let client = reqwest::Client::new();
            for method in FLOW_METHODS {
                let request = match method {
                    Method::Get => client.get(&url),
                    Method::Post => client
                        .post(&url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body("grant_type=authorization_code&code=x"),
                };
                let body = request.send().await.unwrap().text().await.unwrap();
                black_box(body);
            }
            server.abort();
        });
    });
    group.finish();
}

criterion_group!(benches, flow_vs_bare);
criterion_main!(benches);
