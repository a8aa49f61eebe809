//! Random protocol values (`state`, codes, tokens, client ids): octets from a
//! generator, base64url-encoded without padding, as RFC 7636 §4.1 encodes a
//! verifier.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;

/// `N` random octets from `rng`, base64url without padding. With `N = 32`
/// a guess succeeds with probability 2^-256 (SPEC.md AS-19 asks ≤ 2^-128).
pub fn urlsafe<const N: usize>(rng: &mut impl Rng) -> String {
    let mut octets = [0u8; N];
    rng.fill_bytes(&mut octets);
    URL_SAFE_NO_PAD.encode(octets)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lengths_follow_the_octet_count() {
        let mut rng = rand::rng();
        assert_eq!(super::urlsafe::<32>(&mut rng).len(), 43);
        assert_eq!(super::urlsafe::<16>(&mut rng).len(), 22);
    }
}
