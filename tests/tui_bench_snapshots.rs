//! The experiment bench's screens, drawn through `TestBackend` from real
//! seeded runs (seed 7, port pinned) and snapshotted with insta at 80×24
//! and 120×40: the request editor open on each request that has one, each
//! quick experiment's result, and the wire view of each stage that sends a
//! request.

mod tui_support;

use pkce_tutor::flow::{Experiment, Flow, Stage};
use pkce_tutor::tui::{Action, App, EditorInput, ThemeName, screen_text};
use tui_support::{app, load};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// An app at `stage`, loaded (the editor opens on what the run planned).
async fn at(stage: Stage) -> App {
    let mut app = app(Flow::Pkce, stage, ThemeName::Dark);
    load(&mut app).await;
    app
}

fn snapshot(name: &str, app: &App, (w, h): (u16, u16)) {
    let text = screen_text(app, w, h);
    assert_eq!(text.lines().count(), usize::from(h));
    insta::assert_snapshot!(name, text);
}

#[tokio::test]
async fn the_editor_open_on_each_request() {
    // Opened at stage 2, 4 and 5: the request Right sends next is that of
    // stage 3 (the browser's authorization request), 5 (the token request)
    // and 6 (the call to the resource, its header the one parameter).
    for (shown, edited) in [
        (Stage::Challenge, Stage::AuthorizationRequest),
        (Stage::CodeIssued, Stage::TokenRequest),
        (Stage::TokenRequest, Stage::Verification),
    ] {
        let mut app = at(shown).await;
        app.update(Action::Amend);
        assert_eq!(app.editor.as_ref().map(|e| e.stage), Some(edited));
        for size in SIZES {
            let name = format!("editor_for_stage{}_{}x{}", edited.number(), size.0, size.1);
            snapshot(&name, &app, size);
        }
    }
}

#[tokio::test]
async fn the_editor_with_a_value_being_typed() {
    let mut app = at(Stage::CodeIssued).await;
    app.update(Action::Amend);
    for input in [
        EditorInput::Down,
        EditorInput::Down,
        EditorInput::Down,
        EditorInput::Down,
        EditorInput::Enter,
        EditorInput::Backspace,
        EditorInput::Char('A'),
    ] {
        app.update(Action::Editor(input));
    }
    snapshot("editor_typing_80x24", &app, (80, 24));
}

#[tokio::test]
async fn each_quick_experiment_result() {
    for experiment in Experiment::ALL {
        let before = experiment
            .stage()
            .prev()
            .expect("experiments amend stage 3 or 5");
        let mut app = at(before).await;
        app.update(Action::Amend);
        let index = app
            .editor
            .as_ref()
            .and_then(|e| e.experiments.iter().position(|(x, _)| *x == experiment))
            .unwrap_or_else(|| panic!("{experiment:?} is offered"));
        let digit = char::from_digit(u32::try_from(index + 1).unwrap(), 10).unwrap();
        app.update(Action::Editor(EditorInput::Char(digit)));
        assert_eq!(app.bench.experiment, Some(experiment));
        load(&mut app).await;
        for size in SIZES {
            let name = format!("experiment_{}_{}x{}", experiment.id(), size.0, size.1);
            snapshot(&name, &app, size);
        }
    }
}

#[tokio::test]
async fn the_wire_view_of_each_stage_that_sends_a_request() {
    for stage in [
        Stage::AuthorizationRequest,
        Stage::CodeIssued,
        Stage::TokenRequest,
        Stage::Verification,
    ] {
        let mut app = app(Flow::Pkce, stage, ThemeName::Dark);
        app.update(Action::ToggleWire);
        load(&mut app).await;
        for size in SIZES {
            let name = format!("wire_stage{}_{}x{}", stage.number(), size.0, size.1);
            snapshot(&name, &app, size);
        }
    }
}

#[tokio::test]
async fn the_wire_view_of_an_amended_request_lists_the_amendments() {
    let mut app = at(Stage::CodeIssued).await;
    app.update(Action::Amend);
    app.update(Action::Editor(EditorInput::Char('1')));
    app.update(Action::ToggleWire);
    load(&mut app).await;
    snapshot("wire_stage5_flip_verifier_120x40", &app, (120, 40));
}

#[tokio::test]
async fn the_help_over_the_editor_lists_the_editor_keys() {
    let mut app = at(Stage::CodeIssued).await;
    app.update(Action::Amend);
    app.update(Action::ToggleHelp);
    snapshot("editor_help_80x24", &app, (80, 24));
}
