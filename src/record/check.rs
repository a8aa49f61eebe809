//! A check one side of the protocol made before it went on: the client
//! reading a discovery document (does `issuer` equal the URL it came from?
//! is S256 offered?), the server reading a client's metadata document (does
//! its `client_id` equal its URL?). Each check names the rule and whether it
//! held, so a view can show why a run went on or where it stopped.

use serde::Serialize;

/// One rule, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked, with the rule it comes from, e.g. "issuer equals
    /// the URL the metadata was fetched for (RFC 8414 §3.3)".
    pub rule: String,
    /// Whether it held.
    pub passed: bool,
}

impl Check {
    /// A rule that held.
    pub fn passed(rule: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            passed: true,
        }
    }

    /// A rule that did not hold.
    pub fn failed(rule: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            passed: false,
        }
    }

    /// A rule that held or not.
    pub fn new(passed: bool, rule: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            passed,
        }
    }
}

/// The first rule of a list that did not hold.
pub fn first_failure(checks: &[Check]) -> Option<&Check> {
    checks.iter().find(|c| !c.passed)
}
