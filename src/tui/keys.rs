//! The one table of keys: every key the tutorial answers to, the action it
//! asks for, the help overlay's line for it and the footer's short label.
//! The keymap, the help overlay and the footer are all read from [`KEYS`],
//! so a key is added, changed or documented in one place. The request
//! editor and the attack picker are modal: while one is open its own keys,
//! [`EDITOR_KEYS`] or [`PICKER_KEYS`], replace these, in its key line and
//! in the help.

use std::borrow::Cow;

use crossterm::event::KeyCode;
use crossterm::event::KeyCode::Char;

use crate::flow::Stage;

use super::app::Action;
use super::attack::{self, PickerInput};
use super::editor::Input;
use super::scroll::Scroll;
use Key::{Ctrl, Plain};

/// A key as the table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A key pressed without Ctrl (Shift is allowed: `?` needs it on most
    /// layouts).
    Plain(KeyCode),
    /// A letter pressed with Ctrl, in lower case.
    Ctrl(char),
}

impl Key {
    /// The name the help and the footer show.
    pub fn name(self) -> Cow<'static, str> {
        match self {
            Self::Plain(KeyCode::Right) => "→".into(),
            Self::Plain(KeyCode::Left) => "←".into(),
            Self::Plain(KeyCode::Up) => "↑".into(),
            Self::Plain(KeyCode::Down) => "↓".into(),
            Self::Plain(KeyCode::PageUp) => "PgUp".into(),
            Self::Plain(KeyCode::PageDown) => "PgDn".into(),
            Self::Plain(KeyCode::Esc) => "Esc".into(),
            Self::Plain(KeyCode::Tab) => "Tab".into(),
            Self::Plain(KeyCode::Char(' ')) => "Space".into(),
            Self::Plain(KeyCode::Char(c)) => c.to_string().into(),
            Self::Plain(code) => code.to_string().into(),
            Self::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()).into(),
        }
    }
}

/// What the keys of a row ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Does {
    /// The same action, whichever key of the row is pressed.
    Act(Action),
    /// Jump to the stage whose number the digit pressed is.
    JumpToDigit,
}

/// How the footer advertises a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// The short label after the key ("stage", "help").
    pub label: &'static str,
    /// Lower is more important: shown first, and kept on narrow screens.
    pub priority: u8,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The keys, in the order the help lists them; the first is the one
    /// the footer shows.
    pub keys: &'static [Key],
    /// What they ask for.
    pub does: Does,
    /// The help overlay's description.
    pub help: &'static str,
    /// The footer's hint, if the footer advertises the row.
    pub hint: Option<Hint>,
}

const fn hint(label: &'static str, priority: u8) -> Option<Hint> {
    Some(Hint { label, priority })
}

