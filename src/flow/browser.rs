//! A real browser at stages 3 and 4 (`BrowserMode::Real`). The engine does
//! not send the authorization request: it hands out the URL to open
//! ([`Engine::browser_url`]) and waits.
//!
//! - Stage 3 resolves when the server has answered the browser's
//!   authorization request (the engine recognises it in the server's
//!   reports by its `state`, which only this run knows): the step holds the
//!   request as the server read it and what the server did, though the
//!   engine never saw the page the browser got.
//! - Stage 4 resolves when the redirect arrives at the client's loopback
//!   listener: the steps are the user's answer on the consent page (again
//!   from the server's reports) and the redirect as the listener received
//!   it, which the client checks (`state`, `iss`) as it checks any.
//!
//! Either wait ends early when [`BrowserHandle::fall_back`] is called: the
//! simulated browser then performs the stage (at stage 4 it opens the
//! authorization URL again, since the consent page went to the real one).
//! The waits are cancel-safe: nothing is committed before they end.

use std::sync::Arc;

use tokio::sync::watch;

use super::engine::{Engine, PlannedStep};
use super::{BrowserMode, FlowError, Stage};
use crate::client::{CallbackError, Client, parse_callback_url};
use crate::record::{Actor, Edit, RequestHead, ServerEvent, StepRecord};
use crate::wire::decode_params;

/// Whether the real browser is in use, and the switch that hands its
/// stages to the simulated one.
#[derive(Debug)]
pub(super) struct BrowserSwitch {
    mode: BrowserMode,
    tx: Arc<watch::Sender<bool>>,
    rx: watch::Receiver<bool>,
}

impl BrowserSwitch {
    pub(super) fn new(mode: BrowserMode) -> Self {
        let (tx, rx) = watch::channel(false);
        Self {
            mode,
            tx: Arc::new(tx),
            rx,
        }
    }

    /// Whether stages 3 and 4 wait for the real browser.
    pub(super) fn real(&self) -> bool {
        self.mode == BrowserMode::Real && !*self.rx.borrow()
    }

    /// Resolves once the simulated browser is asked to take over.
    async fn fallen_back(&mut self) {
        let _ = self.rx.wait_for(|fallen| *fallen).await;
    }
}

/// Hands a stage waiting for the real browser to the simulated browser;
/// usable from another task (the TUI's wait screen). Cloning is cheap.
#[derive(Debug, Clone)]
pub struct BrowserHandle(Arc<watch::Sender<bool>>);

impl BrowserHandle {
    /// The simulated browser takes over stages 3 and 4 from now on; a stage
    /// waiting for the real browser goes on with it at once.
    pub fn fall_back(&self) {
        self.0.send_replace(true);
    }
}

impl Engine {
    /// Whether the next step waits for the learner's browser (stage 3 or
    /// 4 of a run with `BrowserMode::Real`, until a fall-back).
    pub fn waits_for_browser(&self) -> bool {
        self.browser.real()
            && !self.ended
            && matches!(
                self.next_stage(),
                Some(Stage::AuthorizationRequest | Stage::CodeIssued)
            )
    }

    /// The URL the learner's browser is to open: the authorization request
    /// of stage 3, with the scenario's edits of stage 3. `None` unless the
    /// next stage is 3 and sends a request.
    pub fn browser_url(&mut self) -> Result<Option<String>, FlowError> {
        if self.next_stage() != Some(Stage::AuthorizationRequest) {
            return Ok(None);
        }
        let edits = self.scenario.edits_at(Stage::AuthorizationRequest);
        Ok(self
            .plan()?
            .map(|plan| plan.request.amend(&edits).0.full_url()))
    }

    /// A handle that makes a waiting stage go on with the simulated browser.
    pub fn browser_handle(&self) -> BrowserHandle {
        BrowserHandle(Arc::clone(&self.browser.tx))
    }

