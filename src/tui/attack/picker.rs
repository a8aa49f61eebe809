//! The attack picker (`a`): the four attacks, one line each saying what
//! the attacker can see and do, drawn over the screen it was opened on. It
//! is modal: Up/Down and Enter, or the digits 1–4, choose (its keys are
//! `keys::PICKER_KEYS`, so digits do not jump stages while it is open).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Widget};

use crate::flow::Attack;
use crate::tui::rows::wrap_styled;
use crate::tui::theme::Theme;

use super::script;

/// A key of the open picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerInput {
    /// The cursor up a line.
    Up,
    /// The cursor down a line.
    Down,
    /// Choose the attack under the cursor.
    Choose,
    /// Choose that attack (its digit).
    Pick(Attack),
}

/// The attack a digit key names (1 to 4, in [`Attack::ALL`]'s order).
pub fn attack_of_digit(c: char) -> Option<Attack> {
    let index = usize::try_from(c.to_digit(10)?.checked_sub(1)?).ok()?;
    Attack::ALL.get(index).copied()
}

/// The picker's lines, the cursor's line lit.
pub fn lines(cursor: Attack, theme: &Theme) -> Vec<Line<'static>> {
    let name_width = Attack::ALL
        .iter()
        .map(|a| a.name().len())
        .max()
        .unwrap_or(0);
    let mut lines = vec![
        Line::styled(
            "Each attack is played after stage 4 of a victim's flow, twice and for real: \
             without its defence, and as OAuth 2.1 and MCP require.",
            theme.dim,
        ),
        Line::default(),
    ];
    for (i, attack) in Attack::ALL.into_iter().enumerate() {
        let current = attack == cursor;
        let (mark, name_style, text_style) = if current {
            ("▸", theme.lit, theme.lit)
        } else {
            (" ", theme.key, theme.value)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {} ", i + 1), name_style),
            Span::styled(format!("{:<name_width$}  ", attack.name()), name_style),
            Span::styled(script::of(attack).sees, text_style),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "↑↓ and Enter, or 1–4: step through it · Esc: back",
        theme.dim,
    ));
    lines
}

/// Draws the picker centred over `area`.
pub fn render(cursor: Attack, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    let width = area.width.min(84);
    let block = Block::bordered()
        .border_style(theme.key)
        .padding(Padding::left(1))
        .title(Span::styled(
            " Attacks · what the attacker can see and do ",
            theme.pane_title,
        ));
    let inner_width = usize::from(width.saturating_sub(3));
    let lines: Vec<Line> = lines(cursor, theme)
        .iter()
        .flat_map(|l| wrap_styled(l, inner_width))
        .collect();
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .style(theme.base)
        .block(block)
        .render(popup, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::ThemeName;

    #[test]
    fn the_digits_name_the_four_attacks_in_order() {
        let named: Vec<_> = ['1', '2', '3', '4']
            .into_iter()
            .filter_map(attack_of_digit)
            .collect();
        assert_eq!(named, Attack::ALL);
        assert_eq!(attack_of_digit('0'), None);
        assert_eq!(attack_of_digit('5'), None);
    }

    #[test]
    fn the_picker_lists_all_four_one_line_each() {
        let theme = Theme::new(ThemeName::Mono);
        let area = Rect::new(0, 0, 80, 14);
        let mut buf = Buffer::empty(area);
        render(Attack::Sniffing, area, &mut buf, &theme);
        let text: Vec<String> = (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buf[(x, y)].symbol().to_owned())
                    .collect()
            })
            .collect();
        for (i, attack) in Attack::ALL.into_iter().enumerate() {
            let line = text
                .iter()
                .find(|l| l.contains(&format!(" {} {}", i + 1, attack.name())))
                .unwrap_or_else(|| panic!("{attack:?} is not listed:\n{}", text.join("\n")));
            assert!(line.contains(script::of(attack).sees), "{line}");
        }
        assert!(text.iter().any(|l| l.contains("▸ 2 sniffing")));
    }
}
