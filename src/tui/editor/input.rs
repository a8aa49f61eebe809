//! How the editor reads a key: a pure function from a key press to an
//! [`Input`], whose meaning (a command, or a character typed) the editor
//! decides by whether a text field is open.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key, as the editor reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Select the parameter above.
    Up,
    /// Select the parameter below.
    Down,
    /// Cursor left.
    Left,
    /// Cursor right.
    Right,
    /// Cursor to the start.
    Home,
    /// Cursor to the end.
    End,
    /// Erase before the cursor.
    Backspace,
    /// Erase under the cursor; outside a text field, remove the parameter.
    Delete,
    /// Edit the selected value; in a text field, keep what is typed.
    Enter,
    /// Send the request (Ctrl-S, or `s` outside a text field).
    Send,
    /// Leave the text field, or discard everything and close (Esc).
    Cancel,
    /// A character: typed in a text field, a command outside one.
    Char(char),
}

/// The editor's reading of a key press (key releases are ignored; Ctrl
/// combinations other than Ctrl-S are not the editor's).
pub fn input(key: KeyEvent) -> Option<Input> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        let ctrl_s = key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('s' | 'S'));
        return ctrl_s.then_some(Input::Send);
    }
    Some(match key.code {
        KeyCode::Up => Input::Up,
        KeyCode::Down => Input::Down,
        KeyCode::Left => Input::Left,
        KeyCode::Right => Input::Right,
        KeyCode::Home => Input::Home,
        KeyCode::End => Input::End,
        KeyCode::Backspace => Input::Backspace,
        KeyCode::Delete => Input::Delete,
        KeyCode::Enter => Input::Enter,
        KeyCode::Esc => Input::Cancel,
        KeyCode::Char(c) => Input::Char(c),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_as_the_editor_means_them() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(input(ctrl('s')), Some(Input::Send));
        assert_eq!(input(ctrl('c')), None);
        let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(input(plain(KeyCode::Char('d'))), Some(Input::Char('d')));
        assert_eq!(input(plain(KeyCode::Esc)), Some(Input::Cancel));
        let shifted = KeyEvent::new(KeyCode::Char('+'), KeyModifiers::SHIFT);
        assert_eq!(input(shifted), Some(Input::Char('+')));
    }
}
