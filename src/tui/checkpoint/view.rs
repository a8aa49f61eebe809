//! The checkpoint overlay, drawn over the bottom of the main area so that
//! the panes above stay in view: the question and its lettered options;
//! once answered, the options marked (✓ the right one, ✗ a wrong choice),
//! the verdict in words, the explanation and the section to read. For a
//! prediction the verdict waits for the real server's answer, which is read
//! from the run's records and shown beside it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Widget};

use crate::lessons::{Checkpoint, Letter, PredictedRun, Screen, When};
use crate::record::Outcome;

use super::super::app::{App, RunKey};
use super::super::markdown::{self, MarkdownStyles};
use super::super::rows::wrap_styled;
use super::super::scroll::Extent;
use super::super::theme::Theme;
use super::{Open, letters};

/// Where a prediction's real answer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reveal {
    /// The checkpoint is not a prediction.
    None,
    /// The request has not been answered yet.
    Waiting,
    /// What the real server answered.
    Answered(Outcome),
    /// The run stopped before the step the prediction is about.
    Unreached,
}

/// The real answer to a prediction, from the records of the run it
/// predicts.
fn reveal(app: &App, checkpoint: &Checkpoint) -> Reveal {
    let Some(prediction) = &checkpoint.prediction else {
        return Reveal::None;
    };
    let key = match prediction.run {
        PredictedRun::Flow { flow, .. } | PredictedRun::Experiment { flow, .. } => {
            RunKey::honest(flow)
        }
        PredictedRun::Attack { flow, attack } => RunKey {
            flow,
            attack: Some(attack),
        },
    };
    let Some(run) = app.run(key) else {
        return Reveal::Waiting;
    };
    if let Some(outcome) = prediction.observed(&run.trace) {
        return Reveal::Answered(outcome);
    }
    let done = match prediction.run {
        PredictedRun::Flow { stage, .. } | PredictedRun::Experiment { stage, .. } => {
            run.stage(stage).is_some()
        }
        PredictedRun::Attack { .. } => run.trace.attack.is_some(),
    };
    if done || run.failed.is_some() {
        Reveal::Unreached
    } else {
        Reveal::Waiting
    }
}

/// The overlay's title: what kind of question, and when it is asked.
fn title(checkpoint: &Checkpoint, screen: Screen) -> String {
    if checkpoint.when == When::After {
        return " Checkpoint · about what you just saw ".to_owned();
    }
    match screen {
        Screen::Stage(_, stage) => {
            format!(
                " Predict · before stage {}'s request is sent ",
                stage.number()
            )
        }
        Screen::Experiment(..) => " Predict · before the experiment is sent ".to_owned(),
        Screen::Attack(..) => " Predict · before the attack is played ".to_owned(),
        Screen::Intro | Screen::Discovery | Screen::Summary => " Predict ".to_owned(),
    }
}

/// The overlay's title, its lines for an inner width, and its key line.
fn content(app: &App, open: &Open, width: usize) -> (String, Vec<Line<'static>>, String) {
    let theme = &app.theme;
    let Some(checkpoint) = app.lessons.checkpoints().by_id(&open.id) else {
        return (String::new(), Vec::new(), String::new());
    };
    let title = title(checkpoint, open.screen);
    let said = |text: &str, style: Style| wrap_styled(&inline(text, style, theme), width);
    let mut lines = said(&checkpoint.question, theme.value);
    lines.push(Line::default());
    let Some(feedback) = open.feedback else {
        for (letter, text) in &checkpoint.options {
            lines.extend(option(*letter, text, Mark::None, theme, width));
        }
        let keys = format!(" {}: answer · Esc: skip ", letters(checkpoint));
        return (title, lines, keys);
    };
    let keys = " Enter or →: continue ".to_owned();
    let reveal = reveal(app, checkpoint);
    let judged = reveal != Reveal::Waiting;
    for (letter, text) in &checkpoint.options {
        let mark = match (*letter == feedback.chosen, *letter == feedback.right) {
            (_, true) if judged => Mark::Right(*letter == feedback.chosen),
            (true, false) if judged => Mark::Wrong,
            (true, _) => Mark::Chosen,
            _ => Mark::None,
        };
        lines.extend(option(*letter, text, mark, theme, width));
    }
    lines.push(Line::default());
    match &reveal {
        Reveal::Waiting => {
            lines.extend(said("Waiting for the real server's answer…", theme.dim));
            return (title, lines, keys);
        }
        Reveal::Answered(outcome) => {
            let mut answered = vec![Span::styled("The real server answered: ", theme.label)];
            answered.extend(inline(&format!("{}.", outcome.describe()), theme.value, theme).spans);
            lines.extend(wrap_styled(&Line::from(answered), width));
        }
        Reveal::Unreached => lines.extend(said(
            "This run stopped before that request was answered.",
            theme.dim,
        )),
        Reveal::None => {}
    }
    lines.extend(if feedback.correct {
        said("✓ Right.", theme.good)
    } else {
        said(
            &format!(
                "✗ Not quite: you chose {}, the answer is {}.",
                feedback.chosen, feedback.right
            ),
            theme.bad,
        )
    });
    lines.push(Line::default());
    let text = markdown::lesson_text(&checkpoint.explanation, &theme.markdown_styles());
    lines.extend(text.lines.iter().flat_map(|l| wrap_styled(l, width)));
    lines.push(Line::default());
    lines.extend(said(
        &format!("Read more: {}.", checkpoint.section),
        theme.dim,
    ));
    (title, lines, keys)
}

