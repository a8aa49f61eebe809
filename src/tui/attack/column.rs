//! One side of a row, as pane items: the verdict on top (from the decisive
//! row on; before it, which row decides), the legitimate client's outcome
//! on its row, then what the side recorded for the row. A request lists the
//! parameters the attack turns on (the code, the PKCE values) and names the
//! others in one line; a response and the server's reports likewise keep
//! what the step is about, so a side fits beside the other.

use crate::flow::{Attack, Stage};
use crate::record::{Actor, AttackRecord, ServerEvent, StepRecord};
use crate::wire::{HttpRequest, HttpResponse, Param};

use super::align::{self, Cell, Role};
use super::{Lab, Side, script};
use crate::tui::app::{App, Run};
use crate::tui::client_pane::{pending, reason};
use crate::tui::rows::{Item, Mark, Tone};
use crate::tui::server_pane::{event_items, verdict_note};

/// What `side` recorded for the row `role`, under its verdict.
pub fn body(app: &App, lab: &Lab, side: Side, role: Role) -> Vec<Item> {
    let mut items = Vec::new();
    match align::cell(app, lab, side, role) {
        Cell::Waiting(run) => items.extend(pending(run)),
        Cell::Opening(run) => items.extend(opening(run, lab.attack)),
        Cell::Step(step) => {
            let scripted = match role {
                Role::Step(i) => script::of(lab.attack).steps.get(i),
                _ => None,
            };
            let for_attack = matches!(role, Role::Step(_))
                && (step.actor == Actor::Attacker || decides_a_success(app, lab, side, step));
            items.extend(step_items(
                step,
                scripted.and_then(|s| s.verifier),
                for_attack,
            ));
        }
        Cell::Absent {
            decided_at,
            refused,
        } => items.push(Item::note(
            if refused {
                format!("— (refused earlier, at step {})", decided_at + 1)
            } else {
                "— (no such step on this side)".to_owned()
            },
            Tone::Dim,
        )),
    }
    items
}

/// Whether `step` is the one that won the attack on `side`.
fn decides_a_success(app: &App, lab: &Lab, side: Side, step: &StepRecord) -> bool {
    align::run(app, lab.attack, side)
        .and_then(|run| run.trace.attack.as_ref())
        .is_some_and(|record| record.succeeded && step.exchange.as_ref() == Some(&record.decisive))
}

/// The attack's outcome on `side` in one line: ✗ succeeded or ✓ refused
/// with the server's `error`, and the row that decided it (from 0).
pub fn outcome(record: &AttackRecord) -> (String, Tone) {
    let step = align::decisive_row(record).map_or(String::new(), |r| format!(" at step {}", r + 1));
    if record.succeeded {
        let success = script::of(record.attack).success;
        (format!("✗ attack succeeded{step}: {success}"), Tone::Bad)
    } else {
        let response = &record.decisive.response;
        let error = response
            .oauth_error()
            .unwrap_or_else(|| response.status.to_string());
        let request = record.decisive.request.summary();
        (
            format!("✓ attack refused{step}: {request} → {error}"),
            Tone::Good,
        )
    }
}

/// The verdict, once the row that decides it is reached (before, which row
/// that is), and on the legitimate client's row, its outcome.
pub fn verdict(app: &App, lab: &Lab, side: Side, role: Role) -> Vec<Item> {
    let Some(run) = align::run(app, lab.attack, side) else {
        return Vec::new();
    };
    let Some(record) = &run.trace.attack else {
        return Vec::new();
    };
    let mut items = Vec::new();
    match align::decisive_row(record) {
        Some(row) if lab.step < row => items.push(Item::note(
            format!("(the attack is decided at step {})", row + 1),
            Tone::Dim,
        )),
        _ => {
            let (text, tone) = outcome(record);
            items.push(Item::note(text, tone));
        }
    }
    if role == Role::RealClient
        && let Some((text, tone)) = real_client_outcome(run)
    {
        items.push(Item::note(text, tone));
    }
    items
}

/// When one side is shown at a time: the other side's verdict in one line,
/// once that side has reached the row that decides it; on the legitimate
/// client's row, that client's outcome there under it.
pub fn other_side(app: &App, lab: &Lab, shown: Side, role: Role) -> Vec<Item> {
    let Some(run) = align::run(app, lab.attack, shown.other()) else {
        return Vec::new();
    };
    let verdict = run
        .trace
        .attack
        .as_ref()
        .filter(|record| align::decisive_row(record).is_some_and(|row| lab.step >= row))
        .map(outcome);
    let real_client = (role == Role::RealClient)
        .then(|| real_client_outcome(run))
        .flatten();
    verdict
        .into_iter()
        .chain(real_client)
        .map(|(text, tone)| Item::note(format!("Tab ▸ the other side: {text}"), tone))
        .collect()
}

