//! The attack lab, over real seeded runs of both sides of every attack
//! (seed 7, port pinned): the picker and its keys, stepping with both
//! sides advancing together, one side at a time where both do not fit, and
//! insta snapshots of every step of every attack at 100×30 and 120×40
//! (with Tab's other side where the screen shows one at a time).

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pkce_tutor::flow::{Attack, Flow, Stage};
use pkce_tutor::tui::{
    Action, App, Mode, PickerInput, RunKey, Side, ThemeName, key_action, screen_text,
};
use tui_support::{app, load};

const SIZES: [(u16, u16); 2] = [(100, 30), (120, 40)];

/// An app showing `attack` chosen in the picker, its runs loaded.
async fn attack_app(attack: Attack) -> App {
    let mut app = app(Flow::Pkce, Stage::Verifier, ThemeName::Dark);
    app.update(Action::ToggleAttack);
    app.update(Action::Picker(PickerInput::Pick(attack)));
    load(&mut app).await;
    app
}

fn press(app: &App, code: KeyCode) -> Option<Action> {
    key_action(app, KeyEvent::new(code, KeyModifiers::NONE))
}

fn snapshot(name: &str, text: &str) {
    insta::assert_snapshot!(name, text);
}

#[tokio::test]
async fn every_step_of_every_attack_at_100x30_and_120x40() {
    for attack in Attack::ALL {
        let mut app = attack_app(attack).await;
        let steps = app.attack_steps();
        for step in 1..=steps {
            for (w, h) in SIZES {
                app.resize(w, h);
                let text = screen_text(&app, w, h);
                assert!(
                    text.lines()
                        .next()
                        .is_some_and(|l| l
                            .contains(&format!("attack: {} · step {step}/{steps}", attack.name()))),
                    "the top line says step k/n:\n{text}"
                );
                let name = format!("attack_{}_step{step}_{w}x{h}", attack.name());
                snapshot(&name, &text);
                if text.contains("Tab: the other side") {
                    app.update(Action::OtherSide);
                    let other = screen_text(&app, w, h);
                    app.update(Action::OtherSide);
                    snapshot(&format!("{name}_other_side"), &other);
                }
            }
            app.update(Action::Next);
        }
    }
}

#[tokio::test]
async fn the_picker_lists_all_four_attacks_one_line_each() {
    let mut app = app(Flow::Pkce, Stage::AuthorizationRequest, ThemeName::Dark);
    load(&mut app).await;
    app.update(Action::ToggleAttack);
    for (w, h) in [(80, 24), (100, 30), (120, 40)] {
        let text = screen_text(&app, w, h);
        for (i, attack) in Attack::ALL.into_iter().enumerate() {
            let listed = format!("{} {}", i + 1, attack.name());
            assert_eq!(
                text.lines().filter(|l| l.contains(&listed)).count(),
                1,
                "{listed} at {w}x{h}:\n{text}"
            );
        }
        snapshot(&format!("attack_picker_{w}x{h}"), &text);
    }
}

#[tokio::test]
async fn the_picker_is_modal_digits_choose_an_attack_and_esc_goes_back() {
    let mut app = app(Flow::Pkce, Stage::AuthorizationRequest, ThemeName::Dark);
    assert_eq!(
        press(&app, KeyCode::Char('3')),
        Some(Action::Jump(Stage::AuthorizationRequest))
    );
    app.update(Action::ToggleAttack);
    assert_eq!(
        press(&app, KeyCode::Char('3')),
        Some(Action::Picker(PickerInput::Pick(Attack::Downgrade))),
        "in the picker a digit chooses an attack, it does not jump stages"
    );
    assert_eq!(press(&app, KeyCode::Char('5')), None);
    assert_eq!(
        press(&app, KeyCode::Right),
        None,
        "no stepping under the picker"
    );
    assert_eq!(press(&app, KeyCode::Esc), Some(Action::Close));
    app.update(Action::Close);
    assert!(app.lab.picker.is_none());
    assert_eq!(
        (app.mode, app.stage),
        (Mode::Stepping, Stage::AuthorizationRequest),
        "Esc goes back to the flow where it was"
    );
    app.update(Action::ToggleAttack);
    for _ in 0..2 {
        app.update(press(&app, KeyCode::Down).expect("Down moves"));
    }
    app.update(press(&app, KeyCode::Enter).expect("Enter chooses"));
    assert_eq!(
        (app.mode, app.lab.attack),
        (Mode::AttackLab, Attack::Downgrade)
    );
    assert_eq!(
        app.stage,
        Stage::AuthorizationRequest,
        "the flow is untouched"
    );
}

