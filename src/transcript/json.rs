//! The JSON transcript of the contract: an object with `flow`, `discovery`
//! (stage 0: where the client started, how it registered, and every step
//! with its actor and what the client checked; v1's `setup`, the bare
//! exchanges, stays beside it) and `stages` (six objects with `number`,
//! `title`, `reached`, the stage's values under their protocol names, the
//! learner's `amendments`, the HTTP exchanges, what the server fetched on
//! its own, the client's checks and the server's events), and with
//! `--attack` an `attack` object with the decisive `request`, the server's
//! `response`, `succeeded` and every `step` with its actor. No clock times:
//! lifetimes are durations, so a seeded run differs from another only by
//! the ports.

use serde::Serialize;

use crate::record::{
    Actor, Amendment, AttackConfiguration, AttackRecord, Check, ClientValues, Registration,
    ServerEvent, StageRecord, StepRecord, Target, Trace,
};
use crate::wire::{Exchange, HttpRequest, HttpResponse};

#[derive(Serialize)]
struct TranscriptJson<'a> {
    flow: &'static str,
    seed: Option<u64>,
    issuer: &'a str,
    discovery: DiscoveryJson<'a>,
    setup: Vec<&'a Exchange>,
    stages: Vec<StageJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attack: Option<AttackJson<'a>>,
}

/// Stage 0.
#[derive(Serialize)]
struct DiscoveryJson<'a> {
    /// `mcp` (the chain from the endpoint's 401) or `resource`.
    target: Target,
    /// The resource the client set out to reach, as discovery found it.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
    /// `dcr` or `cimd`.
    registration: Registration,
    /// The `client_id` the client ended with (a URL under CIMD).
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
    steps: Vec<StepJson<'a>>,
    /// Under CIMD, the server's fetch of the client's metadata document:
    /// it happens when the server first sees the `client_id`, during the
    /// authorization request of stage 3, where it is also recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_metadata_fetch: Option<FetchJson<'a>>,
}

/// A step with its actor and checks.
#[derive(Serialize)]
struct StepJson<'a> {
    actor: Actor,
    purpose: &'a str,
    request: Option<&'a HttpRequest>,
    response: Option<&'a HttpResponse>,
    #[serde(skip_serializing_if = "<[Check]>::is_empty")]
    checks: &'a [Check],
}

/// A request the server sent on its own.
#[derive(Serialize)]
struct FetchJson<'a> {
    stage: u8,
    purpose: &'a str,
    request: Option<&'a HttpRequest>,
    response: Option<&'a HttpResponse>,
    checks: &'a [Check],
}

#[derive(Serialize)]
struct StageJson<'a> {
    number: u8,
    title: &'static str,
    reached: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    values: Option<&'a ClientValues>,
    amendments: Vec<&'a Amendment>,
    /// The exchanges of the client, the browser (and the attacker).
    exchanges: Vec<&'a Exchange>,
    /// What the server fetched on its own during this stage.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    server_fetches: Vec<FetchJson<'a>>,
    /// What the client checked in this stage's answers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checks: Vec<&'a Check>,
    server_events: Vec<&'a ServerEvent>,
}

#[derive(Serialize)]
struct AttackJson<'a> {
    kind: &'static str,
    request: &'a HttpRequest,
    response: &'a HttpResponse,
    succeeded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stolen_access_token: Option<&'a str>,
    configuration: &'a AttackConfiguration,
    steps: Vec<AttackStepJson<'a>>,
    exchanges: Vec<&'a Exchange>,
    server_events: Vec<&'a ServerEvent>,
}

#[derive(Serialize)]
struct AttackStepJson<'a> {
    actor: Actor,
    purpose: &'a str,
    request: Option<&'a HttpRequest>,
    response: Option<&'a HttpResponse>,
}

fn step(step: &StepRecord) -> StepJson<'_> {
    StepJson {
        actor: step.actor,
        purpose: &step.purpose,
        request: step.exchange.as_ref().map(|e| &e.request),
        response: step.exchange.as_ref().map(|e| &e.response),
        checks: &step.checks,
    }
}

fn fetch(stage: u8, step: &StepRecord) -> FetchJson<'_> {
    FetchJson {
        stage,
        purpose: &step.purpose,
        request: step.exchange.as_ref().map(|e| &e.request),
        response: step.exchange.as_ref().map(|e| &e.response),
        checks: &step.checks,
    }
}

fn discovery(trace: &Trace) -> DiscoveryJson<'_> {
    let values = trace.stages.first().map(|s| &s.client);
    DiscoveryJson {
        target: trace.target,
        resource: values.map(|v| v.resource.as_str()),
        registration: trace.registration,
        client_id: values
            .map(|v| v.client_id.as_str())
            .filter(|id| !id.is_empty()),
        steps: trace.discovery().iter().map(step).collect(),
        client_metadata_fetch: trace.stages.iter().find_map(|record| {
            record
                .steps
                .iter()
                .find(|s| s.actor == Actor::Server)
                .map(|s| fetch(record.stage.number(), s))
        }),
    }
}

fn stage<'a>(trace: &'a Trace, record: &'a StageRecord) -> StageJson<'a> {
    let own = |s: &&StepRecord| s.actor != Actor::Server;
    StageJson {
        number: record.stage.number(),
        title: record.title(),
        reached: record.reached,
        values: record.reached.then_some(&record.client),
        amendments: record.amendments().collect(),
        exchanges: record
            .steps
            .iter()
            .filter(own)
            .filter_map(|s| s.exchange.as_ref())
            .collect(),
        server_fetches: record
            .steps
            .iter()
            .filter(|s| s.actor == Actor::Server)
            .map(|s| fetch(record.stage.number(), s))
            .collect(),
        checks: record
            .steps
            .iter()
            .filter(own)
            .flat_map(|s| s.checks.iter())
            .collect(),
        server_events: trace.events_shown_at(record.stage),
    }
}

fn attack(record: &AttackRecord) -> AttackJson<'_> {
    AttackJson {
        kind: record.attack.name(),
        request: &record.decisive.request,
        response: &record.decisive.response,
        succeeded: record.succeeded,
        stolen_access_token: record.stolen_access_token.as_deref(),
        configuration: &record.configuration,
        steps: record
            .steps
            .iter()
            .map(|step| AttackStepJson {
                actor: step.actor,
                purpose: &step.purpose,
                request: step.exchange.as_ref().map(|e| &e.request),
                response: step.exchange.as_ref().map(|e| &e.response),
            })
            .collect(),
        exchanges: record.exchanges().collect(),
        server_events: record.server_events().collect(),
    }
}

/// The trace as pretty-printed JSON.
pub fn to_json(trace: &Trace) -> String {
    let view = TranscriptJson {
        flow: trace.flow.name(),
        seed: trace.seed,
        issuer: &trace.issuer,
        discovery: discovery(trace),
        setup: trace.setup_exchanges().collect(),
        stages: trace.stages.iter().map(|r| stage(trace, r)).collect(),
        attack: trace.attack.as_ref().map(attack),
    };
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(&view).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
