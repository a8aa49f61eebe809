//! The status line: one sentence about what the last key did (a send from
//! the editor, a rerun, why `e` has nothing to amend), drawn in place of
//! the footer's key hints until the next key. It wraps onto a second line
//! rather than lose its end.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use super::rows::word_wrap;
use super::theme::Theme;

/// The most lines the status takes.
const MAX_LINES: usize = 2;

fn lines(status: &str, width: u16) -> Vec<String> {
    let mut lines = word_wrap(status, usize::from(width.saturating_sub(1)).max(1));
    lines.truncate(MAX_LINES);
    lines
}

/// How many lines the status takes at that width.
pub fn height(status: &str, width: u16) -> u16 {
    u16::try_from(lines(status, width).len()).unwrap_or(1)
}

/// Draws `status` on the footer's lines.
pub fn render(status: &str, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line> = lines(status, area.width)
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), theme.lit))
        .collect();
    Paragraph::new(lines).style(theme.base).render(area, buf);
}
