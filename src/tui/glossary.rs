//! The glossary the help ends with: the words the screens use without
//! explaining them, each in a sentence or two with where it is defined.

/// The terms and what they mean, in the order the flow meets them.
pub const TERMS: &[(&str, &str)] = &[
    (
        "public client",
        "a client that cannot keep a secret, such as an MCP client on the user's machine: it \
         has no client secret and proves nothing of itself at the token endpoint \
         (OAuth 2.1 §2.1). PKCE is its proof instead.",
    ),
    (
        "code_verifier",
        "the client's secret for one flow: 43 to 128 random characters, kept in memory and sent \
         once, in the token request (RFC 7636 §4.1).",
    ),
    (
        "code_challenge",
        "BASE64URL(SHA256(code_verifier)), sent in the authorization request; the server stores \
         it with the code and checks the verifier against it (RFC 7636 §4.2, §4.6).",
    ),
    (
        "state",
        "a random value the client sends to /authorize and expects back unchanged with the \
         code: it ties the answer to a request this client made (RFC 6749 §10.12).",
    ),
    (
        "iss",
        "the issuer, sent back with the code: the client checks that the answer comes from the \
         server it started with, not another one (RFC 9207).",
    ),
    (
        "resource",
        "the protected resource the token is asked for, its audience: a token for one resource \
         is refused by another (RFC 8707; MCP requires it).",
    ),
    (
        "scope",
        "what access the client asks for; here mcp (RFC 6749 §3.3).",
    ),
    (
        "consent",
        "the server's page where the user approves the client; Approve posts its form to \
         /consent, and only then is a code issued.",
    ),
    (
        "303",
        "See Other: the server's answer to the Approve form's POST; the browser follows it with \
         a GET to the redirect_uri, carrying code, state and iss (RFC 9110 §15.4.4).",
    ),
    (
        "request_id",
        "a one-time value in the consent form: it ties the user's Approve to the authorization \
         request the page was shown for. (The x-request-id header is something else: the \
         server's number for each HTTP request.)",
    ),
    (
        "bearer token",
        "the access token: whoever holds it can use it, sent in the header Authorization: Bearer … \
         (RFC 6750). Hence a stolen code must not buy one.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glossary_has_the_words_the_screens_use() {
        let terms: Vec<&str> = TERMS.iter().map(|(t, _)| *t).collect();
        for word in [
            "public client",
            "code_verifier",
            "code_challenge",
            "state",
            "iss",
            "resource",
            "scope",
            "consent",
            "303",
            "request_id",
            "bearer token",
        ] {
            assert!(terms.contains(&word), "{word} is not in the glossary");
        }
    }
}
