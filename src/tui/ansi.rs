//! A drawn buffer as text with its colours: every cell's symbol, and an
//! SGR escape sequence (ECMA-48 "select graphic rendition") wherever the
//! style changes, so that `render --format ansi` shows in a terminal as the
//! tutorial draws it, and a theme can be snapshot-tested as text.
//!
//! Each change writes the whole style from a reset (`ESC[0;…m`), never a
//! difference, so a line reads the same wherever it is cut; each line ends
//! with a reset. Cells are kept to the last column, since a theme paints
//! its own background there too.

use std::fmt::Write as _;

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

use super::rows::str_width;

/// The buffer as lines of symbols and SGR sequences.
pub fn buffer_ansi(buffer: &Buffer) -> String {
    let Rect { width, height, .. } = buffer.area;
    let mut out = String::new();
    for y in 0..height {
        let mut current: Option<String> = None;
        let mut skip = 0;
        for x in 0..width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buffer[(x, y)];
            let sgr = sgr(cell);
            if current.as_ref() != Some(&sgr) {
                out.push_str(&sgr);
                current = Some(sgr);
            }
            out.push_str(cell.symbol());
            skip = str_width(cell.symbol()).saturating_sub(1);
        }
        out.push_str("\x1b[0m\n");
    }
    out
}

/// The sequence that sets a cell's style from a reset.
fn sgr(cell: &Cell) -> String {
    let mut codes = String::from("0");
    for (modifier, code) in [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ] {
        if cell.modifier.contains(modifier) {
            let _ = write!(codes, ";{code}");
        }
    }
    colour(&mut codes, cell.fg, 30);
    colour(&mut codes, cell.bg, 40);
    format!("\x1b[{codes}m")
}

/// Appends the codes of a foreground (`base` 30) or background (40)
/// colour; nothing for the terminal's own (`Reset`).
fn colour(codes: &mut String, color: Color, base: u8) {
    let named = |n: u8| Some(base + n);
    let bright = |n: u8| Some(base + 60 + n);
    let code = match color {
        Color::Reset => None,
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => bright(0),
        Color::LightRed => bright(1),
        Color::LightGreen => bright(2),
        Color::LightYellow => bright(3),
        Color::LightBlue => bright(4),
        Color::LightMagenta => bright(5),
        Color::LightCyan => bright(6),
        Color::White => bright(7),
        Color::Indexed(n) => {
            let _ = write!(codes, ";{};5;{n}", base + 8);
            None
        }
        Color::Rgb(r, g, b) => {
            let _ = write!(codes, ";{};2;{r};{g};{b}", base + 8);
            None
        }
    };
    if let Some(code) = code {
        let _ = write!(codes, ";{code}");
    }
}

#[cfg(test)]
mod tests {
    use ratatui::style::Stylize;
    use ratatui::text::Line;
    use ratatui::widgets::Widget;

    use super::*;

    #[test]
    fn styles_become_sgr_sequences_from_a_reset_and_lines_end_reset() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 4, 1));
        Line::from(vec![
            "a".bold().fg(Color::Rgb(95, 215, 95)),
            "b".on_black(),
            "c".into(),
            "d".fg(Color::Indexed(244)).reversed(),
        ])
        .render(buffer.area, &mut buffer);
        assert_eq!(
            buffer_ansi(&buffer),
            "\x1b[0;1;38;2;95;215;95ma\x1b[0;40mb\x1b[0mc\x1b[0;7;38;5;244md\x1b[0m\n"
        );
    }

    #[test]
    fn a_wide_symbol_is_written_once() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 3, 1));
        Line::from("✓好").render(buffer.area, &mut buffer);
        assert_eq!(buffer_ansi(&buffer), "\x1b[0m✓好\x1b[0m\n");
    }
}
