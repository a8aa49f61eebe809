//! The end summary, the screen after stage 6: what the learner saw, the
//! checkpoints answered right and missed (each missed one with the screen
//! to revisit and the section to read), where to read next, then the
//! summary lesson. Read from the progress the app holds, through
//! `summary::Summary`, as `pkce-tutor progress` prints it.
//!
//! How the tour gets here and leaves is `tour.rs`'s business.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::flow::Stage;
use crate::lessons::Screen;
use crate::summary::Summary;

use super::app::{App, RunKey};
use super::learner;
use super::markdown::{self, MarkdownStyles};
use super::rows::wrap_styled;
use super::scroll::Extent;
use super::text_panel;
use super::theme::Theme;
use super::tour::Place;

/// The summary's title, under the top bar.
pub const TITLE: &str = "Summary · what you saw, what you missed, where to read next";

/// Shows the summary as a tour that has just stepped through every stage
/// of the app's flow would (for `render --screen summary`, which reads no
/// saved progress): each stage seen, no checkpoint answered.
pub fn show_after_tour(app: &mut App) {
    let stages: Vec<Screen> = Stage::ALL
        .into_iter()
        .map(|stage| Screen::Stage(app.flow, stage))
        .collect();
    app.learner.visit(&stages);
    app.place = Place::Summary;
    app.scroll = 0;
    learner::note_screen(app);
}

/// The summary's lines, wrapped for `width`.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let summary = Summary::new(&app.learner.progress, app.lessons.checkpoints());
    let mut out = Lines {
        lines: Vec::new(),
        width,
        theme,
    };
    out.heading("Your progress");
    out.text(
        format!("What you saw: {}.", summary.seen_text()),
        theme.value,
    );
    let total = summary.right.len() + summary.missed.len() + summary.open.len();
    if total == 0 {
        out.text("This tour asks no checkpoints.".into(), theme.value);
    } else {
        out.text(
            format!(
                "Checkpoints: {} right, {} missed, {} not answered yet (of {total}).",
                summary.right.len(),
                summary.missed.len(),
                summary.open.len()
            ),
            theme.value,
        );
    }
    if !summary.missed.is_empty() {
        out.blank();
        out.heading("Missed, and where to look again");
        for (checkpoint, chosen) in &summary.missed {
            out.item("✗ ", theme.bad, &checkpoint.question);
            out.indented(format!(
                "You chose {chosen}; the answer is {}: {}.",
                checkpoint.right,
                checkpoint.option(checkpoint.right).unwrap_or_default()
            ));
            out.indented(format!(
                "Revisit {}{}; read {}.",
                checkpoint.revisit(),
                key_to(app, checkpoint.revisit()),
                checkpoint.section
            ));
        }
    }
    if !summary.right.is_empty() {
        out.blank();
        out.heading("Right");
        for checkpoint in &summary.right {
            out.item("✓ ", theme.good, &checkpoint.question);
        }
    }
    let sections = summary.read_next();
    if !sections.is_empty() {
        out.blank();
        let why = if summary.missed.is_empty() {
            "for the checkpoints not answered yet"
        } else {
            "for what you missed"
        };
        out.text(
            format!("Read next ({why}): {}.", sections.join("; ")),
            theme.value,
        );
    }
    if let Some(lesson) = app.lessons.by_id("summary") {
        out.blank();
        out.heading(&lesson.title);
        // Filled from the run, as every lesson is (the built-in summary has
        // no placeholders; a `--lessons` one may).
        let filled = app
            .run(RunKey::honest(app.flow))
            .and_then(|run| lesson.fill(&run.trace, None).ok())
            .unwrap_or_else(|| lesson.body.clone());
        let text = markdown::lesson_text(&filled, &theme.markdown_styles());
        for line in &text.lines {
            out.lines.extend(wrap_styled(line, width));
        }
    }
    out.blank();
    match &app.learner.file_warning {
        Some(warning) => out.text(
            format!("⚠ About your saved progress: {warning}."),
            theme.bad,
        ),
        None => out.text(
            "pkce-tutor progress shows this again; pkce-tutor progress --reset forgets it.".into(),
            theme.dim,
        ),
    }
    out.lines
}

/// The key that shows a screen to revisit, when one does: a stage of the
/// flow being toured.
fn key_to(app: &App, screen: Screen) -> String {
    match screen {
        Screen::Stage(flow, stage) if flow == app.flow => format!(" (key {})", stage.number()),
        _ => String::new(),
    }
}

/// Lines being written for a width. Text is inline Markdown (questions and
/// options are written in it), so that code and citations look as in the
/// lessons.
struct Lines<'t> {
    lines: Vec<Line<'static>>,
    width: usize,
    theme: &'t Theme,
}

impl Lines<'_> {
    /// `text` as a line in `style`.
    fn line(&self, text: &str, style: Style) -> Line<'static> {
        let styles = MarkdownStyles {
            text: self.theme.base.patch(style),
            ..self.theme.markdown_styles()
        };
        markdown::inline_text(text, &styles)
    }

    fn heading(&mut self, text: &str) {
        self.text(text.to_owned(), self.theme.heading);
    }

    fn text(&mut self, text: String, style: Style) {
        let line = self.line(&text, style);
        self.lines.extend(wrap_styled(&line, self.width));
    }

    fn blank(&mut self) {
        self.lines.push(Line::default());
    }

    /// A marked item: the marker, then the text wrapped under itself.
    fn item(&mut self, marker: &'static str, style: Style, text: &str) {
        let line = self.line(text, self.theme.value);
        let body = wrap_styled(&line, self.width - 2);
        for (i, line) in body.into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(marker, style)
            } else {
                Span::raw("  ")
            };
            let mut spans = vec![lead];
            spans.extend(line.spans);
            self.lines.push(Line::from(spans));
        }
    }

    /// A line under an item, indented as its text.
    fn indented(&mut self, text: String) {
        let line = self.line(&text, self.theme.dim);
        let body = wrap_styled(&line, self.width - 2);
        for line in body {
            let mut spans = vec![Span::raw("  ")];
            spans.extend(line.spans);
            self.lines.push(Line::from(spans));
        }
    }
}

/// The summary's lines laid out for the panel in `area`, and its inside.
fn laid_out(app: &App, area: Rect) -> (Vec<Line<'static>>, Rect) {
    let inner = text_panel::inner(&app.theme, area);
    (lines(app, usize::from(inner.width).max(3)), inner)
}

/// How far the summary scrolls in `area`.
pub fn extent(app: &App, area: Rect) -> Extent {
    let (lines, inner) = laid_out(app, area);
    text_panel::extent(&lines, inner)
}

/// Draws the summary in `area` (the main area).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (lines, _) = laid_out(app, area);
    text_panel::render(app, area, buf, "The end of the tour", lines);
}
