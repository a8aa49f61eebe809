//! The attack lab (a): the interception replay against both flows side by
//! side. An attacker holding a copy of the redirect redeems the code first;
//! each column shows the attacker's request, the server's answer and own
//! events, then what happens to the real client's redemption. Plain: the
//! attacker holds a token and the real client is refused. PKCE: the
//! attacker gets `invalid_grant` and the real client succeeds.

use crate::flow::{Flow, Stage};
use crate::record::ServerEvent;

use super::app::{App, RunKey};
use super::client_pane::{pending, request_items, response_items};
use super::rows::{Item, Tone};
use super::server_pane::event_items;

/// The items of one column.
pub fn column(app: &App, flow: Flow) -> Vec<Item> {
    let run = app.run(RunKey::interception(flow));
    let Some(attack) = run.and_then(|r| r.trace.attack.as_ref()) else {
        return pending(run);
    };
    let mut items = vec![verdict(attack.succeeded)];
    // The client's verdict on its own redemption is recorded with stage 6.
    let real = run
        .and_then(|r| {
            r.stage(Stage::Verification)
                .or_else(|| r.stage(Stage::TokenRequest))
        })
        .map(|r| &r.client);
    if let Some(client) = real {
        items.push(real_client_verdict(client));
    }
    items.push(Item::Heading("the attacker redeems the stolen code".into()));
    let request = &attack.decisive.request;
    items.extend(request_items(request, flow, "attacker →"));
    if request.param("code_verifier").is_some() {
        items.push(Item::note(
            "(it never saw the real code_verifier: it sends one of its own)",
            Tone::Dim,
        ));
    }
    items.extend(response_items(&attack.decisive.response));
    items.push(Item::Heading("the server reports".into()));
    for event in attack.server_events() {
        match event {
            // The request and the refusal are shown above, as they crossed
            // the wire.
            ServerEvent::Received { .. } | ServerEvent::Refused { .. } => {}
            // Here a granted access is the attacker's.
            ServerEvent::ResourceAccess { granted: true, .. } => items.push(Item::note(
                "✗ the resource accepts the attacker's token",
                Tone::Bad,
            )),
            event => items.extend(event_items(event, flow, None)),
        }
    }
    items.push(Item::Heading(
        "then the real client redeems its code".into(),
    ));
    let Some(record) = run.and_then(|r| r.stage(Stage::TokenRequest)) else {
        items.extend(pending(run));
        return items;
    };
    for exchange in record.exchanges() {
        items.extend(response_items(&exchange.response));
    }
    items
}

fn verdict(succeeded: bool) -> Item {
    if succeeded {
        Item::note(
            "✗ ATTACK SUCCEEDED: the attacker holds an access token",
            Tone::Bad,
        )
    } else {
        Item::note(
            "✓ attack failed: without the code_verifier the code is useless",
            Tone::Good,
        )
    }
}

fn real_client_verdict(client: &crate::flow::ClientValues) -> Item {
    match (&client.access_token, &client.error) {
        (_, Some(error)) => Item::note(
            format!("✗ then the real client is refused: {error}"),
            Tone::Bad,
        ),
        (Some(_), None) => Item::note("✓ then the real client gets its token", Tone::Good),
        (None, None) => Item::note("the real client has no token yet", Tone::Dim),
    }
}
