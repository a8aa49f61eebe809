//! Each quick experiment driven through the engine against the real server:
//! the server's answer (status and OAuth `error`), and for the replay the
//! revocation of the first token. Each experiment's lesson fills from its run.

use pkce_tutor::flow::{Experiment, Flow, Scenario, Stage, Trace, run_experiment};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::record::ServerEvent;
use pkce_tutor::wire::HttpResponse;

async fn experiment(experiment: Experiment) -> Trace {
    run_experiment(
        experiment,
        Scenario {
            seed: Some(7),
            ..Scenario::new(Flow::Pkce)
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{experiment:?}: {e}"))
}

/// The response to the request of `stage` (its first HTTP step).
fn answer(trace: &Trace, stage: Stage) -> &HttpResponse {
    let step = trace
        .stage(stage)
        .and_then(|s| s.http_step())
        .unwrap_or_else(|| panic!("stage {} sent a request", stage.number()));
    &step.exchange.as_ref().unwrap().response
}

/// The stages after `stage` are recorded as not reached.
fn ends_at(trace: &Trace, stage: Stage) {
    for record in &trace.stages {
        assert_eq!(
            record.reached,
            record.stage <= stage,
            "stage {:?}",
            record.stage
        );
    }
}

#[tokio::test]
async fn flip_verifier_is_refused_with_invalid_grant() {
    let trace = experiment(Experiment::FlipVerifier).await;
    let response = answer(&trace, Stage::TokenRequest);
    assert_eq!(response.status, 400);
    assert_eq!(response.json_str("error").as_deref(), Some("invalid_grant"));
    let amendment = trace
        .stage(Stage::TokenRequest)
        .unwrap()
        .amendments()
        .next()
        .unwrap();
    assert_eq!(amendment.param, "code_verifier");
    let (from, to) = (
        amendment.from.clone().unwrap(),
        amendment.to.clone().unwrap(),
    );
    assert_eq!(from.len(), to.len());
    assert_eq!(
        from.chars().zip(to.chars()).filter(|(a, b)| a != b).count(),
        1
    );
    // The server's own check received the flipped verifier.
    assert_eq!(
        trace.pkce_check().unwrap().code_verifier.as_deref(),
        Some(to.as_str())
    );
    // No resource call after a refused token request.
    assert_eq!(
        trace
            .stage(Stage::Verification)
            .unwrap()
            .exchanges()
            .count(),
        0
    );
}

#[tokio::test]
async fn challenge_as_verifier_is_refused_with_invalid_grant() {
    let trace = experiment(Experiment::ChallengeAsVerifier).await;
    let response = answer(&trace, Stage::TokenRequest);
    assert_eq!(response.status, 400);
    assert_eq!(response.json_str("error").as_deref(), Some("invalid_grant"));
    let check = trace.pkce_check().unwrap();
    assert_eq!(check.code_verifier, check.stored_challenge);
    assert_ne!(check.computed_challenge, check.stored_challenge);
}

#[tokio::test]
async fn drop_verifier_is_refused_with_invalid_request() {
    let trace = experiment(Experiment::DropVerifier).await;
    let response = answer(&trace, Stage::TokenRequest);
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json_str("error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn replay_is_refused_and_revokes_the_first_token() {
    let trace = experiment(Experiment::Replay).await;
    let first = answer(&trace, Stage::TokenRequest);
    assert_eq!(first.status, 200);
    let token = first.json_str("access_token").unwrap();
    let stage6 = trace.stage(Stage::Verification).unwrap();
    let exchanges: Vec<_> = stage6.exchanges().collect();
    assert_eq!(exchanges.len(), 2, "the replay, then the resource call");
    assert_eq!(
        exchanges[0].request.params,
        trace
            .token_step()
            .unwrap()
            .exchange
            .as_ref()
            .unwrap()
            .request
            .params
    );
    assert_eq!(exchanges[0].response.status, 400);
    assert_eq!(
        exchanges[0].response.json_str("error").as_deref(),
        Some("invalid_grant")
    );
    assert!(stage6.server_events().any(|e| matches!(
        e,
        ServerEvent::TokensRevoked { access_tokens, .. } if access_tokens.contains(&token)
    )));
    // The first token no longer opens the resource.
    let call = exchanges[1];
    assert!(
        call.request
            .headers
            .iter()
            .any(|(n, v)| n == "authorization" && v.ends_with(&token))
    );
    assert_eq!(call.response.status, 401);
    assert!(
        call.response
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_token")
    );
}

#[tokio::test]
async fn drop_challenge_is_redirected_with_invalid_request_state_and_iss() {
    let trace = experiment(Experiment::DropChallenge).await;
    let response = answer(&trace, Stage::AuthorizationRequest);
    assert_eq!(response.status, 302);
    assert_eq!(response.oauth_error().as_deref(), Some("invalid_request"));
    let params = response.location_params();
    let state = trace
        .stage(Stage::AuthorizationRequest)
        .unwrap()
        .client
        .state
        .clone();
    assert_eq!(
        params
            .iter()
            .find(|p| p.name == "state")
            .map(|p| p.value.clone()),
        state
    );
    assert!(
        params
            .iter()
            .any(|p| p.name == "iss" && p.value == trace.issuer)
    );
    assert!(params.iter().all(|p| p.name != "code"));
    ends_at(&trace, Stage::AuthorizationRequest);
}

#[tokio::test]
async fn plain_method_is_redirected_with_invalid_request() {
    let trace = experiment(Experiment::PlainMethod).await;
    let response = answer(&trace, Stage::AuthorizationRequest);
    assert_eq!(response.status, 302);
    assert_eq!(response.oauth_error().as_deref(), Some("invalid_request"));
    ends_at(&trace, Stage::AuthorizationRequest);
}

#[tokio::test]
async fn padded_challenge_is_redirected_with_invalid_request() {
    let trace = experiment(Experiment::PaddedChallenge).await;
    let sent = trace
        .stage(Stage::AuthorizationRequest)
        .unwrap()
        .amendments()
        .next()
        .unwrap();
    assert!(sent.to.as_deref().unwrap().ends_with('='));
    let response = answer(&trace, Stage::AuthorizationRequest);
    assert_eq!(response.status, 302);
    assert_eq!(response.oauth_error().as_deref(), Some("invalid_request"));
    ends_at(&trace, Stage::AuthorizationRequest);
}

#[tokio::test]
async fn other_redirect_uri_gets_an_error_page_and_no_redirect() {
    let trace = experiment(Experiment::OtherRedirectUri).await;
    let response = answer(&trace, Stage::AuthorizationRequest);
    assert_eq!(response.status, 400);
    assert!(response.header("location").is_none());
    assert_eq!(
        trace
            .stage(Stage::AuthorizationRequest)
            .unwrap()
            .client
            .error
            .as_deref(),
        Some("invalid_request")
    );
    ends_at(&trace, Stage::AuthorizationRequest);
}

#[tokio::test]
async fn an_experiment_keeps_the_seeded_values() {
    let honest = pkce_tutor::flow::run(Scenario {
        seed: Some(7),
        ..Scenario::new(Flow::Pkce)
    })
    .await
    .unwrap();
    let flipped = experiment(Experiment::FlipVerifier).await;
    let values = |t: &Trace| {
        let c = &t.stage(Stage::CodeIssued).unwrap().client;
        (
            c.code_verifier.clone(),
            c.state.clone(),
            c.code.clone(),
            c.client_id.clone(),
        )
    };
    assert_eq!(values(&honest), values(&flipped));
}

#[tokio::test]
async fn every_experiment_has_a_lesson_that_fills_from_its_run() {
    let lessons = LessonSet::builtin();
    for which in Experiment::ALL {
        let lesson = lessons
            .for_experiment(Flow::Pkce, which)
            .unwrap_or_else(|| panic!("no lesson for {which:?}"));
        assert_eq!(lesson.id, format!("experiment-{}", which.id()));
        let trace = experiment(which).await;
        lesson
            .fill(&trace, None)
            .unwrap_or_else(|e| panic!("{which:?}: {e}"));
    }
}
