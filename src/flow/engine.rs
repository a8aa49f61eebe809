//! The engine: one scenario in progress, with its own server and client.
//! It performs stage 0 (discovery and registration, `discovery.rs`) one
//! request at a time, then one stage at a time; a stage's HTTP step is
//! planned (and the plan can be read before it goes), amended with the
//! learner's edits, sent, and recorded with the server's own reports about
//! that request, followed by any step the server performed on its own for
//! it (a client metadata document it fetched).

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use tokio::sync::mpsc;

use super::browser::BrowserSwitch;
use super::discovery::Next;
use super::reports::Reports;
use super::{Attack, BrowserMode, FlowError, Scenario, Stage, Step};
use crate::client::{Client, ClientError, Listener, Metadata};
use crate::pkce::{CodeChallenge, CodeVerifier};
use crate::record::{
    Actor, ClientValues, Edit, Flow, PlannedRequest, Registration, StageRecord, StepRecord, Trace,
};
use crate::server::{self, PkcePolicy, ServerConfig, ServerHandle};
use crate::wire::Exchange;

/// The redirect URI the client registers: a loopback address, as OAuth 2.1
/// §8.4.2 describes for native apps (the port is the client's choice). The
/// simulated browser reads the redirect without following it, so nothing
/// listens there.
pub const REDIRECT_URI: &str = "http://127.0.0.1:33418/callback";
/// The redirect URI registered for a real browser: loopback with no port,
/// since the client's listener takes whichever port is free when it runs
/// and the server lets a loopback port vary (RFC 8252 §7.3, SPEC.md AS-1).
pub const REDIRECT_URI_ANY_PORT: &str = "http://127.0.0.1/callback";
/// The scope the client asks for.
pub const SCOPE: &str = "mcp";
/// The name the client registers under.
pub const CLIENT_NAME: &str = "pkce-tutor MCP client";

/// The PKCE method the legitimate client uses, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClientMethod {
    /// `BASE64URL(SHA256(code_verifier))` (RFC 7636 §4.2).
    S256,
    /// The challenge is the verifier: the insecure client of the sniffing
    /// attack's left side.
    Plain,
}

impl ClientMethod {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::S256 => "S256",
            Self::Plain => "plain",
        }
    }
}

/// What one side of a scenario runs: the server's policy and the client's
/// method. Without an attack, the PKCE flow is OAuth 2.1 and the plain flow
/// is Step 04; with one, the plain flow is the side that lacks the defence
/// the attack is about (DESIGN's attack table).
pub(super) fn configuration(
    flow: Flow,
    attack: Option<Attack>,
) -> (PkcePolicy, Option<ClientMethod>) {
    match (flow, attack) {
        (Flow::Pkce, _) => (PkcePolicy::Required, Some(ClientMethod::S256)),
        (Flow::Plain, None | Some(Attack::Interception) | Some(Attack::Injection)) => {
            (PkcePolicy::Optional, None)
        }
        // The challenge travels in the request the attacker reads: with
        // `plain` it is the verifier.
        (Flow::Plain, Some(Attack::Sniffing)) => (PkcePolicy::Lax, Some(ClientMethod::Plain)),
        // A PKCE client is not enough when the server skips the downgrade
        // check (RFC 9700 §4.8.1).
        (Flow::Plain, Some(Attack::Downgrade)) => (PkcePolicy::Lax, Some(ClientMethod::S256)),
    }
}

/// The name of a policy as the command line and transcripts write it.
pub(super) fn policy_name(policy: PkcePolicy) -> &'static str {
    match policy {
        PkcePolicy::Required => "required",
        PkcePolicy::Optional => "optional",
        PkcePolicy::Lax => "lax",
    }
}

/// The next HTTP step of a run, as its actor plans it, before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep {
    /// The stage it belongs to.
    pub stage: Stage,
    /// Who sends it.
    pub actor: Actor,
    /// What it is for.
    pub purpose: &'static str,
    /// The request.
    pub request: PlannedRequest,
}

