//! The built-in lessons, compiled into the binary from `lessons/` so the
//! tutorial works from any directory. A test checks that this list and the
//! directory hold the same files.

/// `(file name, text)` of one file of `lessons/`.
macro_rules! lesson {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/", $name)),
        )
    };
}

/// Every built-in lesson file, by name.
pub(super) const FILES: &[(&str, &str)] = &[
    lesson!("intro.md"),
    lesson!("pkce-1-verifier.md"),
    lesson!("pkce-2-challenge.md"),
    lesson!("pkce-3-authorization-request.md"),
    lesson!("pkce-4-code-issued.md"),
    lesson!("pkce-5-token-request.md"),
    lesson!("pkce-6-verification.md"),
    lesson!("plain-1-no-verifier.md"),
    lesson!("plain-2-no-challenge.md"),
    lesson!("plain-3-authorization-request.md"),
    lesson!("plain-4-code-issued.md"),
    lesson!("plain-5-token-request.md"),
    lesson!("plain-6-tokens-issued.md"),
    lesson!("attack-interception.md"),
    lesson!("attack-downgrade.md"),
    lesson!("summary.md"),
];
