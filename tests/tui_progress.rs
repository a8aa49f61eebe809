//! Saved progress in the TUI, through the same `tui::start` and `Saver` the
//! tour uses, with `XDG_STATE_HOME` pointing at a temporary directory: the
//! tour saves as the learner moves and answers, a restarted tour resumes
//! where it stopped and says so (`--stage` never resumes), an answered
//! checkpoint is not asked again; an unwritable state directory is a
//! warning on the status line and the tour goes on.
//!
//! The tests set an environment variable, so each holds [`ENV`] for its
//! whole run and builds its runtime only then.

mod tui_support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pkce_tutor::flow::{Flow, Stage};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::progress::Store;
use pkce_tutor::tui::{self, Action, App, Saver, ThemeName, TourOptions, screen_text};
use tui_support::load;

static ENV: Mutex<()> = Mutex::new(());

/// Runs `test` with `XDG_STATE_HOME` set to `dir`, alone.
fn with_state_home(dir: &Path, test: impl AsyncFnOnce()) {
    let _alone = ENV.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // SAFETY: no other thread of this process reads the environment while
    // the lock is held: the tests of this file take it first, and the
    // runtime is built after.
    unsafe { std::env::set_var("XDG_STATE_HOME", dir) };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(test());
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pkce-tutor-tui-progress-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn options(stage: Option<Stage>) -> TourOptions {
    TourOptions {
        flow: Flow::Pkce,
        stage: stage.map(pkce_tutor::tui::Opening::Stage),
        seed: Some(7),
        lessons: Arc::new(LessonSet::builtin()),
        theme: ThemeName::Mono,
        notes: false,
        port: None,
        edits: Vec::new(),
        autoplay: None,
        code_lifetime: None,
        publish_notes: false,
        registration: pkce_tutor::flow::Registration::Cimd,
        browser: pkce_tutor::flow::BrowserMode::Simulated,
    }
}

/// A tour as a new process starts it: the store located afresh.
fn start(stage: Option<Stage>) -> (App, Saver) {
    let (store, located) = Store::locate();
    tui::start(options(stage), store, located)
}

/// An action, then the save the loop makes after it.
fn act(app: &mut App, saver: &mut Saver, action: Action) {
    app.update(action);
    saver.sync(app);
}

#[test]
fn a_tour_saves_as_it_goes_and_the_next_resumes_where_it_stopped() {
    let dir = temp("resume");
    with_state_home(&dir, async || {
        let (mut app, mut saver) = start(None);
        let file = dir.join("pkce-tutor/progress.json");
        assert_eq!(saver.path(), Some(file.as_path()), "under XDG_STATE_HOME");
        assert_eq!(app.stage, Stage::Verifier, "a first tour opens at stage 1");
        assert_eq!(app.status, None);
        assert!(!saver.sync(&mut app));
        assert!(file.is_file(), "the first screen is saved");
        load(&mut app).await;

        // Stage 2, its checkpoint answered wrong, then stage 3.
        act(&mut app, &mut saver, Action::Next);
        load(&mut app).await;
        act(&mut app, &mut saver, Action::Next);
        let open = app.learner.open.as_ref().map(|o| o.id.clone());
        assert_eq!(open.as_deref(), Some("challenge-encoding"));
        act(
            &mut app,
            &mut saver,
            Action::Answer(pkce_tutor::lessons::Letter::A),
        );
        let saved = std::fs::read_to_string(&file).unwrap();
        assert!(saved.contains("\"challenge-encoding\""), "{saved}");
        act(&mut app, &mut saver, Action::Next);
        assert_eq!(app.stage, Stage::AuthorizationRequest);
        load(&mut app).await;
        let saved = std::fs::read_to_string(&file).unwrap();
        assert!(
            saved.contains("\"last_screen\": \"pkce/stage-3\""),
            "{saved}"
        );
        act(&mut app, &mut saver, Action::Quit);
        assert!(app.quit);
        let farewell = saver.farewell(&app).unwrap_or_default();
        assert!(
            farewell.contains("pkce-tutor/progress.json")
                && farewell.ends_with("The next tour resumes at stage 3."),
            "{farewell}"
        );

        // Restarted: at stage 3, and the screen says so.
        let (mut app, mut saver) = start(None);
        assert_eq!(app.stage, Stage::AuthorizationRequest);
        load(&mut app).await;
        let screen = screen_text(&app, 100, 30);
        assert!(
            screen.contains("Resuming at stage 3, where you stopped last time"),
            "{screen}"
        );
        assert_eq!(
            app.learner
                .progress
                .answer("challenge-encoding")
                .map(|a| a.correct),
            Some(false)
        );

        // The checkpoint answered before is not asked again.
        act(&mut app, &mut saver, Action::Jump(Stage::Challenge));
        load(&mut app).await;
        act(&mut app, &mut saver, Action::Next);
        assert!(app.learner.open.is_none());
        assert_eq!(app.stage, Stage::AuthorizationRequest);

        // `--stage` never resumes.
        let (app, _) = start(Some(Stage::Verifier));
        assert_eq!(app.stage, Stage::Verifier);
        assert_eq!(app.status, None);
    });
}

#[test]
fn an_unwritable_state_directory_is_a_warning_on_screen_and_the_tour_goes_on() {
    let dir = temp("unwritable");
    // A file where the state directory should be: no one can write under
    // it, root included.
    let blocker = dir.join("blocker");
    std::fs::write(&blocker, "").unwrap();
    with_state_home(&blocker, async || {
        let (mut app, mut saver) = start(None);
        assert_eq!(app.status, None, "nothing to read is no warning");
        assert!(saver.sync(&mut app), "the first save fails");
        let screen = screen_text(&app, 100, 30);
        assert!(screen.contains("⚠ cannot save progress to"), "{screen}");

        // The tour goes on: the next stage runs, a checkpoint is answered,
        // and the warning is not repeated at every move.
        load(&mut app).await;
        act(&mut app, &mut saver, Action::Next);
        load(&mut app).await;
        assert_eq!(app.status, None);
        assert_eq!(app.stage, Stage::Challenge);
        assert!(screen_text(&app, 100, 30).contains("code_challenge"));
        act(&mut app, &mut saver, Action::Next);
        assert!(app.learner.open.is_some());
        act(
            &mut app,
            &mut saver,
            Action::Answer(pkce_tutor::lessons::Letter::C),
        );
        assert!(app.learner.progress.answer("challenge-encoding").is_some());
        act(&mut app, &mut saver, Action::Next);
        assert_eq!(app.stage, Stage::AuthorizationRequest);
        assert_eq!(app.status, None);

        assert_eq!(saver.farewell(&app), None, "the status line said why");

        // The summary says it in full.
        act(&mut app, &mut saver, Action::Jump(Stage::Verification));
        load(&mut app).await;
        app.learner.skip("not-client-authentication");
        act(&mut app, &mut saver, Action::Next);
        assert_eq!(app.place, pkce_tutor::tui::Place::Summary);
        let screen = screen_text(&app, 100, 60).replace(['│', '\n'], " ");
        let screen = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            screen.contains("⚠ About your saved progress: cannot save progress to"),
            "{screen}"
        );
        assert!(
            screen.contains("the tour goes on without saving."),
            "{screen}"
        );
    });
}

#[test]
fn an_amended_tour_says_it_asks_no_checkpoints() {
    let dir = temp("amended");
    with_state_home(&dir, async || {
        let (store, located) = Store::locate();
        let options = TourOptions {
            stage: Some(pkce_tutor::tui::Opening::Stage(Stage::Challenge)),
            edits: vec![(
                Stage::TokenRequest,
                pkce_tutor::flow::Edit::Drop {
                    param: "code_verifier".into(),
                },
            )],
            ..options(None)
        };
        let (mut app, mut saver) = tui::start(options, store, located);
        assert!(
            app.status
                .as_deref()
                .is_some_and(|s| s.contains("no checkpoints")),
            "{:?}",
            app.status
        );
        load(&mut app).await;
        act(&mut app, &mut saver, Action::Next);
        assert!(
            app.learner.open.is_none(),
            "stage 2's checkpoint is not asked"
        );
        assert_eq!(app.stage, Stage::AuthorizationRequest);
    });
}
