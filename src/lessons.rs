//! The lessons: one short Markdown text per screen, with TOML front matter and
//! placeholders filled with the values of the recorded run.
//!
//! # Files
//! The built-in set lives in `lessons/` at the top of the repository and is
//! compiled into the binary ([`LessonSet::builtin`]); `--lessons DIR` loads
//! another copy ([`LessonSet::load`]) and `pkce-tutor lessons check DIR`
//! validates one ([`check_dir`]). Every `*.md` file of the directory is a
//! lesson; other files are ignored. A file looks like this:
//!
//! ```text
//! +++
//! id = "pkce-2-challenge"
//! title = "The client derives the code_challenge"
//! stage = 2            # 1 to 6; absent for intro, summary and attacks
//! flow = "pkce"        # "pkce", "plain" (Step 04) or "both"
//! attack = "interception"   # only in an attack lesson: interception | sniffing | downgrade | injection
//! experiment = "flip-verifier"  # only in an experiment lesson, with its stage
//! notes = "For the instructor, shown with --notes."
//! +++
//! `code_challenge` = `{{code_challenge}}` (RFC 7636 §4.2)
//! ```
//!
//! A directory must hold the lessons `intro`, `summary`,
//! `attack-interception` (with `attack = "interception"`) and
//! `attack-downgrade` (with `attack = "downgrade"`), and exactly one lesson
//! for each of the six stages of each flow (a `both` lesson counts for both).
//! An experiment lesson (`experiment = "<id>"`, one per quick experiment,
//! optional in a `--lessons` directory) explains the server's answer to that
//! experiment; it names the stage whose request the experiment changes and
//! may use the placeholders of that stage.
//!
//! An attack lesson opens with what the attack is, then has `###`
//! sections: what the attacker can do, why it works without the defence,
//! which rule stops it, and what this run sent and got. The attack lab shows
//! both sides of the attack at once: the opening and the first section until
//! the attack is decided, the next two from then on; each side's own values
//! are in its column, so the lab leaves out the sections after the third,
//! which a transcript of one side shows.
//!
//! # Placeholders
//! `{{name}}` is replaced by a value of the run, and must stand inside inline
//! code (`` `{{name}}` ``) or a code block so the value shows verbatim. A
//! placeholder is accepted only where **every** run the lesson can be shown
//! for has the value (a `both` lesson must be fillable in both flows), which
//! [`check_dir`] verifies from the front matter alone; [`Lesson::fill`] fails
//! as well if a value is absent at run time. An attack lesson sees the values
//! of stage 4 (the attack is played after it) plus the attack's own.
//!
//! Which placeholders exist, where each has a value and what it holds is
//! the table in the documentation of [`Placeholder`], made from the one list
//! in `placeholder.rs`.
//!
//! # Checkpoints
//! The `checkpoints/` subdirectory holds the checkpoints (see
//! [`Checkpoint`] for their format): loaded with the lessons by
//! [`LessonSet::load`] and checked by [`check_dir`], and optional, so a
//! directory without it is a set with no checkpoints. The built-in set has
//! them all ([`LessonSet::checkpoints`]).
//!
//! # Errors
//! Every problem is a [`LessonError`] naming the file and the line
//! (`FILE:LINE: message`); line 0 stands for the directory as a whole (a
//! missing lesson) and is displayed as `DIR:0: message`.

mod builtin;
mod checkpoint;
mod front_matter;
mod placeholder;
mod plain_text;
mod screen;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::flow::{Attack, Experiment, Flow, Stage, Trace};

pub use checkpoint::{
    Checkpoint, CheckpointSet, Feedback, Letter, Place, PredictedRun, Prediction, When,
};
pub use placeholder::Placeholder;
pub use plain_text::plain_text;
pub use screen::Screen;

/// The flows a lesson belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LessonFlow {
    /// Only the PKCE flow.
    Pkce,
    /// Only the plain flow of Step 04.
    Plain,
    /// Both flows.
    Both,
}

impl LessonFlow {
    /// Whether a lesson of this kind is shown in `flow`.
    pub fn covers(self, flow: Flow) -> bool {
        match self {
            Self::Both => true,
            Self::Pkce => flow == Flow::Pkce,
            Self::Plain => flow == Flow::Plain,
        }
    }

