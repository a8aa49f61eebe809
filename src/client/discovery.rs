//! The MCP client's discovery, one request at a time, each with what the
//! client checked before it believed the answer (SPEC.md C-1 to C-3):
//!
//! 1. its first MCP request, without a token: a 401 whose `WWW-Authenticate`
//!    names the resource's metadata (`resource_metadata`, RFC 9728 §5.1) and
//!    perhaps the `scope` to ask for;
//! 2. the protected resource metadata (RFC 9728): its `resource` must be the
//!    URL the client is calling (§3.3), and it names the authorization
//!    servers;
//! 3. the authorization server's metadata (RFC 8414): its `issuer` must be
//!    the one the URL was built from (§3.3), and it must offer S256, or an
//!    MCP client refuses to go on.
//!
//! A refusal is an answer, not an error: the step is recorded with the
//! check that failed. Only a request that could not be sent is an error.

use reqwest::header::ACCEPT;
use serde::Deserialize;
use url::Url;

use super::{Client, ClientError, Metadata, challenge, mcp};
use crate::record::{Check, PlannedRequest};
use crate::wire::Exchange;

/// One discovery request as it happened: the exchange, the client's checks
/// in order (up to the first failure), and what it learned or why it stops.
#[derive(Debug, Clone)]
pub struct Checked<T> {
    /// The request and the answer.
    pub exchange: Exchange,
    /// What the client checked.
    pub checks: Vec<Check>,
    /// What the client learned, or why it refuses to go on.
    pub outcome: Result<T, String>,
}

/// Collects checks and stops at the first that fails.
struct Checks(Vec<Check>);

impl Checks {
    /// Records a rule; `Err` with its text when it did not hold.
    fn rule(&mut self, passed: bool, rule: impl Into<String>) -> Result<(), String> {
        let check = Check::new(passed, rule);
        let text = check.rule.clone();
        self.0.push(check);
        if passed { Ok(()) } else { Err(text) }
    }

    /// Records that a value is present; the value, or `Err` with the rule.
    fn require<T>(&mut self, value: Option<T>, rule: impl Into<String>) -> Result<T, String> {
        self.rule(value.is_some(), rule)?;
        value.ok_or_else(String::new)
    }
}

/// What the 401 of the MCP endpoint tells the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChallenge {
    /// Where the resource's metadata is (RFC 9728 §5.1), if the challenge
    /// says.
    pub resource_metadata: Option<String>,
    /// The scope the resource asks for, if the challenge says.
    pub scope: Option<String>,
}

/// The protected resource metadata the client uses (RFC 9728 §2).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ResourceMetadata {
    /// The resource identifier.
    pub resource: String,
    /// The authorization servers that issue tokens for it.
    #[serde(default)]
    pub authorization_servers: Vec<String>,
    /// The scopes it knows.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
}

/// Where RFC 9728 §3.1 puts a resource's metadata: the well-known suffix
/// between the host and the resource's path (C-1's fallback when a 401
/// names none).
pub fn resource_metadata_url(resource: &str) -> Option<String> {
    let url = Url::parse(resource).ok()?;
    let path = url.path().trim_end_matches('/');
    Some(format!(
        "{}/.well-known/oauth-protected-resource{path}",
        url.origin().ascii_serialization()
    ))
}

/// Where RFC 8414 §3.1 puts an issuer's metadata (the issuer's path, if
/// any, after the well-known suffix).
pub fn server_metadata_url(issuer: &str) -> String {
    match Url::parse(issuer) {
        Ok(url) if url.path() != "/" => format!(
            "{}/.well-known/oauth-authorization-server{}",
            url.origin().ascii_serialization(),
            url.path().trim_end_matches('/')
        ),
        _ => format!(
            "{}/.well-known/oauth-authorization-server",
            issuer.trim_end_matches('/')
        ),
    }
}

impl Client {
    /// The MCP client's first request: `initialize`, without a token, as
    /// planned, so the learner sees exactly what went. The expected answer
    /// is 401 with a `Bearer` challenge.
    pub fn plan_probe(mcp_url: &str) -> PlannedRequest {
        mcp::plan(mcp_url, None, &mcp::initialize(0))
    }

    /// Sends the probe and reads the challenge (SPEC.md C-1).
    pub async fn probe(&self, mcp_url: &str) -> Result<Checked<ResourceChallenge>, ClientError> {
        let exchange = self
            .send_planned("MCP request without a token", &Self::plan_probe(mcp_url))
            .await?;
        let mut checks = Checks(Vec::new());
        let response = &exchange.response;
        let outcome = (|| {
            checks.rule(
                response.status == 401,
                format!("401: the endpoint wants a token (got {})", response.status),
            )?;
            let header = response.header("www-authenticate").unwrap_or("");
            checks.rule(
                !challenge::bearer_params(header).is_empty()
                    || header.trim().eq_ignore_ascii_case("bearer"),
                "WWW-Authenticate holds a Bearer challenge (RFC 6750 §3)",
            )?;
            let resource_metadata = challenge::bearer_param(header, "resource_metadata");
            let scope = challenge::bearer_param(header, "scope");
            // Not a refusal when absent: the client then tries the
            // well-known URLs (C-1), so the check holds either way.
            checks.0.push(Check::passed(if resource_metadata.is_some() {
                "it names resource_metadata (RFC 9728 §5.1)"
            } else {
                "it names no resource_metadata: the client tries the well-known URLs (RFC 9728 §3.1)"
            }));
            Ok(ResourceChallenge {
                resource_metadata,
                scope,
            })
        })();
        Ok(Checked {
            exchange,
            checks: checks.0,
            outcome,
        })
    }

