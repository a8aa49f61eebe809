//! Stage 0 on screen: the MCP client's discovery and registration, one
//! request at a time, from real seeded runs (port pinned), with both
//! registrations (a client ID metadata document, and dynamic registration),
//! snapshotted at 80×24 and 120×40; the run sends each request only when
//! the learner steps to it; Right after the last step is stage 1.

mod tui_support;

use pkce_tutor::flow::{Flow, Registration, Stage};
use pkce_tutor::tui::{Action, App, Place, screen_text};
use tui_support::{LISTENER_PORT, PORT, app_registering, load};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Stage 0 at `step` (from 1), the run loaded as far as the screen asks.
async fn stage0(registration: Registration, step: usize) -> App {
    let mut app = app_registering(Flow::Pkce, Stage::Verifier, registration);
    app.update(Action::JumpToDiscovery);
    app.discovery_step = step - 1;
    load(&mut app).await;
    app
}

fn steps(app: &App) -> usize {
    app.run(pkce_tutor::tui::RunKey::honest(Flow::Pkce))
        .map_or(0, |run| run.trace.setup.len())
}

#[tokio::test]
async fn each_step_of_stage_0_with_both_registrations() {
    for registration in [Registration::Cimd, Registration::Dcr] {
        for step in 1..=4 {
            let app = stage0(registration, step).await;
            assert_eq!(
                steps(&app),
                step,
                "sent as far as the screen shows, no further"
            );
            for (w, h) in SIZES {
                let text = screen_text(&app, w, h);
                assert_eq!(text.lines().count(), usize::from(h));
                assert!(text.contains("stage 0/6"), "{text}");
                assert!(!text.contains("waiting for the real exchange"), "{text}");
                let name = format!("stage0_{}_step{step}_{w}x{h}", registration.name());
                insta::assert_snapshot!(name, text);
            }
        }
    }
}

#[tokio::test]
async fn stage_0_shows_the_chain_and_the_checks_the_client_made() {
    let first = screen_text(&stage0(Registration::Cimd, 1).await, 120, 40);
    for shown in [
        "→ POST /mcp",
        "← 401 Unauthorized",
        "✓",
        "resource_metadata",
    ] {
        assert!(first.contains(shown), "{shown}\n{first}");
    }
    let metadata = screen_text(&stage0(Registration::Cimd, 3).await, 120, 40);
    assert!(metadata.contains("lists S256"), "{metadata}");
    let cimd = screen_text(&stage0(Registration::Cimd, 4).await, 120, 40);
    let document = format!("http://127.0.0.1:{LISTENER_PORT}/oauth-client.json");
    assert!(cimd.contains(&document), "{cimd}");
    assert!(
        !cimd.contains("→ POST /register"),
        "nothing registered\n{cimd}"
    );
    assert!(cimd.contains("nothing received"), "{cimd}");
    let dcr = screen_text(&stage0(Registration::Dcr, 4).await, 120, 40);
    assert!(dcr.contains("→ POST /register"), "{dcr}");
    assert!(dcr.contains("← 201 Created"), "{dcr}");
    assert!(dcr.contains("application_type"), "{dcr}");
    assert!(dcr.contains(&format!("127.0.0.1:{PORT}")), "{dcr}");
}

#[tokio::test]
async fn right_walks_stage_0_then_stage_1_and_left_walks_back() {
    let mut app = stage0(Registration::Cimd, 4).await;
    assert_eq!(app.discovery_step, 3);
    app.update(Action::Next);
    assert_eq!((app.place, app.stage), (Place::Stages, Stage::Verifier));
    app.update(Action::Prev);
    assert_eq!((app.place, app.discovery_step), (Place::Discovery, 3));
    for step in (0..3).rev() {
        app.update(Action::Prev);
        assert_eq!(app.discovery_step, step);
    }
    app.update(Action::Prev);
    assert_eq!(app.place, Place::Intro);
}

#[tokio::test]
async fn the_wire_view_of_stage_0_is_the_request_shown() {
    let mut app = stage0(Registration::Dcr, 2).await;
    app.update(Action::ToggleWire);
    assert_eq!(app.place, Place::Discovery, "w stays on stage 0");
    let text = screen_text(&app, 120, 40);
    assert!(
        text.contains("GET /.well-known/oauth-protected-resource/mcp HTTP/1.1"),
        "{text}"
    );
    assert!(text.contains("HTTP/1.1 200 OK"), "{text}");
}
