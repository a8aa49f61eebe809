//! The request editor (`e`): the request Right would send next, every
//! parameter with its name and value, to change, remove or add before it
//! goes, and the quick experiments that apply to it, one digit each.
//!
//! It is modal and self-contained: [`input`] turns a key into an [`Input`]
//! (a pure function), [`Editor::handle`] applies it and says whether to stay
//! open, discard or send; the app turns a send into edits of the stepped
//! run. Nothing is sent from here.

mod header;
mod input;
mod line;
pub mod view;

use crate::flow::{Edit, Experiment, Stage};
use crate::record::{Actor, ParamCarrier, PlannedRequest};

use super::bench::Target;
use header::{header_name_refusal, header_value_refusal};
pub use input::{Input, input};
pub use line::LineInput;

/// One parameter of the request being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// The value it will be sent with.
    pub value: String,
    /// Set when the learner removed it (kept in the list, to bring back).
    pub removed: bool,
}

/// How a field differs from the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change<'a> {
    /// As planned.
    None,
    /// A new value; the planned one.
    Changed(&'a str),
    /// Removed; its planned value.
    Removed(&'a str),
    /// Not in the plan.
    Added,
}

/// A text field being typed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typing {
    /// The value of the selected parameter.
    Value(LineInput),
    /// The name of a parameter to add.
    NewName(LineInput),
    /// The value of the parameter being added.
    NewValue {
        /// Its name, already typed.
        name: String,
        /// Its value so far.
        input: LineInput,
    },
}

/// What the app should do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Keep the editor open.
    Stay,
    /// Close it and send nothing.
    Discard,
    /// Close it and send the stage's request with these edits.
    Send {
        /// The stage whose request goes.
        stage: Stage,
        /// Its edits, replacing any earlier ones of that stage.
        edits: Vec<Edit>,
        /// The quick experiment that made them, if one did.
        experiment: Option<Experiment>,
    },
}

/// The editor's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    /// The stage whose request is edited.
    pub stage: Stage,
    /// Who sends it.
    pub actor: Actor,
    /// What it is for.
    pub purpose: String,
    /// The request as planned.
    pub planned: PlannedRequest,
    /// Its parameters as they will go.
    pub fields: Vec<Field>,
    /// The quick experiments that apply, in key order (1, 2, …).
    pub experiments: Vec<(Experiment, Vec<Edit>)>,
    /// The selected field.
    pub selected: usize,
    /// The text field open, if any.
    pub typing: Option<Typing>,
    /// The last refusal or confirmation, in words.
    pub message: Option<String>,
}

impl Editor {
    /// The editor of a request, its fields as the stage's current edits
    /// leave them.
    pub fn new(target: Target, current: &[Edit]) -> Self {
        let Target {
            stage,
            actor,
            purpose,
            planned,
            client,
        } = target;
        let (sent, _) = planned.amend(current);
        let mut fields: Vec<Field> = planned
            .params
            .iter()
            .map(|p| match sent.param(&p.name) {
                Some(value) => Field {
                    name: p.name.clone(),
                    value: value.to_owned(),
                    removed: false,
                },
                None => Field {
                    name: p.name.clone(),
                    value: p.value.clone(),
                    removed: true,
                },
            })
            .collect();
        fields.extend(
            sent.params
                .iter()
                .filter(|p| planned.param(&p.name).is_none())
                .map(|p| Field {
                    name: p.name.clone(),
                    value: p.value.clone(),
                    removed: false,
                }),
        );
        let experiments = Experiment::ALL
            .into_iter()
            .filter(|e| e.stage() == stage)
            .filter_map(|e| Some((e, e.edits(&planned, &client)?)))
            .take(8)
            .collect();
        Self {
            stage,
            actor,
            purpose,
            planned,
            fields,
            experiments,
            selected: 0,
            typing: None,
            message: None,
        }
    }

