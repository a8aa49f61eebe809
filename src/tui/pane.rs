//! A bordered pane of [`Item`]s, shared by the CLIENT and SERVER panes, the
//! contrast columns and the attack lab: the items are laid out for the
//! inner width (values wrap, never cut); when they do not fit the height,
//! the bottom border says how many lines are below and which key scrolls.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Widget};

use super::rows::{Item, layout};
use super::scroll::Extent;
use super::theme::Theme;

/// A pane ready to draw.
pub struct Pane<'a> {
    /// The title in the top border.
    pub title: String,
    /// What it lists.
    pub items: &'a [Item],
    /// Lines scrolled off the top.
    pub scroll: u16,
    /// What to say after "↓N more" (which key scrolls, or what to do).
    pub hint: &'a str,
    /// The styles.
    pub theme: &'a Theme,
}

impl Pane<'_> {
    /// How many lines the items take inside a pane `width` cells wide, and
    /// so the height (borders included) the pane would like.
    pub fn wanted_height(items: &[Item], width: u16, theme: &Theme) -> u16 {
        let lines = layout(items, width.saturating_sub(3), theme).len();
        u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2)
    }

    /// How far the items scroll in a pane drawn in `area`.
    pub fn extent(items: &[Item], area: Rect, theme: &Theme) -> Extent {
        let inner = frame().inner(area);
        Extent::new(
            layout(items, inner.width, theme).len(),
            usize::from(inner.height),
        )
    }
}

/// The border and padding of every pane: what [`Pane::extent`] measures
/// and what is drawn.
fn frame() -> Block<'static> {
    Block::bordered().padding(Padding::left(1))
}

impl Widget for Pane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let mut block = frame()
            .border_style(theme.border)
            .title(Span::styled(format!(" {} ", self.title), theme.pane_title));
        let inner = block.inner(area);
        let lines = layout(self.items, inner.width, theme);
        let total = lines.len();
        let height = usize::from(inner.height);
        // The app keeps its offset within the longest part the keys scroll;
        // a shorter one (the other column) stops at its own end.
        let scroll = usize::from(Extent::new(total, height).clamp(self.scroll));
        let below = total.saturating_sub(scroll + height);
        if below > 0 || scroll > 0 {
            let mut hint = String::from(" ");
            if scroll > 0 {
                hint.push_str(&format!("↑{scroll} "));
            }
            if below > 0 {
                hint.push_str(&format!("↓{below} more "));
            }
            if !self.hint.is_empty() {
                hint.push_str(self.hint);
                hint.push(' ');
            }
            block = block.title_bottom(Line::styled(hint, theme.dim).right_aligned());
        }
        let visible: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
        block.render(area, buf);
        Paragraph::new(visible).style(theme.base).render(inner, buf);
    }
}
