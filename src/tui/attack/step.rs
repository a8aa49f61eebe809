//! One recorded step of an attack, as pane items. A request lists the
//! parameters the attack turns on (the code, the PKCE values, `−` where one
//! is missing) and names the others in one line; the server's reports come
//! next, less what the request and the answer show; then the answer, with
//! the fields the step is about. A step that sends nothing is the engine's
//! sentence. Kept short so that a side fits beside the other.

use crate::record::{Actor, ServerEvent, StepRecord};
use crate::wire::{HttpRequest, HttpResponse, Param};

use crate::tui::client_pane::reason;
use crate::tui::rows::{Item, Mark, Tone};
use crate::tui::server_pane::{event_items, verdict_note};

/// A recorded step: a sentence for a step that sends nothing; for a
/// request, its line, what it turns on (`verifier` says whose verifier it
/// sends), the server's reports and its answer. `for_attack` when what the
/// step obtains is the attack's gain.
pub fn items(step: &StepRecord, verifier: Option<&str>, for_attack: bool) -> Vec<Item> {
    let actor = step.actor.name();
    let Some(exchange) = &step.exchange else {
        return local_items(step);
    };
    let mut items = vec![Item::Heading(format!(
        "{actor} → {}",
        exchange.request.summary()
    ))];
    items.extend(request_items(&exchange.request, step, verifier));
    // In the order they happened: what the server checked and did, then
    // its answer (whose error the server's own refusal would repeat).
    let shown_error = exchange.response.oauth_error();
    for event in &step.server_events {
        items.extend(event_summary(
            event,
            step.actor,
            for_attack,
            shown_error.as_deref(),
        ));
    }
    items.extend(response_items(&exchange.response));
    items
}

/// A step that sends nothing: the engine's purpose says what it does, with
/// the value it is about; a closing `name = value` becomes a row, so the
/// value is not split across the sentence.
fn local_items(step: &StepRecord) -> Vec<Item> {
    let purpose = step
        .purpose
        .split_once(": ")
        .map_or(step.purpose.as_str(), |(_, rest)| rest);
    let mut items = vec![Item::Heading(format!(
        "{} (sends nothing)",
        step.actor.name()
    ))];
    let named = purpose
        .rsplit_once(" = ")
        .and_then(|(before, value)| Some((before.rsplit_once(": ")?, value)));
    match named {
        Some(((sentence, name), value)) if !value.contains(' ') => {
            items.push(Item::note(sentence, Tone::Normal));
            items.push(Item::row(format!("local:{name}"), name, value));
        }
        _ => items.push(Item::note(purpose, Tone::Normal)),
    }
    items
}

/// The parameters a request's step turns on: the code and the PKCE values
/// (`−` where the request carries none; whose `code_verifier` it is, when
/// `verifier` says), the bearer token of a resource call, and any the
/// learner amended; the others named in one line.
fn request_items(request: &HttpRequest, step: &StepRecord, verifier: Option<&str>) -> Vec<Item> {
    let path = request.summary();
    let expected: &[&str] = if path.ends_with("/token") {
        &["code", "code_verifier"]
    } else if path.ends_with("/authorize") {
        &["code_challenge"]
    } else {
        &[]
    };
    let key = |p: &Param| {
        expected.contains(&p.name.as_str())
            || p.added_by_pkce()
            || step.amendment(&p.name).is_some()
    };
    let mut items = Vec::new();
    for p in request.params.iter().filter(|p| key(p)) {
        match step.amendment(&p.name) {
            Some(amendment) => {
                items.push(Item::marked(
                    format!("param:{}", p.name),
                    &p.name,
                    &p.value,
                    Mark::Changed,
                    Tone::Normal,
                ));
                items.push(Item::Was(
                    amendment
                        .from
                        .clone()
                        .unwrap_or_else(|| "(not in the request: added)".into()),
                ));
            }
            None => items.push(Item::row(format!("param:{}", p.name), &p.name, &p.value)),
        }
        if p.name == "code_verifier"
            && let Some(whose) = verifier
        {
            items.push(Item::note(format!("({whose})"), Tone::Dim));
        }
    }
    for name in expected.iter().filter(|n| request.param(n).is_none()) {
        items.push(Item::marked(
            format!("param:{name}"),
            *name,
            "(none)",
            Mark::Missing,
            Tone::Dim,
        ));
    }
    if let Some((_, auth)) = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    {
        // The token alone, so that it is never split at the scheme's space.
        let (label, value) = match auth.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                ("Bearer token", token)
            }
            _ => ("Authorization", auth.as_str()),
        };
        items.push(Item::row("header:authorization", label, value));
    }
    let others: Vec<&str> = request
        .params
        .iter()
        .filter(|p| !key(p))
        .map(|p| p.name.as_str())
        .collect();
    if !others.is_empty() {
        items.push(Item::note(
            format!("also sent: {}", others.join(", ")),
            Tone::Dim,
        ));
    }
    items
}

