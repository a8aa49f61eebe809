//! Checkpoints in the tour: when one is asked, and the modal overlay that
//! asks it.
//!
//! A checkpoint interrupts the key that reaches it, as the linear tour's
//! prompt does: Right on a stage first asks the stage's checkpoints that
//! come after its reveal (the learner has seen it), then a prediction about
//! the next stage, before that stage's request goes; a quick experiment
//! chosen in the editor asks its prediction before it is sent. The answer
//! is recorded, the interrupted move is made, and the feedback waits in the
//! overlay for the real answer to show it beside the verdict; Enter or
//! Right then carries on. Esc skips the question (offered again in the next
//! tour) and makes the move without an answer.
//!
//! Checkpoints are about the untouched run: none is asked on an amended run
//! (`--set`, the editor), except the prediction of the experiment being
//! chosen, nor in the contrast or the attack lab. Each is offered once: see
//! [`Learner`](super::learner::Learner).
//!
//! Everything here changes the app's state only; `view` draws the overlay.

pub mod view;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::flow::{Edit, Experiment, Stage};
use crate::lessons::{Checkpoint, Feedback, Letter, Screen, When};

use super::app::{Action, App, Mode, RunKey};
use super::keymap::keymap;
use super::learner;
use super::tour::Place;

/// The open overlay: a checkpoint asked, or answered and showing its
/// feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    /// The checkpoint (looked up in the app's lessons by this id).
    pub id: String,
    /// The screen it belongs to.
    pub screen: Screen,
    /// The learner's answer, judged, once given.
    pub feedback: Option<Feedback>,
    /// What the interrupted key was doing, done when the overlay closes (a
    /// prediction's move is made as soon as it is answered).
    pub then: Then,
}

/// The move a checkpoint interrupted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    /// Right, again: the next checkpoint, or the next screen.
    Next,
    /// Go to this stage, whose request goes out on arrival.
    Go(Stage),
    /// Send a stage's request with these edits (the quick experiment).
    Send {
        /// The stage whose request goes.
        stage: Stage,
        /// Its edits.
        edits: Vec<Edit>,
        /// The quick experiment.
        experiment: Option<Experiment>,
    },
    /// Nothing left to do.
    Stay,
}

/// Handles `action` if a checkpoint has a say in it: while the overlay is
/// open it is modal (letters answer, Enter/Right continue, Esc skips or
/// closes, scrolling and quitting work as anywhere); otherwise Right may
/// open a checkpoint. Returns whether the action was dealt with here.
pub fn intercept(app: &mut App, action: Action) -> bool {
    if let Some(open) = app.learner.open.take() {
        return handle_open(app, open, action);
    }
    match action {
        // No question is open: a letter has nothing to answer.
        Action::Answer(_) => true,
        Action::Next => ask_on_next(app),
        _ => false,
    }
}

/// Sends a stage's request with the learner's edits, or, for a quick
/// experiment with a prediction not offered yet, asks it first (the send is
/// made once it is answered or skipped).
pub fn send_or_ask(app: &mut App, stage: Stage, edits: Vec<Edit>, experiment: Option<Experiment>) {
    // Other amended stages would change the answer the prediction states.
    let alone = app.bench.amended_stages().iter().all(|s| *s == stage);
    let asked = experiment
        .filter(|_| alone)
        .map(|e| Screen::Experiment(app.flow, e))
        .and_then(|screen| Some((screen, fresh(app, screen, When::Before)?)));
    match asked {
        Some((screen, id)) => open(
            app,
            id,
            screen,
            Then::Send {
                stage,
                edits,
                experiment,
            },
        ),
        None => app.send(stage, edits, experiment),
    }
}

fn handle_open(app: &mut App, open: Open, action: Action) -> bool {
    match (action, open.feedback) {
        (Action::Answer(letter), None) => answer(app, open, letter),
        (Action::Close, None) => {
            app.learner.skip(&open.id);
            close(app, open.then);
            if app.status.is_none() {
                app.status = Some("question skipped: it comes back in your next tour".into());
            }
        }
        (Action::Next | Action::Close, Some(_)) => close(app, open.then),
        (Action::Quit | Action::Scroll(_), _) => {
            app.learner.open = Some(open);
            return false;
        }
        // Right before an answer: say what the overlay waits for.
        (Action::Next, None) => {
            app.status = Some("answer with a letter first, or Esc to skip the question".into());
            app.learner.open = Some(open);
        }
        // Modal: nothing else does anything while it is open.
        _ => app.learner.open = Some(open),
    }
    true
}

