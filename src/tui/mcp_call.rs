//! An MCP call (JSON-RPC over Streamable HTTP) as the CLIENT pane lists it:
//! the method and the status on one line, the endpoint and the bearer token
//! on the first call of a session (the others go to the same endpoint with
//! the same token), and what the answer says in a line or three (the server's name, the tools it offers, what the tool reported),
//! then the client's checks of it. The wire view (`w`) shows the JSON.

use serde_json::Value;

use crate::record::StepRecord;
use crate::wire::{Exchange, HttpRequest};

use super::client_pane::reason;
use super::rows::{Item, Mark, Tone};

/// The JSON-RPC body of a request, when it is one.
fn rpc(request: &HttpRequest) -> Option<serde_json::Map<String, Value>> {
    let body: Value = serde_json::from_str(request.body.as_deref()?).ok()?;
    match body {
        Value::Object(fields) if fields.contains_key("jsonrpc") => Some(fields),
        _ => None,
    }
}

/// Whether a step is an MCP call.
pub fn is_mcp_call(step: &StepRecord) -> bool {
    step.exchange
        .as_ref()
        .is_some_and(|e| rpc(&e.request).is_some())
}

/// The method of an MCP call, with the tool's name for `tools/call`.
pub fn method(exchange: &Exchange) -> Option<String> {
    let fields = rpc(&exchange.request)?;
    let method = fields.get("method")?.as_str()?.to_owned();
    let tool = fields
        .get("params")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str);
    Some(match tool {
        Some(tool) => format!("{method} {tool}"),
        None => method,
    })
}

/// The items of an MCP call: on the first of a session (`first`), the
/// endpoint and the token every call carries; then one line for the call
/// and its answer, and what a tool reported, with the client's checks.
pub fn items(step: &StepRecord, first: bool) -> Vec<Item> {
    let Some(exchange) = &step.exchange else {
        return Vec::new();
    };
    let method = method(exchange).unwrap_or_default();
    let mut items = Vec::new();
    if first {
        let token = exchange
            .request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone());
        items.push(Item::Heading(format!(
            "→ {}, every call with the token:",
            exchange.request.summary()
        )));
        if let Some(token) = token {
            items.push(Item::row("param:authorization", "authorization", token));
        }
    }
    let response = &exchange.response;
    let status = response.status;
    let answer: Option<Value> = response
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str(b).ok());
    let tools = answer
        .as_ref()
        .and_then(|a| a.pointer("/result/tools"))
        .and_then(Value::as_array)
        .map(|tools| {
            let names: Vec<&str> = tools
                .iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .collect();
            format!(": {}", names.join(", "))
        })
        .unwrap_or_default();
    items.push(Item::Heading(
        format!("{method} ← {status} {}", reason(status))
            .trim_end()
            .to_owned()
            + &tools,
    ));
    if let Some(answer) = &answer {
        items.extend(answer_items(answer));
    }
    for check in &step.checks {
        // The checks of a tool's answer are the point of the session; the
        // others show only when they failed.
        if check.passed && (!method.starts_with("tools/call") || check.rule.contains("JSON-RPC")) {
            continue;
        }
        items.push(Item::check(check));
    }
    items
}

/// The whole MCP session of a stage in one line (the contrast, where both
/// flows run the same session and the difference is elsewhere).
pub fn session_line(steps: &[&StepRecord]) -> Option<Item> {
    let calls: Vec<String> = steps
        .iter()
        .filter_map(|s| {
            let e = s.exchange.as_ref()?;
            Some(format!("{} {}", method(e)?, e.response.status))
        })
        .collect();
    (!calls.is_empty()).then(|| {
        Item::note(
            format!("→ POST /mcp with the token: {}", calls.join(", ")),
            Tone::Normal,
        )
    })
}

/// What a tool call's answer reported, in rows (nothing for other calls).
pub fn tool_answer(step: &StepRecord) -> Vec<Item> {
    let Some(exchange) = &step.exchange else {
        return Vec::new();
    };
    if !method(exchange).is_some_and(|m| m.starts_with("tools/call")) {
        return Vec::new();
    }
    exchange
        .response
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
        .map(|answer| answer_items(&answer))
        .unwrap_or_default()
}

/// What a JSON-RPC answer says, in a few rows.
fn answer_items(answer: &Value) -> Vec<Item> {
    let row = |key: &str, label: &str, value: String| {
        Item::marked(format!("mcp:{key}"), label, value, Mark::None, Tone::Normal)
    };
    if let Some(error) = answer.get("error") {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return vec![Item::marked(
            "mcp:error",
            "error",
            message,
            Mark::None,
            Tone::Bad,
        )];
    }
    let Some(result) = answer.get("result") else {
        return Vec::new();
    };
    let mut items = Vec::new();
    if let Some(Value::Object(said)) = result.get("structuredContent") {
        for (name, value) in said {
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            items.push(row(name, name, value));
        }
    }
    items
}
