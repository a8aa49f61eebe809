//! Whole screens, drawn through `TestBackend` from real seeded runs (seed 7,
//! port pinned), snapshotted with insta: every stage of both flows at 80×24
//! and 120×40, the contrast, the introduction, help (its top and its
//! glossary), the focus states, too-small, the mono theme's styles, and
//! each theme as `render --format ansi` writes it (the attack lab's
//! screens are in `tui_attacks.rs`).

mod tui_support;

use pkce_tutor::flow::{Flow, Stage};
use pkce_tutor::tui::{Action, App, Scroll, ThemeName, buffer_ansi, screen_buffer, screen_text};
use tui_support::{app, load, screen};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// No filter: the port is pinned in the records before they are drawn
/// (`tui_support`), because a filter on the text cannot fix a port that a
/// wrapped value splits across two lines.
fn settings() -> insta::Settings {
    insta::Settings::clone_current()
}

async fn check(name: &str, flow: Flow, stage: Stage, actions: &[Action], (w, h): (u16, u16)) {
    let app = screen(flow, stage, actions, ThemeName::Dark).await;
    let text = screen_text(&app, w, h);
    assert_eq!(text.lines().count(), usize::from(h));
    settings().bind(|| insta::assert_snapshot!(name, text));
}

#[tokio::test]
async fn every_stage_of_both_flows() {
    for flow in [Flow::Pkce, Flow::Plain] {
        for stage in Stage::ALL {
            for size in SIZES {
                let name = format!(
                    "stage{}_{}_{}x{}",
                    stage.number(),
                    flow.name(),
                    size.0,
                    size.1
                );
                check(&name, flow, stage, &[], size).await;
            }
        }
    }
}

#[tokio::test]
async fn contrast() {
    for stage in [
        Stage::Verifier,
        Stage::AuthorizationRequest,
        Stage::CodeIssued,
        Stage::TokenRequest,
        Stage::Verification,
    ] {
        for size in SIZES {
            let name = format!("contrast_stage{}_{}x{}", stage.number(), size.0, size.1);
            check(&name, Flow::Pkce, stage, &[Action::ToggleContrast], size).await;
        }
    }
}

#[tokio::test]
async fn help_overlay() {
    for size in SIZES {
        let name = format!("help_{}x{}", size.0, size.1);
        check(
            &name,
            Flow::Pkce,
            Stage::AuthorizationRequest,
            &[Action::ToggleHelp],
            size,
        )
        .await;
    }
}

#[tokio::test]
async fn too_small() {
    check("too_small_20x5", Flow::Pkce, Stage::Verifier, &[], (20, 5)).await;
    check("too_small_1x1", Flow::Pkce, Stage::Verifier, &[], (1, 1)).await;
}

#[tokio::test]
async fn mono_theme_styles() {
    // The buffer's debug output lists every style run: mono must use no
    // colour, only bold, reverse and underline.
    let app = screen(
        Flow::Pkce,
        Stage::AuthorizationRequest,
        &[],
        ThemeName::Mono,
    )
    .await;
    let buffer = screen_buffer(&app, 80, 24);
    let debug = format!("{buffer:?}");
    for colour in [
        "fg: Red",
        "fg: Green",
        "fg: Yellow",
        "fg: Cyan",
        "fg: Blue",
        "bg: White",
    ] {
        assert!(!debug.contains(colour), "mono uses {colour}");
    }
    settings().bind(|| insta::assert_snapshot!("mono_stage3_pkce_80x24", debug));
}

#[tokio::test]
async fn dark_theme_marks_pkce_rows_in_colour_and_with_plus() {
    let app = screen(
        Flow::Pkce,
        Stage::AuthorizationRequest,
        &[],
        ThemeName::Dark,
    )
    .await;
    let buffer = screen_buffer(&app, 120, 40);
    let text = pkce_tutor::tui::buffer_text(&buffer);
    assert!(text.contains("+ code_challenge "), "{text}");
    // The dark theme's green for what PKCE adds (#5FD75F), on its own
    // near-black background.
    let cells = format!("{buffer:?}");
    assert!(cells.contains("fg: Rgb(95, 215, 95)"), "{cells}");
    assert!(cells.contains("bg: Rgb(20, 20, 20)"));
}

#[tokio::test]
async fn the_introduction_left_from_stage_0() {
    for size in SIZES {
        let name = format!("intro_{}x{}", size.0, size.1);
        let left_twice = [Action::Prev, Action::Prev];
        check(&name, Flow::Pkce, Stage::Verifier, &left_twice, size).await;
    }
    let app = screen(
        Flow::Pkce,
        Stage::Verifier,
        &[Action::Prev, Action::Prev],
        ThemeName::Dark,
    )
    .await;
    let text = screen_text(&app, 120, 40);
    assert!(text.contains("introduction"), "{text}");
    assert!(
        text.contains(" 0 · Finding the server, getting a client_id"),
        "{text}"
    );
    assert!(text.contains("→ starts stage 0"), "{text}");
}

/// An app at `stage` in `mode` (an action), loaded, sized 80×24, after
/// `actions` (scrolling measures with the app's size, so it comes after the
/// load).
async fn at_80x24(stage: Stage, mode: Option<Action>, actions: &[Action]) -> App {
    let mut app = app(Flow::Pkce, stage, ThemeName::Dark);
    app.update(mode.unwrap_or(Action::Close));
    load(&mut app).await;
    app.resize(80, 24);
    for &action in actions {
        app.update(action);
    }
    app
}

fn check_80x24(name: &str, app: &App) {
    let text = screen_text(app, 80, 24);
    settings().bind(|| insta::assert_snapshot!(name, text));
}

#[tokio::test]
async fn the_help_scrolled_to_its_glossary() {
    let mut actions = vec![Action::ToggleHelp];
    actions.extend([Action::Scroll(Scroll::PageDown); 20]);
    let app = at_80x24(Stage::AuthorizationRequest, None, &actions).await;
    check_80x24("help_glossary_80x24", &app);
}

#[tokio::test]
async fn focus_states() {
    // f twice: the SERVER pane, scrolled a page: its thick border, its
    // own offset, the lesson where it was.
    let app = at_80x24(
        Stage::Verification,
        None,
        &[
            Action::Focus,
            Action::Focus,
            Action::Scroll(Scroll::PageDown),
        ],
    )
    .await;
    check_80x24("focus_server_stage6_80x24", &app);
    // f three times: the lesson over the whole main area.
    let app = at_80x24(
        Stage::AuthorizationRequest,
        None,
        &[Action::Focus, Action::Focus, Action::Focus],
    )
    .await;
    check_80x24("focus_lesson_stage3_80x24", &app);
    // In the contrast, f first: the column without PKCE alone.
    let app = at_80x24(
        Stage::Verification,
        Some(Action::ToggleContrast),
        &[Action::Focus, Action::Scroll(Scroll::PageDown)],
    )
    .await;
    check_80x24("focus_contrast_left_stage6_80x24", &app);
}

#[tokio::test]
async fn each_theme_as_ansi() {
    // What `render --format ansi --theme T` writes, escape characters
    // shown as `\e` so that the snapshot reads.
    for theme in [ThemeName::Dark, ThemeName::Light, ThemeName::Mono] {
        let app = screen(Flow::Pkce, Stage::AuthorizationRequest, &[], theme).await;
        let ansi = buffer_ansi(&screen_buffer(&app, 80, 24)).replace('\x1b', "\\e");
        let name = format!("ansi_{theme:?}_stage3_80x24").to_lowercase();
        settings().bind(|| insta::assert_snapshot!(name, ansi));
    }
}
