//! The experiment bench: what the learner changed in the stepped flow's
//! requests, which request `e` amends (the one Right would send next), and
//! the words the screen says about an amended run: the banner, the reason a
//! stage was not reached, the lesson of a quick experiment.
//!
//! Edits apply to the honest run of the flow being stepped only; a send
//! restarts that run with the same seed, so every value but the amended
//! ones is what the learner saw before (edits never shift the random
//! stream).

use crate::flow::{ClientValues, Edit, Experiment, Stage, StageRecord};
use crate::lessons::Lesson;
use crate::record::{Actor, PlannedRequest};

use super::app::{App, Mode, Run, RunKey};

/// What the learner changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bench {
    /// The edits of each stage's request, in the order they apply.
    pub edits: Vec<(Stage, Edit)>,
    /// Send the token request a second time after stage 5 (the replay
    /// experiment).
    pub replay: bool,
    /// The quick experiment the last send applied, if it was one.
    pub experiment: Option<Experiment>,
}

impl Bench {
    /// A bench holding the command line's `--set`/`--drop`.
    pub fn with_edits(edits: Vec<(Stage, Edit)>) -> Self {
        Self {
            edits,
            ..Self::default()
        }
    }

    /// Whether the run is the honest one.
    pub fn is_untouched(&self) -> bool {
        self.edits.is_empty() && !self.replay
    }

    /// The edits of one stage's request.
    pub fn edits_at(&self, stage: Stage) -> Vec<Edit> {
        self.edits
            .iter()
            .filter(|(s, _)| *s == stage)
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// Records what a send asks for: the stage's edits replace its earlier
    /// ones; the replay belongs to the token request's experiment.
    pub fn record(&mut self, stage: Stage, edits: Vec<Edit>, experiment: Option<Experiment>) {
        self.edits.retain(|(s, _)| *s != stage);
        self.edits.extend(edits.into_iter().map(|e| (stage, e)));
        if stage == Stage::TokenRequest {
            self.replay = experiment.is_some_and(Experiment::replays);
        }
        self.experiment = experiment;
    }

    /// The stages whose requests are amended, in order.
    pub fn amended_stages(&self) -> Vec<Stage> {
        let mut stages: Vec<Stage> = self.edits.iter().map(|(s, _)| *s).collect();
        if self.replay {
            stages.push(Stage::TokenRequest);
        }
        stages.sort();
        stages.dedup();
        stages
    }
}

/// The stage that shows the answer to an amended request of `stage`: the
/// stage itself, or stage 6 for the replay, whose second redemption goes
/// out there.
pub fn result_stage(stage: Stage, experiment: Option<Experiment>) -> Stage {
    if experiment.is_some_and(Experiment::replays) {
        Stage::Verification
    } else {
        stage
    }
}

/// A request about to be amended: the step Right would perform next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The stage whose request it is.
    pub stage: Stage,
    /// Who sends it.
    pub actor: Actor,
    /// What it is for.
    pub purpose: String,
    /// The request as its actor planned it, before any edit.
    pub planned: PlannedRequest,
    /// What the client holds before it goes (the quick experiments read
    /// the `code_challenge` there).
    pub client: ClientValues,
}

/// The request `e` amends: the one the stage after the shown one sends, as
/// planned (from its record when the run has already sent it, from the
/// engine's plan otherwise), or why there is none, in words for the status
/// line.
pub fn target(app: &App) -> Result<Target, String> {
    let Some(next) = app.stage.next() else {
        return Err(format!(
            "nothing to amend: stage {} is the last; e amends the request → would send, so go back (←) first",
            app.stage.number()
        ));
    };
    if next <= Stage::Challenge {
        return Err(format!(
            "nothing to amend: stage {} sends nothing (the client computes locally); → then e amends the authorization request",
            next.number()
        ));
    }
    let run = app.run(RunKey::honest(app.flow));
    if let Some(error) = run.and_then(|r| r.failed.as_deref()) {
        return Err(format!("the run stopped: {error}"));
    }
    let Some((run, shown)) = run.and_then(|r| r.stage(app.stage).map(|s| (r, s))) else {
        return Err("a moment: the flow has not reached this stage yet".into());
    };
    if let Some(why) = not_reached(run, app.stage) {
        return Err(format!(
            "nothing to amend: stage {} was {why}",
            app.stage.number()
        ));
    }
    let planned = match run.stage(next) {
        Some(record) => record
            .steps
            .iter()
            .rev()
            .find_map(|s| Some((s.actor, s.purpose.clone(), s.planned.clone()?))),
        None => run
            .next_plan
            .as_ref()
            .filter(|p| p.stage == next)
            .map(|p| (p.actor, p.purpose.to_owned(), p.request.clone())),
    };
    match planned {
        Some((actor, purpose, planned)) => Ok(Target {
            stage: next,
            actor,
            purpose,
            planned,
            client: shown.client.clone(),
        }),
        None => Err(match (&shown.client.error, run.stage(next)) {
            (Some(error), _) => format!(
                "nothing to amend: stage {} sends nothing after the refusal ({error})",
                next.number()
            ),
            (None, Some(_)) => format!("nothing to amend: stage {} sent nothing", next.number()),
            (None, None) => format!(
                "a moment: the request of stage {} is being planned",
                next.number()
            ),
        }),
    }
}

