//! Issue 10, "A real browser": with `BrowserMode::Real` the engine hands out
//! the authorization URL and waits; the test plays the learner's browser
//! (GET the URL, submit the consent form with its cookie, follow the 303 to
//! the client's loopback listener) and the run completes. The simulated
//! browser can take over while the engine waits, at stage 3 or stage 4.

use std::time::Duration;

use pkce_tutor::flow::{
    Actor, BrowserMode, Engine, Flow, REDIRECT_URI_ANY_PORT, Registration, Scenario, Stage, Trace,
};
use pkce_tutor::record::ServerEvent;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Client, StatusCode};

fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn real(registration: Registration) -> Scenario {
    Scenario {
        seed: Some(11),
        browser: BrowserMode::Real,
        registration,
        ..Scenario::mcp(Flow::Pkce)
    }
}

/// Stages 1 and 2, then the engine waits for the browser.
async fn up_to_stage_3(scenario: Scenario) -> Engine {
    let mut engine = Engine::start(scenario).await.unwrap();
    engine.step().await.unwrap();
    engine.step().await.unwrap();
    assert_eq!(engine.next_stage(), Some(Stage::AuthorizationRequest));
    assert!(engine.waits_for_browser());
    engine
}

/// The learner's browser opens the URL: the consent page and its cookie.
async fn open(browser: &Client, url: &str) -> (String, String) {
    let page = browser.get(url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let cookie = page.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    let marker = "name=\"request_id\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    let request_id = html[at..at + html[at..].find('"').unwrap()].to_owned();
    (request_id, cookie)
}

// The whole run with a real browser: the authorization URL carries the
// listener's redirect URI (its port chosen at run time, registered without
// a port, AS-1); the browser's requests are the run's steps, seen through
// the server's reports; the redirect arrives at the listener, is checked,
// and the run ends with the MCP session.
#[tokio::test]
async fn the_learner_s_browser_plays_stages_3_and_4_and_the_run_completes() {
    let mut engine = up_to_stage_3(real(Registration::Cimd)).await;
    let issuer = engine.issuer().to_owned();
    let url = engine.browser_url().unwrap().expect("a URL to open");
    let parsed = url::Url::parse(&url).unwrap();
    let redirect_uri = parsed
        .query_pairs()
        .find(|(n, _)| n == "redirect_uri")
        .unwrap()
        .1
        .into_owned();
    assert!(
        redirect_uri.starts_with("http://127.0.0.1:"),
        "{redirect_uri}"
    );
    assert_ne!(redirect_uri, REDIRECT_URI_ANY_PORT);

    let waiting = tokio::spawn(async move {
        let three = engine.step().await.unwrap();
        let four = engine.step().await.unwrap();
        (engine, three, four)
    });

    let browser = browser();
    let (request_id, cookie) = open(&browser, &url).await;
    let approved = browser
        .post(format!("{issuer}/consent"))
        .header(COOKIE, &cookie)
        .header(ORIGIN, &issuer)
        .form(&[("request_id", request_id.as_str()), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let location = approved.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(&redirect_uri), "{location}");
    let landed = browser.get(&location).send().await.unwrap();
    assert_eq!(landed.status(), StatusCode::OK);
    assert!(
        landed
            .text()
            .await
            .unwrap()
            .contains("received the redirect")
    );

    let (mut engine, three, four) = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the engine saw the browser")
        .unwrap();
    assert!(three.is_some() && four.is_some());
    assert!(!engine.waits_for_browser());
    engine.finish().await.unwrap();
    let trace = engine.into_trace();
    check_browser_stages(&trace, &redirect_uri, &location);
    let six = trace.reached(Stage::Verification).unwrap();
    assert_eq!(six.client.error, None);
    assert_eq!(six.exchanges().count(), 4, "the MCP session");
    // The CIMD document registered the loopback URI without a port.
    let fetch = trace.client_metadata_fetch().unwrap();
    let body = &fetch.exchange.as_ref().unwrap().response.body;
    assert!(body.as_deref().unwrap().contains(REDIRECT_URI_ANY_PORT));
}

fn check_browser_stages(trace: &Trace, redirect_uri: &str, location: &str) {
    let three = trace.reached(Stage::AuthorizationRequest).unwrap();
    let opened = &three.steps[0];
    assert_eq!(opened.actor, Actor::Browser);
    assert!(opened.exchange.is_none(), "the engine never saw the page");
    let head = opened.received.as_ref().expect("the server's view of it");
    assert!(head.target.starts_with("/authorize?"));
    assert!(
        opened
            .server_events
            .iter()
            .any(|e| matches!(e, ServerEvent::ConsentShown { .. }))
    );
    assert_eq!(
        three
            .client
            .authorization_url
            .as_deref()
            .map(|u| u.contains(&head.target)),
        Some(true)
    );
    assert_eq!(three.steps[1].actor, Actor::Server, "the CIMD fetch");

    let four = trace.reached(Stage::CodeIssued).unwrap();
    let answered = &four.steps[0];
    assert_eq!(answered.received.as_ref().unwrap().target, "/consent");
    assert!(
        answered
            .server_events
            .iter()
            .any(|e| matches!(e, ServerEvent::CodeIssued(_)))
    );
    let callback = four.steps[1]
        .exchange
        .as_ref()
        .expect("the listener's record");
    assert_eq!(callback.request.url, location);
    assert!(callback.request.url.starts_with(redirect_uri));
    assert_eq!(
        four.client.code.as_deref().map(|c| location.contains(c)),
        Some(true)
    );
    assert_eq!(four.client.iss.as_deref(), Some(trace.issuer.as_str()));
    // Nothing the browser sent was left as someone else's request.
    assert!(trace.external.is_empty(), "{:#?}", trace.external);
}

// Cancelling back to the simulated browser while stage 3 waits: the stage
// goes on with the simulated browser, and so does the rest of the run.
#[tokio::test]
async fn falling_back_at_stage_3_lets_the_simulated_browser_go_on() {
    let mut engine = up_to_stage_3(real(Registration::Dcr)).await;
    let handle = engine.browser_handle();
    let waiting = tokio::spawn(async move {
        engine.step().await.unwrap();
        engine
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    handle.fall_back();
    let mut engine = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .unwrap()
        .unwrap();
    assert!(!engine.waits_for_browser());
    engine.finish().await.unwrap();
    let trace = engine.into_trace();
    let three = trace.reached(Stage::AuthorizationRequest).unwrap();
    assert!(
        three.steps[0].exchange.is_some(),
        "the simulated browser sent it"
    );
    assert_eq!(
        trace.reached(Stage::Verification).unwrap().client.error,
        None
    );
}

// Cancelling at stage 4, after the real browser got the consent page: the
// simulated browser opens the authorization URL again and approves.
#[tokio::test]
async fn falling_back_at_stage_4_reopens_the_url_in_the_simulated_browser() {
    let mut engine = up_to_stage_3(real(Registration::Dcr)).await;
    let url = engine.browser_url().unwrap().unwrap();
    let handle = engine.browser_handle();
    let waiting = tokio::spawn(async move {
        engine.step().await.unwrap();
        engine
    });
    open(&browser(), &url).await;
    let mut engine = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(engine.next_stage(), Some(Stage::CodeIssued));
    assert!(engine.waits_for_browser());
    handle.fall_back();
    engine.finish().await.unwrap();
    let trace = engine.into_trace();
    let four = trace.reached(Stage::CodeIssued).unwrap();
    let sent: Vec<&str> = four
        .exchanges()
        .map(|e| e.request.method.as_str())
        .collect();
    assert_eq!(sent, ["GET", "POST"], "reopened, then approved");
    assert!(four.client.code.is_some());
    assert_eq!(
        trace.reached(Stage::Verification).unwrap().client.error,
        None
    );
}

// A redirect that does not carry this run's state is refused by the
// client, as any redirect is (C-5): the run ends at stage 4.
#[tokio::test]
async fn a_forged_redirect_to_the_listener_is_refused() {
    let mut engine = up_to_stage_3(real(Registration::Dcr)).await;
    let url = engine.browser_url().unwrap().unwrap();
    let redirect_uri = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(n, _)| n == "redirect_uri")
        .unwrap()
        .1
        .into_owned();
    let waiting = tokio::spawn(async move {
        engine.step().await.unwrap();
        engine.step().await.unwrap();
        engine
    });
    let browser = browser();
    open(&browser, &url).await;
    browser
        .get(format!("{redirect_uri}?code=stolen&state=forged"))
        .send()
        .await
        .unwrap();
    let mut engine = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .unwrap()
        .unwrap();
    engine.finish().await.unwrap();
    let trace = engine.into_trace();
    let four = trace.reached(Stage::CodeIssued).unwrap();
    assert!(four.client.error.as_deref().unwrap().contains("state"));
    assert!(four.client.code.is_none());
    assert!(trace.reached(Stage::TokenRequest).is_none());
}
