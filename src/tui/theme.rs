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
        Self::painted(ThemeName::Dark, &DARK)
    }

    fn light() -> Self {
        Self::painted(ThemeName::Light, &LIGHT)
    }

    /// A coloured theme: every style is a colour of its palette on the
    /// palette's own background, so the contrast does not depend on the
    /// terminal's colour scheme.
    fn painted(name: ThemeName, p: &Palette) -> Self {
        let fg = |c: Color| Style::new().fg(c);
        let bold = |c: Color| fg(c).add_modifier(Modifier::BOLD);
        Self {
            name,
            base: Style::new().fg(p.text).bg(p.background),
            title: bold(p.accent),
            stage_title: bold(p.text),
            border: fg(p.border),
            pane_title: bold(p.accent),
            heading: bold(p.heading),
            label: fg(p.label),
            value: fg(p.text),
            added: bold(p.good),
            missing: bold(p.warn),
            good: bold(p.good),
            bad: bold(p.bad),
            dim: fg(p.dim),
            lit: bold(p.warn),
            key: bold(p.accent),
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

/// The colours of a coloured theme. Every text colour reaches WCAG 2's
/// 4.5:1 contrast against the background, and the border 3:1 (a test
/// computes the ratios): readable on a projector, whatever the terminal's
/// own palette.
#[derive(Debug)]
struct Palette {
    background: Color,
    text: Color,
    label: Color,
    dim: Color,
    border: Color,
    accent: Color,
    heading: Color,
    good: Color,
    warn: Color,
    bad: Color,
    code: Color,
}

/// Near-black background, light text.
const DARK: Palette = Palette {
    background: Color::Rgb(0x14, 0x14, 0x14),
    text: Color::Rgb(0xE8, 0xE8, 0xE8),
    label: Color::Rgb(0xB8, 0xB8, 0xB8),
    dim: Color::Rgb(0x8A, 0x8A, 0x8A),
    border: Color::Rgb(0x6C, 0x6C, 0x6C),
    accent: Color::Rgb(0x5F, 0xD7, 0xD7),
    heading: Color::Rgb(0x7A, 0xB8, 0xFF),
    good: Color::Rgb(0x5F, 0xD7, 0x5F),
    warn: Color::Rgb(0xFF, 0xD7, 0x5F),
    bad: Color::Rgb(0xFF, 0x6B, 0x6B),
    code: Color::Rgb(0xFF, 0xD7, 0x5F),
};

/// Near-white background, dark text (projectors).
const LIGHT: Palette = Palette {
    background: Color::Rgb(0xFA, 0xFA, 0xFA),
    text: Color::Rgb(0x1A, 0x1A, 0x1A),
    label: Color::Rgb(0x3A, 0x3A, 0x3A),
    dim: Color::Rgb(0x5E, 0x5E, 0x5E),
    border: Color::Rgb(0x8A, 0x8A, 0x8A),
    accent: Color::Rgb(0x00, 0x6B, 0x6B),
    heading: Color::Rgb(0x0B, 0x4F, 0xA8),
    good: Color::Rgb(0x1E, 0x6B, 0x1E),
    warn: Color::Rgb(0x8A, 0x5A, 0x00),
    bad: Color::Rgb(0xB0, 0x00, 0x20),
    code: Color::Rgb(0x0B, 0x4F, 0xA8),
};

impl Theme {
    /// The styles of lesson text.
    pub fn markdown_styles(&self) -> MarkdownStyles {
        let code = match self.name {
            ThemeName::Dark => Style::new().fg(DARK.code),
            ThemeName::Light => Style::new().fg(LIGHT.code),
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

    /// WCAG 2 relative luminance of an sRGB colour.
    fn luminance(color: Color) -> f64 {
        let Color::Rgb(r, g, b) = color else {
            panic!("{color:?} is not an explicit colour");
        };
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// WCAG 2 contrast ratio of two colours.
    fn contrast(a: Color, b: Color) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn coloured_themes_reach_wcag_contrast_on_their_own_background() {
        for name in [ThemeName::Dark, ThemeName::Light] {
            let t = Theme::new(name);
            let background = t.base.bg.expect("a coloured theme paints its background");
            let text = [
                ("base", t.base),
                ("title", t.title),
                ("stage_title", t.stage_title),
                ("pane_title", t.pane_title),
                ("heading", t.heading),
                ("label", t.label),
                ("value", t.value),
                ("added", t.added),
                ("missing", t.missing),
                ("good", t.good),
                ("bad", t.bad),
                ("dim", t.dim),
                ("lit", t.lit),
                ("key", t.key),
                ("code", t.markdown_styles().code),
            ];
            for (what, style) in text {
                let ratio = contrast(style.fg.expect("an explicit colour"), background);
                assert!(ratio >= 4.5, "{name:?} {what}: {ratio:.2}:1");
            }
            let border = contrast(t.border.fg.unwrap(), background);
            assert!(border >= 3.0, "{name:?} border: {border:.2}:1");
        }
    }

    #[test]
    fn the_contrast_formula_matches_known_pairs() {
        let black = Color::Rgb(0, 0, 0);
        let white = Color::Rgb(255, 255, 255);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        let grey = Color::Rgb(0x76, 0x76, 0x76);
        assert!((contrast(grey, white) - 4.54).abs() < 0.01);
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
