//! The linear tour (`pkce-tutor tour --linear`): the tutorial as plain
//! lines, for screen readers, dumb terminals and pipes. No alternate screen,
//! no drawing characters, no colour: each screen is printed as text (the
//! stage's title, the client's values, what was sent and received, what the
//! server reported and answered, the lesson), then a prompt. Enter moves on,
//! `p` goes back, a number jumps, `q` quits; a checkpoint is answered by
//! typing its letter.
//!
//! The flow runs as the learner steps, as in the TUI: a stage's request goes
//! out when the stage is first reached. A checkpoint asked after a screen's
//! reveal is offered on that screen; a prediction (asked before the reveal)
//! is offered on the screen before, so that one line both answers it and
//! moves on, and its feedback follows the real answer. Each checkpoint is
//! offered once. Progress is saved as the learner goes, and a failure to
//! save is a warning, never the end of the tour.
//!
//! [`run`] reads from any `BufRead` and writes to any `Write`, so tests
//! drive it without a process.

mod ask;
mod input;
mod pos;
mod screen;

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::sync::Arc;

use anyhow::Context as _;

use crate::flow::{Edit, Engine, Flow, Scenario, Stage};
use crate::lessons::{Checkpoint, LessonSet, Screen, When};
use crate::progress::{Progress, Store, Warning};
use crate::summary::resume_stage;
use input::{Input, read_line};
use pos::Pos;

/// Options of the linear tour.
#[derive(Debug, Clone)]
pub struct LinearOptions {
    /// The flow.
    pub flow: Flow,
    /// The stage to open at; `None` resumes the saved progress (or opens at
    /// stage 1).
    pub stage: Option<Stage>,
    /// The seed of every random value.
    pub seed: Option<u64>,
    /// The port of the server on 127.0.0.1.
    pub port: Option<u16>,
    /// The learner's amendments of the requests (`--set`, `--drop`); with
    /// any, no checkpoint is asked, since their answers are about the
    /// untouched run.
    pub edits: Vec<(Stage, Edit)>,
    /// The lessons and their checkpoints (none under `--no-checkpoints`).
    pub lessons: Arc<LessonSet>,
    /// Print the instructors' notes.
    pub notes: bool,
}

/// The question open at the prompt.
#[derive(Debug, Clone, Copy)]
enum Question<'l> {
    /// Asked after this screen's reveal.
    After(&'l Checkpoint),
    /// A prediction about the next stage, answered before it runs.
    Predict(&'l Checkpoint, Stage),
}

impl<'l> Question<'l> {
    fn checkpoint(self) -> &'l Checkpoint {
        match self {
            Self::After(c) | Self::Predict(c, _) => c,
        }
    }
}

/// How the tour ended.
enum Ending {
    Finished,
    Quit,
}

/// Runs the linear tour: starts the scenario's server and client, then
/// reads the learner's lines from `input` until `q`, the end of the tour or
/// the end of the input. Progress is loaded from and saved to `store`;
/// warnings about it go to `warnings`.
pub fn run(
    options: &LinearOptions,
    runtime: &tokio::runtime::Runtime,
    store: &mut Store,
    mut input: impl BufRead,
    output: impl Write,
    warnings: impl Write,
) -> anyhow::Result<()> {
    let (progress, warning) = store.load();
    let scenario = Scenario {
        seed: options.seed,
        port: options.port,
        edits: options.edits.clone(),
        ..Scenario::new(options.flow)
    };
    let engine = runtime
        .block_on(Engine::start(scenario))
        .context("cannot start the flow")?;
    let mut tour = Tour {
        options,
        lessons: &options.lessons,
        runtime,
        engine,
        pos: Pos::Stage(Stage::Verifier),
        store,
        progress,
        asked: HashSet::new(),
        out: output,
        warnings,
    };
    tour.warn(warning)?;
    let resumed = match options.stage {
        Some(_) => None,
        None => resume_stage(&tour.progress, options.flow),
    };
    let start = options.stage.or(resumed).unwrap_or(Stage::Verifier);
    tour.write(&screen::header(tour.engine.trace()))?;
    if !options.edits.is_empty() && !options.lessons.checkpoints().is_empty() {
        tour.write("This run is amended (--set, --drop): no checkpoints, since they are about the untouched run.\n")?;
    }
    if let Some(stage) = resumed {
        tour.write(&format!(
            "Resuming at stage {} of 6, where you stopped last time (`pkce-tutor progress --reset` forgets it; `--stage 1` starts at the beginning).\n",
            stage.number()
        ))?;
    }
    tour.go(Pos::Stage(start))?;
    let ending = tour.run(&mut input)?;
    tour.end(ending)
}

