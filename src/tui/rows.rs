//! What the panes list, as data ([`Item`]s), and how it is laid out into
//! lines for a given width: labels in a column, values wrapped character by
//! character under their column so that no value is ever cut, and a
//! two-cell marker column (`+` added by PKCE or by the learner, `−` absent
//! compared with the other flow or removed by the learner, `✎` changed by
//! the learner) so that no meaning hangs on colour alone.

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
    /// `−`: absent here, present in the other flow (or removed by the
    /// learner).
    Missing,
    /// `✎`: the learner changed the value before it was sent.
    Changed,
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
    /// What the row above held before the learner amended it, drawn dim
    /// under its value after `was`.
    Was(String),
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

    /// A rule a side of the protocol checked: ✓ and good, or ✗ and bad.
    pub fn check(check: &crate::record::Check) -> Self {
        if check.passed {
            Self::note(format!("✓ {}", check.rule), Tone::Good)
        } else {
            Self::note(format!("✗ {}", check.rule), Tone::Bad)
        }
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

/// Splits `text` into pieces of at most `width` cells that join back into
/// exactly `text`: each piece ends after the last of `breaks` that fits (a
/// space, `&` between parameters, `,` between JSON fields), or, with none,
/// where the width ends. Raw HTTP wraps so: nothing added or dropped, and
/// a parameter's value whole wherever its line can hold it.
pub fn wrap_after(text: &str, width: usize, breaks: &[char]) -> Vec<String> {
    let width = width.max(1);
    let mut pieces = Vec::new();
    let mut current = String::new();
    // Where `current` may be cut: just after its last break character.
    let mut cut: Option<usize> = None;
    for c in text.chars() {
        let w = char_width(c);
        while str_width(&current) + w > width && !current.is_empty() {
            let rest = match cut.take() {
                Some(at) => current.split_off(at),
                None => String::new(),
            };
            pieces.push(std::mem::replace(&mut current, rest));
        }
        current.push(c);
        if breaks.contains(&c) {
            cut = Some(current.len());
        }
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

/// Word-wraps a styled line to `width` cells, keeping each character's
/// style; words longer than the width are split.
pub fn wrap_styled(line: &Line, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let cells: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|span| {
            let style = line.style.patch(span.style);
            span.content.chars().map(move |c| (c, style))
        })
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < cells.len() {
        let mut used = 0;
        let mut end = start;
        let mut last_space = None;
        while end < cells.len() {
            let w = char_width(cells[end].0);
            if used + w > width && end > start {
                break;
            }
            if cells[end].0 == ' ' {
                last_space = Some(end);
            }
            used += w;
            end += 1;
        }
        let (cut, next) = match last_space {
            Some(space) if end < cells.len() && space > start => (space, space + 1),
            _ if end < cells.len() && cells[end].0 == ' ' => (end, end + 1),
            _ => (end, end),
        };
        out.push(cells_to_line(&cells[start..cut]));
        start = next;
    }
    if out.is_empty() {
        out.push(Line::default());
    }
    out
}

fn cells_to_line(cells: &[(char, Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for &(c, style) in cells {
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push(c),
            _ => spans.push(Span::styled(c.to_string(), style)),
        }
    }
    Line::from(spans)
}

fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Normal => theme.value,
        Tone::Good => theme.good,
        Tone::Bad => theme.bad,
        Tone::Dim => theme.dim,
    }
}

/// Below this width a pane lists rows as `label: value` with continuation
/// lines indented, instead of aligning values in a label column.
const COMPACT_BELOW: usize = 50;

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
    let column = if width < COMPACT_BELOW {
        None
    } else {
        Some(longest.min(width.saturating_sub(2) * 2 / 5).min(16))
    };
    let mut out = Vec::new();
    // Where the last row's value lines start, for a `was` under it.
    let mut value_indent = 4;
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
            Item::Row(row) => value_indent = layout_row(row, column, width, theme, &mut out),
            Item::Was(value) => layout_was(value, value_indent, width, theme, &mut out),
        }
    }
    out
}

/// Wraps a value: the first piece gets `first` cells, the others `rest`.
/// Values with spaces (grouped hex) break between groups when they can.
fn wrap_value(value: &str, first: usize, rest: usize) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let room = |pieces: &Vec<String>| if pieces.is_empty() { first } else { rest };
    for (i, word) in value.split(' ').enumerate() {
        let sep = usize::from(i > 0 && !current.is_empty());
        if str_width(&current) + sep + str_width(word) <= room(&pieces) {
            if sep == 1 {
                current.push(' ');
            }
            current.push_str(word);
            continue;
        }
        if !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
        let mut word = word;
        while str_width(word) > room(&pieces) {
            let piece = hard_wrap(word, room(&pieces).max(1)).swap_remove(0);
            word = &word[piece.len()..];
            pieces.push(piece);
        }
        current.push_str(word);
    }
    if !current.is_empty() || pieces.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// `was <value>` with the value starting where the row above's value