/// What the legitimate client's own token request got.
fn real_client_outcome(run: &Run) -> Option<(String, Tone)> {
    let step = run.stage(Stage::TokenRequest)?.http_step()?;
    let response = &step.exchange.as_ref()?.response;
    Some(match response.oauth_error() {
        None if response.status < 400 => (
            "✓ the real client still gets its token".to_owned(),
            Tone::Good,
        ),
        error => (
            format!(
                "✗ the real client is refused: {}",
                error.unwrap_or_else(|| response.status.to_string())
            ),
            Tone::Bad,
        ),
    })
}

/// The server's policy in words, naming the gap the attack uses on the
/// `lax` server (optional PKCE, `plain` accepted, no downgrade check).
fn policy_words(policy: &str, attack: Attack) -> &'static str {
    match (policy, attack) {
        ("required", _) => "PKCE required (OAuth 2.1)",
        ("optional", _) => "PKCE optional (Step 04)",
        ("lax", Attack::Downgrade) => "PKCE optional, no downgrade check",
        ("lax", _) => "PKCE optional, accepts plain",
        _ => "(unknown policy)",
    }
}

/// The legitimate client's PKCE method in words.
fn method_words(method: Option<&str>) -> &'static str {
    match method {
        None => "no PKCE",
        Some("plain") => "PKCE, plain: challenge = verifier",
        Some(_) => "PKCE, S256: challenge = a hash",
    }
}

/// The opening row: what the side runs, what the victim's client holds
/// after stage 4, and what the attacker can see.
fn opening(run: &Run, attack: Attack) -> Vec<Item> {
    let mut items = Vec::new();
    if let Some(record) = &run.trace.attack {
        let config = &record.configuration;
        items.push(Item::Heading("this side runs".into()));
        items.push(Item::row(
            "server",
            "server",
            policy_words(config.server_policy, attack),
        ));
        items.push(Item::row(
            "client",
            "client",
            method_words(config.code_challenge_method),
        ));
    }
    let Some(victim) = run.stage(Stage::CodeIssued).map(|r| &r.client) else {
        return items;
    };
    let none =
        |key: &str, label: &str| Item::marked(key, label, "(none)", Mark::Missing, Tone::Dim);
    let code = Item::row("code", "code", victim.code.as_deref().unwrap_or("…"));
    items.push(Item::Heading(
        "the victim's client holds (stages 1–4)".into(),
    ));
    items.push(code.clone());
    items.push(match &victim.code_verifier {
        Some(v) => Item::row("verifier", "code_verifier", v),
        None => none("verifier", "code_verifier"),
    });
    let challenge = match (&victim.code_challenge, &victim.code_challenge_method) {
        (Some(c), Some(m)) => Item::row("challenge", format!("code_challenge ({m})"), c),
        (Some(c), None) => Item::row("challenge", "code_challenge", c),
        _ => none("challenge", "code_challenge"),
    };
    items.push(Item::Heading(format!(
        "the attacker can see ({})",
        script::of(attack).source
    )));
    match attack {
        Attack::Interception => {
            items.push(code);
            items.push(Item::note(
                "from the redirect; and the public client_id and redirect_uri",
                Tone::Dim,
            ));
        }
        Attack::Sniffing => {
            items.push(code);
            items.push(challenge);
            items.push(Item::note(
                "from the redirect and the authorization request",
                Tone::Dim,
            ));
        }
        Attack::Downgrade => items.push(Item::note(
            "nothing of the victim's: it has an account of its own with the same public \
             client, and can rewrite the victim's callback",
            Tone::Normal,
        )),
        Attack::Injection => {
            items.push(code);
            items.push(Item::note(
                "from a leaked redirect; and an account of its own with the same client",
                Tone::Dim,
            ));
        }
    }
    items
}

/// A recorded step: a sentence for a step that sends nothing; for a
/// request, its line, what it turns on (`verifier` says whose verifier it
/// sends), the server's reports and its answer. `for_attack` when what the
/// step obtains is the attack's gain.
fn step_items(step: &StepRecord, verifier: Option<&str>, for_attack: bool) -> Vec<Item> {
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
