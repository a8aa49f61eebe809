//! The layout's promises on stage (issue #11), checked on screens drawn by
//! the TUI's own renderer from real seeded runs:
//! - at 100 columns and more, no 43-character value of the run (verifier,
//!   challenge, state, code, access token, read from the run's own
//!   records) is split across lines, in the stepping, contrast and wire
//!   views of every stage of both flows;
//! - at 80×24, values that are compared wrap at the same characters, in the
//!   same columns (stage 6's computed and stored; an amended value and what
//!   it `was`);
//! - at 80×24, at least 4 lesson lines show beside the panes, and every
//!   line of every lesson (the stages' and the attacks') can be reached;
//! - `f` focuses a pane, which then scrolls to its end.

mod tui_support;

use pkce_tutor::flow::{Attack, Flow, Stage};
use pkce_tutor::tui::{
    Action, App, EditorInput as Input, Focus, Mode, PickerInput, RunKey, Scroll, ThemeName,
    screen_text,
};
use tui_support::{app, load};

/// The 43-character values of both flows' runs, from their records.
fn values(app: &App) -> Vec<String> {
    let mut values: Vec<String> = [Flow::Pkce, Flow::Plain]
        .into_iter()
        .filter_map(|flow| app.run(RunKey::honest(flow)))
        .flat_map(|run| run.trace.stages.iter())
        .flat_map(|record| {
            let c = &record.client;
            [
                &c.code_verifier,
                &c.code_challenge,
                &c.state,
                &c.code,
                &c.access_token,
            ]
            .into_iter()
            .flatten()
            .cloned()
        })
        .collect();
    values.sort();
    values.dedup();
    // PKCE: verifier, challenge, state, code, token; without: the last three.
    assert_eq!(values.len(), 8, "{values:?}");
    assert!(values.iter().all(|v| v.len() == 43), "{values:?}");
    values
}

/// The places where `screen` shows a piece of `value` that is not part of
/// the whole value on one line: its first 8 characters not followed by the
/// rest, or its last 8 not preceded by the rest.
fn split_pieces(screen: &str, value: &str) -> Vec<String> {
    let (head, tail) = (&value[..8], &value[value.len() - 8..]);
    let mut split = Vec::new();
    for line in screen.lines() {
        for (at, _) in line.match_indices(head) {
            if !line[at..].starts_with(value) {
                split.push(line.to_owned());
            }
        }
        for (at, _) in line.match_indices(tail) {
            if !line[..at + tail.len()].ends_with(value) {
                split.push(line.to_owned());
            }
        }
    }
    split
}

#[tokio::test]
async fn no_value_of_the_run_is_split_at_100_columns_and_more() {
    for flow in [Flow::Pkce, Flow::Plain] {
        let mut app = app(flow, Stage::Verification, ThemeName::Mono);
        app.update(Action::ToggleContrast);
        load(&mut app).await;
        let values = values(&app);
        for mode in [Mode::Stepping, Mode::Contrast, Mode::Wire] {
            while app.mode != mode {
                app.update(match mode {
                    Mode::Contrast => Action::ToggleContrast,
                    Mode::Wire => Action::ToggleWire,
                    _ => Action::Close,
                });
            }
            for stage in Stage::ALL {
                app.update(Action::Jump(stage));
                for (w, h) in [(100, 30), (120, 40)] {
                    let screen = screen_text(&app, w, h);
                    let mut shown = 0;
                    for value in &values {
                        shown += screen.matches(value.as_str()).count();
                        let split = split_pieces(&screen, value);
                        assert!(
                            split.is_empty(),
                            "{flow:?} {mode:?} stage {} at {w}x{h}: {value} is split in\n{split:#?}\n{screen}",
                            stage.number()
                        );
                    }
                    // The check is not empty: from stage 1 on (the
                    // verifier), some values show.
                    if flow == Flow::Pkce && mode != Mode::Wire {
                        assert!(shown > 0, "{mode:?} stage {}\n{screen}", stage.number());
                    }
                }
            }
        }
    }
}

/// The inside of pane `column` (0 left, 1 right) on each row of the
/// stepping view's panes, right-trimmed.
fn pane_rows(screen: &str, column: usize) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !(l.starts_with("┌ CLIENT") || l.starts_with("┏ CLIENT")))
        .skip(1)
        .take_while(|l| l.starts_with(['│', '┃']))
        .map(|l| {
            let parts: Vec<&str> = l.split(['│', '┃']).filter(|p| !p.is_empty()).collect();
            parts.get(column).unwrap_or(&"").trim_end().to_owned()
        })
        .collect()
}

