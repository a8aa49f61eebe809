//! The help overlay (?): every key (from the key table; the request
//! editor's or the attack picker's own keys while it is open), how to read
//! the screen, and a glossary. It scrolls (PgUp/PgDn, ↑/↓ while it is
//! open), so that all of it can be read at any size.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::app::App;
use super::rows::{str_width, word_wrap};
use super::scroll::Extent;
use super::{glossary, keys};

const LEGEND: &[(&str, &str)] = &[
    ("+", "added: by PKCE, by you, or only this side has it"),
    ("−", "absent: in the other flow, or removed by you"),
    ("✎", "changed by you before it was sent (was: as planned)"),
    ("✓ ✗", "the server's verdict"),
    ("→ ←", "a request sent, its response"),
];

/// The widest the overlay gets.
const MAX_WIDTH: u16 = 72;

/// The lines of the help, wrapped for `width` cells: each entry's words
/// under themselves, after its key (or term) column.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (heading, entries) = match &app.editor {
        Some(_) => ("Keys of the request editor", keys::editor_help_entries()),
        None if app.lab.picker.is_some() => {
            ("Keys of the attack picker", keys::picker_help_entries())
        }
        None => ("Keys", keys::help_entries()),
    };
    // The key column fits the longest keys (`← → Home End`), 12 at least.
    let column = entries
        .iter()
        .map(|(k, _)| str_width(k) + 1)
        .max()
        .unwrap_or(0)
        .max(12);
    let mut out = Lines {
        lines: vec![Line::styled(heading, theme.heading)],
        width,
    };
    for (k, what) in &entries {
        out.entry(k, what, column, (theme.key, theme.value));
    }
    out.blank();
    out.lines
        .push(Line::styled("Reading the screen", theme.heading));
    for (k, what) in LEGEND {
        out.entry(k, what, column, (theme.key, theme.value));
    }
    out.blank();
    out.lines.push(Line::styled(
        "Every value shown was recorded from real HTTP on 127.0.0.1.",
        theme.dim,
    ));
    out.blank();
    out.lines.push(Line::styled("Glossary", theme.heading));
    let column = glossary::TERMS
        .iter()
        .map(|(term, _)| str_width(term) + 1)
        .max()
        .unwrap_or(0);
    for (term, what) in glossary::TERMS {
        out.entry(term, what, column, (theme.label, theme.value));
    }
    out.lines
}

/// Lines being written for a width.
struct Lines {
    lines: Vec<Line<'static>>,
    width: usize,
}

impl Lines {
    fn blank(&mut self) {
        self.lines.push(Line::default());
    }

    /// ` key   words`, the words wrapped under themselves; where the width
    /// leaves them too little room beside the column, under the key.
    fn entry(&mut self, key: &str, what: &str, column: usize, (k, v): (Style, Style)) {
        let indent = if self.width >= column + 1 + 20 {
            column + 1
        } else {
            self.lines.push(Line::styled(format!(" {key}"), k));
            for piece in word_wrap(what, self.width.saturating_sub(3)) {
                self.lines
                    .push(Line::from(vec![Span::raw("   "), Span::styled(piece, v)]));
            }
            return;
        };
        for (i, piece) in word_wrap(what, self.width - indent).into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(format!(" {key:<column$}"), k)
            } else {
                Span::raw(" ".repeat(indent))
            };
            self.lines
                .push(Line::from(vec![lead, Span::styled(piece, v)]));
        }
    }
}

/// Where the overlay goes over `area`, its lines, and the area inside its
/// border.
fn laid_out(app: &App, area: Rect) -> (Rect, Vec<Line<'static>>, Rect) {
    let width = area.width.min(MAX_WIDTH);
    // A cell of margin inside the right border, as on the left.
    let lines = lines(app, usize::from(width.saturating_sub(3)).max(1));
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let inner = Block::bordered().inner(popup);
    (popup, lines, inner)
}

/// How far the help scrolls over `area` (the whole screen).
pub fn extent(app: &App, area: Rect) -> Extent {
    let (_, lines, inner) = laid_out(app, area);
    Extent::new(lines.len(), usize::from(inner.height))
}

/// Draws the overlay centred over `area`, scrolled by the app's help
/// offset.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (popup, lines, inner) = laid_out(app, area);
    let extent = Extent::new(lines.len(), usize::from(inner.height));
    let scroll = usize::from(extent.clamp(app.help_scroll));
    Clear.render(popup, buf);
    let mut block = Block::bordered()
        .border_style(theme.key)
        .title(Span::styled(" Help · Esc or ? closes ", theme.pane_title));
    if let Some(hint) = extent.hint(app.help_scroll) {
        block = block.title_bottom(Line::styled(hint, theme.dim).right_aligned());
    }
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    Paragraph::new(visible)
        .style(theme.base)
        .block(block)
        .render(popup, buf);
}
