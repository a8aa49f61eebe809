//! Stage 0, one request at a time: how the client finds the authorization
//! server and gets a `client_id` (SPEC.md C-1 to C-3, §9A).
//!
//! For the MCP endpoint (`Target::Mcp`) the client knows only the server's
//! URL:
//!
//! 1. its first MCP request, without a token → 401 naming the resource's
//!    metadata (or, if it names none, the well-known URLs of RFC 9728 §3.1,
//!    tried in turn);
//! 2. the protected resource metadata → the authorization server;
//! 3. the authorization server's metadata → endpoints, S256, CIMD support;
//! 4. registration: a `POST /register` (DCR), or none at all when the
//!    client's `client_id` is the URL of its metadata document (CIMD); the
//!    server fetches that document at stage 3.
//!
//! For `/resource` (`Target::Resource`, the tour as in v1) the client is
//! configured with the issuer and starts at 3.
//!
//! Each step is recorded with what the client checked. A check that fails
//! ends the run there, as a refused request does: the six stages are then
//! recorded as not reached.

use super::engine::{CLIENT_NAME, Engine, REDIRECT_URI, REDIRECT_URI_ANY_PORT};
use super::{BrowserMode, FlowError};
use crate::client::{Checked, Client, metadata_document, resource_metadata_url};
use crate::record::{Actor, Check, Registration, StepRecord, Target};

/// The next step of stage 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Next {
    /// The MCP request without a token, to this URL.
    Probe { mcp_url: String },
    /// The resource's metadata: the candidate URLs, in order, and the
    /// scope the 401 named, if any.
    ResourceMetadata {
        resource: String,
        candidates: Vec<String>,
        scope: Option<String>,
    },
    /// The authorization server's metadata.
    ServerMetadata { issuer: String },
    /// Registration.
    Register,
    /// Stage 0 is over (or ended in a refusal).
    Done,
}

impl Next {
    /// Where stage 0 starts for a target on this server (or, for the MCP
    /// endpoint, at the URL given instead).
    pub(super) fn first(target: Target, issuer: &str, mcp_url: Option<&str>) -> Self {
        match target {
            Target::Mcp => Self::Probe {
                mcp_url: mcp_url
                    .map_or_else(|| format!("{issuer}{}", target.path()), str::to_owned),
            },
            Target::Resource => Self::ServerMetadata {
                issuer: issuer.to_owned(),
            },
        }
    }
}

impl Engine {
    /// Whether stage 0 still has a step to perform.
    pub fn discovering(&self) -> bool {
        self.discovery != Next::Done
    }

    /// Performs the next step of stage 0 and records it in the trace's
    /// `setup`; `None` once stage 0 is over.
    pub async fn discover_next(&mut self) -> Result<Option<StepRecord>, FlowError> {
        let step = match self.discovery.clone() {
            Next::Done => return Ok(None),
            Next::Probe { mcp_url } => self.probe(mcp_url).await?,
            Next::ResourceMetadata {
                resource,
                candidates,
                scope,
            } => {
                self.read_resource_metadata(resource, candidates, scope)
                    .await?
            }
            Next::ServerMetadata { issuer } => self.read_server_metadata(&issuer).await?,
            Next::Register => self.register().await?,
        };
        self.trace.setup.push(step.clone());
        self.reports.file_external(&mut self.trace);
        Ok(Some(step))
    }

    /// Records a discovery request with the server's reports about it.
    fn discovery_step<T>(
        &mut self,
        purpose: &str,
        planned: Option<crate::record::PlannedRequest>,
        checked: &Checked<T>,
    ) -> StepRecord {
        let (request_id, collected) = self.reports.take(&checked.exchange);
        StepRecord {
            actor: Actor::Client,
            purpose: purpose.to_owned(),
            planned,
            amendments: Vec::new(),
            exchange: Some(checked.exchange.clone()),
            request_id,
            received: collected.head,
            server_events: collected.events,
            checks: checked.checks.clone(),
        }
    }

    /// Ends stage 0 with a refusal: nothing after it is reached.
    fn refuse(&mut self, why: String) {
        self.discovery = Next::Done;
        self.end_with(why);
    }

    async fn probe(&mut self, mcp_url: String) -> Result<StepRecord, FlowError> {
        let checked = self.client.probe(&mcp_url).await?;
        let step = self.discovery_step(
            "MCP request without a token",
            Some(Client::plan_probe(&mcp_url)),
            &checked,
        );
        match checked.outcome {
            Ok(challenge) => {
                let candidates = match challenge.resource_metadata {
                    Some(url) => vec![url],
                    // C-1: the path-inserted URL, then the root.
                    None => resource_metadata_url(&mcp_url)
                        .into_iter()
                        .chain(resource_metadata_url(&root_of(&mcp_url)))
                        .collect(),
                };
                self.discovery = Next::ResourceMetadata {
                    resource: mcp_url,
                    candidates,
                    scope: challenge.scope,
                };
            }
            Err(why) => self.refuse(why),
        }
        Ok(step)
    }