/// How an option is marked once answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    None,
    /// The learner's choice, not judged yet (a prediction waiting for its
    /// real answer).
    Chosen,
    /// The right answer; whether the learner chose it.
    Right(bool),
    /// The learner's wrong choice.
    Wrong,
}

/// An option: a marker column, its letter, its text wrapped under itself,
/// and, on the learner's choice, a note saying so.
fn option(
    letter: Letter,
    text: &str,
    mark: Mark,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let (marker, style) = match mark {
        Mark::None | Mark::Chosen => ("  ", theme.value),
        Mark::Right(_) => ("✓ ", theme.good),
        Mark::Wrong => ("✗ ", theme.bad),
    };
    let mut spans = inline(text, theme.value, theme).spans;
    if matches!(mark, Mark::Chosen | Mark::Right(true) | Mark::Wrong) {
        spans.push(Span::styled(" ← your answer", theme.dim));
    }
    let indent = 5;
    let body = wrap_styled(&Line::from(spans), width.saturating_sub(indent).max(1));
    body.into_iter()
        .enumerate()
        .map(|(i, line)| {
            let mut spans = if i == 0 {
                vec![
                    Span::styled(marker, style),
                    Span::styled(format!("{letter})"), theme.key),
                    Span::raw(" "),
                ]
            } else {
                vec![Span::raw(" ".repeat(indent))]
            };
            spans.extend(line.spans);
            Line::from(spans)
        })
        .collect()
}

/// Inline Markdown (a question, an option, a sentence) in `style`, as one
/// line: citations stay together when it is wrapped.
fn inline(text: &str, style: Style, theme: &Theme) -> Line<'static> {
    let styles = MarkdownStyles {
        text: theme.base.patch(style),
        ..theme.markdown_styles()
    };
    markdown::inline_text(text, &styles)
}

/// The overlay's box: as wide as the main area, as tall as its lines need
/// (up to the main area), at the bottom of it, so that the panes above stay
/// in view.
fn frame(main: Rect, lines: usize) -> Rect {
    let height = u16::try_from(lines + 2)
        .unwrap_or(u16::MAX)
        .min(main.height);
    Rect {
        y: main.y + main.height - height,
        height,
        ..main
    }
}

fn block(theme: &Theme) -> Block<'static> {
    Block::bordered()
        .border_style(theme.key)
        .padding(Padding::horizontal(1))
}

/// The lines laid out for the overlay over `main`, and its box.
fn laid_out(app: &App, open: &Open, main: Rect) -> (String, Vec<Line<'static>>, String, Rect) {
    let width = main.width.saturating_sub(4);
    let (title, lines, keys) = content(app, open, usize::from(width).max(1));
    let area = frame(main, lines.len());
    (title, lines, keys, area)
}

/// How far the overlay scrolls over `main`.
pub fn extent(app: &App, open: &Open, main: Rect) -> Extent {
    let (_, lines, _, area) = laid_out(app, open, main);
    let inner = block(&app.theme).inner(area);
    Extent::new(lines.len(), usize::from(inner.height))
}

/// Draws the overlay over the bottom of `main`.
pub fn render(app: &App, open: &Open, main: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (title, lines, keys, area) = laid_out(app, open, main);
    let block = block(theme);
    let inner = block.inner(area);
    let extent = Extent::new(lines.len(), usize::from(inner.height));
    let scroll = usize::from(extent.clamp(app.scroll));
    let mut block = block
        .title(Span::styled(title, theme.pane_title))
        .title_bottom(Line::styled(keys, theme.key).right_aligned());
    if extent.end > 0 {
        let below = extent.end - scroll;
        let hint = match (scroll, below) {
            (0, b) => format!(" ↓{b} PgDn "),
            (s, 0) => format!(" ↑{s} PgUp "),
            (s, b) => format!(" ↑{s} ↓{b} PgUp/PgDn "),
        };
        block = block.title_bottom(Line::styled(hint, theme.dim).left_aligned());
    }
    Clear.render(area, buf);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    Paragraph::new(visible)
        .style(theme.base)
        .block(block)
        .render(area, buf);
}
