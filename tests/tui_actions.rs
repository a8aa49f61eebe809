//! Drives the app by actions, as the keys would, over real seeded runs, and
//! checks the state (and what the background is asked to run) after each.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pkce_tutor::flow::{Attack, Flow, Stage};
use pkce_tutor::tui::{Action, App, Mode, RunKey, Scroll, ThemeName, Upto, keymap, screen_text};
use tui_support::{app, load, screen};

#[tokio::test]
async fn next_five_times_contrast_attack_help_quit() {
    let mut app = app(Flow::Pkce, Stage::Verifier, ThemeName::Dark);
    load(&mut app).await;
    assert_eq!(
        app.demands(),
        vec![(RunKey::honest(Flow::Pkce), Upto::Stage(1))]
    );
    for n in 2..=6 {
        app.update(Action::Next);
        assert_eq!(app.stage.number(), n);
        assert_eq!(app.mode, Mode::Stepping);
        load(&mut app).await;
        let run = app.run(RunKey::honest(Flow::Pkce)).expect("loaded");
        assert_eq!(
            run.trace.stages.len(),
            usize::from(n),
            "a stage opens when its exchange is done"
        );
    }
    app.update(Action::Next);
    assert_eq!(app.stage, Stage::Verification, "stays on the last stage");

    app.update(Action::ToggleContrast);
    assert_eq!(app.mode, Mode::Contrast);
    assert!(
        app.demands()
            .contains(&(RunKey::honest(Flow::Plain), Upto::Stage(6)))
    );
    load(&mut app).await;
    assert!(screen_text(&app, 120, 40).contains("without PKCE · server"));

    app.update(Action::ToggleAttack);
    assert!(app.lab.picker.is_some(), "a opens the picker");
    assert_eq!(app.mode, Mode::Contrast, "over the screen it was opened on");
    app.update(Action::Picker(pkce_tutor::tui::PickerInput::Choose));
    assert_eq!(app.mode, Mode::AttackLab);
    assert_eq!(app.lab.attack, Attack::Interception);
    let interception = |flow| RunKey::attacked(flow, Attack::Interception);
    assert!(
        app.demands()
            .contains(&(interception(Flow::Plain), Upto::Stage(5)))
    );
    load(&mut app).await;
    let plain = app.run(interception(Flow::Plain)).expect("replayed");
    assert!(plain.trace.attack.as_ref().is_some_and(|a| a.succeeded));
    let pkce = app.run(interception(Flow::Pkce)).expect("replayed");
    assert!(pkce.trace.attack.as_ref().is_some_and(|a| !a.succeeded));
    app.update(Action::Next);
    assert!(screen_text(&app, 120, 40).contains("✗ attack succeeded at step 2"));

    app.update(Action::ToggleHelp);
    assert!(app.help);
    assert!(screen_text(&app, 80, 24).contains("Help"));
    app.update(Action::Close);
    assert!(
        !app.help && app.mode == Mode::AttackLab && !app.quit,
        "Esc closes the overlay first"
    );
    app.update(Action::Close);
    assert!(
        app.mode == Mode::Stepping && !app.quit,
        "then the attack lab"
    );
    app.update(Action::Close);
    assert!(
        app.mode == Mode::Stepping && !app.quit,
        "and on the main screen it does nothing: Esc never quits"
    );

    app.update(Action::Quit);
    assert!(app.quit);
}

#[tokio::test]
async fn restart_drops_stale_replies_and_changes_the_values() {
    let mut app = app(Flow::Pkce, Stage::Verifier, ThemeName::Dark);
    load(&mut app).await;
    let first = app.run(RunKey::honest(Flow::Pkce)).unwrap().trace.stages[0]
        .client
        .code_verifier
        .clone();
    let before = app.generation;
    app.update(Action::Restart);
    assert_eq!(app.generation, before + 1);
    assert!(
        app.run(RunKey::honest(Flow::Pkce)).is_none(),
        "old records are gone"
    );
    let stale = pkce_tutor::tui::Msg {
        generation: before,
        run: RunKey::honest(Flow::Pkce),
        event: pkce_tutor::tui::RunEvent::Failed("late".into()),
    };
    assert!(
        !app.handle_msg(stale),
        "a reply of the old generation is dropped"
    );
    load(&mut app).await;
    let second = app.run(RunKey::honest(Flow::Pkce)).unwrap().trace.stages[0]
        .client
        .code_verifier
        .clone();
    assert_ne!(first, second, "fresh values");
}

