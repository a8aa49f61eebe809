//! Every lesson, filled from a real seeded run and drawn as the TUI draws it
//! (a wrapping `Paragraph`), at 80 and 120 columns: insta snapshots, so the
//! renderer or a lesson cannot change unnoticed.

mod lessons_support;

use lessons_support::{render, trace};
use pkce_tutor::flow::{Attack, Flow, Trace};
use pkce_tutor::lessons::{Lesson, LessonSet};

/// The filled lesson with the server's port (different on every run) made
/// fixed, keeping its width so wrapping is the same as on screen.
fn filled(lesson: &Lesson, trace: &Trace) -> String {
    let text = lesson.fill(trace, None).expect("fills");
    let port = trace.issuer.rsplit(':').next().expect("issuer has a port");
    let fixed = format!("{:0>width$}", "", width = port.len()).replace('0', "9");
    text.replace(&format!("127.0.0.1:{port}"), &format!("127.0.0.1:{fixed}"))
        .replace(
            &format!("127.0.0.1%3A{port}"),
            &format!("127.0.0.1%3A{fixed}"),
        )
}

fn snapshot(name: &str, lesson: &Lesson, markdown: &str) {
    for width in [80u16, 120] {
        let rows = render(markdown, width).join("\n");
        insta::with_settings!({
            description => format!("{} ({}) at {width} columns", lesson.title, lesson.file.display()),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{name}_{width}"), rows);
        });
    }
}

#[test]
fn every_lesson_renders_at_80_and_120_columns() {
    let set = LessonSet::builtin();
    let pkce = trace(Flow::Pkce, None);
    let plain = trace(Flow::Plain, None);
    let mut seen = 0;
    for lesson in set.lessons() {
        match (lesson.attack, lesson.stage, lesson.experiment) {
            // An experiment's lesson explains that experiment's run.
            (_, _, Some(experiment)) => {
                let run = lessons_support::experiment_trace(experiment);
                snapshot(&lesson.id, lesson, &filled(lesson, &run));
            }
            (Some(attack), _, None) => {
                for flow in [Flow::Pkce, Flow::Plain] {
                    let run = trace(flow, Some(attack));
                    let name = format!("{}_{}", lesson.id, flow.name());
                    snapshot(&name, lesson, &filled(lesson, &run));
                }
            }
            (None, Some(_), None) => {
                let run = if lesson.flow.covers(Flow::Pkce) {
                    &pkce
                } else {
                    &plain
                };
                snapshot(&lesson.id, lesson, &filled(lesson, run));
            }
            (None, None, None) => snapshot(&lesson.id, lesson, &filled(lesson, &pkce)),
        }
        seen += 1;
    }
    assert_eq!(seen, 27);
}

/// What the lesson panel shows of a lesson at once: the whole of it; of an
/// attack lesson, which the attack lab shows by part, the opening with its
/// first `###` section (before the attack is decided), then the second and
/// third (from then on).
fn panel_parts(lesson: &pkce_tutor::lessons::Lesson, markdown: &str) -> Vec<String> {
    if lesson.attack.is_none() {
        return vec![markdown.to_owned()];
    }
    let mut parts = vec![String::new()];
    for line in markdown.split_inclusive('\n') {
        if line.starts_with("### ") {
            parts.push(String::new());
        }
        if let Some(part) = parts.last_mut() {
            part.push_str(line);
        }
    }
    assert!(parts.len() >= 4, "{}: three sections at least", lesson.id);
    vec![parts[0].clone() + &parts[1], parts[2].clone() + &parts[3]]
}

/// The panel shows 6 to 12 lines; a lesson may scroll, but not by much.
#[test]
fn lessons_stay_short() {
    let set = LessonSet::builtin();
    let runs = [
        trace(Flow::Pkce, Some(Attack::Interception)),
        trace(Flow::Plain, Some(Attack::Downgrade)),
        trace(Flow::Pkce, Some(Attack::Sniffing)),
        trace(Flow::Plain, Some(Attack::Injection)),
    ];
    for run in &runs {
        for lesson in set.lessons().iter().filter(|l| l.flow.covers(run.flow)) {
            if lesson
                .attack
                .is_some_and(|a| Some(a) != run.attack.as_ref().map(|r| r.attack))
            {
                continue;
            }
            for part in panel_parts(lesson, &lesson.fill(run, None).unwrap()) {
                for (width, max) in [(80u16, 18usize), (120, 14)] {
                    let rows = render(&part, width);
                    assert!(
                        rows.len() <= max,
                        "{} is {} lines at {width} columns (max {max}):\n{}",
                        lesson.id,
                        rows.len(),
                        rows.join("\n")
                    );
                }
            }
        }
    }
}
