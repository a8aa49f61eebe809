//! What the server reports about itself: what it received, what it stored and
//! what it computed, each report naming the request it belongs to. The flow
//! engine files the reports of its own requests into their step records, so
//! the SERVER pane shows the server's own values, never a recomputation;
//! reports of requests it did not send are external (curl from another
//! terminal) and kept apart.

use serde::Serialize;

use super::check::Check;
use crate::wire::{Exchange, Param};

/// The number the server gives each request it reads, in arrival order,
/// also sent back in the response's `x-request-id` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RequestId(pub u64);

/// The header that carries a [`RequestId`] in every response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// One report of the server, about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerReport {
    /// The request it is about.
    pub request: RequestId,
    /// What happened.
    pub report: Report,
}

/// What the server reports about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// The request line and headers arrived.
    Head(RequestHead),
    /// A handler did something.
    Event(ServerEvent),
    /// While handling the request, the server itself sent a request of its
    /// own (it fetched a client's metadata document) and checked the answer:
    /// a step whose actor is the server.
    Fetched(ServerFetch),
    /// The response left with this status.
    Answered {
        /// The HTTP status.
        status: u16,
    },
}

/// A request the server sent on its own while handling another one, as it
/// crossed the wire, and what the server checked in the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerFetch {
    /// What it was for, e.g. "fetches the client metadata document".
    pub purpose: String,
    /// The request and the answer; absent when the server refused to send
    /// it (a URL it does not fetch) or it failed on the way (a timeout).
    pub exchange: Option<Exchange>,
    /// What the server checked, in order, up to the first failure.
    pub checks: Vec<Check>,
    /// Whether the server accepted what it fetched.
    pub accepted: bool,
}

/// A request line and its headers as the server read them from the socket:
/// every header the client's HTTP stack sent, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestHead {
    /// `GET`, `POST`.
    pub method: String,
    /// The origin-form target, path and query (`/authorize?…`).
    pub target: String,
    /// `HTTP/1.1`.
    pub version: String,
    /// Header names (lower-case) and values, in the order received.
    pub headers: Vec<(String, String)>,
}

/// One thing the authorization server did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ServerEvent {
    /// A request arrived (decoded query or form parameters).
    Received {
        /// `GET`, `POST`.
        method: String,
        /// The path, e.g. `/token`.
        path: String,
        /// The decoded parameters.
        #[serde(serialize_with = "params_as_pairs")]
        params: Vec<Param>,
    },
    /// A client registered itself (RFC 7591).
    ClientRegistered {
        /// The identifier the server issued.
        client_id: String,
        /// The redirect URIs it registered.
        redirect_uris: Vec<String>,
    },
    /// The consent page was shown for a valid authorization request.
    ConsentShown {
        /// The client asking.
        client_id: String,
        /// Where the code will be sent.
        redirect_uri: String,
    },
    /// The server issued a code and stored what it is bound to (RFC 7636 §4.4).
    CodeIssued(StoredCode),
    /// The token endpoint checked PKCE (RFC 7636 §4.6).
    PkceChecked(PkceCheck),
    /// The token endpoint issued an access token.
    TokenIssued {
        /// The code redeemed.
        code: String,
        /// The client it was issued to.
        client_id: String,
        /// The token.
        access_token: String,
        /// Its lifetime in seconds.
        expires_in: u64,
        /// The resource it is restricted to (RFC 8707), if any.
        audience: Option<String>,
    },
    /// A second valid redemption of a code revoked the tokens the first one
    /// produced (OAuth 2.1 §4.1.3, SPEC.md AS-26).
    TokensRevoked {
        /// The code replayed.
        code: String,
        /// The tokens revoked.
        access_tokens: Vec<String>,
    },
    /// The protected resource answered a request.
    ResourceAccess {
        /// Whether the bearer token was accepted.
        granted: bool,
        /// Why not, if refused.
        reason: Option<String>,
    },
    /// The server refused a request with an OAuth error.
    Refused {
        /// The endpoint path.
        endpoint: String,
        /// The OAuth `error` code.
        error: String,
        /// The `error_description`.
        error_description: String,
    },
}

/// What the server stored with a code it issued (RFC 7636 §4.4, SPEC.md AS-20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCode {
    /// The authorization code.
    pub code: String,
    /// The client the code was issued to.
    pub client_id: String,
    /// The redirect URI it was sent to.
    pub redirect_uri: String,
    /// The challenge stored with it, absent when the request carried none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    /// The method stored with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge_method: Option<String>,
    /// The scope granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The resource authorized (RFC 8707).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// How long the code lives, in seconds (a duration, not a clock time).
    pub lifetime_secs: u64,
}

/// The token endpoint's PKCE decision, with the values it computed itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PkceCheck {
    /// The code being redeemed.
    pub code: String,
    /// The verifier as received, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<String>,
    /// `SHA256(code_verifier)` in hex, as the server computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256_hex: Option<String>,
    /// `BASE64URL(SHA256(code_verifier))`, as the server computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed_challenge: Option<String>,
    /// The challenge stored with the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored_challenge: Option<String>,
    /// The outcome.
    pub verdict: PkceVerdict,
}

/// How the token endpoint's PKCE check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PkceVerdict {
    /// The computed challenge equals the stored one.
    Match,
    /// They differ: `invalid_grant` (RFC 7636 §4.6).
    Mismatch,
    /// The code has a challenge but no verifier came: `invalid_request`.
    MissingVerifier,
    /// The verifier breaks the RFC 7636 §4.1 grammar: `invalid_grant`.
    MalformedVerifier,
    /// A verifier came for a code issued without a challenge: the downgrade
    /// countermeasure (RFC 9700 §4.8.2) answers `invalid_request`.
    Downgrade,
    /// Neither challenge nor verifier: only the optional policy (Step 04)
    /// lets this through.
    NotUsed,
}

fn params_as_pairs<S: serde::Serializer>(
    params: &[Param],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = serializer.serialize_seq(Some(params.len()))?;
    for p in params {
        seq.serialize_element(&(&p.name, &p.value))?;
    }
    seq.end()
}
