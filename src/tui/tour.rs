//! The tour's order of screens: the introduction, stage 0 (discovery and
//! registration, one request at a time), the six stages, the summary.
//!
//! Left from stage 1 opens stage 0 at its last request, Left from its first
//! the introduction (DESIGN: the introduction sits before stage 0); Right
//! from the introduction goes to stage 0's first request, Right from its
//! last to stage 1, Right from stage 6 to the summary; `0` jumps to stage 0
//! from anywhere. On the introduction, stage 0 and the summary, a digit
//! jumps to that stage and any other key of the main screen leaves for the
//! nearest stage and does what it says, except the help, Esc, scrolling,
//! focus, autoplay and quitting (and on stage 0 the wire view), which apply
//! on it.

use crate::flow::Stage;

use super::app::{Action, App, Mode, RunKey};

/// Where `--stage` opens the tour: stage 0 or one of the six.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// Stage 0, discovery and registration, at its first request.
    Discovery,
    /// One of the six stages.
    Stage(Stage),
}

impl Opening {
    /// The stage shown first (stage 0 is shown beside stage 1).
    pub fn stage(self) -> Stage {
        match self {
            Self::Discovery => first_stage(),
            Self::Stage(stage) => stage,
        }
    }
}

/// Where the learner is in the tour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Place {
    /// The introduction, before stage 0.
    Intro,
    /// Stage 0: how the MCP client finds the server and gets a client_id,
    /// one request at a time ([`App::discovery_step`]).
    Discovery,
    /// The stages (in any mode: stepping, contrast, wire, attack lab).
    #[default]
    Stages,
    /// The end summary, after the last stage.
    Summary,
}

/// Handles `action` where it crosses the ends of the stages. Returns
/// whether the action was dealt with here.
pub fn intercept(app: &mut App, action: Action) -> bool {
    let linear = matches!(app.mode, Mode::Stepping | Mode::Wire | Mode::Contrast);
    match (app.place, action) {
        (_, Action::JumpToDiscovery) => enter_discovery(app, 0),
        (Place::Stages, Action::Next) if linear && app.stage.next().is_none() => {
            enter(app, Place::Summary)
        }
        (Place::Stages, Action::Prev) if linear && app.stage.prev().is_none() => {
            let last = discovery_steps(app).0.saturating_sub(1);
            enter_discovery(app, last)
        }
        (Place::Stages, _) => false,
        (Place::Intro, Action::Next) => enter_discovery(app, 0),
        (Place::Discovery, Action::Next) => discovery_next(app),
        (Place::Discovery, Action::Prev) => match app.discovery_step.checked_sub(1) {
            Some(step) => show_discovery_step(app, step),
            None => enter(app, Place::Intro),
        },
        (Place::Summary, Action::Prev) => enter(app, Place::Stages),
        (Place::Intro, Action::Prev) => {
            app.status = Some("the start of the tour: → goes to stage 0, q quits".into());
            true
        }
        (Place::Summary, Action::Next) => {
            app.status = Some(format!(
                "the end of the tour: ← goes back to stage {}, q quits",
                last_stage().number()
            ));
            true
        }
        (place, action) if stays(place, action) => false,
        // Leave for the stage next to this screen, then do what the key says.
        (_, _) => {
            app.place = Place::Stages;
            app.scroll = 0;
            false
        }
    }
}

/// How many steps of stage 0 the stepped run has recorded, and whether
/// that is all of them.
pub fn discovery_steps(app: &App) -> (usize, bool) {
    app.run(RunKey::honest(app.flow))
        .map_or((0, false), |run| (run.trace.setup.len(), run.discovered))
}

/// Right on stage 0: the next request once the shown one has arrived
/// (the run sends it then), stage 1 after the last.
fn discovery_next(app: &mut App) -> bool {
    let (recorded, complete) = discovery_steps(app);
    let step = app.discovery_step;
    if step + 1 < recorded || (!complete && step < recorded) {
        show_discovery_step(app, step + 1)
    } else if complete {
        app.place = Place::Stages;
        app.scroll = 0;
        app.go_to(first_stage());
        true
    } else {
        app.status = Some("waiting for the server's answer to this request".into());
        true
    }
}

