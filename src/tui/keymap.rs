//! Keys to actions: a pure function, so the key contract of DESIGN.md is
//! tested without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::flow::Stage;

use super::app::{Action, App};
use super::editor;

/// The action a key press asks for on the app as it stands: the open
/// editor reads every key but Ctrl-C; otherwise [`keymap`].
pub fn key_action(app: &App, key: KeyEvent) -> Option<Action> {
    let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c' | 'C'))
        && key.kind != KeyEventKind::Release;
    match &app.editor {
        Some(_) if ctrl_c => Some(Action::Quit),
        Some(_) => editor::input(key).map(Action::Editor),
        None => keymap(key),
    }
}

/// The action a key press asks for, if any. Key releases are ignored
/// (terminals with the kitty protocol report them).
pub fn keymap(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') | KeyCode::Char('C') => Some(Action::Quit),
            _ => None,
        };
    }
    let action = match key.code {
        KeyCode::Right | KeyCode::Char('l' | ' ' | 'n') => Action::Next,
        KeyCode::Left | KeyCode::Char('h' | 'p') => Action::Prev,
        KeyCode::Char(c @ '1'..='6') => Action::Jump(Stage::from_number(c as u8 - b'0')?),
        KeyCode::Char('c') => Action::ToggleContrast,
        KeyCode::Char('a') => Action::ToggleAttack,
        KeyCode::Char('r') => Action::Restart,
        KeyCode::Char('R') => Action::Rerun,
        KeyCode::Char('e') => Action::Amend,
        KeyCode::Char('w') => Action::ToggleWire,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::PageUp => Action::ScrollUp,
        KeyCode::PageDown => Action::ScrollDown,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    };
    Some(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn contract_keys() {
        for code in [
            KeyCode::Right,
            KeyCode::Char('l'),
            KeyCode::Char(' '),
            KeyCode::Char('n'),
        ] {
            assert_eq!(keymap(press(code)), Some(Action::Next));
        }
        for code in [KeyCode::Left, KeyCode::Char('h'), KeyCode::Char('p')] {
            assert_eq!(keymap(press(code)), Some(Action::Prev));
        }
        assert_eq!(
            keymap(press(KeyCode::Char('4'))),
            Some(Action::Jump(Stage::CodeIssued))
        );
        assert_eq!(keymap(press(KeyCode::Char('7'))), None);
        assert_eq!(
            keymap(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            keymap(press(KeyCode::Char('c'))),
            Some(Action::ToggleContrast)
        );
        assert_eq!(keymap(press(KeyCode::Esc)), Some(Action::Back));
    }

    #[test]
    fn releases_are_ignored() {
        let mut key = press(KeyCode::Char('q'));
        key.kind = KeyEventKind::Release;
        assert_eq!(keymap(key), None);
    }
}