    /// The flows covered.
    pub fn flows(self) -> &'static [Flow] {
        match self {
            Self::Pkce => &[Flow::Pkce],
            Self::Plain => &[Flow::Plain],
            Self::Both => &[Flow::Pkce, Flow::Plain],
        }
    }

    /// The name used in front matter.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pkce => "pkce",
            Self::Plain => "plain",
            Self::Both => "both",
        }
    }
}

/// A problem with a lesson file, located by file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonError {
    /// The lesson file (the directory for a missing lesson).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem is not on one line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl LessonError {
    pub(crate) fn new(file: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always `FILE:LINE: message`, the shape tools and the contract
        // expect; line 0 stands for the directory or file as a whole.
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

impl std::error::Error for LessonError {}

/// One lesson file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    /// Unique identifier, e.g. `intro`, `pkce-3-authorization-request`.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// The stage it explains, if it belongs to one.
    pub stage: Option<Stage>,
    /// The flows it is shown in.
    pub flow: LessonFlow,
    /// The attack it explains, for the attack lab.
    pub attack: Option<Attack>,
    /// The quick experiment whose result it explains; such a lesson is
    /// shown after the experiment, not as its stage's lesson.
    pub experiment: Option<Experiment>,
    /// Notes for the instructor (shown with `--notes`).
    pub notes: Option<String>,
    /// The Markdown text, placeholders unfilled.
    pub body: String,
    /// Where it was read from (`lessons/….md` for the built-in set).
    pub file: PathBuf,
    /// The line of the file on which `body` starts.
    pub body_line: usize,
    /// The line of the `id` key, for errors about the lesson as a whole.
    id_line: usize,
}

impl Lesson {
    /// The placeholders of the body with the file line of each.
    pub fn placeholders(&self) -> Vec<(Placeholder, usize)> {
        placeholder::scan(&self.body, self.body_line)
            .into_iter()
            .filter_map(|token| match token {
                placeholder::Token::Placeholder { which, line, .. } => Some((which, line)),
                _ => None,
            })
            .collect()
    }

    /// The body with every placeholder replaced by the value recorded in
    /// `trace` at `stage` (the lesson's own stage when `None`; stage 4 for an
    /// attack lesson without one). Fails, naming the file and line, when a
    /// value is absent: the stage has not run, the flow differs, or the run
    /// did not produce it.
    pub fn fill(&self, trace: &Trace, stage: Option<Stage>) -> Result<String, LessonError> {
        self.fill_with(trace, stage, |which, line, why| {
            Err(LessonError::new(
                &self.file,
                line,
                format!("`{{{{{}}}}}` has no value: {why}", which.name()),
            ))
        })
    }

    /// The body filled as [`Lesson::fill`] does, for a screen: a value the
    /// run did not record (a request was refused before it existed, a code
    /// expired) reads `(not in this run)` instead of failing the lesson.
    /// Only a lesson of another flow, or a malformed one, is an error.
    pub fn fill_for_screen(
        &self,
        trace: &Trace,
        stage: Option<Stage>,
    ) -> Result<String, LessonError> {
        self.fill_with(trace, stage, |_, _, _| Ok(NOT_IN_THIS_RUN.to_owned()))
    }

