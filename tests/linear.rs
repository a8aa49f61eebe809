//! The linear tour (`tour --linear`): driven in-process through any
//! `BufRead`/`Write` (checkpoints by letter, a prediction asked before its
//! stage and judged after the real answer), and through the binary with
//! stdin and stdout as pipes (the six stage titles, the verifier and the
//! challenge, no escape or box-drawing character, exit 0).

use std::path::PathBuf;
use std::sync::Arc;

use assert_cmd::Command;
use pkce_tutor::flow::{Edit, Flow, Scenario, Stage, run};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::linear::{self, LinearOptions};
use pkce_tutor::progress::Store;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pkce-tutor-linear-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn options(flow: Flow) -> LinearOptions {
    LinearOptions {
        flow,
        stage: None,
        seed: Some(7),
        port: None,
        edits: Vec::new(),
        lessons: Arc::new(LessonSet::builtin()),
        notes: false,
    }
}

/// Runs the linear tour in-process on `input`; returns stdout and the
/// warnings.
fn tour(options: &LinearOptions, store: &mut Store, input: &str) -> (String, String) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (mut out, mut warnings) = (Vec::new(), Vec::new());
    linear::run(
        options,
        &runtime,
        store,
        input.as_bytes(),
        &mut out,
        &mut warnings,
    )
    .expect("the tour runs");
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(warnings).unwrap(),
    )
}

/// Where `needle` first appears in `text`.
fn at(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
}

