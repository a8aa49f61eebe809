//! The SERVER pane: what the server side lists, built only from the
//! server's own events: the request it received, the record it stored with
//! the code, its PKCE recomputation and verdict, the token it issued. The
//! code's time left is the recorded lifetime minus the time since the UI
//! received it. What the server received is marked where the learner
//! amended it, as in the CLIENT pane (the server itself cannot tell).

use crate::flow::{Flow, Stage};
use crate::record::{
    Actor, Amendment, PkceCheck, PkceVerdict, ServerEvent, StepRecord, StoredCode,
};

use super::app::Run;
use super::client_pane::{amended_param_items, param_items, pkce_mark};
use super::rows::{Item, Mark, Tone};

/// The SERVER side of a stage of a run, under the live strip of requests
/// the tutorial did not send.
pub fn server_items(run: &Run, flow: Flow, stage: Stage, seconds_left: Option<u64>) -> Vec<Item> {
    let mut items = live_items(run);
    items.extend(stage_items(run, flow, stage, seconds_left));
    items
}

/// The live strip: the latest request from outside (curl from the
/// audience), what the server read and answered, and how many came. Two
/// rows at most, so the stage's own content stays in view.
fn live_items(run: &Run) -> Vec<Item> {
    let Some(latest) = run.trace.external.last() else {
        return Vec::new();
    };
    let line = latest.head.as_ref().map_or_else(
        || "a request".to_owned(),
        |h| format!("{} {}", h.method, path_of(&h.target)),
    );
    let answer = latest
        .status
        .map_or_else(|| "…".to_owned(), |status| status.to_string());
    let refused = latest.events.iter().find_map(|e| match e {
        ServerEvent::Refused { error, .. } => Some(error.as_str()),
        _ => None,
    });
    let read: Vec<&str> = latest
        .events
        .iter()
        .filter_map(|e| match e {
            ServerEvent::Received { params, .. } => Some(params),
            _ => None,
        })
        .flatten()
        .map(|p| p.name.as_str())
        .collect();
    let count = run.trace.external.len();
    let mut items = vec![Item::note(
        format!(
            "● external #{count}: {line} → {answer}{}",
            refused.map(|e| format!(" {e}")).unwrap_or_default()
        ),
        Tone::Dim,
    )];
    if !read.is_empty() {
        items.push(Item::note(
            format!("  read: {}", read.join(", ")),
            Tone::Dim,
        ));
    }
    items
}

/// The path of an origin-form target, without its query.
fn path_of(target: &str) -> &str {
    target.split('?').next().unwrap_or(target)
}

/// The SERVER side of a stage of a run.
fn stage_items(run: &Run, flow: Flow, stage: Stage, seconds_left: Option<u64>) -> Vec<Item> {
    if run.stage(stage).is_none() {
        return super::client_pane::pending(Some(run));
    }
    let mut items = Vec::new();
    if stage < Stage::AuthorizationRequest {
        items.push(Item::note(
            match flow {
                Flow::Pkce => "has seen nothing of the verifier: it has not left the client",
                Flow::Plain => "has seen nothing yet: the flow has not started",
            },
            Tone::Dim,
        ));
        match run.trace.registered_client_id() {
            Some(client_id) => {
                items.push(Item::Heading("registered clients".into()));
                items.push(Item::row("client_id", "client_id", client_id));
            }
            // A client ID metadata document: nothing registered ahead.
            None => items.push(Item::note(
                "registered clients: none; it will fetch this client's document when stage 3 names its client_id",
                Tone::Dim,
            )),
        }
        items.push(Item::row("pending", "pending codes", "none yet"));
        return items;
    }
    let events = run.trace.events_shown_at(stage);
    // A replayed request repeats what the server received and checked for
    // the first one: said in one line each, rather than listed again.
    let earlier: Vec<&ServerEvent> = run
        .trace
        .token_step()
        .into_iter()
        .flat_map(|s| s.server_events.iter())
        .collect();
    // A request the server sent itself (CIMD: the client's metadata
    // document, fetched while it handled the authorization request): what
    // it fetched and what it checked, right after what it received.
    let mut fetches: Vec<Item> = run
        .stage(stage)
        .into_iter()
        .flat_map(|r| r.steps.iter())
        .filter(|s| s.actor == Actor::Server)
        .flat_map(fetch_items)
        .collect();
    for (i, event) in events.iter().enumerate() {
        // An MCP call: its JSON-RPC method (and tool) on one line.
        if let Some(call) = mcp_received(event) {
            items.push(call);
            continue;
        }
        let repeated = earlier[..]
            .iter()
            .chain(&events[..i])
            .any(|e| e == event && !std::ptr::eq(*e, *event));
        match event {
            ServerEvent::Received { method, path, .. } if repeated => items.push(Item::Heading(
                format!("← received {method} {path} again: the very same parameters"),
            )),
            ServerEvent::PkceChecked(check) if repeated => items.push(Item::note(
                format!(
                    "checks PKCE again: the same values, {}",
                    if check.verdict == PkceVerdict::Match {
                        "✓ computed = stored"
                    } else {
                        "✗ computed ≠ stored"
                    }
                ),
                Tone::Normal,
            )),
            ServerEvent::Received {
                method,
                path,
                params,
            } if !params.is_empty() => {
                items.push(Item::Heading(format!("← received {method} {path}")));
                items.extend(amended_param_items(params, amendments_of(run, event), flow));
                items.append(&mut fetches);
            }
            _ => items.extend(event_items(event, flow, seconds_left)),
        }
    }
    items.append(&mut fetches);
    let checked = events
        .iter()
        .any(|e| matches!(e, ServerEvent::PkceChecked(_)));
    if stage == Stage::TokenRequest
        && !checked
        && let Some(stored) = run.trace.stored_code()
    {
        items.push(Item::Heading("stored with the code at stage 4".into()));
        items.extend(challenge_rows(stored, flow));
    }
    if items.is_empty() {
        items.push(Item::note("(no event reported at this stage)", Tone::Dim));
    }
    items
}

