//! Autoplay (`--autoplay SECONDS`, `s`): the tour moves to the next screen
//! on its own, for an instructor talking over it. It pauses where the
//! learner must act (a checkpoint, the request editor, an experiment's
//! result, the attack lab, the help) and stops at the end of the tour.
//!
//! Plain data plus two functions the loop calls: [`toggle`] on `s`, and
//! [`tick`] when the time [`Autoplay::due`] names has come. The clock is the
//! app's, so tests move it by hand.

use std::time::{Duration, Instant};

use super::app::{Action, App, Mode};
use super::tour::Place;

/// The pace when `s` starts autoplay without `--autoplay`.
pub const DEFAULT_PERIOD: Duration = Duration::from_secs(8);

/// Whether the tour moves on its own, and when next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Autoplay {
    period: Duration,
    /// When the current screen's time started, while running.
    since: Option<Instant>,
}

impl Autoplay {
    /// Autoplay at that pace (`--autoplay`), running from `now`; stopped
    /// (at the default pace) when absent.
    pub fn new(period: Option<Duration>, now: Instant) -> Self {
        Self {
            period: period.unwrap_or(DEFAULT_PERIOD),
            since: period.map(|_| now),
        }
    }

    /// Whether the tour moves on its own.
    pub fn running(&self) -> bool {
        self.since.is_some()
    }

    /// When the next move is due, while running.
    pub fn due(&self) -> Option<Instant> {
        self.since.map(|since| since + self.period)
    }

    /// The pace, in whole seconds (for the status line).
    pub fn seconds(&self) -> u64 {
        self.period.as_secs()
    }

    /// The current screen's time starts again (the learner moved).
    pub fn restart_clock(&mut self, now: Instant) {
        if self.since.is_some() {
            self.since = Some(now);
        }
    }
}

/// `s`: stops a running autoplay, or starts it from this screen.
pub fn toggle(app: &mut App) {
    let now = app.clock;
    if app.autoplay.running() {
        app.autoplay.since = None;
        app.status = Some("autoplay stopped: s starts it again".into());
    } else {
        app.autoplay.since = Some(now);
        app.status = Some(format!(
            "autoplay: the next screen every {} s; s stops it",
            app.autoplay.seconds()
        ));
    }
}

/// The time has come (the app's clock is now): moves to the next screen,
/// or pauses where the learner must act, or stops at the end of the tour.
/// Returns whether anything changed.
pub(super) fn tick(app: &mut App) -> bool {
    let now = app.clock;
    match app.autoplay.due() {
        Some(due) if now >= due => {}
        _ => return false,
    }
    if let Some(why) = needs_the_learner(app) {
        app.autoplay.since = None;
        app.status = Some(format!("autoplay paused: {why}; s resumes it"));
        return true;
    }
    // Right from stage 6 opens the summary; the summary is the end.
    if app.place == Place::Summary {
        app.autoplay.since = None;
        app.status = Some("autoplay stopped at the end of the tour".into());
        return true;
    }
    app.update(Action::Next);
    app.autoplay.since = Some(now);
    true
}

/// Why the screen waits for the learner, if it does.
fn needs_the_learner(app: &App) -> Option<&'static str> {
    if app.learner.open.is_some() {
        Some("a checkpoint waits for an answer")
    } else if app.editor.is_some() {
        Some("the request editor is open")
    } else if app.help {
        Some("the help is open")
    } else if app.browser_wait().is_some() {
        Some("your browser has the next step")
    } else if app.mode == Mode::AttackLab {
        Some("the attack lab is stepped by hand")
    } else if !app.bench.is_untouched() {
        Some("an experiment's result is on screen")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::flow::{Flow, Stage};
    use crate::lessons::LessonSet;
    use crate::tui::{Config, ThemeName};

    fn app(autoplay: Option<Duration>) -> App {
        App::new(Config {
            flow: Flow::Pkce,
            stage: Stage::Verifier,
            seed: Some(7),
            port: None,
            edits: Vec::new(),
            theme: ThemeName::Mono,
            notes: false,
            lessons: Arc::new(LessonSet::builtin().without_checkpoints()),
            autoplay,
            code_lifetime: None,
            registration: crate::flow::Registration::Cimd,
            browser: crate::flow::BrowserMode::Simulated,
        })
    }

    fn later(app: &mut App, seconds: u64) {
        app.clock += Duration::from_secs(seconds);
    }

    #[test]
    fn it_moves_on_at_its_pace_and_not_before() {
        let mut app = app(Some(Duration::from_secs(5)));
        app.clock = app.autoplay.due().unwrap() - Duration::from_secs(5);
        later(&mut app, 4);
        assert!(!tick(&mut app));
        assert_eq!(app.stage, Stage::Verifier);
        later(&mut app, 1);
        assert!(tick(&mut app));
        assert_eq!(app.stage, Stage::Challenge);
        assert_eq!(app.autoplay.due(), Some(app.clock + Duration::from_secs(5)));
    }

    #[test]
    fn s_starts_it_at_the_default_pace_and_stops_it() {
        let mut app = app(None);
        assert!(!app.autoplay.running());
        app.update(Action::ToggleAutoplay);
        assert_eq!(app.autoplay.due(), Some(app.clock + DEFAULT_PERIOD));
        app.update(Action::ToggleAutoplay);
        assert!(!app.autoplay.running());
        later(&mut app, 60);
        assert!(!tick(&mut app));
    }

    #[test]
    fn it_pauses_where_the_learner_must_act() {
        let mut app = app(Some(Duration::from_secs(1)));
        app.help = true;
        later(&mut app, 2);
        assert!(tick(&mut app));
        assert!(!app.autoplay.running());
        assert_eq!(app.stage, Stage::Verifier);
        assert!(app.status.as_deref().unwrap().contains("paused"));
    }

    #[test]
    fn it_stops_at_the_end_of_the_tour() {
        let mut app = app(Some(Duration::from_secs(1)));
        app.place = Place::Summary;
        later(&mut app, 2);
        assert!(tick(&mut app));
        assert!(!app.autoplay.running());
        assert!(app.status.as_deref().unwrap().contains("end of the tour"));
    }
}