/// A scenario in progress: its own server, its own client, and the records so
/// far. Dropping it stops the server.
pub struct Engine {
    pub(super) scenario: Scenario,
    /// The server's PKCE policy on this side.
    pub(super) policy: PkcePolicy,
    /// The client's PKCE method, if it uses PKCE.
    pub(super) method: Option<ClientMethod>,
    server: ServerHandle,
    pub(super) reports: Reports,
    pub(super) client: Client,
    /// The client's loopback listener: its metadata document (CIMD) and a
    /// real browser's redirect. Started only when the scenario needs one.
    pub(super) listener: Option<Listener>,
    pub(super) rng: ChaCha20Rng,
    /// The authorization server's metadata, once discovery read it.
    pub(super) metadata: Metadata,
    /// Where stage 0 stands.
    pub(super) discovery: Next,
    /// The scope the client asks for: the 401's, else the resource's.
    pub(super) scope: String,
    /// What the client holds so far.
    pub(super) values: ClientValues,
    pub(super) verifier: Option<CodeVerifier>,
    pub(super) challenge: Option<CodeChallenge>,
    /// The page the browser shows after stage 3 (the consent page).
    pub(super) browser_page: Option<Exchange>,
    /// The authorization request the browser was sent (stage 3), as sent:
    /// a simulated browser taking over from a real one opens it again.
    pub(super) browser_request: Option<PlannedRequest>,
    /// Whether stages 3 and 4 wait for a real browser, and the switch that
    /// hands them to the simulated one.
    pub(super) browser: BrowserSwitch,
    /// The token request as sent at stage 5 (the replay sends it again).
    pub(super) token_request: Option<PlannedRequest>,
    /// The access token the token endpoint issued, once it did.
    pub(super) issued_token: Option<String>,
    /// The plan of the next HTTP step, made once so that its random values
    /// (the `state`) are drawn once, whether or not anyone read it first.
    pub(super) planned: Option<PlannedStep>,
    /// Steps the server performed on its own while handling the engine's
    /// last requests, waiting to be filed after the step that caused them.
    pub(super) server_steps: Vec<StepRecord>,
    /// Set when a refusal ended the flow: later stages are not reached.
    pub(super) ended: bool,
    pub(super) trace: Trace,
    next: Option<Stage>,
    attack_due: bool,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("scenario", &self.scenario)
            .field("issuer", &self.server.issuer())
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Starts the scenario's server on `127.0.0.1` (on the scenario's port,
    /// or a free one), then runs stage 0: discovery and registration. A
    /// refusal there (a check the client makes fails) is recorded, and the
    /// six stages are then not reached.
    pub async fn start(scenario: Scenario) -> Result<Self, FlowError> {
        let mut engine = Self::open(scenario).await?;
        while engine.discover_next().await?.is_some() {}
        Ok(engine)
    }

    /// Starts the scenario's server, and the client's listener if the
    /// scenario needs one, without sending anything: stage 0 is then
    /// stepped with [`Engine::discover_next`] (a step or a stage run
    /// before it is over completes it first).
    pub async fn open(scenario: Scenario) -> Result<Self, FlowError> {
        let (tx, rx) = mpsc::unbounded_channel();
        let (policy, method) = configuration(scenario.flow, scenario.attack);
        let config = ServerConfig {
            policy,
            seed: scenario
                .seed
                .map(|seed| seeded(seed, scenario.flow, Role::Server).next_u64()),
            events: Some(tx),
            ..ServerConfig::default()
        };
        let config = ServerConfig {
            code_lifetime: scenario.code_lifetime.unwrap_or(config.code_lifetime),
            ..config
        };
        let server = match scenario.port {
            Some(port) => server::spawn(bind_pinned(port).await?, config).await?,
            None => server::spawn_loopback(config).await?,
        };
        let needs_listener =
            scenario.registration == Registration::Cimd || scenario.browser == BrowserMode::Real;
        let listener = if needs_listener {
            Some(Listener::start(listener_port(&scenario)).await?)
        } else {
            None
        };
        let rng = match scenario.seed {
            Some(seed) => seeded(seed, scenario.flow, Role::Client),
            None => rand::make_rng::<ChaCha20Rng>(),
        };
        let issuer = server.issuer().to_owned();
        let client = Client::new()?;
        let mut trace = Trace::new(scenario.flow, scenario.seed);
        trace.issuer.clone_from(&issuer);
        trace.target = scenario.target;
        trace.registration = scenario.registration;
        let redirect_uri = match (&listener, scenario.browser) {
            (Some(listener), BrowserMode::Real) => listener.redirect_uri(),
            _ => REDIRECT_URI.to_owned(),
        };
        Ok(Self {
            attack_due: scenario.attack.is_some(),
            discovery: Next::first(scenario.target, &issuer, scenario.mcp_url.as_deref()),
            browser: BrowserSwitch::new(scenario.browser),
            scenario,
            policy,
            method,
            server,
            reports: Reports::new(rx),
            client,
            listener,
            rng,
            values: ClientValues {
                redirect_uri,
                resource: format!("{issuer}/resource"),
                ..ClientValues::default()
            },
            metadata: Metadata::default(),
            scope: SCOPE.to_owned(),
            verifier: None,
            challenge: None,
            browser_page: None,
            browser_request: None,
            token_request: None,
            issued_token: None,
            planned: None,
            server_steps: Vec::new(),
            ended: false,
            trace,
            next: Some(Stage::Verifier),
        })
    }