    /// How a field differs from the plan.
    pub fn change<'a>(&'a self, field: &'a Field) -> Change<'a> {
        match (self.planned.param(&field.name), field.removed) {
            (None, _) => Change::Added,
            (Some(planned), true) => Change::Removed(planned),
            (Some(planned), false) if planned != field.value => Change::Changed(planned),
            (Some(_), false) => Change::None,
        }
    }

    /// The edits that turn the plan into the fields.
    pub fn edits(&self) -> Vec<Edit> {
        self.fields
            .iter()
            .filter_map(|field| match self.change(field) {
                Change::None => None,
                Change::Removed(_) => Some(Edit::Drop {
                    param: field.name.clone(),
                }),
                Change::Changed(_) | Change::Added => Some(Edit::Set {
                    param: field.name.clone(),
                    value: field.value.clone(),
                }),
            })
            .collect()
    }

    /// Applies a key.
    pub fn handle(&mut self, input: Input) -> Outcome {
        self.message = None;
        match self.typing.take() {
            Some(typing) => self.handle_typing(typing, input),
            None => self.handle_list(input),
        }
    }

    fn send(&self) -> Outcome {
        Outcome::Send {
            stage: self.stage,
            edits: self.edits(),
            experiment: None,
        }
    }

    fn handle_list(&mut self, input: Input) -> Outcome {
        match input {
            Input::Up => self.selected = self.selected.saturating_sub(1),
            Input::Down => {
                self.selected = (self.selected + 1).min(self.fields.len().saturating_sub(1));
            }
            Input::Enter => {
                if let Some(field) = self.fields.get_mut(self.selected) {
                    field.removed = false;
                    self.typing = Some(Typing::Value(LineInput::new(&field.value)));
                }
            }
            Input::Delete | Input::Char('d') => self.remove_selected(),
            Input::Char('+') => self.typing = Some(Typing::NewName(LineInput::default())),
            Input::Send | Input::Char('s') => return self.send(),
            Input::Cancel => return Outcome::Discard,
            Input::Char(digit @ '1'..='9') => {
                let n = digit as usize - '0' as usize;
                match self.experiments.get(n - 1) {
                    Some((experiment, edits)) => {
                        return Outcome::Send {
                            stage: self.stage,
                            edits: edits.clone(),
                            experiment: Some(*experiment),
                        };
                    }
                    None => {
                        self.message = Some(format!("no quick experiment {n} for this request"));
                    }
                }
            }
            _ => {}
        }
        Outcome::Stay
    }

    /// Removes the selected parameter; a planned one stays listed, struck
    /// out, and `d` again brings it back.
    fn remove_selected(&mut self) {
        let Some(field) = self.fields.get(self.selected) else {
            return;
        };
        let name = field.name.clone();
        match self.change(field) {
            Change::Added => {
                self.fields.remove(self.selected);
                self.selected = self.selected.min(self.fields.len().saturating_sub(1));
                self.message = Some(format!("{name} is no longer added"));
            }
            Change::Removed(_) => {
                self.fields[self.selected].removed = false;
                self.message = Some(format!("{name} is back"));
            }
            Change::None | Change::Changed(_) => {
                self.fields[self.selected].removed = true;
                self.message = Some(format!("{name} will not be sent (d brings it back)"));
            }
        }
    }

    fn handle_typing(&mut self, mut typing: Typing, input: Input) -> Outcome {
        let line = match &mut typing {
            Typing::Value(line) | Typing::NewName(line) => line,
            Typing::NewValue { input, .. } => input,
        };
        match input {
            Input::Char(c) => line.insert(c),
            Input::Left => line.left(),
            Input::Right => line.right(),
            Input::Home => line.home(),
            Input::End => line.end(),
            Input::Backspace => line.backspace(),
            Input::Delete => line.delete(),
            Input::Cancel => return Outcome::Stay,
            Input::Enter => {
                self.commit(typing);
                return Outcome::Stay;
            }
            Input::Send => {
                self.commit(typing);
                return match self.typing {
                    // A refused value or an unfinished new parameter: stay.
                    Some(_) => Outcome::Stay,
                    None => self.send(),
                };
            }
            Input::Up | Input::Down => {}
        }
        self.typing = Some(typing);
        Outcome::Stay
    }

