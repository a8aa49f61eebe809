//! What the MCP endpoint serves, on the official SDK's server handler: one
//! tool, `whoami`, which reports who the bearer token of the call belongs
//! to (the client it was issued to, its scope and its audience), so a
//! learner sees that the MCP server acts on what the authorization server
//! decided. Written by hand rather than with the SDK's macros: one tool does
//! not need a code generator.

use std::sync::Arc;

use http::request::Parts;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ErrorData, Implementation,
    InitializeResult, JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities,
    Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::json;

use super::Holder;

/// The name of the one tool.
pub const WHOAMI: &str = "whoami";

/// The handler, made afresh for every request (the endpoint is stateless).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tutor;

/// `whoami` takes no argument.
fn whoami() -> Tool {
    let schema: JsonObject = match json!({
        "type": "object",
        "properties": {},
        "additionalProperties": false,
    }) {
        serde_json::Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    Tool::new(
        WHOAMI,
        "Reports who the bearer token of this call belongs to: the client_id it was issued to, the scope it was granted and its audience (RFC 8707).",
        Arc::new(schema),
    )
}

/// The token's holder, as the caller found it before the call reached the
/// SDK ([`crate::Endpoint::handle`] puts it in the request's extensions).
fn holder(context: &RequestContext<RoleServer>) -> Option<&Holder> {
    context
        .extensions
        .get::<Parts>()?
        .extensions
        .get::<Holder>()
}

impl rmcp::ServerHandler for Tutor {
    fn get_info(&self) -> InitializeResult {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "pkce-tutor MCP server",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(
                "Call whoami to see the client_id, scope and audience of your access token.",
            )
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        (name == WHOAMI).then(whoami)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(vec![whoami()]))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if request.name != WHOAMI {
            return Err(ErrorData::invalid_params(
                format!("no tool named {}; this server has {WHOAMI}", request.name),
                None,
            ));
        }
        // The guard lets no request through without a holder; should one
        // arrive anyway, the tool says so rather than invent an answer.
        let Some(holder) = holder(&context) else {
            return Ok(CallToolResult::structured_error(json!({
                "error": "no verified bearer token came with this call",
            }))
            .into());
        };
        Ok(CallToolResult::structured(json!({
            "client_id": holder.client_id,
            "scope": holder.scope,
            "audience": holder.audience,
        }))
        .into())
    }
}