#[tokio::test]
async fn right_and_left_move_both_sides_and_esc_returns_to_the_flow() {
    let mut app = attack_app(Attack::Downgrade).await;
    assert_eq!(app.lab.step, 0);
    app.update(Action::Prev);
    assert_eq!(app.lab.step, 0, "not before the first step");
    for _ in 0..10 {
        app.update(Action::Next);
    }
    assert_eq!(app.lab.step, app.attack_steps() - 1, "not past the last");
    assert_eq!(
        app.stage,
        Stage::Verifier,
        "Right steps the attack, not the flow"
    );
    // The PKCE side was refused at /authorize: it has no later step.
    let text = screen_text(&app, 120, 40);
    assert!(text.contains("— (refused earlier, at step 2)"), "{text}");
    assert!(text.contains("✓ attack refused at step 2"), "{text}");
    assert!(text.contains("✗ attack succeeded at step 5"), "{text}");
    app.update(Action::Close);
    assert_eq!((app.mode, app.stage), (Mode::Stepping, Stage::Verifier));
    app.update(Action::ToggleAttack);
    assert_eq!(
        app.lab.picker,
        Some(Attack::Downgrade),
        "the cursor on the last"
    );
    app.update(Action::Picker(PickerInput::Choose));
    assert_eq!(
        app.lab.step,
        app.attack_steps() - 1,
        "the same attack keeps its step"
    );
}

#[tokio::test]
async fn both_sides_of_every_attack_are_recorded_and_the_verdicts_shown() {
    for attack in Attack::ALL {
        let mut app = attack_app(attack).await;
        for (side, succeeded) in [(Side::Without, true), (Side::With, false)] {
            let run = app
                .run(RunKey::attacked(side.flow(), attack))
                .expect("both sides ran");
            assert_eq!(
                run.trace.attack.as_ref().map(|a| a.succeeded),
                Some(succeeded),
                "{attack:?} {side:?}"
            );
        }
        for _ in 0..app.attack_steps() {
            app.update(Action::Next);
        }
        // At the last step each side's verdict is on screen, at 100×30 too:
        // on the side shown, and the other's in one line.
        app.resize(100, 30);
        let text = screen_text(&app, 100, 30);
        assert!(text.contains("✗ attack succeeded"), "{attack:?}:\n{text}");
        assert!(text.contains("✓ attack refused"), "{attack:?}:\n{text}");
    }
}

#[tokio::test]
async fn the_real_client_still_gets_its_token_only_with_the_defence() {
    let mut app = attack_app(Attack::Interception).await;
    for _ in 0..app.attack_steps() {
        app.update(Action::Next);
    }
    app.resize(120, 40);
    let text = screen_text(&app, 120, 40);
    assert!(
        text.contains("✗ the real client is refused: invalid_grant"),
        "{text}"
    );
    app.update(Action::OtherSide);
    let text = screen_text(&app, 120, 40);
    assert!(
        text.contains("✓ the real client still gets its token"),
        "{text}"
    );
}

#[tokio::test]
async fn one_side_at_a_time_says_so_and_tab_shows_the_other() {
    let mut app = attack_app(Attack::Interception).await;
    app.update(Action::Next);
    app.resize(100, 30);
    let text = screen_text(&app, 100, 30);
    assert!(
        text.contains("without the defence · side 1 of 2 · Tab: the other side"),
        "{text}"
    );
    assert!(
        text.contains("Tab other side"),
        "the footer offers it:\n{text}"
    );
    assert_eq!(press(&app, KeyCode::Tab), Some(Action::OtherSide));
    app.update(Action::OtherSide);
    let text = screen_text(&app, 100, 30);
    assert!(
        text.contains("as OAuth 2.1 and MCP require · side 2 of 2"),
        "{text}"
    );
}