/// lines start (`was` in the indent before it), so that the old value sits
/// under the new one and a single changed character shows; where it would
/// wrap there but fits indented 4, indented 4 (under a short value such as
/// `(removed: not sent)`); else wrapped character by character.
fn layout_was(
    value: &str,
    value_indent: usize,
    width: usize,
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    const WAS: &str = "was ";
    let value = value.replace(['\n', '\r'], " ");
    let fits = |indent: usize| indent + str_width(&value) <= width;
    let indent = match value_indent.max(WAS.len()).min(width / 2) {
        aligned if !fits(aligned) && fits(WAS.len()) => WAS.len(),
        aligned => aligned,
    };
    let room = width.saturating_sub(indent).max(1);
    for (i, piece) in hard_wrap(&value, room).into_iter().enumerate() {
        let lead = if i == 0 {
            format!("{}{WAS}", " ".repeat(indent.saturating_sub(WAS.len())))
        } else {
            " ".repeat(indent)
        };
        out.push(Line::from(vec![
            Span::styled(lead, theme.dim),
            Span::styled(piece, theme.dim),
        ]));
    }
}

/// How far a value on lines of its own (under its label, or continuing
/// in compact mode) is indented.
const VALUE_INDENT: usize = 4;

/// Drops the trailing spaces of a line (the padding of a label whose value
/// went under it).
fn trim_end(line: &mut Line<'static>) {
    while let Some(last) = line.spans.last_mut() {
        let kept = last.content.trim_end().len();
        if kept > 0 {
            last.content.to_mut().truncate(kept);
            return;
        }
        line.spans.pop();
    }
}

