//! No panic at any size from 1×1 to 300×100: every stage of both flows, in
//! every mode and with the help open, every step of every attack, and the
//! attack picker, the introduction, the summary, each focus and the help
//! scrolled, drawn on a grid of sizes; every line fits the width.

mod tui_support;

use pkce_tutor::flow::{Attack, Flow, Stage};
use pkce_tutor::tui::{
    Action, App, EditorInput, Focus, Mode, PickerInput, Scroll, ThemeName, screen_text,
};
use tui_support::{app, load};

const WIDTHS: [u16; 16] = [
    1, 2, 3, 7, 19, 20, 40, 59, 60, 61, 79, 80, 81, 120, 200, 300,
];
const HEIGHTS: [u16; 14] = [1, 2, 3, 5, 10, 17, 18, 19, 23, 24, 30, 40, 64, 100];

#[tokio::test]
async fn every_stage_at_every_size() {
    for flow in [Flow::Pkce, Flow::Plain] {
        let mut app = app(flow, Stage::Verification, ThemeName::Light);
        app.update(Action::ToggleContrast);
        load(&mut app).await;
        // The attack lab has its own steps: `every_step_of_every_attack_at_every_size`.
        for mode in [Mode::Stepping, Mode::Contrast, Mode::Wire] {
            while app.mode != mode {
                app.update(match mode {
                    Mode::Contrast => Action::ToggleContrast,
                    Mode::Wire => Action::ToggleWire,
                    _ => Action::Close,
                });
            }
            for stage in Stage::ALL {
                app.update(Action::Jump(stage));
                for help in [false, true] {
                    app.help = help;
                    fits_every_size(&app);
                }
            }
        }
    }
}

/// Every step of every attack, one side or both, and the picker over it.
#[tokio::test]
async fn every_step_of_every_attack_at_every_size() {
    let mut app = app(Flow::Pkce, Stage::Verifier, ThemeName::Light);
    for attack in Attack::ALL {
        app.update(Action::ToggleAttack);
        fits_every_size(&app);
        app.update(Action::Picker(PickerInput::Pick(attack)));
        load(&mut app).await;
        for _ in 0..app.attack_steps() {
            fits_every_size(&app);
            app.update(Action::OtherSide);
            fits_every_size(&app);
            app.update(Action::Next);
        }
    }
}

/// The request editor (its list, a field open, a long message) and the
/// status line, at every size.
#[tokio::test]
async fn the_editor_and_the_status_line_at_every_size() {
    for stage in [Stage::Challenge, Stage::CodeIssued, Stage::TokenRequest] {
        let mut app = app(Flow::Pkce, stage, ThemeName::Light);
        load(&mut app).await;
        app.update(Action::Amend);
        assert!(app.editor.is_some(), "stage {}", stage.number());
        fits_every_size(&app);
        for input in [
            EditorInput::Down,
            EditorInput::Enter,
            EditorInput::Char('x'),
        ] {
            app.update(Action::Editor(input));
        }
        fits_every_size(&app);
        app.update(Action::Editor(EditorInput::Cancel));
        app.update(Action::Editor(EditorInput::Char('9')));
        fits_every_size(&app);
        app.update(Action::Editor(EditorInput::Cancel));
        assert!(app.status.is_some());
        fits_every_size(&app);
    }
}

/// The introduction and the summary, each focus of each mode that has
/// one, scrolled past their ends, and the help scrolled to its end.
#[tokio::test]
async fn the_introduction_the_summary_every_focus_and_the_help_scrolled_at_every_size() {
    let mut app = app(Flow::Pkce, Stage::Verification, ThemeName::Light);
    app.update(Action::ToggleContrast);
    load(&mut app).await;
    app.resize(80, 24);
    for mode in [
        Action::ToggleContrast,
        Action::ToggleContrast,
        Action::ToggleWire,
    ] {
        app.update(mode);
        loop {
            app.update(Action::Focus);
            for _ in 0..40 {
                app.update(Action::Scroll(Scroll::PageDown));
            }
            fits_every_size(&app);
            if app.focus == Focus::None {
                break;
            }
        }
    }
    app.update(Action::Close);
    app.update(Action::ToggleHelp);
    for _ in 0..40 {
        app.update(Action::Scroll(Scroll::PageDown));
    }
    fits_every_size(&app);
    app.update(Action::ToggleHelp);
    app.update(Action::Next);
    fits_every_size(&app);
    app.update(Action::Jump(Stage::Verifier));
    app.update(Action::Prev);
    for _ in 0..40 {
        app.update(Action::Scroll(Scroll::PageDown));
    }
    fits_every_size(&app);
}

fn fits_every_size(app: &App) {
    for &w in &WIDTHS {
        for &h in &HEIGHTS {
            let text = screen_text(app, w, h);
            assert_eq!(text.lines().count(), usize::from(h));
            for line in text.lines() {
                assert!(line.chars().count() <= usize::from(w), "{w}x{h}: {line}");
            }
        }
    }
}
