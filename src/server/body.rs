//! Reading a request body within the size limit and the body timeout. A body
//! whose `Content-Length` declares more than [`BODY_LIMIT_BYTES`] is refused
//! with 413 before a byte of it is read, so a client that declares a huge
//! body and sends little of it cannot hold a connection open; one that sends
//! more than it declared is cut off at the limit; one that sends it too
//! slowly gets 408 when the body timeout runs out (`limits.rs`).

use std::sync::Arc;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{BODY_LIMIT_BYTES, Shared};

/// A request body of at most [`BODY_LIMIT_BYTES`].
pub(crate) struct LimitedBody(pub(crate) Bytes);

/// A refusal that leaves unread bytes on the connection, so it closes it.
fn refuse(status: StatusCode, why: String) -> Response {
    (status, [(header::CONNECTION, "close")], why).into_response()
}

fn too_large() -> Response {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is over the limit of {BODY_LIMIT_BYTES} bytes"),
    )
}

impl FromRequest<Arc<Shared>> for LimitedBody {
    type Rejection = Response;

    async fn from_request(request: Request, shared: &Arc<Shared>) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        read(shared, &parts.headers, body).await.map(Self)
    }
}

/// Reads a body of at most [`BODY_LIMIT_BYTES`] within the body timeout, or
/// the refusal to send instead (for a handler that needs the request's other
/// parts too, as the MCP endpoint does).
pub(crate) async fn read(
    shared: &Shared,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, Response> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > BODY_LIMIT_BYTES as u64) {
        return Err(too_large());
    }
    let timeout = shared.config.limits.body_read_timeout;
    match tokio::time::timeout(timeout, to_bytes(body, BODY_LIMIT_BYTES)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(too_large()),
        Err(_) => Err(refuse(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body did not arrive within {} ms",
                timeout.as_millis()
            ),
        )),
    }
}
