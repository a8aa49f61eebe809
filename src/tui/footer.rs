//! The footer: the key hints of the current screen, read from the key
//! table, as many as fit, most important first; while the request editor
//! or the attack picker is open, its own keys (the editor's with a text
//! field open or not).

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::app::{Action, App, Mode};
use super::keys::{self, Does, KEYS};
use super::tour::{self, first_stage};
use super::{checkpoint, focus, view};

/// The hints of the current screen, `(keys, label)`, most important first.
/// Rows that share a label are one hint (`←/→ stage`, `PgUp/PgDn scroll`).
pub fn hints(app: &App) -> Vec<(String, Cow<'static, str>)> {
    if let Some(editor) = &app.editor {
        return keys::editor_hints(editor.typing.is_some())
            .into_iter()
            .map(|(keys, label)| (keys, label.into()))
            .collect();
    }
    if let Some(open) = &app.learner.open {
        return checkpoint::hints(app, open)
            .into_iter()
            .map(|(keys, label)| (keys, label.into()))
            .collect();
    }
    if app.lab.picker.is_some() {
        return keys::picker_hints()
            .into_iter()
            .map(|(keys, label)| (keys, label.into()))
            .collect();
    }
    let mut rows: Vec<_> = KEYS
        .iter()
        .filter_map(|binding| Some((binding, binding.hint?)))
        .collect();
    // Stable: rows of equal priority keep the table's order.
    rows.sort_by_key(|(_, hint)| hint.priority);
    let mut hints: Vec<(String, Cow<'static, str>)> = Vec::new();
    for (binding, hint) in rows {
        let Some(label) = label(app, binding.does, hint.label) else {
            continue;
        };
        let key = binding.footer_key();
        match hints.last_mut() {
            Some((keys, last)) if *last == label => {
                keys.push('/');
                keys.push_str(&key);
            }
            _ => hints.push((key.into_owned(), label)),
        }
    }
    hints
}

/// The label of a hint on this screen, or `None` where the keys do nothing
/// worth advertising.
fn label(app: &App, does: Does, label: &'static str) -> Option<Cow<'static, str>> {
    if matches!(does, Does::Act(a) if !tour::advertises(app.place, a))
        || (does == Does::JumpToDigit && !tour::advertises(app.place, Action::Jump(first_stage())))
    {
        return None;
    }
    // Nothing to focus on the introduction and the summary.
    if does == Does::Act(Action::Focus) && focus::targets(app).is_empty() {
        return None;
    }
    match (does, app.mode) {
        // Inside an attack, Right and Left step through it; the stages,
        // and the editor of the flow's requests, wait for Esc.
        (Does::Act(Action::Next | Action::Prev), Mode::AttackLab) => Some("step".into()),
        (Does::JumpToDigit | Does::Act(Action::Amend), Mode::AttackLab) => None,
        (Does::Act(Action::Close), Mode::AttackLab) => Some("back to the flow".into()),
        (Does::Act(Action::Close), _) if app.browser_wait().is_some() => {
            Some("simulated browser".into())
        }
        (Does::Act(Action::Next | Action::Prev), _) if app.place == tour::Place::Discovery => {
            Some("step".into())
        }
        (Does::Act(Action::Close), _) => None,
        // Inside an attack, `a` lists them again to pick another.
        (Does::Act(Action::ToggleAttack), Mode::AttackLab) => Some("attacks".into()),
        (Does::Act(Action::OtherSide), Mode::AttackLab) if view::attack_one_side(app) => {
            Some(label.into())
        }
        (Does::Act(Action::OtherSide), _) => None,
        // The key that opened the contrast or the wire view closes it.
        (Does::Act(Action::ToggleContrast), Mode::Contrast)
        | (Does::Act(Action::ToggleWire), Mode::Wire) => Some(format!("close {label}").into()),
        _ => Some(label.into()),
    }
}

/// Draws the footer: as many hints as fit, most important first.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, what) in hints(app) {
        let sep = if used > 1 { 2 } else { 0 };
        let need = sep + key.chars().count() + 1 + what.chars().count();
        if used + need > width {
            continue;
        }
        if sep > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::styled(format!(" {what}"), theme.dim));
        used += need;
    }
    Paragraph::new(Line::from(spans))
        .style(theme.base)
        .render(area, buf);
}
