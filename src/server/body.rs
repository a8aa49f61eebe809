//! Reading a request body within the limit. A body whose `Content-Length`
//! declares more than [`BODY_LIMIT_BYTES`] is refused with 413 before a byte
//! of it is read, so a client that declares a huge body and sends little of
//! it cannot hold a connection open; one that sends more than it declared is
//! cut off at the limit.

use axum::body::{Bytes, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::BODY_LIMIT_BYTES;

/// A request body of at most [`BODY_LIMIT_BYTES`].
pub(crate) struct LimitedBody(pub(crate) Bytes);

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        // The unread body stays on the connection: close it.
        [(header::CONNECTION, "close")],
        format!("the request body is over the limit of {BODY_LIMIT_BYTES} bytes"),
    )
        .into_response()
}

impl<S: Send + Sync> FromRequest<S> for LimitedBody {
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > BODY_LIMIT_BYTES as u64) {
            return Err(too_large());
        }
        to_bytes(request.into_body(), BODY_LIMIT_BYTES)
            .await
            .map(Self)
            .map_err(|_| too_large())
    }
}
