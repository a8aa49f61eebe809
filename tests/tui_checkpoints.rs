//! Checkpoints in the TUI, driven by key events and actions over real
//! seeded runs: Right asks a screen's checkpoints after its reveal, then a
//! prediction before the next request goes; an answer is judged, recorded
//! and explained (a prediction beside the real server's answer); Esc skips;
//! a quick experiment asks its prediction before it is sent; Right after
//! stage 6 opens the summary. Snapshots of the overlay, its feedback and the
//! summary at 80×24 and 120×40.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pkce_tutor::flow::{Experiment, Flow, Stage};
use pkce_tutor::lessons::{LessonSet, Letter};
use pkce_tutor::tui::{Action, App, Place, RunKey, ThemeName, key_action, screen_text};
use tui_support::{app_with, load};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// An app of the PKCE flow at `stage`, with the built-in checkpoints,
/// loaded.
async fn at(stage: Stage) -> App {
    let mut app = app_with(Flow::Pkce, stage, ThemeName::Dark, LessonSet::builtin());
    load(&mut app).await;
    app
}

/// Presses a key as the terminal would report it.
fn press(app: &mut App, code: KeyCode) {
    if let Some(action) = key_action(app, KeyEvent::new(code, KeyModifiers::NONE)) {
        app.update(action);
    }
}

/// The id of the open checkpoint.
fn open(app: &App) -> Option<&str> {
    app.learner.open.as_ref().map(|o| o.id.as_str())
}

/// The right letter of a checkpoint, and a wrong one.
fn letters(app: &App, id: &str) -> (Letter, Letter) {
    let checkpoint = app.lessons.checkpoints().by_id(id).expect("a checkpoint");
    let wrong = checkpoint
        .letters()
        .find(|l| *l != checkpoint.right)
        .expect("two options at least");
    (checkpoint.right, wrong)
}

fn key(letter: Letter) -> KeyCode {
    KeyCode::Char(letter.as_char())
}

fn snapshot(name: &str, app: &App, (w, h): (u16, u16)) {
    let text = screen_text(app, w, h);
    assert_eq!(text.lines().count(), usize::from(h));
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
}

#[tokio::test]
async fn right_asks_after_the_reveal_then_predicts_before_the_request_goes() {
    let mut app = at(Stage::AuthorizationRequest).await;

    // Right on stage 3: its checkpoints first, the stage stays.
    press(&mut app, KeyCode::Right);
    assert_eq!(open(&app), Some("what-the-browser-carries"));
    assert_eq!(app.stage, Stage::AuthorizationRequest);
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains("Checkpoint · about what you just saw"),
        "{screen}"
    );
    assert!(screen.contains("a) "), "{screen}");
    for (w, h) in SIZES {
        snapshot("checkpoint_question_stage3", &app, (w, h));
    }

    // Modal: Right before an answer does not move (and says why), and the
    // main screen's keys do nothing (`e` would open the editor).
    press(&mut app, KeyCode::Right);
    assert_eq!(app.stage, Stage::AuthorizationRequest);
    assert!(app.status.as_deref().unwrap_or("").contains("answer"));
    press(&mut app, KeyCode::Char('e'));
    assert!(app.editor.is_none());
    assert_eq!(open(&app), Some("what-the-browser-carries"));

    // Answered right: recorded, explained.
    let (right, _) = letters(&app, "what-the-browser-carries");
    press(&mut app, key(right));
    let feedback = app.learner.open.as_ref().and_then(|o| o.feedback);
    assert!(feedback.is_some_and(|f| f.correct));
    let saved = app.learner.progress.answer("what-the-browser-carries");
    assert!(saved.is_some_and(|a| a.correct && a.chosen == right.as_char()));
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("✓ Right."), "{screen}");
    assert!(screen.contains("Read more: RFC"), "{screen}");

    // Enter continues: the stage's next checkpoint, answered wrong.
    press(&mut app, KeyCode::Enter);
    assert_eq!(open(&app), Some("why-not-plain"));
    let (right, wrong) = letters(&app, "why-not-plain");
    press(&mut app, key(wrong));
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains(&format!(
            "✗ Not quite: you chose {wrong}, the answer is {right}."
        )),
        "{screen}"
    );
    assert!(screen.contains("← your answer"), "{screen}");
    assert!(
        app.learner
            .progress
            .answer("why-not-plain")
            .is_some_and(|a| !a.correct)
    );
    for (w, h) in SIZES {
        snapshot("checkpoint_feedback_wrong_stage3", &app, (w, h));
    }

    // Right continues: the prediction about stage 4, before it runs.
    press(&mut app, KeyCode::Right);
    assert_eq!(open(&app), Some("redirect-carries-a-code"));
    assert_eq!(app.stage, Stage::AuthorizationRequest);
    assert_eq!(
        app.demands(),
        vec![(RunKey::honest(Flow::Pkce), pkce_tutor::tui::Upto::Stage(3))],
        "stage 4's request has not gone"
    );
    assert!(screen_text(&app, 80, 24).contains("Predict · before stage 4's request is sent"));
    for (w, h) in SIZES {
        snapshot("prediction_question_stage4", &app, (w, h));
    }

    // The answer sends the request; the verdict waits for the real answer.
    let (right, _) = letters(&app, "redirect-carries-a-code");
    press(&mut app, key(right));
    assert_eq!(app.stage, Stage::CodeIssued);
    assert!(screen_text(&app, 120, 40).contains("Waiting for the real server's answer…"));
    assert!(!screen_text(&app, 120, 40).contains("✓ Right."));
    load(&mut app).await;
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains("The real server answered: a redirect carrying an authorization code."),
        "{screen}"
    );
    assert!(screen.contains("✓ Right."), "{screen}");
    for (w, h) in SIZES {
        snapshot("prediction_feedback_stage4", &app, (w, h));
    }

    // Enter closes it on stage 4.
    press(&mut app, KeyCode::Enter);
    assert_eq!(open(&app), None);
    assert_eq!(app.stage, Stage::CodeIssued);
}

