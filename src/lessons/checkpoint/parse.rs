//! Reads one checkpoint file: its front matter (the lessons' `+++` TOML,
//! shared through `front_matter`) and its explanation, with every mistake
//! reported at the line it is on.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Checkpoint, Letter, Place, PredictedRun, Prediction, When};
use crate::flow::{Flow, Stage};
use crate::lessons::front_matter::{self, Fields};
use crate::lessons::placeholder;
use crate::lessons::{LessonError, LessonFlow};
use crate::record::Outcome;

/// The front matter as written, every field with its place in the text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Spanned<String>,
    question: Spanned<String>,
    a: Option<Spanned<String>>,
    b: Option<Spanned<String>>,
    c: Option<Spanned<String>>,
    d: Option<Spanned<String>>,
    answer: Spanned<String>,
    when: Spanned<String>,
    flow: Spanned<String>,
    stage: Option<Spanned<i64>>,
    attack: Option<Spanned<String>>,
    experiment: Option<Spanned<String>>,
    expect: Option<Spanned<String>>,
    section: Spanned<String>,
    misconception: Option<String>,
    notes: Option<String>,
}

/// Collects errors while the fields are read, so that one pass reports them
/// all.
struct Check<'a> {
    fields: Fields<'a>,
    errors: Vec<LessonError>,
}

impl Check<'_> {
    fn at<T>(&mut self, field: &Spanned<T>, message: impl Into<String>) {
        let line = self.fields.line(field);
        self.errors
            .push(LessonError::new(self.fields.file, line, message));
    }

    fn line(&mut self, line: usize, message: impl Into<String>) {
        self.errors
            .push(LessonError::new(self.fields.file, line, message));
    }

    /// The value of a fallible read, its error kept.
    fn keep<T>(&mut self, result: Result<T, LessonError>) -> Option<T> {
        result.map_err(|e| self.errors.push(e)).ok()
    }
}

/// Parses one checkpoint file. `file` is only used to name it in errors.
pub(crate) fn parse(file: &Path, text: &str) -> Result<Checkpoint, Vec<LessonError>> {
    let split = front_matter::split(file, text, "checkpoint").map_err(|e| vec![e])?;
    let raw: Raw = split.parse(file).map_err(|e| vec![e])?;
    let mut check = Check {
        fields: Fields {
            file,
            split: &split,
        },
        errors: Vec::new(),
    };
    let id_line = check.fields.line(&raw.id);
    let id = check.fields.id(&raw.id);
    check.keep(id);
    if raw.question.get_ref().trim().is_empty() {
        check.at(&raw.question, "`question` is empty");
    }
    let options = options(&mut check, &raw);
    let right = right_answer(&mut check, &raw.answer, &options);
    let when = match raw.when.get_ref().as_str() {
        "before" => Some(When::Before),
        "after" => Some(When::After),
        other => {
            check.at(
                &raw.when,
                format!("`when` must be \"before\" or \"after\" (the reveal), found {other:?}"),
            );
            None
        }
    };
    let flow = check.fields.flow(&raw.flow);
    let flow = check.keep(flow);
    let place = place(&mut check, &raw);
    let prediction = match (when, flow, place) {
        (Some(when), Some(flow), Some(place)) => {
            prediction(&mut check, &raw, when, flow, place, &options, right)
        }
        _ => None,
    };
    let section = raw.section.get_ref().trim();
    if !section.contains('§') {
        check.at(
            &raw.section,
            format!("`section` names a section to read, e.g. \"RFC 7636 §4.6\", found {section:?}"),
        );
    }
    explanation(&mut check, &split, section);
    let errors = check.errors;
    match (when, flow, place, right) {
        (Some(when), Some(flow), Some(place), Some(right)) if errors.is_empty() => Ok(Checkpoint {
            id: raw.id.into_inner(),
            question: raw.question.into_inner().trim().to_owned(),
            options,
            right,
            when,
            flow,
            place,
            prediction,
            section: section.to_owned(),
            misconception: trimmed(raw.misconception),
            notes: trimmed(raw.notes),
            explanation: split.body.trim().to_owned(),
            file: file.to_owned(),
            body_line: split.body_line,
            id_line,
        }),
        _ => Err(errors),
    }
}

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The options `a` to `d`: at least two, lettered without gaps, none empty.
fn options(check: &mut Check<'_>, raw: &Raw) -> Vec<(Letter, String)> {
    let given = [&raw.a, &raw.b, &raw.c, &raw.d];
    let mut options = Vec::new();
    let mut gap: Option<Letter> = None;
    for (letter, option) in Letter::ALL.into_iter().zip(given) {
        let Some(option) = option else {
            gap.get_or_insert(letter);
            continue;
        };
        if let Some(missing) = gap {
            check.at(
                option,
                format!(
                    "`{letter}` without `{missing}`: options are lettered from `a` on, without gaps"
                ),
            );
        }
        if option.get_ref().trim().is_empty() {
            check.at(option, format!("option `{letter}` is empty"));
        }
        options.push((letter, option.get_ref().trim().to_owned()));
    }
    if options.len() < 2 {
        check.at(
            &raw.question,
            format!(
                "a checkpoint needs 2 to 4 options (`a` to `d`), found {}",
                options.len()
            ),
        );
    }
    options
}

