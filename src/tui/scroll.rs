//! Scrolling: how far the scroll keys may move the scrolled part of the
//! screen, and how far a page is. The view measures the part as an
//! [`Extent`] with the same layout and wrapping it draws with
//! (`view::scroll_extent`); the app keeps its offset inside it, so that
//! PgUp moves at once however often PgDn was pressed past the end.

/// A scroll key's move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scroll {
    /// Up by a page (PgUp).
    PageUp,
    /// Down by a page (PgDn).
    PageDown,
    /// Up by a line (↑).
    LineUp,
    /// Down by a line (↓).
    LineDown,
}

/// How far a scrolled part can move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extent {
    /// The largest offset: the offset that shows the last line at the
    /// bottom (0 when everything fits).
    pub end: usize,
    /// The rows shown, which a page moves.
    pub page: usize,
}

impl Extent {
    /// A part of `lines` lines of which `visible` rows are shown.
    pub fn new(lines: usize, visible: usize) -> Self {
        Self {
            end: lines.saturating_sub(visible),
            page: visible,
        }
    }

    /// Two parts moved by one offset (the columns of the contrast, and the
    /// lesson under them): it goes as far as the longer one needs, and a
    /// page is the shorter window, so that neither skips a line. A part that
    /// fits does not scroll and so does not count.
    pub fn and(self, other: Self) -> Self {
        match (self.end, other.end) {
            (0, _) => other,
            (_, 0) => self,
            _ => Self {
                end: self.end.max(other.end),
                page: self.page.min(other.page),
            },
        }
    }

    /// `offset` brought inside the extent.
    pub fn clamp(self, offset: u16) -> u16 {
        to_u16(usize::from(offset).min(self.end))
    }

    /// What the bottom border of a part scrolled to `offset` says: the
    /// lines above and below, and the keys that move it; `None` when it
    /// all fits.
    pub fn hint(self, offset: u16) -> Option<String> {
        if self.end == 0 {
            return None;
        }
        let above = usize::from(self.clamp(offset));
        Some(match (above, self.end - above) {
            (0, below) => format!(" ↓{below} more PgDn "),
            (above, 0) => format!(" ↑{above} PgUp "),
            (above, below) => format!(" ↑{above} ↓{below} PgUp/PgDn "),
        })
    }

    /// The offset after `scroll` from `offset`.
    pub fn moved(self, offset: u16, scroll: Scroll) -> u16 {
        let offset = usize::from(self.clamp(offset));
        let page = self.page.max(1);
        let moved = match scroll {
            Scroll::PageUp => offset.saturating_sub(page),
            Scroll::PageDown => offset.saturating_add(page),
            Scroll::LineUp => offset.saturating_sub(1),
            Scroll::LineDown => offset.saturating_add(1),
        };
        to_u16(moved.min(self.end))
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_move_by_the_rows_shown_and_stop_at_the_last_line() {
        // 23 lines in a 10-row window: offsets 0, 10, 13 (the end).
        let extent = Extent::new(23, 10);
        assert_eq!(extent.end, 13);
        assert_eq!(extent.moved(0, Scroll::PageDown), 10);
        assert_eq!(extent.moved(10, Scroll::PageDown), 13);
        assert_eq!(extent.moved(13, Scroll::PageDown), 13);
        assert_eq!(extent.moved(13, Scroll::PageUp), 3);
        assert_eq!(extent.moved(3, Scroll::LineUp), 2);
        assert_eq!(extent.moved(3, Scroll::LineDown), 4);
        assert_eq!(extent.moved(0, Scroll::LineUp), 0);
    }

    #[test]
    fn an_offset_past_the_end_moves_up_at_once() {
        let extent = Extent::new(23, 10);
        assert_eq!(extent.moved(500, Scroll::LineUp), 12);
        assert_eq!(extent.clamp(500), 13);
    }

    #[test]
    fn nothing_moves_when_everything_fits() {
        let extent = Extent::new(4, 10);
        assert_eq!(extent.moved(0, Scroll::PageDown), 0);
        assert_eq!(Extent::default().moved(0, Scroll::LineDown), 0);
    }

    #[test]
    fn two_parts_go_as_far_as_the_longer_and_page_by_the_shorter_window() {
        let columns = Extent::new(40, 28);
        let lesson = Extent::new(11, 4);
        assert_eq!(columns.and(lesson), Extent { end: 12, page: 4 });
        let fits = Extent::new(3, 28);
        assert_eq!(fits.and(lesson), lesson);
        assert_eq!(lesson.and(fits), lesson);
    }
}