    async fn read_resource_metadata(
        &mut self,
        resource: String,
        mut candidates: Vec<String>,
        scope: Option<String>,
    ) -> Result<StepRecord, FlowError> {
        let Some(url) = (!candidates.is_empty()).then(|| candidates.remove(0)) else {
            let why = "no protected resource metadata was found".to_owned();
            self.refuse(why.clone());
            return Ok(StepRecord::local(Actor::Client, why));
        };
        let checked = self.client.resource_metadata(&url, &resource).await?;
        let mut step =
            self.discovery_step("protected resource metadata (RFC 9728)", None, &checked);
        match checked.outcome {
            Ok(document) => {
                // RFC 9728 §7.6 lets the client choose; it takes the first
                // (the check above made sure there is one).
                let Some(issuer) = document.authorization_servers.first().cloned() else {
                    self.refuse("no authorization server".into());
                    return Ok(step);
                };
                step.checks.push(Check::passed(format!(
                    "takes the first one listed: {issuer}"
                )));
                // MCP (Scope Selection Strategy): the 401's scope, else all
                // of the resource's scopes_supported.
                let supported = document.scopes_supported.join(" ");
                if let Some(scope) = scope.or_else(|| (!supported.is_empty()).then_some(supported))
                {
                    self.scope = scope;
                }
                self.values.resource = resource;
                self.discovery = Next::ServerMetadata { issuer };
            }
            // A 404 at a well-known guess: try the next one.
            Err(_) if checked.exchange.response.status == 404 && !candidates.is_empty() => {
                self.discovery = Next::ResourceMetadata {
                    resource,
                    candidates,
                    scope,
                };
            }
            Err(why) => self.refuse(why),
        }
        Ok(step)
    }

    async fn read_server_metadata(&mut self, issuer: &str) -> Result<StepRecord, FlowError> {
        let checked = self.client.server_metadata(issuer).await?;
        let step = self.discovery_step("authorization server metadata (RFC 8414)", None, &checked);
        match checked.outcome {
            Ok(metadata) => {
                self.metadata = metadata;
                self.discovery = Next::Register;
            }
            Err(why) => self.refuse(why),
        }
        Ok(step)
    }

    /// The redirect URI to register: with a real browser, loopback without
    /// a port (the listener's port is chosen at run time, AS-1).
    fn redirect_uri_to_register(&self) -> &'static str {
        match self.scenario.browser {
            BrowserMode::Real => REDIRECT_URI_ANY_PORT,
            BrowserMode::Simulated => REDIRECT_URI,
        }
    }

    async fn register(&mut self) -> Result<StepRecord, FlowError> {
        let redirect_uri = self.redirect_uri_to_register();
        self.discovery = Next::Done;
        let offered = self.metadata.client_id_metadata_document_supported;
        if let (Registration::Cimd, Some(listener)) = (self.scenario.registration, &self.listener) {
            let url = listener.document_url();
            if offered {
                listener.publish(&metadata_document(&url, redirect_uri, CLIENT_NAME));
                self.values.client_id = url.clone();
                return Ok(StepRecord::local(
                    Actor::Client,
                    format!(
                        "uses the URL of its metadata document as client_id: {url} (nothing is sent now; the server fetches it at the authorization request)"
                    ),
                )
                .with_checks(vec![Check::passed(
                    "the server offers client ID metadata documents (client_id_metadata_document_supported)",
                )]));
            }
        }
        let checked = self
            .client
            .registration(&self.metadata, redirect_uri, CLIENT_NAME)
            .await?;
        let mut step = self.discovery_step("registration (RFC 7591)", None, &checked);
        if self.scenario.registration == Registration::Cimd {
            // MCP's order: a metadata document when the server offers it,
            // else dynamic registration.
            step.checks.insert(
                0,
                Check::failed(
                    "the server offers client ID metadata documents: it does not, so the client registers (DCR)",
                ),
            );
        }
        match checked.outcome {
            Ok(client_id) => self.values.client_id = client_id,
            Err(why) => self.refuse(why),
        }
        Ok(step)
    }
}

/// `scheme://host[:port]` of a URL, for the root well-known fallback.
fn root_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}
