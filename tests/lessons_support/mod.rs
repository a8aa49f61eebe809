//! Shared by the `lessons_*` tests: real recorded runs (seed 7) and a
//! renderer of lesson text into a ratatui buffer.
#![allow(dead_code)]

use pkce_tutor::flow::{Attack, Flow, Scenario, Trace};
use pkce_tutor::tui::markdown::{MarkdownStyles, lesson_text};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// The seed every lesson test records with.
pub const SEED: u64 = 7;

/// Runs the real flow (server and client on loopback) and returns its trace.
pub fn trace(flow: Flow, attack: Option<Attack>) -> Trace {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime
        .block_on(pkce_tutor::flow::run(Scenario {
            attack,
            seed: Some(SEED),
            ..Scenario::new(flow)
        }))
        .unwrap_or_else(|e| panic!("the {flow:?} flow with {attack:?} failed: {e}"))
}

/// The seeded PKCE run of a quick experiment.
pub fn experiment_trace(experiment: pkce_tutor::flow::Experiment) -> Trace {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime
        .block_on(pkce_tutor::flow::run_experiment(
            experiment,
            Scenario {
                seed: Some(SEED),
                ..Scenario::new(Flow::Pkce)
            },
        ))
        .unwrap_or_else(|e| panic!("the {experiment:?} experiment failed: {e}"))
}

/// Every scenario: both flows, without an attack and with each attack.
pub fn scenarios() -> Vec<(Flow, Option<Attack>)> {
    let mut all = Vec::new();
    for flow in [Flow::Pkce, Flow::Plain] {
        all.push((flow, None));
        for attack in Attack::ALL {
            all.push((flow, Some(attack)));
        }
    }
    all
}

/// Draws filled lesson Markdown as the TUI does (a wrapping `Paragraph`) into
/// a buffer `width` columns wide and returns its rows, trailing blanks cut.
/// Non-breaking spaces (which keep citations together) are shown as spaces,
/// as a terminal shows them.
pub fn render(markdown: &str, width: u16) -> Vec<String> {
    let text = lesson_text(markdown, &MarkdownStyles::default());
    let area = Rect::new(0, 0, width, 200);
    let mut buffer = Buffer::empty(area);
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .render(area, &mut buffer);
    let mut rows: Vec<String> = (0..area.height)
        .map(|y| {
            let row: String = (0..area.width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect();
            row.replace('\u{a0}', " ").trim_end().to_owned()
        })
        .collect();
    while rows.last().is_some_and(String::is_empty) {
        rows.pop();
    }
    rows
}