struct Tour<'a, W: Write, E: Write> {
    options: &'a LinearOptions,
    lessons: &'a LessonSet,
    runtime: &'a tokio::runtime::Runtime,
    engine: Engine,
    pos: Pos,
    store: &'a mut Store,
    progress: Progress,
    /// Checkpoints offered in this tour, answered or not: each is offered
    /// once.
    asked: HashSet<String>,
    out: W,
    warnings: E,
}

impl<'a, W: Write, E: Write> Tour<'a, W, E> {
    fn flow(&self) -> Flow {
        self.options.flow
    }

    /// The prompt loop.
    fn run(&mut self, input: &mut impl BufRead) -> anyhow::Result<Ending> {
        loop {
            let question = self.open_question();
            self.prompt(question)?;
            let Some(line) = read_line(input).context("cannot read the input")? else {
                self.write("\n")?;
                return Ok(Ending::Quit);
            };
            match Input::parse(&line) {
                Input::Next => {
                    self.skip(question);
                    match self.pos.next() {
                        Some(next) => self.go(next)?,
                        None => return Ok(Ending::Finished),
                    }
                }
                Input::Previous => {
                    self.skip(question);
                    match self.pos.prev() {
                        Some(prev) => self.go(prev)?,
                        None => self.write("This is the first screen.\n")?,
                    }
                }
                Input::Jump(n) => {
                    self.skip(question);
                    if let Some(pos) = Pos::from_number(n) {
                        self.go(pos)?;
                    }
                }
                Input::Quit => return Ok(Ending::Quit),
                Input::Letter(letter) => match question {
                    Some(question) => self.answer(question, letter)?,
                    None => self.write("No question is open on this screen.\n")?,
                },
                Input::Help => self.write(&format!("{}\n", screen::KEYS))?,
                Input::Unknown(text) => {
                    self.write(&format!("Not understood: {text:?}. {}\n", screen::KEYS))?;
                }
            }
        }
    }

    /// Shows a screen, running the flow up to it first, and saves that the
    /// learner is there.
    fn go(&mut self, pos: Pos) -> anyhow::Result<()> {
        if let Pos::Stage(stage) = pos {
            self.reach(stage)?;
        }
        self.pos = pos;
        let trace = self.engine.trace();
        let text = match pos {
            Pos::Intro => screen::intro(trace, self.lessons, self.options.notes),
            Pos::Stage(stage) => screen::stage(trace, stage, self.lessons, self.options.notes),
            Pos::Summary => {
                screen::summary(trace, self.lessons, &self.progress, self.options.notes)
            }
        };
        self.write(&format!("\n{text}"))?;
        self.progress.visit(&pos.screen(self.flow()).key());
        self.save()
    }

    /// Runs the flow until `stage` has been recorded.
    fn reach(&mut self, stage: Stage) -> anyhow::Result<()> {
        while self.engine.trace().stage(stage).is_none() {
            let step = self
                .runtime
                .block_on(self.engine.step())
                .with_context(|| format!("the flow failed before stage {}", stage.number()))?;
            if step.is_none() {
                break;
            }
        }
        Ok(())
    }

