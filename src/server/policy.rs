//! The server's PKCE policies as data. A policy is a set of [`Rules`]; the
//! authorization endpoint, the token endpoint and the metadata consult the
//! rules and never the policy's name, so a new policy is one more row here.
//!
//! | policy     | challenge required | `plain` accepted | downgrade refused |
//! |------------|--------------------|------------------|-------------------|
//! | `required` | yes                | no               | yes               |
//! | `optional` | no                 | no               | yes               |
//! | `lax`      | no                 | yes              | no                |
//!
//! `lax` is the insecure server of the attack lab and of experiments
//! (RFC 7636 as first published, before RFC 9700 and OAuth 2.1): never the
//! default.

use subtle::ConstantTimeEq as _;

use super::error::OAuthError;
use crate::pkce::{ChallengeMethod, CodeChallenge, CodeVerifier, hex_grouped, verify_s256};
use crate::record::{PkceCheck, PkceVerdict};

/// Whether and how the server insists on PKCE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PkcePolicy {
    /// OAuth 2.1 / MCP: an authorization request without `code_challenge` is
    /// refused (OAuth 2.1 §4.1.2.1, RFC 7636 §4.4.1).
    Required,
    /// The Step 04 server: PKCE is checked only when a challenge was sent. A
    /// verifier for a code issued without a challenge is still refused
    /// (RFC 9700 §4.8.2).
    Optional,
    /// INSECURE, for experiments only: PKCE optional, `plain` accepted, no
    /// downgrade check.
    Lax,
}

/// What a policy asks of the handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    /// An authorization request must carry `code_challenge`.
    pub(crate) challenge_required: bool,
    /// `code_challenge_method=plain` is accepted, and is the default when a
    /// challenge comes without a method (RFC 7636 §4.3).
    pub(crate) plain_accepted: bool,
    /// A `code_verifier` for a code issued without a challenge is refused
    /// (RFC 9700 §4.8.2).
    pub(crate) downgrade_refused: bool,
}

impl PkcePolicy {
    pub(crate) const fn rules(self) -> Rules {
        match self {
            Self::Required => Rules {
                challenge_required: true,
                plain_accepted: false,
                downgrade_refused: true,
            },
            Self::Optional => Rules {
                challenge_required: false,
                plain_accepted: false,
                downgrade_refused: true,
            },
            Self::Lax => Rules {
                challenge_required: false,
                plain_accepted: true,
                downgrade_refused: false,
            },
        }
    }
}

