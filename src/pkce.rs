//! The PKCE values of RFC 7636 as types: the `code_verifier`, the
//! `code_challenge` derived from it, and the transformation method.
//!
//! Pure functions, no I/O. The derivation keeps the intermediate SHA-256
//! digest because the tutorial shows it on screen; the comparison at the
//! token endpoint is constant-time (`subtle`) as SPEC.md AS-25 asks.
//! Newtypes keep a verifier from ever standing where a challenge is expected,
//! and the verifier's `Debug` does not print the secret.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Number of random octets behind a generated verifier: 32, as RFC 7636 §4.1
/// recommends, which base64url-encodes to 43 characters.
pub const VERIFIER_ENTROPY_BYTES: usize = 32;
/// Shortest verifier or challenge allowed by the ABNF of RFC 7636 §4.1 / §4.2.
pub const MIN_LEN: usize = 43;
/// Longest verifier or challenge allowed by the ABNF of RFC 7636 §4.1 / §4.2.
pub const MAX_LEN: usize = 128;
/// Length of every S256 challenge: base64url of 32 octets without padding.
pub const S256_CHALLENGE_LEN: usize = 43;

/// Why a string is not a valid `code_verifier` or `code_challenge`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// Fewer than 43 characters (RFC 7636 §4.1: `43*128unreserved`).
    #[error(
        "{what} is {len} characters long; RFC 7636 §{} requires at least {MIN_LEN} (43*128unreserved)",
        grammar_section(.what)
    )]
    TooShort { what: &'static str, len: usize },
    /// More than 128 characters (RFC 7636 §4.1: `43*128unreserved`).
    #[error(
        "{what} is {len} characters long; RFC 7636 §{} allows at most {MAX_LEN} (43*128unreserved)",
        grammar_section(.what)
    )]
    TooLong { what: &'static str, len: usize },
    /// A character outside `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"`.
    #[error(
        "{what} has {found:?} at position {position}; RFC 7636 §{} allows only A-Z a-z 0-9 - . _ ~ (unreserved)",
        grammar_section(.what)
    )]
    InvalidCharacter {
        what: &'static str,
        found: char,
        position: usize,
    },
    /// An S256 challenge that is not 43 characters cannot be a SHA-256 digest
    /// in unpadded base64url (RFC 7636 §4.2, SPEC.md AS-12).
    #[error(
        "an S256 code_challenge is exactly {S256_CHALLENGE_LEN} characters (base64url of a SHA-256 digest, no padding, RFC 7636 §4.2); this one has {len}"
    )]
    NotS256Length { len: usize },
}

/// Where RFC 7636 gives the grammar of `what`: §4.1 for `code_verifier`,
/// §4.2 for `code_challenge`.
fn grammar_section(what: &str) -> &'static str {
    if what == "code_challenge" {
        "4.2"
    } else {
        "4.1"
    }
}

/// Checks the shared grammar of verifiers and challenges:
/// `43*128unreserved` (RFC 7636 §4.1 and §4.2). Length counts characters.
fn check_unreserved(what: &'static str, value: &str) -> Result<(), SyntaxError> {
    if let Some((position, found)) = value.chars().enumerate().find(|(_, c)| !is_unreserved(*c)) {
        return Err(SyntaxError::InvalidCharacter {
            what,
            found,
            position: position + 1,
        });
    }
    let len = value.chars().count();
    if len < MIN_LEN {
        return Err(SyntaxError::TooShort { what, len });
    }
    if len > MAX_LEN {
        return Err(SyntaxError::TooLong { what, len });
    }
    Ok(())
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// The secret the client keeps and reveals only at the token endpoint.
///
/// `Debug` prints a placeholder; read the value with [`CodeVerifier::secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

impl CodeVerifier {
    /// Generates a verifier from 32 random octets (RFC 7636 §4.1) and returns
    /// the octets too, so the tutorial can show where the verifier came from.
    pub fn generate(rng: &mut impl Rng) -> (Self, [u8; VERIFIER_ENTROPY_BYTES]) {
        let mut octets = [0u8; VERIFIER_ENTROPY_BYTES];
        rng.fill_bytes(&mut octets);
        (Self::from_octets(&octets), octets)
    }

    /// The verifier for given octets: their base64url encoding without padding.
    pub fn from_octets(octets: &[u8; VERIFIER_ENTROPY_BYTES]) -> Self {
        Self(URL_SAFE_NO_PAD.encode(octets))
    }

    /// Accepts a verifier that follows RFC 7636 §4.1.
    pub fn parse(value: &str) -> Result<Self, SyntaxError> {
        check_unreserved("code_verifier", value)?;
        Ok(Self(value.to_owned()))
    }

    /// The verifier itself, for the token request and for the screen.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier([redacted])")
    }
}

