//! What the learner has done, as the app holds it: the saved [`Progress`]
//! (screens seen, checkpoints answered), the checkpoints offered in this
//! tour, and the checkpoint overlay when one is open.
//!
//! Plain data, changed only through `App::update`. Every change to the
//! progress bumps a revision number; the event loop saves the progress when
//! the revision moved (`persist::Saver`), so nothing here touches the file.

use std::collections::HashSet;

use crate::flow::Experiment;
use crate::lessons::{Feedback, Screen};
use crate::progress::Progress;

use super::app::{App, Mode};
use super::checkpoint::Open;
use super::tour::Place;

/// The learner's side of the app.
#[derive(Debug, Clone, Default)]
pub struct Learner {
    /// What is saved: screens seen, checkpoints answered, where the tour
    /// resumes.
    pub progress: Progress,
    /// The checkpoint overlay, while a checkpoint is asked or its feedback
    /// shown.
    pub open: Option<Open>,
    /// The last problem with the progress file in this tour, if any (set
    /// where the file is read and written; the summary repeats it, since
    /// the status line shows it only until the next key).
    pub file_warning: Option<String>,
    /// Bumped by every change to `progress`.
    revision: u64,
    /// Checkpoints offered in this tour, answered or skipped: each is
    /// offered once (a skipped one comes back in the next tour).
    asked: HashSet<String>,
}

impl Learner {
    /// The learner as the saved progress left them.
    pub fn new(progress: Progress) -> Self {
        Self {
            progress,
            ..Self::default()
        }
    }

    /// How many times the progress has changed: the loop saves when this
    /// moves.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether a checkpoint may still be offered: not answered before, not
    /// offered in this tour.
    pub fn is_fresh(&self, id: &str) -> bool {
        !self.asked.contains(id) && self.progress.answer(id).is_none()
    }

    /// The learner skipped a checkpoint: not offered again in this tour.
    pub fn skip(&mut self, id: &str) {
        self.asked.insert(id.to_owned());
    }

    /// The learner answered a checkpoint (the first answer is the one kept).
    pub fn record(&mut self, id: &str, feedback: Feedback) {
        self.asked.insert(id.to_owned());
        if self
            .progress
            .record_answer(id, feedback.chosen.as_char(), feedback.correct)
        {
            self.revision += 1;
        }
    }

    /// The learner is on these screens now (the last one is where the next
    /// tour resumes): each counts as seen.
    pub fn visit(&mut self, screens: &[Screen]) {
        for screen in screens {
            let key = screen.key();
            if self.progress.last_screen.as_deref() != Some(key.as_str())
                || !self.progress.has_seen(&key)
            {
                self.progress.visit(&key);
                self.revision += 1;
            }
        }
    }
}

/// The screens the app shows, as saved progress names them; the last is the
/// one the tour resumes at. The contrast shows a stage of both flows, the
/// attack lab an attack against both.
pub fn screens(app: &App) -> Vec<Screen> {
    match app.place {
        Place::Intro => return vec![Screen::Intro],
        Place::Discovery => return vec![Screen::Discovery],
        Place::Summary => return vec![Screen::Summary],
        Place::Stages => {}
    }
    // The attack picker shows no attack yet.
    if app.lab.picker.is_some() {
        return Vec::new();
    }
    let (flow, other) = (app.flow, app.flow.other());
    match app.mode {
        Mode::Contrast => vec![
            Screen::Stage(other, app.stage),
            Screen::Stage(flow, app.stage),
        ],
        Mode::AttackLab => {
            let attack = app.lab.attack;
            vec![Screen::Attack(other, attack), Screen::Attack(flow, attack)]
        }
        Mode::Stepping | Mode::Wire => vec![here(app)],
    }
}

/// The one screen of the stepping view: the stage, or the result of the
/// quick experiment the learner sent, once the flow shows it.
pub fn here(app: &App) -> Screen {
    match shown_experiment(app) {
        Some(experiment) => Screen::Experiment(app.flow, experiment),
        None => Screen::Stage(app.flow, app.stage),
    }
}

/// The quick experiment whose result the stepping view shows (from its
/// stage on), if any.
fn shown_experiment(app: &App) -> Option<Experiment> {
    app.bench
        .experiment
        .filter(|e| matches!(app.mode, Mode::Stepping | Mode::Wire) && app.stage >= e.stage())
}

/// Records the screens the app shows now as seen.
pub fn note_screen(app: &mut App) {
    let screens = screens(app);
    app.learner.visit(&screens);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Flow, Stage};
    use crate::lessons::Letter;

    #[test]
    fn a_visit_or_a_first_answer_moves_the_revision_and_repeats_do_not() {
        let mut learner = Learner::default();
        let stage = |n| Screen::Stage(Flow::Pkce, Stage::from_number(n).unwrap());
        learner.visit(&[stage(1)]);
        assert_eq!(learner.revision(), 1);
        learner.visit(&[stage(1)]);
        assert_eq!(learner.revision(), 1, "still there: nothing to save");
        learner.visit(&[stage(2)]);
        learner.visit(&[stage(1)]);
        assert_eq!(learner.revision(), 3, "back again: the resume point moved");
        assert!(learner.is_fresh("x"));
        let feedback = Feedback {
            chosen: Letter::A,
            right: Letter::B,
            correct: false,
        };
        learner.record("x", feedback);
        assert_eq!(learner.revision(), 4);
        assert!(!learner.is_fresh("x"));
        learner.record(
            "x",
            Feedback {
                correct: true,
                ..feedback
            },
        );
        assert_eq!(learner.revision(), 4, "the first answer is kept");
        learner.skip("y");
        assert!(!learner.is_fresh("y"));
        assert_eq!(learner.revision(), 4, "a skip is not saved");
    }

    #[test]
    fn the_attack_seen_is_the_one_picked_not_the_pickers_default() {
        use crate::flow::Attack;
        use crate::tui::{Action, App, Config, PickerInput, ThemeName};
        let mut app = App::new(Config {
            flow: Flow::Pkce,
            stage: Stage::CodeIssued,
            seed: Some(7),
            port: None,
            edits: Vec::new(),
            theme: ThemeName::Mono,
            notes: false,
            lessons: std::sync::Arc::new(crate::lessons::LessonSet::builtin()),
            autoplay: None,
            code_lifetime: None,
            registration: crate::flow::Registration::Cimd,
            browser: crate::flow::BrowserMode::Simulated,
        });
        app.update(Action::ToggleAttack);
        assert!(screens(&app).is_empty(), "the picker shows no attack yet");
        app.update(Action::Picker(PickerInput::Pick(Attack::Sniffing)));
        assert_eq!(
            screens(&app),
            [
                Screen::Attack(Flow::Plain, Attack::Sniffing),
                Screen::Attack(Flow::Pkce, Attack::Sniffing)
            ]
        );
    }
}
