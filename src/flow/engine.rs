//! Runs a scenario one stage at a time against a server of its own.

use rand::RngCore;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tokio::sync::mpsc;

use super::record::{AttackRecord, ClientValues, StageRecord, Trace};
use super::{Attack, Flow, FlowError, Scenario, Stage, Step};
use crate::client::{
    AuthorizationRequest, Client, ClientError, Metadata, TokenRequest, parse_callback,
};
use crate::pkce::{CodeChallenge, CodeVerifier, derive_s256, hex_grouped};
use crate::server::{self, PkcePolicy, ServerConfig, ServerEvent, ServerHandle};
use crate::wire::{Exchange, HttpResponse};

/// The redirect URI the client registers: a loopback address, as OAuth 2.1
/// §8.4.2 describes for native apps (the port is the client's choice).
pub const REDIRECT_URI: &str = "http://127.0.0.1:33418/callback";
/// The scope the client asks for.
pub const SCOPE: &str = "mcp";
/// The name the client registers under.
pub const CLIENT_NAME: &str = "pkce-tutor MCP client";

/// A scenario in progress: its own server, its own client, and the records so
/// far. Dropping it stops the server.
pub struct Engine {
    scenario: Scenario,
    server: ServerHandle,
    events: mpsc::UnboundedReceiver<ServerEvent>,
    client: Client,
    rng: ChaCha20Rng,
    metadata: Metadata,
    values: ClientValues,
    verifier: Option<CodeVerifier>,
    challenge: Option<CodeChallenge>,
    trace: Trace,
    next: Option<Stage>,
    attack_due: bool,
    /// The server events the token request of stage 5 caused after it
    /// arrived (the PKCE check, the token): shown at stage 6.
    verification_events: Vec<ServerEvent>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("scenario", &self.scenario)
            .field("issuer", &self.server.issuer())
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Starts the scenario's server on `127.0.0.1:0`, then discovers it and
    /// registers the client (the setup of Step 03).
    pub async fn start(scenario: Scenario) -> Result<Self, FlowError> {
        let (tx, events) = mpsc::unbounded_channel();
        let server = server::spawn_loopback(ServerConfig {
            policy: match scenario.flow {
                Flow::Pkce => PkcePolicy::Required,
                Flow::Plain => PkcePolicy::Optional,
            },
            seed: scenario
                .seed
                .map(|seed| seeded(seed, scenario.flow, Role::Server).next_u64()),
            events: Some(tx),
            ..ServerConfig::default()
        })
        .await?;
        let rng = match scenario.seed {
            Some(seed) => seeded(seed, scenario.flow, Role::Client),
            None => ChaCha20Rng::from_os_rng(),
        };
        let issuer = server.issuer().to_owned();
        let client = Client::new()?;
        let discovery = client.discover(&issuer).await?;
        let metadata = discovery.value;
        let registration = client
            .register(&metadata, REDIRECT_URI, CLIENT_NAME)
            .await?;
        let mut engine = Self {
            scenario,
            events,
            client,
            rng,
            values: ClientValues {
                client_id: registration.value,
                redirect_uri: REDIRECT_URI.to_owned(),
                resource: format!("{issuer}/resource"),
                ..ClientValues::default()
            },
            metadata,
            verifier: None,
            challenge: None,
            trace: Trace {
                flow: scenario.flow,
                seed: scenario.seed,
                issuer,
                setup: vec![discovery.exchange, registration.exchange],
                setup_events: Vec::new(),
                stages: Vec::new(),
                attack: None,
            },
            server,
            next: Some(Stage::Verifier),
            attack_due: scenario.attack.is_some(),
            verification_events: Vec::new(),
        };
        engine.trace.setup_events = engine.drain_events();
        Ok(engine)
    }

    /// The server's issuer URL.
    pub fn issuer(&self) -> &str {
        self.server.issuer()
    }

    /// Discovery and registration.
    pub fn setup(&self) -> &[Exchange] {
        &self.trace.setup
    }

    /// What the server reported during discovery and registration.
    pub fn setup_events(&self) -> &[ServerEvent] {
        &self.trace.setup_events
    }

    /// Everything recorded so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The whole run, once finished.
    pub fn into_trace(self) -> Trace {
        self.trace
    }