/// An MCP call the server received, its JSON-RPC method (and tool) on one
/// line; `None` for any other event.
pub fn mcp_received(event: &ServerEvent) -> Option<Item> {
    let ServerEvent::Received {
        method,
        path,
        params,
    } = event
    else {
        return None;
    };
    let said = |name: &str| params.iter().find(|p| p.name == name);
    said("method").filter(|_| path == "/mcp")?;
    let call = [said("method"), said("name")]
        .into_iter()
        .flatten()
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Some(Item::Heading(format!(
        "← received {method} {path} · {call}"
    )))
}

/// The server's own request and its checks of the answer: those that held
/// in one line (the wire view shows the document), any that failed in full.
fn fetch_items(step: &StepRecord) -> Vec<Item> {
    let mut items = Vec::new();
    let fetched = step.exchange.as_ref().map_or_else(
        || step.purpose.clone(),
        |exchange| {
            format!(
                "fetched the client's document ({}, {})",
                exchange.request.summary(),
                exchange.response.status
            )
        },
    );
    let held = step.checks.iter().filter(|c| c.passed).count();
    let failed = step.checks.iter().any(|c| !c.passed);
    items.push(if failed {
        Item::note(format!("✗ {fetched}"), Tone::Bad)
    } else {
        Item::note(format!("✓ {fetched}: {held} checks held"), Tone::Good)
    });
    items.extend(step.checks.iter().filter(|c| !c.passed).map(Item::check));
    items
}

/// The learner's amendments of the request an event of the run is about
/// (the step that holds this very event).
fn amendments_of<'a>(run: &'a Run, event: &ServerEvent) -> &'a [Amendment] {
    run.trace
        .stages
        .iter()
        .flat_map(|s| s.steps.iter())
        .find(|s| s.server_events.iter().any(|e| std::ptr::eq(e, event)))
        .map_or(&[], |s| s.amendments.as_slice())
}

/// The client the server reports it registered (its own event, not the
/// client's reading of the registration response).
fn challenge_rows(stored: &StoredCode, flow: Flow) -> Vec<Item> {
    let row = |key: &str, label: &str, value: &Option<String>| match value {
        Some(v) => Item::marked(key, label, v, pkce_mark(flow), Tone::Normal),
        None => Item::marked(key, label, "(none)", Mark::Missing, Tone::Bad),
    };
    vec![
        row("stored:challenge", "code_challenge", &stored.code_challenge),
        row("stored:method", "method", &stored.code_challenge_method),
    ]
}

