//! The help overlay (?): every key (from the key table; the request
//! editor's or the attack picker's own keys while it is open), and how to
//! read the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::app::App;
use super::keys;
use super::rows::wrap_styled;

const LEGEND: &[(&str, &str)] = &[
    ("+", "added: by PKCE over Step 04, by you, or only here"),
    ("−", "absent: in the other flow, or removed by you"),
    ("✎", "changed by you before it was sent (was: as planned)"),
    ("✓ ✗", "the server's verdict"),
    ("→ ←", "a request sent, its response"),
];

/// The lines of the help.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (heading, entries) = match &app.editor {
        Some(_) => ("Keys of the request editor", keys::editor_help_entries()),
        None if app.lab.picker.is_some() => {
            ("Keys of the attack picker", keys::picker_help_entries())
        }
        None => ("Keys", keys::help_entries()),
    };
    let mut lines = vec![Line::styled(heading, theme.heading)];
    // The key column fits the longest keys (`← → Home End`), 12 at least.
    let column = entries
        .iter()
        .map(|(k, _)| k.chars().count() + 1)
        .max()
        .unwrap_or(0)
        .max(12);
    let entry = |k: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!(" {k:<column$}"), theme.key),
            Span::styled(what.to_owned(), theme.value),
        ])
    };
    lines.extend(entries.iter().map(|(k, w)| entry(k, w)));
    lines.push(Line::default());
    lines.push(Line::styled("Reading the screen", theme.heading));
    lines.extend(LEGEND.iter().map(|(k, w)| entry(k, w)));
    lines.push(Line::default());
    lines.push(Line::styled(
        "Every value shown was recorded from real HTTP on 127.0.0.1.",
        theme.dim,
    ));
    lines
}

/// Draws the overlay centred over `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.min(72);
    let inner_width = usize::from(width.saturating_sub(2));
    let lines: Vec<Line> = lines(app)
        .iter()
        .flat_map(|l| wrap_styled(l, inner_width))
        .collect();
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    Clear.render(popup, buf);
    let block = Block::bordered()
        .border_style(theme.key)
        .title(Span::styled(" Help · Esc or ? closes ", theme.pane_title));
    Paragraph::new(lines)
        .style(theme.base)
        .block(block)
        .render(popup, buf);
}
