//! HTTP exchanges as they crossed the wire, recorded as plain data.
//!
//! The client records every request it sends and every response it gets; the
//! flow engine stores them in its stage records, and the screens and
//! transcripts show them. Nothing here performs I/O.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// One decoded `name=value` pair of a query string or a form body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    /// The parameter's name, as the protocol names it.
    pub name: String,
    /// The decoded value.
    pub value: String,
}

impl Param {
    /// A parameter from its name and value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }

    /// Whether PKCE adds this parameter over the plain code flow (Step 04):
    /// `code_challenge` and `code_challenge_method` in the authorization
    /// request (RFC 7636 §4.3), `code_verifier` in the token request (§4.5).
    pub fn added_by_pkce(&self) -> bool {
        matches!(
            self.name.as_str(),
            "code_challenge" | "code_challenge_method" | "code_verifier"
        )
    }
}

/// Bytes as text: borrowed when they are UTF-8 (the usual case, checked on
/// the fast path), with U+FFFD for invalid sequences otherwise.
pub fn utf8_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Decodes `application/x-www-form-urlencoded` text (a query or a form body)
/// into its parameters, in order, duplicates kept.
pub fn decode_params(encoded: &str) -> Vec<Param> {
    url::form_urlencoded::parse(encoded.as_bytes())
        .map(|(name, value)| Param::new(name, value))
        .collect()
}

/// The value of the first parameter called `name`.
pub fn param<'a>(params: &'a [Param], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.value.as_str())
}

/// Serializes parameters as a JSON object in their wire order, so a
/// transcript reads `"params": {"code_challenge": "…"}`.
fn params_as_map<S: Serializer>(params: &[Param], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(params.len()))?;
    for p in params {
        map.serialize_entry(&p.name, &p.value)?;
    }
    map.end()
}

/// Serializes a body as JSON when it is JSON, as a string otherwise.
fn body_as_json_or_text<S: Serializer>(
    body: &Option<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match body {
        None => serializer.serialize_none(),
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) if value.is_object() || value.is_array() => value.serialize(serializer),
            _ => serializer.serialize_str(text),
        },
    }
}

/// A request as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpRequest {
    /// `GET`, `POST`.
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// The decoded query parameters, or the decoded form body for a form POST.
    #[serde(serialize_with = "params_as_map")]
    pub params: Vec<Param>,
    /// Headers the client set, in order (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    #[serde(serialize_with = "body_as_json_or_text")]
    pub body: Option<String>,
}

/// A method and the path of a URL, e.g. `POST /token` (the URL itself if it
/// does not parse).
pub fn summary(method: &str, url: &str) -> String {
    let path = url::Url::parse(url)
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|_| url.to_owned());
    format!("{method} {path}")
}

impl HttpRequest {
    /// The request line and path, e.g. `POST /token`.
    pub fn summary(&self) -> String {
        summary(&self.method, &self.url)
    }

    /// The value of a request parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }
}

/// A response as the client received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Response headers, in order (lower-case names). The `date` header is
    /// left out so that a seeded transcript is the same on every run.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    #[serde(serialize_with = "body_as_json_or_text")]
    pub body: Option<String>,
}

impl HttpResponse {
    /// The value of a response header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as a JSON object, if it is one.
    pub fn json(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        let text = self.body.as_deref()?;
        match serde_json::from_str(text).ok()? {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// A string field of a JSON body, e.g. `error` or `access_token`.
    pub fn json_str(&self, field: &str) -> Option<String> {
        self.json()?.get(field)?.as_str().map(str::to_owned)
    }

    /// The OAuth `error` of the response: a JSON body's `error` (the token
    /// endpoint, OAuth 2.1 §3.2.4), or the `error` parameter of a redirect
    /// (the authorization endpoint, §4.1.2.1).
    pub fn oauth_error(&self) -> Option<String> {
        self.json_str("error").or_else(|| {
            self.location_params()
                .into_iter()
                .find(|p| p.name == "error")
                .map(|p| p.value)
        })
    }

    /// The decoded query of a redirect's `Location`, for 3xx responses.
    pub fn location_params(&self) -> Vec<Param> {
        self.header("location")
            .and_then(|loc| url::Url::parse(loc).ok())
            .and_then(|u| u.query().map(decode_params))
            .unwrap_or_default()
    }
}

/// One request and its response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// What this exchange is for, e.g. "authorization request".
    pub purpose: String,
    /// What the client sent.
    pub request: HttpRequest,
    /// What came back.
    pub response: HttpResponse,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_parameters_are_marked() {
        assert!(Param::new("code_challenge", "x").added_by_pkce());
        assert!(Param::new("code_verifier", "x").added_by_pkce());
        assert!(!Param::new("state", "x").added_by_pkce());
    }

    #[test]
    fn params_serialize_as_an_ordered_object() {
        let request = HttpRequest {
            method: "GET".into(),
            url: "http://127.0.0.1:1/authorize?b=2&a=1".into(),
            params: decode_params("b=2&a=1"),
            headers: vec![],
            body: None,
        };
        let json = serde_json::to_string(&request).unwrap();
        assert!(json.contains(r#""params":{"b":"2","a":"1"}"#), "{json}");
    }

    #[test]
    fn json_bodies_serialize_as_json() {
        let response = HttpResponse {
            status: 400,
            headers: vec![],
            body: Some(r#"{"error":"invalid_grant"}"#.into()),
        };
        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(json["body"]["error"], "invalid_grant");
    }
}
