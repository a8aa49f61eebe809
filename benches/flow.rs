//! One whole PKCE flow over loopback (server start, discovery, registration,
//! the six stages, the call to the resource: six HTTP round trips), beside
//! the same number of bare reqwest → axum round trips, in the same run.
//! Target: the flow within 1.5× of the bare round trips.

use std::hint::black_box;

use axum::Router;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use pkce_tutor::flow::{Flow, Scenario, Stage, run};

/// Round trips one PKCE flow makes: discovery, registration, authorization
/// request, consent, token request, resource.
const ROUND_TRIPS: usize = 6;

fn flow_vs_bare(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    let mut group = c.benchmark_group("loopback");
    group.bench_function("pkce_flow", |b| {
        b.to_async(&runtime).iter(|| async {
            let trace = run(Scenario {
                flow: Flow::Pkce,
                attack: None,
                seed: Some(7),
            })
            .await
            .expect("flow runs");
            assert!(trace.stage(Stage::Verification).is_some());
            black_box(trace)
        });
    });

    // A bare axum server answering a small body, started once.
    let address = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = Router::new().route("/", get(|| async { "ok" }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    });
    let url = format!("http://{address}/");
    group.bench_function("bare_round_trips_x6", |b| {
        b.to_async(&runtime).iter(|| async {
            // A fresh client, as each flow has: the connection is set up anew.
            let client = reqwest::Client::new();
            for _ in 0..ROUND_TRIPS {
                let body = client.get(&url).send().await.unwrap().text().await.unwrap();
                black_box(body);
            }
        });
    });
    group.finish();
}

criterion_group!(benches, flow_vs_bare);
criterion_main!(benches);
