//! MCP over Streamable HTTP as this client speaks it: JSON-RPC messages
//! POSTed to the endpoint with the bearer token in the `Authorization`
//! header (SPEC.md C-11), planned like every other request so the learner
//! can read and amend them (the token is the editable parameter; the
//! message is the body).
//!
//! The client speaks protocol version 2025-11-25, the newest with an
//! `initialize` handshake: the MCP SDK this server runs on describes
//! 2026-07-28 as moving that handshake into per-request metadata, and
//! stage 6 shows the handshake.
//!
//! An answer is JSON, or an event stream whose `data:` lines carry the
//! JSON-RPC message; both are read.

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::record::{ParamCarrier, PlannedRequest};
use crate::wire::{HttpResponse, Param};

/// The protocol version the client asks for in `initialize` and names in
/// the `MCP-Protocol-Version` header of every later request.
pub const PROTOCOL_VERSION: &str = "2025-11-25";

/// The header that names the protocol version after `initialize`.
pub const PROTOCOL_VERSION_HEADER: &str = "mcp-protocol-version";

/// `initialize`: who the client is and which version it speaks.
pub fn initialize(id: u64) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {
                "name": "pkce-tutor",
                "version": env!("CARGO_PKG_VERSION"),
            },
        },
    })
}

/// `notifications/initialized`: the handshake is done (no answer expected
/// but `202 Accepted`).
pub fn initialized() -> Value {
    json!({"jsonrpc": "2.0", "method": "notifications/initialized"})
}

/// `tools/list`.
pub fn list_tools(id: u64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/list"})
}

/// `tools/call` of a tool without arguments.
pub fn call_tool(id: u64, name: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "tools/call",
        "params": {"name": name, "arguments": {}},
    })
}

/// A message POSTed to the MCP endpoint, with the token if there is one.
pub fn plan(url: &str, access_token: Option<&str>, message: &Value) -> PlannedRequest {
    let mut fixed_headers = vec![
        (
            CONTENT_TYPE.as_str().to_owned(),
            "application/json".to_owned(),
        ),
        // Streamable HTTP: the client accepts both answers.
        (
            ACCEPT.as_str().to_owned(),
            "application/json, text/event-stream".to_owned(),
        ),
    ];
    if message.get("method").and_then(Value::as_str) != Some("initialize") {
        fixed_headers.push((
            PROTOCOL_VERSION_HEADER.to_owned(),
            PROTOCOL_VERSION.to_owned(),
        ));
    }
    PlannedRequest {
        method: "POST".into(),
        url: url.to_owned(),
        carrier: ParamCarrier::Headers,
        params: access_token
            .map(|token| Param::new(AUTHORIZATION.as_str(), format!("Bearer {token}")))
            .into_iter()
            .collect(),
        fixed_headers,
        body: Some(message.to_string()),
    }
}

/// The JSON-RPC message of an answer: the JSON body, or the last `data:`
/// event of an event stream.
pub fn message(response: &HttpResponse) -> Option<Value> {
    let body = response.body.as_deref()?;
    let is_stream = response
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/event-stream"));
    if !is_stream {
        return serde_json::from_str(body).ok();
    }
    body.lines()
        .rev()
        .filter_map(|line| line.strip_prefix("data:"))
        .find_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
}

/// The `result` of a JSON-RPC answer, or why there is none: the HTTP
/// status, or the JSON-RPC error.
pub fn result(response: &HttpResponse) -> Result<Value, String> {
    if response.status != 200 {
        return Err(format!("the MCP endpoint answered {}", response.status));
    }
    let message = message(response).ok_or("the answer holds no JSON-RPC message")?;
    if let Some(error) = message.get("error") {
        return Err(format!(
            "JSON-RPC error {}: {}",
            error.get("code").unwrap_or(&Value::Null),
            error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("(no message)")
        ));
    }
    message
        .get("result")
        .cloned()
        .ok_or_else(|| "the answer has neither result nor error".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(content_type: &str, body: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body: Some(body.into()),
        }
    }

    #[test]
    fn reads_json_and_event_stream_answers() {
        let json = answer(
            "application/json",
            r#"{"jsonrpc":"2.0","id":1,"result":{"a":1}}"#,
        );
        assert_eq!(result(&json), Ok(json!({"a": 1})));
        let sse = answer(
            "text/event-stream",
            "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"b\":2}}\n\n",
        );
        assert_eq!(result(&sse), Ok(json!({"b": 2})));
        let error = answer(
            "application/json",
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no"}}"#,
        );
        assert!(result(&error).unwrap_err().contains("-32601"));
        assert!(result(&answer("application/json", "oops")).is_err());
    }

    #[test]
    fn only_later_requests_name_the_version_and_the_token_is_the_parameter() {
        let first = plan("http://127.0.0.1:1/mcp", Some("t"), &initialize(1));
        assert!(
            first
                .fixed_headers
                .iter()
                .all(|(n, _)| n != PROTOCOL_VERSION_HEADER)
        );
        assert_eq!(first.param("authorization"), Some("Bearer t"));
        let later = plan("http://127.0.0.1:1/mcp", None, &list_tools(2));
        assert!(
            later
                .fixed_headers
                .iter()
                .any(|(n, _)| n == PROTOCOL_VERSION_HEADER)
        );
        assert!(later.params.is_empty());
    }
}
