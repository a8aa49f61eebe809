//! No panic at any size from 1×1 to 300×100: every stage of both flows, in
//! every mode and with the help open, drawn on a grid of sizes; every line
//! fits the width.

mod tui_support;

use pkce_tutor::flow::{Flow, Stage};
use pkce_tutor::tui::{Action, Mode, ThemeName, screen_text};
use tui_support::{app, load};

const WIDTHS: [u16; 16] = [
    1, 2, 3, 7, 19, 20, 40, 59, 60, 61, 79, 80, 81, 120, 200, 300,
];
const HEIGHTS: [u16; 14] = [1, 2, 3, 5, 10, 17, 18, 19, 23, 24, 30, 40, 64, 100];

#[tokio::test]
async fn every_stage_at_every_size() {
    for flow in [Flow::Pkce, Flow::Plain] {
        let mut app = app(flow, Stage::Verification, ThemeName::Light);
        app.update(Action::ToggleContrast);
        load(&mut app).await;
        app.update(Action::ToggleAttack);
        load(&mut app).await;
        for mode in [Mode::Stepping, Mode::Contrast, Mode::AttackLab] {
            while app.mode != mode {
                app.update(match mode {
                    Mode::Contrast => Action::ToggleContrast,
                    Mode::AttackLab => Action::ToggleAttack,
                    Mode::Stepping => Action::Close,
                });
            }
            for stage in Stage::ALL {
                app.update(Action::Jump(stage));
                for help in [false, true] {
                    app.help = help;
                    for &w in &WIDTHS {
                        for &h in &HEIGHTS {
                            let text = screen_text(&app, w, h);
                            assert_eq!(text.lines().count(), usize::from(h));
                            for line in text.lines() {
                                assert!(line.chars().count() <= usize::from(w), "{w}x{h}: {line}");
                            }
                        }
                    }
                }
            }
        }
    }
}