/// Stage 0 at its step `step`, in the stepping view (the wire view stays
/// on if it was).
fn enter_discovery(app: &mut App, step: usize) -> bool {
    app.place = Place::Discovery;
    if !matches!(app.mode, Mode::Stepping | Mode::Wire) {
        app.mode = Mode::Stepping;
    }
    app.go_to(first_stage());
    app.discovery_step = step;
    app.scroll = 0;
    app.pane_scroll = [0; 2];
    true
}

fn show_discovery_step(app: &mut App, step: usize) -> bool {
    if app.discovery_step != step {
        app.discovery_step = step;
        app.scroll = 0;
        app.pane_scroll = [0; 2];
    }
    true
}

/// Shows `place`, from its top, at the stage next to it.
fn enter(app: &mut App, place: Place) -> bool {
    app.place = place;
    app.scroll = 0;
    match place {
        Place::Intro => app.go_to(first_stage()),
        Place::Summary => app.go_to(last_stage()),
        Place::Discovery | Place::Stages => {}
    }
    true
}

/// Keys that act on the introduction, stage 0 or the summary without
/// leaving it (on stage 0, also the wire view of its request and the
/// reruns).
fn stays(place: Place, action: Action) -> bool {
    matches!(
        action,
        Action::ToggleHelp
            | Action::Close
            | Action::Scroll(_)
            | Action::Quit
            | Action::Focus
            | Action::ToggleAutoplay
    ) || (place == Place::Discovery
        && matches!(action, Action::ToggleWire | Action::Rerun | Action::Restart))
}

/// Whether the footer advertises a key's action on the introduction or the
/// summary: moving, jumping, scrolling, the help, quitting.
pub fn advertises(place: Place, action: Action) -> bool {
    match place {
        Place::Stages => true,
        Place::Intro => matches!(
            action,
            Action::Next | Action::Jump(_) | Action::Scroll(_) | Action::ToggleHelp | Action::Quit
        ),
        Place::Discovery => matches!(
            action,
            Action::Next
                | Action::Prev
                | Action::Jump(_)
                | Action::Scroll(_)
                | Action::ToggleWire
                | Action::Focus
                | Action::ToggleHelp
                | Action::Quit
        ),
        Place::Summary => matches!(
            action,
            Action::Prev | Action::Jump(_) | Action::Scroll(_) | Action::ToggleHelp | Action::Quit
        ),
    }
}

/// The first stage of the tour.
pub fn first_stage() -> Stage {
    Stage::ALL[0]
}

