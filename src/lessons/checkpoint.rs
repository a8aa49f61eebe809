//! Checkpoints: short questions that catch the known PKCE misconceptions,
//! each asked once on a screen of the tutorial, before or after that screen
//! reveals what the real server did.
//!
//! # Files
//! One Markdown file per checkpoint in the `checkpoints/` directory beside
//! the lessons (`lessons/checkpoints/` for the built-in set; optional in a
//! `--lessons DIR`), with TOML front matter in the lessons' style:
//!
//! ```text
//! +++
//! id = "stolen-code-made-up-verifier"
//! flow = "pkce"                 # "pkce", "plain" or "both"
//! attack = "interception"       # the screen: `stage = N`, `attack` or `experiment`
//! when = "before"               # asked before the screen's reveal, or "after"
//! expect = "invalid_grant"      # a prediction's outcome (only with "before")
//! question = "The attacker sends … What does the token endpoint answer?"
//! a = "An access token: …"
//! b = "`invalid_grant`: …"      # 2 to 4 options, `a` to `d`, no gaps
//! answer = "b"
//! section = "RFC 7636 §4.6"     # where to read more; the body cites it
//! misconception = "PKCE authenticates the client"   # optional
//! +++
//! The explanation, shown after the answer (Markdown, citing the section).
//! ```
//!
//! A checkpoint asked **before** the reveal is a **prediction**: its
//! `expect` names what the server will answer at the step the screen then
//! performs (for a stage, that stage's request in the untouched run; for an
//! attack, its decisive request; for an experiment, the request of its stage,
//! or of a later `stage` it names). The outcome is `token`, `code`,
//! `consent`, `access`, `error_page` or an OAuth error code
//! ([`Outcome`]); `tests/checkpoints.rs` runs every prediction against the
//! real server so the stated answers cannot drift from it.
//!
//! # For the views
//! [`CheckpointSet::for_screen`] gives the checkpoints of a [`Screen`],
//! before or after its reveal; [`Checkpoint::answer`] turns the learner's
//! letter into [`Feedback`]; [`Prediction::observed`] reads the real answer
//! from the run once revealed.

mod parse;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::{LessonError, LessonFlow, Screen};
use crate::flow::{Attack, Experiment, Flow, Scenario, Stage, Trace};
use crate::record::Outcome;

pub(super) use parse::parse;

/// An option's letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Letter {
    /// `a`
    A,
    /// `b`
    B,
    /// `c`
    C,
    /// `d`
    D,
}

impl Letter {
    /// The four letters, in order.
    pub const ALL: [Letter; 4] = [Letter::A, Letter::B, Letter::C, Letter::D];

    /// The letter typed (either case), if it is one of `a` to `d`.
    pub fn from_char(c: char) -> Option<Self> {
        match c.to_ascii_lowercase() {
            'a' => Some(Self::A),
            'b' => Some(Self::B),
            'c' => Some(Self::C),
            'd' => Some(Self::D),
            _ => None,
        }
    }

    /// The lower-case letter.
    pub fn as_char(self) -> char {
        match self {
            Self::A => 'a',
            Self::B => 'b',
            Self::C => 'c',
            Self::D => 'd',
        }
    }
}

impl fmt::Display for Letter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

/// When a checkpoint is asked, relative to the screen's reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    /// Before the screen performs its step: a prediction.
    Before,
    /// Once the screen shows what happened.
    After,
}

/// Which screen of a flow a checkpoint belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// A stage screen.
    Stage(Stage),
    /// An attack's screen in the attack lab.
    Attack(Attack),
    /// A quick experiment's screen.
    Experiment(Experiment),
}

/// What a prediction predicts: a run, the step of it whose answer counts,
/// and that answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    /// The run and its step.
    pub run: PredictedRun,
    /// What the server answers there.
    pub expect: Outcome,
}

/// The run whose answer a prediction predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredictedRun {
    /// The untouched flow, at a stage that sends a request (3 to 6).
    Flow {
        /// The flow.
        flow: Flow,
        /// The stage whose request is answered.
        stage: Stage,
    },
    /// An attack: its decisive request (see `AttackRecord::decisive`).
    Attack {
        /// The flow attacked.
        flow: Flow,
        /// The attack.
        attack: Attack,
    },
    /// A quick experiment, at its stage or a later one.
    Experiment {
        /// The flow.
        flow: Flow,
        /// The experiment.
        experiment: Experiment,
        /// The stage whose request is answered.
        stage: Stage,
    },
}

impl PredictedRun {
    /// The scenario to run (unseeded; set `seed` and `port` as needed).
    /// For an experiment, run it with `flow::run_experiment`.
    pub fn scenario(self) -> Scenario {
        match self {
            Self::Flow { flow, .. } | Self::Experiment { flow, .. } => Scenario::new(flow),
            Self::Attack { flow, attack } => Scenario {
                attack: Some(attack),
                ..Scenario::new(flow)
            },
        }
    }

    /// The experiment to run, if the run is one.
    pub fn experiment(self) -> Option<Experiment> {
        match self {
            Self::Experiment { experiment, .. } => Some(experiment),
            _ => None,
        }
    }
}

