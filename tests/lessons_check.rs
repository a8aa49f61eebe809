//! `pkce-tutor lessons check DIR` and the library's `check_dir`: every kind
//! of mistake is reported as `FILE:LINE: message`, and the exit code is 1.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pkce_tutor::lessons::{LessonSet, check_dir};

const BAD: &str = "tests/fixtures/lessons_bad";

/// Every error the bad directory holds, in the order `check` prints them:
/// sorted by file, then line; the directory's own errors (missing lessons)
/// first.
const EXPECTED: &[&str] = &[
    "tests/fixtures/lessons_bad:0: no lesson with id `intro`",
    "tests/fixtures/lessons_bad:0: no lesson with id `summary`",
    "tests/fixtures/lessons_bad:0: no lesson with id `attack-interception`",
    "tests/fixtures/lessons_bad:0: no lesson with id `attack-sniffing`",
    "tests/fixtures/lessons_bad:0: no lesson with id `attack-downgrade`",
    "tests/fixtures/lessons_bad:0: no lesson with id `attack-injection`",
    "tests/fixtures/lessons_bad:0: no lesson for stage 1 of the pkce flow",
    "tests/fixtures/lessons_bad:0: no lesson for stage 2 of the plain flow",
    "tests/fixtures/lessons_bad:0: no lesson for stage 5 of the plain flow",
    "tests/fixtures/lessons_bad:0: no lesson for stage 6 of the plain flow",
    "tests/fixtures/lessons_bad/attack-with-stage.md:6: an attack lesson has no `stage` (the attack is played after stage 4)",
    "tests/fixtures/lessons_bad/bad-attack.md:5: `attack` must be \"interception\", \"sniffing\", \"downgrade\", \"injection\", found \"phishing\"",
    "tests/fixtures/lessons_bad/bad-experiment.md:6: `experiment` must be one of flip-verifier, challenge-as-verifier, drop-verifier, replay, drop-challenge, plain-method, padded-challenge, other-redirect-uri, found \"flip-the-table\"",
    "tests/fixtures/lessons_bad/bad-flow.md:5: `flow` must be \"pkce\", \"plain\" or \"both\", found \"pkc\"",
    "tests/fixtures/lessons_bad/bad-stage.md:4: `stage` must be 1 to 6, found 7",
    "tests/fixtures/lessons_bad/bad-toml.md:3: front matter: invalid basic string, expected `\"`",
    "tests/fixtures/lessons_bad/duplicate-id-b.md:2: duplicate id `dup`: tests/fixtures/lessons_bad/duplicate-id-a.md has it too",
    "tests/fixtures/lessons_bad/empty-body.md:5: the lesson has no text after the front matter",
    "tests/fixtures/lessons_bad/experiment-wrong-stage.md:6: experiment \"drop-verifier\" changes the request of stage 5: the lesson needs `stage = 5`",
    "tests/fixtures/lessons_bad/missing-field.md:2: front matter: missing field `title`",
    "tests/fixtures/lessons_bad/no-front-matter.md:1: a lesson must start with a `+++` line opening its TOML front matter",
    "tests/fixtures/lessons_bad/not-fillable-both.md:7: placeholder `{{stored_challenge}}` cannot be filled here: it exists only in the pkce flow, and this is shown in the plain flow",
    "tests/fixtures/lessons_bad/not-fillable-flow.md:7: placeholder `{{code_verifier}}` cannot be filled here: it exists only in the pkce flow, and this is shown in the plain flow",
    "tests/fixtures/lessons_bad/not-fillable-stage.md:8: placeholder `{{access_token}}` cannot be filled here: it exists from stage 6 on, and this is stage 2",
    "tests/fixtures/lessons_bad/not-in-code.md:7: placeholder `{{code}}` must stand inside `backticks` so its value shows verbatim",
    "tests/fixtures/lessons_bad/unclosed-front-matter.md:1: the front matter opened here is never closed: missing closing `+++` line",
    "tests/fixtures/lessons_bad/unclosed-placeholder.md:7: `{{` without a closing `}}` on the same line",
    "tests/fixtures/lessons_bad/unknown-field.md:3: front matter: unknown field `titel`, expected one of `id`, `title`, `stage`, `flow`, `attack`, `experiment`, `notes`",
    "tests/fixtures/lessons_bad/unknown-placeholder.md:9: unknown placeholder `{{code_verfier}}`",
    "tests/fixtures/lessons_bad/with-stage-3-again.md:2: stage 3 of the pkce flow already has a lesson: tests/fixtures/lessons_bad/unknown-placeholder.md",
];

#[test]
fn check_dir_reports_every_mistake_with_file_and_line() {
    let errors: Vec<String> = check_dir(Path::new(BAD))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors, EXPECTED);
}

#[test]
fn load_refuses_the_bad_directory_with_the_same_errors() {
    let errors = LessonSet::load(Path::new(BAD)).unwrap_err();
    assert_eq!(errors, check_dir(Path::new(BAD)));
    // The first error of a file, after the directory's own errors.
    let first = errors.iter().find(|e| e.line > 0).expect("errors in files");
    assert_eq!(first.file, Path::new(BAD).join("attack-with-stage.md"));
    assert_eq!(first.line, 6);
}

#[test]
fn the_cli_prints_every_error_and_exits_1() {
    let output = Command::cargo_bin("pkce-tutor")
        .unwrap()
        .args(["lessons", "check", BAD])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines, EXPECTED);
}

#[test]
fn the_cli_accepts_the_builtin_directory() {
    let output = Command::cargo_bin("pkce-tutor")
        .unwrap()
        .args(["lessons", "check", "lessons"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains(".md:"), "{stdout}");
}

#[test]
fn the_cli_fails_on_a_missing_directory() {
    Command::cargo_bin("pkce-tutor")
        .unwrap()
        .args(["lessons", "check", "tests/fixtures/lessons_no_such_dir"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "tests/fixtures/lessons_no_such_dir:0: cannot read the directory",
        ));
}

/// A copy of the built-in lessons in a fresh temporary directory.
fn copy_of_builtin(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pkce-tutor-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("lessons").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn an_instructors_edit_is_reported_alone_at_its_line() {
    let dir = copy_of_builtin("edit");
    assert_eq!(check_dir(&dir), vec![]);
    let file = dir.join("pkce-2-challenge.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replace(
        "- method: `{{code_challenge_method}}`",
        "- method: `{{code_challenge_method}}`, token: `{{access_token}}`",
    );
    assert_ne!(edited, text);
    let line = edited
        .lines()
        .position(|l| l.contains("{{access_token}}"))
        .unwrap()
        + 1;
    std::fs::write(&file, edited).unwrap();
    let errors: Vec<String> = check_dir(&dir).iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [format!(
            "{}:{line}: placeholder `{{{{access_token}}}}` cannot be filled here: it exists from stage 6 on, and this is stage 2",
            file.display()
        )]
    );
    // A translated copy (new text, same structure) loads.
    std::fs::write(&file, text.replace("The client hashes", "Le client hache")).unwrap();
    assert!(LessonSet::load(&dir).is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}
