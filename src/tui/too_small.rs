//! The screen drawn below the minimum size, instead of a broken layout.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use super::app::App;
use super::rows::word_wrap;

/// The smallest screen the tutorial lays out: width.
pub const MIN_WIDTH: u16 = 60;
/// The smallest screen the tutorial lays out: height.
pub const MIN_HEIGHT: u16 = 18;

/// Whether `area` is too small for the layout.
pub fn is_too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Draws "terminal too small: need W×H, have w×h", wrapped to fit.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let text = format!(
        "terminal too small: need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{} · q quits",
        area.width, area.height
    );
    let lines: Vec<Line> = word_wrap(&text, usize::from(area.width.max(1)))
        .into_iter()
        .map(|l| Line::styled(l, app.theme.bad))
        .collect();
    Paragraph::new(lines)
        .style(app.theme.base)
        .render(area, buf);
}
