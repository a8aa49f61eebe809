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

/// Parses one lesson file. `file` is only used to name it in errors.
pub(super) fn parse(file: &Path, text: &str) -> Result<Lesson, Vec<LessonError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_fence = |line: &str| line.trim_end() == FENCE;
    if !lines.first().is_some_and(|l| is_fence(l)) {
        return Err(vec![LessonError::new(
            file,
            1,
            "a lesson must start with a `+++` line opening its TOML front matter",
        )]);
    }
    let Some(close) = lines
        .iter()
        .skip(1)
        .position(|l| is_fence(l))
        .map(|i| i + 1)
    else {
        return Err(vec![LessonError::new(
            file,
            1,
            "the front matter opened here is never closed: missing closing `+++` line",
        )]);
    };
    // The TOML text starts on file line 2; `close` is the 0-based index of the
    // closing fence, so the body starts on file line `close + 2`.
    let toml_text: String = lines[1..close].concat();
    let body: String = lines[close + 1..].concat();
    let body_line = close + 2;
    let at = |span: Option<Range<usize>>| match span {
        Some(span) => {
            2 + toml_text[..span.start.min(toml_text.len())]
                .matches('\n')
                .count()
        }
        None => 1,
    };

    let raw: Raw = match toml::from_str(&toml_text) {
        Ok(raw) => raw,
        Err(e) => {
            let message = e.message().trim().replace('\n', " ");
            return Err(vec![LessonError::new(
                file,
                at(e.span()),
                format!("front matter: {message}"),
            )]);
        }
    };

    let mut errors = Vec::new();
    let id_line = at(Some(raw.id.span()));
    let id_ok = !raw.id.get_ref().is_empty()
        && raw
            .id
            .get_ref()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        errors.push(LessonError::new(
            file,
            at(Some(raw.id.span())),
            format!(
                "`id` must be lower-case letters, digits and `-`, found {:?}",
                raw.id.get_ref()
            ),
        ));
    }
    if raw.title.get_ref().trim().is_empty() {
        errors.push(LessonError::new(
            file,
            at(Some(raw.title.span())),
            "`title` is empty",
        ));
    }
    let stage = match &raw.stage {
        None => None,
        Some(n) => {
            let stage = u8::try_from(*n.get_ref()).ok().and_then(Stage::from_number);
            if stage.is_none() {
                errors.push(LessonError::new(
                    file,
                    at(Some(n.span())),
                    format!("`stage` must be 1 to 6, found {}", n.get_ref()),
                ));
            }
            stage
        }
    };
    let flow = match raw.flow.get_ref().as_str() {
        "pkce" => Some(LessonFlow::Pkce),
        "plain" => Some(LessonFlow::Plain),
        "both" => Some(LessonFlow::Both),
        other => {
            errors.push(LessonError::new(
                file,
                at(Some(raw.flow.span())),
                format!("`flow` must be \"pkce\", \"plain\" or \"both\", found {other:?}"),
            ));
            None
        }
    };
    let attack = match &raw.attack {
        None => None,
        Some(a) => match Attack::ALL.into_iter().find(|x| x.name() == a.get_ref()) {
            Some(attack) => Some(attack),
            None => {
                let names: Vec<String> = Attack::ALL
                    .iter()
                    .map(|x| format!("{:?}", x.name()))
                    .collect();
                errors.push(LessonError::new(
                    file,
                    at(Some(a.span())),
                    format!(
                        "`attack` must be {}, found {:?}",
                        names.join(", "),
                        a.get_ref()
                    ),
                ));
                None
            }
        },
    };
    if let (Some(_), Some(a)) = (&raw.stage, &raw.attack) {
        errors.push(LessonError::new(
            file,
            at(Some(a.span())),
            "an attack lesson has no `stage` (the attack is played after stage 4)",
        ));
    }
    let experiment = match &raw.experiment {
        None => None,
        Some(e) => {
            let line = at(Some(e.span()));
            match Experiment::from_id(e.get_ref()) {
                None => {
                    let known: Vec<&str> = Experiment::ALL.iter().map(|x| x.id()).collect();
                    errors.push(LessonError::new(
                        file,
                        line,
                        format!(
                            "`experiment` must be one of {}, found {:?}",
                            known.join(", "),
                            e.get_ref()
                        ),
                    ));
                    None
                }
                Some(x) if stage.is_some_and(|s| s != x.stage()) || raw.stage.is_none() => {
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
                Some(x) => Some(x),
            }
        }
    };
    if body.trim().is_empty() {
        errors.push(LessonError::new(
            file,
            close + 1,
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
            body,
            file: file.to_owned(),
            body_line,
            id_line,
        }),
        _ => Err(errors),
    }
}

/// The line of the `id` key of a parsed lesson (for set-level errors).
pub(super) fn id_line(lesson: &Lesson) -> usize {
    lesson.id_line
}