    /// Keeps what was typed, or refuses it and leaves the field open.
    fn commit(&mut self, typing: Typing) {
        match typing {
            Typing::Value(line) => {
                let value = line.text();
                let name = self.fields.get(self.selected).map(|f| f.name.clone());
                match name.and_then(|n| self.refusal(&n, &value)) {
                    Some(why) => {
                        self.message = Some(why);
                        self.typing = Some(Typing::Value(line));
                    }
                    None => {
                        if let Some(field) = self.fields.get_mut(self.selected) {
                            field.value = value;
                        }
                    }
                }
            }
            Typing::NewName(line) => {
                let name = line.text();
                if let Some(i) = self.position(&name) {
                    self.selected = i;
                    self.message = Some(format!(
                        "{name} is already in the request: Enter changes its value"
                    ));
                } else if let Some(why) = self.name_refusal(&name) {
                    self.message = Some(why);
                    self.typing = Some(Typing::NewName(line));
                } else {
                    self.typing = Some(Typing::NewValue {
                        name,
                        input: LineInput::default(),
                    });
                }
            }
            Typing::NewValue { name, input } => {
                let value = input.text();
                match self.refusal(&name, &value) {
                    Some(why) => {
                        self.message = Some(why);
                        self.typing = Some(Typing::NewValue { name, input });
                    }
                    None => {
                        self.message = Some(format!("{name} will be added"));
                        self.fields.push(Field {
                            name,
                            value,
                            removed: false,
                        });
                        self.selected = self.fields.len() - 1;
                    }
                }
            }
        }
    }

