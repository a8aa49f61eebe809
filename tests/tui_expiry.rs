//! A code that expires during a long pause (`--code-lifetime 1`): the real
//! server refuses it, the screen says so in words and offers R, never a
//! lesson error.

use std::sync::Arc;
use std::time::Duration;

use pkce_tutor::flow::{Engine, Flow, Stage};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::tui::{Action, App, Config, Msg, RunEvent, RunKey, ThemeName, screen_text};

#[tokio::test]
async fn an_expired_code_is_said_in_words_and_r_is_offered() {
    let lifetime = Some(Duration::from_secs(1));
    let mut app = App::new(Config {
        flow: Flow::Pkce,
        stage: Stage::CodeIssued,
        seed: Some(7),
        port: None,
        edits: Vec::new(),
        theme: ThemeName::Mono,
        notes: false,
        lessons: Arc::new(LessonSet::builtin().without_checkpoints()),
        autoplay: None,
        code_lifetime: lifetime,
        registration: pkce_tutor::flow::Registration::Cimd,
        browser: pkce_tutor::flow::BrowserMode::Simulated,
    });
    // The run the loop would drive, stepped as the learner moves.
    let mut engine = Engine::start(app.scenario(RunKey::honest(Flow::Pkce)))
        .await
        .unwrap();
    let feed = |app: &mut App, event| {
        app.handle_msg(Msg {
            generation: app.generation,
            run: RunKey::honest(Flow::Pkce),
            event,
        })
    };
    feed(&mut app, RunEvent::started(&engine));
    for _ in 1..=4 {
        let step = engine.step().await.unwrap().unwrap();
        feed(&mut app, RunEvent::from(step));
    }
    let stored = engine.trace().stored_code().unwrap().lifetime_secs;
    assert_eq!(stored, 1, "the server stores the lifetime it was given");

    // The learner talks for longer than the code lives.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    app.clock += Duration::from_secs(2);
    let four = screen_text(&app, 120, 40);
    assert!(four.contains("expired: R runs the flow again"), "{four}");

    for _ in 5..=6 {
        app.update(Action::Next);
        let step = engine.step().await.unwrap().unwrap();
        feed(&mut app, RunEvent::from(step));
    }
    let token = engine
        .trace()
        .token_step()
        .unwrap()
        .exchange
        .clone()
        .unwrap();
    assert_eq!(token.response.status, 400);
    assert_eq!(
        token.response.oauth_error().as_deref(),
        Some("invalid_grant")
    );
    assert!(token.response.body.as_deref().unwrap().contains("expired"));

    let six = screen_text(&app, 120, 40);
    assert!(!six.contains("lesson error"), "{six}");
    assert!(
        six.contains("The code expired before the token request went"),
        "{six}"
    );
    assert!(six.contains("R runs the flow again"), "{six}");
    assert!(six.contains("invalid_grant"), "{six}");
    app.update(Action::Jump(Stage::TokenRequest));
    let five = screen_text(&app, 120, 40);
    assert!(five.contains("expired"), "{five}");
    assert!(!five.contains("lesson error"), "{five}");
}
