//! Saved progress: a tour saves as it goes and the next one resumes where it
//! stopped (and says so), answered checkpoints are not asked again,
//! `--stage` never resumes; `pkce-tutor progress` prints it and `--reset`
//! clears it; an unwritable state directory or a corrupt file is a warning
//! and the tour goes on.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use pkce_tutor::flow::{Flow, Stage};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::linear::{self, LinearOptions};
use pkce_tutor::progress::Store;

fn temp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("pkce-tutor-progress-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tour(stage: Option<Stage>, path: &Path, input: &str) -> String {
    let options = LinearOptions {
        flow: Flow::Pkce,
        stage,
        seed: Some(7),
        port: None,
        edits: Vec::new(),
        lessons: Arc::new(LessonSet::builtin()),
        notes: false,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // A new store each time, as a new process would have.
    let mut store = Store::at(path.to_owned());
    let (mut out, mut warnings) = (Vec::new(), Vec::new());
    linear::run(
        &options,
        &runtime,
        &mut store,
        input.as_bytes(),
        &mut out,
        &mut warnings,
    )
    .unwrap();
    assert!(
        warnings.is_empty(),
        "{}",
        String::from_utf8_lossy(&warnings)
    );
    String::from_utf8(out).unwrap()
}

fn titles(out: &str) -> Vec<&str> {
    out.lines().filter(|l| l.starts_with("Stage ")).collect()
}

#[test]
fn a_tour_saves_its_progress_and_the_next_resumes_where_it_stopped() {
    let dir = temp("resume");
    let path = dir.join("state/pkce-tutor/progress.json");
    // Stage 1, 2 (answer c), 3, 4, then quit.
    let first = tour(None, &path, "\nc\n\n\nq\n");
    assert!(
        first.contains("The next tour resumes at stage 4."),
        "{first}"
    );
    assert!(!first.contains("Resuming"));
    assert!(path.is_file());

    // Restarted: it says so, opens at stage 4, and stage 3 is one key back.
    let second = tour(None, &path, "p\n2\nq\n");
    assert!(
        second.contains("Resuming at stage 4 of 6, where you stopped last time"),
        "{second}"
    );
    assert_eq!(
        titles(&second),
        [
            "Stage 4 of 6: The server stores the challenge with the code",
            "Stage 3 of 6: The authorization request carries code_challenge and S256",
            "Stage 2 of 6: The client derives code_challenge = BASE64URL(SHA256(code_verifier))",
        ]
    );
    // The checkpoint answered in the first tour is not asked again.
    assert!(
        !second.contains("Checkpoint: Which of these is an S256"),
        "{second}"
    );
    assert!(
        second.contains("The next tour resumes at stage 2."),
        "{second}"
    );

    // --stage never resumes.
    let third = tour(Some(Stage::TokenRequest), &path, "q\n");
    assert!(!third.contains("Resuming"), "{third}");
    assert_eq!(
        titles(&third),
        ["Stage 5 of 6: The token request carries the code_verifier"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn cli(state: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    Command::cargo_bin("pkce-tutor")
        .unwrap()
        .args(args)
        .env("XDG_STATE_HOME", state)
        .write_stdin(stdin)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn progress_prints_what_was_saved_and_reset_clears_it() {
    let state = temp("cli");
    let tour = cli(&state, &["tour", "--linear", "--seed", "7"], "\na\n\nq\n");
    assert_eq!(tour.status.code(), Some(0), "{tour:?}");
    let file = state.join("pkce-tutor/progress.json");
    assert!(file.is_file(), "saved under XDG_STATE_HOME");

    let shown = cli(&state, &["progress"], "");
    assert_eq!(shown.status.code(), Some(0));
    let stdout = text(&shown.stdout);
    assert!(stdout.contains(&file.display().to_string()), "{stdout}");
    assert!(
        stdout.contains("The tour resumes at stage 3 of the flow with PKCE."),
        "{stdout}"
    );
    assert!(
        stdout.contains("What you saw: stages 1, 2, 3 of the flow with PKCE."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Checkpoints: 0 right, 1 missed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Revisit stage 2 of the flow with PKCE; read RFC 7636 §4.2."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Read next (for what you missed): RFC 7636 §4.2."),
        "{stdout}"
    );

    let reset = cli(&state, &["progress", "--reset"], "");
    assert_eq!(reset.status.code(), Some(0));
    assert!(text(&reset.stdout).contains("Progress forgotten"));
    assert!(!file.exists());
    let again = cli(&state, &["progress", "--reset"], "");
    assert!(text(&again.stdout).contains("No saved progress to forget"));
    let empty = cli(&state, &["progress"], "");
    assert!(text(&empty.stdout).contains("Nothing saved yet: the tour starts at stage 1."));

    // A fresh tour starts at stage 1 again.
    let fresh = cli(&state, &["tour", "--linear", "--seed", "7"], "q\n");
    let stdout = text(&fresh.stdout);
    assert!(!stdout.contains("Resuming"), "{stdout}");
    assert!(stdout.contains("Stage 1 of 6"));
    std::fs::remove_dir_all(&state).unwrap();
}

#[test]
fn an_unwritable_state_directory_is_a_warning_and_the_tour_goes_on() {
    let dir = temp("unwritable");
    // A file where the state directory should be: no one can write under
    // it, not even root.
    let blocker = dir.join("blocker");
    std::fs::write(&blocker, "").unwrap();
    let state = blocker.join("state");
    let tour = cli(
        &state,
        &["tour", "--linear", "--seed", "7"],
        "\n\n\n\n\n\n\nq\n",
    );
    assert_eq!(tour.status.code(), Some(0), "{tour:?}");
    let stdout = text(&tour.stdout);
    for stage in Stage::ALL {
        assert!(stdout.contains(stage.title(Flow::Pkce)), "{stage:?}");
    }
    assert!(stdout.contains("End of the tour."));
    let stderr = text(&tour.stderr);
    assert_eq!(
        stderr
            .matches("pkce-tutor: warning: cannot save progress")
            .count(),
        1,
        "warned once: {stderr}"
    );
    // `progress` has nothing to show, and says so without failing.
    let shown = cli(&state, &["progress"], "");
    assert_eq!(shown.status.code(), Some(0));
    assert!(text(&shown.stdout).contains("Nothing saved yet"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_corrupt_progress_file_is_a_warning_and_is_replaced() {
    let state = temp("corrupt");
    let file = state.join("pkce-tutor/progress.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "{ this is not json").unwrap();
    let tour = cli(&state, &["tour", "--linear", "--seed", "7"], "\nq\n");
    assert_eq!(tour.status.code(), Some(0), "{tour:?}");
    assert!(
        text(&tour.stderr).contains("is not a progress file this pkce-tutor can read"),
        "{tour:?}"
    );
    assert!(text(&tour.stdout).contains("Stage 2 of 6"));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["last_screen"], "pkce/stage-2");
    std::fs::remove_dir_all(&state).unwrap();
}
