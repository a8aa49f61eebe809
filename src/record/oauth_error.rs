//! The OAuth error codes this tutorial meets, as an enum, so views and
//! lessons match on a code rather than on a string.

use std::fmt;

/// An OAuth `error` code (OAuth 2.1 §4.1.2.1, §3.2.4; RFC 6750 §3.1;
/// RFC 7591 §3.2.2; RFC 8707 §2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OAuthErrorCode {
    /// A required parameter is missing, repeated or malformed.
    InvalidRequest,
    /// The code, or its binding (verifier, client, redirect URI), is invalid.
    InvalidGrant,
    /// Client authentication failed.
    InvalidClient,
    /// The resource is unknown or not what was authorized (RFC 8707).
    InvalidTarget,
    /// The bearer token is invalid, expired or revoked (RFC 6750).
    InvalidToken,
    /// The token lacks the scope needed (RFC 6750).
    InsufficientScope,
    /// The user (or the server) denied the request.
    AccessDenied,
    /// The grant type is not supported.
    UnsupportedGrantType,
    /// The response type is not supported.
    UnsupportedResponseType,
    /// A registered redirect URI is not acceptable (RFC 7591).
    InvalidRedirectUri,
    /// Other client metadata is not acceptable (RFC 7591).
    InvalidClientMetadata,
    /// A code this tutorial does not know, kept verbatim.
    Other(String),
}

impl OAuthErrorCode {
    /// The code as it travels on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidClient => "invalid_client",
            Self::InvalidTarget => "invalid_target",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidRedirectUri => "invalid_redirect_uri",
            Self::InvalidClientMetadata => "invalid_client_metadata",
            Self::Other(code) => code,
        }
    }

    /// The code of a wire value.
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_grant" => Self::InvalidGrant,
            "invalid_client" => Self::InvalidClient,
            "invalid_target" => Self::InvalidTarget,
            "invalid_token" => Self::InvalidToken,
            "insufficient_scope" => Self::InsufficientScope,
            "access_denied" => Self::AccessDenied,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "unsupported_response_type" => Self::UnsupportedResponseType,
            "invalid_redirect_uri" => Self::InvalidRedirectUri,
            "invalid_client_metadata" => Self::InvalidClientMetadata,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for OAuthErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in [
            "invalid_request",
            "invalid_grant",
            "invalid_target",
            "access_denied",
            "something_else",
        ] {
            assert_eq!(OAuthErrorCode::parse(code).as_str(), code);
        }
        assert_eq!(
            OAuthErrorCode::parse("invalid_grant"),
            OAuthErrorCode::InvalidGrant
        );
    }
}
