//! One line of text for each thing the server reported.

use crate::record::{PkceVerdict, ServerEvent};

/// A one-line description of a server event, with its values.
pub fn describe_event(event: &ServerEvent) -> String {
    match event {
        ServerEvent::Received {
            method,
            path,
            params,
        } => {
            let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            if names.is_empty() {
                format!("received {method} {path}")
            } else {
                format!("received {method} {path} ({})", names.join(", "))
            }
        }
        ServerEvent::ClientRegistered {
            client_id,
            redirect_uris,
        } => format!(
            "registered client_id {client_id} for {}",
            redirect_uris.join(", ")
        ),
        ServerEvent::ConsentShown {
            client_id,
            redirect_uri,
        } => format!("showed the consent page: {client_id} asks, code to {redirect_uri}"),
        ServerEvent::CodeIssued(stored) => {
            let challenge = match (&stored.code_challenge, &stored.code_challenge_method) {
                (Some(c), Some(m)) => format!("code_challenge {c} ({m})"),
                _ => "no code_challenge".to_owned(),
            };
            format!(
                "stored code {} -> {challenge}, client_id {}, redirect_uri {}, expires in {} s",
                stored.code, stored.client_id, stored.redirect_uri, stored.lifetime_secs
            )
        }
        ServerEvent::PkceChecked(check) => {
            let verdict = match check.verdict {
                PkceVerdict::Match => "match: PKCE verified",
                PkceVerdict::Mismatch => "MISMATCH: invalid_grant (RFC 7636 §4.6)",
                PkceVerdict::MissingVerifier => "no code_verifier: invalid_request",
                PkceVerdict::MalformedVerifier => "malformed code_verifier: invalid_grant",
                PkceVerdict::Downgrade => {
                    "code_verifier for a code without challenge: downgrade refused (RFC 9700 §4.8.2)"
                }
                PkceVerdict::NotUsed => "no challenge, no verifier: PKCE not used",
            };
            match (
                &check.sha256_hex,
                &check.computed_challenge,
                &check.stored_challenge,
            ) {
                (Some(sha), Some(computed), Some(stored)) => format!(
                    "PKCE check: SHA256(code_verifier) = {sha}; BASE64URL = {computed}; stored {stored}; {verdict}"
                ),
                _ => format!("PKCE check: {verdict}"),
            }
        }
        ServerEvent::TokenIssued {
            access_token,
            expires_in,
            audience,
            ..
        } => format!(
            "issued access_token {access_token} (expires in {expires_in} s{})",
            audience
                .as_deref()
                .map(|a| format!(", audience {a}"))
                .unwrap_or_default()
        ),
        ServerEvent::TokensRevoked { access_tokens, .. } => format!(
            "code used twice: revoked {} (OAuth 2.1 §4.1.3)",
            access_tokens.join(", ")
        ),
        ServerEvent::ResourceAccess { granted, reason } => match (granted, reason) {
            (true, _) => "resource: access granted".to_owned(),
            (false, Some(why)) => format!("resource: refused ({why})"),
            (false, None) => "resource: refused".to_owned(),
        },
        ServerEvent::Refused {
            endpoint,
            error,
            error_description,
        } => format!("refused at {endpoint}: {error} ({error_description})"),
    }
}