#[tokio::test]
async fn esc_skips_and_the_move_goes_on_and_each_checkpoint_is_offered_once() {
    let mut app = at(Stage::CodeIssued).await;
    press(&mut app, KeyCode::Right);
    assert_eq!(open(&app), Some("challenge-is-public"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(open(&app), Some("pkce-and-state"), "the next one");
    press(&mut app, KeyCode::Esc);
    assert_eq!(open(&app), Some("token-request-without-secret"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(open(&app), None);
    assert_eq!(app.stage, Stage::TokenRequest, "the move Right asked for");
    assert!(
        app.learner.progress.answers.is_empty(),
        "a skip is not an answer"
    );
    load(&mut app).await;

    // Back and forth: nothing is asked again in this tour.
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Right);
    assert_eq!(open(&app), None);
    assert_eq!(app.stage, Stage::TokenRequest);

    // Jumping does not ask; a letter with nothing open does nothing.
    app.update(Action::Jump(Stage::AuthorizationRequest));
    assert_eq!(open(&app), None);
    app.update(Action::Answer(Letter::A));
    assert_eq!(app.stage, Stage::AuthorizationRequest);
}

#[tokio::test]
async fn a_quick_experiment_asks_its_prediction_before_it_is_sent() {
    let mut app = at(Stage::CodeIssued).await;
    app.update(Action::Amend);
    let editor = app.editor.as_ref().expect("e opens the editor");
    let digit = editor
        .experiments
        .iter()
        .position(|(e, _)| *e == Experiment::DropVerifier)
        .expect("drop-verifier applies to the token request")
        + 1;
    let digit = char::from_digit(u32::try_from(digit).unwrap(), 10).unwrap();
    press(&mut app, KeyCode::Char(digit));
    assert!(app.editor.is_none());
    assert_eq!(open(&app), Some("stolen-code-without-verifier"));
    assert!(app.bench.is_untouched(), "nothing sent before the answer");

    let (_, wrong) = letters(&app, "stolen-code-without-verifier");
    press(&mut app, key(wrong));
    assert_eq!(app.bench.experiment, Some(Experiment::DropVerifier), "sent");
    assert_eq!(app.stage, Stage::TokenRequest);
    load(&mut app).await;
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains("The real server answered: a refusal: invalid_request."),
        "{screen}"
    );
    assert!(screen.contains("✗ Not quite"), "{screen}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(open(&app), None);
    assert!(
        app.learner
            .progress
            .has_seen("pkce/experiment-drop-verifier"),
        "{:?}",
        app.learner.progress.seen
    );

    // On the amended run, Right asks nothing about the untouched one.
    press(&mut app, KeyCode::Right);
    assert_eq!(open(&app), None);
}

#[tokio::test]
async fn right_after_stage_6_opens_the_summary() {
    let mut app = at(Stage::Verification).await;
    press(&mut app, KeyCode::Right);
    assert_eq!(open(&app), Some("not-client-authentication"));
    let (_, wrong) = letters(&app, "not-client-authentication");
    press(&mut app, key(wrong));
    press(&mut app, KeyCode::Right);
    assert!(app.place == Place::Summary, "the summary follows stage 6");
    assert!(app.learner.progress.has_seen("summary"));
    // Citations are held together by non-breaking spaces.
    let screen = screen_text(&app, 120, 40).replace('\u{a0}', " ");
    assert!(
        screen.contains("Missed, and where to look again"),
        "{screen}"
    );
    assert!(
        screen.contains("Revisit stage 6 of the flow with PKCE (key 6); read RFC 7636 §1."),
        "{screen}"
    );
    for (w, h) in SIZES {
        snapshot("summary", &app, (w, h));
    }

    // Right goes no further; Left returns to stage 6; a digit jumps.
    press(&mut app, KeyCode::Right);
    assert!(app.place == Place::Summary);
    assert!(
        app.status
            .as_deref()
            .unwrap_or("")
            .contains("end of the tour")
    );
    press(&mut app, KeyCode::Left);
    assert!(app.place != Place::Summary);
    assert_eq!(app.stage, Stage::Verification);
    press(&mut app, KeyCode::Right);
    assert!(app.place == Place::Summary, "nothing left to ask");
    press(&mut app, KeyCode::Char('3'));
    assert!(app.place != Place::Summary);
    assert_eq!(app.stage, Stage::AuthorizationRequest);
}

/// The overlay (asking, answered, waiting for the real answer) and the
/// summary at every size from 1×1 up: no panic, every line within the width.
#[tokio::test]
async fn the_overlay_and_the_summary_fit_every_size() {
    let mut app = at(Stage::AuthorizationRequest).await;
    press(&mut app, KeyCode::Right);
    fits_every_size(&app);
    press(&mut app, KeyCode::Char('a'));
    fits_every_size(&app);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(open(&app), Some("redirect-carries-a-code"));
    press(&mut app, KeyCode::Char('a'));
    fits_every_size(&app);
    app.resize(80, 24);
    for _ in 0..5 {
        app.update(Action::Scroll(pkce_tutor::tui::Scroll::PageDown));
    }
    fits_every_size(&app);
    press(&mut app, KeyCode::Enter);
    app.update(Action::Jump(Stage::Verification));
    load(&mut app).await;
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Esc);
    assert!(app.place == Place::Summary);
    fits_every_size(&app);
}

fn fits_every_size(app: &App) {
    for w in [1, 2, 7, 20, 59, 60, 61, 79, 80, 100, 120, 300] {
        for h in [1, 3, 17, 18, 19, 24, 30, 40, 100] {
            let text = screen_text(app, w, h);
            assert_eq!(text.lines().count(), usize::from(h));
            for line in text.lines() {
                assert!(line.chars().count() <= usize::from(w), "{w}x{h}: {line}");
            }
        }
    }
}

#[tokio::test]
async fn render_draws_the_summary_and_needs_no_stage_for_it() {
    use clap::Parser as _;
    use pkce_tutor::cli::{Cli, Command};
    use pkce_tutor::tui::{RenderOptions, RenderScreen};

    let parse = |args: &[&str]| Cli::try_parse_from([&["pkce-tutor", "render"], args].concat());
    let Ok(Cli {
        command: Some(Command::Render(args)),
        ..
    }) = parse(&["--screen", "summary"])
    else {
        panic!("--screen needs no --stage");
    };
    assert_eq!(
        (args.stage, args.screen),
        (None, Some(RenderScreen::Summary))
    );
    assert!(parse(&[]).is_err(), "a stage or a screen");

    let options = RenderOptions {
        stage: pkce_tutor::tui::Opening::Stage(Stage::Verification),
        step: 1,
        registration: pkce_tutor::flow::Registration::Cimd,
        screen: Some(RenderScreen::Summary),
        flow: Flow::Pkce,
        contrast: false,
        size: (100, 40),
        seed: Some(7),
        lessons: std::sync::Arc::new(LessonSet::builtin()),
        theme: ThemeName::Mono,
        format: pkce_tutor::tui::RenderFormat::Text,
        port: None,
        wire: false,
        edits: Vec::new(),
        attack: None,
    };
    let text = pkce_tutor::tui::render(&options)
        .await
        .expect("rendered")
        .replace('\u{a0}', " ");
    for expected in [
        "The end of the tour",
        "What you saw: stages 1, 2, 3, 4, 5, 6 of the flow with PKCE; the summary.",
        "Checkpoints: 0 right, 0 missed, 20 not answered yet (of 20).",
        "Read next (for the checkpoints not answered yet): RFC 7636 §4.2;",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
}