    /// Stage 3 by the real browser: waits until the server has answered the
    /// authorization request that carries this run's `state`. `None` if the
    /// simulated browser was asked to take over first.
    pub(super) async fn authorization_in_browser(
        &mut self,
        edits: &[Edit],
    ) -> Result<Option<Vec<StepRecord>>, FlowError> {
        let Some(plan) = self.plan()? else {
            return Ok(None);
        };
        let PlannedStep { request, .. } = plan;
        let (sent, amendments) = request.amend(edits);
        let state = sent.param("state").unwrap_or_default().to_owned();
        let path = url::Url::parse(&sent.url)
            .map(|u| u.path().to_owned())
            .unwrap_or_default();
        let wanted = move |head: &RequestHead, _: &[ServerEvent]| {
            head.method == "GET"
                && head.target.split('?').next() == Some(path.as_str())
                && query_param(&head.target, "state").as_deref() == Some(state.as_str())
        };
        let (reports, trace, browser) = (&mut self.reports, &mut self.trace, &mut self.browser);
        let found = tokio::select! {
            found = reports.wait_for(trace, &wanted) => found,
            () = browser.fallen_back() => return Ok(None),
        };
        let (request_id, mut collected) = found.ok_or(FlowError::ServerGone)?;
        // Committed only now: a dropped wait leaves the plan as it was.
        self.planned = None;
        self.values.state = sent.param("state").map(str::to_owned);
        self.values.authorization_url = Some(sent.full_url());
        self.browser_request = Some(sent);
        let status = collected.status.unwrap_or_default();
        if !(200..400).contains(&status) {
            let error = collected
                .events
                .iter()
                .find_map(|e| match e {
                    ServerEvent::Refused { error, .. } => Some(error.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| format!("{status}: the browser shows an error page"));
            self.end_with(error);
        }
        let fetched = collected.server_steps(Some(request_id));
        let mut steps = vec![StepRecord {
            actor: Actor::Browser,
            purpose: "authorization request (your browser)".into(),
            planned: Some(request),
            amendments,
            exchange: None,
            request_id: Some(request_id),
            received: collected.head,
            server_events: collected.events,
            checks: Vec::new(),
        }];
        steps.extend(fetched);
        Ok(Some(steps))
    }

    /// Stage 4 by the real browser: waits for the redirect at the client's
    /// listener, then checks it. `None` if the simulated browser was asked
    /// to take over first.
    pub(super) async fn redirect_in_browser(
        &mut self,
    ) -> Result<Option<Vec<StepRecord>>, FlowError> {
        let (Some(listener), browser) = (self.listener.as_mut(), &mut self.browser) else {
            return Ok(None);
        };
        let callback = tokio::select! {
            callback = listener.next_callback() => callback,
            () = browser.fallen_back() => return Ok(None),
        };
        let callback = callback.ok_or(FlowError::ServerGone)?;
        let code = query_param(&callback.request.url, "code");
        // The user's answer on the consent page, if there was one (an
        // auto-approving server redirects from /authorize at once).
        let answered = move |head: &RequestHead, events: &[ServerEvent]| {
            head.method == "POST"
                && head.target.starts_with("/consent")
                && (code.is_none()
                    || events.iter().any(|e| {
                        matches!(e, ServerEvent::CodeIssued(stored) if Some(&stored.code) == code.as_ref())
                    }))
        };
        let mut steps = Vec::new();
        if let Some((request_id, collected)) =
            self.reports.take_matching(&mut self.trace, &answered)
        {
            steps.push(StepRecord {
                actor: Actor::Browser,
                purpose: "the user answers the consent page (your browser)".into(),
                planned: None,
                amendments: Vec::new(),
                exchange: None,
                request_id: Some(request_id),
                received: collected.head,
                server_events: collected.events,
                checks: Vec::new(),
            });
        }
        let outcome = parse_callback_url(
            &callback.request.url,
            self.values.state.as_deref().unwrap_or_default(),
            &self.metadata.issuer,
            self.metadata.authorization_response_iss_parameter_supported,
        );
        let purpose = callback.purpose.clone();
        steps.push(StepRecord {
            exchange: Some(callback),
            ..StepRecord::local(Actor::Browser, purpose)
        });
        match outcome {
            Ok(callback) => {
                self.values.code = Some(callback.code);
                self.values.iss = callback.iss;
            }
            Err(CallbackError::Refused { error, .. }) => self.end_with(error),
            Err(other) => self.end_with(other.to_string()),
        }
        Ok(Some(steps))
    }

    /// The simulated browser takes over at stage 4 after the real one had
    /// the consent page: it opens the authorization URL again, for a
    /// consent page of its own.
    pub(super) async fn reopen_in_simulated_browser(
        &mut self,
    ) -> Result<Option<StepRecord>, FlowError> {
        if self.browser_page.is_some() {
            return Ok(None);
        }
        let Some(request) = self.browser_request.clone() else {
            return Ok(None);
        };
        let step = self
            .send_step(
                Actor::Browser,
                "the simulated browser opens the authorization URL again",
                request,
                &[],
            )
            .await?;
        if let Some(exchange) = &step.exchange
            && Client::plan_consent(exchange).is_ok()
        {
            self.browser_page = Some(exchange.clone());
        }
        Ok(Some(step))
    }
}

/// The first value of a query parameter of a URL or an origin-form target.
fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    decode_params(query)
        .into_iter()
        .find(|p| p.name == name)
        .map(|p| p.value)
}