/// What a request of each stage is, for sentences.
fn request_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Verifier | Stage::Challenge => "the client's computation",
        Stage::AuthorizationRequest => "the authorization request",
        Stage::CodeIssued => "the user's approval",
        Stage::TokenRequest => "the token request",
        Stage::Verification => "the call to the resource",
    }
}

/// Why a stage of a run was not reached ("not reached: the authorization
/// request was refused at stage 3 — invalid_request"), or `None` when it
/// was.
pub fn not_reached(run: &Run, stage: Stage) -> Option<String> {
    let record = run.stage(stage).filter(|r| !r.reached)?;
    let last = run.trace.stages.iter().rev().find(|r| r.reached);
    let error = record
        .client
        .error
        .as_deref()
        .unwrap_or("no error recorded");
    Some(match last {
        Some(last) if refused(last) => format!(
            "not reached: {} was refused at stage {} — {error}",
            request_name(last.stage),
            last.stage.number()
        ),
        Some(last) => format!(
            "not reached: the client stopped after stage {} — {error}",
            last.stage.number()
        ),
        None => format!("not reached — {error}"),
    })
}

/// Whether the server said no to the stage's request (an error status, or
/// a redirect carrying an `error`), rather than the client stopping.
fn refused(record: &StageRecord) -> bool {
    record.exchanges().any(|e| {
        e.response.status >= 400
            || e.response
                .location_params()
                .iter()
                .any(|p| p.name == "error")
    })
}

/// The top bar's words about an amended run, if it is one, in at most
/// `room` cells: the experiment's title when it fits, else shorter.
pub fn banner(app: &App, room: usize) -> Option<String> {
    if app.bench.is_untouched() {
        return None;
    }
    let stages: Vec<String> = app
        .bench
        .amended_stages()
        .iter()
        .map(|s| s.number().to_string())
        .collect();
    let amended = format!("✎ amended: stage {}", stages.join(", "));
    let long = match app.bench.experiment {
        Some(experiment) => format!("✎ experiment: {} · R untouched", experiment.title()),
        None => format!("{amended} · R untouched"),
    };
    [
        long,
        format!("{amended} · R untouched"),
        amended,
        "✎".to_owned(),
    ]
    .into_iter()
    .find(|text| super::rows::str_width(text) <= room)
}

/// The lesson of the quick experiment whose result the screen shows: from
/// the experiment's stage on, in the stepped flow.
pub fn experiment_lesson(app: &App) -> Option<&Lesson> {
    let experiment = app.bench.experiment?;
    if !matches!(app.mode, Mode::Stepping | Mode::Wire) || app.stage < experiment.stage() {
        return None;
    }
    app.lessons.for_experiment(app.flow, experiment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(param: &str) -> Edit {
        Edit::Set {
            param: param.into(),
            value: "x".into(),
        }
    }

    #[test]
    fn a_send_replaces_the_edits_of_its_stage_only() {
        let mut bench = Bench::with_edits(vec![
            (Stage::AuthorizationRequest, set("state")),
            (Stage::TokenRequest, set("code")),
        ]);
        bench.record(Stage::TokenRequest, Vec::new(), Some(Experiment::Replay));
        assert_eq!(
            bench.edits,
            vec![(Stage::AuthorizationRequest, set("state"))]
        );
        assert!(bench.replay);
        assert_eq!(
            bench.amended_stages(),
            vec![Stage::AuthorizationRequest, Stage::TokenRequest]
        );
        bench.record(Stage::TokenRequest, vec![set("code_verifier")], None);
        assert!(!bench.replay, "a manual send of stage 5 ends the replay");
        assert_eq!(
            bench.edits_at(Stage::TokenRequest),
            vec![set("code_verifier")]
        );
        assert!(!bench.is_untouched());
    }

    #[test]
    fn the_replay_shows_its_result_at_stage_6() {
        assert_eq!(
            result_stage(Stage::TokenRequest, Some(Experiment::Replay)),
            Stage::Verification
        );
        assert_eq!(
            result_stage(Stage::TokenRequest, Some(Experiment::FlipVerifier)),
            Stage::TokenRequest
        );
        assert_eq!(result_stage(Stage::CodeIssued, None), Stage::CodeIssued);
    }
}
