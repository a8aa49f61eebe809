//! The opening row of an attack, one side of it: what the side runs (the
//! server's PKCE policy, the client's method), what the victim's client
//! holds after stages 1–4, and what the attacker can see.

use crate::flow::{Attack, Stage};

use super::script;
use crate::tui::app::Run;
use crate::tui::rows::{Item, Mark, Tone};

/// The server's policy in words, naming the gap the attack uses on the
/// `lax` server (optional PKCE, `plain` accepted, no downgrade check).
fn policy_words(policy: &str, attack: Attack) -> &'static str {
    match (policy, attack) {
        ("required", _) => "PKCE required (OAuth 2.1)",
        ("optional", _) => "PKCE optional",
        ("lax", Attack::Downgrade) => "PKCE optional, no downgrade check",
        ("lax", _) => "PKCE optional, accepts plain",
        _ => "(unknown policy)",
    }
}

/// The legitimate client's PKCE method in words.
fn method_words(method: Option<&str>) -> &'static str {
    match method {
        None => "no PKCE",
        Some("plain") => "PKCE, plain: challenge = verifier",
        Some(_) => "PKCE, S256: challenge = a hash",
    }
}

/// The opening row of one side.
pub fn items(run: &Run, attack: Attack) -> Vec<Item> {
    let mut items = Vec::new();
    if let Some(record) = &run.trace.attack {
        let config = &record.configuration;
        items.push(Item::Heading("this side runs".into()));
        items.push(Item::row(
            "server",
            "server",
            policy_words(config.server_policy, attack),
        ));
        items.push(Item::row(
            "client",
            "client",
            method_words(config.code_challenge_method),
        ));
    }
    let Some(victim) = run.stage(Stage::CodeIssued).map(|r| &r.client) else {
        return items;
    };
    let none =
        |key: &str, label: &str| Item::marked(key, label, "(none)", Mark::Missing, Tone::Dim);
    let code = Item::row("code", "code", victim.code.as_deref().unwrap_or("…"));
    items.push(Item::Heading(
        "the victim's client holds (stages 1–4)".into(),
    ));
    items.push(code.clone());
    items.push(match &victim.code_verifier {
        Some(v) => Item::row("verifier", "code_verifier", v),
        None => none("verifier", "code_verifier"),
    });
    let challenge = match (&victim.code_challenge, &victim.code_challenge_method) {
        (Some(c), Some(m)) => Item::row("challenge", format!("code_challenge ({m})"), c),
        (Some(c), None) => Item::row("challenge", "code_challenge", c),
        _ => none("challenge", "code_challenge"),
    };
    items.push(Item::Heading(format!(
        "the attacker can see ({})",
        script::of(attack).source
    )));
    match attack {
        Attack::Interception => {
            items.push(code);
            items.push(Item::note(
                "from the redirect; and the public client_id and redirect_uri",
                Tone::Dim,
            ));
        }
        Attack::Sniffing => {
            items.push(code);
            items.push(challenge);
            items.push(Item::note(
                "from the redirect and the authorization request",
                Tone::Dim,
            ));
        }
        Attack::Downgrade => items.push(Item::note(
            "nothing of the victim's: it has an account of its own with the same public \
             client, and can rewrite the victim's callback",
            Tone::Normal,
        )),
        Attack::Injection => {
            items.push(code);
            items.push(Item::note(
                "from a leaked redirect; and an account of its own with the same client",
                Tone::Dim,
            ));
        }
    }
    items
}
