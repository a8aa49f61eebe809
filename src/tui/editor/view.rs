//! The editor drawn over the main area: the request's line, every
//! parameter (the selected one marked `▸`, changes marked `✎` with the
//! planned value under it, `−` removed, `+` added), the headers sent as
//! planned and the quick experiments with their digits (the footer lists
//! the keys). Values wrap under their column; a long list scrolls to keep
//! the selection shown.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Widget};

use crate::record::ParamCarrier;

use super::{Change, Editor, LineInput, Typing};
use crate::tui::rows::{str_width, word_wrap};
use crate::tui::theme::Theme;

/// The lines of the editor for an inner width, and the line to keep in view.
pub fn lines(editor: &Editor, width: u16, theme: &Theme) -> (Vec<Line<'static>>, usize) {
    let width = usize::from(width).max(1);
    let mut out: Vec<Line<'static>> = Vec::new();
    let path = url::Url::parse(&editor.planned.url)
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|_| editor.planned.url.clone());
    let carrier = match editor.planned.carrier {
        ParamCarrier::Query => "parameters in the URL's query",
        ParamCarrier::Form => "parameters in the form body",
        ParamCarrier::Headers => "its parameters are headers",
    };
    let head = format!(
        "{} → {} {path} · {carrier}",
        editor.actor.name(),
        editor.planned.method
    );
    push_wrapped(&mut out, &head, width, theme.heading);
    let column = editor
        .fields
        .iter()
        .map(|f| str_width(&f.name))
        .max()
        .unwrap_or(0)
        .min(width / 3)
        .min(24);
    let mut anchor = 0;
    let mut marked = false;
    // While a new parameter is typed below the list, no row is selected.
    let adding = matches!(
        editor.typing,
        Some(Typing::NewName(_) | Typing::NewValue { .. })
    );
    for (i, field) in editor.fields.iter().enumerate() {
        let selected = i == editor.selected && !adding;
        if selected {
            anchor = out.len();
        }
        let change = editor.change(field);
        marked |= change != Change::None;
        let (mark, mark_style) = match change {
            Change::None => ("  ", theme.label),
            Change::Changed(_) => ("✎ ", theme.missing),
            Change::Removed(_) => ("− ", theme.bad),
            Change::Added => ("+ ", theme.added),
        };
        let pointer = if selected {
            Span::styled("▸ ", theme.lit)
        } else {
            Span::raw("  ")
        };
        let name_style = if selected {
            theme.label.add_modifier(Modifier::BOLD)
        } else {
            theme.label
        };
        let head = vec![
            pointer,
            Span::styled(mark, mark_style),
            Span::styled(pad(&field.name, column), name_style),
            Span::raw(" "),
        ];
        let value: Vec<Span<'static>> = match (&editor.typing, change) {
            (Some(Typing::Value(input)), _) if selected => cursor_spans(input, theme),
            (_, Change::Removed(_)) => vec![Span::styled("removed", theme.bad)],
            _ => vec![Span::styled(field.value.clone(), theme.value)],
        };
        push_field(&mut out, head, value, width);
        if let Change::Changed(was) | Change::Removed(was) = change {
            let head = vec![
                Span::raw(" ".repeat(4)),
                Span::styled(pad("was", column), theme.dim),
                Span::raw(" "),
            ];
            push_field(
                &mut out,
                head,
                vec![Span::styled(was.to_owned(), theme.dim)],
                width,
            );
        }
    }
    if editor.fields.is_empty() {
        out.push(Line::styled("  (no parameter: + adds one)", theme.dim));
    }
    match &editor.typing {
        Some(Typing::NewName(input)) => {
            anchor = out.len();
            let head = vec![
                Span::styled("▸ + ", theme.lit),
                Span::styled("new parameter, name: ", theme.label),
            ];
            push_field(&mut out, head, cursor_spans(input, theme), width);
        }
        Some(Typing::NewValue { name, input }) => {
            anchor = out.len();
            let head = vec![
                Span::styled("▸ + ", theme.lit),
                Span::styled(format!("{}: ", name), theme.label),
            ];
            push_field(&mut out, head, cursor_spans(input, theme), width);
        }
        _ => {}
    }
    if marked {
        push_wrapped(
            &mut out,
            "✎ changed · − removed · + added: only these differ from the plan",
            width,
            theme.dim,
        );
    }
    if !editor.planned.fixed_headers.is_empty() {
        let headers: Vec<String> = editor
            .planned
            .fixed_headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        push_wrapped(
            &mut out,
            &format!("also sent, as planned: {}", headers.join(" · ")),
            width,
            theme.dim,
        );
    }
    if let Some(message) = &editor.message {
        push_wrapped(&mut out, &format!("› {message}"), width, theme.lit);
    }
    if editor.experiments.is_empty() {
        push_wrapped(
            &mut out,
            "no quick experiment applies to this request",
            width,
            theme.dim,
        );
    } else {
        push_wrapped(
            &mut out,
            "quick experiments (the digit sends at once)",
            width,
            theme.heading,
        );
        for (i, (experiment, _)) in editor.experiments.iter().enumerate() {
            let head = vec![Span::styled(format!(" {} ", i + 1), theme.key)];
            push_field(
                &mut out,
                head,
                vec![Span::styled(experiment.title(), theme.value)],
                width,
            );
        }
    }
    (out, anchor)
}