    /// Runs the next step for real: the next stage, or the attack when it is
    /// due (after stage 4). `None` once stage 6 is done.
    pub async fn step(&mut self) -> Result<Option<Step>, FlowError> {
        Ok(match self.advance().await? {
            None => None,
            Some(Done::Attack) => self.trace.attack.clone().map(Step::Attack),
            Some(Done::Stage) => self.trace.stages.last().cloned().map(Step::Stage),
        })
    }

    /// Runs every remaining step.
    pub async fn finish(&mut self) -> Result<(), FlowError> {
        while self.advance().await?.is_some() {}
        Ok(())
    }

    /// Runs the next step and records it in the trace, without handing out
    /// a copy (so `finish` copies nothing).
    async fn advance(&mut self) -> Result<Option<Done>, FlowError> {
        if let Some(attack) = self.scenario.attack
            && self.attack_due
            && self.next == Some(Stage::TokenRequest)
        {
            self.attack_due = false;
            let record = match attack {
                Attack::Interception => self.intercept().await?,
                Attack::Downgrade => self.downgrade().await?,
            };
            self.trace.attack = Some(record);
            return Ok(Some(Done::Attack));
        }
        let Some(stage) = self.next else {
            return Ok(None);
        };
        let record = self.run_stage(stage).await?;
        self.next = stage.next();
        self.trace.stages.push(record);
        Ok(Some(Done::Stage))
    }

    async fn run_stage(&mut self, stage: Stage) -> Result<StageRecord, FlowError> {
        let pkce = self.scenario.flow == Flow::Pkce;
        let mut exchanges = Vec::new();
        let mut server_events = Vec::new();
        match stage {
            Stage::Verifier => {
                if pkce {
                    let (verifier, octets) = CodeVerifier::generate(&mut self.rng);
                    self.values.random_octets_hex = Some(hex_grouped(&octets));
                    self.values.code_verifier = Some(verifier.secret().to_owned());
                    self.verifier = Some(verifier);
                }
            }
            Stage::Challenge => {
                if let Some(verifier) = &self.verifier {
                    let derivation = derive_s256(verifier);
                    self.values.sha256_hex = Some(hex_grouped(&derivation.sha256));
                    self.values.code_challenge = Some(derivation.challenge.as_str().to_owned());
                    self.values.code_challenge_method = Some("S256".to_owned());
                    self.challenge = Some(derivation.challenge);
                }
            }
            Stage::AuthorizationRequest => {
                let state = self.random_value();
                let url = self.authorization_url(&state, self.challenge.as_ref())?;
                self.values.state = Some(state);
                self.values.authorization_url = Some(url.to_string());
                exchanges.push(self.client.open_authorization(&url).await?);
                server_events = self.drain_events();
            }
            Stage::CodeIssued => {
                let consent = self
                    .trace
                    .stages
                    .last()
                    .and_then(|r| r.exchanges.first())
                    .ok_or_else(|| {
                        ClientError::Protocol("stage 4 needs the consent page of stage 3".into())
                    })?;
                let redirect = self.client.approve(consent).await?;
                server_events = self.drain_events();
                let callback = parse_callback(
                    &redirect.response,
                    self.values.state.as_deref().unwrap_or_default(),
                    self.issuer(),
                    self.metadata.authorization_response_iss_parameter_supported,
                )
                .map_err(ClientError::from)?;
                self.values.code = Some(callback.code);
                self.values.iss = callback.iss;
                exchanges.push(redirect);
            }
            Stage::TokenRequest => {
                let code = self.values.code.clone().unwrap_or_default();
                let exchange = self
                    .redeem("token request", &code, self.verifier.as_ref())
                    .await?;
                // What the server received belongs here; what it then
                // computed and decided is the subject of stage 6.
                let (received, decided): (Vec<_>, Vec<_>) = self
                    .drain_events()
                    .into_iter()
                    .partition(|e| matches!(e, ServerEvent::Received { .. }));
                server_events = received;
                self.verification_events = decided;
                exchanges.push(exchange);
            }
            Stage::Verification => {
                server_events = std::mem::take(&mut self.verification_events);
                let token_response = self
                    .trace
                    .stage(Stage::TokenRequest)
                    .and_then(|r| r.exchanges.first())
                    .map(|e| token_outcome(&e.response));
                match token_response {
                    Some(Ok(token)) => {
                        self.values.access_token = Some(token.clone());
                        let resource = self.values.resource.clone();
                        exchanges.push(
                            self.client
                                .call_resource("call to the protected resource", &resource, &token)
                                .await?,
                        );
                        server_events.extend(self.drain_events());
                    }
                    Some(Err(error)) => self.values.error = Some(error),
                    None => {}
                }
            }
        }
        Ok(StageRecord {
            flow: self.scenario.flow,
            stage,
            client: self.values.clone(),
            exchanges,
            server_events,
        })
    }

