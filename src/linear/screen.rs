//! The linear tour's screens as text: a stage (its title, the client's
//! values, what was sent and received, what the server reported and
//! answered, the lesson), the introduction and the summary. The stage's
//! record is printed by the transcript's own code, and the lessons through
//! `plain_text`, so nothing here draws or colours.

use std::fmt::Write as _;

use crate::flow::{Stage, Trace};
use crate::lessons::{Lesson, LessonSet, plain_text};
use crate::progress::Progress;
use crate::record::Outcome;
use crate::summary::Summary;
use crate::transcript;

/// A stage screen.
pub(super) fn stage(trace: &Trace, stage: Stage, lessons: &LessonSet, notes: bool) -> String {
    let mut out = String::new();
    let flow = trace.flow;
    let _ = writeln!(out, "Stage {} of 6: {}", stage.number(), stage.title(flow));
    let _ = writeln!(out, "Flow: {}.", flow.label());
    let _ = writeln!(out, "\nWhat happened:");
    match transcript::stage_text(trace, stage, "  ") {
        Some(text) => out.push_str(&arrows_in_words(&text)),
        None => out.push_str("  not run yet\n"),
    }
    if let Some(answer) = answered(trace, stage) {
        let _ = writeln!(out, "{answer}");
    }
    if stage == Stage::Verification
        && let Some(check) = trace.pkce_check()
    {
        let verdict = serde_json::to_value(check.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(out, "The server's PKCE verdict: {verdict}.");
    }
    if let Some(lesson) = lessons.for_stage(flow, stage) {
        lesson_text(&mut out, lesson, trace, Some(stage), notes);
    }
    out
}

/// The transcript marks a request with `→` and a response with `←`; a
/// screen reader reads words better, so each line that starts with one
/// says `request:` or `response:` instead (values are left alone).
fn arrows_in_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        if let Some(rest) = body.strip_prefix("→ ") {
            out.push_str(&format!("{indent}request: {rest}"));
        } else if let Some(rest) = body.strip_prefix("← ") {
            out.push_str(&format!("{indent}response: {rest}"));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// "The server answered: …" for a stage that sent a request.
fn answered(trace: &Trace, stage: Stage) -> Option<String> {
    let exchange = trace.reached(stage)?.http_step()?.exchange.as_ref()?;
    let status = exchange.response.status;
    Some(match Outcome::of(exchange) {
        Some(outcome) => format!(
            "The server answered: {} (status {status}).",
            plain_text(&outcome.describe())
        ),
        None => format!("The server answered with status {status}."),
    })
}

/// The introduction, with discovery and registration (Step 03).
pub(super) fn intro(trace: &Trace, lessons: &LessonSet, notes: bool) -> String {
    let mut out = String::new();
    let title = lessons
        .by_id("intro")
        .map_or("Introduction", |l| l.title.as_str());
    let _ = writeln!(out, "Introduction (0): {title}");
    let _ = writeln!(out, "Flow: {}.", trace.flow.label());
    let _ = writeln!(
        out,
        "\nBefore the stages (Step 03), the client discovered the server and registered:"
    );
    out.push_str(&arrows_in_words(&transcript::setup_text(trace, "  ")));
    if let Some(lesson) = lessons.by_id("intro") {
        lesson_text(&mut out, lesson, trace, None, notes);
    }
    out
}

/// The summary: its lesson, then the learner's progress.
pub(super) fn summary(
    trace: &Trace,
    lessons: &LessonSet,
    progress: &Progress,
    notes: bool,
) -> String {
    let mut out = String::new();
    let title = lessons
        .by_id("summary")
        .map_or("Summary", |l| l.title.as_str());
    let _ = writeln!(out, "Summary: {title}");
    if let Some(lesson) = lessons.by_id("summary") {
        lesson_text(&mut out, lesson, trace, None, notes);
    }
    let _ = writeln!(out, "\nYour progress");
    out.push_str(&Summary::new(progress, lessons.checkpoints()).to_text());
    out
}

/// A lesson filled from the run, as plain text, and its notes if asked.
fn lesson_text(
    out: &mut String,
    lesson: &Lesson,
    trace: &Trace,
    stage: Option<Stage>,
    notes: bool,
) {
    let heading = if lesson.stage.is_some() {
        format!("\nLesson: {}\n", lesson.title)
    } else {
        "\n".to_owned()
    };
    out.push_str(&heading);
    match lesson.fill(trace, stage) {
        Ok(text) => {
            let _ = writeln!(out, "{}", plain_text(&text));
        }
        // A value the run did not record (a refused flow): say so, then
        // the lesson with "(not in this run)" in its place.
        Err(error) => {
            let _ = writeln!(
                out,
                "(This lesson names values this run did not produce, since a request was refused or changed earlier: {})",
                error.message
            );
            if let Ok(text) = lesson.fill_for_screen(trace, stage) {
                let _ = writeln!(out, "{}", plain_text(&text));
            }
        }
    }
    if notes && let Some(notes) = &lesson.notes {
        let _ = writeln!(out, "\nNotes for the instructor: {}", plain_text(notes));
    }
}

/// The first lines of the tour.
pub(super) fn header(trace: &Trace) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pkce-tutor, the linear tour: {} flow{}.",
        trace.flow.label(),
        trace
            .seed
            .map(|s| format!(", seed {s}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "A real client and a real authorization server ({}) run on this machine; each stage's request goes out when you reach it.",
        trace.issuer
    );
    let _ = writeln!(out, "{KEYS}");
    out
}

/// The keys, in one line.
pub(super) const KEYS: &str = "Keys: Enter for the next screen, p for the previous one, a number to jump (0 the introduction, 1 to 6 a stage), q to quit; type the letter to answer a checkpoint.";