/// Draws the editor over `area` (the main area, between the top bar and
/// the footer).
pub fn render(editor: &Editor, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    let title = format!(
        " ✎ Amend before it goes · stage {} · {} ",
        editor.stage.number(),
        editor.purpose
    );
    let mut block = Block::bordered()
        .border_style(theme.key)
        .padding(Padding::left(1))
        .title(Span::styled(title, theme.pane_title));
    let inner = block.inner(area);
    let (lines, anchor) = lines(editor, inner.width, theme);
    let height = usize::from(inner.height);
    let total = lines.len();
    let offset = anchor
        .saturating_sub(height / 3)
        .min(total.saturating_sub(height));
    let below = total.saturating_sub(offset + height);
    if offset > 0 || below > 0 {
        block = block.title_bottom(
            Line::styled(format!(" ↑{offset} ↓{below} (↑↓ select) "), theme.dim).right_aligned(),
        );
    }
    let drawn = u16::try_from(total.min(height)).unwrap_or(inner.height);
    let popup = Rect {
        height: drawn
            .saturating_add(area.height - inner.height)
            .min(area.height),
        ..area
    };
    Clear.render(popup, buf);
    let visible: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    Paragraph::new(visible)
        .style(theme.base)
        .block(block)
        .render(popup, buf);
}

/// `text` padded with spaces to `width` cells (left as is when longer).
fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(str_width(text));
    format!("{text}{}", " ".repeat(fill))
}

fn push_wrapped(out: &mut Vec<Line<'static>>, text: &str, width: usize, style: Style) {
    out.extend(
        word_wrap(text, width)
            .into_iter()
            .map(|l| Line::styled(l, style)),
    );
}

/// A head (marker, name) followed by a value that wraps under the column
/// where it starts; a head too wide for the line puts the value below it.
fn push_field(
    out: &mut Vec<Line<'static>>,
    head: Vec<Span<'static>>,
    value: Vec<Span<'static>>,
    width: usize,
) {
    let head_width: usize = head.iter().map(|s| str_width(&s.content)).sum();
    let (indent, mut first) = if head_width + 8 <= width {
        (head_width, Line::from(head))
    } else {
        out.push(Line::from(head));
        (4.min(width / 2), Line::default())
    };
    let room = width.saturating_sub(indent).max(1);
    for (i, piece) in hard_wrap_spans(&value, room).into_iter().enumerate() {
        let mut line = if i == 0 {
            std::mem::take(&mut first)
        } else {
            Line::raw(" ".repeat(indent))
        };
        if i == 0 && line.spans.is_empty() {
            line.spans.push(Span::raw(" ".repeat(indent)));
        }
        line.spans.extend(piece);
        out.push(line);
    }
}

/// Splits styled text into pieces of at most `width` cells, character by
/// character, keeping every character (spaces included): what is typed is
/// what is shown.
fn hard_wrap_spans(spans: &[Span<'static>], width: usize) -> Vec<Vec<Span<'static>>> {
    let mut pieces = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in spans {
        for c in span.content.chars() {
            let w = str_width(c.encode_utf8(&mut [0; 4]));
            if used + w > width && used > 0 {
                pieces.push(std::mem::take(&mut current));
                used = 0;
            }
            match current.last_mut() {
                Some(last) if last.style == span.style => last.content.to_mut().push(c),
                _ => current.push(Span::styled(c.to_string(), span.style)),
            }
            used += w;
        }
    }
    pieces.push(current);
    pieces
}

/// A text field's characters with the cursor shown as a reversed cell (a
/// reversed space after the last character), so it reads without colour.
fn cursor_spans(input: &LineInput, theme: &Theme) -> Vec<Span<'static>> {
    let (before, under, after) = input.split();
    let cursor = theme.value.add_modifier(Modifier::REVERSED);
    vec![
        Span::styled(before, theme.value.add_modifier(Modifier::UNDERLINED)),
        Span::styled(under.map_or(" ".to_owned(), String::from), cursor),
        Span::styled(after, theme.value.add_modifier(Modifier::UNDERLINED)),
    ]
}
