//! Focus (`f`): which part of the screen the scroll keys move.
//!
//! Without a focus, PgUp/PgDn and ↑/↓ move the lesson (or what the mode
//! scrolls as a whole: the contrast's columns with the lesson under them,
//! the wire view, an attack's sides). `f` moves the focus through the
//! parts of the screen, the left pane (CLIENT, or the column without
//! PKCE), the right pane (SERVER, or the column with PKCE), then the lesson
//! over the whole main area, and back to none; Esc lets go at once. Each
//! pane keeps its own offset, so a pane that says "↓2 more" can always be
//! read to its end.

use super::app::{App, Mode};
use super::tour::Place;

/// The part of the screen the scroll keys move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Focus {
    /// No part: the keys move the lesson (or the mode's scrolled part).
    #[default]
    None,
    /// The left pane: CLIENT, or the contrast's column without PKCE.
    Left,
    /// The right pane: SERVER, or the contrast's column with PKCE.
    Right,
    /// The lesson, drawn over the whole main area.
    Lesson,
}

impl Focus {
    /// The index of the pane (0 left, 1 right), for a pane.
    pub fn pane(self) -> Option<usize> {
        match self {
            Self::Left => Some(0),
            Self::Right => Some(1),
            Self::None | Self::Lesson => None,
        }
    }
}

/// The parts `f` moves through on the app's screen, in order (none on the
/// introduction and the summary, which are one scrolled part each).
pub fn targets(app: &App) -> &'static [Focus] {
    if app.place != Place::Stages {
        return &[];
    }
    match app.mode {
        Mode::Stepping | Mode::Contrast => &[Focus::Left, Focus::Right, Focus::Lesson],
        Mode::Wire | Mode::AttackLab => &[Focus::Lesson],
    }
}

/// `f`: the next part of the screen, after the last none; the status line
/// says which, and how to scroll it.
pub fn cycle(app: &mut App) {
    let targets = targets(app);
    let next = match targets.iter().position(|&t| t == app.focus) {
        Some(i) => targets.get(i + 1).copied().unwrap_or(Focus::None),
        None => targets.first().copied().unwrap_or(Focus::None),
    };
    app.focus = next;
    app.status = Some(match (next, targets.is_empty()) {
        (_, true) => "nothing to focus here: PgUp/PgDn and ↑/↓ scroll the screen".to_owned(),
        (Focus::None, _) => "focus: none · the scroll keys move the lesson again".to_owned(),
        (focus, _) => format!(
            "focus: {} · ↑/↓ PgUp/PgDn scroll · f next · Esc off",
            name(app, focus)
        ),
    });
}

/// The focused part, in words.
fn name(app: &App, focus: Focus) -> &'static str {
    match (focus, app.mode) {
        (Focus::Left, Mode::Contrast) => "the column without PKCE",
        (Focus::Right, Mode::Contrast) => "the column with PKCE",
        (Focus::Left, _) => "the CLIENT pane",
        (Focus::Right, _) => "the SERVER pane",
        (Focus::Lesson, _) => "the lesson (full screen)",
        (Focus::None, _) => "none",
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::flow::{Flow, Stage};
    use crate::lessons::LessonSet;
    use crate::tui::{Action, Config, ThemeName};

    fn app() -> App {
        App::new(Config {
            flow: Flow::Pkce,
            stage: Stage::Verifier,
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

    #[test]
    fn f_cycles_client_server_lesson_and_back_and_esc_lets_go() {
        let mut app = app();
        let mut seen = Vec::new();
        for _ in 0..4 {
            app.update(Action::Focus);
            seen.push(app.focus);
        }
        assert_eq!(
            seen,
            [Focus::Left, Focus::Right, Focus::Lesson, Focus::None]
        );
        app.update(Action::Focus);
        app.update(Action::Close);
        assert_eq!(app.focus, Focus::None);
        assert_eq!(app.mode, Mode::Stepping, "Esc let go, nothing else");
    }

    #[test]
    fn the_wire_view_focuses_only_the_lesson_and_a_new_mode_starts_unfocused() {
        let mut app = app();
        app.update(Action::Focus);
        app.update(Action::ToggleWire);
        assert_eq!(app.focus, Focus::None);
        app.update(Action::Focus);
        assert_eq!(app.focus, Focus::Lesson);
        app.update(Action::Focus);
        assert_eq!(app.focus, Focus::None);
    }
}
