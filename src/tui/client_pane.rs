//! The CLIENT pane: what the client side lists at each stage, built from
//! the recorded [`StageRecord`]: the values the client holds and the HTTP
//! exchanges as they crossed the wire, parameters decoded one per line, the
//! ones PKCE adds over Step 04 marked `+`, the ones the learner amended
//! marked (`✎` with the planned value under it, `−` removed, `+` added). At
//! stages 3 and 4 the browser sends the requests (the user's Approve
//! included): they are headed `browser →`, and the client's own part is
//! said in words. Nothing is recomputed here: every value shown is a
//! recorded one.

use crate::flow::{Flow, Stage, StageRecord, Trace};
use crate::record::{Actor, Amendment, Registration, StepRecord};
use crate::wire::{HttpRequest, HttpResponse, Param};

use super::app::Run;
use super::mcp_call;
use super::rows::{Item, Mark, Tone};

/// The marker of a value that exists only because of PKCE.
pub fn pkce_mark(flow: Flow) -> Mark {
    match flow {
        Flow::Pkce => Mark::Added,
        Flow::Plain => Mark::None,
    }
}

/// The items of a run that has not delivered that stage yet.
pub fn pending(run: Option<&Run>) -> Vec<Item> {
    match run.and_then(|r| r.failed.as_deref()) {
        Some(error) => vec![Item::note(format!("✗ the run stopped: {error}"), Tone::Bad)],
        None => vec![Item::note("waiting for the real exchange…", Tone::Dim)],
    }
}

/// The CLIENT side of a stage of a run (the trace holds the stages before
/// it: a replay at stage 6 repeats the token request of stage 5).
pub fn client_items(trace: &Trace, record: &StageRecord) -> Vec<Item> {
    items_of(trace, record, true)
}

/// [`client_items`] with stage 6's MCP session in one line: for the
/// contrast, where both flows run the same session.
pub fn client_items_brief(trace: &Trace, record: &StageRecord) -> Vec<Item> {
    items_of(trace, record, false)
}

