//! The scenario engine: runs the PKCE flow (or the plain Step 04 flow) one
//! stage at a time, for real, between the real client and the real server on
//! loopback, and returns a [`StageRecord`] per stage.
//!
//! Under a seed every random value (verifier, state, client_id, codes,
//! tokens) is derived from it, so two runs record the same values; only the
//! port of the server differs.

mod engine;
mod record;

pub use engine::{CLIENT_NAME, Engine, REDIRECT_URI, SCOPE, run};

pub use record::{Attack, AttackRecord, ClientValues, Flow, Stage, StageRecord, Trace};

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// PKCE or the plain flow.
    pub flow: Flow,
    /// The attack to replay after stage 4, if any.
    pub attack: Option<Attack>,
    /// The seed of every random value; fresh randomness when absent.
    pub seed: Option<u64>,
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