/// The fields of an answer a step turns on.
const SHOWN_FIELDS: [&str; 5] = [
    "code",
    "access_token",
    "error",
    "error_description",
    "message",
];

/// A response: its status, then the fields the step turns on (a
/// redirect's code or error, a JSON body's token or error); the others
/// named in one line.
fn response_items(response: &HttpResponse) -> Vec<Item> {
    let status = response.status;
    let heading = format!("← {status} {}", reason(status))
        .trim_end()
        .to_owned();
    let html = response
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html"));
    if html && (200..300).contains(&status) {
        return vec![Item::Heading(format!(
            "{heading}: the consent page (request accepted)"
        ))];
    }
    let fields: Vec<(String, String)> = if (300..400).contains(&status) {
        response
            .location_params()
            .into_iter()
            .map(|p| (p.name, p.value))
            .collect()
    } else {
        response
            .json()
            .into_iter()
            .flatten()
            .map(|(name, value)| {
                let text = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (name, text)
            })
            .collect()
    };
    let mut items = vec![Item::Heading(heading)];
    let (shown, others): (Vec<_>, Vec<_>) = fields
        .into_iter()
        .partition(|(name, _)| SHOWN_FIELDS.contains(&name.as_str()));
    for (name, value) in shown {
        items.push(Item::row(format!("field:{name}"), &name, value));
    }
    if !others.is_empty() {
        let names: Vec<&str> = others.iter().map(|(n, _)| n.as_str()).collect();
        items.push(Item::note(format!("also: {}", names.join(", ")), Tone::Dim));
    }
    items
}

/// What the server reported about the step, less what the request and the
/// response above already show; `for_attack` when a token it issues is the
/// attack's gain.
fn event_summary(
    event: &ServerEvent,
    actor: Actor,
    for_attack: bool,
    shown_error: Option<&str>,
) -> Vec<Item> {
    match event {
        ServerEvent::Received { .. } | ServerEvent::ConsentShown { .. } => Vec::new(),
        ServerEvent::Refused { error, .. } if shown_error == Some(error.as_str()) => Vec::new(),
        ServerEvent::CodeIssued(stored) => {
            let mut items = vec![Item::Heading("the server stores with the code".into())];
            items.push(match &stored.code_challenge {
                Some(c) => Item::row("stored:challenge", "code_challenge", c),
                None => Item::marked(
                    "stored:challenge",
                    "code_challenge",
                    "(none)",
                    Mark::Missing,
                    Tone::Bad,
                ),
            });
            if let Some(method) = &stored.code_challenge_method {
                items.push(Item::row("stored:method", "method", method));
            }
            items
        }
        ServerEvent::PkceChecked(check) => {
            let rows: Vec<Item> = [
                ("computed", &check.computed_challenge),
                ("stored", &check.stored_challenge),
            ]
            .into_iter()
            .filter_map(|(label, value)| {
                Some(Item::row(format!("check:{label}"), label, value.as_ref()?))
            })
            .collect();
            // Say what the two values are the first time they show.
            let heading = if rows.is_empty() {
                "the server checks PKCE"
            } else {
                "the server checks PKCE: challenge computed from code_verifier vs stored"
            };
            let mut items = vec![Item::Heading(heading.into())];
            items.extend(rows);
            items.push(verdict_note(check));
            items
        }
        ServerEvent::TokenIssued { .. } if for_attack => vec![Item::note(
            "✗ the server issues an access token: the attack succeeds",
            Tone::Bad,
        )],
        ServerEvent::TokenIssued { .. } => vec![Item::note(
            "the server issues an access token",
            Tone::Normal,
        )],
        ServerEvent::ResourceAccess { granted: true, .. } if actor == Actor::Attacker => {
            vec![Item::note(
                "✗ the resource accepts the attacker's token",
                Tone::Bad,
            )]
        }
        other => event_items(other, crate::flow::Flow::Pkce, None),
    }
}