/// Every key, in the order the help lists them. Rows next to each other
/// with the same help (or the same footer label) are listed as one entry.
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[Plain(KeyCode::Left), Plain(Char('h')), Plain(Char('p'))],
        does: Does::Act(Action::Prev),
        help: "previous stage (in an attack: its previous step)",
        hint: hint("stage", 0),
    },
    Binding {
        keys: &[
            Plain(KeyCode::Right),
            Plain(Char('l')),
            Plain(Char(' ')),
            Plain(Char('n')),
        ],
        does: Does::Act(Action::Next),
        help: "next stage (in an attack: its next step)",
        hint: hint("stage", 0),
    },
    Binding {
        keys: &[
            Plain(Char('0')),
            Plain(Char('1')),
            Plain(Char('2')),
            Plain(Char('3')),
            Plain(Char('4')),
            Plain(Char('5')),
            Plain(Char('6')),
        ],
        does: Does::JumpToDigit,
        help: "jump to a stage (0: how the client finds the server and gets a client_id)",
        hint: hint("jump", 1),
    },
    Binding {
        keys: &[Plain(Char('c'))],
        does: Does::Act(Action::ToggleContrast),
        help: "contrast: the flow without PKCE beside the PKCE flow",
        hint: hint("contrast", 2),
    },
    Binding {
        keys: &[Plain(Char('a'))],
        does: Does::Act(Action::ToggleAttack),
        help: "attacks: pick one, then step through both of its sides",
        hint: hint("attack", 3),
    },
    Binding {
        keys: &[Plain(KeyCode::Tab)],
        does: Does::Act(Action::OtherSide),
        help: "the other side of an attack, when one shows at a time",
        hint: hint("other side", 1),
    },
    Binding {
        keys: &[Plain(Char('e'))],
        does: Does::Act(Action::Amend),
        help: "amend the request → sends next, or a quick experiment",
        hint: hint("amend", 1),
    },
    Binding {
        keys: &[Plain(Char('w'))],
        does: Does::Act(Action::ToggleWire),
        help: "wire view: the raw HTTP of the stage",
        hint: hint("wire", 3),
    },
    Binding {
        keys: &[Plain(Char('f'))],
        does: Does::Act(Action::Focus),
        help: "focus: the left pane, the right pane, the lesson full screen, none",
        hint: hint("focus", 6),
    },
    Binding {
        keys: &[Plain(Char('s'))],
        does: Does::Act(Action::ToggleAutoplay),
        help: "start or stop autoplay",
        hint: None,
    },
    Binding {
        keys: &[Plain(Char('r'))],
        does: Does::Act(Action::Restart),
        help: "restart with fresh values (r) or the same ones (R)",
        hint: hint("restart", 7),
    },
    Binding {
        keys: &[Plain(Char('R'))],
        does: Does::Act(Action::Rerun),
        help: "restart with fresh values (r) or the same ones (R)",
        hint: hint("replay", 7),
    },
    Binding {
        keys: &[Plain(KeyCode::PageUp)],
        does: Does::Act(Action::Scroll(Scroll::PageUp)),
        help: "scroll what has the focus (f): the lesson without one; the help while it is open",
        hint: hint("scroll", 6),
    },
    Binding {
        keys: &[Plain(KeyCode::PageDown)],
        does: Does::Act(Action::Scroll(Scroll::PageDown)),
        help: "scroll what has the focus (f): the lesson without one; the help while it is open",
        hint: hint("scroll", 6),
    },
    Binding {
        keys: &[Plain(KeyCode::Up)],
        does: Does::Act(Action::Scroll(Scroll::LineUp)),
        help: "scroll what has the focus (f): the lesson without one; the help while it is open",
        hint: None,
    },
    Binding {
        keys: &[Plain(KeyCode::Down)],
        does: Does::Act(Action::Scroll(Scroll::LineDown)),
        help: "scroll what has the focus (f): the lesson without one; the help while it is open",
        hint: None,
    },
    Binding {
        keys: &[Plain(Char('?'))],
        does: Does::Act(Action::ToggleHelp),
        help: "this help",
        hint: hint("help", 4),
    },
    Binding {
        keys: &[Plain(KeyCode::Esc)],
        does: Does::Act(Action::Close),
        help: "close what is open (never quits)",
        // Advertised only in the attack lab (footer.rs).
        hint: hint("close", 1),
    },
    Binding {
        keys: &[Plain(Char('q')), Ctrl('c')],
        does: Does::Act(Action::Quit),
        help: "quit",
        hint: hint("quit", 5),
    },
];

impl Binding {
    /// The action `key` asks for, if `key` is one of this row's.
    pub fn action(&self, key: Key) -> Option<Action> {
        if !self.keys.contains(&key) {
            return None;
        }
        match self.does {
            Does::Act(action) => Some(action),
            Does::JumpToDigit => match key {
                Plain(Char('0')) => Some(Action::JumpToDiscovery),
                Plain(Char(c)) => {
                    Stage::from_number(c.to_digit(10)?.try_into().ok()?).map(Action::Jump)
                }
                _ => None,
            },
        }
    }

    /// The keys as the help lists them: all of them, or `1 … 6` for a run of
    /// digits.
    pub fn help_keys(&self) -> String {
        help_keys(self.keys)
    }

    /// The key the footer shows: the first, or `1-6` for a run of digits.
    pub fn footer_key(&self) -> Cow<'static, str> {
        footer_key(self.keys)
    }
}

/// Keys as the help lists them: all of them, or `1 … 6` for a run of digits.
fn help_keys(keys: &[Key]) -> String {
    match digit_run(keys) {
        Some((first, last)) => format!("{first} … {last}"),
        None => {
            let names: Vec<_> = keys.iter().map(|k| k.name()).collect();
            names.join(" ")
        }
    }
}

