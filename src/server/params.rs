//! Request parameters as OAuth 2.1 §3.1 and §3.2 want them read: unknown
//! parameters ignored, a parameter sent twice refused, an empty value treated
//! as absent (SPEC.md AS-6, AS-21).

use crate::wire::{Param, decode_params};

/// The decoded parameters of a query string or a form body, and the
/// encoded text they came from (for values that must be echoed byte for
/// byte, like `state`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    decoded: Vec<Param>,
    encoded: String,
}

/// A parameter was sent more than once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicated(pub String);

impl Params {
    /// Decodes `application/x-www-form-urlencoded` text.
    pub(crate) fn decode(encoded: &str) -> Self {
        Self {
            decoded: decode_params(encoded),
            encoded: encoded.to_owned(),
        }
    }

    /// The value of `name`: `Ok(None)` when absent or empty,
    /// `Err` when sent more than once.
    pub(crate) fn get(&self, name: &str) -> Result<Option<&str>, Duplicated> {
        let mut found = self.decoded.iter().filter(|p| p.name == name);
        let first = found.next();
        if found.next().is_some() {
            return Err(Duplicated(name.to_owned()));
        }
        Ok(first.map(|p| p.value.as_str()).filter(|v| !v.is_empty()))
    }

    /// The first parameter sent more than once, if any, leaving out the
    /// names that `may_repeat` (RFC 8707 §2: `resource` may be sent several
    /// times; the endpoints answer that with `invalid_target`).
    pub(crate) fn first_duplicate(&self, may_repeat: &[&str]) -> Option<Duplicated> {
        let mut seen = std::collections::HashSet::with_capacity(self.decoded.len());
        self.decoded
            .iter()
            .filter(|p| !may_repeat.contains(&p.name.as_str()))
            .find(|p| !seen.insert(p.name.as_str()))
            .map(|p| Duplicated(p.name.clone()))
    }

    /// Every non-empty value of `name`, in order.
    pub(crate) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.decoded
            .iter()
            .filter(move |p| p.name == name && !p.value.is_empty())
            .map(|p| p.value.as_str())
    }

    /// The value of `name` as the bytes that were sent, percent-decoded but
    /// not read as UTF-8, so it can be echoed byte for byte (OAuth 2.1
    /// §4.1.2, SPEC.md AS-14). `None` when absent, empty or sent twice.
    pub(crate) fn raw_bytes(&self, name: &str) -> Option<Vec<u8>> {
        let mut values = self
            .encoded
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .filter(|(n, _)| decode_bytes(n) == name.as_bytes())
            .map(|(_, v)| decode_bytes(v));
        let first = values.next()?;
        if values.next().is_some() {
            return None;
        }
        Some(first).filter(|v| !v.is_empty())
    }

    /// Every parameter, in order, for the server's events.
    pub(crate) fn all(&self) -> Vec<Param> {
        self.decoded.clone()
    }
}

/// Percent-decodes one `application/x-www-form-urlencoded` component to bytes
/// (`+` is a space).
fn decode_bytes(component: &str) -> Vec<u8> {
    let spaced = component.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_absent_and_duplicates_refused() {
        let params = Params::decode("a=&b=1&c=2&c=3");
        assert_eq!(params.get("a"), Ok(None));
        assert_eq!(params.get("b"), Ok(Some("1")));
        assert_eq!(params.get("c"), Err(Duplicated("c".into())));
        assert_eq!(params.first_duplicate(&[]), Some(Duplicated("c".into())));
        assert_eq!(params.first_duplicate(&["c"]), None);
        assert_eq!(params.values("c").collect::<Vec<_>>(), ["2", "3"]);
    }

    #[test]
    fn raw_bytes_keep_what_is_not_utf8() {
        let params = Params::decode("state=%ff%fe+x&b=1");
        assert_eq!(
            params.raw_bytes("state"),
            Some(vec![0xff, 0xfe, b' ', b'x'])
        );
        assert_eq!(params.raw_bytes("b"), Some(b"1".to_vec()));
        assert_eq!(params.raw_bytes("c"), None);
    }
}