#[test]
fn checkpoints_are_answered_by_letter_and_a_prediction_is_judged_after_the_reveal() {
    let dir = temp("answers");
    let mut store = Store::at(dir.join("progress.json"));
    // Stage 1; Enter to 2; c answers the encoding checkpoint (right); Enter
    // to 3; b and b answer its two checkpoints; b predicts stage 4 (a code)
    // and reveals it; b and a answer stage 4's (the second wrong); b predicts
    // stage 5's token; Enter to 6; b; Enter to the summary; Enter ends.
    let input = "\nc\n\nb\nb\nb\nb\na\nb\n\nb\n\n\n";
    let (out, warnings) = tour(&options(Flow::Pkce), &mut store, input);
    assert_eq!(warnings, "");
    assert!(
        out.contains("Right: c) SHA-256 of the verifier in base64url"),
        "{out}"
    );
    // The prediction comes before stage 4's screen, its feedback after it,
    // beside what the real server answered.
    let predict = at(&out, "Before stage 4, predict: The user approves.");
    let stage4 = at(
        &out,
        "Stage 4 of 6: The server stores the challenge with the code",
    );
    let feedback = at(&out, "Your prediction: b) An authorization code");
    assert!(predict < stage4 && stage4 < feedback);
    assert!(
        out[feedback..]
            .starts_with("Your prediction: b) An authorization code, with state and iss.\nThe real server answered: a redirect carrying an authorization code.\nRight."),
        "{}",
        &out[feedback..]
    );
    assert!(
        out.contains("Not quite: you chose a) Yes: PKCE replaces state."),
        "{out}"
    );
    assert!(
        out.contains("The real server answered: an access token."),
        "{out}"
    );
    // Each checkpoint once: stage 4's state question is not asked again.
    assert_eq!(
        out.matches("Checkpoint: The redirect brought back state.")
            .count(),
        1
    );
    // The summary counts them and says where to look again.
    assert!(out.contains("Checkpoints: 7 right, 1 missed"), "{out}");
    assert!(
        out.contains("Revisit stage 4 of the flow with PKCE; read RFC 9700 §2.1."),
        "{out}"
    );
    assert!(out.contains("End of the tour."));
    let (saved, _) = store.load();
    assert_eq!(saved.answers.len(), 8);
    assert_eq!(saved.last_screen.as_deref(), Some("summary"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_plain_flow_has_its_own_titles_and_prediction() {
    let dir = temp("plain");
    let mut store = Store::at(dir.join("progress.json"));
    let (out, _) = tour(&options(Flow::Plain), &mut store, "\n\n\na\nq\n");
    for stage in [
        Stage::Verifier,
        Stage::Challenge,
        Stage::CodeIssued,
        Stage::TokenRequest,
    ] {
        assert!(out.contains(stage.title(Flow::Plain)), "{stage:?}:\n{out}");
    }
    assert!(
        out.contains("Before stage 5, predict: Step 04's token request"),
        "{out}"
    );
    assert!(out.contains("Your prediction: a) An access token.\nThe real server answered: an access token.\nRight."), "{out}");
    assert!(out.contains("The next tour resumes at stage 5."), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_checkpoints_nothing_is_asked() {
    let dir = temp("none");
    let mut store = Store::at(dir.join("progress.json"));
    let options = LinearOptions {
        lessons: Arc::new(LessonSet::builtin().without_checkpoints()),
        ..options(Flow::Pkce)
    };
    let (out, _) = tour(&options, &mut store, "\nb\n\n\nq\n");
    assert!(
        !out.contains("Checkpoint:") && !out.contains("predict"),
        "{out}"
    );
    assert!(out.contains("No question is open on this screen."), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_amended_run_shows_the_real_refusal_and_asks_nothing() {
    let dir = temp("amended");
    let mut store = Store::at(dir.join("progress.json"));
    let options = LinearOptions {
        edits: vec![(
            Stage::TokenRequest,
            Edit::Drop {
                param: "code_verifier".into(),
            },
        )],
        ..options(Flow::Pkce)
    };
    let (out, _) = tour(&options, &mut store, "4\n\n\nq\n");
    assert!(out.contains("This run is amended"), "{out}");
    assert!(
        !out.contains("Checkpoint:") && !out.contains("predict"),
        "{out}"
    );
    assert!(out.contains("amended code_verifier: "), "{out}");
    assert!(
        out.contains("The server answered: a refusal: invalid_request (status 400)."),
        "{out}"
    );
    assert!(
        out.contains("The server's PKCE verdict: missing_verifier."),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn navigation_goes_back_jumps_and_ends_with_the_input() {
    let dir = temp("nav");
    let mut store = Store::at(dir.join("progress.json"));
    let options = LinearOptions {
        lessons: Arc::new(LessonSet::builtin().without_checkpoints()),
        ..options(Flow::Pkce)
    };
    // Jump to 5 (stages 2 to 4 run on the way), back to 4, to the
    // introduction, a word the tour does not know, then the input ends.
    let (out, _) = tour(&options, &mut store, "5\np\n0\np\nwhat\n");
    let titles: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("Stage ") || l.starts_with("Introduction"))
        .collect();
    assert_eq!(
        titles,
        [
            "Stage 1 of 6: The client generates a random code_verifier",
            "Stage 5 of 6: The token request carries the code_verifier",
            "Stage 4 of 6: The server stores the challenge with the code",
            "Introduction (0): What PKCE protects",
        ]
    );
    // The introduction shows discovery and registration, in words.
    assert!(
        out.contains("/register  (registration (RFC 7591))"),
        "{out}"
    );
    assert!(out.contains("  response: 201"), "{out}");
    assert!(out.contains("This is the first screen."), "{out}");
    assert!(out.contains("Not understood: \"what\"."), "{out}");
    // The input ended on the introduction: nothing to resume from.
    assert!(out.ends_with("`pkce-tutor progress` shows it.\n"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_pipe_prints_six_titles_the_verifier_and_the_challenge_and_no_drawing() {
    let state = temp("pipe");
    let output = Command::cargo_bin("pkce-tutor")
        .unwrap()
        .args(["tour", "--linear", "--seed", "7"])
        .env("XDG_STATE_HOME", &state)
        .env_remove("NO_COLOR")
        .write_stdin("\n\n\n\n\n\n\nq\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    for stage in Stage::ALL {
        assert!(
            stdout.contains(stage.title(Flow::Pkce)),
            "{stage:?}:\n{stdout}"
        );
    }
    // The same seed gives the same values in any run.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let trace = runtime
        .block_on(run(Scenario {
            seed: Some(7),
            ..Scenario::new(Flow::Pkce)
        }))
        .unwrap();
    let client = &trace.stage(Stage::Challenge).unwrap().client;
    for value in [&client.code_verifier, &client.code_challenge] {
        let value = value.as_deref().unwrap();
        assert!(stdout.contains(value), "{value} not in:\n{stdout}");
    }
    assert!(!stdout.contains('\u{1b}'), "an escape character");
    let drawing: Vec<char> = stdout
        .chars()
        .filter(|c| ('\u{2500}'..='\u{259f}').contains(c))
        .collect();
    assert!(drawing.is_empty(), "drawing characters: {drawing:?}");
    assert!(stdout.contains("Summary: Why PKCE, and why S256"));
    std::fs::remove_dir_all(&state).unwrap();
}

#[test]
fn without_linear_a_pipe_is_refused_and_pointed_to_it() {
    Command::cargo_bin("pkce-tutor")
        .unwrap()
        .args(["tour", "--seed", "7"])
        .write_stdin("\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--linear"));
}