/// What the client sends in the authorization request, and what the server
/// stores with the code it issues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// Accepts a challenge sent with `code_challenge_method=S256`: the grammar
    /// of RFC 7636 §4.2 and exactly 43 characters (SPEC.md AS-12).
    pub fn parse_s256(value: &str) -> Result<Self, SyntaxError> {
        check_unreserved("code_challenge", value)?;
        let len = value.chars().count();
        if len != S256_CHALLENGE_LEN {
            return Err(SyntaxError::NotS256Length { len });
        }
        Ok(Self(value.to_owned()))
    }

    /// The challenge as it travels on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CodeChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The transformation between verifier and challenge. Only `S256` exists here:
/// OAuth 2.1 -16 §7.5.2 forbids `plain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeMethod {
    /// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
    S256,
}

/// Why a `code_challenge_method` value is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MethodError {
    /// `plain` makes the challenge equal to the verifier.
    #[error(
        "code_challenge_method \"plain\" is forbidden (OAuth 2.1 §7.5.2): the challenge would be the verifier itself"
    )]
    PlainForbidden,
    /// Anything else, including a different case such as `s256`.
    #[error(
        "transform algorithm not supported: code_challenge_method {0:?} (only \"S256\" is supported, RFC 7636 §4.4.1)"
    )]
    Unsupported(String),
}

impl ChallengeMethod {
    /// The registered name, case-sensitive (SPEC.md AS-11).
    pub fn parse(value: &str) -> Result<Self, MethodError> {
        match value {
            "S256" => Ok(Self::S256),
            "plain" => Err(MethodError::PlainForbidden),
            other => Err(MethodError::Unsupported(other.to_owned())),
        }
    }

    /// The name as it travels on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S256 => "S256",
        }
    }
}

impl fmt::Display for ChallengeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A derived challenge together with the digest it was encoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// `SHA256(ASCII(code_verifier))`.
    pub sha256: [u8; 32],
    /// `BASE64URL-ENCODE` of that digest, without padding.
    pub challenge: CodeChallenge,
}

/// Derives the S256 challenge of a verifier (RFC 7636 §4.2), keeping the digest.
///
/// The example of RFC 7636 Appendix B:
///
/// ```
/// use pkce_tutor::pkce::{CodeVerifier, derive_s256, hex_grouped};
///
/// let verifier = CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
/// let derivation = derive_s256(&verifier);
/// assert_eq!(derivation.challenge.as_str(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// assert!(hex_grouped(&derivation.sha256).starts_with("13d31e96 1a1ad8ec"));
/// ```
pub fn derive_s256(verifier: &CodeVerifier) -> Derivation {
    let sha256: [u8; 32] = Sha256::digest(verifier.secret().as_bytes()).into();
    Derivation {
        sha256,
        challenge: CodeChallenge(URL_SAFE_NO_PAD.encode(sha256)),
    }
}

/// The token endpoint's check (RFC 7636 §4.6): what the server computed from
/// the verifier it received, and whether it equals the stored challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The server's own derivation from the received verifier.
    pub computed: Derivation,
    /// Whether the computed challenge equals the stored one.
    pub matches: bool,
}

/// Recomputes the challenge from `verifier` and compares it with `stored` in
/// constant time (SPEC.md AS-25 e).
///
/// ```
/// use pkce_tutor::pkce::{CodeChallenge, CodeVerifier, verify_s256};
///
/// let stored = CodeChallenge::parse_s256("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM").unwrap();
/// let right = CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
/// let wrong = CodeVerifier::parse(&"x".repeat(43)).unwrap();
/// assert!(verify_s256(&right, &stored).matches);
/// assert!(!verify_s256(&wrong, &stored).matches);
/// ```
pub fn verify_s256(verifier: &CodeVerifier, stored: &CodeChallenge) -> Verification {
    let computed = derive_s256(verifier);
    let matches = computed
        .challenge
        .as_str()
        .as_bytes()
        .ct_eq(stored.as_str().as_bytes())
        .into();
    Verification { computed, matches }
}

