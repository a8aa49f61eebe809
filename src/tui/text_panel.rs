//! A screen that is one bordered panel of text, scrolled by the main scroll
//! keys: the introduction and the summary. Each screen makes its lines for
//! the panel's inside; this module frames, measures and draws them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Widget};

use super::app::App;
use super::scroll::Extent;
use super::theme::Theme;

/// The panel's frame.
pub fn block(theme: &Theme) -> Block<'static> {
    Block::bordered()
        .border_style(theme.border)
        .padding(Padding::horizontal(1))
}

/// The inside of the panel drawn in `area`.
pub fn inner(theme: &Theme, area: Rect) -> Rect {
    block(theme).inner(area)
}

/// How far `lines` scroll in the panel's inside.
pub fn extent(lines: &[Line<'_>], inner: Rect) -> Extent {
    Extent::new(lines.len(), usize::from(inner.height))
}

/// Draws `lines` in a panel titled `title` over `area`, scrolled by the
/// app's offset (clamped), with a "more below" hint on its bottom border.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, title: &str, lines: Vec<Line<'static>>) {
    let theme = &app.theme;
    let inner = inner(theme, area);
    let extent = extent(&lines, inner);
    let scroll = usize::from(extent.clamp(app.scroll));
    let mut block = block(theme).title(Span::styled(format!(" {title} "), theme.pane_title));
    if let Some(hint) = extent.hint(app.scroll) {
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
        .render(area, buf);
}
