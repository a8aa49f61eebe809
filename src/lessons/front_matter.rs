//! Splits a lesson file into its TOML front matter (between two `+++` lines)
//! and its Markdown body, and checks the front matter's fields, reporting
//! each problem at the line it is on.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Lesson, LessonError, LessonFlow};
use crate::flow::{Attack, Experiment, Stage};

const FENCE: &str = "+++";

/// The front matter as written, every field with its place in the text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Spanned<String>,
    title: Spanned<String>,
    stage: Option<Spanned<i64>>,
    flow: Spanned<String>,
    attack: Option<Spanned<String>>,
    experiment: Option<Spanned<String>>,
    notes: Option<String>,
}

/// A file split at its front matter: the TOML text between the two `+++`
/// lines and the Markdown body after them, with the lines they start on.
pub(super) struct Split {
    /// The TOML text (file line 2 on).
    pub(super) toml: String,
    /// The body after the closing `+++`.
    pub(super) body: String,
    /// The file line of the closing `+++`.
    pub(super) close_line: usize,
    /// The file line on which the body starts.
    pub(super) body_line: usize,
}

impl Split {
    /// The file line of a TOML span (line 1, the opening fence, when the
    /// parser gives none).
    pub(super) fn line_at(&self, span: Option<Range<usize>>) -> usize {
        match span {
            Some(span) => {
                2 + self.toml[..span.start.min(self.toml.len())]
                    .matches('\n')
                    .count()
            }
            None => 1,
        }
    }

    /// Deserializes the front matter, reporting a TOML error at its line.
    pub(super) fn parse<T: serde::de::DeserializeOwned>(
        &self,
        file: &Path,
    ) -> Result<T, LessonError> {
        toml::from_str(&self.toml).map_err(|e| {
            let message = e.message().trim().replace('\n', " ");
            LessonError::new(
                file,
                self.line_at(e.span()),
                format!("front matter: {message}"),
            )
        })
    }
}

/// Splits a file (a lesson or a checkpoint: `what` names it in errors) at
/// its front matter.
pub(super) fn split(file: &Path, text: &str, what: &str) -> Result<Split, LessonError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_fence = |line: &str| line.trim_end() == FENCE;
    if !lines.first().is_some_and(|l| is_fence(l)) {
        return Err(LessonError::new(
            file,
            1,
            format!("a {what} must start with a `+++` line opening its TOML front matter"),
        ));
    }
    let Some(close) = lines
        .iter()
        .skip(1)
        .position(|l| is_fence(l))
        .map(|i| i + 1)
    else {
        return Err(LessonError::new(
            file,
            1,
            "the front matter opened here is never closed: missing closing `+++` line",
        ));
    };
    // `close` is the 0-based index of the closing fence, so the fence is on
    // file line `close + 1` and the body starts on `close + 2`.
    Ok(Split {
        toml: lines[1..close].concat(),
        body: lines[close + 1..].concat(),
        close_line: close + 1,
        body_line: close + 2,
    })
}

/// Parses one lesson file. `file` is only used to name it in errors.
pub(super) fn parse(file: &Path, text: &str) -> Result<Lesson, Vec<LessonError>> {
    let split = split(file, text, "lesson").map_err(|e| vec![e])?;
    let raw: Raw = split.parse(file).map_err(|e| vec![e])?;
    let fields = Fields {
        file,
        split: &split,
    };
    let mut errors = Vec::new();
    let id_line = fields.line(&raw.id);
    fields.id(&raw.id).unwrap_or_else(|e| errors.push(e));
    if raw.title.get_ref().trim().is_empty() {
        errors.push(LessonError::new(
            file,
            fields.line(&raw.title),
            "`title` is empty",
        ));
    }
    let stage = fields.stage(raw.stage.as_ref()).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let flow = fields.flow(&raw.flow).map_err(|e| errors.push(e)).ok();
    let attack = fields.attack(raw.attack.as_ref()).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let (Some(_), Some(a)) = (&raw.stage, &raw.attack) {
        errors.push(LessonError::new(
            file,
            fields.line(a),
            "an attack lesson has no `stage` (the attack is played after stage 4)",
        ));
    }
    let experiment = match fields.experiment(raw.experiment.as_ref()) {
        Err(e) => {
            errors.push(e);
            None
        }
        Ok(None) => None,
        Ok(Some((x, _))) if raw.stage.is_some() && stage.is_none_or(|s| s == x.stage()) => Some(x),
        Ok(Some((x, line))) => {
            errors.push(LessonError::new(
                file,
                line,
                format!(
                    "experiment {:?} changes the request of stage {}: the lesson needs `stage = {}`",
                    x.id(),
                    x.stage().number(),
                    x.stage().number()
                ),
            ));
            None
        }
    };
    if split.body.trim().is_empty() {
        errors.push(LessonError::new(
            file,
            split.close_line,
            "the lesson has no text after the front matter",
        ));
    }
    match flow {
        Some(flow) if errors.is_empty() => Ok(Lesson {
            id: raw.id.into_inner(),
            title: raw.title.into_inner().trim().to_owned(),
            stage,
            flow,
            attack,
            experiment,
            notes: raw
                .notes
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
            file: file.to_owned(),
            body_line: split.body_line,
            body: split.body,
            id_line,
        }),
        _ => Err(errors),
    }
}

