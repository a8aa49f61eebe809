//! One side of a row, as pane items: the verdict on top (from the decisive
//! row on; before it, which row decides), the legitimate client's outcome
//! on its row, then what the side recorded for the row (the opening, a
//! step, or why the side has no such step).

use crate::flow::Stage;
use crate::record::{Actor, AttackRecord, StepRecord};

use super::align::{self, Cell, Role};
use super::{Lab, Side, opening, script, step};
use crate::tui::app::{App, Run};
use crate::tui::client_pane::pending;
use crate::tui::rows::{Item, Tone};

/// What `side` recorded for the row `role`, under its verdict.
pub fn body(app: &App, lab: &Lab, side: Side, role: Role) -> Vec<Item> {
    let mut items = Vec::new();
    match align::cell(app, lab, side, role) {
        Cell::Waiting(run) => items.extend(pending(run)),
        Cell::Opening(run) => items.extend(opening::items(run, lab.attack)),
        Cell::Step(step) => {
            let scripted = match role {
                Role::Step(i) => script::of(lab.attack).steps.get(i),
                _ => None,
            };
            let for_attack = matches!(role, Role::Step(_))
                && (step.actor == Actor::Attacker || decides_a_success(app, lab, side, step));
            items.extend(step::items(
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
