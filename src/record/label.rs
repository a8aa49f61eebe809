//! The names of what runs: the flow, the attack, the six stages and their
//! titles. Plain data, shared by the engine, the views and the transcripts.

use serde::Serialize;

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

    /// The flow's name on screen, after "the flow": what it does ("with
    /// PKCE"), so that the stages are the one numbering the screens show.
    pub fn caption(self) -> &'static str {
        match self {
            Self::Pkce => "with PKCE",
            Self::Plain => "without PKCE",
        }
    }

    /// The label that places the flow in the series, e.g. "PKCE (Step
    /// 05)", for transcripts.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pkce => "PKCE (Step 05)",
            Self::Plain => "no PKCE (Step 04)",
        }
    }
}

/// An attack the engine plays after stage 4, each once without its defence
/// (the plain flow's side) and once as OAuth 2.1 and MCP require (the PKCE
/// side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    /// An attacker holding a copy of the redirect redeems the code first
    /// (RFC 7636 §1, 4a).
    Interception,
    /// The attacker also reads the authorization request, challenge included
    /// (RFC 7636 §1, 4b).
    Sniffing,
    /// A code issued without a challenge is presented with a verifier
    /// (RFC 9700 §4.8.1).
    Downgrade,
    /// A stolen code is injected into the attacker's own session with the
    /// legitimate client (RFC 9700 §4.5).
    Injection,
}

impl Attack {
    /// Every attack, in the order the picker lists them.
    pub const ALL: [Attack; 4] = [
        Attack::Interception,
        Attack::Sniffing,
        Attack::Downgrade,
        Attack::Injection,
    ];

    /// The name used on the command line and in transcripts.
    pub fn name(self) -> &'static str {
        match self {
            Self::Interception => "interception",
            Self::Sniffing => "sniffing",
            Self::Downgrade => "downgrade",
            Self::Injection => "injection",
        }
    }
}

/// How the client gets its `client_id` (stage 0, after discovery).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// Dynamic Client Registration (RFC 7591): the client POSTs its metadata
    /// to `registration_endpoint` and gets a `client_id` back.
    Dcr,
    /// A Client ID Metadata Document: the `client_id` is the URL of a JSON
    /// document the client serves; the server fetches it when it first sees
    /// the `client_id` (at the authorization request). The current MCP
    /// revision prefers it to DCR when the server offers it.
    Cimd,
}

impl Registration {
    /// The name used on the command line and in transcripts.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dcr => "dcr",
            Self::Cimd => "cimd",
        }
    }
}

/// What the client wants to reach, which decides where discovery starts and
/// what stage 6 calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The plain protected resource `/resource`: the client is configured
    /// with the issuer, reads its metadata (RFC 8414) and registers; stage 6
    /// is one `GET /resource`.
    Resource,
    /// The MCP endpoint `/mcp`: the client starts from the server's URL
    /// alone and walks the MCP discovery chain (the 401, the protected
    /// resource metadata, the authorization server's metadata); stage 6 is
    /// an MCP session (`initialize`, then a tool).
    Mcp,
}

impl Target {
    /// The resource's path on the server.
    pub fn path(self) -> &'static str {
        match self {
            Self::Resource => "/resource",
            Self::Mcp => "/mcp",
        }
    }

    /// The name used in transcripts.
    pub fn name(self) -> &'static str {
        match self {
            Self::Resource => "resource",
            Self::Mcp => "mcp",
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

    /// A one-line title of what a client that uses `code_challenge_method=plain`
    /// does at this stage (the insecure client of the sniffing attack).
    pub fn title_with_plain_method(self) -> &'static str {
        match self {
            Stage::Verifier => "The client generates a random code_verifier",
            Stage::Challenge => "With plain, code_challenge = code_verifier: nothing is hashed",
            Stage::AuthorizationRequest => {
                "The authorization request carries code_challenge and plain"
            }
            Stage::CodeIssued => "The server stores the challenge with the code",
            Stage::TokenRequest => "The token request carries the code_verifier",
            Stage::Verification => {
                "The server compares code_verifier with the challenge, then issues tokens"
            }
        }
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
                "No code_challenge: nothing ties the code to this one flow"
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
