//! The presenter's terminal follows a tour through the channel, across two
//! processes: this test publishes as the tour does (the same frames the
//! loop sends after each move), and `pkce-tutor notes` runs as a child with
//! its stdout piped (so it prints plain text). Each move shows within a
//! second.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pkce_tutor::flow::{Flow, Stage};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::presenter::Publisher;
use pkce_tutor::tui::{Action, App, Config, ThemeName, notes_frame};

/// Lines of the child's stdout, as they come.
fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Waits up to `within` for a line containing `text`.
fn expect(lines: &mpsc::Receiver<String>, text: &str, within: Duration) -> Duration {
    let start = Instant::now();
    let mut seen = Vec::new();
    while let Some(left) = within.checked_sub(start.elapsed()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(text) => return start.elapsed(),
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    panic!("{text:?} did not show within {within:?}; saw {seen:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_follow_the_tour_within_a_second() {
    let runtime_dir =
        std::env::temp_dir().join(format!("pkce-tutor-presenter-{}", std::process::id()));
    std::fs::create_dir_all(&runtime_dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pkce-tutor"))
        .arg("notes")
        .env("XDG_RUNTIME_DIR", &runtime_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("notes starts");
    let lines = lines_of(&mut child);
    expect(&lines, "waiting for a tour", Duration::from_secs(5));

    let publisher = Publisher::bind(&runtime_dir.join("pkce-tutor").join("notes.sock"))
        .await
        .expect("the tour publishes");
    let mut app = App::new(Config {
        flow: Flow::Pkce,
        stage: Stage::TokenRequest,
        seed: Some(7),
        port: None,
        edits: Vec::new(),
        theme: ThemeName::Mono,
        notes: false,
        lessons: Arc::new(LessonSet::builtin().without_checkpoints()),
        autoplay: None,
        code_lifetime: None,
        registration: pkce_tutor::flow::Registration::Cimd,
        browser: pkce_tutor::flow::BrowserMode::Simulated,
    });
    publisher.publish(notes_frame(&app));
    expect(
        &lines,
        "== 5 · The token request carries the code_verifier",
        Duration::from_secs(2),
    );
    // Stage 5's instructor notes, then the next screen's title.
    expect(&lines, "invalid_request", Duration::from_secs(1));
    expect(
        &lines,
        "next: 6 · The server checks",
        Duration::from_secs(1),
    );

    app.update(Action::Next);
    publisher.publish(notes_frame(&app));
    let took = expect(&lines, "== 6 · The server checks", Duration::from_secs(1));
    assert!(took < Duration::from_secs(1), "{took:?}");

    // The tour ends: the presenter waits for the next one.
    drop(publisher);
    expect(&lines, "waiting for a tour", Duration::from_secs(2));
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&runtime_dir);
}
