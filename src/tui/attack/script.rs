//! The words of each attack, written once: what the attacker can see and do
//! (the picker's line), the caption of each step the engine plays (in the
//! order it records them), whether the legitimate client's own later token
//! request belongs on screen, and what a success means.
//!
//! The engine's scripts (`flow/attack.rs`) stop early on the side that
//! refuses, so one side's steps are always the first steps of the other's:
//! the captions are matched to the recorded steps by their place.

use crate::flow::Attack;

/// One step the engine plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scripted {
    /// The step in words, the same on both sides.
    pub caption: &'static str,
    /// For a step that sends nothing, its short label on the strip (an
    /// HTTP step draws the request it recorded).
    pub local: Option<&'static str>,
    /// Whose `code_verifier` the step's request carries, said under it on
    /// the side where it carries one.
    pub verifier: Option<&'static str>,
}

/// The words of one attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Script {
    /// What the attacker can see and do, in one short line.
    pub sees: &'static str,
    /// Where the attack is described.
    pub source: &'static str,
    /// The opening row's caption.
    pub opening: &'static str,
    /// The engine's steps, in order.
    pub steps: &'static [Scripted],
    /// The caption of the legitimate client's token request of stage 5,
    /// where it belongs on screen (it shows whether the victim still gets
    /// its token).
    pub real_client: Option<&'static str>,
    /// What the attacker holds when the attack succeeds.
    pub success: &'static str,
}

/// A request.
const fn http(caption: &'static str) -> Scripted {
    Scripted {
        caption,
        local: None,
        verifier: None,
    }
}

/// A token request, with whose `code_verifier` it carries.
const fn token(caption: &'static str, verifier: &'static str) -> Scripted {
    Scripted {
        caption,
        local: None,
        verifier: Some(verifier),
    }
}

/// A step that sends nothing, with its label on the strip.
const fn local(caption: &'static str, local: &'static str) -> Scripted {
    Scripted {
        caption,
        local: Some(local),
        verifier: None,
    }
}

const REAL_CLIENT: &str = "Then the real client redeems its own code, as at stage 5";

const INTERCEPTION: Script = Script {
    sees: "reads the redirect, so it holds the victim's code",
    source: "RFC 7636 §1",
    opening: "The victim's client holds its code (stages 1–4); the attacker read the redirect, \
              so it holds the code too",
    steps: &[
        token(
            "The attacker redeems the intercepted code at the token endpoint, before the real \
             client",
            "made up: the real one never left the client",
        ),
        http("With the token it got, the attacker calls the protected resource"),
    ],
    real_client: Some(REAL_CLIENT),
    success: "the attacker holds an access token",
};

const SNIFFING: Script = Script {
    sees: "also reads the authorization request: the challenge too",
    source: "RFC 7636 §1",
    opening: "The victim's client holds its code (stages 1–4); the attacker read the redirect \
              and the authorization request",
    steps: &[
        local(
            "The attacker takes code_challenge from the authorization request it read",
            "reads code_challenge",
        ),
        token(
            "It redeems the intercepted code, with that challenge as its code_verifier",
            "the code_challenge it read",
        ),
        http("With the token it got, the attacker calls the protected resource"),
    ],
    real_client: Some(REAL_CLIENT),
    success: "the attacker holds an access token",
};

const DOWNGRADE: Script = Script {
    sees: "gets a code with no challenge, slips it to the victim",
    source: "RFC 9700 §4.8.1",
    opening: "The victim's client holds its code (stages 1–4); the attacker signs in with the \
              same public client and can rewrite the victim's callback",
    steps: &[
        http("The attacker sends an authorization request of its own, code_challenge stripped"),
        http("It approves its own request: the redirect carries a code issued with no challenge"),
        local(
            "It slips that code into the victim's callback, in place of the victim's own",
            "code into the callback",
        ),
        token(
            "The victim's client redeems the attacker's code with its own code_verifier",
            "the victim's own, made for its own code",
        ),
    ],
    real_client: None,
    success: "the victim's client holds a token to the attacker's account",
};

const INJECTION: Script = Script {
    sees: "injects a stolen code into its own session with the client",
    source: "RFC 9700 §4.5",
    opening: "The victim's client holds its code (stages 1–4); the attacker stole a copy of it \
              from a leaked redirect",
    steps: &[
        local(
            "The attacker keeps the victim's stolen code for later",
            "keeps the stolen code",
        ),
        http("It signs in through the real client: a session of its own, with its own state"),
        http("It approves its own request: the redirect carries a code for its own session"),
        local(
            "It swaps the victim's code into that redirect before the client reads it",
            "swaps the codes",
        ),
        token(
            "The client redeems the victim's code in the attacker's session, with that \
             session's code_verifier",
            "the one the client made for the attacker's session",
        ),
    ],
    real_client: Some("Then the victim's client redeems its own code, as at stage 5"),
    success: "the attacker's session holds a token to the victim's account",
};

/// The words of `attack`.
pub fn of(attack: Attack) -> &'static Script {
    match attack {
        Attack::Interception => &INTERCEPTION,
        Attack::Sniffing => &SNIFFING,
        Attack::Downgrade => &DOWNGRADE,
        Attack::Injection => &INJECTION,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strip_label_fits_an_80_column_strip() {
        // Between the server's lane and the attacker's at 80 columns, with
        // the `↺` and a space.
        for attack in Attack::ALL {
            for label in of(attack).steps.iter().filter_map(|s| s.local) {
                assert!(label.chars().count() <= 24, "{label}");
            }
        }
    }

    #[test]
    fn every_picker_line_fits_an_80_column_picker() {
        for attack in Attack::ALL {
            // The picker's inner width at 80 columns, less the number and
            // the name column.
            assert!(of(attack).sees.chars().count() <= 78 - 19, "{attack:?}");
        }
    }
}
