//! Transcripts of recorded runs: text, Markdown (with each stage's lesson)
//! and JSON. Pure functions of a [`Trace`]: they print recorded values only.

mod describe;
mod json;

use std::fmt::Write as _;

use crate::flow::{Actor, AttackRecord, Check, Registration, Stage, StageRecord, Target, Trace};
use crate::lessons::{LessonError, LessonSet};
use crate::wire::Exchange;

pub use describe::describe_event;
pub use json::to_json;

/// Plain text: every stage with the client's new values, the HTTP exchanges
/// (parameters PKCE adds marked `+`) and the server's own events.
pub fn to_text(trace: &Trace) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pkce-tutor transcript: {} flow, {}{}",
        trace.flow.name(),
        trace.flow.label(),
        trace
            .seed
            .map(|s| format!(", seed {s}"))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "issuer {}", trace.issuer);
    let _ = writeln!(out, "\n{}", discovery_heading(trace));
    write_discovery(&mut out, trace, "  ");
    let mut previous = None;
    for record in &trace.stages {
        if record.stage == Stage::TokenRequest
            && let Some(attack) = &trace.attack
        {
            write_attack(&mut out, attack);
        }
        let _ = writeln!(
            out,
            "\nStage {}/6: {}",
            record.stage.number(),
            record.title()
        );
        write_stage_body(&mut out, trace, record, previous, "  ");
        previous = Some(record);
    }
    out
}

/// Markdown: as the text, with headings, each stage's lesson (live values
/// filled in) and the introduction, attack and summary lessons.
pub fn to_markdown(trace: &Trace, lessons: &LessonSet) -> Result<String, LessonError> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# pkce-tutor transcript: {}\n\nFlow `{}`{}; issuer `{}`.\n",
        trace.flow.label(),
        trace.flow.name(),
        trace
            .seed
            .map(|s| format!(", seed `{s}`"))
            .unwrap_or_default(),
        trace.issuer
    );
    if let Some(intro) = lessons.by_id("intro") {
        let _ = writeln!(
            out,
            "## {}\n\n{}\n",
            intro.title,
            intro.fill(trace, None)?.trim()
        );
    }
    let _ = writeln!(out, "## {}\n", discovery_heading(trace));
    if let Some(lesson) = lessons.by_id("discovery") {
        let _ = writeln!(out, "{}\n", lesson.fill(trace, None)?.trim());
    }
    let _ = writeln!(out, "```text");
    write_discovery(&mut out, trace, "");
    let _ = writeln!(out, "```\n");
    let mut previous = None;
    for record in &trace.stages {
        if record.stage == Stage::TokenRequest
            && let Some(attack) = &trace.attack
        {
            let _ = writeln!(out, "## Attack: {}\n", attack.attack.name());
            if let Some(lesson) = lessons.for_attack(attack.attack) {
                let _ = writeln!(out, "{}\n", lesson.fill(trace, None)?.trim());
            }
            let _ = writeln!(out, "```text");
            write_attack(&mut out, attack);
            let _ = writeln!(out, "```\n");
        }
        let _ = writeln!(
            out,
            "## Stage {}/6: {}\n",
            record.stage.number(),
            record.title()
        );
        if let Some(lesson) = lessons.for_stage(record.flow, record.stage) {
            let _ = writeln!(out, "{}\n", lesson.fill(trace, Some(record.stage))?.trim());
        }
        let _ = writeln!(out, "```text");
        write_stage_body(&mut out, trace, record, previous, "");
        let _ = writeln!(out, "```\n");
        previous = Some(record);
    }
    if let Some(summary) = lessons.by_id("summary") {
        let _ = writeln!(
            out,
            "## {}\n\n{}",
            summary.title,
            summary.fill(trace, None)?.trim()
        );
    }
    Ok(out)
}

/// One stage as the text transcript prints it, without its heading: the
/// client's new values, the exchanges and the server's events, each line
/// starting with `indent`. `None` while the stage has not run. The linear
/// tour prints each screen with it.
pub fn stage_text(trace: &Trace, stage: Stage, indent: &str) -> Option<String> {
    let record = trace.stage(stage)?;
    let previous = stage.prev().and_then(|s| trace.stage(s));
    let mut out = String::new();
    write_stage_body(&mut out, trace, record, previous, indent);
    Some(out)
}

/// Discovery and registration (Step 03) as the text transcript prints them.
pub fn setup_text(trace: &Trace, indent: &str) -> String {
    let mut out = String::new();
    for exchange in trace.setup_exchanges() {
        write_exchange(&mut out, exchange, indent);
    }
    for event in trace.setup_events() {
        let _ = writeln!(out, "{indent}server  {}", describe_event(event));
    }
    out
}

/// The title of stage 0 for this run.
fn discovery_heading(trace: &Trace) -> String {
    let start = match trace.target {
        Target::Mcp => "from the MCP endpoint's 401",
        Target::Resource => "from the issuer's metadata",
    };
    format!(
        "Stage 0: discovery ({start}) and registration ({})",
        match trace.registration {
            Registration::Dcr => "DCR",
            Registration::Cimd => "client ID metadata document",
        }
    )
}

