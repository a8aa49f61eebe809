//! The screens of the tutorial, named once: where a checkpoint is asked,
//! what saved progress calls "seen", where a tour resumes. A screen has a
//! stable text key (`pkce/stage-3`, `plain/attack-interception`, `intro`)
//! that the progress file stores, so the progress module needs no types of
//! its own.

use std::fmt;

use crate::flow::{Attack, Experiment, Flow, Stage};

/// One screen of the tutorial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    /// The introduction, before the stages.
    Intro,
    /// Stage 0: discovery and registration.
    Discovery,
    /// A stage of a flow.
    Stage(Flow, Stage),
    /// An attack replayed against a flow (the attack lab).
    Attack(Flow, Attack),
    /// A quick experiment's result, in a flow.
    Experiment(Flow, Experiment),
    /// The summary, after stage 6.
    Summary,
}

impl Screen {
    /// The key saved progress stores.
    pub fn key(self) -> String {
        match self {
            Self::Intro => "intro".to_owned(),
            Self::Discovery => "discovery".to_owned(),
            Self::Summary => "summary".to_owned(),
            Self::Stage(flow, stage) => format!("{}/stage-{}", flow.name(), stage.number()),
            Self::Attack(flow, attack) => format!("{}/attack-{}", flow.name(), attack.name()),
            Self::Experiment(flow, experiment) => {
                format!("{}/experiment-{}", flow.name(), experiment.id())
            }
        }
    }

    /// The screen of a key, `None` for a key this version does not know
    /// (a progress file written by another version).
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "intro" => return Some(Self::Intro),
            "discovery" => return Some(Self::Discovery),
            "summary" => return Some(Self::Summary),
            _ => {}
        }
        let (flow, rest) = key.split_once('/')?;
        let flow = match flow {
            "pkce" => Flow::Pkce,
            "plain" => Flow::Plain,
            _ => return None,
        };
        if let Some(n) = rest.strip_prefix("stage-") {
            return Some(Self::Stage(flow, Stage::from_number(n.parse().ok()?)?));
        }
        if let Some(name) = rest.strip_prefix("attack-") {
            let attack = Attack::ALL.into_iter().find(|a| a.name() == name)?;
            return Some(Self::Attack(flow, attack));
        }
        let id = rest.strip_prefix("experiment-")?;
        Some(Self::Experiment(flow, Experiment::from_id(id)?))
    }

    /// The flow the screen belongs to, if one.
    pub fn flow(self) -> Option<Flow> {
        match self {
            Self::Stage(flow, _) | Self::Attack(flow, _) | Self::Experiment(flow, _) => Some(flow),
            Self::Intro | Self::Discovery | Self::Summary => None,
        }
    }
}

impl fmt::Display for Screen {
    /// Where to find the screen, in words: "stage 5 of the flow with PKCE",
    /// "the interception attack against PKCE (the attack lab's right
    /// side)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Intro => f.write_str("the introduction"),
            Self::Discovery => f.write_str("stage 0 (discovery and registration)"),
            Self::Summary => f.write_str("the summary"),
            Self::Stage(flow, stage) => {
                write!(f, "stage {} of the flow {}", stage.number(), flow.caption())
            }
            // The attack lab shows each attack twice: without the defence
            // (the plain flow's column) and with it (OAuth 2.1 and MCP).
            Self::Attack(Flow::Plain, attack) => write!(
                f,
                "the {} attack without its defence (the attack lab's left side)",
                attack.name()
            ),
            Self::Attack(Flow::Pkce, attack) => write!(
                f,
                "the {} attack against PKCE (the attack lab's right side)",
                attack.name()
            ),
            Self::Experiment(flow, experiment) => write!(
                f,
                "the experiment \"{}\" in the flow {}",
                experiment.title(),
                flow.caption()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_key_round_trips() {
        let mut screens = vec![Screen::Intro, Screen::Summary];
        for flow in [Flow::Pkce, Flow::Plain] {
            screens.extend(Stage::ALL.map(|s| Screen::Stage(flow, s)));
            screens.extend(Attack::ALL.map(|a| Screen::Attack(flow, a)));
            screens.extend(Experiment::ALL.map(|e| Screen::Experiment(flow, e)));
        }
        for screen in screens {
            assert_eq!(
                Screen::from_key(&screen.key()),
                Some(screen),
                "{}",
                screen.key()
            );
        }
        for bad in [
            "",
            "pkce",
            "pkce/stage-7",
            "oidc/stage-1",
            "pkce/attack-x",
            "pkce/other",
        ] {
            assert_eq!(Screen::from_key(bad), None, "{bad}");
        }
    }
}