impl Rules {
    /// `code_challenge_methods_supported` (RFC 8414 §2).
    pub(crate) fn methods_supported(self) -> &'static [&'static str] {
        if self.plain_accepted {
            &["S256", "plain"]
        } else {
            &["S256"]
        }
    }

    /// Reads the PKCE part of an authorization request (RFC 7636 §4.3,
    /// §4.4.1; OAuth 2.1 §4.1.1, §4.1.2.1, §7.5.2).
    pub(crate) fn challenge(
        self,
        challenge: Option<&str>,
        method: Option<&str>,
    ) -> Result<Option<Challenge>, OAuthError> {
        let invalid = |why: String| OAuthError::new("invalid_request", why);
        let Some(challenge) = challenge else {
            return match (self.challenge_required, method) {
                (true, _) => Err(invalid(
                    "code challenge required: this server requires PKCE (OAuth 2.1 section 4.1.2.1, RFC 7636 section 4.4.1)".into(),
                )),
                (false, Some(_)) => Err(invalid(
                    "code_challenge_method without code_challenge (RFC 7636 section 4.3)".into(),
                )),
                (false, None) => Ok(None),
            };
        };
        match (method, self.plain_accepted) {
            (Some("plain") | None, true) => CodeVerifier::parse(challenge)
                .map(|c| Some(Challenge::Plain(c)))
                .map_err(|e| invalid(format!("code_challenge: {e}"))),
            (None, false) => Err(invalid(
                "code_challenge_method is required; use S256 (OAuth 2.1 section 4.1.1)".into(),
            )),
            (Some(method), _) => {
                ChallengeMethod::parse(method).map_err(|e| invalid(e.to_string()))?;
                CodeChallenge::parse_s256(challenge)
                    .map(|c| Some(Challenge::S256(c)))
                    .map_err(|e| invalid(e.to_string()))
            }
        }
    }

    /// The token endpoint's PKCE decision with the server's own computation
    /// (RFC 7636 §4.6, SPEC.md AS-25 a–e).
    pub(crate) fn check(
        self,
        code: &str,
        stored: Option<&Challenge>,
        verifier: Option<&str>,
    ) -> PkceCheck {
        let mut check = PkceCheck {
            code: code.to_owned(),
            code_verifier: verifier.map(str::to_owned),
            sha256_hex: None,
            computed_challenge: None,
            stored_challenge: stored.map(|c| c.as_str().to_owned()),
            verdict: PkceVerdict::NotUsed,
        };
        check.verdict = match (stored, verifier) {
            (None, Some(_)) if self.downgrade_refused => PkceVerdict::Downgrade,
            // The lax server ignores the verifier: the downgrade goes through.
            (None, Some(_)) => PkceVerdict::NotUsed,
            // Cannot be issued when a challenge is required, but if it were,
            // it must not pass (OAuth 2.1 §4.1.3).
            (None, None) if self.challenge_required => PkceVerdict::MissingVerifier,
            (None, None) => PkceVerdict::NotUsed,
            // Whatever the policy, a challenge that was sent is enforced
            // (RFC 9700 §2.1.1).
            (Some(_), None) => PkceVerdict::MissingVerifier,
            (Some(stored), Some(verifier)) => match CodeVerifier::parse(verifier) {
                Err(_) => PkceVerdict::MalformedVerifier,
                Ok(verifier) => {
                    let matches = match stored {
                        Challenge::S256(stored) => {
                            let verification = verify_s256(&verifier, stored);
                            check.sha256_hex = Some(hex_grouped(&verification.computed.sha256));
                            check.computed_challenge =
                                Some(verification.computed.challenge.as_str().to_owned());
                            verification.matches
                        }
                        // plain: the challenge is the verifier (RFC 7636 §4.2).
                        Challenge::Plain(stored) => {
                            check.computed_challenge = Some(verifier.secret().to_owned());
                            verifier
                                .secret()
                                .as_bytes()
                                .ct_eq(stored.secret().as_bytes())
                                .into()
                        }
                    };
                    if matches {
                        PkceVerdict::Match
                    } else {
                        PkceVerdict::Mismatch
                    }
                }
            },
        };
        check
    }
}

/// The challenge stored with a code (RFC 7636 §4.4).
#[derive(Debug, Clone)]
pub(crate) enum Challenge {
    /// `S256`: the base64url SHA-256 of the verifier.
    S256(CodeChallenge),
    /// `plain` (lax policy only): the verifier itself, so it has the
    /// verifier's grammar.
    Plain(CodeVerifier),
}

impl Challenge {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::S256(c) => c.as_str(),
            Self::Plain(c) => c.secret(),
        }
    }

    /// `code_challenge_method` as it travels on the wire.
    pub(crate) fn method(&self) -> &'static str {
        match self {
            Self::S256(_) => ChallengeMethod::S256.as_str(),
            Self::Plain(_) => "plain",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn lax_accepts_plain_and_defaults_to_it() {
        let lax = PkcePolicy::Lax.rules();
        for method in [Some("plain"), None] {
            let stored = lax.challenge(Some(VERIFIER), method).unwrap().unwrap();
            assert_eq!(stored.method(), "plain");
            let check = lax.check("c", Some(&stored), Some(VERIFIER));
            assert_eq!(check.verdict, PkceVerdict::Match);
        }
        assert_eq!(lax.methods_supported(), ["S256", "plain"]);
        assert_eq!(
            lax.check("c", None, Some(VERIFIER)).verdict,
            PkceVerdict::NotUsed
        );
    }

    #[test]
    fn required_and_optional_refuse_plain_and_the_downgrade() {
        for policy in [PkcePolicy::Required, PkcePolicy::Optional] {
            let rules = policy.rules();
            assert!(rules.challenge(Some(VERIFIER), Some("plain")).is_err());
            assert!(rules.challenge(Some(CHALLENGE), None).is_err());
            assert_eq!(rules.methods_supported(), ["S256"]);
            assert_eq!(
                rules.check("c", None, Some(VERIFIER)).verdict,
                PkceVerdict::Downgrade
            );
            let stored = rules.challenge(Some(CHALLENGE), Some("S256")).unwrap();
            let check = rules.check("c", stored.as_ref(), Some(VERIFIER));
            assert_eq!(check.verdict, PkceVerdict::Match);
        }
        let required = PkcePolicy::Required.rules();
        assert!(required.challenge(None, None).is_err());
        assert_eq!(
            required.check("c", None, None).verdict,
            PkceVerdict::MissingVerifier
        );
    }
}
