//! Stage 0 on screen: how the MCP client finds the authorization server and
//! gets a `client_id`, one request at a time ([`App::discovery_step`]).
//!
//! The CLIENT pane shows the request as sent, the parts of the answer the
//! client reads (the `WWW-Authenticate` header of the 401, the fields of a
//! metadata document its checks are about, the `client_id` it got), then
//! every check it made, ✓ or ✗; the SERVER pane what the server received,
//! did and answered. Under them, a strip lists the steps of stage 0 with
//! the shown one marked, and the lesson. Every value is a recorded one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::record::{Actor, StepRecord};
use crate::wire::{Exchange, HttpResponse};

use super::app::{App, Run, RunKey};
use super::client_pane::{heading, json_field, reason};
use super::rows::{Item, Tone};
use super::server_pane::{event_items, mcp_received};
use super::stepping;
use super::view::Panes;

/// The fields of a discovery document a learner needs to follow the
/// client's checks; the wire view (`w`) shows the rest.
const READ_FIELDS: &[&str] = &[
    // RFC 9728
    "resource",
    "authorization_servers",
    "scopes_supported",
    // RFC 8414
    "issuer",
    "code_challenge_methods_supported",
    "client_id_metadata_document_supported",
    "registration_endpoint",
    // RFC 7591's answer
    "client_id",
];

/// Stage 0's title.
pub const STAGE_TITLE: &str = "0 · Finding the server, getting a client_id";

/// The step of stage 0 shown, once recorded.
pub fn shown_step(app: &App) -> Option<&StepRecord> {
    app.run(RunKey::honest(app.flow))?
        .trace
        .setup
        .get(app.discovery_step)
}

/// The title under the bar: the stage and the step shown.
pub fn title(app: &App) -> String {
    let (recorded, complete) = super::tour::discovery_steps(app);
    let count = if complete {
        format!("{}/{recorded}", app.discovery_step + 1)
    } else {
        format!("{}", app.discovery_step + 1)
    };
    let what = shown_step(app).map_or("…", step_label);
    format!("{STAGE_TITLE} · step {count}: {what}")
}

/// What a step is, in a few words: the purpose of a request, or what the
/// client did without one.
fn step_label(step: &StepRecord) -> &str {
    match step.exchange {
        Some(_) => &step.purpose,
        None if step.purpose.contains("metadata document") => {
            "client_id = its metadata document's URL"
        }
        None => step.purpose.split(':').next().unwrap_or(&step.purpose),
    }
}

/// Stage 0 laid out in `body`: the panes of the step shown, the strip and
/// the lesson, as the stages are.
pub fn layout(app: &App, body: Rect) -> Panes {
    let run = app.run(RunKey::honest(app.flow));
    let (client, server) = match (run, shown_step(app)) {
        (Some(run), Some(step)) => (client_items(run, step), server_items(run, step)),
        (run, _) => {
            let pending = super::client_pane::pending(run);
            (pending.clone(), pending)
        }
    };
    stepping::layout_items(app, body, client, server)
}

/// The CLIENT side of a step: the request, the answer's status, the
/// client's checks (what stage 0 is about, so they come before the details),
/// then what it read in the answer.
fn client_items(run: &Run, step: &StepRecord) -> Vec<Item> {
    let mut items = Vec::new();
    let mut read = Vec::new();
    match &step.exchange {
        Some(exchange) => {
            items.push(Item::Heading(heading(step, "")));
            items.extend(request_items(exchange));
            let status = exchange.response.status;
            items.push(Item::Heading(
                format!("← {status} {}", reason(status))
                    .trim_end()
                    .to_owned(),
            ));
            read = answer_items(&exchange.response);
        }
        None => {
            items.push(Item::Heading("no request: the client_id is a URL".into()));
            if let Some(client_id) = &run.client_id {
                items.push(Item::row("client_id", "client_id", client_id));
                items.push(Item::note(
                    "the URL of a JSON document the client serves (its name, redirect URIs); the server fetches it at stage 3, when the authorization request names this client_id",
                    Tone::Dim,
                ));
            } else {
                items.push(Item::note(step.purpose.clone(), Tone::Dim));
            }
        }
    }
    if !step.checks.is_empty() {
        items.push(Item::Heading("the client checks".into()));
        items.extend(step.checks.iter().map(Item::check));
    }
    if !read.is_empty() {
        items.push(Item::Heading("it read".into()));
        items.extend(read);
    }
    // A check that failed ends stage 0 there, and the run with it.
    let stopped = run.discovered
        && run.client_id.is_none()
        && run.trace.setup.last() == Some(step)
        && step.checks.iter().any(|c| !c.passed);
    if stopped {
        items.push(Item::note(
            "✗ the client stops here: stages 1 to 6 never happen",
            Tone::Bad,
        ));
    }
    items
}

/// What the request carried besides its line: the MCP method of a JSON-RPC
/// call (and that no token went with it), the fields of a registration.
fn request_items(exchange: &Exchange) -> Vec<Item> {
    let request = &exchange.request;
    let json = request
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok());
    let mut items = Vec::new();
    match json {
        Some(serde_json::Value::Object(fields)) if fields.contains_key("jsonrpc") => {
            if let Some(method) = fields.get("method").and_then(|m| m.as_str()) {
                items.push(Item::row("jsonrpc", "MCP call", method));
            }
            if !request
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            {
                items.push(Item::note(
                    "no Authorization header: no token yet",
                    Tone::Dim,
                ));
            }
        }
        // A registration: the fields MCP has rules about, the rest named.
        Some(serde_json::Value::Object(fields)) => {
            let mut others = Vec::new();
            for (name, value) in &fields {
                if ["application_type", "redirect_uris"].contains(&name.as_str()) {
                    items.push(Item::row(format!("req:{name}"), name, text_of(value)));
                } else {
                    others.push(name.as_str());
                }
            }
            if !others.is_empty() {
                items.push(Item::note(format!("and {}", others.join(", ")), Tone::Dim));
            }
        }
        _ => {}
    }
    items
}

