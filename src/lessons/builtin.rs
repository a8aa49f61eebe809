//! The built-in lessons and checkpoints, compiled into the binary from
//! `lessons/` and `lessons/checkpoints/` so the tutorial works from any
//! directory. `build.rs` lists every `*.md` file of each directory, sorted by
//! name, so a new lesson or checkpoint needs no list of its own.

/// Every built-in lesson file, by name: `(file name, text)`.
pub(super) const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// Every built-in checkpoint file, by name: `(file name, text)`.
pub(super) const CHECKPOINTS: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/checkpoints.rs"));
