//! The checkpoints: the built-in set loads and covers the known
//! misconceptions; every prediction's stated answer is what the real server
//! answers in a recorded run (so the answers cannot drift from the server);
//! every kind of mistake in a checkpoint file is reported as
//! `FILE:LINE: message` by `lessons check`; a lesson directory without
//! checkpoints still loads.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pkce_tutor::flow::{Attack, Flow, Scenario, Stage, run, run_experiment};
use pkce_tutor::lessons::{LessonSet, Letter, PredictedRun, Screen, When, check_dir};
use pkce_tutor::record::Outcome;

/// A lesson directory in a fresh temporary directory: the built-in lesson
/// files, and the `*.md` files of `checkpoints` in `checkpoints/` if given.
fn lesson_dir(name: &str, checkpoints: Option<&Path>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pkce-tutor-cp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("lessons").unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    if let Some(from) = checkpoints {
        let to = dir.join("checkpoints");
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// The misconceptions of issue #12 and the checkpoints that catch each.
const COVERAGE: &[(&str, &[&str])] = &[
    (
        "the verifier and the challenge swapped",
        &["what-the-browser-carries", "challenge-sent-as-verifier"],
    ),
    (
        "the challenge taken for a secret",
        &["challenge-is-public", "sniffed-s256-challenge"],
    ),
    (
        "hex digest or padding instead of base64url-no-padding",
        &["challenge-encoding", "padded-challenge"],
    ),
    (
        "`plain` is fine",
        &["why-not-plain", "plain-method-refused"],
    ),
    ("PKCE replaces `state`", &["pkce-and-state"]),
    (
        "PKCE authenticates the client",
        &["not-client-authentication", "stolen-code-made-up-verifier"],
    ),
    (
        "sending the challenge to the token endpoint",
        &["challenge-sent-as-verifier", "token-request-without-secret"],
    ),
];

#[test]
fn the_builtin_checkpoints_load_and_cover_every_misconception() {
    let set = LessonSet::builtin();
    let checkpoints = set.checkpoints();
    assert!(checkpoints.all().len() >= 10, "{}", checkpoints.all().len());
    assert!(checkpoints.predictions().count() >= 4);
    for (misconception, ids) in COVERAGE {
        for id in *ids {
            assert!(
                checkpoints.by_id(id).is_some(),
                "{misconception}: no checkpoint `{id}`"
            );
        }
    }
    for c in checkpoints.all() {
        assert!((2..=4).contains(&c.options.len()), "{}", c.id);
        assert!(c.explanation.contains(&c.section), "{}", c.id);
        assert_eq!(c.prediction.is_some(), c.when == When::Before, "{}", c.id);
        assert!(c.screens().iter().all(|s| c.shown_on(*s)), "{}", c.id);
    }
    // The built-in copy is the directory's.
    let loaded = LessonSet::load(Path::new("lessons")).expect("lessons/ loads");
    let summary = |set: &LessonSet| {
        let mut all: Vec<_> = set
            .checkpoints()
            .all()
            .iter()
            .map(|c| (c.id.clone(), c.question.clone(), c.explanation.clone()))
            .collect();
        all.sort();
        all
    };
    assert_eq!(summary(&loaded), summary(&set));
}

#[test]
fn a_screen_gives_its_checkpoints_and_an_answer_gives_feedback() {
    let set = LessonSet::builtin();
    let checkpoints = set.checkpoints();
    let before: Vec<&str> = checkpoints
        .for_screen(Screen::Stage(Flow::Pkce, Stage::TokenRequest), When::Before)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(before, ["token-request-without-secret"]);
    let attack: Vec<&str> = checkpoints
        .for_screen(
            Screen::Attack(Flow::Pkce, Attack::Interception),
            When::Before,
        )
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(attack, ["stolen-code-made-up-verifier"]);
    assert_eq!(
        checkpoints
            .for_screen(Screen::Stage(Flow::Plain, Stage::Verifier), When::After)
            .count(),
        0
    );

    let c = checkpoints.by_id("stolen-code-made-up-verifier").unwrap();
    assert_eq!(c.right, Letter::B);
    let right = c.answer('B').expect("B is an option");
    assert!(right.correct);
    let wrong = c.answer('c').expect("c is an option");
    assert!(!wrong.correct);
    assert_eq!((wrong.chosen, wrong.right), (Letter::C, Letter::B));
    assert_eq!(c.answer('d'), None, "three options only");
    assert_eq!(c.answer('z'), None);
    assert_eq!(
        c.revisit(),
        Screen::Attack(Flow::Pkce, Attack::Interception)
    );
}

#[test]
fn every_prediction_is_what_the_real_server_answers() {
    let set = LessonSet::builtin();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut checked = 0;
    for (checkpoint, prediction) in set.checkpoints().predictions() {
        let scenario = Scenario {
            seed: Some(7),
            ..prediction.run.scenario()
        };
        let trace = runtime
            .block_on(async {
                match prediction.run.experiment() {
                    Some(experiment) => run_experiment(experiment, scenario).await,
                    None => run(scenario).await,
                }
            })
            .unwrap_or_else(|e| panic!("{}: the run failed: {e}", checkpoint.id));
        let observed = prediction.observed(&trace);
        assert_eq!(
            observed.as_ref(),
            Some(&prediction.expect),
            "{}: the checkpoint says the server answers `{}`, the real server answered {:?} ({:?})",
            checkpoint.file.display(),
            prediction.expect,
            observed,
            prediction.run
        );
        // The answer shown to the learner is the option the checkpoint marks
        // right, and a refusal's code is named in it.
        let text = checkpoint.option(checkpoint.right).unwrap();
        if let Outcome::Refused(code) = &prediction.expect {
            assert!(text.contains(code.as_str()), "{}: {text}", checkpoint.id);
        }
        checked += 1;
    }
    assert!(checked >= 4, "{checked} predictions");
    // Each kind of run is predicted at least once.
    let kinds = |f: fn(&PredictedRun) -> bool| {
        set.checkpoints()
            .predictions()
            .filter(|(_, p)| f(&p.run))
            .count()
    };
    assert!(kinds(|r| matches!(r, PredictedRun::Flow { .. })) >= 1);
    assert!(kinds(|r| matches!(r, PredictedRun::Attack { .. })) >= 1);
    assert!(kinds(|r| matches!(r, PredictedRun::Experiment { .. })) >= 1);
}

#[test]
fn a_lesson_directory_without_checkpoints_still_loads() {
    let dir = lesson_dir("none", None);
    let set = LessonSet::load(&dir).expect("lessons without checkpoints load");
    assert!(set.checkpoints().is_empty());
    assert_eq!(check_dir(&dir), vec![]);
    // And with the built-in checkpoints beside them.
    let with = lesson_dir("all", Some(Path::new("lessons/checkpoints")));
    let set = LessonSet::load(&with).expect("lessons with checkpoints load");
    assert_eq!(
        set.checkpoints().all().len(),
        LessonSet::builtin().checkpoints().all().len()
    );
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&with).unwrap();
}

/// Every error of `tests/fixtures/checkpoints_bad`, as `lessons check`
/// prints them, `DIR` standing for the lesson directory.
const EXPECTED: &[&str] = &[
    "DIR/checkpoints/answer-does-not-mention.md:10: the answer (`a`) does not mention `invalid_grant`, the server's answer that `expect` names",
    "DIR/checkpoints/answer-no-such-option.md:10: `answer` is \"d\", but the options are `a` to `c`",
    "DIR/checkpoints/answer-not-a-letter.md:10: `answer` must be one letter, `a` to `d`, found \"the first\"",
    "DIR/checkpoints/attack-and-experiment.md:12: a checkpoint belongs to one screen: `attack` or `experiment`, not both",
    "DIR/checkpoints/attack-with-stage.md:4: an attack checkpoint has no `stage`: it is asked on the attack's screen, about its decisive request",
    "DIR/checkpoints/bad-attack.md:11: `attack` must be \"interception\", \"sniffing\", \"downgrade\", \"injection\", found \"phishing\"",
    "DIR/checkpoints/bad-expect.md:12: `expect` must be token, code, consent, access, error_page or an OAuth error code such as \"invalid_grant\", found \"invalid_grnat\"",
    "DIR/checkpoints/bad-experiment.md:11: `experiment` must be one of flip-verifier, challenge-as-verifier, drop-verifier, replay, drop-challenge, plain-method, padded-challenge, other-redirect-uri, found \"flip-the-table\"",
    "DIR/checkpoints/bad-flow.md:3: `flow` must be \"pkce\", \"plain\" or \"both\", found \"pkcee\"",
    "DIR/checkpoints/bad-id.md:2: `id` must be lower-case letters, digits and `-`, found \"Bad Id\"",
    "DIR/checkpoints/bad-stage.md:4: `stage` must be 1 to 6, found 9",
    "DIR/checkpoints/bad-when.md:5: `when` must be \"before\" or \"after\" (the reveal), found \"during\"",
    "DIR/checkpoints/before-without-expect.md:5: a `before` checkpoint predicts the server's answer: it needs `expect` (token, code, consent, access, error_page or an OAuth error code such as \"invalid_grant\")",
    "DIR/checkpoints/duplicate-id-b.md:2: duplicate checkpoint id `dup`: DIR/checkpoints/duplicate-id-a.md has it too",
    "DIR/checkpoints/empty-explanation.md:12: the checkpoint has no explanation after the front matter",
    "DIR/checkpoints/empty-option.md:8: option `b` is empty",
    "DIR/checkpoints/empty-question.md:6: `question` is empty",
    "DIR/checkpoints/expect-on-after.md:12: `expect` belongs to a prediction: this checkpoint is asked after the reveal (`when = \"after\"`)",
    "DIR/checkpoints/experiment-earlier-stage.md:4: experiment \"replay\" changes the request of stage 5: a prediction can only name that stage or a later one",
    "DIR/checkpoints/experiment-stage-after.md:4: on an experiment's screen `stage` names the step a prediction predicts: an `after` checkpoint has none",
    "DIR/checkpoints/gap-in-options.md:11: `d` without `c`: options are lettered from `a` on, without gaps",
    "DIR/checkpoints/missing-field.md:2: front matter: missing field `section`",
    "DIR/checkpoints/no-front-matter.md:1: a checkpoint must start with a `+++` line opening its TOML front matter",
    "DIR/checkpoints/no-screen.md:3: a checkpoint belongs to a screen: give `stage` (1 to 6), `attack` or `experiment`",
    "DIR/checkpoints/one-option.md:6: a checkpoint needs 2 to 4 options (`a` to `d`), found 1",
    "DIR/checkpoints/placeholder-in-explanation.md:15: a checkpoint shows no values of a run: remove the `{{…}}` placeholder",
    "DIR/checkpoints/prediction-both-flows.md:3: a prediction names one flow, \"pkce\" or \"plain\": the server answers each differently",
    "DIR/checkpoints/prediction-on-stage-2.md:4: stage 2 sends nothing to the server: a prediction needs a stage whose request the server answers (3 to 6)",
    "DIR/checkpoints/section-without-sign.md:11: `section` names a section to read, e.g. \"RFC 7636 §4.6\", found \"RFC 7636 4.5\"",
    "DIR/checkpoints/uncited-section.md:13: the explanation does not cite its `section` (RFC 7636 §4.5)",
    "DIR/checkpoints/unknown-field.md:12: front matter: unknown field `e`, expected one of `id`, `question`, `a`, `b`, `c`, `d`, `answer`, `when`, `flow`, `stage`, `attack`, `experiment`, `expect`, `section`, `misconception`, `notes`",
];

#[test]
fn every_mistake_in_a_checkpoint_is_reported_at_its_line() {
    let dir = lesson_dir("bad", Some(Path::new("tests/fixtures/checkpoints_bad")));
    let expected: Vec<String> = EXPECTED
        .iter()
        .map(|line| line.replace("DIR", &dir.display().to_string()))
        .collect();
    let errors: Vec<String> = check_dir(&dir).iter().map(ToString::to_string).collect();
    assert_eq!(errors, expected);
    // The tutorial refuses to load them, with the same list.
    let refused: Vec<String> = LessonSet::load(&dir)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(refused, expected);
    // `lessons check` prints each one and exits 1.
    let output = Command::cargo_bin("pkce-tutor")
        .unwrap()
        .args(["lessons", "check"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}
