//! The records of a run, as plain data: what each actor planned to send,
//! what it actually sent (after the learner's amendments), what came back,
//! and what the server itself reported about each request.
//!
//! This is a leaf module: it depends only on [`crate::wire`], so the views
//! (`tui`, `transcript`, `lessons`) read records without depending on the
//! server or the engine that produce them.

mod check;
mod event;
mod label;
mod oauth_error;
mod outcome;
mod step;
mod trace;

pub use check::{Check, first_failure};
pub use event::{
    PkceCheck, PkceVerdict, REQUEST_ID_HEADER, Report, RequestHead, RequestId, ServerEvent,
    ServerFetch, ServerReport, StoredCode,
};
pub use label::{Attack, Flow, Registration, Stage, Target};
pub use oauth_error::OAuthErrorCode;
pub use outcome::Outcome;
pub use step::{Actor, Amendment, Edit, ParamCarrier, PlannedRequest, StepRecord};
pub use trace::{
    AttackConfiguration, AttackRecord, ClientValues, ExternalRequest, StageRecord, Trace,
};
