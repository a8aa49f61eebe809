//! A one-line text input with a cursor, as plain data: the editor's value
//! and name fields. Positions count characters, not bytes, so a learner can
//! type any character without the cursor landing inside one.

/// The text being typed and where the cursor stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    chars: Vec<char>,
    /// The cursor, between characters: 0 before the first, `len` after the
    /// last.
    cursor: usize,
}

impl LineInput {
    /// An input holding `text`, the cursor after its last character.
    pub fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        Self {
            cursor: chars.len(),
            chars,
        }
    }

    /// The text typed so far.
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// The characters before the cursor, under it (if any) and after it.
    pub fn split(&self) -> (String, Option<char>, String) {
        let before = self.chars[..self.cursor].iter().collect();
        let under = self.chars.get(self.cursor).copied();
        let after = self
            .chars
            .get(self.cursor + 1..)
            .map(|rest| rest.iter().collect())
            .unwrap_or_default();
        (before, under, after)
    }

    /// Types a character at the cursor.
    pub fn insert(&mut self, c: char) {
        self.chars.insert(self.cursor, c);
        self.cursor += 1;
    }

    /// Moves the cursor one character left.
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    /// Moves the cursor one character right.
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.chars.len());
    }

    /// Moves the cursor before the first character.
    pub fn home(&mut self) {
        self.cursor = 0;
    }

    /// Moves the cursor after the last character.
    pub fn end(&mut self) {
        self.cursor = self.chars.len();
    }

    /// Erases the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.chars.remove(self.cursor);
        }
    }

    /// Erases the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.chars.len() {
            self.chars.remove(self.cursor);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_moving_and_erasing() {
        let mut input = LineInput::new("abc");
        input.backspace();
        input.insert('x');
        assert_eq!(input.text(), "abx");
        input.home();
        input.delete();
        input.insert('é');
        assert_eq!(input.text(), "ébx");
        input.right();
        assert_eq!(input.split(), ("éb".into(), Some('x'), String::new()));
        input.end();
        input.right();
        input.delete();
        assert_eq!(input.split(), ("ébx".into(), None, String::new()));
        input.home();
        input.left();
        input.backspace();
        assert_eq!(input.text(), "ébx");
    }
}
