//! `--browser` in the tour: when stage 3 waits for the learner's browser,
//! the screen shows the authorization URL whole (unframed, so it can be
//! copied), says how the tour tried to open it, and Esc hands the stage to
//! the simulated browser, whose real exchange then fills stage 3.

mod tui_support;

use std::time::Duration;

use pkce_tutor::flow::{BrowserMode, Engine, Flow, Stage, Step};
use pkce_tutor::tui::{Action, App, BrowserWait, Msg, RunEvent, RunKey, ThemeName, screen_text};

/// The tour at stage 2, its client's browser the learner's.
fn app() -> App {
    let mut app = tui_support::app(Flow::Pkce, Stage::Challenge, ThemeName::Mono);
    app.browser = BrowserMode::Real;
    app
}

fn feed(app: &mut App, event: RunEvent) {
    app.handle_msg(Msg {
        generation: app.generation,
        run: RunKey::honest(Flow::Pkce),
        event,
    });
}

#[tokio::test]
async fn stage_3_waits_for_the_browser_shows_the_url_and_esc_hands_it_to_the_simulated_one() {
    let mut app = app();
    let mut engine = Engine::start(app.scenario(RunKey::honest(Flow::Pkce)))
        .await
        .unwrap();
    feed(&mut app, RunEvent::started(&engine));
    for _ in 1..=2 {
        let step = engine.step().await.unwrap().unwrap();
        feed(&mut app, RunEvent::from(step));
    }
    assert!(engine.waits_for_browser());
    let url = engine.browser_url().unwrap().expect("a URL to open");
    feed(
        &mut app,
        RunEvent::AwaitingBrowser(BrowserWait {
            stage: Stage::AuthorizationRequest,
            url: url.clone(),
            opened: Err("no browser command in this test".into()),
            handle: engine.browser_handle(),
        }),
    );
    app.update(Action::Next);
    assert_eq!(app.stage, Stage::AuthorizationRequest);
    assert!(app.browser_wait().is_some());

    let screen = screen_text(&app, 80, 24);
    assert!(
        screen.contains("Stage 3 happens in your browser"),
        "{screen}"
    );
    assert!(
        screen.contains("No browser could be started here"),
        "{screen}"
    );
    assert!(screen.contains("Esc: the simulated browser"), "{screen}");
    // Unframed, from the first column: the rows joined are the URL.
    let joined: String = screen
        .lines()
        .filter(|l| l.starts_with("http://") || (!l.contains(' ') && !l.is_empty()))
        .collect();
    assert!(joined.contains(&url), "the whole URL, copyable\n{screen}");

    // Esc: the wait ends, and the simulated browser performs stage 3.
    let waiting = tokio::spawn(async move {
        let step = engine.step().await.unwrap();
        (engine, step)
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiting.is_finished(), "the engine waits for the browser");
    app.update(Action::Close);
    assert!(app.status.as_deref().unwrap().contains("simulated browser"));
    let (_engine, step) = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the wait ended at once")
        .unwrap();
    let Some(Step::Stage(record)) = step else {
        panic!("stage 3")
    };
    assert_eq!(record.stage, Stage::AuthorizationRequest);
    assert!(record.exchanges().next().is_some(), "a real exchange");
    feed(&mut app, RunEvent::Stage(record));
    assert!(app.browser_wait().is_none());
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("GET /authorize"), "{screen}");
}
