//! The rows of an attack, and what each side recorded for a row. Right and
//! Left move through rows, so both sides advance together: the opening row,
//! then the engine's steps matched by their place in the attack's script
//! (one side's steps are the first steps of the other's, since the side
//! that refuses stops early), then the legitimate client's own token
//! request where the script wants it.

use std::borrow::Cow;

use crate::flow::{Attack, Stage};
use crate::record::{AttackRecord, StepRecord};

use super::script;
use super::{Lab, Side};
use crate::tui::app::{App, Run, RunKey};

/// What a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The victim's stages 1–4 summed up, and what the attacker can see.
    Opening,
    /// The engine's step of that index.
    Step(usize),
    /// The legitimate client's token request of stage 5.
    RealClient,
}

/// One row: its role and its caption, the same on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What the row shows.
    pub role: Role,
    /// The row in words.
    pub caption: Cow<'static, str>,
}

/// What one side recorded for a row.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// The run has not delivered it yet (or stopped: the run says why).
    Waiting(Option<&'a Run>),
    /// The opening: the run, whose stage 4 holds the victim's values.
    Opening(&'a Run),
    /// A recorded step.
    Step(&'a StepRecord),
    /// The side has no such step: its attack was decided at that row (from
    /// 0) and went no further.
    Absent {
        /// The row that decided it.
        decided_at: usize,
        /// Whether the server refused it there (a side that succeeded has
        /// simply no such step).
        refused: bool,
    },
}

/// The run of an attack on one side.
pub fn run(app: &App, attack: Attack, side: Side) -> Option<&Run> {
    app.run(RunKey::attacked(side.flow(), attack))
}

/// The rows of `attack`: the script's, and any step the engine recorded
/// beyond it (captioned by the engine's own purpose, so nothing recorded is
/// left out).
pub fn rows(app: &App, attack: Attack) -> Vec<Row> {
    let script = script::of(attack);
    let records: Vec<&AttackRecord> = Side::BOTH
        .iter()
        .filter_map(|&side| run(app, attack, side)?.trace.attack.as_ref())
        .collect();
    let recorded = records.iter().map(|r| r.steps.len()).max().unwrap_or(0);
    let mut rows = vec![Row {
        role: Role::Opening,
        caption: script.opening.into(),
    }];
    for i in 0..script.steps.len().max(recorded) {
        let caption = match script.steps.get(i) {
            Some(step) => step.caption.into(),
            None => records
                .iter()
                .find_map(|r| r.steps.get(i))
                .map_or_else(|| "".into(), |s| s.purpose.clone().into()),
        };
        rows.push(Row {
            role: Role::Step(i),
            caption,
        });
    }
    if let Some(caption) = script.real_client {
        rows.push(Row {
            role: Role::RealClient,
            caption: caption.into(),
        });
    }
    rows
}

/// The row (from 0) of the step whose answer decided the attack, if known.
pub fn decisive_row(record: &AttackRecord) -> Option<usize> {
    record
        .steps
        .iter()
        .position(|s| s.exchange.as_ref() == Some(&record.decisive))
        .map(|i| i + 1)
}

/// What `side` recorded for the row `role`.
pub fn cell<'a>(app: &'a App, lab: &Lab, side: Side, role: Role) -> Cell<'a> {
    let run = run(app, lab.attack, side);
    let Some(ready) = run else {
        return Cell::Waiting(None);
    };
    match role {
        Role::Opening => match ready.stage(Stage::CodeIssued) {
            Some(_) => Cell::Opening(ready),
            None => Cell::Waiting(run),
        },
        Role::Step(i) => match &ready.trace.attack {
            None => Cell::Waiting(run),
            Some(record) => match record.steps.get(i) {
                Some(step) => Cell::Step(step),
                None => Cell::Absent {
                    decided_at: decisive_row(record).unwrap_or(record.steps.len()),
                    refused: !record.succeeded,
                },
            },
        },
        Role::RealClient => match ready.stage(Stage::TokenRequest).and_then(|r| r.http_step()) {
            Some(step) => Cell::Step(step),
            None => Cell::Waiting(run),
        },
    }
}
