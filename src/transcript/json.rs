//! The JSON transcript of the contract: an object with `flow` and `stages`
//! (six objects with `number`, `title` and the stage's values under their
//! protocol names, and the HTTP exchanges), and with `--attack` an `attack`
//! object with the attacker's `request`, the server's `response` and
//! `succeeded`. No clock times: lifetimes are durations, so a seeded run
//! differs from another only by the server's port.

use serde::Serialize;

use crate::flow::{AttackRecord, ClientValues, StageRecord, Trace};
use crate::server::ServerEvent;
use crate::wire::{Exchange, HttpRequest, HttpResponse};

#[derive(Serialize)]
struct TranscriptJson<'a> {
    flow: &'static str,
    seed: Option<u64>,
    issuer: &'a str,
    setup: &'a [Exchange],
    stages: Vec<StageJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attack: Option<AttackJson<'a>>,
}

#[derive(Serialize)]
struct StageJson<'a> {
    number: u8,
    title: &'static str,
    #[serde(flatten)]
    values: &'a ClientValues,
    exchanges: &'a [Exchange],
    server_events: &'a [ServerEvent],
}

#[derive(Serialize)]
struct AttackJson<'a> {
    kind: &'static str,
    request: &'a HttpRequest,
    response: &'a HttpResponse,
    succeeded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stolen_access_token: Option<&'a str>,
    exchanges: &'a [Exchange],
    server_events: &'a [ServerEvent],
}

fn stage(record: &StageRecord) -> StageJson<'_> {
    StageJson {
        number: record.stage.number(),
        title: record.stage.title(record.flow),
        values: &record.client,
        exchanges: &record.exchanges,
        server_events: &record.server_events,
    }
}

fn attack(record: &AttackRecord) -> AttackJson<'_> {
    AttackJson {
        kind: record.attack.name(),
        request: &record.decisive.request,
        response: &record.decisive.response,
        succeeded: record.succeeded,
        stolen_access_token: record.stolen_access_token.as_deref(),
        exchanges: &record.exchanges,
        server_events: &record.server_events,
    }
}

/// The trace as pretty-printed JSON.
pub fn to_json(trace: &Trace) -> String {
    let view = TranscriptJson {
        flow: trace.flow.name(),
        seed: trace.seed,
        issuer: &trace.issuer,
        setup: &trace.setup,
        stages: trace.stages.iter().map(stage).collect(),
        attack: trace.attack.as_ref().map(attack),
    };
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(&view).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