fn answer(app: &mut App, mut open: Open, letter: Letter) {
    let lessons = Arc::clone(&app.lessons);
    let Some(checkpoint) = lessons.checkpoints().by_id(&open.id) else {
        return close(app, open.then);
    };
    let Some(feedback) = checkpoint.answer(letter.as_char()) else {
        app.status = Some(format!(
            "{letter} is not one of the options: type {}",
            letters(checkpoint)
        ));
        app.learner.open = Some(open);
        return;
    };
    app.learner.record(&open.id, feedback);
    open.feedback = Some(feedback);
    app.scroll = 0;
    // A prediction's move is made now, so that the real answer arrives
    // under the feedback.
    let then = if checkpoint.prediction.is_some() {
        std::mem::replace(&mut open.then, Then::Stay)
    } else {
        Then::Stay
    };
    app.learner.open = Some(open);
    perform(app, then);
}

/// Closes the overlay and carries on with what it interrupted.
fn close(app: &mut App, then: Then) {
    app.learner.open = None;
    app.scroll = 0;
    perform(app, then);
}

fn perform(app: &mut App, then: Then) {
    match then {
        Then::Next => app.update(Action::Next),
        Then::Go(stage) => app.go_to(stage),
        Then::Send {
            stage,
            edits,
            experiment,
        } => app.send(stage, edits, experiment),
        Then::Stay => {}
    }
}

/// Right: a checkpoint of this screen asked after its reveal, else a
/// prediction about the next stage before its request goes.
fn ask_on_next(app: &mut App) -> bool {
    if !matches!(app.mode, Mode::Stepping | Mode::Wire)
        || app.place != Place::Stages
        || app.editor.is_some()
    {
        return false;
    }
    let run = app.run(RunKey::honest(app.flow));
    if run.is_some_and(|r| r.failed.is_some()) {
        return false;
    }
    let here = learner::here(app);
    let untouched = app.bench.is_untouched();
    let revealed = run.is_some_and(|r| r.stage(app.stage).is_some());
    if revealed
        && (untouched || matches!(here, Screen::Experiment(..)))
        && let Some(id) = fresh(app, here, When::After)
    {
        open(app, id, here, Then::Next);
        return true;
    }
    let Some(next) = app.stage.next() else {
        return false;
    };
    if !untouched || run.is_some_and(|r| r.stage(next).is_some()) {
        return false;
    }
    let there = Screen::Stage(app.flow, next);
    match fresh(app, there, When::Before) {
        Some(id) => {
            open(app, id, there, Then::Go(next));
            true
        }
        None => false,
    }
}

/// The first checkpoint of a screen, asked `when`, not offered yet.
fn fresh(app: &App, screen: Screen, when: When) -> Option<String> {
    app.lessons
        .checkpoints()
        .for_screen(screen, when)
        .find(|c| app.learner.is_fresh(&c.id))
        .map(|c| c.id.clone())
}

fn open(app: &mut App, id: String, screen: Screen, then: Then) {
    app.help = false;
    app.scroll = 0;
    app.learner.open = Some(Open {
        id,
        screen,
        feedback: None,
        then,
    });
}

/// "a, b or c".
pub fn letters(checkpoint: &Checkpoint) -> String {
    let letters: Vec<String> = checkpoint.letters().map(|l| l.to_string()).collect();
    match letters.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => letters.concat(),
    }
}

/// "a/b/c", as the footer names keys.
pub fn letter_keys(checkpoint: &Checkpoint) -> String {
    let letters: Vec<String> = checkpoint.letters().map(|l| l.to_string()).collect();
    letters.join("/")
}

/// The action a key asks for while the overlay is open: a letter answers,
/// Enter continues as Right does; Esc, the scroll keys and quitting keep
/// their meaning; nothing else does anything.
pub fn key_action(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char(c) if plain => {
            if let Some(letter) = Letter::from_char(c) {
                return Some(Action::Answer(letter));
            }
        }
        KeyCode::Enter => return Some(Action::Next),
        _ => {}
    }
    keymap(key).filter(|a| {
        matches!(
            a,
            Action::Next | Action::Close | Action::Quit | Action::Scroll(_)
        )
    })
}

/// The footer's hints while the overlay is open, `(keys, label)`.
pub fn hints(app: &App, open: &Open) -> Vec<(String, &'static str)> {
    match (open.feedback, app.lessons.checkpoints().by_id(&open.id)) {
        (None, Some(checkpoint)) => vec![
            (letter_keys(checkpoint), "answer"),
            ("Esc".to_owned(), "skip"),
            ("PgUp/PgDn".to_owned(), "scroll"),
            ("q".to_owned(), "quit"),
        ],
        _ => vec![
            ("Enter/→".to_owned(), "continue"),
            ("PgUp/PgDn".to_owned(), "scroll"),
            ("q".to_owned(), "quit"),
        ],
    }
}
