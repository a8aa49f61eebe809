//! The built-in lessons: complete, identical to `lessons/`, and every
//! placeholder filled from real recorded runs (seed 7, both flows, without an
//! attack and with each attack), with the values the screen shows.

mod lessons_support;

use std::path::Path;

use lessons_support::{scenarios, trace};
use pkce_tutor::flow::{Attack, Flow, Stage, Trace};
use pkce_tutor::lessons::{LessonFlow, LessonSet, check_dir};
use pkce_tutor::server::{PkceVerdict, ServerEvent};

fn lessons_dir() -> &'static Path {
    Path::new("lessons")
}

#[test]
fn every_screen_has_a_lesson() {
    let set = LessonSet::builtin();
    for flow in [Flow::Pkce, Flow::Plain] {
        for stage in Stage::ALL {
            let lesson = set
                .for_stage(flow, stage)
                .unwrap_or_else(|| panic!("no lesson for {flow:?} {stage:?}"));
            assert!(lesson.flow.covers(flow));
            assert_eq!(lesson.stage, Some(stage));
        }
    }
    for id in [
        "intro",
        "summary",
        "attack-interception",
        "attack-downgrade",
    ] {
        assert!(set.by_id(id).is_some(), "no lesson `{id}`");
    }
    assert_eq!(
        set.for_attack(Attack::Interception).map(|l| l.id.as_str()),
        Some("attack-interception")
    );
    assert_eq!(
        set.for_attack(Attack::Downgrade).map(|l| l.id.as_str()),
        Some("attack-downgrade")
    );
    // A stage lesson of one flow is never offered for the other.
    assert_eq!(
        set.for_stage(Flow::Plain, Stage::Verifier).map(|l| l.flow),
        Some(LessonFlow::Plain)
    );
}

#[test]
fn the_builtin_copy_is_the_lessons_directory() {
    assert_eq!(check_dir(lessons_dir()), vec![]);
    let loaded = LessonSet::load(lessons_dir()).expect("lessons/ loads");
    let builtin = LessonSet::builtin();
    let summary = |set: &LessonSet| {
        let mut all: Vec<_> = set
            .lessons()
            .iter()
            .map(|l| {
                (
                    l.file.clone(),
                    l.id.clone(),
                    l.body.clone(),
                    l.notes.clone(),
                )
            })
            .collect();
        all.sort();
        all
    };
    assert_eq!(summary(&loaded), summary(&builtin));
}

#[test]
fn every_lesson_fills_from_every_real_run() {
    let set = LessonSet::builtin();
    for (flow, attack) in scenarios() {
        let trace = trace(flow, attack);
        let mut filled = 0;
        for lesson in set.lessons() {
            if !lesson.flow.covers(flow) {
                continue;
            }
            if lesson.attack.is_some() && lesson.attack != attack {
                continue;
            }
            // Filled from its own run in tests/experiments.rs.
            if lesson.experiment.is_some() {
                continue;
            }
            let text = lesson.fill(&trace, None).unwrap_or_else(|e| {
                panic!("{} in the {flow:?} run with {attack:?}: {e}", lesson.id)
            });
            assert!(
                !text.contains("{{") && !text.contains("}}"),
                "{}: unresolved placeholder in\n{text}",
                lesson.id
            );
            filled += 1;
        }
        // intro, discovery (stage 0), six stages, summary, and the attack's.
        let expected = 9 + usize::from(attack.is_some());
        assert_eq!(filled, expected, "{flow:?} {attack:?}");
    }
}

/// The value of `name` as the lesson of (`flow`, `stage`) shows it: the text
/// between the placeholder's backticks.
fn shown<'t>(text: &'t str, before: &str) -> &'t str {
    let start = text
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} not in\n{text}"))
        + before.len();
    let rest = &text[start..];
    let open = rest.find('`').expect("opening backtick") + 1;
    let close = open + rest[open..].find('`').expect("closing backtick");
    &rest[open..close]
}

fn stage_text(set: &LessonSet, trace: &Trace, stage: Stage) -> String {
    set.for_stage(trace.flow, stage)
        .expect("lesson")
        .fill(trace, None)
        .expect("fills")
}

