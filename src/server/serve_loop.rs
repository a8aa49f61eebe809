//! Accepting connections and serving HTTP/1.1 on each, with the limits of
//! `limits.rs`. `axum::serve` has no timer, so hyper's header timeout never
//! applies there and a client may hold a connection for ever; this loop
//! drives hyper's connection builder itself:
//!
//! - a cap on open connections (a permit per connection; past the cap a new
//!   connection gets `503` and is closed);
//! - hyper's header read timeout, with tokio's timer;
//! - the idle timeout of `idle.rs` under hyper;
//! - TCP_NODELAY, as before: small request/response pairs go out at once
//!   rather than wait for an ACK (Nagle);
//! - graceful shutdown: stop accepting, let requests in flight finish, close
//!   idle connections;
//! - one request log line per request (`access_log.rs`).
//!
//! The body timeout is applied where bodies are read (`body.rs`).

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
use tower_service::Service as _;

use super::access_log::{RequestLine, RequestLog};
use super::idle::IdleTimeout;
use super::limits::Limits;

/// What every connection needs.
#[derive(Clone)]
struct Context {
    router: Router,
    limits: Arc<Limits>,
    log: Option<RequestLog>,
}

/// Serves until `shutdown` fires (or its sender is dropped), then waits for
/// the connections in flight to finish.
pub(crate) async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    log: Option<RequestLog>,
    shutdown: oneshot::Receiver<()>,
) -> io::Result<()> {
    let max = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let permits = Arc::new(Semaphore::new(max));
    let (stop, stopped) = watch::channel(());
    let context = Context {
        router,
        limits: Arc::new(limits),
        log,
    };
    tokio::pin!(shutdown);
    loop {
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(error) => {
                    accept_error(error).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        match permits.clone().try_acquire_owned() {
            Ok(permit) => {
                tokio::spawn(connection(tcp, context.clone(), permit, stopped.clone()));
            }
            Err(_) => refuse_busy(&tcp),
        }
    }
    drop(listener);
    let _ = stop.send(());
    // Every connection holds a permit until it ends.
    let _ = permits.acquire_many(max as u32).await;
    Ok(())
}

/// Serves one connection until the client leaves, a limit cuts it, or the
/// server shuts down.
async fn connection(
    tcp: TcpStream,
    context: Context,
    _permit: OwnedSemaphorePermit,
    mut stopped: watch::Receiver<()>,
) {
    let _ = tcp.set_nodelay(true);
    let limits = context.limits.clone();
    let io = TokioIo::new(IdleTimeout::new(tcp, limits.idle_timeout));
    let service = service_fn(move |request| handle(context.clone(), request));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_head_bytes.max(8192))
        .keep_alive(true);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        // Timeouts and clients that hang up: normal on a server.
        tracing::debug!(%error, "connection ended");
    }
}

/// One request: the route table's answer, and its log line.
async fn handle(
    context: Context,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let line = context
        .log
        .as_ref()
        .map(|_| (request.method().clone(), request.uri().path().to_owned()));
    let mut router = context.router;
    let response = router.call(request).await?;
    if let (Some(log), Some((method, path))) = (&context.log, line) {
        log.record(RequestLine::new(&method, &path, &response));
    }
    Ok(response)
}

/// Over the connection cap: answer 503 if the socket takes it at once, and
/// close. Nothing waits on this client.
fn refuse_busy(tcp: &TcpStream) {
    const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\
        retry-after: 1\r\ncontent-type: text/plain\r\ncontent-length: 36\r\n\r\n\
        too many connections: try again soon";
    let _ = tcp.try_write(BUSY);
    tracing::debug!("connection refused: the connection cap is reached");
}

/// A failed `accept`: a connection reset before it was accepted is the
/// client's business; anything else (out of file descriptors) is waited
/// out briefly rather than spun on, as `axum::serve` does.
async fn accept_error(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