    /// The server's issuer URL.
    pub fn issuer(&self) -> &str {
        self.server.issuer()
    }

    /// The client's loopback listener, `http://127.0.0.1:<port>`, when the
    /// scenario runs one (a metadata document, a real browser's redirect).
    pub fn listener_origin(&self) -> Option<String> {
        self.listener.as_ref().map(Listener::origin)
    }

    /// The `client_id` the client holds, once stage 0 gave it one.
    pub fn client_id(&self) -> Option<&str> {
        Some(self.values.client_id.as_str()).filter(|id| !id.is_empty())
    }

    /// Everything recorded so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The whole run, once finished.
    pub fn into_trace(self) -> Trace {
        self.trace
    }

    /// The stage the next call to [`Engine::step`] performs.
    pub fn next_stage(&self) -> Option<Stage> {
        self.next
    }

    /// The request the next stage would send, as its actor plans it, for a
    /// learner to read and amend before it goes; `None` when the next stage
    /// sends nothing (it is local, or the flow has ended) or stage 0 is not
    /// over. Calling it twice returns the same plan.
    pub fn plan(&mut self) -> Result<Option<PlannedStep>, FlowError> {
        if self.attack_pending() || self.discovering() {
            return Ok(None);
        }
        let Some(stage) = self.next else {
            return Ok(None);
        };
        if self.planned.as_ref().is_none_or(|p| p.stage != stage) {
            self.planned = self.make_plan(stage)?;
        }
        Ok(self.planned.clone())
    }

    /// Runs the next step for real, with the scenario's edits for its stage:
    /// the next stage, or the attack when it is due (after stage 4). `None`
    /// once stage 6 is done.
    pub async fn step(&mut self) -> Result<Option<Step>, FlowError> {
        let edits = self
            .next
            .map(|s| self.scenario.edits_at(s))
            .unwrap_or_default();
        self.step_with(&edits).await
    }

    /// Runs the next step with these edits of its request (ignored by a
    /// step that sends nothing, and by the attack).
    pub async fn step_with(&mut self, edits: &[Edit]) -> Result<Option<Step>, FlowError> {
        Ok(match self.advance(edits).await? {
            None => None,
            Some(Done::Attack) => self.trace.attack.clone().map(Step::Attack),
            Some(Done::Stage) => self.trace.stages.last().cloned().map(Step::Stage),
        })
    }

    /// Waits for a report about a request the run did not send (curl from
    /// another terminal), files it in the trace and returns the request as
    /// known so far. Meant to be raced against the learner's next move: it
    /// may be dropped at any await (the channel's receive is cancel-safe).
    /// `None` once the server has stopped.
    pub async fn next_external(&mut self) -> Option<crate::record::ExternalRequest> {
        let id = self.reports.wait().await?;
        self.reports.file_external(&mut self.trace);
        self.trace
            .external
            .iter()
            .find(|e| e.request == id)
            .cloned()
    }

    /// Runs every remaining step.
    pub async fn finish(&mut self) -> Result<(), FlowError> {
        loop {
            let edits = self
                .next
                .map(|s| self.scenario.edits_at(s))
                .unwrap_or_default();
            if self.advance(&edits).await?.is_none() {
                return Ok(());
            }
        }
    }

    fn attack_pending(&self) -> bool {
        self.attack_due && self.next == Some(Stage::TokenRequest)
    }