fn items_of(trace: &Trace, record: &StageRecord, mcp_in_full: bool) -> Vec<Item> {
    let flow = record.flow;
    let c = &record.client;
    let mark = pkce_mark(flow);
    let mut items = Vec::new();
    let value = |items: &mut Vec<Item>, key: &str, label: &str, v: &Option<String>| {
        if let Some(v) = v {
            items.push(Item::marked(key, label, v, mark, Tone::Normal));
        }
    };
    match record.stage {
        Stage::Verifier => {
            if c.code_verifier.is_some() {
                items.push(Item::Heading("generated, kept private".into()));
                value(&mut items, "random", "random octets", &c.random_octets_hex);
                value(&mut items, "verifier", "code_verifier", &c.code_verifier);
                items.push(Item::note("sent nowhere yet", Tone::Dim));
            } else {
                items.push(Item::note(
                    "no code_verifier: the client keeps no secret of its own",
                    Tone::Dim,
                ));
            }
            items.push(Item::Heading(
                match trace.registration {
                    Registration::Dcr => "registered as",
                    Registration::Cimd => "known by its metadata document's URL",
                }
                .into(),
            ));
            items.push(Item::row("client_id", "client_id", &c.client_id));
            items.push(Item::row("redirect_uri", "redirect_uri", &c.redirect_uri));
        }
        Stage::Challenge => {
            if c.code_challenge.is_some() {
                value(&mut items, "verifier", "code_verifier", &c.code_verifier);
                value(&mut items, "sha256", "SHA-256 (hex)", &c.sha256_hex);
                value(&mut items, "challenge", "code_challenge", &c.code_challenge);
                value(&mut items, "method", "method", &c.code_challenge_method);
            } else {
                items.push(Item::note(
                    "no code_challenge: the code will be bound to the client and redirect URI, not to this one flow",
                    Tone::Dim,
                ));
            }
        }
        Stage::AuthorizationRequest => {
            // The client builds the URL and hands it to the browser, which
            // sends it.
            for step in sent_steps(record) {
                if step.actor == Actor::Server {
                    // The server fetched the client's metadata document
                    // from its listener (CIMD): the SERVER pane has it.
                    let exchange = step
                        .exchange
                        .as_ref()
                        .map(|e| format!("{} ← {}", e.request.summary(), e.response.status));
                    items.push(Item::note(
                        format!(
                            "the server fetched its metadata document from its listener: {}",
                            exchange.unwrap_or_default()
                        ),
                        Tone::Dim,
                    ));
                    continue;
                }
                let heading = format!("client → {}", heading(step, ""));
                items.extend(step_items(step, flow, heading));
            }
            // The learner's browser sent the request: the client handed it
            // the URL, as planned.
            for step in record
                .steps
                .iter()
                .filter(|s| s.exchange.is_none() && s.actor == Actor::Browser)
            {
                if let Some(planned) = &step.planned {
                    items.push(Item::Heading(format!(
                        "client → your browser → {}",
                        planned.summary()
                    )));
                    items.extend(amended_param_items(&planned.params, &step.amendments, flow));
                    items.push(Item::note(
                        "your browser sent it; the server's side shows what it read",
                        Tone::Dim,
                    ));
                }
            }
        }
        Stage::Verification => {
            // With the replay, two requests: the first repeats stage 5's
            // token request, said in one line rather than listed again.
            let first = trace.token_step().and_then(|s| s.exchange.as_ref());
            let mut token_shown = false;
            for step in sent_steps(record) {
                let Some(exchange) = &step.exchange else {
                    continue;
                };
                // An MCP session: each call in a few lines (or the whole
                // session in one).
                if mcp_call::is_mcp_call(step) {
                    if mcp_in_full {
                        items.extend(mcp_call::items(step, !token_shown));
                    } else if !token_shown {
                        let session: Vec<&StepRecord> = sent_steps(record)
                            .filter(|s| mcp_call::is_mcp_call(s))
                            .collect();
                        items.extend(mcp_call::session_line(&session));
                        items.extend(session.iter().flat_map(|s| mcp_call::tool_answer(s)));
                    }
                    token_shown = true;
                    continue;
                }
                if first.is_some_and(|f| same_request(&f.request, &exchange.request)) {
                    items.push(Item::Heading(format!(
                        "{} again: the very same request as at stage 5",
                        heading(step, "")
                    )));
                    items.extend(response_items(&exchange.response));
                } else {
                    items.extend(step_items(step, flow, heading(step, "")));
                }
            }
            if c.access_token.is_none()
                && let Some(error) = &c.error
            {
                items.push(Item::note(
                    format!("✗ no access token ({error}), so no call to the protected resource"),
                    Tone::Bad,
                ));
                return items;
            }
        }
        Stage::CodeIssued => {
            for step in sent_steps(record) {
                items.extend(step_items(step, flow, heading(step, " (Approve)")));
            }
            if c.code.is_some() {
                // The engine's callback parsing fails the run unless both match.
                items.push(Item::note(
                    "the client checks state and iss: both match, it keeps the code",
                    Tone::Normal,
                ));
            }
        }
        Stage::TokenRequest => {
            // The token itself is the subject of stage 6: name the fields of
            // a success here, show an error in full.
            for step in sent_steps(record) {
                let Some(exchange) = &step.exchange else {
                    continue;
                };
                items.extend(amended_request_items(step, flow, heading(step, "")));
                match exchange.response.json() {
                    Some(json) if exchange.response.status < 400 => {
                        let names: Vec<&str> = json.keys().map(String::as_str).collect();
                        items.push(Item::Heading(format!(
                            "← {} {} {{{}}}",
                            exchange.response.status,
                            reason(exchange.response.status),
                            names.join(", ")
                        )));
                    }
                    _ => items.extend(response_items(&exchange.response)),
                }
            }
        }
    }
    // Where the flow ends, what the client makes of it, unless the response
    // above already shows that very error.
    if let Some(error) = &c.error
        && !record.exchanges().any(|e| shows_error(&e.response, error))
    {
        items.push(Item::note(
            format!("✗ the flow stops here: {error}"),
            Tone::Bad,
        ));
    }
    items
}

/// Whether two requests went out alike: method, URL, parameters, headers.
fn same_request(a: &HttpRequest, b: &HttpRequest) -> bool {
    a.method == b.method && a.url == b.url && a.params == b.params && a.headers == b.headers
}

/// Whether a response carries this OAuth error (JSON body or redirect).
fn shows_error(response: &HttpResponse, error: &str) -> bool {
    response.json_str("error").as_deref() == Some(error)
        || response
            .location_params()
            .iter()
            .any(|p| p.name == "error" && p.value == error)
}