/// The key of a row the footer shows: the first, or `1-6` for a run of
/// digits.
fn footer_key(keys: &[Key]) -> Cow<'static, str> {
    match digit_run(keys) {
        Some((first, last)) => format!("{first}-{last}").into(),
        None => keys.first().map_or("".into(), |k| k.name()),
    }
}

/// The first and last digit, when the keys are three or more consecutive
/// digits (the help then says `1 … 6` rather than listing six keys).
fn digit_run(keys: &[Key]) -> Option<(char, char)> {
    let digits: Vec<char> = keys
        .iter()
        .map(|k| match k {
            Plain(Char(c)) if c.is_ascii_digit() => Some(*c),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let consecutive = digits
        .windows(2)
        .all(|w| u32::from(w[1]) == u32::from(w[0]) + 1);
    match digits[..] {
        [first, _, .., last] if consecutive => Some((first, last)),
        _ => None,
    }
}

/// The help's entries, `(keys, description)`, in table order; neighbouring
/// rows with the same description are one entry (`PgUp PgDn`).
pub fn help_entries() -> Vec<(String, &'static str)> {
    merge_entries(KEYS.iter().map(|b| (b.help_keys(), b.help)))
}

fn merge_entries(
    rows: impl Iterator<Item = (String, &'static str)>,
) -> Vec<(String, &'static str)> {
    let mut entries: Vec<(String, &'static str)> = Vec::new();
    for (keys, help) in rows {
        match entries.last_mut() {
            Some((previous, last)) if *last == help => {
                previous.push(' ');
                previous.push_str(&keys);
            }
            _ => entries.push((keys, help)),
        }
    }
    entries
}

/// What the keys of a picker row ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerDoes {
    /// The same action, whichever key of the row is pressed.
    Act(Action),
    /// Choose the attack whose number the digit pressed is.
    PickDigit,
}

/// One row of the attack picker's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PickerBinding {
    /// The keys, in the order the help lists them.
    pub keys: &'static [Key],
    /// What they ask for.
    pub does: PickerDoes,
    /// The help overlay's description.
    pub help: &'static str,
    /// The footer's label while the picker is open, if it shows the row.
    pub hint: Option<&'static str>,
}

/// The attack picker's keys (`a`): it is modal, so the digits choose an
/// attack rather than jump to a stage.
pub const PICKER_KEYS: &[PickerBinding] = &[
    PickerBinding {
        keys: &[Plain(KeyCode::Up)],
        does: PickerDoes::Act(Action::Picker(PickerInput::Up)),
        help: "move through the attacks",
        hint: Some("select"),
    },
    PickerBinding {
        keys: &[Plain(KeyCode::Down)],
        does: PickerDoes::Act(Action::Picker(PickerInput::Down)),
        help: "move through the attacks",
        hint: Some("select"),
    },
    PickerBinding {
        keys: &[Plain(KeyCode::Enter)],
        does: PickerDoes::Act(Action::Picker(PickerInput::Choose)),
        help: "step through the attack under the cursor",
        hint: Some("choose"),
    },
    PickerBinding {
        keys: &[
            Plain(Char('1')),
            Plain(Char('2')),
            Plain(Char('3')),
            Plain(Char('4')),
        ],
        does: PickerDoes::PickDigit,
        help: "step through that attack",
        hint: Some("choose"),
    },
    PickerBinding {
        keys: &[Plain(KeyCode::Esc), Plain(Char('a'))],
        does: PickerDoes::Act(Action::Close),
        help: "close the list, back to where it was opened",
        hint: Some("back"),
    },
    PickerBinding {
        keys: &[Plain(Char('?'))],
        does: PickerDoes::Act(Action::ToggleHelp),
        help: "these keys",
        hint: Some("help"),
    },
    PickerBinding {
        keys: &[Plain(Char('q')), Ctrl('c')],
        does: PickerDoes::Act(Action::Quit),
        help: "quit",
        hint: None,
    },
];

impl PickerBinding {
    /// The action `key` asks for, if `key` is one of this row's.
    pub fn action(&self, key: Key) -> Option<Action> {
        if !self.keys.contains(&key) {
            return None;
        }
        match (self.does, key) {
            (PickerDoes::Act(action), _) => Some(action),
            (PickerDoes::PickDigit, Plain(Char(c))) => {
                attack::attack_of_digit(c).map(|a| Action::Picker(PickerInput::Pick(a)))
            }
            (PickerDoes::PickDigit, _) => None,
        }
    }
}

/// The picker's key line, `(keys, label)`; rows of one label are one hint
/// (`↑/↓ select`).
pub fn picker_hints() -> Vec<(String, &'static str)> {
    let mut hints: Vec<(String, &'static str)> = Vec::new();
    for binding in PICKER_KEYS {
        let Some(label) = binding.hint else { continue };
        let keys = footer_key(binding.keys);
        match hints.last_mut() {
            Some((previous, last)) if *last == label => {
                previous.push('/');
                previous.push_str(&keys);
            }
            _ => hints.push((keys.into_owned(), label)),
        }
    }
    hints
}

/// The help's entries for the picker, in table order.
pub fn picker_help_entries() -> Vec<(String, &'static str)> {
    merge_entries(PICKER_KEYS.iter().map(|b| (help_keys(b.keys), b.help)))
}

/// One row of the editor's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditorBinding {
    /// The keys, in the order the help lists them.
    pub keys: &'static [Key],
    /// What the editor reads the first of them as (digits: each its own).
    pub input: Input,
    /// The help overlay's description.
    pub help: &'static str,
    /// The editor's key line outside a text field, if it shows the row.
    pub closed: Option<&'static str>,
    /// The editor's key line inside a text field, if it shows the row.
    pub open: Option<&'static str>,
}

/// The request editor's keys (`e`). Outside a text field letters are
/// commands; inside one every printable key is typed.
pub const EDITOR_KEYS: &[EditorBinding] = &[
    EditorBinding {
        keys: &[Plain(KeyCode::Up), Plain(KeyCode::Down)],
        input: Input::Up,
        help: "select a parameter",
        closed: Some("select"),
        open: None,
    },
    EditorBinding {
        keys: &[Plain(KeyCode::Enter)],
        input: Input::Enter,
        help: "edit the selected value; in a field, keep what is typed",
        closed: Some("edit"),
        open: Some("keep"),
    },
    EditorBinding {
        keys: &[Plain(KeyCode::Delete), Plain(Char('d'))],
        input: Input::Delete,
        help: "remove the selected parameter (again: bring it back)",
        closed: Some("remove"),
        open: None,
    },
    EditorBinding {
        keys: &[Plain(Char('+'))],
        input: Input::Char('+'),
        help: "add a parameter: its name, Enter, its value, Enter",
        closed: Some("add"),
        open: None,
    },
    EditorBinding {
        keys: &[Plain(Char('s'))],
        input: Input::Char('s'),
        help: "send the request as it stands",
        closed: Some("send"),
        open: None,
    },
    EditorBinding {
        keys: &[Ctrl('s')],
        input: Input::Send,
        help: "send the request as it stands",
        closed: None,
        open: Some("send"),
    },
    EditorBinding {
        keys: &[
            Plain(Char('1')),
            Plain(Char('2')),
            Plain(Char('3')),
            Plain(Char('4')),
            Plain(Char('5')),
            Plain(Char('6')),
            Plain(Char('7')),
            Plain(Char('8')),
        ],
        input: Input::Char('1'),
        help: "a quick experiment: applied and sent at once",
        closed: None,
        open: None,
    },
    EditorBinding {
        keys: &[
            Plain(KeyCode::Left),
            Plain(KeyCode::Right),
            Plain(KeyCode::Home),
            Plain(KeyCode::End),
        ],
        input: Input::Left,
        help: "in a field: move the cursor",
        closed: None,
        open: Some("move"),
    },
    EditorBinding {
        keys: &[Plain(KeyCode::Backspace)],
        input: Input::Backspace,
        help: "in a field: erase before the cursor (Delete: under it)",
        closed: None,
        open: Some("erase"),
    },
    EditorBinding {
        keys: &[Plain(KeyCode::Esc)],
        input: Input::Cancel,
        help: "discard the changes, send nothing (in a field: undo it)",
        closed: Some("discard"),
        open: Some("undo"),
    },
    EditorBinding {
        keys: &[Plain(Char('?'))],
        input: Input::Char('?'),
        help: "these keys (outside a field)",
        closed: Some("help"),
        open: None,
    },
];

/// The editor's key line, `(keys, label)`, with a text field open or not.
pub fn editor_hints(field_open: bool) -> Vec<(String, &'static str)> {
    EDITOR_KEYS
        .iter()
        .filter_map(|b| {
            let label = if field_open { b.open } else { b.closed }?;
            let keys: Vec<_> = b.keys.iter().map(|k| k.name()).collect();
            Some((keys.join("/"), label))
        })
        .collect()
}

/// The help's entries for the editor, in table order.
pub fn editor_help_entries() -> Vec<(String, &'static str)> {
    merge_entries(EDITOR_KEYS.iter().map(|b| (help_keys(b.keys), b.help)))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use crossterm::event::{KeyEvent, KeyModifiers};

    use super::*;
    use crate::flow::Flow;
    use crate::lessons::LessonSet;
    use crate::tui::app::{App, Config, Mode};
    use crate::tui::{ThemeName, footer, help, keymap};

    fn event(key: Key) -> KeyEvent {
        match key {
            Plain(code) => KeyEvent::new(code, KeyModifiers::NONE),
            Ctrl(c) => KeyEvent::new(Char(c), KeyModifiers::CONTROL),
        }
    }

    /// Every action a key can ask for. The match makes a new variant of
    /// [`Action`] fail to compile here until it is listed (and so bound).
    fn every_action() -> Vec<Action> {
        let listed = |action: Action| match action {
            Action::Next
            | Action::Prev
            | Action::Jump(_)
            | Action::JumpToDiscovery
            | Action::ToggleContrast
            | Action::ToggleAttack
            | Action::ToggleHelp
            | Action::Focus
            | Action::Close
            | Action::Quit
            | Action::Restart
            | Action::Rerun
            | Action::Amend
            | Action::ToggleWire
            | Action::ToggleAutoplay
            | Action::OtherSide
            | Action::Scroll(
                Scroll::PageUp | Scroll::PageDown | Scroll::LineUp | Scroll::LineDown,
            ) => action,
            // The editor's and the picker's keys have their own tables
            // (EDITOR_KEYS, PICKER_KEYS), the checkpoint overlay its own
            // letters.
            Action::Editor(_) | Action::Picker(_) | Action::Answer(_) => action,
        };
        let mut all: Vec<Action> = Stage::ALL.into_iter().map(Action::Jump).collect();
        all.extend([
            Action::JumpToDiscovery,
            Action::Next,
            Action::Prev,
            Action::ToggleContrast,
            Action::ToggleAttack,
            Action::ToggleHelp,
            Action::Focus,
            Action::Close,
            Action::Quit,
            Action::Restart,
            Action::Rerun,
            Action::Amend,
            Action::ToggleWire,
            Action::ToggleAutoplay,
            Action::OtherSide,
            Action::Scroll(Scroll::PageUp),
            Action::Scroll(Scroll::PageDown),
            Action::Scroll(Scroll::LineUp),
            Action::Scroll(Scroll::LineDown),
        ]);
        all.into_iter().map(listed).collect()
    }

    #[test]
    fn every_key_of_the_table_reaches_its_action_and_no_key_is_bound_twice() {
        let mut seen = HashSet::new();
        for binding in KEYS {
            for &key in binding.keys {
                assert!(seen.insert(format!("{key:?}")), "{key:?} is bound twice");
                let action = binding.action(key);
                assert!(action.is_some(), "{key:?} asks for nothing");
                assert_eq!(keymap(event(key)), action, "{key:?}");
            }
        }
    }

    #[test]
    fn every_action_is_reachable_from_a_key() {
        let reachable: Vec<Action> = KEYS
            .iter()
            .flat_map(|b| b.keys.iter().filter_map(|&k| keymap(event(k))))
            .collect();
        for action in every_action() {
            assert!(reachable.contains(&action), "no key asks for {action:?}");
        }
    }

    fn app(mode: Mode) -> App {
        let mut app = App::new(Config {
            flow: Flow::Pkce,
            stage: Stage::Verifier,
            seed: Some(7),
            port: None,
            edits: Vec::new(),
            theme: ThemeName::Mono,
            notes: false,
            lessons: Arc::new(LessonSet::builtin()),
            autoplay: None,
            code_lifetime: None,
            registration: crate::flow::Registration::Cimd,
            browser: crate::flow::BrowserMode::Simulated,
        });
        app.update(match mode {
            Mode::Stepping => Action::Close,
            Mode::Contrast => Action::ToggleContrast,
            Mode::AttackLab => Action::ToggleAttack,
            Mode::Wire => Action::ToggleWire,
        });
        if mode == Mode::AttackLab {
            app.update(Action::Picker(PickerInput::Choose));
        }
        app
    }

    fn names() -> HashSet<String> {
        KEYS.iter()
            .flat_map(|b| b.keys.iter().map(|k| k.name().into_owned()))
            .collect()
    }

    #[test]
    fn the_help_lists_every_key_of_the_table_and_no_other() {
        let lines = help::lines(&app(Mode::Stepping), 70);
        // The entries are the lines between the "Keys" heading and the blank
        // line after them; the first span of each is the key column.
        let listed: HashSet<String> = lines
            .iter()
            .skip(1)
            .take_while(|line| !line.spans.is_empty())
            .flat_map(|line| {
                let keys = line.spans[0].content.to_string();
                keys.split_whitespace()
                    .filter(|k| *k != "…")
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut all = names();
        // `0 … 6` stands for the digits between.
        all.retain(|k| !matches!(k.as_str(), "1" | "2" | "3" | "4" | "5"));
        assert_eq!(listed, all);
    }

    #[test]
    fn the_footer_lists_only_keys_of_the_table() {
        let names = names();
        for mode in [Mode::Stepping, Mode::Contrast, Mode::AttackLab, Mode::Wire] {
            let hints = footer::hints(&app(mode));
            assert!(!hints.is_empty());
            for (keys, _) in hints {
                for key in keys.split('/') {
                    // A key's name, or a range of them (`1-6`).
                    let known = names.contains(key)
                        || key
                            .split_once('-')
                            .is_some_and(|(a, b)| names.contains(a) && names.contains(b));
                    assert!(known, "{mode:?}: {key} is not in the table");
                }
            }
        }
    }

    #[test]
    fn every_picker_key_reaches_its_action_and_the_picker_chooses_every_attack() {
        let mut seen = HashSet::new();
        let mut chosen = Vec::new();
        for binding in PICKER_KEYS {
            for &key in binding.keys {
                assert!(seen.insert(format!("{key:?}")), "{key:?} is bound twice");
                match binding.action(key) {
                    Some(Action::Picker(PickerInput::Pick(attack))) => chosen.push(attack),
                    Some(_) => {}
                    None => panic!("{key:?} asks for nothing"),
                }
            }
        }
        assert_eq!(chosen, crate::flow::Attack::ALL, "the digits 1-4, in order");
        let listed: Vec<String> = picker_help_entries().into_iter().map(|(k, _)| k).collect();
        assert!(listed.contains(&"1 … 4".to_owned()), "{listed:?}");
        let hints = picker_hints();
        assert!(
            hints
                .iter()
                .any(|(k, l)| k == "Enter/1-4" && *l == "choose"),
            "{hints:?}"
        );
    }

    #[test]
    fn every_editor_key_reads_as_its_row_says_and_the_help_lists_them() {
        for binding in EDITOR_KEYS {
            let first = binding.keys[0];
            assert_eq!(
                crate::tui::editor::input(event(first)),
                Some(binding.input),
                "{first:?}"
            );
            for &key in binding.keys {
                assert!(crate::tui::editor::input(event(key)).is_some(), "{key:?}");
            }
        }
        let listed: HashSet<String> = editor_help_entries()
            .iter()
            .flat_map(|(keys, _)| {
                keys.split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .filter(|k| k != "…")
            .collect();
        for binding in EDITOR_KEYS {
            let name = binding.keys[0].name().into_owned();
            assert!(listed.contains(&name), "{name} is not in the editor's help");
        }
        assert!(editor_hints(false).iter().any(|(_, l)| *l == "send"));
        assert!(editor_hints(true).iter().any(|(k, _)| k == "Ctrl-S"));
    }
}