    /// Fills the body, asking `missing` what to write for a placeholder
    /// without a value (given the placeholder, its line and why).
    fn fill_with(
        &self,
        trace: &Trace,
        stage: Option<Stage>,
        missing: impl Fn(Placeholder, usize, String) -> Result<String, LessonError>,
    ) -> Result<String, LessonError> {
        if !self.flow.covers(trace.flow) {
            return Err(LessonError::new(
                &self.file,
                self.body_line,
                format!(
                    "this is a {} lesson, but the run is the {} flow",
                    self.flow.name(),
                    trace.flow.name()
                ),
            ));
        }
        let ctx = placeholder::FillContext {
            trace,
            stage: stage
                .or(self.stage)
                .or(self.attack.map(|_| Stage::CodeIssued)),
            attack: self.attack,
        };
        let mut out = String::with_capacity(self.body.len());
        for token in placeholder::scan(&self.body, self.body_line) {
            match token {
                placeholder::Token::Text(text) => out.push_str(text),
                placeholder::Token::Placeholder { which, line, .. } => {
                    let value = match which.value(&ctx) {
                        Ok(value) => value,
                        Err(why) => missing(which, line, why)?,
                    };
                    out.push_str(&value);
                }
                placeholder::Token::Unclosed { line }
                | placeholder::Token::Unknown { line, .. } => {
                    return Err(LessonError::new(
                        &self.file,
                        line,
                        "malformed placeholder (run `pkce-tutor lessons check`)",
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// What a screen shows for a value the run did not record.
pub const NOT_IN_THIS_RUN: &str = "(not in this run)";

/// A complete, valid set of lessons, with its checkpoints.
#[derive(Debug, Clone)]
pub struct LessonSet {
    lessons: Vec<Lesson>,
    checkpoints: CheckpointSet,
}

impl LessonSet {
    /// The lessons compiled into the binary from `lessons/`, with the
    /// checkpoints of `lessons/checkpoints/`.
    ///
    /// # Panics
    /// If the built-in files are invalid, which the test suite rules out.
    pub fn builtin() -> LessonSet {
        let named = |dir: &Path, files: &[(&str, &str)]| -> Vec<(PathBuf, String)> {
            files
                .iter()
                .map(|(name, text)| (dir.join(name), (*text).to_owned()))
                .collect()
        };
        let dir = Path::new("lessons");
        let set = Self::from_dir_files(
            named(dir, builtin::FILES),
            named(&dir.join(CHECKPOINTS_DIR), builtin::CHECKPOINTS),
            dir,
        );
        match set {
            Ok(set) => set,
            Err(errors) => {
                let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
                panic!("the built-in lessons are invalid:\n{}", list.join("\n"))
            }
        }
    }

    /// Loads and validates every `*.md` file of `dir`, and the checkpoints
    /// of `dir/checkpoints/` when that directory exists.
    pub fn load(dir: &Path) -> Result<LessonSet, Vec<LessonError>> {
        let lessons = read_dir(dir);
        let checkpoint_dir = dir.join(CHECKPOINTS_DIR);
        let checkpoints = if checkpoint_dir.is_dir() {
            read_dir(&checkpoint_dir)
        } else {
            Ok(Vec::new())
        };
        match (lessons, checkpoints) {
            (Ok(lessons), Ok(checkpoints)) => Self::from_dir_files(lessons, checkpoints, dir),
            (lessons, checkpoints) => {
                let mut errors: Vec<LessonError> = [lessons.err(), checkpoints.err()]
                    .into_iter()
                    .flatten()
                    .flatten()
                    .collect();
                sort_errors(&mut errors);
                Err(errors)
            }
        }
    }

    /// Parses and validates lesson files given as `(path, text)`, with no
    /// checkpoints; `dir` names the set in errors about missing lessons.
    pub fn from_files(
        files: Vec<(PathBuf, String)>,
        dir: &Path,
    ) -> Result<LessonSet, Vec<LessonError>> {
        Self::from_dir_files(files, Vec::new(), dir)
    }

    /// Parses and validates lesson and checkpoint files given as
    /// `(path, text)`; `dir` names the set in errors about missing lessons.
    pub fn from_dir_files(
        files: Vec<(PathBuf, String)>,
        checkpoint_files: Vec<(PathBuf, String)>,
        dir: &Path,
    ) -> Result<LessonSet, Vec<LessonError>> {
        let mut lessons = Vec::new();
        let mut errors = Vec::new();
        for (path, text) in files {
            match front_matter::parse(&path, &text) {
                Ok(lesson) => {
                    errors.extend(placeholder::check(&lesson));
                    lessons.push(lesson);
                }
                Err(mut errs) => errors.append(&mut errs),
            }
        }
        errors.extend(check_set(&lessons, dir));
        let checkpoints = CheckpointSet::from_files(checkpoint_files)
            .map_err(|mut errs| errors.append(&mut errs))
            .unwrap_or_default();
        if errors.is_empty() {
            Ok(LessonSet {
                lessons,
                checkpoints,
            })
        } else {
            sort_errors(&mut errors);
            Err(errors)
        }
    }

    /// The checkpoints (none when the directory has no `checkpoints/`).
    pub fn checkpoints(&self) -> &CheckpointSet {
        &self.checkpoints
    }

    /// The same lessons with no checkpoints (`--no-checkpoints`): every
    /// view then simply finds none to ask.
    pub fn without_checkpoints(mut self) -> LessonSet {
        self.checkpoints = CheckpointSet::default();
        self
    }

    /// The lesson shown at `stage` of `flow`.
    pub fn for_stage(&self, flow: Flow, stage: Stage) -> Option<&Lesson> {
        self.lessons
            .iter()
            .find(|l| l.stage == Some(stage) && l.flow.covers(flow) && l.experiment.is_none())
    }

    /// The lesson that explains the result of a quick experiment in `flow`.
    pub fn for_experiment(&self, flow: Flow, experiment: Experiment) -> Option<&Lesson> {
        self.lessons
            .iter()
            .find(|l| l.experiment == Some(experiment) && l.flow.covers(flow))
    }

    /// The lesson with that id: `intro`, `summary`, `attack-interception`,
    /// `attack-downgrade`, or a stage lesson's id.
    pub fn by_id(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// The lesson explaining `attack`.
    pub fn for_attack(&self, attack: Attack) -> Option<&Lesson> {
        self.lessons
            .iter()
            .find(|l| l.attack == Some(attack) && l.stage.is_none())
    }

    /// Every lesson, in file order.
    pub fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }
}

/// The subdirectory of a lesson directory that holds the checkpoints.
pub const CHECKPOINTS_DIR: &str = "checkpoints";

/// Validates the lesson directory `dir`: every error, sorted by file and line
/// (empty when the directory is valid).
pub fn check_dir(dir: &Path) -> Vec<LessonError> {
    match LessonSet::load(dir) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

/// The `*.md` files of `dir`, sorted by name.
fn read_dir(dir: &Path) -> Result<Vec<(PathBuf, String)>, Vec<LessonError>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![LessonError::new(
            dir,
            0,
            format!("cannot read the directory: {e}"),
        )]
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((path, text)),
            Err(e) => errors.push(LessonError::new(
                &path,
                0,
                format!("cannot read the file: {e}"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Duplicates and missing lessons.
fn check_set(lessons: &[Lesson], dir: &Path) -> Vec<LessonError> {
    let mut errors = Vec::new();
    let mut ids: HashMap<&str, &Lesson> = HashMap::new();
    let mut screens: HashMap<(Flow, Stage), &Lesson> = HashMap::new();
    for lesson in lessons {
        if let Some(first) = ids.get(lesson.id.as_str()) {
            errors.push(LessonError::new(
                &lesson.file,
                front_matter::id_line(lesson),
                format!(
                    "duplicate id `{}`: {} has it too",
                    lesson.id,
                    first.file.display()
                ),
            ));
        } else {
            ids.insert(&lesson.id, lesson);
        }
        if let Some(stage) = lesson.stage.filter(|_| lesson.experiment.is_none()) {
            for &flow in lesson.flow.flows() {
                if let Some(first) = screens.get(&(flow, stage)) {
                    errors.push(LessonError::new(
                        &lesson.file,
                        front_matter::id_line(lesson),
                        format!(
                            "stage {} of the {} flow already has a lesson: {}",
                            stage.number(),
                            flow.name(),
                            first.file.display()
                        ),
                    ));
                } else {
                    screens.insert((flow, stage), lesson);
                }
            }
        }
    }
    for id in ["intro", "summary"] {
        if !ids.contains_key(id) {
            errors.push(LessonError::new(
                dir,
                0,
                format!("no lesson with id `{id}`"),
            ));
        }
    }
    for attack in Attack::ALL {
        let id = format!("attack-{}", attack.name());
        match ids.get(id.as_str()) {
            None => errors.push(LessonError::new(
                dir,
                0,
                format!("no lesson with id `{id}`"),
            )),
            Some(lesson) if lesson.attack != Some(attack) || lesson.stage.is_some() => {
                errors.push(LessonError::new(
                    &lesson.file,
                    front_matter::id_line(lesson),
                    format!(
                        "lesson `{id}` must have `attack = \"{}\"` and no stage",
                        attack.name()
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    for flow in [Flow::Pkce, Flow::Plain] {
        for stage in Stage::ALL {
            if !screens.contains_key(&(flow, stage)) {
                errors.push(LessonError::new(
                    dir,
                    0,
                    format!(
                        "no lesson for stage {} of the {} flow",
                        stage.number(),
                        flow.name()
                    ),
                ));
            }
        }
    }
    errors
}

fn sort_errors(errors: &mut [LessonError]) {
    errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
}