/// `answer`: one letter naming an option.
fn right_answer(
    check: &mut Check<'_>,
    answer: &Spanned<String>,
    options: &[(Letter, String)],
) -> Option<Letter> {
    let text = answer.get_ref().trim();
    let mut chars = text.chars();
    let letter = match (chars.next().and_then(Letter::from_char), chars.next()) {
        (Some(letter), None) if text.chars().all(|c| c.is_ascii_lowercase()) => letter,
        _ => {
            check.at(
                answer,
                format!("`answer` must be one letter, `a` to `d`, found {text:?}"),
            );
            return None;
        }
    };
    if options.iter().any(|(l, _)| *l == letter) {
        Some(letter)
    } else {
        let last = options.last().map_or('a', |(l, _)| l.as_char());
        check.at(
            answer,
            format!("`answer` is \"{letter}\", but the options are `a` to `{last}`"),
        );
        None
    }
}

/// The screen of the flow: a stage, an attack or an experiment.
fn place(check: &mut Check<'_>, raw: &Raw) -> Option<Place> {
    let stage = check.fields.stage(raw.stage.as_ref());
    let stage = check.keep(stage).flatten();
    let attack = check.fields.attack(raw.attack.as_ref());
    let attack = check.keep(attack).flatten();
    let experiment = check.fields.experiment(raw.experiment.as_ref());
    let experiment = check.keep(experiment).flatten();
    match (&raw.attack, &raw.experiment) {
        (Some(_), Some(e)) => {
            check.at(
                e,
                "a checkpoint belongs to one screen: `attack` or `experiment`, not both",
            );
            None
        }
        (Some(_), None) => {
            if let Some(n) = &raw.stage {
                check.at(
                    n,
                    "an attack checkpoint has no `stage`: it is asked on the attack's screen, about its decisive request",
                );
            }
            attack.map(Place::Attack)
        }
        (None, Some(_)) => {
            let (experiment, _) = experiment?;
            if let (Some(n), Some(s)) = (&raw.stage, stage)
                && s < experiment.stage()
            {
                check.at(
                    n,
                    format!(
                        "experiment {:?} changes the request of stage {}: a prediction can only name that stage or a later one",
                        experiment.id(),
                        experiment.stage().number()
                    ),
                );
            }
            Some(Place::Experiment(experiment))
        }
        (None, None) => match (&raw.stage, stage) {
            (_, Some(stage)) => Some(Place::Stage(stage)),
            (Some(_), None) => None,
            (None, None) => {
                check.at(
                    &raw.flow,
                    "a checkpoint belongs to a screen: give `stage` (1 to 6), `attack` or `experiment`",
                );
                None
            }
        },
    }
}

