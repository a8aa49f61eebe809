//! The JSON transcript of the contract: an object with `flow` and `stages`
//! (six objects with `number`, `title`, `reached`, the stage's values under
//! their protocol names, the learner's `amendments`, the HTTP exchanges and
//! the server's events), and with `--attack` an `attack` object with the
//! decisive `request`, the server's `response`, `succeeded` and every
//! `step` with its actor. No clock times: lifetimes are durations, so a seeded run
//! differs from another only by the server's port.

use serde::Serialize;

use crate::record::{
    Actor, Amendment, AttackConfiguration, AttackRecord, ClientValues, ServerEvent, StageRecord,
    Trace,
};
use crate::wire::{Exchange, HttpRequest, HttpResponse};

#[derive(Serialize)]
struct TranscriptJson<'a> {
    flow: &'static str,
    seed: Option<u64>,
    issuer: &'a str,
    setup: Vec<&'a Exchange>,
    stages: Vec<StageJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attack: Option<AttackJson<'a>>,
}

#[derive(Serialize)]
struct StageJson<'a> {
    number: u8,
    title: &'static str,
    reached: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    values: Option<&'a ClientValues>,
    amendments: Vec<&'a Amendment>,
    exchanges: Vec<&'a Exchange>,
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

fn stage<'a>(trace: &'a Trace, record: &'a StageRecord) -> StageJson<'a> {
    StageJson {
        number: record.stage.number(),
        title: record.title(),
        reached: record.reached,
        values: record.reached.then_some(&record.client),
        amendments: record.amendments().collect(),
        exchanges: record.exchanges().collect(),
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
        setup: trace.setup_exchanges().collect(),
        stages: trace.stages.iter().map(|r| stage(trace, r)).collect(),
        attack: trace.attack.as_ref().map(attack),
    };
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(&view).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
