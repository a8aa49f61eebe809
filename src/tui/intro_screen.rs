//! The introduction, the screen before the first stage (Left from it): the
//! `intro` lesson filled from the run (the issuer the client discovered,
//! the client_id it registered), the tour ahead, one line per stage with
//! its number and title, then the summary, and the keys to start with.
//! The instructors' notes follow under `--notes`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};

use crate::flow::Stage;

use super::app::{App, RunKey};
use super::markdown;
use super::rows::{word_wrap, wrap_styled};
use super::scroll::Extent;
use super::text_panel;
use super::theme::Theme;

/// The title under the top bar: "Introduction · " and the lesson's title.
pub fn title(app: &App) -> String {
    match app.lessons.by_id("intro") {
        Some(lesson) => format!("Introduction · {}", lesson.title),
        None => "Introduction".to_owned(),
    }
}

/// The introduction's text, the tour ahead wrapped for `width` (the rest
/// is wrapped by the caller).
fn text(app: &App, width: usize) -> Text<'static> {
    let theme = &app.theme;
    let styles = theme.markdown_styles();
    let mut text = Text::default();
    if let Some(lesson) = app.lessons.by_id("intro") {
        // Filled from the run once it has started (the issuer and the
        // registered client exist from then on).
        let filled = app
            .run(RunKey::honest(app.flow))
            .filter(|run| !run.trace.issuer.is_empty())
            .map(|run| {
                lesson
                    .fill(&run.trace, None)
                    .or_else(|_| lesson.fill_for_screen(&run.trace, None))
            });
        match filled {
            Some(Ok(markdown)) => text.extend(markdown::lesson_text(&markdown, &styles)),
            Some(Err(error)) => {
                text.push_line(Line::styled(format!("lesson error: {error}"), theme.bad))
            }
            None => text.push_line(Line::styled("waiting for the real exchange…", theme.dim)),
        }
        text.push_line(Line::default());
    }
    text.extend(tour_lines(app, theme, width));
    if app.notes
        && let Some(notes) = app.lessons.by_id("intro").and_then(|l| l.notes.as_deref())
    {
        text.push_line(Line::default());
        text.push_line(Line::styled("Instructor notes", theme.heading));
        text.extend(markdown::lesson_text(notes, &styles));
    }
    text
}

/// The tour ahead, for `width`: each stage's number and title in the app's
/// flow (a long title wrapped under itself), the summary, and the keys to
/// start with.
fn tour_lines(app: &App, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    const INDENT: usize = 5;
    let mut lines = vec![Line::styled("The tour", theme.heading)];
    let zero = super::discovery_screen::STAGE_TITLE.trim_start_matches("0 · ");
    lines.push(Line::from(vec![
        Span::styled(" 0 · ", theme.key),
        Span::styled(zero.to_owned(), theme.value),
    ]));
    for stage in Stage::ALL {
        let title = word_wrap(stage.title(app.flow), width.saturating_sub(INDENT));
        for (i, piece) in title.into_iter().enumerate() {
            let lead = match i {
                0 => Span::styled(format!("{:>2} · ", stage.number()), theme.key),
                _ => Span::raw(" ".repeat(INDENT)),
            };
            lines.push(Line::from(vec![lead, Span::styled(piece, theme.value)]));
        }
    }
    lines.push(Line::styled(
        "     then the summary: what you saw, what you missed, where to read next",
        theme.value,
    ));
    lines.push(Line::default());
    lines.push(Line::styled(
        "→ starts stage 0 · c shows both flows side by side · a the attacks · \
         w the raw HTTP · ? the keys and a glossary"
            .to_owned(),
        theme.dim,
    ));
    lines
}

/// The introduction's lines laid out for the panel in `area`, and its
/// inside.
fn laid_out(app: &App, area: Rect) -> (Vec<Line<'static>>, Rect) {
    let inner = text_panel::inner(&app.theme, area);
    let width = usize::from(inner.width).max(1);
    let lines = text(app, width)
        .lines
        .iter()
        .flat_map(|line| wrap_styled(line, width))
        .collect();
    (lines, inner)
}

/// How far the introduction scrolls in `area`.
pub fn extent(app: &App, area: Rect) -> Extent {
    let (lines, inner) = laid_out(app, area);
    text_panel::extent(&lines, inner)
}

/// Draws the introduction in `area` (the main area).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (lines, _) = laid_out(app, area);
    text_panel::render(app, area, buf, "Before the stages", lines);
}