    /// Runs the next step and records it in the trace, without handing out
    /// a copy (so `finish` copies nothing).
    async fn advance(&mut self, edits: &[Edit]) -> Result<Option<Done>, FlowError> {
        while self.discover_next().await?.is_some() {}
        if let Some(attack) = self.scenario.attack
            && self.attack_pending()
        {
            self.attack_due = false;
            let record = match attack {
                Attack::Interception => self.intercept().await?,
                Attack::Sniffing => self.sniff().await?,
                Attack::Downgrade => self.downgrade().await?,
                Attack::Injection => self.inject().await?,
            };
            self.trace.attack = Some(record);
            self.reports.file_external(&mut self.trace);
            return Ok(Some(Done::Attack));
        }
        let Some(stage) = self.next else {
            return Ok(None);
        };
        let record = self.run_stage(stage, edits).await?;
        self.next = stage.next();
        self.trace.stages.push(record);
        self.reports.file_external(&mut self.trace);
        Ok(Some(Done::Stage))
    }

    /// Sends a planned request with the learner's edits and records the
    /// step: planned, amendments, sent, answered, and the server's reports
    /// about that request. What the server fetched on its own meanwhile
    /// waits in `server_steps` (see [`Engine::file`]).
    pub(super) async fn send_step(
        &mut self,
        actor: Actor,
        purpose: &str,
        planned: PlannedRequest,
        edits: &[Edit],
    ) -> Result<StepRecord, FlowError> {
        let (sent, amendments) = planned.amend(edits);
        let exchange = self.client.send_planned(purpose, &sent).await?;
        let (request_id, mut reports) = self.reports.take(&exchange);
        self.server_steps.extend(reports.server_steps(request_id));
        Ok(StepRecord {
            actor,
            purpose: purpose.to_owned(),
            planned: Some(planned),
            amendments,
            exchange: Some(exchange),
            request_id,
            received: reports.head,
            server_events: reports.events,
            checks: Vec::new(),
        })
    }

    /// Files a step, then the steps the server performed on its own for
    /// it, in the order they happened.
    pub(super) fn file(&mut self, steps: &mut Vec<StepRecord>, step: StepRecord) {
        steps.push(step);
        steps.append(&mut self.server_steps);
    }

    /// A stage as the engine leaves it: the client's values after it.
    pub(super) fn stage_record(&mut self, stage: Stage, mut steps: Vec<StepRecord>) -> StageRecord {
        steps.append(&mut self.server_steps);
        StageRecord {
            flow: self.scenario.flow,
            stage,
            reached: true,
            client: self.values.clone(),
            steps,
        }
    }

    /// 32 random octets from the client's generator, base64url (for `state`).
    pub(super) fn random_value(&mut self) -> String {
        crate::random::urlsafe::<32>(&mut self.rng)
    }

    /// The plan of the next step, or why there is none.
    pub(super) fn take_plan(&mut self, stage: Stage) -> Result<Option<PlannedStep>, ClientError> {
        match self.planned.take() {
            Some(plan) if plan.stage == stage => Ok(Some(plan)),
            _ => self.make_plan(stage),
        }
    }

    /// Ends the flow here: later stages are not reached.
    pub(super) fn end_with(&mut self, error: String) {
        self.values.error = Some(error);
        self.ended = true;
    }
}

/// The port of the client's listener: a free one, or when the run's server
/// is pinned to P (reproducible output), P + 100, clear of the ports the
/// other runs of a session take after P.
fn listener_port(scenario: &Scenario) -> Option<u16> {
    scenario.port.and_then(|p| p.checked_add(100))
}

/// Binds a pinned port of 127.0.0.1. A restart (`R`) binds the port of the
/// run it replaces, whose server may take a moment to let it go: retry for
/// up to a second before giving up.
async fn bind_pinned(port: u16) -> std::io::Result<tokio::net::TcpListener> {
    let mut attempts = 0;
    loop {
        match tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await {
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse && attempts < 40 => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            result => return result,
        }
    }
}

/// What the last step recorded.
enum Done {
    Stage,
    Attack,
}

/// Who draws from a seeded generator.
#[derive(Clone, Copy)]
enum Role {
    Client = 0,
    Server = 1,
}

/// The generator of one role in one flow under a seed: each (flow, role)
/// pair reads its own ChaCha stream, so the two flows of a contrast never
/// show the same random value (the plain flow's `state` is not the PKCE
/// flow's `code_verifier`), and client and server values are unrelated.
fn seeded(seed: u64, flow: Flow, role: Role) -> ChaCha20Rng {
    let flow_index: u64 = match flow {
        Flow::Pkce => 0,
        Flow::Plain => 1,
    };
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(flow_index * 2 + role as u64);
    rng
}

