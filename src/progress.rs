//! The learner's saved progress: the screens seen, the checkpoints answered
//! (and how), and the screen the tour was on when it stopped, so the next
//! tour resumes there.
//!
//! [`Progress`] is plain data, saved as versioned JSON by a [`Store`] at
//! `$XDG_STATE_HOME/pkce-tutor/progress.json` (`~/.local/state/…` by
//! default). Screens are named by their keys (`pkce/stage-3`, see
//! `lessons::Screen::key`) and checkpoints by their ids, so this module
//! depends on nothing else in the crate. Reading or writing the file never
//! fails a run: problems come back as [`Warning`]s for the caller to show.

mod store;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use store::{Store, Warning};

/// The version of the file format this build reads and writes.
pub const VERSION: u32 = 1;

/// What the learner has done so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The file format's version ([`VERSION`]).
    pub version: u32,
    /// The screen the tour was on when it last stopped.
    #[serde(default)]
    pub last_screen: Option<String>,
    /// Every screen seen, in the order first seen.
    #[serde(default)]
    pub seen: Vec<String>,
    /// The checkpoints answered, by id.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
}

/// How a checkpoint was answered (the first time: a checkpoint is asked
/// once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The letter chosen, `a` to `d`.
    pub chosen: char,
    /// Whether it was the right one.
    pub correct: bool,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: VERSION,
            last_screen: None,
            seen: Vec::new(),
            answers: BTreeMap::new(),
        }
    }
}

impl Progress {
    /// Nothing seen and nothing answered.
    pub fn is_empty(&self) -> bool {
        self.last_screen.is_none() && self.seen.is_empty() && self.answers.is_empty()
    }

    /// The learner is on this screen now: it becomes the resume point and
    /// is counted as seen.
    pub fn visit(&mut self, screen: &str) {
        self.last_screen = Some(screen.to_owned());
        if !self.has_seen(screen) {
            self.seen.push(screen.to_owned());
        }
    }

    /// Whether a screen has been seen.
    pub fn has_seen(&self, screen: &str) -> bool {
        self.seen.iter().any(|s| s == screen)
    }

    /// Records the first answer to a checkpoint; a later one changes
    /// nothing (returns false), so "missed" stays missed until a reset.
    pub fn record_answer(&mut self, checkpoint: &str, chosen: char, correct: bool) -> bool {
        if self.answers.contains_key(checkpoint) {
            return false;
        }
        self.answers
            .insert(checkpoint.to_owned(), Answer { chosen, correct });
        true
    }

    /// The answer given to a checkpoint, if any.
    pub fn answer(&self, checkpoint: &str) -> Option<Answer> {
        self.answers.get(checkpoint).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visits_and_first_answers_are_kept() {
        let mut progress = Progress::default();
        assert!(progress.is_empty());
        progress.visit("pkce/stage-1");
        progress.visit("pkce/stage-2");
        progress.visit("pkce/stage-1");
        assert_eq!(progress.seen, ["pkce/stage-1", "pkce/stage-2"]);
        assert_eq!(progress.last_screen.as_deref(), Some("pkce/stage-1"));
        assert!(progress.record_answer("x", 'b', false));
        assert!(!progress.record_answer("x", 'a', true));
        assert_eq!(
            progress.answer("x"),
            Some(Answer {
                chosen: 'b',
                correct: false
            })
        );
    }

    #[test]
    fn the_file_format_is_versioned_json() {
        let mut progress = Progress::default();
        progress.visit("intro");
        progress.record_answer("pkce-and-state", 'b', true);
        let json = serde_json::to_value(&progress).unwrap();
        assert_eq!(json["version"], VERSION);
        assert_eq!(json["answers"]["pkce-and-state"]["chosen"], "b");
        let back: Progress = serde_json::from_value(json).unwrap();
        assert_eq!(back, progress);
        // Fields added later default, so an older file still reads.
        let minimal: Progress = serde_json::from_str(r#"{"version":1}"#).unwrap();
        assert!(minimal.is_empty());
    }
}
