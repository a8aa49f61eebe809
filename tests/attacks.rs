//! Every attack on both sides, from the real server's answers (DESIGN's
//! attack table): the attack succeeds without the defence and fails with it,
//! with the refusal's status and `error`.

use pkce_tutor::flow::{Actor, Attack, AttackRecord, Flow, Scenario, Stage, Trace, run};

async fn played(attack: Attack, flow: Flow) -> Trace {
    run(Scenario {
        attack: Some(attack),
        seed: Some(7),
        ..Scenario::new(flow)
    })
    .await
    .unwrap_or_else(|e| panic!("{attack:?} {flow:?}: {e}"))
}

fn record(trace: &Trace) -> &AttackRecord {
    trace.attack.as_ref().expect("the attack was played")
}

/// The legitimate client's own token request at stage 5.
fn client_token_status(trace: &Trace) -> u16 {
    trace
        .token_step()
        .unwrap()
        .exchange
        .as_ref()
        .unwrap()
        .response
        .status
}

#[tokio::test]
async fn interception_without_pkce_gives_the_attacker_a_token_and_the_client_invalid_grant() {
    let trace = played(Attack::Interception, Flow::Plain).await;
    let attack = record(&trace);
    assert!(attack.succeeded);
    assert_eq!(attack.decisive.response.status, 200);
    assert_eq!(attack.configuration.server_policy, "optional");
    assert_eq!(attack.configuration.code_challenge_method, None);
    // The attacker's token opens the resource.
    let call = attack.exchanges().last().unwrap();
    assert_eq!(call.response.status, 200);
    assert_eq!(client_token_status(&trace), 400);
    assert_eq!(
        trace
            .stage(Stage::TokenRequest)
            .unwrap()
            .client
            .error
            .as_deref(),
        Some("invalid_grant")
    );
}

#[tokio::test]
async fn interception_with_pkce_is_invalid_grant_and_the_client_gets_its_token() {
    let trace = played(Attack::Interception, Flow::Pkce).await;
    let attack = record(&trace);
    assert!(!attack.succeeded);
    assert_eq!(attack.decisive.response.status, 400);
    assert_eq!(
        attack.decisive.response.oauth_error().as_deref(),
        Some("invalid_grant")
    );
    assert_eq!(
        attack.steps.iter().map(|s| s.actor).collect::<Vec<_>>(),
        [Actor::Attacker]
    );
    assert_eq!(client_token_status(&trace), 200);
}

#[tokio::test]
async fn sniffing_plain_method_lets_the_attacker_redeem_with_the_challenge_it_read() {
    let trace = played(Attack::Sniffing, Flow::Plain).await;
    let attack = record(&trace);
    assert!(attack.succeeded);
    assert_eq!(attack.configuration.server_policy, "lax");
    assert_eq!(attack.configuration.code_challenge_method, Some("plain"));
    let sent = trace
        .stage(Stage::AuthorizationRequest)
        .unwrap()
        .exchanges()
        .next()
        .unwrap();
    let read = sent.request.param("code_challenge").unwrap();
    assert_eq!(sent.request.param("code_challenge_method"), Some("plain"));
    assert_eq!(attack.decisive.request.param("code_verifier"), Some(read));
    assert_eq!(attack.decisive.response.status, 200);
}

#[tokio::test]
async fn sniffing_s256_is_invalid_grant_the_hash_hides_the_verifier() {
    let trace = played(Attack::Sniffing, Flow::Pkce).await;
    let attack = record(&trace);
    assert!(!attack.succeeded);
    let read = trace
        .stage(Stage::Challenge)
        .unwrap()
        .client
        .code_challenge
        .clone();
    assert_eq!(
        attack.decisive.request.param("code_verifier"),
        read.as_deref()
    );
    assert_eq!(attack.decisive.response.status, 400);
    assert_eq!(
        attack.decisive.response.oauth_error().as_deref(),
        Some("invalid_grant")
    );
    assert_eq!(client_token_status(&trace), 200);
}

#[tokio::test]
async fn downgrade_on_a_server_without_the_check_lets_the_victim_redeem_the_attackers_code() {
    let trace = played(Attack::Downgrade, Flow::Plain).await;
    let attack = record(&trace);
    assert!(attack.succeeded);
    assert_eq!(attack.configuration.server_policy, "lax");
    let victim = attack.steps.last().unwrap();
    assert_eq!(victim.actor, Actor::Client);
    let request = &victim.exchange.as_ref().unwrap().request;
    assert!(request.param("code_verifier").is_some());
    assert_eq!(attack.decisive.response.status, 200);
}

#[tokio::test]
async fn downgrade_with_pkce_required_is_refused_at_the_authorization_endpoint() {
    let trace = played(Attack::Downgrade, Flow::Pkce).await;
    let attack = record(&trace);
    assert!(!attack.succeeded);
    assert_eq!(attack.decisive.response.status, 302);
    assert_eq!(
        attack.decisive.response.oauth_error().as_deref(),
        Some("invalid_request")
    );
    assert!(attack.decisive.request.param("code_challenge").is_none());
}

#[tokio::test]
async fn injection_without_pkce_redeems_the_stolen_code_in_the_attackers_session() {
    let trace = played(Attack::Injection, Flow::Plain).await;
    let attack = record(&trace);
    assert!(attack.succeeded);
    let stolen = trace.stage(Stage::CodeIssued).unwrap().client.code.clone();
    assert_eq!(attack.decisive.request.param("code"), stolen.as_deref());
    assert_eq!(attack.steps.last().unwrap().actor, Actor::Client);
    assert_eq!(attack.decisive.response.status, 200);
}

#[tokio::test]
async fn injection_with_pkce_is_invalid_grant_the_sessions_verifier_does_not_match() {
    let trace = played(Attack::Injection, Flow::Pkce).await;
    let attack = record(&trace);
    assert!(!attack.succeeded);
    let stolen = trace.stage(Stage::CodeIssued).unwrap().client.code.clone();
    assert_eq!(attack.decisive.request.param("code"), stolen.as_deref());
    let victims = trace
        .stage(Stage::Verifier)
        .unwrap()
        .client
        .code_verifier
        .clone();
    assert_ne!(
        attack.decisive.request.param("code_verifier"),
        victims.as_deref()
    );
    assert_eq!(attack.decisive.response.status, 400);
    assert_eq!(
        attack.decisive.response.oauth_error().as_deref(),
        Some("invalid_grant")
    );
    assert_eq!(client_token_status(&trace), 200);
}
