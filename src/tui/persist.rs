//! Where the tour meets the progress file: [`start`] loads the saved
//! progress and builds the app a tour opens with (resuming where the learner
//! stopped, unless `--stage` says otherwise, and saying so), and [`Saver`]
//! is the effect the event loop performs when the progress changed: a save,
//! and a warning on the status line if it fails. `App::update` and the views
//! never touch the file.
//!
//! A file that cannot be read or written is a warning, never the end of the
//! tour (`progress::Store` reports each failure once).

use crate::flow::{Flow, Stage};
use crate::progress::{Store, Warning};
use crate::summary::resume_stage;

use super::TourOptions;
use super::app::{App, Config};
use super::learner::{self, Learner};
use super::tour::{Opening, Place};

/// Builds the app a tour opens with. Reads the progress from `store` (the
/// only I/O here); `located` is the store's own warning, if finding it gave
/// one. The tour opens at `--stage`, else where the saved progress resumes
/// (said on the status line), else at stage 1. Without `--seed` a seed is
/// drawn, so that `R` and the editor's sends reproduce what was seen.
pub fn start(options: TourOptions, mut store: Store, located: Option<Warning>) -> (App, Saver) {
    let (progress, loaded) = store.load();
    let amended = !options.edits.is_empty() && !options.lessons.checkpoints().is_empty();
    let resumed = match options.stage {
        Some(_) => None,
        None => resume_stage(&progress, options.flow),
    };
    let mut app = App::new(Config {
        flow: options.flow,
        stage: options
            .stage
            .map(Opening::stage)
            .or(resumed)
            .unwrap_or(Stage::Verifier),
        seed: Some(options.seed.unwrap_or_else(rand::random)),
        port: options.port,
        edits: options.edits,
        theme: options.theme,
        notes: options.notes,
        lessons: options.lessons,
        autoplay: options.autoplay,
        code_lifetime: options.code_lifetime,
        registration: options.registration,
        browser: options.browser,
    });
    if options.stage == Some(Opening::Discovery) {
        app.place = Place::Discovery;
    }
    app.learner = Learner::new(progress);
    learner::note_screen(&mut app);
    let warning = located.or(loaded);
    app.learner.file_warning = warning.as_ref().map(ToString::to_string);
    app.status = match (warning, resumed) {
        (Some(warning), _) => Some(warn(&warning)),
        (None, Some(stage)) => Some(format!(
            "Resuming at stage {}, where you stopped last time · --stage 1 starts at the beginning · pkce-tutor progress --reset forgets it",
            stage.number()
        )),
        // As in the linear tour: the checkpoints are about the untouched run.
        (None, None) if amended => Some(
            "This run is amended (--set, --drop): no checkpoints, since they are about the untouched run; R replays it untouched"
                .to_owned(),
        ),
        (None, None) => None,
    };
    (app, Saver { store, saved: 0 })
}

/// The status line's words for a warning about the progress file.
fn warn(warning: &Warning) -> String {
    format!("⚠ {warning}")
}

/// Saves the progress when it has changed since the last save.
#[derive(Debug)]
pub struct Saver {
    store: Store,
    /// The progress revision last saved (or tried).
    saved: u64,
}

impl Saver {
    /// Saves the app's progress if it changed since the last call; a failed
    /// save puts a warning on the status line (once, until a save works
    /// again). Returns whether the screen changed.
    pub fn sync(&mut self, app: &mut App) -> bool {
        let revision = app.learner.revision();
        if revision == self.saved {
            return false;
        }
        self.saved = revision;
        match self.store.save(&app.learner.progress) {
            Some(warning) => {
                app.status = Some(warn(&warning));
                app.learner.file_warning = Some(warning.to_string());
                true
            }
            None => false,
        }
    }

    /// The progress file, if there is one.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.store.path()
    }

    /// The line printed once the tour has ended and the terminal is back:
    /// where the progress is and where the next tour resumes (nothing when
    /// it could not be saved: the status line said why).
    pub fn farewell(&self, app: &App) -> Option<String> {
        let path = self
            .store
            .path()
            .filter(|_| app.learner.file_warning.is_none())?;
        let resume = match (resume_stage(&app.learner.progress, app.flow), app.flow) {
            (Some(stage), Flow::Pkce) => {
                format!(" The next tour resumes at stage {}.", stage.number())
            }
            (Some(stage), Flow::Plain) => format!(
                " The next tour with --flow plain resumes at stage {}.",
                stage.number()
            ),
            (None, _) => String::new(),
        };
        Some(format!(
            "Your progress is saved in {}; `pkce-tutor progress` shows it.{resume}",
            path.display()
        ))
    }
}
