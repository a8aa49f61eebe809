//! The tour's order of screens: the introduction, the stages, the summary.
//!
//! Left from the first stage opens the introduction (DESIGN puts it before
//! stage 0; the first stage is whichever [`Stage::prev`] has none before,
//! so a stage 0 slots in without a change here), Right from the last stage
//! the summary. Right from the introduction goes to the first stage, Left
//! from the summary back to the last; they go no further. On either, a
//! digit jumps to that stage and any other key of the main screen leaves
//! for the nearest stage and does what it says, except the help, Esc,
//! scrolling, focus, autoplay and quitting, which apply on it.

use crate::flow::Stage;

use super::app::{Action, App, Mode};

/// Where the learner is in the tour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Place {
    /// The introduction, before the first stage.
    Intro,
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
        (Place::Stages, Action::Next) if linear && app.stage.next().is_none() => {
            enter(app, Place::Summary)
        }
        (Place::Stages, Action::Prev) if linear && app.stage.prev().is_none() => {
            enter(app, Place::Intro)
        }
        (Place::Stages, _) => false,
        (Place::Intro, Action::Next) | (Place::Summary, Action::Prev) => enter(app, Place::Stages),
        (Place::Intro, Action::Prev) => {
            app.status = Some(format!(
                "the start of the tour: → goes to stage {}, q quits",
                first_stage().number()
            ));
            true
        }
        (Place::Summary, Action::Next) => {
            app.status = Some(format!(
                "the end of the tour: ← goes back to stage {}, q quits",
                last_stage().number()
            ));
            true
        }
        (_, action) if stays(action) => false,
        // Leave for the stage next to this screen, then do what the key says.
        (_, _) => {
            app.place = Place::Stages;
            app.scroll = 0;
            false
        }
    }
}

/// Shows `place`, from its top, at the stage next to it.
fn enter(app: &mut App, place: Place) -> bool {
    app.place = place;
    app.scroll = 0;
    match place {
        Place::Intro => app.go_to(first_stage()),
        Place::Summary => app.go_to(last_stage()),
        Place::Stages => {}
    }
    true
}

/// Keys that act on the introduction or the summary without leaving it.
fn stays(action: Action) -> bool {
    matches!(
        action,
        Action::ToggleHelp
            | Action::Close
            | Action::Scroll(_)
            | Action::Quit
            | Action::Focus
            | Action::ToggleAutoplay
    )
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
        })
    }

    #[test]
    fn left_from_the_first_stage_is_the_introduction_and_right_comes_back() {
        let mut app = app(Stage::Challenge);
        app.update(Action::Prev);
        assert_eq!((app.place, app.stage), (Place::Stages, Stage::Verifier));
        app.update(Action::Prev);
        assert_eq!(app.place, Place::Intro);
        app.update(Action::Prev);
        assert_eq!(app.place, Place::Intro, "nothing before it");
        assert!(app.status.as_deref().unwrap().contains("start of the tour"));
        app.update(Action::Next);
        assert_eq!((app.place, app.stage), (Place::Stages, Stage::Verifier));
    }

    #[test]
    fn on_the_introduction_a_digit_jumps_and_help_scroll_and_focus_stay() {
        let mut app = app(Stage::Verifier);
        app.update(Action::Prev);
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
