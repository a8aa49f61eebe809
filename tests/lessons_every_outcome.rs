//! Every lesson renders for every recorded outcome a screen can show it with,
//! refused runs included: a value the run did not record reads "(not in this
//! run)" on screen, never a lesson error.

mod lessons_support;

use lessons_support::{experiment_trace, scenarios, trace};
use pkce_tutor::flow::{Experiment, Flow, Trace};
use pkce_tutor::lessons::{LessonSet, NOT_IN_THIS_RUN};

/// Fills every lesson a screen of this run may show, and checks the text.
fn renders_all(set: &LessonSet, run: &Trace, what: &str) -> usize {
    let mut filled = 0;
    for lesson in set.lessons().iter().filter(|l| l.flow.covers(run.flow)) {
        if lesson.attack.is_some() && run.attack.as_ref().map(|a| a.attack) != lesson.attack {
            continue;
        }
        let text = lesson
            .fill_for_screen(run, None)
            .unwrap_or_else(|e| panic!("{} in {what}: {e}", lesson.id));
        assert!(!text.contains("{{"), "{} in {what}:\n{text}", lesson.id);
        filled += 1;
    }
    filled
}

#[test]
fn every_lesson_renders_for_every_recorded_outcome() {
    let set = LessonSet::builtin();
    let mut screens = 0;
    for (flow, attack) in scenarios() {
        screens += renders_all(&set, &trace(flow, attack), &format!("{flow:?} {attack:?}"));
    }
    for experiment in Experiment::ALL {
        screens += renders_all(
            &set,
            &experiment_trace(experiment),
            &format!("{experiment:?}"),
        );
    }
    assert!(screens > 200, "{screens}");
}

#[test]
fn a_value_a_refused_run_never_recorded_reads_not_in_this_run() {
    let set = LessonSet::builtin();
    // The authorization request is refused at stage 3: no code exists, so
    // the stage 6 lesson has no server check to show.
    let refused = experiment_trace(Experiment::DropChallenge);
    let lesson = set
        .for_stage(Flow::Pkce, pkce_tutor::flow::Stage::Verification)
        .unwrap();
    assert!(lesson.fill(&refused, None).is_err());
    let text = lesson.fill_for_screen(&refused, None).unwrap();
    assert!(text.contains(NOT_IN_THIS_RUN), "{text}");
}
