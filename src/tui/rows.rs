//! What the panes list, as data ([`Item`]s), and how it is laid out into
//! lines for a given width: labels in a column, values wrapped character by
//! character under their column so that no value is ever cut, and a
//! two-cell marker column (`+` added by PKCE, `−` absent compared with the
//! other flow) so that no meaning hangs on colour alone.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;

/// The marker in front of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// No marker.
    None,
    /// `+`: what PKCE adds over the plain flow (or what only this side has).
    Added,
    /// `−`: absent here, present in the other flow.
    Missing,
}

/// How a row or note reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// An ordinary value.
    Normal,
    /// A good outcome.
    Good,
    /// A bad outcome.
    Bad,
    /// Secondary text.
    Dim,
}

/// A labelled value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What the row is, for matching rows of two flows ("param:code_verifier").
    pub key: String,
    /// The label shown (a protocol name where there is one).
    pub label: String,
    /// The recorded value.
    pub value: String,
    /// The marker.
    pub mark: Mark,
    /// How the value reads.
    pub tone: Tone,
}

/// One entry of a pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A section heading ("→ GET /authorize").
    Heading(String),
    /// A labelled value.
    Row(Row),
    /// A sentence.
    Note(String, Tone),
}

impl Item {
    /// A plain row.
    pub fn row(key: impl Into<String>, label: impl Into<String>, value: impl Into<String>) -> Self {
        Self::marked(key, label, value, Mark::None, Tone::Normal)
    }

    /// A row with a marker and a tone.
    pub fn marked(
        key: impl Into<String>,
        label: impl Into<String>,
        value: impl Into<String>,
        mark: Mark,
        tone: Tone,
    ) -> Self {
        Self::Row(Row {
            key: key.into(),
            label: label.into(),
            value: value.into(),
            mark,
            tone,
        })
    }

    /// A sentence.
    pub fn note(text: impl Into<String>, tone: Tone) -> Self {
        Self::Note(text.into(), tone)
    }
}

fn char_width(c: char) -> usize {
    if c.is_ascii() {
        usize::from(!c.is_ascii_control())
    } else {
        let mut buf = [0u8; 4];
        Span::raw(&*c.encode_utf8(&mut buf)).width()
    }
}

/// The width of a string in cells.
pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Splits `text` into pieces of at most `width` cells, character by
/// character (every piece holds at least one character).
pub fn hard_wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > width && !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
            used = 0;
        }
        current.push(c);
        used += w;
    }
    if !current.is_empty() || pieces.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Greedy word wrap; words longer than the width are split.
pub fn word_wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let need = str_width(word) + usize::from(!current.is_empty());
        if str_width(&current) + need <= width {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        let mut pieces = hard_wrap(word, width);
        current = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Normal => theme.value,
        Tone::Good => theme.good,
        Tone::Bad => theme.bad,
        Tone::Dim => theme.dim,
    }
}

/// Lays the items out for `width` cells.
pub fn layout(items: &[Item], width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let width = usize::from(width);
    if width == 0 {
        return Vec::new();
    }
    let longest = items
        .iter()
        .filter_map(|i| match i {
            Item::Row(r) => Some(str_width(&r.label)),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let column = longest.min(width.saturating_sub(2) * 2 / 5).min(16);
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Heading(text) => out.extend(
                word_wrap(text, width)
                    .into_iter()
                    .map(|l| Line::styled(l, theme.heading)),
            ),
            Item::Note(text, tone) => out.extend(
                word_wrap(text, width)
                    .into_iter()
                    .map(|l| Line::styled(l, tone_style(*tone, theme))),
            ),
            Item::Row(row) => layout_row(row, column, width, theme, &mut out),
        }
    }
    out
}

fn layout_row(
    row: &Row,
    column: usize,
    width: usize,
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let (marker, marker_style) = match row.mark {
        Mark::None => ("  ", theme.label),
        Mark::Added => ("+ ", theme.added),
        Mark::Missing => ("− ", theme.missing),
    };
    let value_style = tone_style(row.tone, theme);
    // The head: marker and label, padded to the column, wrapped if the
    // screen is narrower than the label itself.
    let mut head = format!("{marker}{}", row.label);
    let pad = column.saturating_sub(str_width(&row.label));
    head.push_str(&" ".repeat(pad));
    head.push(' ');
    let indent = (2 + column + 1).min(width / 2);
    let head_pieces = hard_wrap(&head, width);
    let last = head_pieces.len() - 1;
    let mut first_line_room = 0;
    for (i, piece) in head_pieces.into_iter().enumerate() {
        if i == last {
            first_line_room = width.saturating_sub(str_width(&piece));
        }
        let line = match piece.strip_prefix(marker) {
            Some(label) if i == 0 => Line::from(vec![
                Span::styled(marker.to_owned(), marker_style),
                Span::styled(label.to_owned(), marker_style.patch(theme.label)),
            ]),
            _ => Line::styled(piece, theme.label),
        };
        out.push(line);
    }
    let value = row.value.replace(['\n', '\r'], " ");
    let value_width = str_width(&value);
    let rest_room = width.saturating_sub(indent).max(1);
    // Start the value on the head's line when it has a reasonable room;
    // otherwise on its own line.
    let start_on_head = first_line_room >= value_width.min(rest_room).clamp(1, 8);
    let mut remaining: &str = &value;
    if start_on_head {
        let first = hard_wrap(remaining, first_line_room).swap_remove(0);
        remaining = &remaining[first.len()..];
        if let Some(line) = out.last_mut() {
            line.spans.push(Span::styled(first, value_style));
        }
    }
    if !remaining.is_empty() {
        for piece in hard_wrap(remaining, rest_room) {
            out.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(piece, value_style),
            ]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::ThemeName;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn values_wrap_under_their_column_and_are_never_cut() {
        let theme = Theme::new(ThemeName::Mono);
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let items = [Item::marked(
            "v",
            "code_verifier",
            verifier,
            Mark::Added,
            Tone::Normal,
        )];
        let lines = text(&layout(&items, 40, &theme));
        assert_eq!(lines[0], "+ code_verifier dBjftJeZ4CVP-mB92K27uhbU");
        assert_eq!(lines[1], "                JU1p1r_wW1gFWFOEjXk");
        let joined: String = lines.iter().map(|l| l[16..].to_owned()).collect();
        assert_eq!(joined, verifier);
    }

    #[test]
    fn any_width_terminates_and_fits() {
        let theme = Theme::new(ThemeName::Mono);
        let items = [
            Item::row("k", "a very long label indeed", "value-value-value"),
            Item::marked("m", "gone", "(none)", Mark::Missing, Tone::Bad),
            Item::note("some words here", Tone::Dim),
            Item::Heading("→ GET /authorize".into()),
        ];
        for w in 0..50 {
            for line in layout(&items, w, &theme) {
                assert!(line.width() <= usize::from(w), "{w}: {line:?}");
            }
        }
    }
}
