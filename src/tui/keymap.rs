//! Keys to actions: a pure function over the key table, so the key contract
//! of DESIGN.md is tested without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Action, App};
use super::keys::{KEYS, Key, PICKER_KEYS};
use super::{checkpoint, editor};

/// The action a key press asks for on the app as it stands: an open
/// checkpoint is modal (see [`checkpoint::key_action`]), so is the open
/// editor, which reads every key but Ctrl-C (see
/// [`super::keys::EDITOR_KEYS`]), and the open attack picker answers only
/// its own keys ([`PICKER_KEYS`]); otherwise [`keymap`].
pub fn key_action(app: &App, key: KeyEvent) -> Option<Action> {
    let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c' | 'C'))
        && key.kind != KeyEventKind::Release;
    if app.learner.open.is_some() {
        return checkpoint::key_action(key);
    }
    match &app.editor {
        Some(_) if ctrl_c => Some(Action::Quit),
        // The help over the editor closes as help does.
        Some(_) if app.help => {
            keymap(key).filter(|a| matches!(a, Action::ToggleHelp | Action::Close))
        }
        Some(editor) if editor.typing.is_none() && key.code == KeyCode::Char('?') => keymap(key),
        Some(_) => editor::input(key).map(Action::Editor),
        // The help over the picker closes as help does.
        None if app.lab.picker.is_some() && app.help => {
            keymap(key).filter(|a| matches!(a, Action::ToggleHelp | Action::Close | Action::Quit))
        }
        None if app.lab.picker.is_some() => {
            let key = table_key(key)?;
            PICKER_KEYS.iter().find_map(|binding| binding.action(key))
        }
        None => keymap(key),
    }
}

/// A key press as the tables name it; `None` for a release (terminals with
/// the kitty protocol report them) or Ctrl with a key that is no letter.
fn table_key(key: KeyEvent) -> Option<Key> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        match key.code {
            KeyCode::Char(c) => Some(Key::Ctrl(c.to_ascii_lowercase())),
            _ => None,
        }
    } else {
        Some(Key::Plain(key.code))
    }
}

/// The action a key press asks for, if any. Key releases are ignored
/// (terminals with the kitty protocol report them).
pub fn keymap(key: KeyEvent) -> Option<Action> {
    let key = table_key(key)?;
    KEYS.iter().find_map(|binding| binding.action(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Stage;

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
        assert_eq!(
            keymap(press(KeyCode::Char('0'))),
            Some(Action::JumpToDiscovery)
        );
        assert_eq!(keymap(press(KeyCode::Char('7'))), None);
        assert_eq!(
            keymap(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            keymap(KeyEvent::new(KeyCode::Char('C'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            keymap(press(KeyCode::Char('c'))),
            Some(Action::ToggleContrast)
        );
        assert_eq!(keymap(press(KeyCode::Esc)), Some(Action::Close));
        assert_eq!(
            keymap(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::ToggleHelp),
            "Shift is allowed: `?` needs it on most layouts"
        );
        assert_eq!(
            keymap(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL)),
            None
        );
    }

    #[test]
    fn releases_are_ignored() {
        let mut key = press(KeyCode::Char('q'));
        key.kind = KeyEventKind::Release;
        assert_eq!(keymap(key), None);
    }
}
