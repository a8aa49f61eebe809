//! A whole run: the client's values after each stage, the stages as labels
//! over steps, the attack, and the requests the run did not send. Every
//! value was either sent or received on the wire, computed by the client, or
//! reported by the server itself. The lookups every view needs (the stored
//! code, the PKCE check, the token exchange) are methods here, written once.

use serde::Serialize;

use super::event::{PkceCheck, RequestHead, RequestId, ServerEvent, StoredCode};
use super::label::{Attack, Flow, Registration, Stage, Target};
use super::step::{Actor, Amendment, StepRecord};
use crate::wire::Exchange;

/// What the client holds after a stage; cumulative, so later stages repeat
/// earlier values. Absent values are left out of transcripts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClientValues {
    /// The 32 random octets behind the verifier, in grouped hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub random_octets_hex: Option<String>,
    /// The `code_verifier` (RFC 7636 §4.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<String>,
    /// `SHA256(code_verifier)` in grouped hex, as the client computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256_hex: Option<String>,
    /// The `code_challenge` (RFC 7636 §4.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    /// Always `S256` when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge_method: Option<String>,
    /// The client's registered identifier.
    pub client_id: String,
    /// The registered redirect URI.
    pub redirect_uri: String,
    /// The resource the token is for (RFC 8707).
    pub resource: String,
    /// The `state` sent with the authorization request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The full authorization URL the browser opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    /// The code received on the redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The `iss` received on the redirect (RFC 9207).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The access token, once issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The OAuth error the client got instead, if a step was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One stage as it really happened: a label over the steps performed in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageRecord {
    /// The flow this stage belongs to.
    pub flow: Flow,
    /// Which stage.
    pub stage: Stage,
    /// False when an earlier refusal ended the flow before this stage: the
    /// record then holds no step and the client's values as they were.
    pub reached: bool,
    /// What the client holds after it.
    pub client: ClientValues,
    /// The steps of the stage, in order.
    pub steps: Vec<StepRecord>,
}

impl StageRecord {
    /// The stage's title for what the client really did: the PKCE titles
    /// when it sent a challenge (with `plain`, their own wording), the plain
    /// flow's otherwise. An attack's insecure side may run PKCE in the plain
    /// flow's column.
    pub fn title(&self) -> &'static str {
        match self.client.code_challenge_method.as_deref() {
            Some("plain") => self.stage.title_with_plain_method(),
            Some(_) => self.stage.title(Flow::Pkce),
            None if self.client.code_verifier.is_some() => self.stage.title(Flow::Pkce),
            None => self.stage.title(self.flow),
        }
    }

    /// The HTTP exchanges of the stage, in order.
    pub fn exchanges(&self) -> impl Iterator<Item = &Exchange> {
        self.steps.iter().filter_map(|s| s.exchange.as_ref())
    }

    /// Every server event about the stage's own requests, in order.
    pub fn server_events(&self) -> impl Iterator<Item = &ServerEvent> {
        self.steps.iter().flat_map(|s| s.server_events.iter())
    }

    /// The first step that sent a request.
    pub fn http_step(&self) -> Option<&StepRecord> {
        self.steps.iter().find(|s| s.exchange.is_some())
    }

    /// What the learner changed in this stage's requests.
    pub fn amendments(&self) -> impl Iterator<Item = &Amendment> {
        self.steps.iter().flat_map(|s| s.amendments.iter())
    }
}

/// What one side of an attack ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttackConfiguration {
    /// The server's PKCE policy: `required`, `optional` or `lax`.
    pub server_policy: &'static str,
    /// The method the legitimate client sent, if it used PKCE.
    pub code_challenge_method: Option<&'static str>,
}

/// An attack as it really happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttackRecord {
    /// Which attack.
    pub attack: Attack,
    /// The flow it was played against: `plain` is the side without the
    /// defence, `pkce` the side as OAuth 2.1 and MCP require.
    pub flow: Flow,
    /// What that side ran.
    pub configuration: AttackConfiguration,
    /// The steps of the attack, in order.
    pub steps: Vec<StepRecord>,
    /// The decisive exchange: the attacker's request and the server's answer.
    pub decisive: Exchange,
    /// Whether the attacker obtained an access token.
    pub succeeded: bool,
    /// The access token the attacker obtained, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stolen_access_token: Option<String>,
}

impl AttackRecord {
    /// Every exchange of the attack, the decisive one included, in order.
    pub fn exchanges(&self) -> impl Iterator<Item = &Exchange> {
        self.steps.iter().filter_map(|s| s.exchange.as_ref())
    }

    /// What the server reported about the attack's requests.
    pub fn server_events(&self) -> impl Iterator<Item = &ServerEvent> {
        self.steps.iter().flat_map(|s| s.server_events.iter())
    }
}

/// A request the run did not send (curl from another terminal, a learner's
/// own OAuth client), as the server reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalRequest {
    /// The number the server gave it.
    pub request: RequestId,
    /// Its request line and headers.
    pub head: Option<RequestHead>,
    /// What the server did with it.
    pub events: Vec<ServerEvent>,
    /// The status it answered, once answered.
    pub status: Option<u16>,
    /// What the server fetched on its own while handling it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fetches: Vec<super::event::ServerFetch>,
}

