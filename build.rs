//! Lists the built-in lesson files for `src/lessons/builtin.rs`, so that a new
//! lesson (a quick experiment's, say) is one new file in `lessons/` and no
//! list to update; the checkpoints of `lessons/checkpoints/` likewise.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    write_list(&lessons, &Path::new(&out).join("lessons.rs"));
    write_list(
        &lessons.join("checkpoints"),
        &Path::new(&out).join("checkpoints.rs"),
    );
}

/// Writes `&[(file name, include_str!(path)), …]` for every `*.md` file of
/// `dir`, sorted by name; an absent directory gives an empty list.
fn write_list(dir: &Path, out: &Path) {
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_file())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".md"))
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    let mut list = String::from("&[\n");
    for name in names {
        let path = dir.join(&name);
        writeln!(
            list,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    list.push(']');
    std::fs::write(out, list).expect("OUT_DIR is writable");
}