    /// Fetches a protected resource's metadata and checks it describes
    /// `resource` and names an authorization server.
    pub async fn resource_metadata(
        &self,
        metadata_url: &str,
        resource: &str,
    ) -> Result<Checked<ResourceMetadata>, ClientError> {
        self.checked_document(
            "protected resource metadata (RFC 9728)",
            metadata_url,
            "JSON with a resource (RFC 9728 §2)",
            |checks, document: ResourceMetadata| {
                let same = document.resource == resource;
                checks.rule(
                    same,
                    if same {
                        "resource is the URL the client called (RFC 9728 §3.3)".to_owned()
                    } else {
                        format!(
                            "resource {} is not the URL the client called, {resource} (RFC 9728 §3.3)",
                            document.resource
                        )
                    },
                )?;
                checks.rule(
                    !document.authorization_servers.is_empty(),
                    "authorization_servers lists at least one (RFC 9728 §2)",
                )?;
                Ok(document)
            },
        )
        .await
    }

    /// Fetches an authorization server's metadata and checks `issuer`
    /// (RFC 8414 §3.3) and S256 (MCP authorization).
    pub async fn server_metadata(&self, issuer: &str) -> Result<Checked<Metadata>, ClientError> {
        self.checked_document(
            "authorization server metadata (RFC 8414)",
            &server_metadata_url(issuer),
            "JSON with issuer and endpoints (RFC 8414 §2)",
            |checks, metadata: Metadata| {
                let same = metadata.issuer == issuer;
                checks.rule(
                    same,
                    if same {
                        "issuer is the URL the document was built from (RFC 8414 §3.3)".to_owned()
                    } else {
                        format!(
                            "issuer {} is not {issuer}, the URL the document was built from: the client discards it (RFC 8414 §3.3)",
                            metadata.issuer
                        )
                    },
                )?;
                checks.rule(
                    metadata
                        .code_challenge_methods_supported
                        .iter()
                        .any(|m| m == "S256"),
                    "code_challenge_methods_supported lists S256; without it an MCP client stops (MCP: Authorization Code Protection)",
                )?;
                Ok(metadata)
            },
        )
        .await
    }

    /// GETs a JSON metadata document and records the checks the client
    /// makes of it: that it answers 200, that it parses (`shape` says
    /// what it must hold), then the caller's own rules. A failed check is
    /// the outcome, not an error: the exchange is recorded either way.
    async fn checked_document<T: serde::de::DeserializeOwned>(
        &self,
        purpose: &str,
        url: &str,
        shape: &str,
        rules: impl FnOnce(&mut Checks, T) -> Result<T, String>,
    ) -> Result<Checked<T>, ClientError> {
        let exchange = self
            .send(
                purpose,
                self.http.get(url).header(ACCEPT, "application/json"),
            )
            .await?;
        let mut checks = Checks(Vec::new());
        let response = &exchange.response;
        let outcome = (|| {
            checks.rule(
                response.status == 200,
                format!("answers 200 (got {})", response.status),
            )?;
            let document: Option<T> = response
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok());
            let document = checks.require(document, shape)?;
            rules(&mut checks, document)
        })();
        Ok(Checked {
            exchange,
            checks: checks.0,
            outcome,
        })
    }

    /// Fetches the metadata, checks `issuer` (RFC 8414 §3.3) and PKCE
    /// support (SPEC.md C-2, C-3); a refusal is an error here.
    pub async fn discover(&self, issuer: &str) -> Result<super::Recorded<Metadata>, ClientError> {
        let checked = self.server_metadata(issuer).await?;
        let pkce_missing = checked
            .checks
            .last()
            .is_some_and(|c| !c.passed && c.rule.contains("S256"));
        match checked.outcome {
            Ok(value) => Ok(super::Recorded {
                value,
                exchange: checked.exchange,
                checks: checked.checks,
            }),
            Err(_) if pkce_missing => Err(ClientError::PkceNotSupported),
            Err(why) => Err(ClientError::Protocol(why)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls_insert_the_path() {
        assert_eq!(
            resource_metadata_url("http://127.0.0.1:1/mcp").as_deref(),
            Some("http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp")
        );
        assert_eq!(
            resource_metadata_url("http://127.0.0.1:1").as_deref(),
            Some("http://127.0.0.1:1/.well-known/oauth-protected-resource")
        );
        assert_eq!(
            server_metadata_url("http://127.0.0.1:1"),
            "http://127.0.0.1:1/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            server_metadata_url("https://as.example/tenant1"),
            "https://as.example/.well-known/oauth-authorization-server/tenant1"
        );
    }
}
