//! Sorting the server's reports by the request they name: the engine takes
//! those of its own requests (it learns each one's number from the
//! response's `x-request-id`); whatever is left belongs to requests the run
//! did not send, and becomes an external request of the trace. A real
//! browser's requests are the run's too, though the engine never sees their
//! answers: it recognises them by their request line (`take_matching`,
//! `wait_for`), also among those already filed as external.

use std::collections::BTreeMap;

use tokio::sync::mpsc;

use crate::record::{
    Actor, ExternalRequest, REQUEST_ID_HEADER, Report, RequestHead, RequestId, ServerEvent,
    ServerFetch, ServerReport, StepRecord, Trace,
};
use crate::wire::Exchange;

/// What the server reported about one request.
#[derive(Debug, Default)]
pub(super) struct Collected {
    pub head: Option<RequestHead>,
    pub events: Vec<ServerEvent>,
    pub status: Option<u16>,
    /// What the server fetched on its own while handling the request.
    pub fetches: Vec<ServerFetch>,
}

impl Collected {
    /// The steps the server performed on its own for this request: one per
    /// fetch, actor `server`, with what it sent, got and checked.
    pub fn server_steps(&mut self, request: Option<RequestId>) -> Vec<StepRecord> {
        std::mem::take(&mut self.fetches)
            .into_iter()
            .map(|fetch| StepRecord {
                actor: Actor::Server,
                purpose: fetch.purpose,
                planned: None,
                amendments: Vec::new(),
                exchange: fetch.exchange,
                request_id: request,
                received: None,
                server_events: Vec::new(),
                checks: fetch.checks,
            })
            .collect()
    }
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
        while let Ok(report) = self.rx.try_recv() {
            self.file(report);
        }
    }

    /// Waits for the next report and keeps it; returns the request it names.
    pub async fn wait(&mut self) -> Option<RequestId> {
        let report = self.rx.recv().await?;
        let request = report.request;
        self.file(report);
        Some(request)
    }

    fn file(&mut self, ServerReport { request, report }: ServerReport) {
        let collected = self.by_request.entry(request).or_default();
        match report {
            Report::Head(head) => collected.head = Some(head),
            Report::Event(event) => collected.events.push(event),
            Report::Answered { status } => collected.status = Some(status),
            Report::Fetched(fetch) => collected.fetches.push(fetch),
        }
    }

    /// The reports of the first answered request whose head `wanted`
    /// recognises, among those not yet taken, then among the trace's
    /// external requests (filed there before the engine asked).
    pub fn take_matching(
        &mut self,
        trace: &mut Trace,
        wanted: &(dyn Fn(&RequestHead, &[ServerEvent]) -> bool + Sync),
    ) -> Option<(RequestId, Collected)> {
        self.drain();
        let found = self.by_request.iter().find_map(|(id, c)| {
            let head = c.head.as_ref()?;
            (c.status.is_some() && wanted(head, &c.events)).then_some(*id)
        });
        if let Some(id) = found {
            return self.by_request.remove(&id).map(|c| (id, c));
        }
        let at = trace.external.iter().position(|e| {
            e.status.is_some() && e.head.as_ref().is_some_and(|h| wanted(h, &e.events))
        })?;
        let external = trace.external.remove(at);
        Some((
            external.request,
            Collected {
                head: external.head,
                events: external.events,
                status: external.status,
                fetches: external.fetches,
            },
        ))
    }

    /// Waits until a request that `wanted` recognises has been answered,
    /// and takes its reports. Cancel-safe: a wait that is dropped loses no
    /// report. `None` if the server is gone.
    pub async fn wait_for(
        &mut self,
        trace: &mut Trace,
        wanted: &(dyn Fn(&RequestHead, &[ServerEvent]) -> bool + Sync),
    ) -> Option<(RequestId, Collected)> {
        loop {
            if let Some(found) = self.take_matching(trace, wanted) {
                return Some(found);
            }
            let report = self.rx.recv().await?;
            self.file(report);
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
                    known.fetches.extend(collected.fetches);
                }
                None => trace.record_external(ExternalRequest {
                    request,
                    head: collected.head,
                    events: collected.events,
                    status: collected.status,
                    fetches: collected.fetches,
                }),
            }
        }
    }
}
