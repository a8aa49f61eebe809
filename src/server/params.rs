//! Request parameters as OAuth 2.1 §3.1 and §3.2 want them read: unknown
//! parameters ignored, a parameter sent twice refused, an empty value treated
//! as absent (SPEC.md AS-6, AS-21).

use crate::wire::{Param, decode_params};

/// The decoded parameters of a query string or a form body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<Param>);

/// A parameter was sent more than once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicated(pub String);

impl Params {
    /// Decodes `application/x-www-form-urlencoded` text.
    pub(crate) fn decode(encoded: &str) -> Self {
        Self(decode_params(encoded))
    }

    /// The value of `name`: `Ok(None)` when absent or empty,
    /// `Err` when sent more than once.
    pub(crate) fn get(&self, name: &str) -> Result<Option<&str>, Duplicated> {
        let mut found = self.0.iter().filter(|p| p.name == name);
        let first = found.next();
        if found.next().is_some() {
            return Err(Duplicated(name.to_owned()));
        }
        Ok(first.map(|p| p.value.as_str()).filter(|v| !v.is_empty()))
    }

    /// The first parameter sent more than once, if any.
    pub(crate) fn first_duplicate(&self) -> Option<Duplicated> {
        self.0.iter().enumerate().find_map(|(i, p)| {
            self.0[..i]
                .iter()
                .any(|q| q.name == p.name)
                .then(|| Duplicated(p.name.clone()))
        })
    }

    /// Every parameter, in order, for the server's events.
    pub(crate) fn all(&self) -> Vec<Param> {
        self.0.clone()
    }
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
        assert_eq!(params.first_duplicate(), Some(Duplicated("c".into())));
    }
}