impl Prediction {
    /// What the server really answered at the predicted step of `trace`
    /// (`None` while the step has not run or sent nothing).
    pub fn observed(&self, trace: &Trace) -> Option<Outcome> {
        match self.run {
            PredictedRun::Flow { stage, .. } | PredictedRun::Experiment { stage, .. } => {
                let step = trace.reached(stage)?.http_step()?;
                Outcome::of(step.exchange.as_ref()?)
            }
            PredictedRun::Attack { attack, .. } => {
                let record = trace.attack.as_ref().filter(|a| a.attack == attack)?;
                Outcome::of(&record.decisive)
            }
        }
    }
}

/// The learner's answer, judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feedback {
    /// The letter chosen.
    pub chosen: Letter,
    /// The right letter.
    pub right: Letter,
    /// Whether they are the same.
    pub correct: bool,
}

/// One checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Unique among checkpoints; saved progress names answers by it.
    pub id: String,
    /// The question.
    pub question: String,
    /// The options, lettered from `a`, 2 to 4 of them (Markdown inline text).
    pub options: Vec<(Letter, String)>,
    /// The right option.
    pub right: Letter,
    /// Before or after the reveal.
    pub when: When,
    /// The flows whose screen shows it.
    pub flow: LessonFlow,
    /// The screen of the flow.
    pub place: Place,
    /// What a `before` checkpoint predicts.
    pub prediction: Option<Prediction>,
    /// The section to read, e.g. `RFC 7636 §4.6`.
    pub section: String,
    /// The misconception it catches, in a few words.
    pub misconception: Option<String>,
    /// Notes for the instructor.
    pub notes: Option<String>,
    /// The explanation shown with the feedback (Markdown).
    pub explanation: String,
    /// Where it was read from.
    pub file: PathBuf,
    /// The file line on which the explanation starts.
    pub body_line: usize,
    /// The line of the `id` key, for errors about the checkpoint as a whole.
    id_line: usize,
}

impl Checkpoint {
    /// Judges the letter the learner typed (either case); `None` when it
    /// names no option, so the view asks again.
    pub fn answer(&self, letter: char) -> Option<Feedback> {
        let chosen = Letter::from_char(letter)?;
        self.option(chosen)?;
        Some(Feedback {
            chosen,
            right: self.right,
            correct: chosen == self.right,
        })
    }

    /// The text of an option.
    pub fn option(&self, letter: Letter) -> Option<&str> {
        self.options
            .iter()
            .find(|(l, _)| *l == letter)
            .map(|(_, text)| text.as_str())
    }

    /// The letters offered, e.g. `a`, `b`, `c`.
    pub fn letters(&self) -> impl Iterator<Item = Letter> + '_ {
        self.options.iter().map(|(l, _)| *l)
    }

    /// Whether it is asked on `screen`.
    pub fn shown_on(&self, screen: Screen) -> bool {
        self.screens().contains(&screen)
    }

    /// The screens it is asked on (two for a `both` checkpoint).
    pub fn screens(&self) -> Vec<Screen> {
        self.flow
            .flows()
            .iter()
            .map(|&flow| match self.place {
                Place::Stage(stage) => Screen::Stage(flow, stage),
                Place::Attack(attack) => Screen::Attack(flow, attack),
                Place::Experiment(experiment) => Screen::Experiment(flow, experiment),
            })
            .collect()
    }

    /// The screen to revisit after a wrong answer (the PKCE flow's, for a
    /// `both` checkpoint).
    pub fn revisit(&self) -> Screen {
        self.screens().first().copied().unwrap_or(Screen::Intro)
    }
}

/// Every checkpoint of a lesson directory (possibly none).
#[derive(Debug, Clone, Default)]
pub struct CheckpointSet {
    checkpoints: Vec<Checkpoint>,
}

impl CheckpointSet {
    /// Every checkpoint, in file order.
    pub fn all(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// Whether the directory has none.
    pub fn is_empty(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// The checkpoint with that id.
    pub fn by_id(&self, id: &str) -> Option<&Checkpoint> {
        self.checkpoints.iter().find(|c| c.id == id)
    }

    /// The checkpoints of a screen asked `when`, in file order.
    pub fn for_screen(&self, screen: Screen, when: When) -> impl Iterator<Item = &Checkpoint> {
        self.checkpoints
            .iter()
            .filter(move |c| c.when == when && c.shown_on(screen))
    }

    /// Every prediction, with its checkpoint.
    pub fn predictions(&self) -> impl Iterator<Item = (&Checkpoint, &Prediction)> {
        self.checkpoints
            .iter()
            .filter_map(|c| c.prediction.as_ref().map(|p| (c, p)))
    }

    /// Parses and validates checkpoint files given as `(path, text)`.
    pub(super) fn from_files(files: Vec<(PathBuf, String)>) -> Result<Self, Vec<LessonError>> {
        let mut checkpoints = Vec::new();
        let mut errors = Vec::new();
        for (path, text) in files {
            match parse(&path, &text) {
                Ok(checkpoint) => checkpoints.push(checkpoint),
                Err(mut errs) => errors.append(&mut errs),
            }
        }
        let mut ids: HashMap<&str, &Path> = HashMap::new();
        for c in &checkpoints {
            if let Some(first) = ids.insert(&c.id, &c.file) {
                errors.push(LessonError::new(
                    &c.file,
                    c.id_line,
                    format!(
                        "duplicate checkpoint id `{}`: {} has it too",
                        c.id,
                        first.display()
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Self { checkpoints })
        } else {
            Err(errors)
        }
    }
}