    /// The question offered at the prompt: first this screen's checkpoints
    /// asked after the reveal, then a prediction about the next stage if it
    /// has not run yet. None in an amended run: the checkpoints are about
    /// the untouched one.
    fn open_question(&self) -> Option<Question<'a>> {
        if !self.options.edits.is_empty() {
            return None;
        }
        let checkpoints = self.lessons.checkpoints();
        let fresh =
            |c: &&Checkpoint| !self.asked.contains(&c.id) && self.progress.answer(&c.id).is_none();
        let screen = self.pos.screen(self.flow());
        if let Some(c) = checkpoints.for_screen(screen, When::After).find(fresh) {
            return Some(Question::After(c));
        }
        let Pos::Stage(stage) = self.pos else {
            return None;
        };
        let next = stage.next()?;
        if self.engine.trace().stage(next).is_some() {
            return None;
        }
        checkpoints
            .for_screen(Screen::Stage(self.flow(), next), When::Before)
            .find(fresh)
            .map(|c| Question::Predict(c, next))
    }

    /// The question, if any, and what to type.
    fn prompt(&mut self, question: Option<Question<'_>>) -> anyhow::Result<()> {
        let next = self.pos.next().map_or("finish the tour".to_owned(), |p| {
            format!("go to {}", p.label())
        });
        let text = match question {
            Some(Question::After(c)) => format!(
                "\n{}Type {} to answer; Enter to {next} without answering; p: previous; q: quit.\n> ",
                ask::question(c, "Checkpoint"),
                ask::letters(c)
            ),
            Some(Question::Predict(c, stage)) => format!(
                "\n{}Type {} to predict, then see stage {n}; Enter to see stage {n} without predicting; p: previous; q: quit.\n> ",
                ask::question(c, &format!("Before stage {}, predict", stage.number())),
                ask::letters(c),
                n = stage.number()
            ),
            None => format!("\nEnter: {next}; p: previous; 0 to 6: jump; q: quit.\n> "),
        };
        self.write(&text)?;
        self.out.flush().context("cannot write the output")
    }

    /// A question left unanswered is not offered again in this tour.
    fn skip(&mut self, question: Option<Question<'_>>) {
        if let Some(question) = question {
            self.asked.insert(question.checkpoint().id.clone());
        }
    }

    /// Judges a letter typed at a question.
    fn answer(&mut self, question: Question<'a>, letter: char) -> anyhow::Result<()> {
        let checkpoint = question.checkpoint();
        let Some(feedback) = checkpoint.answer(letter) else {
            return self.write(&format!(
                "{letter} is not one of the options: type {}.\n",
                ask::letters(checkpoint)
            ));
        };
        self.asked.insert(checkpoint.id.clone());
        self.progress
            .record_answer(&checkpoint.id, feedback.chosen.as_char(), feedback.correct);
        match question {
            Question::After(_) => {
                self.save()?;
                self.write(&format!("\n{}", ask::feedback(checkpoint, feedback)))
            }
            Question::Predict(_, stage) => {
                // The reveal first, then the feedback beside the real answer.
                self.go(Pos::Stage(stage))?;
                let observed = checkpoint
                    .prediction
                    .as_ref()
                    .and_then(|p| p.observed(self.engine.trace()));
                self.write(&format!(
                    "\n{}",
                    ask::prediction_feedback(checkpoint, feedback, observed.as_ref())
                ))
            }
        }
    }

    /// The last words: where the progress is.
    fn end(mut self, ending: Ending) -> anyhow::Result<()> {
        if matches!(ending, Ending::Finished) {
            self.write("\nEnd of the tour.")?;
        }
        let saved = match self.store.path() {
            Some(path) => format!(
                " Your progress is saved in {}; `pkce-tutor progress` shows it.",
                path.display()
            ),
            None => String::new(),
        };
        let resume = match (ending, resume_stage(&self.progress, self.flow())) {
            (Ending::Quit, Some(stage)) => {
                format!(" The next tour resumes at stage {}.", stage.number())
            }
            _ => String::new(),
        };
        self.write(&format!("\nBye.{saved}{resume}\n"))?;
        self.out.flush().context("cannot write the output")
    }

    fn save(&mut self) -> anyhow::Result<()> {
        let warning = self.store.save(&self.progress);
        self.warn(warning)
    }

    fn warn(&mut self, warning: Option<Warning>) -> anyhow::Result<()> {
        if let Some(warning) = warning {
            writeln!(self.warnings, "pkce-tutor: warning: {warning}")
                .context("cannot write a warning")?;
        }
        Ok(())
    }

    fn write(&mut self, text: &str) -> anyhow::Result<()> {
        self.out
            .write_all(text.as_bytes())
            .context("cannot write the output")
    }
}
