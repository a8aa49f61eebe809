//! Where progress is kept and how it is read and written: one JSON file in
//! the user's state directory, found through `etcetera` (XDG on Linux and
//! macOS). Every failure is a [`Warning`], never an error: a learner whose
//! disk is full or whose home is read-only still gets the whole tour.

use std::fmt;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use etcetera::BaseStrategy as _;

use super::{Progress, VERSION};

/// The directory under the state directory, and the file in it.
const APP_DIR: &str = "pkce-tutor";
const FILE: &str = "progress.json";

/// Something about the progress file the learner should know; the run goes
/// on regardless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub String);

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The progress file: where it is, and whether this run may write it.
#[derive(Debug, Clone)]
pub struct Store {
    path: Option<PathBuf>,
    /// False when the file was written by a newer version: this run leaves
    /// it as it is rather than lose what that version saved.
    writable: bool,
    /// A failed save has been reported; the next failures are not, until a
    /// save succeeds again.
    warned: bool,
}

impl Store {
    /// The store in the user's state directory
    /// (`$XDG_STATE_HOME/pkce-tutor/progress.json`), or a store that saves
    /// nothing, with a warning, when there is no such directory.
    pub fn locate() -> (Self, Option<Warning>) {
        let dir = etcetera::choose_base_strategy()
            .ok()
            .and_then(|strategy| strategy.state_dir());
        match dir {
            Some(dir) => (Self::at(dir.join(APP_DIR).join(FILE)), None),
            None => (
                Self {
                    path: None,
                    writable: false,
                    warned: true,
                },
                Some(Warning(
                    "no state directory for this user (is HOME set?): progress will not be saved"
                        .to_owned(),
                )),
            ),
        }
    }

    /// A store at an explicit path.
    pub fn at(path: PathBuf) -> Self {
        Self {
            path: Some(path),
            writable: true,
            warned: false,
        }
    }

    /// The file, if there is a state directory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The saved progress, or a fresh one (with a warning when a file was
    /// there but could not be used).
    pub fn load(&mut self) -> (Progress, Option<Warning>) {
        let Some(path) = &self.path else {
            return (Progress::default(), None);
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if absent(&e) => return (Progress::default(), None),
            Err(e) => {
                return (
                    Progress::default(),
                    Some(Warning(format!(
                        "cannot read the saved progress {}: {e}; starting afresh",
                        path.display()
                    ))),
                );
            }
        };
        let version = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("version")?.as_u64());
        if version.is_some_and(|v| v > u64::from(VERSION)) {
            self.writable = false;
            return (
                Progress::default(),
                Some(Warning(format!(
                    "{} was written by a newer pkce-tutor (format {}): starting afresh, and leaving the file as it is",
                    path.display(),
                    version.unwrap_or_default()
                ))),
            );
        }
        match serde_json::from_str::<Progress>(&text) {
            Ok(progress) if progress.version == VERSION => (progress, None),
            Ok(_) | Err(_) => (
                Progress::default(),
                Some(Warning(format!(
                    "{} is not a progress file this pkce-tutor can read: starting afresh (it will be replaced)",
                    path.display()
                ))),
            ),
        }
    }

    /// Saves `progress` (atomically: a temporary file renamed over the
    /// old one). A failure is reported once, until a save succeeds again.
    pub fn save(&mut self, progress: &Progress) -> Option<Warning> {
        let path = self.path.clone().filter(|_| self.writable)?;
        match write_atomically(&path, progress) {
            Ok(()) => {
                self.warned = false;
                None
            }
            Err(e) if !self.warned => {
                self.warned = true;
                Some(Warning(format!(
                    "cannot save progress to {}: {e}; the tour goes on without saving",
                    path.display()
                )))
            }
            Err(_) => None,
        }
    }

    /// Deletes the saved progress: `Ok(true)` if there was some.
    pub fn reset(&self) -> Result<bool, Warning> {
        let Some(path) = &self.path else {
            return Err(Warning(
                "no state directory for this user: there is no saved progress".to_owned(),
            ));
        };
        match std::fs::remove_file(path) {
            Ok(()) => Ok(true),
            Err(e) if absent(&e) => Ok(false),
            Err(e) => Err(Warning(format!("cannot remove {}: {e}", path.display()))),
        }
    }
}

/// The file is not there: not found, or a file stands where one of its
/// directories should be (no progress can be under it).
fn absent(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory)
}

fn write_atomically(path: &Path, progress: &Progress) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let json = serde_json::to_string_pretty(progress).map_err(std::io::Error::other)?;
    // The temporary file sits beside the real one so that the rename stays
    // on one file system; the process id keeps two tours apart.
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&tmp, json + "\n")?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("pkce-tutor-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn saves_loads_and_resets() {
        let dir = temp("round-trip");
        let mut store = Store::at(dir.join("deep/progress.json"));
        let (empty, warning) = store.load();
        assert!(empty.is_empty() && warning.is_none());
        let mut progress = Progress::default();
        progress.visit("pkce/stage-3");
        assert_eq!(store.save(&progress), None);
        assert_eq!(store.load(), (progress, None));
        assert_eq!(store.reset(), Ok(true));
        assert_eq!(store.reset(), Ok(false));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_corrupt_file_warns_and_is_replaced() {
        let dir = temp("corrupt");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("progress.json");
        std::fs::write(&path, "{not json").unwrap();
        let mut store = Store::at(path.clone());
        let (progress, warning) = store.load();
        assert!(progress.is_empty());
        assert!(warning.unwrap().0.contains("starting afresh"));
        assert_eq!(store.save(&Progress::default()), None);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("\"version\": 1")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_newer_file_is_left_alone() {
        let dir = temp("newer");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("progress.json");
        std::fs::write(&path, r#"{"version": 99, "future": true}"#).unwrap();
        let mut store = Store::at(path.clone());
        let (progress, warning) = store.load();
        assert!(progress.is_empty());
        assert!(warning.unwrap().0.contains("newer"));
        assert_eq!(store.save(&Progress::default()), None);
        assert!(std::fs::read_to_string(&path).unwrap().contains("future"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_place_warns_once() {
        let dir = temp("unwritable");
        std::fs::create_dir_all(&dir).unwrap();
        // A file where a directory should be: fails even for root.
        let blocker = dir.join("blocker");
        std::fs::write(&blocker, "").unwrap();
        let mut store = Store::at(blocker.join("pkce-tutor/progress.json"));
        let progress = Progress::default();
        let first = store.save(&progress).expect("a warning");
        assert!(first.0.contains("cannot save progress"), "{first}");
        assert_eq!(store.save(&progress), None, "said once");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
