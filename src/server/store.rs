//! What the server remembers: registered clients, authorization requests
//! waiting for consent, issued codes (single use, expiring, bound to client,
//! redirect URI and challenge) and access tokens (revocable).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::pkce::{ChallengeMethod, CodeChallenge};

/// A registered public client (RFC 7591).
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) client_name: Option<String>,
}

/// A validated authorization request: what a code issued for it is bound to
/// (OAuth 2.1 §4.1.2, SPEC.md AS-20).
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    /// Whether `redirect_uri` was in the request: then the token request must
    /// repeat it (OAuth 2.1 §10.2, RFC 6749 §4.1.3).
    pub(crate) redirect_uri_sent: bool,
    /// The `state` as sent, byte for byte (SPEC.md AS-14).
    pub(crate) state: Option<Vec<u8>>,
    pub(crate) challenge: Option<(CodeChallenge, ChallengeMethod)>,
    pub(crate) scope: Option<String>,
    pub(crate) resource: Option<String>,
}

/// An issued code.
#[derive(Debug, Clone)]
pub(crate) struct IssuedCode {
    pub(crate) grant: Grant,
    pub(crate) expires_at: Instant,
    /// The tokens issued for it once redeemed; `None` while unused.
    pub(crate) redeemed: Option<Vec<String>>,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub(crate) client_id: String,
    pub(crate) audience: Option<String>,
    pub(crate) expires_at: Instant,
    pub(crate) revoked: bool,
}

/// Everything, behind one lock: checking and redeeming a code happen under it
/// together, so of two simultaneous redemptions exactly one wins.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) clients: HashMap<String, Client>,
    /// Authorization requests shown on the consent page, by request id.
    pub(crate) pending: HashMap<String, (Grant, Instant)>,
    pub(crate) codes: HashMap<String, IssuedCode>,
    pub(crate) tokens: HashMap<String, AccessToken>,
}

impl Store {
    /// Forgets what has expired, so a long `serve` session does not grow
    /// without bound. Redeemed codes are kept until they expire, to detect
    /// replays (SPEC.md AS-26).
    pub(crate) fn sweep(&mut self, now: Instant, pending_lifetime: Duration) {
        self.codes.retain(|_, c| c.expires_at > now);
        self.tokens.retain(|_, t| t.expires_at > now);
        self.pending
            .retain(|_, (_, shown)| now.duration_since(*shown) < pending_lifetime);
    }
}
