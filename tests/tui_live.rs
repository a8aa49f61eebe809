//! The live view: a request the tutorial did not send (curl from the
//! audience) reaches the tour's server, is reported as external, shows in the
//! server pane's live strip, and belongs to no stage's record.

use std::sync::Arc;

use pkce_tutor::flow::{Engine, Flow, Scenario, Stage};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::tui::{App, Config, Msg, RunEvent, RunKey, ThemeName, screen_text};

#[tokio::test]
async fn an_outside_request_shows_in_the_live_strip_and_in_no_stage() {
    let scenario = Scenario {
        seed: Some(7),
        ..Scenario::new(Flow::Pkce)
    };
    let mut app = App::new(Config {
        flow: Flow::Pkce,
        stage: Stage::Verifier,
        seed: Some(7),
        theme: ThemeName::Mono,
        notes: false,
        lessons: Arc::new(LessonSet::builtin()),
        edits: Vec::new(),
        port: None,
        autoplay: None,
        code_lifetime: None,
        registration: pkce_tutor::flow::Registration::Cimd,
        browser: pkce_tutor::flow::BrowserMode::Simulated,
    });
    let key = RunKey::honest(Flow::Pkce);
    let mut engine = Engine::start(scenario).await.unwrap();
    let feed = |app: &mut App, event| {
        app.handle_msg(Msg {
            generation: 0,
            run: key,
            event,
        })
    };
    feed(&mut app, RunEvent::started(&engine));
    let step = engine.step().await.unwrap().unwrap();
    feed(&mut app, RunEvent::from(step));

    // The audience's curl, while the learner looks at stage 1.
    let url = format!(
        "{}/authorize?client_id=someone&response_type=code",
        engine.issuer()
    );
    let outside = tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status()) });
    let mut latest = None;
    while latest
        .as_ref()
        .is_none_or(|r: &pkce_tutor::record::ExternalRequest| r.status.is_none())
    {
        latest = engine.next_external().await;
    }
    assert_eq!(outside.await.unwrap().unwrap().as_u16(), 400);
    feed(&mut app, RunEvent::External(latest.clone().unwrap()));

    let text = screen_text(&app, 120, 40);
    assert!(
        text.contains("● external #1: GET /authorize → 400 invalid_client"),
        "{text}"
    );
    assert!(text.contains("read: client_id, response_type"), "{text}");
    // The stage's own content stays.
    assert!(text.contains("code_verifier"), "{text}");

    // The run goes on; the request belongs to no stage.
    engine.finish().await.unwrap();
    let trace = engine.into_trace();
    let external = latest.unwrap().request;
    assert!(trace.external.iter().any(|e| e.request == external));
    let steps = trace.stages.iter().flat_map(|s| s.steps.iter());
    assert!(steps.filter_map(|s| s.request_id).all(|id| id != external));
}
