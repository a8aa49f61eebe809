//! Every number that bounds what one client can make the server hold: how
//! long a connection may stall, how many may be open, how many records each
//! store keeps and how large a parameter may be. They live here, with the
//! reason for each, so an instructor (or a reviewer) reads them in one place.
//!
//! The caps are sized for a class: a hundred learners, each running a few
//! flows a minute against one `pkce-tutor serve`, stay far below every one of
//! them. Past a cap, the oldest record goes first (see `bounded.rs`), so the
//! server keeps serving new flows under abuse and its memory stays flat.

use std::time::Duration;

/// The limits a server runs with. [`Limits::default`] holds the values for
/// real use; tests shorten the timeouts and lower the caps through
/// `ServerConfig::limits`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a whole request head (request
    /// line and headers), counted from when the server starts waiting for
    /// it, so it also bounds a keep-alive connection waiting for its next
    /// request. It cuts the client that drips one header byte at a time
    /// (slowloris), which the idle timeout cannot see because bytes keep
    /// coming. Every request here is one small head: a real client sends it
    /// in one segment; 10 s leaves room for a human typing into `nc`.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a body once its head is in. Bodies
    /// are at most [`BODY_LIMIT_BYTES`](super::BODY_LIMIT_BYTES), one or two
    /// segments on any link; a client still sending after 10 s is dripping.
    pub body_read_timeout: Duration,
    /// How long a connection may sit with no byte moving in either
    /// direction: an idle keep-alive connection, a connection opened and left
    /// silent, or a client that stopped reading its response. Shorter than
    /// the header timeout so idle connections are let go first; browsers and
    /// HTTP clients open a new connection when they find theirs closed.
    pub idle_timeout: Duration,
    /// How many connections may be open at once. Past it, a new connection
    /// gets `503` and is closed at once, so file descriptors and buffers stay
    /// bounded. A class of a hundred clicking at the same moment uses a few
    /// connections per learner (a browser opens up to six); the timeouts
    /// above free a held slot within seconds. 512 also stays under the
    /// common default of 1,024 open files per process, so `accept` itself
    /// never runs out.
    pub max_connections: usize,
    /// The largest request head (request line and headers) the server
    /// reads; larger ones get `431` from hyper. It must fit an authorization
    /// request with a [`max_state_bytes`](Self::max_state_bytes) `state`,
    /// percent-encoded (up to three bytes per byte).
    pub max_head_bytes: usize,
    /// Registered clients kept (RFC 7591 registrations). The oldest is
    /// forgotten first; every flow of the tutorial registers afresh.
    pub max_clients: usize,
    /// How long a registration is kept: a day, longer than any class.
    pub client_lifetime: Duration,
    /// Authorization requests waiting on the consent page. The oldest is the
    /// likeliest abandoned, so it goes first.
    pub max_pending: usize,
    /// How long a consent page stays answerable.
    pub consent_lifetime: Duration,
    /// Issued codes kept, redeemed ones included until they expire (to
    /// detect replays, OAuth 2.1 §4.1.3). Codes live minutes; the oldest
    /// goes first.
    pub max_codes: usize,
    /// Access tokens kept; the oldest goes first (its client then gets
    /// `invalid_token` and runs a new flow).
    pub max_tokens: usize,
    /// The longest `state` accepted. OAuth sets no limit; clients send tens
    /// of bytes, some encode a return URL. It is echoed byte for byte and
    /// held while consent is pending, so it is bounded.
    pub max_state_bytes: usize,
    /// The longest `scope` accepted.
    pub max_scope_bytes: usize,
    /// Redirect URIs one registration may carry, and the length of each,
    /// and of `client_name`: these are held for a day.
    pub max_redirect_uris: usize,
    /// See [`max_redirect_uris`](Self::max_redirect_uris).
    pub max_redirect_uri_bytes: usize,
    /// See [`max_redirect_uris`](Self::max_redirect_uris).
    pub max_client_name_bytes: usize,
    /// How long the server waits for a client's metadata document (CIMD),
    /// connecting included. The document is a small file on this machine:
    /// it comes in milliseconds or not at all, and while the server waits,
    /// the browser's authorization request waits too.
    pub client_metadata_timeout: Duration,
    /// The largest client metadata document read; the rest is not read.
    /// A document is a few hundred bytes of JSON; the cap keeps a client
    /// from making the server hold a large body.
    pub max_client_metadata_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            max_connections: 512,
            max_head_bytes: 32 * 1024,
            max_clients: 10_000,
            client_lifetime: Duration::from_secs(24 * 3600),
            max_pending: 4_096,
            consent_lifetime: Duration::from_secs(600),
            max_codes: 4_096,
            max_tokens: 8_192,
            max_state_bytes: 4_096,
            max_scope_bytes: 1_024,
            max_redirect_uris: 5,
            max_redirect_uri_bytes: 512,
            max_client_name_bytes: 200,
            client_metadata_timeout: Duration::from_secs(3),
            max_client_metadata_bytes: 16 * 1024,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_hold_together() {
        let limits = Limits::default();
        assert!(limits.header_read_timeout <= Duration::from_secs(10));
        assert!(limits.idle_timeout <= limits.header_read_timeout);
        // A maximal state, percent-encoded, fits in a request head with
        // room for the other parameters.
        assert!(limits.max_state_bytes * 3 + 8 * 1024 <= limits.max_head_bytes);
        // hyper refuses a read buffer under 8 KiB.
        assert!(limits.max_head_bytes >= 8 * 1024);
    }
}
