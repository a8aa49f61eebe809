//! The attack lab (`a`): a picker of the four attacks, then the chosen one
//! stepped through with Right/Left, both of its sides at once: on the left
//! the side without the defence (the plain flow's run of the attack), on
//! the right the side as OAuth 2.1 and MCP require (the PKCE run).
//!
//! The steps of an attack are rows: an opening row summing up the victim's
//! stages 1–4 and what the attacker can see, one row per step the engine
//! recorded (aligned by their place in the attack's script, so Right moves
//! both sides), and, where it matters, the legitimate client's own token
//! request of stage 5. A side whose attack ended earlier says so on the
//! rows it has no step for.
//!
//! Parts: [`Lab`] is the state (plain data, changed by `App::update`);
//! `script` holds the words of each attack; `align` turns the records into
//! rows; `column` lists one side of a row, with `opening` and `step` for
//! what a row recorded; `stepper` lays the screen out and
//! draws the top line; `strip` is the sequence strip with the attacker's
//! lane; `lesson` picks the part of the attack's lesson a row explains;
//! `picker` is the modal list of attacks.

mod align;
mod column;
mod lesson;
mod opening;
mod picker;
mod script;
mod step;
mod stepper;
mod strip;

use crate::flow::{Attack, Flow};

pub use align::rows;
pub use lesson::lesson;
pub use picker::{PickerInput, attack_of_digit, render as render_picker};
pub use stepper::{Layout, bar, title};

/// The two sides of an attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Without the defence: the plain flow's run of the attack.
    Without,
    /// As OAuth 2.1 and MCP require: the PKCE flow's run.
    With,
}

impl Side {
    /// Both sides, left to right.
    pub const BOTH: [Side; 2] = [Side::Without, Side::With];

    /// The flow whose run of the attack this side shows.
    pub fn flow(self) -> Flow {
        match self {
            Self::Without => Flow::Plain,
            Self::With => Flow::Pkce,
        }
    }

    /// The other side.
    pub fn other(self) -> Self {
        match self {
            Self::Without => Self::With,
            Self::With => Self::Without,
        }
    }

    /// The side's name on screen.
    pub fn title(self) -> &'static str {
        match self {
            Self::Without => "without the defence",
            Self::With => "as OAuth 2.1 and MCP require",
        }
    }
}

/// The attack lab's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lab {
    /// The picker, while it is open: the attack its cursor is on.
    pub picker: Option<Attack>,
    /// The attack shown (the one chosen last).
    pub attack: Attack,
    /// The row shown, from 0.
    pub step: usize,
    /// The side shown when the screen fits only one at a time.
    pub side: Side,
}

impl Default for Lab {
    fn default() -> Self {
        Self {
            picker: None,
            attack: Attack::Interception,
            step: 0,
            side: Side::Without,
        }
    }
}

/// What a picker key leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picked {
    /// The picker stays open.
    Stay,
    /// An attack was chosen: the picker closed on it.
    Chosen(Attack),
}

impl Lab {
    /// Opens the picker, its cursor on the attack shown last.
    pub fn open_picker(&mut self) {
        self.picker = Some(self.attack);
    }

    /// Applies a key of the open picker.
    pub fn handle_picker(&mut self, input: PickerInput) -> Picked {
        let Some(cursor) = self.picker else {
            return Picked::Stay;
        };
        let index = Attack::ALL.iter().position(|&a| a == cursor).unwrap_or(0);
        let last = Attack::ALL.len() - 1;
        let chosen = match input {
            PickerInput::Up => {
                self.picker = Some(Attack::ALL[index.saturating_sub(1)]);
                return Picked::Stay;
            }
            PickerInput::Down => {
                self.picker = Some(Attack::ALL[(index + 1).min(last)]);
                return Picked::Stay;
            }
            PickerInput::Choose => cursor,
            PickerInput::Pick(attack) => attack,
        };
        self.picker = None;
        if chosen != self.attack {
            self.step = 0;
        }
        self.attack = chosen;
        Picked::Chosen(chosen)
    }

    /// Moves `by` rows (negative: back), staying within `rows` rows.
    pub fn step_by(&mut self, by: isize, rows: usize) {
        let last = rows.saturating_sub(1);
        self.step = self.step.saturating_add_signed(by).min(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_moves_within_the_list_and_a_choice_closes_it() {
        let mut lab = Lab::default();
        lab.open_picker();
        assert_eq!(lab.handle_picker(PickerInput::Up), Picked::Stay);
        assert_eq!(lab.picker, Some(Attack::Interception), "stops at the top");
        for _ in 0..9 {
            lab.handle_picker(PickerInput::Down);
        }
        assert_eq!(lab.picker, Some(Attack::Injection), "stops at the end");
        assert_eq!(
            lab.handle_picker(PickerInput::Choose),
            Picked::Chosen(Attack::Injection)
        );
        assert_eq!(lab.picker, None);
        assert_eq!(lab.attack, Attack::Injection);
    }

    #[test]
    fn choosing_another_attack_starts_at_its_first_step() {
        let mut lab = Lab::default();
        lab.step_by(2, 4);
        assert_eq!(lab.step, 2);
        lab.open_picker();
        lab.handle_picker(PickerInput::Pick(Attack::Interception));
        assert_eq!(lab.step, 2, "the same attack keeps its step");
        lab.open_picker();
        lab.handle_picker(PickerInput::Pick(Attack::Downgrade));
        assert_eq!((lab.attack, lab.step), (Attack::Downgrade, 0));
    }

    #[test]
    fn steps_stay_within_the_rows() {
        let mut lab = Lab::default();
        lab.step_by(-1, 4);
        assert_eq!(lab.step, 0);
        lab.step_by(9, 4);
        assert_eq!(lab.step, 3);
        lab.step_by(1, 0);
        assert_eq!(lab.step, 0);
    }
}