/// A whole run: the setup (stage 0: discovery and registration), the six
/// stages, the attack if one was played, and what others sent meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The flow.
    pub flow: Flow,
    /// The seed, if the run was seeded.
    pub seed: Option<u64>,
    /// The server's issuer URL, `http://127.0.0.1:<port>`.
    pub issuer: String,
    /// What the client set out to reach: where discovery started.
    pub target: Target,
    /// How the client got its `client_id`.
    pub registration: Registration,
    /// Stage 0, in order: discovery (from the MCP endpoint's 401 through
    /// the protected resource's metadata to the authorization server's, or
    /// from the issuer's metadata alone) and registration, each step with
    /// what the client checked. Named `setup` since v1 (Step 03);
    /// [`Trace::discovery`] reads it under its v2 name.
    pub setup: Vec<StepRecord>,
    /// The stages run so far.
    pub stages: Vec<StageRecord>,
    /// The attack, if one was played.
    pub attack: Option<AttackRecord>,
    /// Requests to this run's server that the run did not send, the most
    /// recent [`Trace::EXTERNAL_KEPT`].
    pub external: Vec<ExternalRequest>,
}

impl Trace {
    /// How many external requests a trace keeps (the oldest go first).
    pub const EXTERNAL_KEPT: usize = 64;

    /// An empty trace of a run that has not started.
    pub fn new(flow: Flow, seed: Option<u64>) -> Self {
        Self {
            flow,
            seed,
            issuer: String::new(),
            target: Target::Resource,
            registration: Registration::Dcr,
            setup: Vec::new(),
            stages: Vec::new(),
            attack: None,
            external: Vec::new(),
        }
    }

    /// The record of a stage, if it has run.
    pub fn stage(&self, stage: Stage) -> Option<&StageRecord> {
        self.stages.iter().find(|r| r.stage == stage)
    }

    /// The record of a stage the flow reached.
    pub fn reached(&self, stage: Stage) -> Option<&StageRecord> {
        self.stage(stage).filter(|r| r.reached)
    }

    /// Stage 0: discovery and registration, in order.
    pub fn discovery(&self) -> &[StepRecord] {
        &self.setup
    }

    /// The server's own fetch of the client's metadata document (CIMD),
    /// made while it handled the authorization request (stage 3): the
    /// other half of a registration by metadata document.
    pub fn client_metadata_fetch(&self) -> Option<&StepRecord> {
        self.stages
            .iter()
            .flat_map(|s| s.steps.iter())
            .find(|s| s.actor == Actor::Server)
    }

    /// The exchanges of discovery and registration.
    pub fn setup_exchanges(&self) -> impl DoubleEndedIterator<Item = &Exchange> {
        self.setup.iter().filter_map(|s| s.exchange.as_ref())
    }

    /// What the server reported during discovery and registration.
    pub fn setup_events(&self) -> impl Iterator<Item = &ServerEvent> {
        self.setup.iter().flat_map(|s| s.server_events.iter())
    }

    /// The client the server itself reports it registered.
    pub fn registered_client_id(&self) -> Option<&str> {
        self.setup_events().find_map(|e| match e {
            ServerEvent::ClientRegistered { client_id, .. } => Some(client_id.as_str()),
            _ => None,
        })
    }

    /// What the server stored with the code it issued (stage 4).
    pub fn stored_code(&self) -> Option<&StoredCode> {
        self.stage(Stage::CodeIssued)?
            .server_events()
            .find_map(|e| match e {
                ServerEvent::CodeIssued(stored) => Some(stored),
                _ => None,
            })
    }

    /// The client's token request of stage 5 (the first, when a replay
    /// follows).
    pub fn token_step(&self) -> Option<&StepRecord> {
        self.stage(Stage::TokenRequest)?.http_step()
    }

    /// The server's PKCE check of the token request.
    pub fn pkce_check(&self) -> Option<&PkceCheck> {
        self.token_step()?
            .server_events
            .iter()
            .find_map(|e| match e {
                ServerEvent::PkceChecked(check) => Some(check),
                _ => None,
            })
    }

    /// The server events a stage's screen shows. Stage 5 shows what the
    /// token endpoint received; what it then computed and decided about
    /// that same request is the subject of stage 6, followed by stage 6's
    /// own requests.
    pub fn events_shown_at(&self, stage: Stage) -> Vec<&ServerEvent> {
        let Some(record) = self.stage(stage) else {
            return Vec::new();
        };
        match stage {
            Stage::TokenRequest => record
                .server_events()
                .filter(|e| matches!(e, ServerEvent::Received { .. }))
                .collect(),
            Stage::Verification => self
                .token_step()
                .into_iter()
                .flat_map(|s| s.server_events.iter())
                .filter(|e| !matches!(e, ServerEvent::Received { .. }))
                .chain(record.server_events())
                .collect(),
            _ => record.server_events().collect(),
        }
    }

    /// Files a request the run did not send, keeping the most recent.
    pub fn record_external(&mut self, request: ExternalRequest) {
        if self.external.len() >= Self::EXTERNAL_KEPT {
            self.external.remove(0);
        }
        self.external.push(request);
    }
}
