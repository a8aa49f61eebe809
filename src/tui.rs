//! The interactive tutorial (ratatui + crossterm). OWNED BY THE TUI WORK (issue 3).
//!
//! Public entry points used by `main.rs`; their bodies are placeholders until
//! the TUI lands.

use std::path::PathBuf;

use crate::flow::{Flow, Stage};

/// Colour themes (`--theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// Light text on a dark background.
    Dark,
    /// Dark text on a light background, for projectors.
    Light,
    /// No colour: bold, reverse and underline only (also under `NO_COLOR`).
    Mono,
}

/// Options of `pkce-tutor tour`.
#[derive(Debug, Clone)]
pub struct TourOptions {
    /// The flow shown first.
    pub flow: Flow,
    /// The stage shown first.
    pub stage: Stage,
    /// Seed of every random value.
    pub seed: Option<u64>,
    /// A lesson directory replacing the built-in lessons.
    pub lessons: Option<PathBuf>,
    /// The theme (already resolved against `NO_COLOR` by the caller).
    pub theme: ThemeName,
    /// Show the instructors' notes.
    pub notes: bool,
}

/// Options of `pkce-tutor render`.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The stage to draw.
    pub stage: Stage,
    /// The flow to draw.
    pub flow: Flow,
    /// Draw the side-by-side contrast with the other flow.
    pub contrast: bool,
    /// Width and height in cells.
    pub size: (u16, u16),
    /// Seed of every random value.
    pub seed: Option<u64>,
    /// A lesson directory replacing the built-in lessons.
    pub lessons: Option<PathBuf>,
    /// The theme.
    pub theme: ThemeName,
}
