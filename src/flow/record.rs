//! The records the flow engine produces: plain data that the TUI, `render`
//! and `transcript` draw from. Everything in them was either sent or received
//! on the wire, computed by the client, or reported by the server itself.

use serde::Serialize;

use crate::server::ServerEvent;
use crate::wire::Exchange;

/// Which flow runs: with PKCE, or the plain code flow of Step 04.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// Authorization code with PKCE (S256) against a server that requires it
    /// (OAuth 2.1 §4.1.2.1, MCP authorization).
    Pkce,
    /// The same flow without PKCE, against a server configured like Step 04's.
    Plain,
}

impl Flow {
    /// The other flow, for the contrast view.
    pub fn other(self) -> Self {
        match self {
            Self::Pkce => Self::Plain,
            Self::Plain => Self::Pkce,
        }
    }

    /// The name used on the command line and in transcripts.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pkce => "pkce",
            Self::Plain => "plain",
        }
    }

    /// The human label, e.g. "PKCE (Step 05)".
    pub fn label(self) -> &'static str {
        match self {
            Self::Pkce => "PKCE (Step 05)",
            Self::Plain => "no PKCE (Step 04)",
        }
    }
}

/// An attack the engine can replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    /// An attacker holding a copy of the redirect redeems the code first
    /// (RFC 7636 §1).
    Interception,
    /// A code issued without a challenge is presented with a verifier
    /// (RFC 9700 §4.8.1).
    Downgrade,
}

impl Attack {
    /// The name used on the command line and in transcripts.
    pub fn name(self) -> &'static str {
        match self {
            Self::Interception => "interception",
            Self::Downgrade => "downgrade",
        }
    }
}

/// The six stages of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 1. The client generates a random `code_verifier`.
    Verifier,
    /// 2. The client derives `code_challenge = BASE64URL(SHA256(code_verifier))`.
    Challenge,
    /// 3. The authorization request carries the challenge and `S256`.
    AuthorizationRequest,
    /// 4. The server stores the challenge with the code it issues.
    CodeIssued,
    /// 5. The token request carries the original `code_verifier`.
    TokenRequest,
    /// 6. The server checks the verifier and only then issues tokens.
    Verification,
}

impl Stage {
    /// All stages in order.
    pub const ALL: [Stage; 6] = [
        Stage::Verifier,
        Stage::Challenge,
        Stage::AuthorizationRequest,
        Stage::CodeIssued,
        Stage::TokenRequest,
        Stage::Verification,
    ];

    /// 1 to 6.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The stage with that number (1 to 6).
    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The next stage, if any.
    pub fn next(self) -> Option<Self> {
        Self::from_number(self.number() + 1)
    }

    /// The previous stage, if any.
    pub fn prev(self) -> Option<Self> {
        Self::from_number(self.number().checked_sub(1)?)
    }

    /// A one-line title of what happens at this stage in the given flow.
    pub fn title(self, flow: Flow) -> &'static str {
        match (flow, self) {
            (Flow::Pkce, Stage::Verifier) => "The client generates a random code_verifier",
            (Flow::Pkce, Stage::Challenge) => {
                "The client derives code_challenge = BASE64URL(SHA256(code_verifier))"
            }
            (Flow::Pkce, Stage::AuthorizationRequest) => {
                "The authorization request carries code_challenge and S256"
            }
            (Flow::Pkce, Stage::CodeIssued) => "The server stores the challenge with the code",
            (Flow::Pkce, Stage::TokenRequest) => "The token request carries the code_verifier",
            (Flow::Pkce, Stage::Verification) => {
                "The server checks SHA256(code_verifier) against the challenge, then issues tokens"
            }
            (Flow::Plain, Stage::Verifier) => "No code_verifier: the client keeps no secret",
            (Flow::Plain, Stage::Challenge) => {
                "No code_challenge: nothing ties the code to this client instance"
            }
            (Flow::Plain, Stage::AuthorizationRequest) => {
                "The authorization request carries no challenge"
            }
            (Flow::Plain, Stage::CodeIssued) => "The server stores the code with no challenge",
            (Flow::Plain, Stage::TokenRequest) => {
                "The token request proves nothing: code + client_id"
            }
            (Flow::Plain, Stage::Verification) => {
                "The server issues tokens to whoever presents the code"
            }
        }
    }
}

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

/// One stage as it really happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageRecord {
    /// The flow this stage belongs to.
    pub flow: Flow,
    /// Which stage.
    pub stage: Stage,
    /// What the client holds after it.
    pub client: ClientValues,
    /// The HTTP exchanges the stage performed, in order.
    pub exchanges: Vec<Exchange>,
    /// What the server reported while handling them, in order.
    pub server_events: Vec<ServerEvent>,
}

/// An attack as it really happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttackRecord {
    /// Which attack.
    pub attack: Attack,
    /// The flow it was played against.
    pub flow: Flow,
    /// The decisive exchange: the attacker's request and the server's answer.
    pub decisive: Exchange,
    /// Every exchange of the attack, the decisive one included, in order.
    pub exchanges: Vec<Exchange>,
    /// What the server reported meanwhile.
    pub server_events: Vec<ServerEvent>,
    /// Whether the attacker obtained an access token.
    pub succeeded: bool,
    /// The access token the attacker obtained, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stolen_access_token: Option<String>,
}

/// A whole run: the setup (discovery and registration, Step 03), the six
/// stages, and the attack if one was played.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The flow.
    pub flow: Flow,
    /// The seed, if the run was seeded.
    pub seed: Option<u64>,
    /// The server's issuer URL, `http://127.0.0.1:<port>`.
    pub issuer: String,
    /// Discovery (RFC 8414) and registration (RFC 7591).
    pub setup: Vec<Exchange>,
    /// What the server reported during the setup (the client it registered).
    pub setup_events: Vec<ServerEvent>,
    /// The six stages.
    pub stages: Vec<StageRecord>,
    /// The attack, if one was played.
    pub attack: Option<AttackRecord>,
}

impl Trace {
    /// The record of a stage, if it has run.
    pub fn stage(&self, stage: Stage) -> Option<&StageRecord> {
        self.stages.iter().find(|r| r.stage == stage)
    }
}