/// Lays out one row; returns where its value's lines start (after the
/// first, in compact mode).
fn layout_row(
    row: &Row,
    column: Option<usize>,
    width: usize,
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) -> usize {
    let (marker, marker_style) = match row.mark {
        Mark::None => ("  ", theme.label),
        Mark::Added => ("+ ", theme.added),
        Mark::Missing => ("− ", theme.missing),
        Mark::Changed => ("✎ ", theme.missing),
    };
    let value_style = tone_style(row.tone, theme);
    // The head: marker and label (padded to the column, or followed by a
    // colon in compact mode), wrapped if the pane is narrower than it.
    let mut head = format!("{marker}{}", row.label);
    let indent = match column {
        Some(column) => {
            let pad = column.saturating_sub(str_width(&row.label));
            head.push_str(&" ".repeat(pad + 1));
            (2 + column + 1).min(width / 2)
        }
        None => {
            head.push_str(": ");
            VALUE_INDENT.min(width / 2)
        }
    };
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
    // A value without spaces (a code, a verifier, a URL) that does not fit
    // beside its label goes under it, on lines of its own indented 4,
    // split only where the pane is narrower than it: one piece reads and
    // copies better than two, and every long value of a pane then starts
    // in the same column and breaks at the same characters, so values that
    // are compared (stage 6's computed and stored; an amended value and
    // what it `was`) line up piece for piece.
    // So does a value of words with one too long for the value column (a
    // bearer token after `Bearer`), where under the label it fits.
    let longest = value.split(' ').map(str_width).max().unwrap_or(0);
    let below = if value.contains(' ') {
        longest > width.saturating_sub(indent) && longest + VALUE_INDENT <= width
    } else {
        str_width(&value) > first_line_room
    };
    let indent = if below {
        VALUE_INDENT.min(width / 2)
    } else {
        indent
    };
    if below && let Some(head) = out.last_mut() {
        trim_end(head);
    }
    let rest_room = width.saturating_sub(indent).max(1);
    // Otherwise start the value on the head's line when its first word fits
    // there or the line has a fair room left; else on a line of its own.
    let first_word = value.split(' ').next().map_or(0, str_width);
    let on_head =
        !below && first_line_room > 0 && (first_word <= first_line_room || first_line_room >= 8);
    let pieces = wrap_value(
        &value,
        if on_head { first_line_room } else { rest_room },
        rest_room,
    );
    for (i, piece) in pieces.into_iter().enumerate() {
        if i == 0 && on_head {
            if let Some(line) = out.last_mut() {
                line.spans.push(Span::styled(piece, value_style));
            }
        } else if !piece.is_empty() {
            out.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(piece, value_style),
            ]));
        }
    }
    // Beside the label, the value starts at the head's end.
    if on_head && column.is_some() {
        width.saturating_sub(first_line_room)
    } else {
        indent
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
    fn values_wrap_and_are_never_cut() {
        let theme = Theme::new(ThemeName::Mono);
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let items = [Item::marked(
            "v",
            "code_verifier",
            verifier,
            Mark::Added,
            Tone::Normal,
        )];
        // Compact (narrow pane): the label above, the value under it
        // indented 4, split only where the pane is narrower than it.
        let lines = text(&layout(&items, 40, &theme));
        assert_eq!(lines[0], "+ code_verifier:");
        assert_eq!(lines[1], "    dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gF");
        assert_eq!(lines[2], "    WFOEjXk");
        // A short value stays beside its label.
        let short = [Item::row("m", "method", "S256")];
        assert_eq!(text(&layout(&short, 40, &theme)), ["  method: S256"]);
        // Wider: too long for the value column, so whole on a line of its
        // own rather than split.
        let lines = text(&layout(&items, 50, &theme));
        assert_eq!(lines[0].trim_end(), "+ code_verifier");
        assert_eq!(lines[1], "    dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        // Wide enough: in the column beside its label.
        let lines = text(&layout(&items, 70, &theme));
        assert_eq!(
            lines,
            ["+ code_verifier dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"]
        );
    }

    /// Where each whole occurrence of `value` sits in `lines`: its pieces,
    /// line after line, as (column, length). A piece is the last word of
    /// its line (values have no spaces).
    fn placements(lines: &[String], value: &str) -> Vec<Vec<(usize, usize)>> {
        let mut found = Vec::new();
        let mut pieces = Vec::new();
        let mut rest = value;
        for line in lines {
            let line = line.trim_end();
            let word = line.rsplit(' ').next().unwrap_or_default();
            if word.is_empty() || !rest.starts_with(word) {
                (pieces, rest) = (Vec::new(), value);
                continue;
            }
            pieces.push((str_width(line) - word.len(), word.len()));
            rest = &rest[word.len()..];
            if rest.is_empty() {
                found.push(std::mem::take(&mut pieces));
                rest = value;
            }
        }
        found
    }

    #[test]
    fn compared_values_break_at_the_same_characters_at_any_width() {
        let theme = Theme::new(ThemeName::Mono);
        let challenge = "qymKDLewIEh_Dsgk238iHxdzWv5ai_zYGsSo4gUjnJ8";
        let planned = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let sent = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl";
        let items = [
            Item::Heading("checks PKCE (RFC 7636 §4.6)".into()),
            Item::marked("c", "computed", challenge, Mark::Added, Tone::Normal),
            Item::marked("s", "stored", challenge, Mark::Added, Tone::Normal),
            Item::marked("v", "code_verifier", sent, Mark::Changed, Tone::Normal),
            Item::Was(planned.into()),
        ];
        for width in 12..90 {
            let lines = text(&layout(&items, width, &theme));
            let both = placements(&lines, challenge);
            assert_eq!(both.len(), 2, "{width}: {lines:#?}");
            assert_eq!(both[0], both[1], "{width}: {lines:#?}");
            let (now, was) = (placements(&lines, sent), placements(&lines, planned));
            assert_eq!((now.len(), was.len()), (1, 1), "{width}: {lines:#?}");
            assert_eq!(now[0], was[0], "{width}: {lines:#?}");
            // Whole wherever a line of its own can hold it.
            if usize::from(width) >= challenge.len() + 4 {
                assert_eq!(both[0].len(), 1, "{width}: {lines:#?}");
            }
        }
    }

    #[test]
    fn grouped_hex_breaks_between_groups() {
        let theme = Theme::new(ThemeName::Mono);
        let hex = "13d31e96 1a1ad8ec 2f16b10c 4c982e08 76a878ad 6df14456 6ee1894a cb70f9c3";
        let items = [Item::row("h", "SHA-256", hex)];
        let lines = text(&layout(&items, 40, &theme));
        assert_eq!(lines[0], "  SHA-256: 13d31e96 1a1ad8ec 2f16b10c");
        assert_eq!(lines[1], "    4c982e08 76a878ad 6df14456 6ee1894a");
        assert_eq!(lines[2], "    cb70f9c3");
    }

    #[test]
    fn raw_text_breaks_between_parameters_and_joins_back() {
        let body = "grant_type=authorization_code&code=5USQGjrQAj8P7kEZDlQPeyLZjDFC67To0zULXxERNds&client_id=6Pgu";
        let pieces = wrap_after(body, 50, &['&']);
        assert_eq!(
            pieces,
            [
                "grant_type=authorization_code&",
                "code=5USQGjrQAj8P7kEZDlQPeyLZjDFC67To0zULXxERNds&",
                "client_id=6Pgu"
            ]
        );
        for width in 1..120 {
            let pieces = wrap_after(body, width, &['&', ' ']);
            assert_eq!(pieces.concat(), body, "{width}");
            assert!(pieces.iter().all(|p| str_width(p) <= width), "{width}");
        }
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