/// Minutes and seconds, "9:58".
pub fn clock_text(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// The items of one server event.
pub fn event_items(event: &ServerEvent, flow: Flow, seconds_left: Option<u64>) -> Vec<Item> {
    match event {
        ServerEvent::Received {
            method,
            path,
            params,
        } => {
            if params.is_empty() {
                return Vec::new();
            }
            let mut items = vec![Item::Heading(format!("← received {method} {path}"))];
            items.extend(param_items(params, flow));
            items
        }
        ServerEvent::ClientRegistered { client_id, .. } => vec![
            Item::Heading("registered a client".into()),
            Item::row("client_id", "client_id", client_id),
        ],
        ServerEvent::ConsentShown { client_id, .. } => vec![Item::note(
            format!("client_id {client_id} and redirect_uri valid: shows the consent page"),
            Tone::Normal,
        )],
        ServerEvent::CodeIssued(stored) => {
            let mut items = vec![
                Item::Heading("issues a code and stores with it".into()),
                Item::row("code", "code", &stored.code),
            ];
            items.extend(challenge_rows(stored, flow));
            items.push(Item::row("client_id", "client_id", &stored.client_id));
            items.push(Item::row(
                "redirect_uri",
                "redirect_uri",
                &stored.redirect_uri,
            ));
            let expiry = match seconds_left {
                Some(0) => "expired: R runs the flow again".to_owned(),
                Some(left) => format!(
                    "{} left of {}",
                    clock_text(left),
                    clock_text(stored.lifetime_secs)
                ),
                None => format!("lives {}", clock_text(stored.lifetime_secs)),
            };
            items.push(Item::row("expires", "expires", expiry));
            items
        }
        ServerEvent::PkceChecked(check) => check_items(check),
        ServerEvent::TokenIssued {
            access_token,
            expires_in,
            ..
        } => vec![
            Item::Heading(format!(
                "issues an access token (expires_in {expires_in} s)"
            )),
            Item::row("token", "access_token", access_token),
        ],
        ServerEvent::TokensRevoked { access_tokens, .. } => {
            let mut items = vec![Item::Heading(
                "code replayed: revokes the tokens it gave".into(),
            )];
            for t in access_tokens {
                items.push(Item::marked("revoked", "revoked", t, Mark::None, Tone::Bad));
            }
            items
        }
        ServerEvent::ResourceAccess { granted, reason } => vec![match (granted, reason) {
            (true, _) => Item::note("✓ resource: the bearer token is accepted", Tone::Good),
            (false, r) => Item::note(
                format!(
                    "✗ resource: refused ({})",
                    r.as_deref().unwrap_or("no reason")
                ),
                Tone::Bad,
            ),
        }],
        ServerEvent::Refused {
            endpoint,
            error,
            error_description,
        } => vec![Item::note(
            format!("✗ {endpoint} refuses: {error} ({error_description})"),
            Tone::Bad,
        )],
    }
}

fn check_items(check: &PkceCheck) -> Vec<Item> {
    let mut items = vec![Item::Heading("checks PKCE (RFC 7636 §4.6)".into())];
    let row = |key: &str, label: &str, v: &Option<String>| {
        v.as_ref()
            .map(|v| Item::marked(key, label, v, Mark::Added, Tone::Normal))
    };
    items.extend(row("check:verifier", "code_verifier", &check.code_verifier));
    items.extend(row("check:sha256", "SHA-256 (hex)", &check.sha256_hex));
    items.extend(row("check:computed", "computed", &check.computed_challenge));
    items.extend(row("check:stored", "stored", &check.stored_challenge));
    items.push(verdict_note(check));
    items
}

/// The server's PKCE verdict in words, ✓ or ✗.
pub fn verdict_note(check: &PkceCheck) -> Item {
    let (text, tone) = match check.verdict {
        PkceVerdict::Match => ("✓ computed = stored: the verifier matches", Tone::Good),
        // The error code itself comes from the server's `Refused` event,
        // drawn next: the view does not restate the server's mapping.
        PkceVerdict::Mismatch => (
            "✗ computed ≠ stored: the verifier does not match",
            Tone::Bad,
        ),
        PkceVerdict::MissingVerifier => ("✗ no code_verifier sent", Tone::Bad),
        PkceVerdict::MalformedVerifier => ("✗ malformed code_verifier", Tone::Bad),
        PkceVerdict::Downgrade => (
            "✗ verifier for a code issued without a challenge (downgrade)",
            Tone::Bad,
        ),
        // A server without the downgrade check ignores a verifier that
        // comes for a code issued without a challenge (RFC 9700 §4.8.2).
        PkceVerdict::NotUsed if check.code_verifier.is_some() => (
            "✗ no challenge stored: the verifier is ignored (no downgrade check), the code \
             alone is enough",
            Tone::Bad,
        ),
        PkceVerdict::NotUsed => (
            "✗ no challenge stored, no verifier sent: nothing to check, the code alone is enough",
            Tone::Bad,
        ),
    };
    Item::note(text, tone)
}
