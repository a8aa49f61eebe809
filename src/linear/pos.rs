//! Where the learner is in the linear tour: the introduction, a stage or
//! the summary, and the moves between them.

use crate::flow::{Flow, Stage};
use crate::lessons::Screen;

/// Where the learner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pos {
    /// The introduction (0), with discovery and registration.
    Intro,
    /// A stage screen.
    Stage(Stage),
    /// The summary, after stage 6.
    Summary,
}

impl Pos {
    /// The screen, as saved progress names it.
    pub(super) fn screen(self, flow: Flow) -> Screen {
        match self {
            Self::Intro => Screen::Intro,
            Self::Stage(stage) => Screen::Stage(flow, stage),
            Self::Summary => Screen::Summary,
        }
    }

    /// The screen Enter goes to; none after the summary.
    pub(super) fn next(self) -> Option<Self> {
        match self {
            Self::Intro => Some(Self::Stage(Stage::Verifier)),
            Self::Stage(stage) => Some(stage.next().map_or(Self::Summary, Self::Stage)),
            Self::Summary => None,
        }
    }

    /// The screen `p` goes to; none before the introduction.
    pub(super) fn prev(self) -> Option<Self> {
        match self {
            Self::Intro => None,
            Self::Stage(stage) => Some(stage.prev().map_or(Self::Intro, Self::Stage)),
            Self::Summary => Some(Self::Stage(Stage::Verification)),
        }
    }

    /// The screen a number jumps to: 0 the introduction, 1 to 6 a stage.
    pub(super) fn from_number(n: u8) -> Option<Self> {
        match n {
            0 => Some(Self::Intro),
            n => Stage::from_number(n).map(Self::Stage),
        }
    }

    /// "stage 4", "the introduction", "the summary".
    pub(super) fn label(self) -> String {
        match self {
            Self::Intro => "the introduction".to_owned(),
            Self::Stage(stage) => format!("stage {}", stage.number()),
            Self::Summary => "the summary".to_owned(),
        }
    }
}
