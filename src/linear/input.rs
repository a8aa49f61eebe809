//! What a line typed at the linear tour's prompt means. Reading is line by
//! line from any `BufRead`, so a pipe works as well as a terminal or a
//! screen reader's input.

use std::io::BufRead;

/// One line of input, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Input {
    /// Enter (or `n`): the next screen.
    Next,
    /// `p`: the previous screen.
    Previous,
    /// A number: 0 for the introduction, 1 to 6 for a stage.
    Jump(u8),
    /// `q`: quit.
    Quit,
    /// A single letter `a` to `d`: an answer.
    Letter(char),
    /// `h`, `?`: the keys again.
    Help,
    /// Anything else, as typed.
    Unknown(String),
}

impl Input {
    /// The meaning of a line (surrounding blanks ignored, any case).
    pub(super) fn parse(line: &str) -> Self {
        let text = line.trim();
        let lower = text.to_ascii_lowercase();
        match lower.as_str() {
            "" | "n" | "next" => return Self::Next,
            "p" | "prev" | "previous" => return Self::Previous,
            "q" | "quit" | "exit" => return Self::Quit,
            "h" | "?" | "help" => return Self::Help,
            _ => {}
        }
        if let Ok(n) = lower.parse::<u8>()
            && n <= 6
        {
            return Self::Jump(n);
        }
        let mut chars = lower.chars();
        if let (Some(c @ 'a'..='d'), None) = (chars.next(), chars.next()) {
            return Self::Letter(c);
        }
        Self::Unknown(text.to_owned())
    }
}

/// The next line of input without its line ending, `None` at the end of the
/// input. Bytes that are not UTF-8 are replaced, never fatal.
pub(super) fn read_line(input: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut bytes = Vec::new();
    if input.read_until(b'\n', &mut bytes)? == 0 {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&bytes);
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_mean_what_the_prompt_says() {
        assert_eq!(Input::parse(""), Input::Next);
        assert_eq!(Input::parse("  \r"), Input::Next);
        assert_eq!(Input::parse("P"), Input::Previous);
        assert_eq!(Input::parse("q"), Input::Quit);
        assert_eq!(Input::parse("0"), Input::Jump(0));
        assert_eq!(Input::parse("6"), Input::Jump(6));
        assert_eq!(Input::parse("7"), Input::Unknown("7".into()));
        assert_eq!(Input::parse("B"), Input::Letter('b'));
        assert_eq!(Input::parse("e"), Input::Unknown("e".into()));
        assert_eq!(Input::parse("?"), Input::Help);
        assert_eq!(Input::parse("bd"), Input::Unknown("bd".into()));
    }

    #[test]
    fn lines_are_read_to_the_end_and_bad_bytes_are_no_error() {
        let mut input: &[u8] = b"a\r\n\xff\nlast";
        assert_eq!(read_line(&mut input).unwrap().as_deref(), Some("a"));
        assert_eq!(read_line(&mut input).unwrap().as_deref(), Some("\u{fffd}"));
        assert_eq!(read_line(&mut input).unwrap().as_deref(), Some("last"));
        assert_eq!(read_line(&mut input).unwrap(), None);
    }
}