/// The last stage of the tour.
pub fn last_stage() -> Stage {
    Stage::ALL[Stage::ALL.len() - 1]
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::flow::Flow;
    use crate::lessons::LessonSet;
    use crate::tui::{Config, ThemeName};

    fn app(stage: Stage) -> App {
        App::new(Config {
            flow: Flow::Pkce,
            stage,
            seed: Some(7),
            port: None,
            edits: Vec::new(),
            theme: ThemeName::Mono,
            notes: false,
            lessons: Arc::new(LessonSet::builtin().without_checkpoints()),
            autoplay: None,
            code_lifetime: None,
            registration: crate::flow::Registration::Cimd,
            browser: crate::flow::BrowserMode::Simulated,
        })
    }

    /// Feeds the stepped run a started server and `steps` steps of stage 0,
    /// the last of them ending it when `complete`.
    fn discovered(app: &mut App, steps: usize, complete: bool) {
        use crate::record::{Actor, StepRecord};
        use crate::tui::{Msg, RunEvent, RunKey};
        let mut feed = |event| {
            app.handle_msg(Msg {
                generation: app.generation,
                run: RunKey::honest(Flow::Pkce),
                event,
            })
        };
        feed(RunEvent::Started {
            issuer: "http://127.0.0.1:1".into(),
            listener: None,
        });
        for i in 0..steps {
            feed(RunEvent::Discovered {
                step: Box::new(StepRecord::local(Actor::Client, format!("step {i}"))),
                more: !(complete && i + 1 == steps),
                client_id: None,
            });
        }
    }

    #[test]
    fn left_from_stage_1_is_stage_0_then_the_introduction_and_right_comes_back() {
        let mut app = app(Stage::Challenge);
        discovered(&mut app, 3, true);
        app.update(Action::Prev);
        assert_eq!((app.place, app.stage), (Place::Stages, Stage::Verifier));
        app.update(Action::Prev);
        assert_eq!(
            (app.place, app.discovery_step),
            (Place::Discovery, 2),
            "stage 0 at its last step"
        );
        app.update(Action::Prev);
        app.update(Action::Prev);
        assert_eq!((app.place, app.discovery_step), (Place::Discovery, 0));
        app.update(Action::Prev);
        assert_eq!(app.place, Place::Intro);
        app.update(Action::Prev);
        assert_eq!(app.place, Place::Intro, "nothing before it");
        assert!(app.status.as_deref().unwrap().contains("start of the tour"));
        app.update(Action::Next);
        assert_eq!((app.place, app.discovery_step), (Place::Discovery, 0));
        for step in 1..3 {
            app.update(Action::Next);
            assert_eq!((app.place, app.discovery_step), (Place::Discovery, step));
        }
        app.update(Action::Next);
        assert_eq!((app.place, app.stage), (Place::Stages, Stage::Verifier));
    }

    #[test]
    fn stage_0_asks_for_one_step_past_what_it_shows_and_waits_for_it() {
        use crate::tui::{RunKey, Upto};
        let mut app = app(Stage::Verifier);
        app.update(Action::JumpToDiscovery);
        assert_eq!(app.place, Place::Discovery);
        assert_eq!(
            app.demands(),
            vec![(RunKey::honest(Flow::Pkce), Upto::Discovery(1))]
        );
        app.update(Action::Next);
        assert_eq!(app.discovery_step, 0, "the first step has not arrived");
        assert!(app.status.as_deref().unwrap().contains("waiting"));
        discovered(&mut app, 1, false);
        app.update(Action::Next);
        assert_eq!(app.discovery_step, 1, "on to the next, which goes now");
        assert_eq!(
            app.demands(),
            vec![(RunKey::honest(Flow::Pkce), Upto::Discovery(2))]
        );
        // `0` from anywhere opens stage 0 at its first step.
        app.update(Action::Jump(Stage::TokenRequest));
        app.update(Action::JumpToDiscovery);
        assert_eq!((app.place, app.discovery_step), (Place::Discovery, 0));
        // The wire view stays on stage 0; the contrast leaves for stage 1.
        app.update(Action::ToggleWire);
        assert_eq!((app.place, app.mode), (Place::Discovery, Mode::Wire));
        app.update(Action::ToggleContrast);
        assert_eq!((app.place, app.stage), (Place::Stages, Stage::Verifier));
    }

    #[test]
    fn on_the_introduction_a_digit_jumps_and_help_scroll_and_focus_stay() {
        let mut app = app(Stage::Verifier);
        app.update(Action::Prev);
        app.update(Action::Prev);
        assert_eq!(app.place, Place::Intro);
        for action in [
            Action::ToggleHelp,
            Action::ToggleHelp,
            Action::Scroll(crate::tui::Scroll::PageDown),
            Action::Focus,
        ] {
            app.update(action);
            assert_eq!(app.place, Place::Intro, "{action:?}");
        }
        app.update(Action::Jump(Stage::TokenRequest));
        assert_eq!((app.place, app.stage), (Place::Stages, Stage::TokenRequest));
        app.update(Action::Jump(Stage::Verifier));
        app.update(Action::Prev);
        app.update(Action::Prev);
        app.update(Action::ToggleContrast);
        assert_eq!((app.place, app.mode), (Place::Stages, Mode::Contrast));
    }

    #[test]
    fn right_from_the_last_stage_is_the_summary_and_left_comes_back() {
        let mut app = app(Stage::Verification);
        app.update(Action::Next);
        assert_eq!(app.place, Place::Summary);
        app.update(Action::Next);
        assert_eq!(app.place, Place::Summary, "nothing after it");
        app.update(Action::Prev);
        assert_eq!((app.place, app.stage), (Place::Stages, Stage::Verification));
    }
}