/// Lower-case hex of some octets, grouped in blocks of four octets
/// (8 hex digits) separated by spaces, as the screen shows digests.
pub fn hex_grouped(octets: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(octets.len() * 2 + octets.len() / 4);
    for (i, b) in octets.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const APPENDIX_B_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    const APPENDIX_B_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const APPENDIX_B_SHA256: [u8; 32] = [
        19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173,
        109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
    ];
    const APPENDIX_B_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn appendix_b_octets_encode_to_the_verifier() {
        let verifier = CodeVerifier::from_octets(&APPENDIX_B_OCTETS);
        assert_eq!(verifier.secret(), APPENDIX_B_VERIFIER);
    }

    #[test]
    fn appendix_b_verifier_derives_the_challenge_and_digest() {
        let derivation = derive_s256(&CodeVerifier::parse(APPENDIX_B_VERIFIER).unwrap());
        assert_eq!(derivation.sha256, APPENDIX_B_SHA256);
        assert_eq!(derivation.challenge.as_str(), APPENDIX_B_CHALLENGE);
    }

    #[test]
    fn oauth21_example_vector() {
        let verifier =
            CodeVerifier::parse("3641a2d12d66101249cdf7a79c000c1f8c05d2aafcf14bf146497bed")
                .unwrap();
        assert_eq!(
            derive_s256(&verifier).challenge.as_str(),
            "6fdkQaPm51l13DSukcAH3Mdx7_ntecHYd1vi3n0hMZY"
        );
    }

    #[test]
    fn generated_verifier_is_43_unreserved_characters() {
        let mut rng = rand::rng();
        for _ in 0..100 {
            let (verifier, _) = CodeVerifier::generate(&mut rng);
            assert_eq!(verifier.secret().len(), 43);
            assert!(CodeVerifier::parse(verifier.secret()).is_ok());
        }
    }

    #[test]
    fn verifier_length_bounds() {
        assert!(CodeVerifier::parse(&"a".repeat(43)).is_ok());
        assert!(CodeVerifier::parse(&"a".repeat(128)).is_ok());
        assert_eq!(
            CodeVerifier::parse(&"a".repeat(42)),
            Err(SyntaxError::TooShort {
                what: "code_verifier",
                len: 42
            })
        );
        assert_eq!(
            CodeVerifier::parse(&"a".repeat(129)),
            Err(SyntaxError::TooLong {
                what: "code_verifier",
                len: 129
            })
        );
    }

    #[test]
    fn verifier_rejects_characters_outside_unreserved() {
        let bad = format!("{}+", "a".repeat(43));
        assert_eq!(
            CodeVerifier::parse(&bad),
            Err(SyntaxError::InvalidCharacter {
                what: "code_verifier",
                found: '+',
                position: 44
            })
        );
        // Non-ASCII letters are not ALPHA.
        assert!(CodeVerifier::parse(&format!("{}é", "a".repeat(43))).is_err());
    }

    #[test]
    fn verifier_debug_does_not_leak() {
        let verifier = CodeVerifier::parse(APPENDIX_B_VERIFIER).unwrap();
        assert!(!format!("{verifier:?}").contains(APPENDIX_B_VERIFIER));
    }

    #[test]
    fn s256_challenge_rejects_padding_standard_base64_and_wrong_length() {
        assert!(CodeChallenge::parse_s256(APPENDIX_B_CHALLENGE).is_ok());
        assert!(CodeChallenge::parse_s256(&format!("{APPENDIX_B_CHALLENGE}=")).is_err());
        assert!(CodeChallenge::parse_s256("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM=").is_err());
        assert_eq!(
            CodeChallenge::parse_s256(&"a".repeat(44)),
            Err(SyntaxError::NotS256Length { len: 44 })
        );
    }

    #[test]
    fn method_is_case_sensitive_and_plain_is_forbidden() {
        assert_eq!(ChallengeMethod::parse("S256"), Ok(ChallengeMethod::S256));
        assert_eq!(
            ChallengeMethod::parse("plain"),
            Err(MethodError::PlainForbidden)
        );
        assert!(matches!(
            ChallengeMethod::parse("s256"),
            Err(MethodError::Unsupported(_))
        ));
    }

    #[test]
    fn verification_matches_only_the_right_verifier() {
        let stored = CodeChallenge::parse_s256(APPENDIX_B_CHALLENGE).unwrap();
        let right = verify_s256(&CodeVerifier::parse(APPENDIX_B_VERIFIER).unwrap(), &stored);
        assert!(right.matches);
        assert_eq!(right.computed.challenge, stored);
        let wrong = verify_s256(&CodeVerifier::parse(&"b".repeat(43)).unwrap(), &stored);
        assert!(!wrong.matches);
    }

    #[test]
    fn hex_is_grouped_by_four_octets() {
        assert_eq!(hex_grouped(&APPENDIX_B_SHA256[..8]), "13d31e96 1a1ad8ec");
    }
}