/// What the client reads in the answer: the challenge of a 401, the
/// fields of a document its checks are about.
fn answer_items(response: &HttpResponse) -> Vec<Item> {
    let status = response.status;
    let tone = if status >= 400 && status != 401 {
        Tone::Bad
    } else {
        Tone::Normal
    };
    let mut items = Vec::new();
    if let Some(challenge) = response.header("www-authenticate") {
        items.push(Item::marked(
            "www-authenticate",
            "WWW-Authenticate",
            challenge,
            super::rows::Mark::None,
            tone,
        ));
    }
    if let Some(json) = response.json() {
        let total = json.len();
        let mut shown = 0;
        for (name, value) in &json {
            let echoed = name == "application_type";
            if (READ_FIELDS.contains(&name.as_str()) && !echoed) || name.starts_with("error") {
                shown += 1;
                items.push(json_field(name, text_of(value), tone));
            }
        }
        if total > shown {
            items.push(Item::note(
                format!("…and {} more fields (w shows them all)", total - shown),
                Tone::Dim,
            ));
        }
    }
    items
}

/// A JSON value as one line: strings bare, lists of strings spaced.
fn text_of(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(list) if list.iter().all(|v| v.is_string()) => list
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// The SERVER side of a step: what it received, did and answered; for a
/// registration by metadata document, that nothing reached it yet.
fn server_items(run: &Run, step: &StepRecord) -> Vec<Item> {
    let Some(exchange) = &step.exchange else {
        let mut items = vec![Item::note(
            "nothing received: the server meets this client_id only at stage 3, when the authorization request names it, and fetches the document then",
            Tone::Dim,
        )];
        if let Some(fetch) = run.trace.client_metadata_fetch()
            && let Some(fetched) = &fetch.exchange
        {
            items.push(Item::Heading(format!(
                "at stage 3: {} → {}",
                fetched.request.summary(),
                fetched.response.status
            )));
        }
        return items;
    };
    let mut items = Vec::new();
    let line = step.received.as_ref().map_or_else(
        || exchange.request.summary(),
        |head| {
            let path = head.target.split('?').next().unwrap_or(&head.target);
            format!("{} {path}", head.method)
        },
    );
    let received = step
        .server_events
        .iter()
        .any(|e| matches!(e, crate::record::ServerEvent::Received { .. }));
    if !received {
        items.push(Item::Heading(format!("received {line}")));
    }
    for event in &step.server_events {
        match mcp_received(event) {
            Some(call) => items.push(call),
            None => items.extend(event_items(event, run.trace.flow, None)),
        }
    }
    let status = exchange.response.status;
    items.push(Item::Heading(
        format!("answered {status} {}", reason(status))
            .trim_end()
            .to_owned(),
    ));
    if let Some(why) = what_the_answer_is(step.actor, exchange) {
        items.push(Item::note(why, Tone::Dim));
    }
    items
}

/// What a discovery answer is for, in words, by what was asked.
fn what_the_answer_is(actor: Actor, exchange: &Exchange) -> Option<&'static str> {
    let path = exchange.request.summary();
    let status = exchange.response.status;
    Some(match () {
        () if status == 401 => {
            "no token: it says where this resource's metadata is (resource_metadata) and which scope to ask for"
        }
        () if path.contains("/.well-known/oauth-protected-resource") && status == 200 => {
            "the resource's metadata (RFC 9728): which authorization server issues its tokens"
        }
        () if path.contains("/.well-known/oauth-authorization-server") && status == 200 => {
            "its own metadata (RFC 8414): its endpoints and what it supports"
        }
        () if path.ends_with("/register") && (200..300).contains(&status) => {
            "a new client_id for this client (RFC 7591)"
        }
        () if actor == Actor::Client && status >= 400 => "the client cannot go on with this",
        () => return None,
    })
}

/// The strip under the panes on stage 0: the steps so far, the one shown
/// marked `▸` (one line: the shown step alone).
pub fn render_strip(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(run) = app.run(RunKey::honest(app.flow)) else {
        return;
    };
    let line = |i: usize, step: &StepRecord| {
        let current = i == app.discovery_step;
        let style = if current { theme.lit } else { theme.dim };
        let what = match &step.exchange {
            Some(e) => format!(
                "client → server  {} → {}",
                e.request.summary(),
                e.response.status
            ),
            None => format!("client  {}", step_label(step)),
        };
        Line::from(vec![
            Span::styled(if current { "▸" } else { " " }, style),
            Span::styled(format!("(0.{}) {what}", i + 1), style),
        ])
    };
    let steps = &run.trace.setup;
    let lines: Vec<Line> = if area.height as usize >= steps.len().max(2) {
        steps.iter().enumerate().map(|(i, s)| line(i, s)).collect()
    } else {
        steps
            .get(app.discovery_step)
            .map(|s| vec![line(app.discovery_step, s)])
            .unwrap_or_default()
    };
    Paragraph::new(lines).style(theme.base).render(area, buf);
}
