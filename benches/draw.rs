//! Drawing one 120×40 frame of the busiest stepping screen (stage 6 of the
//! PKCE flow) and of the contrast, from real seeded runs loaded once.
//! Target: well under 1 ms a frame.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use pkce_tutor::flow::{Flow, Stage};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::tui::{self, Action, App, Config, ThemeName};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn loaded(contrast: bool) -> App {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut app = App::new(Config {
        flow: Flow::Pkce,
        stage: Stage::Verification,
        seed: Some(7),
        port: None,
        edits: Vec::new(),
        theme: ThemeName::Dark,
        notes: false,
        lessons: Arc::new(LessonSet::builtin()),
        autoplay: None,
        code_lifetime: None,
        registration: pkce_tutor::flow::Registration::Cimd,
        browser: pkce_tutor::flow::BrowserMode::Simulated,
    });
    if contrast {
        app.update(Action::ToggleContrast);
    }
    runtime.block_on(tui::load(&mut app)).expect("real runs");
    app
}

fn draw(c: &mut Criterion) {
    let area = Rect::new(0, 0, 120, 40);
    for (name, app) in [
        ("draw_120x40_stage6", loaded(false)),
        ("draw_120x40_contrast6", loaded(true)),
    ] {
        let mut buffer = Buffer::empty(area);
        c.bench_function(name, |b| {
            b.iter(|| {
                buffer.reset();
                tui::draw(black_box(&app), area, &mut buffer);
            })
        });
    }
}

criterion_group!(benches, draw);
criterion_main!(benches);
