//! Stage 6 against the MCP endpoint: the client uses its token the way an
//! MCP client does (SPEC.md C-11), in a short session:
//!
//! 1. `initialize` (the planned request the learner may amend: its bearer
//!    token is the editable parameter);
//! 2. `notifications/initialized`;
//! 3. `tools/list`;
//! 4. `tools/call whoami`, whose answer says whom the MCP server believes
//!    the token belongs to; the client checks that it is itself, for the
//!    MCP endpoint.
//!
//! Each request carries the `Authorization` header that `initialize`
//! actually carried. A refusal (401, 403) or a JSON-RPC error ends the
//! session there and is the client's `error`.

use serde_json::Value;

use super::FlowError;
use super::engine::{Engine, PlannedStep};
use crate::client::challenge::bearer_param;
use crate::client::mcp;
use crate::record::{Actor, Check, Edit, Stage, StepRecord};

/// The tool stage 6 calls.
const TOOL: &str = "whoami";

impl Engine {
    /// The planned first request of the session.
    pub(super) fn plan_mcp_initialize(&self, token: &str) -> PlannedStep {
        PlannedStep {
            stage: Stage::Verification,
            actor: Actor::Client,
            purpose: "MCP initialize, with the token",
            request: mcp::plan(&self.values.resource, Some(token), &mcp::initialize(1)),
        }
    }

    /// The session, from the planned `initialize` on.
    pub(super) async fn mcp_session(
        &mut self,
        plan: PlannedStep,
        edits: &[Edit],
    ) -> Result<Vec<StepRecord>, FlowError> {
        let mut steps = Vec::new();
        let mut first = self.send_plan(plan, edits).await?;
        let sent_authorization = first
            .planned
            .as_ref()
            .map(|p| p.amend(edits).0)
            .and_then(|p| p.param("authorization").map(str::to_owned));
        let outcome = self.answer(&mut first, |result, checks| {
            let version = result.get("protocolVersion").and_then(Value::as_str);
            checks.push(Check::new(
                version == Some(mcp::PROTOCOL_VERSION),
                format!(
                    "the server speaks protocol version {} (it answered {})",
                    mcp::PROTOCOL_VERSION,
                    version.unwrap_or("none")
                ),
            ));
        });
        steps.push(first);
        if outcome.is_none() {
            return Ok(steps);
        }
        let token = sent_authorization
            .as_deref()
            .and_then(|h| h.strip_prefix("Bearer "));
        let url = self.values.resource.clone();
        let notified = self
            .send_step(
                Actor::Client,
                "MCP notifications/initialized",
                mcp::plan(&url, token, &mcp::initialized()),
                &[],
            )
            .await?;
        steps.push(notified);
        let mut listed = self
            .send_step(
                Actor::Client,
                "MCP tools/list",
                mcp::plan(&url, token, &mcp::list_tools(2)),
                &[],
            )
            .await?;
        let listed_ok = self.answer(&mut listed, |result, checks| {
            let offered = result
                .get("tools")
                .and_then(Value::as_array)
                .is_some_and(|tools| tools.iter().any(|t| t.get("name") == Some(&TOOL.into())));
            checks.push(Check::new(
                offered,
                format!("the server offers the tool {TOOL}"),
            ));
        });
        steps.push(listed);
        if listed_ok.is_none() {
            return Ok(steps);
        }
        let mut called = self
            .send_step(
                Actor::Client,
                "MCP tools/call whoami",
                mcp::plan(&url, token, &mcp::call_tool(3, TOOL)),
                &[],
            )
            .await?;
        let client_id = self.values.client_id.clone();
        self.answer(&mut called, |result, checks| {
            let said = |field: &str| {
                result
                    .pointer(&format!("/structuredContent/{field}"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            checks.push(Check::new(
                said("client_id").as_deref() == Some(client_id.as_str()),
                "client_id is this client's: the token was issued to it",
            ));
            checks.push(Check::new(
                said("audience").as_deref() == Some(url.as_str()),
                "audience is this MCP endpoint (RFC 8707)",
            ));
        });
        steps.push(called);
        Ok(steps)
    }

    /// Reads an MCP answer into the step's checks: the `result` handed to
    /// `check` for its own checks, or the refusal recorded as the client's
    /// error (the bearer `error` of a 401 or 403, else the reason).
    fn answer(
        &mut self,
        step: &mut StepRecord,
        check: impl FnOnce(&Value, &mut Vec<Check>),
    ) -> Option<Value> {
        let response = &step.exchange.as_ref()?.response;
        match mcp::result(response) {
            Ok(result) => {
                step.checks.push(Check::passed(
                    "the answer is a JSON-RPC result (JSON-RPC 2.0 section 5)",
                ));
                check(&result, &mut step.checks);
                Some(result)
            }
            Err(why) => {
                step.checks.push(Check::failed(why.clone()));
                let error = response
                    .header("www-authenticate")
                    .and_then(|h| bearer_param(h, "error"))
                    .unwrap_or(why);
                self.values.error = Some(error);
                None
            }
        }
    }
}
