//! Checkpoints as text: the question with its lettered options, and the
//! feedback once answered (for a prediction, after the reveal, beside what
//! the real server answered).

use std::fmt::Write as _;

use crate::lessons::{Checkpoint, Feedback, Letter, plain_text};
use crate::record::Outcome;

/// The question and its options, one a line.
pub(super) fn question(checkpoint: &Checkpoint, heading: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{heading}: {}", plain_text(&checkpoint.question));
    for (letter, text) in &checkpoint.options {
        let _ = writeln!(out, "  {letter}) {}", plain_text(text));
    }
    out
}

/// "a, b or c".
pub(super) fn letters(checkpoint: &Checkpoint) -> String {
    let letters: Vec<String> = checkpoint.letters().map(|l| l.to_string()).collect();
    match letters.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => letters.join(""),
    }
}

fn option(checkpoint: &Checkpoint, letter: Letter) -> String {
    format!(
        "{letter}) {}",
        plain_text(checkpoint.option(letter).unwrap_or_default())
    )
}

/// The feedback on an answer given after the reveal.
pub(super) fn feedback(checkpoint: &Checkpoint, feedback: Feedback) -> String {
    let mut out = String::new();
    if feedback.correct {
        let _ = writeln!(out, "Right: {}.", option(checkpoint, feedback.right));
    } else {
        let _ = writeln!(
            out,
            "Not quite: you chose {}. The answer is {}.",
            option(checkpoint, feedback.chosen),
            option(checkpoint, feedback.right)
        );
    }
    explanation(&mut out, checkpoint);
    out
}

/// The feedback on a prediction, once the screen has shown what happened.
pub(super) fn prediction_feedback(
    checkpoint: &Checkpoint,
    feedback: Feedback,
    observed: Option<&Outcome>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Your prediction: {}.",
        option(checkpoint, feedback.chosen)
    );
    match observed {
        Some(outcome) => {
            let _ = writeln!(
                out,
                "The real server answered: {}.",
                plain_text(&outcome.describe())
            );
        }
        None => {
            let _ = writeln!(out, "This run did not get that far.");
        }
    }
    if feedback.correct {
        let _ = writeln!(out, "Right.");
    } else {
        let _ = writeln!(
            out,
            "Not quite: the answer is {}.",
            option(checkpoint, feedback.right)
        );
    }
    explanation(&mut out, checkpoint);
    out
}

fn explanation(out: &mut String, checkpoint: &Checkpoint) {
    let _ = writeln!(out, "{}", plain_text(&checkpoint.explanation));
    let _ = writeln!(out, "Read more: {}.", checkpoint.section);
}
