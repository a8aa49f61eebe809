//! Numbers every request, so that every report of the server names the
//! request it is about. The layer gives each request the next number, reports
//! its request line and headers as read from the socket, runs the handler
//! with the number in a task-local (so [`current`] finds it wherever a
//! handler emits an event), then stamps the response with `x-request-id` and
//! reports its status.
//!
//! A hand-written `tower` service rather than `middleware::from_fn`: it
//! costs one small future per request, no boxing, on every request of every
//! flow the tutorial runs.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, ready};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::response::Response;
use tokio::task::futures::TaskLocalFuture;

use super::Shared;
use crate::record::{REQUEST_ID_HEADER, Report, RequestHead, RequestId};
use crate::wire::utf8_text;

tokio::task_local! {
    static CURRENT: RequestId;
}

/// The request being handled (0 outside of one, which the layer prevents).
pub(crate) fn current() -> RequestId {
    CURRENT.try_with(|id| *id).unwrap_or(RequestId(0))
}

/// The layer, holding the server's shared state (the counter, the reports).
#[derive(Clone)]
pub(crate) struct RequestIdLayer {
    shared: Arc<Shared>,
}

impl RequestIdLayer {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

impl<S> tower_layer::Layer<S> for RequestIdLayer {
    type Service = Numbered<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Numbered {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service the layer wraps around the routes.
#[derive(Clone)]
pub(crate) struct Numbered<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> tower_service::Service<Request> for Numbered<S>
where
    S: tower_service::Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Stamped<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = RequestId(self.shared.requests.fetch_add(1, Ordering::Relaxed) + 1);
        if self.shared.reports_wanted() {
            self.shared.report(id, Report::Head(head(&request)));
        }
        Stamped {
            inner: CURRENT.scope(id, self.inner.call(request)),
            id,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The request line and headers, as read.
fn head(request: &Request) -> RequestHead {
    RequestHead {
        method: request.method().to_string(),
        target: request.uri().path_and_query().map_or_else(
            || request.uri().path().to_owned(),
            |pq| pq.as_str().to_owned(),
        ),
        version: format!("{:?}", request.version()),
        headers: request
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    utf8_text(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
    }
}

pin_project_lite::pin_project! {
    /// The handler's future, run with the request's number in scope; its
    /// response leaves stamped with the number.
    pub(crate) struct Stamped<F> {
        #[pin]
        inner: TaskLocalFuture<RequestId, F>,
        id: RequestId,
        shared: Arc<Shared>,
    }
}

impl<F, E> Future for Stamped<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut result = ready!(this.inner.poll(cx));
        if let Ok(response) = &mut result {
            response
                .headers_mut()
                .insert(REQUEST_ID_HEADER, HeaderValue::from(this.id.0));
            if this.shared.reports_wanted() {
                let status = response.status().as_u16();
                this.shared.report(*this.id, Report::Answered { status });
            }
        }
        Poll::Ready(result)
    }
}
