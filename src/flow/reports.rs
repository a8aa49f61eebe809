//! Sorting the server's reports by the request they name: the engine takes
//! those of its own requests (it learns each one's number from the
//! response's `x-request-id`); whatever is left belongs to requests the run
//! did not send, and becomes an external request of the trace.

use std::collections::BTreeMap;

use tokio::sync::mpsc;

use crate::record::{
    ExternalRequest, REQUEST_ID_HEADER, Report, RequestHead, RequestId, ServerEvent, ServerReport,
    Trace,
};
use crate::wire::Exchange;

/// What the server reported about one request.
#[derive(Debug, Default)]
pub(super) struct Collected {
    pub head: Option<RequestHead>,
    pub events: Vec<ServerEvent>,
    pub status: Option<u16>,
}

/// The receiving end of the server's reports.
pub(super) struct Reports {
    rx: mpsc::UnboundedReceiver<ServerReport>,
    by_request: BTreeMap<RequestId, Collected>,
}

impl Reports {
    pub fn new(rx: mpsc::UnboundedReceiver<ServerReport>) -> Self {
        Self {
            rx,
            by_request: BTreeMap::new(),
        }
    }

    /// Reads every report sent so far. The server reports before it
    /// answers, so after a response every report of that request is here.
    fn drain(&mut self) {
        while let Ok(ServerReport { request, report }) = self.rx.try_recv() {
            self.keep(request, report);
        }
    }

    /// Waits for the next report and keeps it; returns the request it names.
    pub async fn wait(&mut self) -> Option<RequestId> {
        let ServerReport { request, report } = self.rx.recv().await?;
        self.keep(request, report);
        Some(request)
    }

    fn keep(&mut self, request: RequestId, report: Report) {
        let collected = self.by_request.entry(request).or_default();
        match report {
            Report::Head(head) => collected.head = Some(head),
            Report::Event(event) => collected.events.push(event),
            Report::Answered { status } => collected.status = Some(status),
        }
    }

    /// The reports about the request of this exchange (none if the
    /// response carries no request number).
    pub fn take(&mut self, exchange: &Exchange) -> (Option<RequestId>, Collected) {
        self.drain();
        let id = exchange
            .response
            .header(REQUEST_ID_HEADER)
            .and_then(|v| v.parse().ok())
            .map(RequestId);
        let collected = id
            .and_then(|id| self.by_request.remove(&id))
            .unwrap_or_default();
        (id, collected)
    }

    /// Files what is left, the requests the run did not send, into the
    /// trace; a request seen before (its head, then its answer) is updated.
    pub fn file_external(&mut self, trace: &mut Trace) {
        self.drain();
        for (request, collected) in std::mem::take(&mut self.by_request) {
            match trace.external.iter_mut().find(|e| e.request == request) {
                Some(known) => {
                    known.head = known.head.take().or(collected.head);
                    known.events.extend(collected.events);
                    known.status = known.status.or(collected.status);
                }
                None => trace.record_external(ExternalRequest {
                    request,
                    head: collected.head,
                    events: collected.events,
                    status: collected.status,
                }),
            }
        }
    }
}
