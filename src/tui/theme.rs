//! Every style the screens use, in one place: `dark`, `light` (projectors)
//! and `mono` (no colour at all: bold, reverse and underline only, used for
//! `--theme mono` and under `NO_COLOR`).
//!
//! Meaning is never carried by colour alone: a parameter PKCE adds is marked
//! `+`, a missing one `−`, a verdict says ✓ or ✗ in words; colour only helps.

use ratatui::style::{Color, Modifier, Style};

use super::ThemeName;
use super::markdown::MarkdownStyles;

/// The styles of one theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Which theme this is.
    pub name: ThemeName,
    /// Base style of the whole screen (background and default text).
    pub base: Style,
    /// The app name and flow label in the stage bar.
    pub title: Style,
    /// The stage title line.
    pub stage_title: Style,
    /// Pane borders.
    pub border: Style,
    /// Pane titles.
    pub pane_title: Style,
    /// Section headings inside a pane ("→ GET /authorize").
    pub heading: Style,
    /// Field labels and parameter names.
    pub label: Style,
    /// Recorded values.
    pub value: Style,
    /// What PKCE adds (the `+` marker and its row).
    pub added: Style,
    /// What is missing compared with the other flow (the `−` marker).
    pub missing: Style,
    /// A good outcome (✓).
    pub good: Style,
    /// A bad outcome (✗).
    pub bad: Style,
    /// Secondary text (hints, unlit arrows, "waiting…").
    pub dim: Style,
    /// The lit arrow of the sequence strip and the current stage dot.
    pub lit: Style,
    /// Key names in the footer and the help.
    pub key: Style,
}

impl Theme {
    /// The theme of that name.
    pub fn new(name: ThemeName) -> Self {
        match name {
            ThemeName::Dark => Self::dark(),
            ThemeName::Light => Self::light(),
            ThemeName::Mono => Self::mono(),
        }
    }

    fn dark() -> Self {
        let fg = |c: Color| Style::new().fg(c);
        Self {
            name: ThemeName::Dark,
            base: Style::new(),
            title: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            stage_title: Style::new().add_modifier(Modifier::BOLD),
            border: fg(Color::DarkGray),
            pane_title: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            heading: fg(Color::Blue).add_modifier(Modifier::BOLD),
            label: fg(Color::Gray),
            value: fg(Color::White),
            added: fg(Color::Green).add_modifier(Modifier::BOLD),
            missing: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            good: fg(Color::Green).add_modifier(Modifier::BOLD),
            bad: fg(Color::Red).add_modifier(Modifier::BOLD),
            dim: fg(Color::DarkGray),
            lit: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            key: fg(Color::Cyan).add_modifier(Modifier::BOLD),
        }
    }

    fn light() -> Self {
        let fg = |c: Color| Style::new().fg(c);
        Self {
            name: ThemeName::Light,
            base: Style::new().fg(Color::Black).bg(Color::White),
            title: fg(Color::Blue).add_modifier(Modifier::BOLD),
            stage_title: fg(Color::Black).add_modifier(Modifier::BOLD),
            border: fg(Color::DarkGray),
            pane_title: fg(Color::Blue).add_modifier(Modifier::BOLD),
            heading: fg(Color::Magenta).add_modifier(Modifier::BOLD),
            label: fg(Color::DarkGray),
            value: fg(Color::Black),
            added: fg(Color::Green).add_modifier(Modifier::BOLD),
            missing: fg(Color::Red).add_modifier(Modifier::BOLD),
            good: fg(Color::Green).add_modifier(Modifier::BOLD),
            bad: fg(Color::Red).add_modifier(Modifier::BOLD),
            dim: fg(Color::DarkGray),
            lit: fg(Color::Blue).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            key: fg(Color::Blue).add_modifier(Modifier::BOLD),
        }
    }

    fn mono() -> Self {
        let m = |m: Modifier| Style::new().add_modifier(m);
        Self {
            name: ThemeName::Mono,
            base: Style::new(),
            title: m(Modifier::BOLD),
            stage_title: m(Modifier::BOLD),
            border: Style::new(),
            pane_title: m(Modifier::BOLD),
            heading: m(Modifier::UNDERLINED),
            label: Style::new(),
            value: Style::new(),
            added: m(Modifier::BOLD),
            missing: m(Modifier::BOLD),
            good: m(Modifier::BOLD),
            bad: m(Modifier::BOLD | Modifier::REVERSED),
            dim: Style::new(),
            lit: m(Modifier::REVERSED | Modifier::BOLD),
            key: m(Modifier::BOLD),
        }
    }
}

impl Theme {
    /// The styles of lesson text.
    pub fn markdown_styles(&self) -> MarkdownStyles {
        let code = match self.name {
            ThemeName::Dark => Style::new().fg(Color::Yellow),
            ThemeName::Light => Style::new().fg(Color::Blue),
            ThemeName::Mono => Style::new(),
        };
        MarkdownStyles {
            heading: self.heading,
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: Style::new().add_modifier(Modifier::BOLD),
            code,
            bullet: self.label,
            text: self.base,
        }
    }
}

impl ThemeName {
    /// The theme to use: `mono` whenever `NO_COLOR` is set (to any non-empty
    /// value, as no-color.org asks), otherwise the requested one or `dark`.
    pub fn resolve(requested: Option<ThemeName>, no_color: bool) -> ThemeName {
        if no_color {
            ThemeName::Mono
        } else {
            requested.unwrap_or(ThemeName::Dark)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_uses_no_colour() {
        let t = Theme::new(ThemeName::Mono);
        for s in [
            t.base, t.title, t.border, t.heading, t.label, t.value, t.added, t.missing, t.good,
            t.bad, t.dim, t.lit, t.key,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }

    #[test]
    fn no_color_wins() {
        assert_eq!(
            ThemeName::resolve(Some(ThemeName::Light), true),
            ThemeName::Mono
        );
        assert_eq!(ThemeName::resolve(None, false), ThemeName::Dark);
    }
}