    /// RFC 7636 §1: a malicious app that receives a copy of the redirect
    /// redeems the code before the real client does. It knows the public
    /// `client_id` and the redirect URI; in the PKCE flow it has to invent a
    /// verifier, because the real one never left the client.
    async fn intercept(&mut self) -> Result<AttackRecord, FlowError> {
        let code = self.values.code.clone().unwrap_or_default();
        let invented =
            (self.scenario.flow == Flow::Pkce).then(|| CodeVerifier::generate(&mut self.rng).0);
        let theft = self
            .redeem(
                "attacker: token request with the intercepted code",
                &code,
                invented.as_ref(),
            )
            .await?;
        let stolen = (theft.response.status == 200)
            .then(|| theft.response.json_str("access_token"))
            .flatten();
        let mut exchanges = vec![theft.clone()];
        if let Some(token) = &stolen {
            let resource = self.values.resource.clone();
            exchanges.push(
                self.client
                    .call_resource("attacker: call to the protected resource", &resource, token)
                    .await?,
            );
        }
        Ok(AttackRecord {
            attack: Attack::Interception,
            flow: self.scenario.flow,
            decisive: theft,
            exchanges,
            server_events: self.drain_events(),
            succeeded: stolen.is_some(),
            stolen_access_token: stolen,
        })
    }

    /// RFC 9700 §4.8.1: the attacker starts a flow of their own with the
    /// challenge stripped, then injects the code they get into the victim's
    /// callback; the victim's client redeems it with its own verifier. The
    /// server must refuse: at the authorization endpoint when PKCE is required
    /// (OAuth 2.1 §4.1.2.1), at the token endpoint otherwise (RFC 9700 §4.8.2).
    async fn downgrade(&mut self) -> Result<AttackRecord, FlowError> {
        let state = self.random_value();
        let url = self.authorization_url(&state, None)?;
        let opened = self.client.open_authorization(&url).await?;
        let mut exchanges = vec![opened.clone()];
        if opened.response.status != 200 {
            // Refused at the door: no code exists without a challenge.
            return Ok(AttackRecord {
                attack: Attack::Downgrade,
                flow: self.scenario.flow,
                decisive: opened,
                exchanges,
                server_events: self.drain_events(),
                succeeded: false,
                stolen_access_token: None,
            });
        }
        let redirect = self.client.approve(&opened).await?;
        exchanges.push(redirect.clone());
        let callback = parse_callback(
            &redirect.response,
            &state,
            self.issuer(),
            self.metadata.authorization_response_iss_parameter_supported,
        )
        .map_err(ClientError::from)?;
        // The victim's client uses PKCE; in the plain flow it has no verifier
        // yet, so it makes one as a PKCE client would.
        let verifier = match &self.verifier {
            Some(v) => v.clone(),
            None => CodeVerifier::generate(&mut self.rng).0,
        };
        let injected = self
            .redeem(
                "victim: token request with the injected code",
                &callback.code,
                Some(&verifier),
            )
            .await?;
        exchanges.push(injected.clone());
        let token = (injected.response.status == 200)
            .then(|| injected.response.json_str("access_token"))
            .flatten();
        Ok(AttackRecord {
            attack: Attack::Downgrade,
            flow: self.scenario.flow,
            decisive: injected,
            exchanges,
            server_events: self.drain_events(),
            succeeded: token.is_some(),
            stolen_access_token: token,
        })
    }

    /// The authorization URL of this client (OAuth 2.1 §4.1.1), with the
    /// challenge when there is one.
    fn authorization_url(
        &self,
        state: &str,
        code_challenge: Option<&CodeChallenge>,
    ) -> Result<url::Url, ClientError> {
        Client::authorization_url(
            &self.metadata,
            &AuthorizationRequest {
                client_id: &self.values.client_id,
                redirect_uri: REDIRECT_URI,
                state,
                code_challenge,
                scope: SCOPE,
                resource: &self.values.resource,
            },
        )
    }

    /// A token request for `code` as this client (or someone holding its
    /// public client_id) sends it.
    async fn redeem(
        &self,
        purpose: &str,
        code: &str,
        code_verifier: Option<&CodeVerifier>,
    ) -> Result<Exchange, ClientError> {
        self.client
            .exchange_code(
                &self.metadata,
                purpose,
                &TokenRequest {
                    code,
                    redirect_uri: REDIRECT_URI,
                    client_id: &self.values.client_id,
                    code_verifier,
                    resource: &self.values.resource,
                },
            )
            .await
    }

