//! The scenario engine: runs the PKCE flow (or the plain Step 04 flow) one
//! stage at a time, for real, between the real client and the real server on
//! loopback.
//!
//! A scenario is a script of steps, each performed by an actor (the client,
//! the browser, an attacker, or the server fetching a client's metadata
//! document); an HTTP step is first **planned**, may be **amended** by the
//! learner, then **sent**, and its [`StepRecord`] keeps all three along with
//! what the server reported about that very request. Stage 0 (discovery and
//! registration) and the six stages are labels over the steps.
//!
//! Under a seed every random value (verifier, state, client_id, codes,
//! tokens) is derived from it, so two runs record the same values, with or
//! without amendments; only the server's port differs unless it is pinned.

mod attack;
mod browser;
mod discovery;
mod engine;
mod experiment;
mod mcp_session;
mod reports;
mod stages;

pub use browser::BrowserHandle;
pub use engine::{
    CLIENT_NAME, Engine, PlannedStep, REDIRECT_URI, REDIRECT_URI_ANY_PORT, SCOPE, run,
};
pub use experiment::{Experiment, run_experiment};

pub use crate::record::{
    Actor, Amendment, Attack, AttackRecord, Check, ClientValues, Edit, Flow, Registration, Stage,
    StageRecord, StepRecord, Target, Trace,
};

/// Who plays the browser at stages 3 and 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BrowserMode {
    /// The engine's own browser: it sends the authorization request, reads
    /// the consent page, posts Approve with the page's cookie, and reads the
    /// redirect without following it.
    #[default]
    Simulated,
    /// The learner's browser: the engine hands out the authorization URL
    /// ([`Engine::browser_url`]), sees the browser's requests through the
    /// server's reports, and receives the redirect at the client's loopback
    /// listener (RFC 8252 §7.3). [`BrowserHandle::fall_back`] hands a
    /// waiting stage to the simulated browser.
    Real,
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// PKCE or the plain flow.
    pub flow: Flow,
    /// The attack to replay after stage 4, if any.
    pub attack: Option<Attack>,
    /// The seed of every random value; fresh randomness when absent.
    pub seed: Option<u64>,
    /// The learner's edits of the requests of stages 3 and 5 (and 4, 6 in
    /// the TUI), applied in order when the stage's request is sent.
    pub edits: Vec<(Stage, Edit)>,
    /// After stage 5, send the same token request a second time (the
    /// replay experiment, OAuth 2.1 §4.1.3).
    pub replay: bool,
    /// The port of the run's server on 127.0.0.1; a free one when absent.
    pub port: Option<u16>,
    /// How long the server's codes live (its default, 10 minutes, when
    /// absent): an instructor may talk longer between stages 4 and 5.
    pub code_lifetime: Option<std::time::Duration>,
    /// What the client sets out to reach: `/resource` (the tour's default:
    /// stage 0 reads the issuer's metadata and registers) or `/mcp` (stage
    /// 0 walks the MCP discovery chain from the endpoint's 401; stage 6 is
    /// an MCP session).
    pub target: Target,
    /// How the client gets its `client_id`.
    pub registration: Registration,
    /// Who plays the browser at stages 3 and 4.
    pub browser: BrowserMode,
    /// With `Target::Mcp`, the MCP endpoint discovery starts from, when it
    /// is not the run's own `/mcp`: the client walks the chain wherever it
    /// leads (a server that refuses what the client checks, in tests). The
    /// engine's own server then sees none of those requests.
    pub mcp_url: Option<String>,
}

impl Scenario {
    /// The honest run of a flow: no attack, no edit, fresh randomness.
    pub fn new(flow: Flow) -> Self {
        Self {
            flow,
            attack: None,
            seed: None,
            edits: Vec::new(),
            replay: false,
            port: None,
            code_lifetime: None,
            target: Target::Resource,
            registration: Registration::Dcr,
            browser: BrowserMode::Simulated,
            mcp_url: None,
        }
    }

    /// The MCP client's run: the discovery chain from `/mcp`, registration
    /// by metadata document (what the current MCP revision prefers when
    /// the server offers it), an MCP session at stage 6.
    pub fn mcp(flow: Flow) -> Self {
        Self {
            target: Target::Mcp,
            registration: Registration::Cimd,
            ..Self::new(flow)
        }
    }

    /// The edits of one stage, in order.
    pub fn edits_at(&self, stage: Stage) -> Vec<Edit> {
        self.edits
            .iter()
            .filter(|(s, _)| *s == stage)
            .map(|(_, edit)| edit.clone())
            .collect()
    }
}

/// Why a run could not go on (not an OAuth refusal, which is recorded data).
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The server could not start.
    #[error("could not start the authorization server: {0}")]
    Server(#[from] std::io::Error),
    /// The client failed (transport error, unexpected answer).
    #[error(transparent)]
    Client(#[from] crate::client::ClientError),
    /// A real browser was awaited but the server stopped reporting.
    #[error("the server stopped while the engine waited for the browser")]
    ServerGone,
}

/// One step of a run.
#[derive(Debug, Clone)]
pub enum Step {
    /// A stage has completed.
    Stage(StageRecord),
    /// The attack has been played (after stage 4).
    Attack(AttackRecord),
}
