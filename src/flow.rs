//! The scenario engine: runs the PKCE flow (or the plain Step 04 flow) one
//! stage at a time, for real, between the real client and the real server on
//! loopback.
//!
//! A scenario is a script of steps, each performed by an actor (the client,
//! the browser, an attacker); an HTTP step is first **planned**, may be
//! **amended** by the learner, then **sent**, and its [`StepRecord`] keeps
//! all three along with what the server reported about that very request.
//! The six stages are labels over the steps.
//!
//! Under a seed every random value (verifier, state, client_id, codes,
//! tokens) is derived from it, so two runs record the same values, with or
//! without amendments; only the server's port differs unless it is pinned.

mod attack;
mod engine;
mod experiment;
mod reports;
mod stages;

pub use engine::{CLIENT_NAME, Engine, PlannedStep, REDIRECT_URI, SCOPE, run};
pub use experiment::{Experiment, run_experiment};

pub use crate::record::{
    Actor, Amendment, Attack, AttackRecord, ClientValues, Edit, Flow, Stage, StageRecord,
    StepRecord, Trace,
};

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
}

/// One step of a run.
#[derive(Debug, Clone)]
pub enum Step {
    /// A stage has completed.
    Stage(StageRecord),
    /// The attack has been played (after stage 4).
    Attack(AttackRecord),
}
