//! What the presenter's terminal is told about the screen (`--publish-notes`):
//! the title the tour's header shows, the instructor notes of the lesson on
//! screen, and the title of the screen Right leads to. A pure function of
//! the app, like the views.

use crate::lessons::Lesson;
use crate::presenter::NotesFrame;

use super::app::{App, Mode};
use super::tour::{self, Place, first_stage};
use super::{bench, discovery_screen, stage_bar, summary_screen};

/// The presenter's frame for the screen the app shows.
pub fn frame(app: &App) -> NotesFrame {
    NotesFrame {
        title: stage_bar::title_lines(app, u16::MAX)
            .concat()
            .trim()
            .to_owned(),
        notes: shown_lesson(app).and_then(|lesson| lesson.notes.clone()),
        next: next_title(app),
    }
}

/// The lesson the screen's lesson panel shows.
fn shown_lesson(app: &App) -> Option<&Lesson> {
    match app.place {
        Place::Intro => return app.lessons.by_id("intro"),
        Place::Discovery => return app.lessons.by_id("discovery"),
        Place::Summary => return app.lessons.by_id("summary"),
        Place::Stages => {}
    }
    match app.mode {
        Mode::AttackLab => app.lessons.for_attack(app.lab.attack),
        _ => bench::experiment_lesson(app).or_else(|| app.lessons.for_stage(app.flow, app.stage)),
    }
}

/// Where Right leads from here.
fn next_title(app: &App) -> Option<String> {
    match app.place {
        Place::Intro => return Some(discovery_screen::STAGE_TITLE.to_owned()),
        Place::Discovery => {
            let (recorded, complete) = tour::discovery_steps(app);
            return Some(if !complete || app.discovery_step + 1 < recorded {
                format!("step {} of stage 0", app.discovery_step + 2)
            } else {
                let first = first_stage();
                format!("{} · {}", first.number(), first.title(app.flow))
            });
        }
        Place::Summary => return None,
        Place::Stages => {}
    }
    match app.mode {
        Mode::AttackLab => {
            let steps = app.attack_steps();
            Some(if app.lab.step + 1 < steps {
                format!(
                    "step {}/{steps} of the {} attack",
                    app.lab.step + 2,
                    app.lab.attack.name()
                )
            } else {
                "the last step: Esc goes back to the flow".to_owned()
            })
        }
        _ => Some(match app.stage.next() {
            Some(next) => format!("{} · {}", next.number(), next.title(app.flow)),
            None => summary_screen::TITLE.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::flow::{Flow, Stage};
    use crate::lessons::LessonSet;
    use crate::tui::{Action, Config, ThemeName};

    #[test]
    fn the_frame_follows_the_screen() {
        let mut app = App::new(Config {
            flow: Flow::Pkce,
            stage: Stage::TokenRequest,
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
        });
        let five = frame(&app);
        assert_eq!(
            five.title,
            "5 · The token request carries the code_verifier"
        );
        assert!(five.notes.as_deref().unwrap().contains("invalid_request"));
        assert_eq!(
            five.next.as_deref(),
            Some(
                "6 · The server checks SHA256(code_verifier) against the challenge, then issues tokens"
            )
        );
        app.update(Action::Next);
        assert_eq!(frame(&app).next.as_deref(), Some(summary_screen::TITLE));
        // Left from stage 1: stage 0 and its notes, then the introduction,
        // its notes, then stage 0.
        app.update(Action::Jump(Stage::Verifier));
        app.update(Action::Prev);
        let zero = frame(&app);
        assert!(
            zero.title.starts_with(discovery_screen::STAGE_TITLE),
            "{}",
            zero.title
        );
        assert!(zero.notes.as_deref().unwrap().contains("registration dcr"));
        assert_eq!(
            zero.next.as_deref(),
            Some("step 2 of stage 0"),
            "stage 0 not over yet"
        );
        app.update(Action::Prev);
        let intro = frame(&app);
        assert_eq!(intro.title, "Introduction · What PKCE protects");
        assert!(intro.notes.as_deref().unwrap().contains("Step 04"));
        assert_eq!(intro.next.as_deref(), Some(discovery_screen::STAGE_TITLE));
    }
}
