//! The CLIENT pane: what the client side lists at each stage, built from
//! the recorded [`StageRecord`]: the values the client holds and the HTTP
//! exchanges as they crossed the wire, parameters decoded one per line, the
//! ones PKCE adds over Step 04 marked `+`. Nothing is recomputed here: every
//! value shown is a recorded one.

use crate::flow::{Flow, Stage, StageRecord};
use crate::wire::{Exchange, HttpRequest, HttpResponse, Param};

use super::app::Run;
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

/// The CLIENT side of a stage.
pub fn client_items(record: &StageRecord) -> Vec<Item> {
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
            items.push(Item::Heading("registered as".into()));
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
                    "no code_challenge: nothing will tie the code to this client",
                    Tone::Dim,
                ));
            }
        }
        Stage::AuthorizationRequest | Stage::Verification => {
            for exchange in record.exchanges() {
                items.extend(exchange_items(exchange, flow));
            }
        }
        Stage::CodeIssued => {
            for exchange in record.exchanges() {
                items.extend(exchange_items(exchange, flow));
            }
            if c.code.is_some() {
                // The engine's callback parsing fails the run unless both match.
                items.push(Item::note(
                    "state and iss match what was sent: the client keeps the code",
                    Tone::Normal,
                ));
            }
        }
        Stage::TokenRequest => {
            // The token itself is the subject of stage 6: name the fields of
            // a success here, show an error in full.
            for exchange in record.exchanges() {
                items.extend(request_items(&exchange.request, flow, "→"));
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
    if let Some(error) = &c.error {
        items.push(Item::marked("error", "error", error, Mark::None, Tone::Bad));
    }
    items
}

/// A request and its response.
pub fn exchange_items(exchange: &Exchange, flow: Flow) -> Vec<Item> {
    let mut items = request_items(&exchange.request, flow, "→");
    items.extend(response_items(&exchange.response));
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

/// A request: its line, then its parameters decoded, one per line.
pub fn request_items(request: &HttpRequest, flow: Flow, arrow: &str) -> Vec<Item> {
    let mut items = vec![Item::Heading(format!("{arrow} {}", request.summary()))];
    items.extend(param_items(&request.params, flow));
    if let Some((_, auth)) = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    {
        items.push(Item::row("header:authorization", "Authorization", auth));
    }
    items
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        302 => "Found",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "",
    }
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
            let tone = if name.starts_with("error") {
                Tone::Bad
            } else {
                tone
            };
            items.push(Item::marked(
                format!("json:{name}"),
                name,
                text,
                Mark::None,
                tone,
            ));
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
