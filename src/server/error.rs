//! OAuth error responses: JSON for the token and registration endpoints
//! (OAuth 2.1 §3.2.4, RFC 7591 §3.2.2), a redirect for the authorization
//! endpoint once client and redirect URI are validated, and an HTML page when
//! they are not (OAuth 2.1 §4.1.2.1: never redirect to an unvalidated URI).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::access_log::mark;

/// An OAuth error: its registered code and a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub(crate) error: &'static str,
    pub(crate) description: String,
}

impl OAuthError {
    pub(crate) fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            description: safe_description(&description.into()),
        }
    }

    /// The HTTP status at the token and registration endpoints: 401 for
    /// `invalid_client` (OAuth 2.1 §3.2.4), 400 otherwise.
    fn status(&self) -> StatusCode {
        if self.error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        }
    }

    /// The JSON error response with `Cache-Control: no-store`
    /// (OAuth 2.1 §3.2.4); `invalid_client` carries `WWW-Authenticate: Basic`
    /// (§3.2.4: the scheme the client may authenticate with).
    pub(crate) fn into_json_response(self) -> Response {
        let error = self.error;
        mark(self.json_response(), error)
    }

    fn json_response(self) -> Response {
        let status = self.status();
        let mut response = (
            status,
            [
                (header::CACHE_CONTROL, "no-store"),
                (header::PRAGMA, "no-cache"),
            ],
            axum::Json(json!({ "error": self.error, "error_description": self.description })),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"pkce-tutor\""),
            );
        }
        response
    }

    /// The error page shown instead of a redirect when the client or its
    /// redirect URI cannot be trusted (OAuth 2.1 §4.1.2.1: SHOULD be 400).
    pub(crate) fn into_page(self) -> Response {
        self.into_page_with(
            StatusCode::BAD_REQUEST,
            "The server does not redirect: it cannot trust the redirect URI (OAuth 2.1 section 4.1.2.1).",
        )
    }

    /// An error page with this status and an explanation under the error.
    pub(crate) fn into_page_with(self, status: StatusCode, explanation: &str) -> Response {
        let body = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Authorization error</title></head>\
             <body><h1>Authorization error</h1><p><code>error={}</code></p><p>{}</p>\
             <p>{}</p></body></html>",
            self.error,
            escape_html(&self.description),
            escape_html(explanation),
        );
        mark(html_page(status, body), self.error)
    }
}

/// An HTML page: never cached, never framed (OAuth 2.1 §7.11: a framed page
/// lets another site trick the user into clicking).
pub(crate) fn html_page(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
        ],
        Html(body),
    )
        .into_response()
}

/// Keeps an `error_description` within `%x20-21 / %x23-5B / %x5D-7E`
/// (OAuth 2.1 §4.1.2.1, §3.2.4): no `"`, no `\`, ASCII only.
pub(crate) fn safe_description(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push('\''),
            '\\' => out.push('/'),
            '§' => out.push_str("section "),
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_stay_within_the_allowed_characters() {
        let safe = safe_description("RFC 7636 §4.1: \"plain\" \\ é");
        assert!(
            safe.chars()
                .all(|c| matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
        );
    }
}