/// A `before` checkpoint's prediction, checked for a run that can answer it.
fn prediction(
    check: &mut Check<'_>,
    raw: &Raw,
    when: When,
    flow: LessonFlow,
    place: Place,
    options: &[(Letter, String)],
    right: Option<Letter>,
) -> Option<Prediction> {
    if when == When::After {
        if let Some(expect) = &raw.expect {
            check.at(
                expect,
                "`expect` belongs to a prediction: this checkpoint is asked after the reveal (`when = \"after\"`)",
            );
        }
        if let (Place::Experiment(_), Some(n)) = (place, &raw.stage) {
            check.at(
                n,
                "on an experiment's screen `stage` names the step a prediction predicts: an `after` checkpoint has none",
            );
        }
        return None;
    }
    let Some(expect) = &raw.expect else {
        check.at(
            &raw.when,
            format!(
                "a `before` checkpoint predicts the server's answer: it needs `expect` ({} or an OAuth error code such as \"invalid_grant\")",
                Outcome::NAMES.join(", ")
            ),
        );
        return None;
    };
    let outcome = Outcome::parse(expect.get_ref().trim());
    if outcome.is_none() {
        check.at(
            expect,
            format!(
                "`expect` must be {} or an OAuth error code such as \"invalid_grant\", found {:?}",
                Outcome::NAMES.join(", "),
                expect.get_ref()
            ),
        );
    }
    let flow = match flow {
        LessonFlow::Pkce => Flow::Pkce,
        LessonFlow::Plain => Flow::Plain,
        LessonFlow::Both => {
            check.at(
                &raw.flow,
                "a prediction names one flow, \"pkce\" or \"plain\": the server answers each differently",
            );
            return None;
        }
    };
    let run = match place {
        Place::Stage(stage) if stage < Stage::AuthorizationRequest => {
            let line = raw.stage.as_ref().map_or(1, |n| check.fields.line(n));
            check.line(
                line,
                format!(
                    "stage {} sends nothing to the server: a prediction needs a stage whose request the server answers (3 to 6)",
                    stage.number()
                ),
            );
            return None;
        }
        Place::Stage(stage) => PredictedRun::Flow { flow, stage },
        Place::Attack(attack) => PredictedRun::Attack { flow, attack },
        Place::Experiment(experiment) => PredictedRun::Experiment {
            flow,
            experiment,
            stage: raw
                .stage
                .as_ref()
                .and_then(|n| u8::try_from(*n.get_ref()).ok())
                .and_then(Stage::from_number)
                .unwrap_or(experiment.stage()),
        },
    };
    let expect = outcome?;
    // The stated answer and the expected outcome are written side by side:
    // a refusal's code must appear in the right option, so that an edit of
    // one without the other is caught here rather than by a learner.
    if let (Outcome::Refused(code), Some(right)) = (&expect, right)
        && let Some((_, text)) = options.iter().find(|(l, _)| *l == right)
        && !text.contains(code.as_str())
    {
        check.at(
            &raw.answer,
            format!(
                "the answer (`{right}`) does not mention `{code}`, the server's answer that `expect` names"
            ),
        );
    }
    Some(Prediction { run, expect })
}

/// The explanation: present, citing its section, with no placeholders
/// (a checkpoint is not filled from a run).
fn explanation(check: &mut Check<'_>, split: &front_matter::Split, section: &str) {
    let body = &split.body;
    if body.trim().is_empty() {
        check.line(
            split.close_line,
            "the checkpoint has no explanation after the front matter",
        );
        return;
    }
    for token in placeholder::scan(body, split.body_line) {
        match token {
            placeholder::Token::Placeholder { line, .. }
            | placeholder::Token::Unknown { line, .. }
            | placeholder::Token::Unclosed { line } => {
                check.line(
                    line,
                    "a checkpoint shows no values of a run: remove the `{{…}}` placeholder",
                );
            }
            placeholder::Token::Text(_) => {}
        }
    }
    if section.contains('§') && !body.contains(section) {
        check.line(
            split.body_line,
            format!("the explanation does not cite its `section` ({section})"),
        );
    }
}
