//! What the client reads from the browser: the consent form, and the redirect
//! back with the code, checked for `state` (OAuth 2.1 §7.10, SPEC.md C-5) and
//! `iss` (RFC 9207 §2.4, SPEC.md C-7).

use crate::wire::{HttpResponse, Param, decode_params, param};

/// The parameters of a successful redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The authorization code.
    pub code: String,
    /// The `iss` received.
    pub iss: Option<String>,
}

/// Why the client refuses a redirect, or what error it carried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// The response is not a redirect.
    #[error("expected a redirect, got status {0}")]
    NotARedirect(u16),
    /// `state` is missing or differs (SPEC.md C-5).
    #[error(
        "the redirect's state {got:?} differs from the one sent: possible CSRF, discarded (OAuth 2.1 section 7.10)"
    )]
    StateMismatch {
        /// The state received.
        got: Option<String>,
    },
    /// `iss` differs, or is missing though promised (RFC 9207 §2.4).
    #[error(
        "the redirect's iss {got:?} is not the expected issuer {expected}: discarded (RFC 9207 section 2.4)"
    )]
    IssuerMismatch {
        /// The iss received.
        got: Option<String>,
        /// The issuer expected.
        expected: String,
    },
    /// The server sent an OAuth error on the redirect.
    #[error("the authorization server answered {error}: {description}")]
    Refused {
        /// The OAuth `error` code.
        error: String,
        /// The `error_description`.
        description: String,
    },
    /// Neither a code nor an error.
    #[error("the redirect carries no code")]
    NoCode,
}

/// Reads the redirect: checks `state` and `iss` first, then takes the code or
/// the error.
pub fn parse_callback(
    response: &HttpResponse,
    expected_state: &str,
    expected_issuer: &str,
    iss_promised: bool,
) -> Result<Callback, CallbackError> {
    if !(300..400).contains(&response.status) || response.header("location").is_none() {
        return Err(CallbackError::NotARedirect(response.status));
    }
    read_params(
        &response.location_params(),
        expected_state,
        expected_issuer,
        iss_promised,
    )
}

/// Reads the redirect as it arrived at the client's loopback listener (a
/// real browser followed it): the same checks on the URL's query.
pub fn parse_callback_url(
    url: &str,
    expected_state: &str,
    expected_issuer: &str,
    iss_promised: bool,
) -> Result<Callback, CallbackError> {
    let params = url::Url::parse(url)
        .ok()
        .and_then(|u| u.query().map(decode_params))
        .unwrap_or_default();
    read_params(&params, expected_state, expected_issuer, iss_promised)
}

fn read_params(
    params: &[Param],
    expected_state: &str,
    expected_issuer: &str,
    iss_promised: bool,
) -> Result<Callback, CallbackError> {
    let state = param(params, "state");
    if state != Some(expected_state) {
        return Err(CallbackError::StateMismatch {
            got: state.map(str::to_owned),
        });
    }
    let iss = param(params, "iss").map(str::to_owned);
    let iss_ok = match &iss {
        Some(iss) => iss == expected_issuer,
        None => !iss_promised,
    };
    if !iss_ok {
        return Err(CallbackError::IssuerMismatch {
            got: iss,
            expected: expected_issuer.to_owned(),
        });
    }
    if let Some(error) = param(params, "error") {
        return Err(CallbackError::Refused {
            error: error.to_owned(),
            description: param(params, "error_description")
                .unwrap_or_default()
                .to_owned(),
        });
    }
    let code = param(params, "code").ok_or(CallbackError::NoCode)?;
    Ok(Callback {
        code: code.to_owned(),
        iss,
    })
}

/// The consent form's `action` and hidden `request_id`, read from the page
/// the server rendered.
pub(super) fn consent_form(html: &str) -> Option<(String, String)> {
    let attribute = |tag_start: usize, name: &str| -> Option<String> {
        let tag_end = html[tag_start..].find('>')? + tag_start;
        let tag = &html[tag_start..tag_end];
        let needle = format!("{name}=\"");
        let at = tag.find(&needle)? + needle.len();
        let len = tag[at..].find('"')?;
        Some(tag[at..at + len].to_owned())
    };
    let form = html.find("<form")?;
    let action = attribute(form, "action")?;
    let hidden = html.find("name=\"request_id\"")?;
    let input = html[..hidden].rfind("<input")?;
    let request_id = attribute(input, "value")?;
    Some((action, request_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect(location: &str) -> HttpResponse {
        HttpResponse {
            status: 302,
            headers: vec![("location".into(), location.into())],
            body: None,
        }
    }

    const ISS: &str = "http://127.0.0.1:1";

    #[test]
    fn accepts_matching_state_and_iss() {
        let r = redirect("http://127.0.0.1/cb?code=abc&state=s1&iss=http%3A%2F%2F127.0.0.1%3A1");
        assert_eq!(
            parse_callback(&r, "s1", ISS, true),
            Ok(Callback {
                code: "abc".into(),
                iss: Some(ISS.into())
            })
        );
    }

    #[test]
    fn refuses_wrong_state() {
        let r = redirect("http://127.0.0.1/cb?code=abc&state=evil&iss=http%3A%2F%2F127.0.0.1%3A1");
        assert!(matches!(
            parse_callback(&r, "s1", ISS, true),
            Err(CallbackError::StateMismatch { .. })
        ));
    }

    #[test]
    fn refuses_wrong_or_missing_iss_when_promised() {
        let wrong = redirect("http://127.0.0.1/cb?code=abc&state=s1&iss=http%3A%2F%2Fevil");
        assert!(matches!(
            parse_callback(&wrong, "s1", ISS, true),
            Err(CallbackError::IssuerMismatch { .. })
        ));
        let missing = redirect("http://127.0.0.1/cb?code=abc&state=s1");
        assert!(parse_callback(&missing, "s1", ISS, true).is_err());
        assert!(parse_callback(&missing, "s1", ISS, false).is_ok());
    }

    #[test]
    fn reads_the_consent_form() {
        let html = r#"<form method="post" action="/consent"><input type="hidden" name="request_id" value="r1"><button>"#;
        assert_eq!(consent_form(html), Some(("/consent".into(), "r1".into())));
    }
}