#[test]
fn pkce_lessons_name_the_values_of_the_screen() {
    let set = LessonSet::builtin();
    let trace = trace(Flow::Pkce, None);
    let client = |stage: Stage| &trace.stage(stage).expect("stage ran").client;

    let s1 = stage_text(&set, &trace, Stage::Verifier);
    let verifier = client(Stage::Verifier).code_verifier.clone().unwrap();
    assert_eq!(verifier.len(), 43);
    assert!(s1.contains(&format!("`{verifier}`")), "{s1}");

    let s2 = stage_text(&set, &trace, Stage::Challenge);
    let c2 = client(Stage::Challenge);
    assert_eq!(
        shown(&s2, "SHA-256 of the verifier:"),
        c2.sha256_hex.as_deref().unwrap()
    );
    assert_eq!(
        shown(&s2, "(RFC 7636 §3):"),
        c2.code_challenge.as_deref().unwrap()
    );
    assert_eq!(shown(&s2, "method:"), "S256");

    let s3 = stage_text(&set, &trace, Stage::AuthorizationRequest);
    let c3 = client(Stage::AuthorizationRequest);
    assert_eq!(
        shown(&s3, "`code_challenge` ="),
        c3.code_challenge.as_deref().unwrap()
    );
    assert_eq!(shown(&s3, "`state` ="), c3.state.as_deref().unwrap());
    // The state shown is the one in the authorization URL on screen.
    assert!(
        c3.authorization_url
            .as_deref()
            .unwrap()
            .contains(c3.state.as_deref().unwrap())
    );

    let s4 = stage_text(&set, &trace, Stage::CodeIssued);
    let c4 = client(Stage::CodeIssued);
    assert_eq!(shown(&s4, "can redeem"), c4.code.as_deref().unwrap());
    assert_eq!(shown(&s4, "`iss` ="), trace.issuer);
    // What the server stored is what the client sent.
    assert_eq!(
        shown(&s4, "`code_challenge` ="),
        c4.code_challenge.as_deref().unwrap()
    );
    assert_eq!(shown(&s4, "a lifetime of"), "600");

    let s5 = stage_text(&set, &trace, Stage::TokenRequest);
    assert_eq!(shown(&s5, "`code_verifier` ="), verifier);
    assert!(
        shown(&s5, "The answer:").starts_with("200 access_token="),
        "{s5}"
    );

    let s6 = stage_text(&set, &trace, Stage::Verification);
    let c6 = client(Stage::Verification);
    assert_eq!(shown(&s6, "received `code_verifier`:"), verifier);
    assert_eq!(
        shown(&s6, "its SHA-256:"),
        c6.sha256_hex.as_deref().unwrap()
    );
    assert_eq!(
        shown(&s6, "computed challenge:"),
        c6.code_challenge.as_deref().unwrap()
    );
    assert_eq!(
        shown(&s6, "stored in stage 4:"),
        c6.code_challenge.as_deref().unwrap()
    );
    assert_eq!(shown(&s6, "verdict:"), "match");
    assert_eq!(
        shown(&s6, "gets the access token"),
        c6.access_token.as_deref().unwrap()
    );
    // The server's own verdict agrees.
    let verdicts: Vec<PkceVerdict> = trace
        .events_shown_at(Stage::Verification)
        .into_iter()
        .filter_map(|e| match e {
            ServerEvent::PkceChecked(c) => Some(c.verdict),
            _ => None,
        })
        .collect();
    assert_eq!(verdicts, [PkceVerdict::Match]);
}

#[test]
fn attack_lessons_report_what_the_server_answered() {
    let set = LessonSet::builtin();
    let cases = [
        (
            Flow::Pkce,
            Attack::Interception,
            "POST /token",
            "400 error=invalid_grant",
        ),
        (
            Flow::Plain,
            Attack::Interception,
            "POST /token",
            "200 access_token=",
        ),
        (
            Flow::Pkce,
            Attack::Downgrade,
            "GET /authorize",
            "302 error=invalid_request",
        ),
        (
            Flow::Plain,
            Attack::Downgrade,
            "POST /token",
            "200 access_token=",
        ),
        (
            Flow::Pkce,
            Attack::Sniffing,
            "POST /token",
            "400 error=invalid_grant",
        ),
        (
            Flow::Plain,
            Attack::Sniffing,
            "POST /token",
            "200 access_token=",
        ),
        (
            Flow::Pkce,
            Attack::Injection,
            "POST /token",
            "400 error=invalid_grant",
        ),
        (
            Flow::Plain,
            Attack::Injection,
            "POST /token",
            "200 access_token=",
        ),
    ];
    for (flow, attack, request, response) in cases {
        let trace = trace(flow, Some(attack));
        let text = set.for_attack(attack).unwrap().fill(&trace, None).unwrap();
        assert!(
            text.contains(&format!("`{request}`")),
            "{flow:?} {attack:?}:\n{text}"
        );
        assert!(
            text.contains(&format!("`{response}")),
            "{flow:?} {attack:?}:\n{text}"
        );
    }
}

#[test]
fn plain_lessons_fill_without_pkce_values() {
    let set = LessonSet::builtin();
    let trace = trace(Flow::Plain, None);
    let s6 = stage_text(&set, &trace, Stage::Verification);
    assert!(s6.contains("`200 access_token="), "{s6}");
    let s4 = stage_text(&set, &trace, Stage::CodeIssued);
    let code = trace
        .stage(Stage::CodeIssued)
        .unwrap()
        .client
        .code
        .clone()
        .unwrap();
    assert!(s4.contains(&format!("`{code}`")), "{s4}");
}

#[test]
fn filling_fails_at_run_time_when_a_value_is_absent() {
    let set = LessonSet::builtin();
    let mut trace = trace(Flow::Pkce, None);
    // A stage that has not run yet.
    trace.stages.truncate(2);
    let lesson = set.for_stage(Flow::Pkce, Stage::Verification).unwrap();
    let err = lesson.fill(&trace, None).unwrap_err();
    assert_eq!(err.file, Path::new("lessons/pkce-6-verification.md"));
    assert!(err.line > lesson.body_line - 1, "{err}");
    assert!(err.to_string().contains("stage 6 has not run yet"), "{err}");
    // A value the run did not record.
    let mut trace2 = trace.clone();
    trace2.stages[0].client.code_verifier = None;
    let s1 = set.for_stage(Flow::Pkce, Stage::Verifier).unwrap();
    let err = s1.fill(&trace2, None).unwrap_err();
    assert!(
        err.to_string().starts_with("lessons/pkce-1-verifier.md:")
            && err.message.contains("`{{code_verifier}}` has no value"),
        "{err}"
    );
    // A lesson of the other flow.
    let plain = set.for_stage(Flow::Plain, Stage::Verifier).unwrap();
    let err = plain.fill(&trace, None).unwrap_err();
    assert!(err.message.contains("plain lesson"), "{err}");
    // An attack lesson without the attack in the run.
    let interception = set.by_id("attack-interception").unwrap();
    let err = interception.fill(&trace, None).unwrap_err();
    assert!(err.message.contains("no interception attack"), "{err}");
}
