//! What the server remembers: registered clients, authorization requests
//! waiting for consent, issued codes (single use, expiring, bound to client,
//! redirect URI, challenge and resource) and access tokens (revocable, each
//! restricted to one resource). Every store is bounded (see `limits.rs`).

use super::bounded::Bounded;
use super::limits::Limits;
use super::policy::Challenge;

/// A registered public client (RFC 7591).
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) client_name: Option<String>,
    /// For a client identified by the URL of its metadata document (CIMD):
    /// that URL, so the consent page can say where the client's name and
    /// redirect URIs came from.
    pub(crate) metadata_document: Option<String>,
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
    /// The `state` as sent, byte for byte (SPEC.md AS-14). Needed until the
    /// redirect; a code does not keep it.
    pub(crate) state: Option<Vec<u8>>,
    pub(crate) challenge: Option<Challenge>,
    pub(crate) scope: Option<String>,
    /// The resource authorized (RFC 8707): the one requested, or the default
    /// `<issuer>/resource` when none was. Every token carries it.
    pub(crate) resource: String,
}

/// An authorization request shown on the consent page.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) grant: Grant,
    /// The value of the cookie set with the page: only the browser that
    /// loaded the page can answer it.
    pub(crate) browser_binding: String,
}

/// An issued code.
#[derive(Debug, Clone)]
pub(crate) struct IssuedCode {
    pub(crate) grant: Grant,
    /// The tokens issued for it once redeemed; `None` while unused.
    pub(crate) redeemed: Option<Vec<String>>,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub(crate) client_id: String,
    /// The scope granted, as the authorization request asked for it.
    pub(crate) scope: Option<String>,
    /// The resource it is for (RFC 8707); the resources refuse any other.
    pub(crate) audience: String,
    pub(crate) revoked: bool,
}

/// Everything, behind one lock: checking and redeeming a code happen under it
/// together, so of two simultaneous redemptions exactly one wins. Every
/// operation is a hash lookup plus, on insertion, forgetting the expired
/// oldest records, so the lock is held for microseconds.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) clients: Bounded<Client>,
    /// By request id.
    pub(crate) pending: Bounded<Pending>,
    /// Redeemed codes are kept until they expire, to detect replays
    /// (SPEC.md AS-26).
    pub(crate) codes: Bounded<IssuedCode>,
    pub(crate) tokens: Bounded<AccessToken>,
}

impl Store {
    pub(crate) fn new(
        limits: &Limits,
        code_lifetime: std::time::Duration,
        token_lifetime: std::time::Duration,
    ) -> Self {
        Self {
            clients: Bounded::new(limits.max_clients, limits.client_lifetime),
            pending: Bounded::new(limits.max_pending, limits.consent_lifetime),
            codes: Bounded::new(limits.max_codes, code_lifetime),
            tokens: Bounded::new(limits.max_tokens, token_lifetime),
        }
    }
}