/// Stage 0's steps: each request, or what the client did without one, and
/// what the client checked.
fn write_discovery(out: &mut String, trace: &Trace, indent: &str) {
    for step in trace.discovery() {
        match &step.exchange {
            Some(exchange) => write_exchange(out, exchange, indent),
            None => {
                let _ = writeln!(out, "{indent}{}  {}", step.actor.name(), step.purpose);
            }
        }
        write_checks(out, &step.checks, indent);
    }
}

/// A step's checks, one a line: `✓ rule` or `✗ rule`.
fn write_checks(out: &mut String, checks: &[Check], indent: &str) {
    for check in checks {
        let mark = if check.passed { '✓' } else { '✗' };
        let _ = writeln!(out, "{indent}   {mark} {}", check.rule);
    }
}

fn write_stage_body(
    out: &mut String,
    trace: &Trace,
    record: &StageRecord,
    previous: Option<&StageRecord>,
    indent: &str,
) {
    let values = new_client_values(record, previous);
    if values.is_empty() {
        let _ = writeln!(out, "{indent}client holds nothing new");
    }
    for (name, value) in values {
        let _ = writeln!(out, "{indent}client  {name:<22} {value}");
    }
    if !record.reached {
        let _ = writeln!(out, "{indent}not reached: the flow ended before this stage");
        return;
    }
    for amendment in record.amendments() {
        let _ = writeln!(
            out,
            "{indent}amended {}: {} -> {}",
            amendment.param,
            amendment.from.as_deref().unwrap_or("(absent)"),
            amendment.to.as_deref().unwrap_or("(removed)")
        );
    }
    for step in &record.steps {
        if let Some(exchange) = &step.exchange {
            if step.actor == Actor::Server {
                let _ = writeln!(out, "{indent}server, on its own:");
            }
            write_exchange(out, exchange, indent);
            write_checks(out, &step.checks, indent);
        }
    }
    for event in trace.events_shown_at(record.stage) {
        let _ = writeln!(out, "{indent}server  {}", describe_event(event));
    }
}

fn write_attack(out: &mut String, attack: &AttackRecord) {
    let _ = writeln!(
        out,
        "\nAttack: {} against the {} flow: {}",
        attack.attack.name(),
        attack.flow.name(),
        if attack.succeeded {
            "the attacker obtained a token"
        } else {
            "refused"
        }
    );
    for exchange in attack.exchanges() {
        write_exchange(out, exchange, "  ");
    }
    for event in attack.server_events() {
        let _ = writeln!(out, "  server  {}", describe_event(event));
    }
}

/// The client's values that are new or changed at this stage, in order.
fn new_client_values(
    record: &StageRecord,
    previous: Option<&StageRecord>,
) -> Vec<(&'static str, String)> {
    let now = client_fields(record);
    let before = previous.map(client_fields).unwrap_or_default();
    now.into_iter()
        .filter(|field| !before.contains(field))
        .collect()
}

fn client_fields(record: &StageRecord) -> Vec<(&'static str, String)> {
    let c = &record.client;
    let fields: [(&'static str, Option<&String>); 14] = [
        ("client_id", Some(&c.client_id)),
        ("redirect_uri", Some(&c.redirect_uri)),
        ("resource", Some(&c.resource)),
        ("random octets (hex)", c.random_octets_hex.as_ref()),
        ("code_verifier", c.code_verifier.as_ref()),
        ("SHA-256 (hex)", c.sha256_hex.as_ref()),
        ("code_challenge", c.code_challenge.as_ref()),
        ("code_challenge_method", c.code_challenge_method.as_ref()),
        ("state", c.state.as_ref()),
        ("authorization_url", c.authorization_url.as_ref()),
        ("code", c.code.as_ref()),
        ("iss", c.iss.as_ref()),
        ("access_token", c.access_token.as_ref()),
        ("error", c.error.as_ref()),
    ];
    fields
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v.clone())))
        .collect()
}

fn write_exchange(out: &mut String, exchange: &Exchange, indent: &str) {
    let request = &exchange.request;
    let _ = writeln!(
        out,
        "{indent}→ {} {}  ({})",
        request.method, request.url, exchange.purpose
    );
    for param in &request.params {
        let mark = if param.added_by_pkce() { '+' } else { ' ' };
        let _ = writeln!(out, "{indent}   {mark} {:<22} {}", param.name, param.value);
    }
    if request.params.is_empty()
        && let Some(body) = &request.body
    {
        let _ = writeln!(out, "{indent}     {body}");
    }
    let response = &exchange.response;
    let _ = write!(out, "{indent}← {}", response.status);
    if let Some(location) = response.header("location") {
        let _ = write!(out, "  Location: {location}");
    }
    let _ = writeln!(out);
    let is_json = response
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"));
    if let (true, Some(body)) = (is_json, &response.body) {
        let _ = writeln!(out, "{indent}     {body}");
    } else if let Some(ct) = response.header("content-type") {
        let _ = writeln!(
            out,
            "{indent}     ({ct}, {} bytes)",
            response.body.as_deref().map_or(0, str::len)
        );
    }
}
