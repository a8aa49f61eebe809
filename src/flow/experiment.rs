//! The quick experiments: the edits a learner tries first to break PKCE on
//! purpose, one key away in the request editor. Each names the stage whose
//! request it changes, computes its edits from the planned request and the
//! client's own values, and has a lesson `experiment-<id>` that explains the
//! server's answer.
//!
//! Adding one: a variant here (in `ALL`, with its id, title, stage and
//! edits), its lesson file in `lessons/`, and its test in
//! `tests/experiments.rs`.

use super::{Engine, FlowError, Scenario, Stage, Trace};
use crate::record::{ClientValues, Edit, PlannedRequest};

/// A quick experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Experiment {
    /// Change one character of `code_verifier` in the token request.
    FlipVerifier,
    /// Send the `code_challenge` where the `code_verifier` belongs.
    ChallengeAsVerifier,
    /// Leave `code_verifier` out of the token request.
    DropVerifier,
    /// Leave `code_challenge` out of the authorization request.
    DropChallenge,
    /// Ask for `code_challenge_method=plain`.
    PlainMethod,
    /// Pad the challenge with `=` (base64 with padding).
    PaddedChallenge,
    /// Ask for the code to go to another redirect URI.
    OtherRedirectUri,
    /// Redeem the same code a second time.
    Replay,
}

impl Experiment {
    /// Every experiment, in the order the editor offers them.
    pub const ALL: [Experiment; 8] = [
        Experiment::FlipVerifier,
        Experiment::ChallengeAsVerifier,
        Experiment::DropVerifier,
        Experiment::Replay,
        Experiment::DropChallenge,
        Experiment::PlainMethod,
        Experiment::PaddedChallenge,
        Experiment::OtherRedirectUri,
    ];

    /// The name of its lesson is `experiment-<id>`.
    pub fn id(self) -> &'static str {
        match self {
            Self::FlipVerifier => "flip-verifier",
            Self::ChallengeAsVerifier => "challenge-as-verifier",
            Self::DropVerifier => "drop-verifier",
            Self::DropChallenge => "drop-challenge",
            Self::PlainMethod => "plain-method",
            Self::PaddedChallenge => "padded-challenge",
            Self::OtherRedirectUri => "other-redirect-uri",
            Self::Replay => "replay",
        }
    }

    /// The experiment of a lesson id's suffix.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.id() == id)
    }

    /// One line for the editor.
    pub fn title(self) -> &'static str {
        match self {
            Self::FlipVerifier => "flip one character of code_verifier",
            Self::ChallengeAsVerifier => "send the code_challenge as the code_verifier",
            Self::DropVerifier => "drop code_verifier",
            Self::DropChallenge => "drop code_challenge",
            Self::PlainMethod => "code_challenge_method=plain",
            Self::PaddedChallenge => "a padded code_challenge (ends in =)",
            Self::OtherRedirectUri => "another redirect_uri",
            Self::Replay => "redeem the same code twice (replay)",
        }
    }

    /// The stage whose request it changes.
    pub fn stage(self) -> Stage {
        match self {
            Self::FlipVerifier | Self::ChallengeAsVerifier | Self::DropVerifier | Self::Replay => {
                Stage::TokenRequest
            }
            Self::DropChallenge
            | Self::PlainMethod
            | Self::PaddedChallenge
            | Self::OtherRedirectUri => Stage::AuthorizationRequest,
        }
    }

    /// Whether the experiment sends the token request a second time.
    pub fn replays(self) -> bool {
        self == Self::Replay
    }

    /// The edits of the planned request, or `None` where the experiment
    /// does not apply (no verifier to flip in the plain flow).
    pub fn edits(self, planned: &PlannedRequest, client: &ClientValues) -> Option<Vec<Edit>> {
        let set = |param: &str, value: String| Edit::Set {
            param: param.to_owned(),
            value,
        };
        let drop = |param: &str| Edit::Drop {
            param: param.to_owned(),
        };
        let edits = match self {
            Self::FlipVerifier => {
                vec![set(
                    "code_verifier",
                    flip_one(planned.param("code_verifier")?),
                )]
            }
            Self::ChallengeAsVerifier => {
                planned.param("code_verifier")?;
                vec![set("code_verifier", client.code_challenge.clone()?)]
            }
            Self::DropVerifier => {
                planned.param("code_verifier")?;
                vec![drop("code_verifier")]
            }
            Self::DropChallenge => {
                planned.param("code_challenge")?;
                vec![drop("code_challenge"), drop("code_challenge_method")]
            }
            Self::PlainMethod => {
                planned.param("code_challenge_method")?;
                vec![set("code_challenge_method", "plain".to_owned())]
            }
            Self::PaddedChallenge => {
                vec![set(
                    "code_challenge",
                    format!("{}=", planned.param("code_challenge")?),
                )]
            }
            Self::OtherRedirectUri => {
                let registered = planned.param("redirect_uri")?;
                let other = url::Url::parse(registered)
                    .ok()?
                    .join("/somewhere-else")
                    .ok()?;
                vec![set("redirect_uri", other.to_string())]
            }
            Self::Replay => Vec::new(),
        };
        Some(edits)
    }
}

/// Changes the last character of a value to another unreserved character,
/// so the value keeps its length and syntax and differs in one place.
fn flip_one(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    if let Some(last) = chars.last_mut() {
        *last = if *last == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

/// Runs a scenario with an experiment at its stage, for real, to the end:
/// the edits are computed from the request as the engine plans it.
pub async fn run_experiment(
    experiment: Experiment,
    scenario: Scenario,
) -> Result<Trace, FlowError> {
    let mut engine = Engine::start(Scenario {
        replay: experiment.replays(),
        ..scenario
    })
    .await?;
    while engine
        .next_stage()
        .is_some_and(|next| next < experiment.stage())
    {
        engine.step().await?;
    }
    let edits = match engine.plan()? {
        Some(plan) => experiment
            .edits(
                &plan.request,
                &engine
                    .trace()
                    .stages
                    .last()
                    .map(|s| s.client.clone())
                    .unwrap_or_default(),
            )
            .unwrap_or_default(),
        None => Vec::new(),
    };
    engine.step_with(&edits).await?;
    engine.finish().await?;
    Ok(engine.into_trace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flipping_keeps_the_length_and_changes_one_character() {
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let flipped = flip_one(v);
        assert_eq!(flipped.len(), v.len());
        let differing = v.chars().zip(flipped.chars()).filter(|(a, b)| a != b);
        assert_eq!(differing.count(), 1);
        assert_eq!(flip_one("xA"), "xB");
    }

    #[test]
    fn ids_are_unique_and_round_trip() {
        for e in Experiment::ALL {
            assert_eq!(Experiment::from_id(e.id()), Some(e));
        }
    }
}