#[test]
fn keymap_follows_the_contract() {
    let key = |code| keymap(KeyEvent::new(code, KeyModifiers::NONE));
    assert_eq!(key(KeyCode::Char('n')), Some(Action::Next));
    assert_eq!(key(KeyCode::Char('p')), Some(Action::Prev));
    assert_eq!(
        key(KeyCode::Char('6')),
        Some(Action::Jump(Stage::Verification))
    );
    assert_eq!(key(KeyCode::Char('a')), Some(Action::ToggleAttack));
    assert_eq!(key(KeyCode::Tab), Some(Action::OtherSide));
    assert_eq!(key(KeyCode::Char('?')), Some(Action::ToggleHelp));
    assert_eq!(
        key(KeyCode::PageDown),
        Some(Action::Scroll(Scroll::PageDown))
    );
    assert_eq!(key(KeyCode::Up), Some(Action::Scroll(Scroll::LineUp)));
    assert_eq!(key(KeyCode::Char('q')), Some(Action::Quit));
    assert_eq!(key(KeyCode::Char('x')), None);
}

/// The rows inside the lesson panel ("┌ Why · …" down to its bottom
/// border) of a screen drawn at the app's size.
fn lesson_rows(app: &App, (w, h): (u16, u16)) -> Vec<String> {
    screen_text(app, w, h)
        .lines()
        .skip_while(|l| !l.starts_with("┌ Why"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.trim_start_matches('│').trim_end_matches('│').to_owned())
        .collect()
}

/// Stage 3 of the PKCE flow at 80×24: a lesson of 13 lines in a panel
/// showing 4, so every kind of move shows; the whole lesson, as a screen
/// tall enough to show all of it draws it, at the same width.
async fn stage3_at_80x24() -> (App, Vec<String>) {
    let mut app = screen(
        Flow::Pkce,
        Stage::AuthorizationRequest,
        &[],
        ThemeName::Dark,
    )
    .await;
    app.resize(80, 24);
    let whole = lesson_rows(&app, (80, 200));
    let whole = whole[..whole.iter().rposition(|l| !l.trim().is_empty()).unwrap() + 1].to_vec();
    assert!(
        whole.len() > 2 * lesson_rows(&app, (80, 24)).len(),
        "{whole:#?}"
    );
    (app, whole)
}

#[tokio::test]
async fn page_down_goes_a_page_at_a_time_to_the_last_line_without_skipping_one() {
    let (mut app, whole) = stage3_at_80x24().await;
    let page = lesson_rows(&app, (80, 24)).len();
    let mut seen = vec![None; whole.len()];
    loop {
        let offset = usize::from(app.scroll);
        for (i, row) in lesson_rows(&app, (80, 24)).into_iter().enumerate() {
            seen[offset + i] = Some(row);
        }
        app.update(Action::Scroll(Scroll::PageDown));
        let moved = usize::from(app.scroll) - offset;
        assert!(moved <= page, "a page moves at most the rows shown");
        if moved == 0 {
            break;
        }
    }
    let seen: Vec<String> = seen
        .into_iter()
        .enumerate()
        .map(|(i, row)| row.unwrap_or_else(|| panic!("line {i} was skipped")))
        .collect();
    assert_eq!(
        seen, whole,
        "every line shown once paged through, the last at the bottom"
    );
}

#[tokio::test]
async fn after_scrolling_past_the_end_page_up_moves_at_once() {
    let (mut app, whole) = stage3_at_80x24().await;
    for _ in 0..50 {
        app.update(Action::Scroll(Scroll::PageDown));
    }
    let bottom = lesson_rows(&app, (80, 24));
    assert_eq!(
        bottom.last(),
        whole.last(),
        "the last page shows the last line"
    );
    let end = app.scroll;
    app.update(Action::Scroll(Scroll::PageUp));
    assert_eq!(usize::from(app.scroll), usize::from(end) - bottom.len());
    assert_ne!(
        lesson_rows(&app, (80, 24)),
        bottom,
        "the first PgUp already moves"
    );
}

#[tokio::test]
async fn up_and_down_move_one_line() {
    let (mut app, whole) = stage3_at_80x24().await;
    app.update(Action::Scroll(Scroll::LineDown));
    assert_eq!(app.scroll, 1);
    assert_eq!(lesson_rows(&app, (80, 24))[0], whole[1]);
    app.update(Action::Scroll(Scroll::LineDown));
    app.update(Action::Scroll(Scroll::LineUp));
    assert_eq!(app.scroll, 1);
    app.update(Action::Scroll(Scroll::LineUp));
    app.update(Action::Scroll(Scroll::LineUp));
    assert_eq!(app.scroll, 0, "not above the first line");
    assert_eq!(lesson_rows(&app, (80, 24))[0], whole[0]);
}

#[tokio::test]
async fn a_taller_terminal_brings_the_offset_back_within_the_lesson() {
    let (mut app, _) = stage3_at_80x24().await;
    app.update(Action::Scroll(Scroll::PageDown));
    assert!(app.scroll > 0);
    app.resize(80, 200);
    assert_eq!(app.scroll, 0, "everything fits: nothing to scroll");
}
