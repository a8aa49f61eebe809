//! A bordered pane of [`Item`]s, shared by the CLIENT and SERVER panes, the
//! contrast columns and the attack lab: the items are laid out for the
//! inner width (values wrap, never cut); when they do not fit the height,
//! the bottom border says how many lines are below and which key scrolls.
//! The pane the scroll keys move (`f`) has a thick border in the key
//! colour, so that the focus shows without colour too.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph, Widget};

use super::rows::{Item, layout, str_width};
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
    /// Whether the scroll keys move this pane (`f`).
    pub focused: bool,
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

    /// Whether a pane `width` cells wide would split a value that a line of
    /// its own can hold whole (a 43-character code in a narrow pane), or a
    /// word of a sentence.
    pub fn splits_a_value(items: &[Item], width: u16) -> bool {
        // The border and padding, and the indent of a value on a line of
        // its own (`rows::layout`).
        let inner = usize::from(width.saturating_sub(3));
        items.iter().any(|item| match item {
            Item::Row(row) => row.value.split(' ').any(|w| str_width(w) + 4 > inner),
            Item::Was(value) => str_width(value) + 4 > inner,
            Item::Note(text, _) => text.split(' ').any(|w| str_width(w) > inner),
            Item::Heading(_) => false,
        })
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
        let mut block = frame().title(Span::styled(format!(" {} ", self.title), theme.pane_title));
        block = if self.focused {
            block.border_type(BorderType::Thick).border_style(theme.key)
        } else {
            block.border_style(theme.border)
        };
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