/// The line of the `id` key of a parsed lesson (for set-level errors).
pub(super) fn id_line(lesson: &Lesson) -> usize {
    lesson.id_line
}

/// Reads the fields lessons and checkpoints share, each error at its line.
pub(super) struct Fields<'a> {
    pub(super) file: &'a Path,
    pub(super) split: &'a Split,
}

impl Fields<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> LessonError {
        LessonError::new(self.file, self.split.line_at(Some(span)), message)
    }

    /// The line of a field.
    pub(super) fn line<T>(&self, field: &Spanned<T>) -> usize {
        self.split.line_at(Some(field.span()))
    }

    /// `id`: lower-case letters, digits and `-`.
    pub(super) fn id(&self, id: &Spanned<String>) -> Result<(), LessonError> {
        let text = id.get_ref();
        let ok = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(())
        } else {
            Err(self.error(
                id.span(),
                format!("`id` must be lower-case letters, digits and `-`, found {text:?}"),
            ))
        }
    }

    /// `stage`: 1 to 6.
    pub(super) fn stage(&self, n: Option<&Spanned<i64>>) -> Result<Option<Stage>, LessonError> {
        let Some(n) = n else { return Ok(None) };
        u8::try_from(*n.get_ref())
            .ok()
            .and_then(Stage::from_number)
            .map(Some)
            .ok_or_else(|| {
                self.error(
                    n.span(),
                    format!("`stage` must be 1 to 6, found {}", n.get_ref()),
                )
            })
    }

    /// `flow`: `pkce`, `plain` or `both`.
    pub(super) fn flow(&self, flow: &Spanned<String>) -> Result<LessonFlow, LessonError> {
        match flow.get_ref().as_str() {
            "pkce" => Ok(LessonFlow::Pkce),
            "plain" => Ok(LessonFlow::Plain),
            "both" => Ok(LessonFlow::Both),
            other => Err(self.error(
                flow.span(),
                format!("`flow` must be \"pkce\", \"plain\" or \"both\", found {other:?}"),
            )),
        }
    }

    /// `attack`: `interception` or `downgrade`.
    pub(super) fn attack(
        &self,
        attack: Option<&Spanned<String>>,
    ) -> Result<Option<Attack>, LessonError> {
        let Some(a) = attack else { return Ok(None) };
        match Attack::ALL.into_iter().find(|x| x.name() == a.get_ref()) {
            Some(attack) => Ok(Some(attack)),
            None => {
                let names: Vec<String> = Attack::ALL
                    .iter()
                    .map(|x| format!("{:?}", x.name()))
                    .collect();
                Err(self.error(
                    a.span(),
                    format!(
                        "`attack` must be {}, found {:?}",
                        names.join(", "),
                        a.get_ref()
                    ),
                ))
            }
        }
    }

    /// `experiment`: the id of a quick experiment, with its line.
    pub(super) fn experiment(
        &self,
        experiment: Option<&Spanned<String>>,
    ) -> Result<Option<(Experiment, usize)>, LessonError> {
        let Some(e) = experiment else { return Ok(None) };
        match Experiment::from_id(e.get_ref()) {
            Some(x) => Ok(Some((x, self.line(e)))),
            None => {
                let known: Vec<&str> = Experiment::ALL.iter().map(|x| x.id()).collect();
                Err(self.error(
                    e.span(),
                    format!(
                        "`experiment` must be one of {}, found {:?}",
                        known.join(", "),
                        e.get_ref()
                    ),
                ))
            }
        }
    }
}
