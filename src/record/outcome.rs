//! What the server's answer to one request amounts to, in OAuth terms: a
//! token, a code, the consent page, access to the resource, an error page,
//! or a refusal with an OAuth `error`. Read from the recorded response only,
//! so a checkpoint's prediction is checked against what really came back.

use std::fmt;

use super::oauth_error::OAuthErrorCode;
use crate::wire::{Exchange, HttpResponse};

/// The OAuth outcome of one exchange.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The token endpoint issued an access token (200 with `access_token`).
    Token,
    /// The authorization endpoint redirected with a `code`.
    Code,
    /// The authorization request was valid: the user is asked to approve
    /// (200, the consent page).
    Consent,
    /// The protected resource answered 200.
    Access,
    /// The authorization endpoint showed an error page and did not redirect
    /// (an unknown client or redirect URI, OAuth 2.1 §4.1.2.1).
    ErrorPage,
    /// A refusal with this OAuth `error`, in a JSON body, a redirect or a
    /// `WWW-Authenticate` header.
    Refused(OAuthErrorCode),
}

impl Outcome {
    /// The names of the outcomes that are not an error code, for messages.
    pub const NAMES: [&'static str; 5] = ["token", "code", "consent", "access", "error_page"];

    /// The outcome of a recorded exchange, or `None` when the answer is none
    /// of the above (a 5xx, say).
    pub fn of(exchange: &Exchange) -> Option<Self> {
        let response = &exchange.response;
        if let Some(error) = response_error(response) {
            return Some(Self::Refused(OAuthErrorCode::parse(&error)));
        }
        if response.header("location").is_some() {
            return response
                .location_params()
                .iter()
                .any(|p| p.name == "code")
                .then_some(Self::Code);
        }
        let path = url::Url::parse(&exchange.request.url)
            .map(|u| u.path().to_owned())
            .unwrap_or_default();
        match response.status {
            200 if response.json_str("access_token").is_some() => Some(Self::Token),
            200 if path.ends_with("/authorize") => Some(Self::Consent),
            200 => Some(Self::Access),
            400 if is_html(response) => Some(Self::ErrorPage),
            _ => None,
        }
    }

    /// The outcome a front matter names: `token`, `code`, `consent`,
    /// `access`, `error_page` or a known OAuth error code.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "token" => Self::Token,
            "code" => Self::Code,
            "consent" => Self::Consent,
            "access" => Self::Access,
            "error_page" => Self::ErrorPage,
            other => match OAuthErrorCode::parse(other) {
                OAuthErrorCode::Other(_) => return None,
                code => Self::Refused(code),
            },
        })
    }

    /// The name [`Outcome::parse`] reads.
    pub fn name(&self) -> &str {
        match self {
            Self::Token => "token",
            Self::Code => "code",
            Self::Consent => "consent",
            Self::Access => "access",
            Self::ErrorPage => "error_page",
            Self::Refused(code) => code.as_str(),
        }
    }

    /// The outcome in words, for a learner.
    pub fn describe(&self) -> String {
        match self {
            Self::Token => "an access token".to_owned(),
            Self::Code => "a redirect carrying an authorization code".to_owned(),
            Self::Consent => {
                "the consent page: the request is valid and the user is asked".to_owned()
            }
            Self::Access => "access to the protected resource".to_owned(),
            Self::ErrorPage => "an error page, and no redirect".to_owned(),
            Self::Refused(code) => format!("a refusal: `{code}`"),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The OAuth `error` of a response, wherever it travels: a JSON body or a
/// redirect (`HttpResponse::oauth_error`), or a `WWW-Authenticate`
/// challenge (RFC 6750 §3).
fn response_error(response: &HttpResponse) -> Option<String> {
    if let Some(error) = response.oauth_error() {
        return Some(error);
    }
    let challenge = response.header("www-authenticate")?;
    let start = challenge.find("error=\"")? + "error=\"".len();
    let end = start + challenge[start..].find('"')?;
    Some(challenge[start..end].to_owned())
}

fn is_html(response: &HttpResponse) -> bool {
    response
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::HttpRequest;

    fn exchange(url: &str, status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            purpose: "test".into(),
            request: HttpRequest {
                method: "GET".into(),
                url: url.into(),
                params: vec![],
                headers: vec![],
                body: None,
            },
            response: HttpResponse {
                status,
                headers: headers
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                    .collect(),
                body: (!body.is_empty()).then(|| body.to_owned()),
            },
        }
    }

    #[test]
    fn each_kind_of_answer_has_its_outcome() {
        let token = exchange(
            "http://h/token",
            200,
            &[("content-type", "application/json")],
            r#"{"access_token":"t","token_type":"Bearer"}"#,
        );
        assert_eq!(Outcome::of(&token), Some(Outcome::Token));
        let refused = exchange("http://h/token", 400, &[], r#"{"error":"invalid_grant"}"#);
        assert_eq!(
            Outcome::of(&refused),
            Some(Outcome::Refused(OAuthErrorCode::InvalidGrant))
        );
        let code = exchange(
            "http://h/consent",
            303,
            &[("location", "http://c/cb?code=x&state=s")],
            "",
        );
        assert_eq!(Outcome::of(&code), Some(Outcome::Code));
        let redirected_error = exchange(
            "http://h/authorize?x=1",
            302,
            &[("location", "http://c/cb?error=invalid_request&state=s")],
            "",
        );
        assert_eq!(
            Outcome::of(&redirected_error).map(|o| o.to_string()),
            Some("invalid_request".into())
        );
        let consent = exchange(
            "http://h/authorize?x=1",
            200,
            &[("content-type", "text/html")],
            "<form>",
        );
        assert_eq!(Outcome::of(&consent), Some(Outcome::Consent));
        let page = exchange(
            "http://h/authorize?x=1",
            400,
            &[("content-type", "text/html; charset=utf-8")],
            "<p>error=invalid_request</p>",
        );
        assert_eq!(Outcome::of(&page), Some(Outcome::ErrorPage));
        let revoked = exchange(
            "http://h/resource",
            401,
            &[("www-authenticate", r#"Bearer error="invalid_token", x="y""#)],
            "",
        );
        assert_eq!(
            Outcome::of(&revoked),
            Some(Outcome::Refused(OAuthErrorCode::InvalidToken))
        );
        let access = exchange("http://h/resource", 200, &[], "{}");
        assert_eq!(Outcome::of(&access), Some(Outcome::Access));
        assert_eq!(Outcome::of(&exchange("http://h/x", 500, &[], "")), None);
    }

    #[test]
    fn names_round_trip_and_unknown_codes_are_refused() {
        for name in Outcome::NAMES
            .into_iter()
            .chain(["invalid_grant", "invalid_request"])
        {
            assert_eq!(
                Outcome::parse(name).map(|o| o.to_string()),
                Some(name.into())
            );
        }
        assert_eq!(Outcome::parse("invalid_grnat"), None);
        assert_eq!(Outcome::parse("200"), None);
    }
}