    /// The index of the field of that name (header names ignore case).
    fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| match self.planned.carrier {
            ParamCarrier::Headers => f.name.eq_ignore_ascii_case(name),
            ParamCarrier::Query | ParamCarrier::Form => f.name == name,
        })
    }

    fn name_refusal(&self, name: &str) -> Option<String> {
        if name.is_empty() {
            return Some("a parameter needs a name".into());
        }
        (self.planned.carrier == ParamCarrier::Headers)
            .then(|| header_name_refusal(name))
            .flatten()
    }

    /// Why HTTP cannot carry this parameter as the request carries its
    /// parameters (only headers have rules: URL and form values are
    /// percent-encoded).
    fn refusal(&self, name: &str, value: &str) -> Option<String> {
        if self.planned.carrier != ParamCarrier::Headers {
            return None;
        }
        header_name_refusal(name).or_else(|| header_value_refusal(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::ClientValues;
    use crate::wire::Param;

    fn token_request() -> Target {
        Target {
            stage: Stage::TokenRequest,
            actor: Actor::Client,
            purpose: "token request".into(),
            planned: PlannedRequest {
                method: "POST".into(),
                url: "http://127.0.0.1:1/token".into(),
                carrier: ParamCarrier::Form,
                params: vec![
                    Param::new("code", "c0de"),
                    Param::new("code_verifier", "v1"),
                ],
                fixed_headers: vec![],
                body: None,
            },
            client: ClientValues::default(),
        }
    }

    fn resource_call() -> Target {
        Target {
            stage: Stage::Verification,
            actor: Actor::Client,
            purpose: "call to the protected resource".into(),
            planned: PlannedRequest {
                method: "GET".into(),
                url: "http://127.0.0.1:1/resource".into(),
                carrier: ParamCarrier::Headers,
                params: vec![Param::new("authorization", "Bearer t")],
                fixed_headers: vec![],
                body: None,
            },
            client: ClientValues::default(),
        }
    }

    fn keys(editor: &mut Editor, inputs: &[Input]) -> Outcome {
        let mut outcome = Outcome::Stay;
        for &i in inputs {
            outcome = editor.handle(i);
        }
        outcome
    }

    fn typed(text: &str) -> Vec<Input> {
        text.chars().map(Input::Char).collect()
    }

    #[test]
    fn change_one_character_and_send() {
        let mut editor = Editor::new(token_request(), &[]);
        let outcome = keys(
            &mut editor,
            &[
                Input::Down,
                Input::Enter,
                Input::Backspace,
                Input::Char('2'),
                Input::Enter,
                Input::Char('s'),
            ],
        );
        assert_eq!(
            outcome,
            Outcome::Send {
                stage: Stage::TokenRequest,
                edits: vec![Edit::Set {
                    param: "code_verifier".into(),
                    value: "v2".into()
                }],
                experiment: None,
            }
        );
    }

    #[test]
    fn remove_bring_back_add_and_discard() {
        let mut editor = Editor::new(token_request(), &[]);
        keys(&mut editor, &[Input::Char('d')]);
        assert!(matches!(
            editor.change(&editor.fields[0]),
            Change::Removed("c0de")
        ));
        keys(&mut editor, &[Input::Delete]);
        assert_eq!(editor.change(&editor.fields[0]), Change::None);
        let mut add = vec![Input::Char('+')];
        add.extend(typed("nonce"));
        add.push(Input::Enter);
        add.extend(typed("n"));
        add.push(Input::Enter);
        keys(&mut editor, &add);
        assert_eq!(editor.selected, 2);
        assert_eq!(
            editor.edits(),
            vec![Edit::Set {
                param: "nonce".into(),
                value: "n".into()
            }]
        );
        assert_eq!(keys(&mut editor, &[Input::Cancel]), Outcome::Discard);
    }

    #[test]
    fn esc_in_a_field_keeps_the_old_value_and_enter_again_keeps_it() {
        let mut editor = Editor::new(token_request(), &[]);
        keys(
            &mut editor,
            &[Input::Enter, Input::Char('x'), Input::Cancel],
        );
        assert_eq!(editor.fields[0].value, "c0de");
        assert_eq!(editor.typing, None);
        keys(&mut editor, &[Input::Enter, Input::Enter]);
        assert!(editor.edits().is_empty());
    }

    #[test]
    fn earlier_edits_are_where_the_editor_starts() {
        let editor = Editor::new(
            token_request(),
            &[
                Edit::Drop {
                    param: "code".into(),
                },
                Edit::Set {
                    param: "resource".into(),
                    value: "r".into(),
                },
            ],
        );
        assert!(editor.fields[0].removed);
        assert_eq!(editor.change(&editor.fields[2]), Change::Added);
        assert_eq!(editor.edits().len(), 2);
    }

    #[test]
    fn a_header_http_cannot_carry_is_refused() {
        let mut editor = Editor::new(resource_call(), &[]);
        keys(&mut editor, &[Input::Enter, Input::Char('é'), Input::Enter]);
        assert!(editor.typing.is_some(), "the field stays open");
        assert!(editor.message.as_deref().unwrap().contains("RFC 9110"));
        keys(&mut editor, &[Input::Backspace, Input::Enter]);
        assert_eq!(editor.typing, None);
        let mut add = vec![Input::Char('+')];
        add.extend(typed("bad name"));
        add.push(Input::Enter);
        keys(&mut editor, &add);
        assert!(matches!(editor.typing, Some(Typing::NewName(_))));
        let mut existing = vec![Input::Cancel, Input::Char('+')];
        existing.extend(typed("Authorization"));
        existing.push(Input::Enter);
        keys(&mut editor, &existing);
        assert_eq!(editor.typing, None);
        assert!(editor.message.as_deref().unwrap().contains("already"));
    }

    #[test]
    fn a_digit_sends_its_experiment_at_once() {
        let mut editor = Editor::new(token_request(), &[]);
        let first = editor.experiments[0].clone();
        assert_eq!(first.0, Experiment::FlipVerifier);
        assert_eq!(
            keys(&mut editor, &[Input::Char('1')]),
            Outcome::Send {
                stage: Stage::TokenRequest,
                edits: first.1,
                experiment: Some(Experiment::FlipVerifier),
            }
        );
        let mut editor = Editor::new(token_request(), &[]);
        assert_eq!(keys(&mut editor, &[Input::Char('9')]), Outcome::Stay);
        assert!(editor.message.is_some());
    }
}
