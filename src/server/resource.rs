//! The plain protected resource, `GET /resource`: it answers 200 with a
//! valid bearer token issued for it (the default audience, so generic OAuth
//! clients that send no `resource` reach it), and refuses as `bearer.rs`
//! says otherwise. The MCP endpoint is `mcp.rs`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Shared;
use super::bearer::{self, Protected};

/// `GET /resource`.
pub(crate) async fn resource(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let holder = match bearer::authorize(&shared, Protected::Resource, &headers) {
        Ok(holder) => holder,
        Err(refusal) => return bearer::refuse(&shared, Protected::Resource, refusal),
    };
    bearer::report_granted(&shared);
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "resource": Protected::Resource.url(&shared),
            "client_id": holder.client_id,
            "message": "access granted: the bearer token is valid for this resource",
        })),
    )
        .into_response()
}
