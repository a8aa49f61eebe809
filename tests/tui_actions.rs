//! Drives the app by actions, as the keys would, over real seeded runs, and
//! checks the state (and what the background is asked to run) after each.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pkce_tutor::flow::{Flow, Stage};
use pkce_tutor::tui::{Action, Mode, RunKey, ThemeName, keymap, screen_text};
use tui_support::{app, load};

#[tokio::test]
async fn next_five_times_contrast_attack_help_quit() {
    let mut app = app(Flow::Pkce, Stage::Verifier, ThemeName::Dark);
    load(&mut app).await;
    assert_eq!(app.demands(), vec![(RunKey::honest(Flow::Pkce), 1)]);
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
    assert!(app.demands().contains(&(RunKey::honest(Flow::Plain), 6)));
    load(&mut app).await;
    assert!(screen_text(&app, 120, 40).contains("no PKCE (Step 04)"));

    app.update(Action::ToggleAttack);
    assert_eq!(app.mode, Mode::AttackLab);
    assert!(
        app.demands()
            .contains(&(RunKey::interception(Flow::Plain), 6))
    );
    load(&mut app).await;
    let plain = app
        .run(RunKey::interception(Flow::Plain))
        .expect("replayed");
    assert!(plain.trace.attack.as_ref().is_some_and(|a| a.succeeded));
    let pkce = app.run(RunKey::interception(Flow::Pkce)).expect("replayed");
    assert!(pkce.trace.attack.as_ref().is_some_and(|a| !a.succeeded));
    assert!(screen_text(&app, 120, 40).contains("ATTACK SUCCEEDED"));

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
    assert_eq!(key(KeyCode::Char('?')), Some(Action::ToggleHelp));
    assert_eq!(key(KeyCode::PageDown), Some(Action::ScrollDown));
    assert_eq!(key(KeyCode::Char('q')), Some(Action::Quit));
    assert_eq!(key(KeyCode::Char('x')), None);
}
