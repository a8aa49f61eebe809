//! The built-in lessons, compiled into the binary from `lessons/` so the
//! tutorial works from any directory. `build.rs` lists every `*.md` file of
//! the directory, sorted by name, so a new lesson needs no list of its own.

/// Every built-in lesson file, by name: `(file name, text)`.
pub(super) const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