/// Where each whole occurrence of `value` sits in `rows`: its pieces, row
/// after row, as (column, length); a piece is the last word of its row.
fn placements(rows: &[String], value: &str) -> Vec<Vec<(usize, usize)>> {
    let mut found = Vec::new();
    let mut pieces = Vec::new();
    let mut rest = value;
    for row in rows {
        let word = row.rsplit(' ').next().unwrap_or_default();
        if word.is_empty() || !rest.starts_with(word) {
            (pieces, rest) = (Vec::new(), value);
            continue;
        }
        pieces.push((row.chars().count() - word.len(), word.len()));
        rest = &rest[word.len()..];
        if rest.is_empty() {
            found.push(std::mem::take(&mut pieces));
            rest = value;
        }
    }
    found
}

/// Scrolls the focused pane `column` line by line from its top and
/// returns the first rows where `a` and `b` both show whole.
fn rows_showing(app: &mut App, column: usize, a: &str, b: &str) -> Vec<String> {
    loop {
        let rows = pane_rows(&screen_text(app, 80, 24), column);
        let shown = |v: &str| placements(&rows, v).len();
        let together = if a == b {
            shown(a) >= 2
        } else {
            shown(a) >= 1 && shown(b) >= 1
        };
        if together {
            return rows;
        }
        let before = app.pane_scroll;
        app.update(Action::Scroll(Scroll::LineDown));
        assert_ne!(app.pane_scroll, before, "{a} and {b} never show together");
    }
}

#[tokio::test]
async fn compared_values_wrap_alike_at_80x24() {
    // Stage 6: what the server computed from the verifier, and what it
    // stored at stage 4.
    let mut app = app(Flow::Pkce, Stage::Verification, ThemeName::Mono);
    load(&mut app).await;
    app.resize(80, 24);
    let challenge = app
        .run(RunKey::honest(Flow::Pkce))
        .unwrap()
        .trace
        .stored_code()
        .unwrap()
        .code_challenge
        .clone()
        .unwrap();
    app.update(Action::Focus);
    app.update(Action::Focus);
    assert_eq!(app.focus, Focus::Right);
    let rows = rows_showing(&mut app, 1, &challenge, &challenge);
    let both = placements(&rows, &challenge);
    assert_eq!(both.len(), 2, "computed and stored: {rows:#?}");
    assert!(
        both[0].len() > 1,
        "at 80 columns the value wraps: {rows:#?}"
    );
    assert_eq!(both[0], both[1], "{rows:#?}");

    // Stage 5 amended: the verifier sent, one character changed, over the
    // verifier planned.
    let mut app = app_at(Stage::CodeIssued).await;
    app.update(Action::Amend);
    let planned = app
        .editor
        .as_ref()
        .unwrap()
        .planned
        .param("code_verifier")
        .unwrap()
        .to_owned();
    let other = if planned.ends_with('x') { 'y' } else { 'x' };
    let sent = format!("{}{other}", &planned[..planned.len() - 1]);
    let row = app
        .editor
        .as_ref()
        .unwrap()
        .fields
        .iter()
        .position(|f| f.name == "code_verifier")
        .unwrap();
    for _ in 0..row {
        app.update(Action::Editor(Input::Down));
    }
    for input in [
        Input::Enter,
        Input::Backspace,
        Input::Char(other),
        Input::Enter,
        Input::Char('s'),
    ] {
        app.update(Action::Editor(input));
    }
    load(&mut app).await;
    assert_eq!(app.stage, Stage::TokenRequest);
    app.resize(80, 24);
    for column in [0, 1] {
        app.update(Action::Focus);
        let rows = rows_showing(&mut app, column, &sent, &planned);
        let (now, was) = (placements(&rows, &sent), placements(&rows, &planned));
        assert!(now[0].len() > 1, "at 80 columns the value wraps: {rows:#?}");
        assert_eq!(now[0], was[0], "pane {column}: {rows:#?}");
    }
}

async fn app_at(stage: Stage) -> App {
    let mut app = app(Flow::Pkce, stage, ThemeName::Mono);
    load(&mut app).await;
    app
}

/// The rows inside the lesson panel ("Why · …" down to its bottom border),
/// right-trimmed.
fn lesson_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !(l.starts_with("┌ Why") || l.starts_with("┏ Why")))
        .skip(1)
        .take_while(|l| !l.starts_with(['└', '┗']))
        .map(|l| l.trim_matches(['│', '┃']).trim_end().to_owned())
        .collect()
}

/// Scrolls the lesson of the app's screen line by line at 80×24 and checks
/// that every line of it shows, each where it belongs: the whole lesson is
/// what a screen tall enough to hold it draws at the same width.
fn every_line_is_reached(app: &mut App, what: &str) {
    app.resize(80, 24);
    let mut whole = lesson_rows(&screen_text(app, 80, 300));
    while whole.last().is_some_and(String::is_empty) {
        whole.pop();
    }
    assert!(
        !whole.is_empty(),
        "{what}: no lesson\n{}",
        screen_text(app, 80, 300)
    );
    let mut seen = vec![false; whole.len()];
    loop {
        let shown = lesson_rows(&screen_text(app, 80, 24));
        let offset = usize::from(app.scroll);
        for (i, row) in shown.iter().enumerate() {
            if let Some(line) = whole.get(offset + i) {
                assert_eq!(row, line, "{what}: line {} at offset {offset}", offset + i);
                seen[offset + i] = true;
            }
        }
        app.update(Action::Scroll(Scroll::LineDown));
        if usize::from(app.scroll) == offset {
            break;
        }
    }
    if let Some(missed) = seen.iter().position(|s| !s) {
        panic!("{what}: line {missed} ({:?}) is never shown", whole[missed]);
    }
}