    /// 32 random octets from the client's generator, base64url (for `state`).
    fn random_value(&mut self) -> String {
        crate::random::urlsafe::<32>(&mut self.rng)
    }

    /// The server's events so far. The server sends them before it answers,
    /// so after a response they are all here.
    fn drain_events(&mut self) -> Vec<ServerEvent> {
        let mut events = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            events.push(event);
        }
        events
    }
}

/// What the client makes of a token response (SPEC.md C-9): a 200 with a
/// JSON `access_token` of `token_type` Bearer (compared case-insensitively,
/// OAuth 2.1 §3.2.3), or the OAuth error (or the reason it is unusable).
fn token_outcome(response: &HttpResponse) -> Result<String, String> {
    if response.status != 200 {
        return Err(response
            .json_str("error")
            .unwrap_or_else(|| response.status.to_string()));
    }
    let token = response
        .json_str("access_token")
        .ok_or("the token response has no access_token")?;
    match response.json_str("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => Ok(token),
        other => Err(format!(
            "the token response's token_type is {other:?}, not Bearer (OAuth 2.1 section 3.2.3)"
        )),
    }
}

/// What the last step recorded.
enum Done {
    Stage,
    Attack,
}

/// Who draws from a seeded generator.
#[derive(Clone, Copy)]
enum Role {
    Client = 0,
    Server = 1,
}

/// The generator of one role in one flow under a seed: each (flow, role)
/// pair reads its own ChaCha stream, so the two flows of a contrast never
/// show the same random value (the plain flow's `state` is not the PKCE
/// flow's `code_verifier`), and client and server values are unrelated.
fn seeded(seed: u64, flow: Flow, role: Role) -> ChaCha20Rng {
    let flow_index: u64 = match flow {
        Flow::Pkce => 0,
        Flow::Plain => 1,
    };
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(flow_index * 2 + role as u64);
    rng
}

/// Runs a whole scenario and returns its trace.
pub async fn run(scenario: Scenario) -> Result<Trace, FlowError> {
    let mut engine = Engine::start(scenario).await?;
    engine.finish().await?;
    Ok(engine.into_trace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[tokio::test]
    async fn the_two_flows_share_no_random_value_under_one_seed() {
        let run_flow = |flow| {
            run(Scenario {
                flow,
                attack: None,
                seed: Some(7),
            })
        };
        let (pkce, plain) = (
            run_flow(Flow::Pkce).await.unwrap(),
            run_flow(Flow::Plain).await.unwrap(),
        );
        let values = |trace: &Trace| {
            let last = &trace.stages[5].client;
            [
                last.code_verifier.clone(),
                last.state.clone(),
                Some(last.client_id.clone()),
                last.code.clone(),
                last.access_token.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
        };
        let (a, b) = (values(&pkce), values(&plain));
        assert_eq!(a.len(), 5);
        assert_eq!(b.len(), 4);
        assert!(a.iter().all(|v| !b.contains(v)), "{a:?} {b:?}");
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: Some(body.into()),
        }
    }

    #[test]
    fn the_client_checks_the_token_response() {
        assert_eq!(
            token_outcome(&response(
                200,
                r#"{"access_token":"t","token_type":"bearer"}"#
            )),
            Ok("t".into())
        );
        assert!(token_outcome(&response(200, r#"{"token_type":"Bearer"}"#)).is_err());
        assert!(
            token_outcome(&response(200, r#"{"access_token":"t","token_type":"mac"}"#)).is_err()
        );
        assert_eq!(
            token_outcome(&response(400, r#"{"error":"invalid_grant"}"#)),
            Err("invalid_grant".into())
        );
    }

    #[tokio::test]
    async fn engine_futures_can_be_spawned() {
        let scenario = Scenario {
            flow: Flow::Pkce,
            attack: None,
            seed: Some(1),
        };
        let start = Engine::start(scenario);
        assert_send(&start);
        let mut engine = start.await.unwrap();
        let step = engine.step();
        assert_send(&step);
        drop(step);
        let handle = tokio::spawn(async move { engine.finish().await.map(|()| engine) });
        let engine = handle.await.unwrap().unwrap();
        assert_eq!(engine.trace().stages.len(), 6);
    }
}
