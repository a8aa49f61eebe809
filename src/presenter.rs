//! The presenter's channel: a tour started with `--publish-notes` tells a
//! second terminal (`pkce-tutor notes`) what the room sees, the instructor's
//! notes for it, and what comes next, so the notes stay off the projector.
//!
//! The channel is a Unix socket in the user's runtime directory
//! (`$XDG_RUNTIME_DIR/pkce-tutor/notes.sock`, or the state directory where
//! there is none), in a directory only this user may enter: nobody else on
//! the machine can read the notes or impersonate the tour. Each connection
//! receives the current [`NotesFrame`] at once, then every change, one JSON
//! object per line.

mod channel;
mod view;

use std::path::PathBuf;

use etcetera::BaseStrategy as _;
use serde::{Deserialize, Serialize};

pub use channel::{Publisher, Subscription};
pub use view::run_notes;

/// What the presenter's terminal shows for one screen of the tour.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesFrame {
    /// The screen's title, as the tour's header shows it.
    pub title: String,
    /// The instructor's notes for that screen (Markdown), if any.
    pub notes: Option<String>,
    /// The title of the screen Right leads to, if any.
    pub next: Option<String>,
}

/// Where the channel's socket lives: the runtime directory (per login, in
/// memory), or the state directory when the system has none.
pub fn socket_path() -> Option<PathBuf> {
    let strategy = etcetera::choose_base_strategy().ok()?;
    let dir = strategy.runtime_dir().or_else(|| strategy.state_dir())?;
    Some(dir.join("pkce-tutor").join("notes.sock"))
}