#[tokio::test]
async fn every_line_of_every_stage_lesson_is_reached_at_80x24_beside_the_panes() {
    for flow in [Flow::Pkce, Flow::Plain] {
        let mut app = app(flow, Stage::Verification, ThemeName::Mono);
        load(&mut app).await;
        for stage in Stage::ALL {
            app.update(Action::Jump(stage));
            let screen = screen_text(&app, 80, 24);
            assert!(screen.contains("┌ CLIENT"), "{screen}");
            let shown = lesson_rows(&screen).len();
            assert!(
                shown >= 4,
                "{flow:?} stage {}: {shown} lesson lines\n{screen}",
                stage.number()
            );
            every_line_is_reached(&mut app, &format!("{flow:?} stage {}", stage.number()));
        }
    }
}

#[tokio::test]
async fn every_line_of_every_attack_lesson_is_reached_at_80x24_full_screen() {
    let mut app = app(Flow::Pkce, Stage::Verifier, ThemeName::Mono);
    for attack in Attack::ALL {
        app.update(Action::ToggleAttack);
        app.update(Action::Picker(PickerInput::Pick(attack)));
        load(&mut app).await;
        for step in 0..app.attack_steps() {
            // The attack's sides leave its lesson little room: `f` gives
            // it the whole main area.
            app.update(Action::Focus);
            assert_eq!(app.focus, Focus::Lesson);
            every_line_is_reached(&mut app, &format!("{attack:?} step {}", step + 1));
            app.update(Action::Close);
            app.scroll = 0;
            app.update(Action::Next);
        }
        app.update(Action::Close);
    }
}

#[tokio::test]
async fn f_focuses_the_server_pane_which_then_scrolls_to_its_end() {
    let mut app = app_at(Stage::Verification).await;
    app.resize(80, 24);
    let screen = screen_text(&app, 80, 24);
    let last = "✓ resource: the bearer token is";
    assert!(!screen.contains(last), "below the pane at first\n{screen}");
    assert!(
        screen.contains("more f focus"),
        "the pane says how to read on\n{screen}"
    );
    app.update(Action::Scroll(Scroll::PageDown));
    assert_eq!(
        app.pane_scroll,
        [0, 0],
        "without a focus, the keys move the lesson"
    );
    assert!(app.scroll > 0);

    app.update(Action::Focus);
    app.update(Action::Focus);
    let lesson = app.scroll;
    for _ in 0..20 {
        app.update(Action::Scroll(Scroll::PageDown));
    }
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains(last), "{screen}");
    assert_eq!(app.scroll, lesson, "the lesson stayed where it was");
    assert_eq!(app.pane_scroll[0], 0, "the CLIENT pane too");
    // Past the end, one line up moves at once.
    let end = app.pane_scroll[1];
    app.update(Action::Scroll(Scroll::LineUp));
    assert_eq!(app.pane_scroll[1], end - 1);
    app.update(Action::Scroll(Scroll::PageUp));
    app.update(Action::Scroll(Scroll::PageUp));
    app.update(Action::Scroll(Scroll::PageUp));
    assert_eq!(app.pane_scroll[1], 0, "offsets clamp at the top");

    // The lesson full screen, then back to none.
    app.update(Action::Focus);
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("┏ Why"), "{screen}");
    assert!(!screen.contains("CLIENT"), "{screen}");
    app.update(Action::Focus);
    assert_eq!(app.focus, Focus::None);
    assert!(screen_text(&app, 80, 24).contains("┌ CLIENT"));
}

#[tokio::test]
async fn the_help_scrolls_to_the_end_of_its_glossary_at_80x24() {
    let mut app = app_at(Stage::AuthorizationRequest).await;
    app.resize(80, 24);
    app.update(Action::ToggleHelp);
    let screen = screen_text(&app, 80, 24);
    assert!(!screen.contains("bearer token"), "{screen}");
    for _ in 0..30 {
        app.update(Action::Scroll(Scroll::PageDown));
    }
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("bearer token"), "{screen}");
    assert!(screen.contains("RFC 6750"), "{screen}");
    assert_eq!(app.scroll, 0, "the lesson under it did not move");
    app.update(Action::ToggleHelp);
    app.update(Action::ToggleHelp);
    assert_eq!(app.help_scroll, 0, "the help opens at its top");
}