/// Runs a whole scenario and returns its trace.
pub async fn run(scenario: Scenario) -> Result<Trace, FlowError> {
    let mut engine = Engine::start(scenario).await?;
    engine.finish().await?;
    Ok(engine.into_trace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    fn seeded_scenario(flow: Flow, seed: u64) -> Scenario {
        Scenario {
            seed: Some(seed),
            ..Scenario::new(flow)
        }
    }

    #[tokio::test]
    async fn the_two_flows_share_no_random_value_under_one_seed() {
        let (pkce, plain) = (
            run(seeded_scenario(Flow::Pkce, 7)).await.unwrap(),
            run(seeded_scenario(Flow::Plain, 7)).await.unwrap(),
        );
        let values = |trace: &Trace| {
            let last = &trace.stages[5].client;
            [
                last.code_verifier.clone(),
                last.state.clone(),
                Some(last.client_id.clone()),
                last.code.clone(),
                last.access_token.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
        };
        let (a, b) = (values(&pkce), values(&plain));
        assert_eq!(a.len(), 5);
        assert_eq!(b.len(), 4);
        assert!(a.iter().all(|v| !b.contains(v)), "{a:?} {b:?}");
    }

    #[tokio::test]
    async fn engine_futures_can_be_spawned() {
        let start = Engine::start(seeded_scenario(Flow::Pkce, 1));
        assert_send(&start);
        let mut engine = start.await.unwrap();
        let step = engine.step();
        assert_send(&step);
        drop(step);
        let handle = tokio::spawn(async move { engine.finish().await.map(|()| engine) });
        let engine = handle.await.unwrap().unwrap();
        assert_eq!(engine.trace().stages.len(), 6);
    }

    #[tokio::test]
    async fn every_server_event_is_filed_under_the_request_it_belongs_to() {
        let trace = run(seeded_scenario(Flow::Pkce, 3)).await.unwrap();
        let steps = trace
            .setup
            .iter()
            .chain(trace.stages.iter().flat_map(|s| s.steps.iter()));
        let mut ids = Vec::new();
        // The server's own fetches (CIMD) are requests it sent, not ones
        // it received: they carry the number of the request they served.
        for step in steps.filter(|s| s.exchange.is_some() && s.actor != Actor::Server) {
            let id = step.request_id.expect("every response names its request");
            let head = step.received.as_ref().expect("the server read a head");
            let sent = &step.exchange.as_ref().unwrap().request;
            assert_eq!(head.method, sent.method, "{}", step.purpose);
            assert!(sent.url.ends_with(&head.target), "{}", step.purpose);
            ids.push(id.0);
        }
        assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
        assert!(trace.external.is_empty());
    }

    #[tokio::test]
    async fn a_request_the_run_did_not_send_is_external_and_in_no_stage() {
        let mut engine = Engine::start(seeded_scenario(Flow::Pkce, 5)).await.unwrap();
        let url = format!(
            "{}/.well-known/oauth-authorization-server?from=audience",
            engine.issuer()
        );
        let outside = tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status()) });
        let mut seen = None;
        while seen
            .as_ref()
            .is_none_or(|e: &crate::record::ExternalRequest| e.status.is_none())
        {
            seen = engine.next_external().await;
        }
        assert_eq!(outside.await.unwrap().unwrap().as_u16(), 200);
        let external = seen.unwrap();
        assert_eq!(external.status, Some(200));
        let head = external.head.unwrap();
        assert_eq!(
            head.target,
            "/.well-known/oauth-authorization-server?from=audience"
        );
        engine.finish().await.unwrap();
        let trace = engine.into_trace();
        assert_eq!(trace.external.len(), 1);
        let ours = trace.stages.iter().flat_map(|s| s.steps.iter());
        assert!(
            ours.filter_map(|s| s.request_id)
                .all(|id| id != external.request)
        );
    }

    #[tokio::test]
    async fn planning_twice_gives_one_plan_and_edits_do_not_shift_the_random_stream() {
        let mut engine = Engine::start(seeded_scenario(Flow::Pkce, 9)).await.unwrap();
        engine.step().await.unwrap();
        engine.step().await.unwrap();
        let first = engine.plan().unwrap().expect("stage 3 sends a request");
        assert_eq!(engine.plan().unwrap().as_ref(), Some(&first));
        assert_eq!(first.stage, Stage::AuthorizationRequest);
        assert_eq!(first.actor, Actor::Browser);
        let honest = run(seeded_scenario(Flow::Pkce, 9)).await.unwrap();
        assert_eq!(
            first.request.param("state"),
            honest.stages[2].client.state.as_deref()
        );
    }
}