/// The steps of a stage that sent a request.
fn sent_steps(record: &StageRecord) -> impl Iterator<Item = &StepRecord> {
    record.steps.iter().filter(|s| s.exchange.is_some())
}

/// A step's request under `heading`, amendments marked, then its response.
pub fn step_items(step: &StepRecord, flow: Flow, heading: String) -> Vec<Item> {
    let mut items = amended_request_items(step, flow, heading);
    if let Some(exchange) = &step.exchange {
        items.extend(response_items(&exchange.response));
    }
    items
}

/// The heading of a step's request: who sent it (`→` alone for the
/// client, in its own pane), the request line, and `caption`.
pub fn heading(step: &StepRecord, caption: &str) -> String {
    let summary = step
        .exchange
        .as_ref()
        .map(|e| e.request.summary())
        .unwrap_or_default();
    match step.actor {
        Actor::Client => format!("→ {summary}{caption}"),
        other => format!("{} → {summary}{caption}", other.name()),
    }
}

/// A step's request: its line headed by the actor, then its parameters,
/// amendments marked.
fn amended_request_items(step: &StepRecord, flow: Flow, heading: String) -> Vec<Item> {
    let Some(exchange) = &step.exchange else {
        return Vec::new();
    };
    let request = &exchange.request;
    let mut items = vec![Item::Heading(heading)];
    items.extend(amended_param_items(&request.params, &step.amendments, flow));
    if let Some((name, auth)) = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    {
        items.extend(amended_param_items(
            &[Param::new(name.as_str(), auth.as_str())],
            &step.amendments,
            flow,
        ));
    } else if let Some(dropped) = step
        .amendments
        .iter()
        .find(|a| a.param.eq_ignore_ascii_case("authorization") && a.to.is_none())
    {
        items.extend(removed_items(dropped));
    }
    items
}

/// Parameters as sent, those the learner amended marked (`✎` with the
/// planned value under it, `+` added), then those the learner removed (`−`).
pub fn amended_param_items(params: &[Param], amendments: &[Amendment], flow: Flow) -> Vec<Item> {
    let amendment = |name: &str| {
        amendments
            .iter()
            .find(|a| a.param.eq_ignore_ascii_case(name))
    };
    let mut items = Vec::new();
    for (p, item) in params.iter().zip(param_items(params, flow)) {
        match amendment(&p.name) {
            Some(Amendment {
                from: Some(from), ..
            }) => {
                items.push(Item::marked(
                    format!("param:{}", p.name),
                    &p.name,
                    &p.value,
                    Mark::Changed,
                    Tone::Normal,
                ));
                items.push(Item::Was(from.clone()));
            }
            Some(Amendment { from: None, .. }) => {
                items.push(Item::marked(
                    format!("param:{}", p.name),
                    &p.name,
                    &p.value,
                    Mark::Added,
                    Tone::Normal,
                ));
                items.push(Item::Was("(not in the request: you added it)".into()));
            }
            None => items.push(item),
        }
    }
    for removed in amendments.iter().filter(|a| a.to.is_none()) {
        if !params
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(&removed.param))
        {
            items.extend(removed_items(removed));
        }
    }
    items
}

/// The items of a pane with, in each request the learner amended, the
/// parameters sent as planned folded into one line that names them: what a
/// small pane keeps so that the amended ones and the answer fit (the wire
/// view shows every one).
pub fn fold_unamended(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    let mut rest = items.into_iter().peekable();
    while let Some(first) = rest.next() {
        // One section: an item and those up to the next heading.
        let mut section = vec![first];
        while let Some(item) = rest.next_if(|i| !matches!(i, Item::Heading(_))) {
            section.push(item);
        }
        if !section.iter().any(|i| matches!(i, Item::Was(_))) {
            out.extend(section);
            continue;
        }
        let mut planned = Vec::new();
        let mut fold_at = None;
        for (i, item) in section.iter().enumerate() {
            let amended = matches!(section.get(i + 1), Some(Item::Was(_)));
            if let Item::Row(row) = item
                && row.key.starts_with("param:")
                && !amended
            {
                fold_at.get_or_insert(out.len());
                planned.push(row.label.clone());
                continue;
            }
            out.push(item.clone());
        }
        if let Some(at) = fold_at {
            let note = format!("as planned: {}", planned.join(", "));
            out.insert(at, Item::note(note, Tone::Dim));
        }
    }
    out
}

/// The parameters a pane may fold when it does not fit: those every flow
/// sends alike. PKCE's, the state, the code and errors always show.
const NEVER_FOLDED: &[&str] = &[
    "code",
    "state",
    "code_verifier",
    "code_challenge",
    "code_challenge_method",
    "error",
    "error_description",
    "authorization",
    "decision",
];

/// The items of a pane with, in each request, the ordinary parameters sent
/// as planned folded into one line that names them: what a small pane
/// keeps so that PKCE's values and the answer stay in view (the wire view
/// shows every one).
pub fn fold_ordinary(items: Vec<Item>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut folded: Vec<String> = Vec::new();
    let mut fold_at = None;
    let flush = |out: &mut Vec<Item>, folded: &mut Vec<String>, fold_at: &mut Option<usize>| {
        if let Some(at) = fold_at.take() {
            let note = format!("also: {} (w shows them)", folded.join(", "));
            out.insert(at, Item::note(note, Tone::Dim));
            folded.clear();
        }
    };
    let mut rest = items.into_iter().peekable();
    while let Some(item) = rest.next() {
        if matches!(item, Item::Heading(_)) {
            flush(&mut out, &mut folded, &mut fold_at);
        }
        let amended = matches!(rest.peek(), Some(Item::Was(_)));
        match &item {
            Item::Row(row)
                if row.key.starts_with("param:")
                    && row.mark == Mark::None
                    && !amended
                    && !NEVER_FOLDED.contains(&row.label.as_str()) =>
            {
                fold_at.get_or_insert(out.len());
                folded.push(row.label.clone());
            }
            _ => out.push(item),
        }
    }
    flush(&mut out, &mut folded, &mut fold_at);
    out
}

/// A parameter the learner removed: `−`, and what it would have been.
fn removed_items(removed: &Amendment) -> Vec<Item> {
    let mut items = vec![Item::marked(
        format!("param:{}", removed.param),
        &removed.param,
        "(removed: not sent)",
        Mark::Missing,
        Tone::Bad,
    )];
    if let Some(from) = &removed.from {
        items.push(Item::Was(from.clone()));
    }
    items
}

/// Decoded parameters, one per line, those PKCE adds over Step 04 marked.
pub fn param_items(params: &[Param], flow: Flow) -> impl Iterator<Item = Item> + '_ {
    params.iter().map(move |p| {
        let mark = if p.added_by_pkce() {
            pkce_mark(flow)
        } else {
            Mark::None
        };
        Item::marked(
            format!("param:{}", p.name),
            &p.name,
            &p.value,
            mark,
            Tone::Normal,
        )
    })
}

/// The reason phrase of a status code this tutorial meets (empty for
/// others).
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        302 => "Found",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "",
    }
}

/// A field of a JSON answer as a row; an OAuth error's fields read as bad.
pub fn json_field(name: &str, text: String, tone: Tone) -> Item {
    let tone = if name.starts_with("error") {
        Tone::Bad
    } else {
        tone
    };
    Item::marked(format!("json:{name}"), name, text, Mark::None, tone)
}

/// A response: its status, then a redirect's parameters, or the fields of a
/// JSON body.
pub fn response_items(response: &HttpResponse) -> Vec<Item> {
    let status = response.status;
    let tone = if status >= 400 {
        Tone::Bad
    } else {
        Tone::Normal
    };
    let heading = format!("← {status} {}", reason(status))
        .trim_end()
        .to_owned();
    let html = response
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html"));
    if html && (200..300).contains(&status) {
        return vec![Item::Heading(format!("{heading} (the consent page, HTML)"))];
    }
    let mut items = vec![Item::Heading(heading)];
    if (300..400).contains(&status) {
        if let Some(location) = response.header("location") {
            let target = location.split('?').next().unwrap_or(location);
            items.push(Item::row("location", "Location", target));
        }
        for p in response.location_params() {
            let tone = if p.name == "error" { Tone::Bad } else { tone };
            items.push(Item::marked(
                format!("loc:{}", p.name),
                &p.name,
                &p.value,
                Mark::None,
                tone,
            ));
        }
    } else if let Some(json) = response.json() {
        for (name, value) in json {
            let text = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            items.push(json_field(&name, text, tone));
        }
    } else if html {
        items.push(Item::note("(an HTML error page)", tone));
    } else if let Some(body) = &response.body
        && !body.is_empty()
    {
        items.push(Item::marked("body", "body", body, Mark::None, tone));
    }
    items
}
