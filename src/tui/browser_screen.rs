//! The wait for the learner's own browser (`--browser`), at stage 3 (the
//! browser is to open the authorization URL) and stage 4 (the learner is to
//! approve, and the browser to come back to the client's loopback
//! listener). The URL is drawn without a frame, from the first column, so
//! that it can be selected and copied whole (over SSH nothing opens); Esc
//! hands the stage to the simulated browser.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use crate::flow::Stage;

use super::app::{App, Mode, RunKey};
use super::rows::{hard_wrap, word_wrap};
use super::scroll::Extent;

/// Whether the main area shows the wait: the stepped run's stage on screen
/// waits for the learner's browser and has not arrived.
pub fn shows(app: &App) -> bool {
    app.mode == Mode::Stepping
        && app.browser_wait().is_some()
        && app
            .run(RunKey::honest(app.flow))
            .is_some_and(|run| run.stage(app.stage).is_none())
}

/// The wait's lines for a width.
fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let width = usize::from(width).max(1);
    let Some(wait) = app.browser_wait() else {
        return Vec::new();
    };
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut words = |text: &str, style| {
        for line in word_wrap(text, width) {
            out.push(Line::styled(line, style));
        }
    };
    if wait.stage == Stage::AuthorizationRequest {
        words(
            "Stage 3 happens in your browser. The client built the authorization request; \
             your browser sends it to the server.",
            theme.heading,
        );
        match &wait.opened {
            Ok(command) => words(
                &format!(
                    "The tour asked {command} to open this URL (if no window came up, open it yourself):"
                ),
                theme.value,
            ),
            Err(why) => words(
                &format!(
                    "No browser could be started here ({why}). Open this URL in a browser on this machine:"
                ),
                theme.value,
            ),
        }
        out.push(Line::default());
        for piece in hard_wrap(&wait.url, width) {
            out.push(Line::styled(piece, theme.lit));
        }
        out.push(Line::default());
        let mut words = |text: &str, style| {
            for line in word_wrap(text, width) {
                out.push(Line::styled(line, style));
            }
        };
        words(
            "Then approve on the consent page there: the server redirects your browser to \
             the client's loopback listener with the code, and the tour moves on.",
            theme.value,
        );
    } else {
        words(
            "Stage 4 happens in your browser: approve (or deny) on the consent page. The \
             server then redirects your browser to the client's loopback listener, which \
             brings the code back here.",
            theme.heading,
        );
        words("The page came from this URL:", theme.dim);
        for piece in hard_wrap(&wait.url, width) {
            out.push(Line::styled(piece, theme.dim));
        }
    }
    out.push(Line::default());
    for line in word_wrap(
        "⏳ waiting for your browser…  Esc: the simulated browser does it instead",
        width,
    ) {
        out.push(Line::styled(line, theme.missing));
    }
    out
}

/// How far the wait scrolls in `area`.
pub fn extent(app: &App, area: Rect) -> Extent {
    Extent::new(lines(app, area.width).len(), usize::from(area.height))
}

/// Draws the wait in `area` (the main area), scrolled by the main offset.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let all = lines(app, area.width);
    let extent = Extent::new(all.len(), usize::from(area.height));
    let scroll = usize::from(extent.clamp(app.scroll));
    let visible: Vec<Line> = all.into_iter().skip(scroll).collect();
    Paragraph::new(visible)
        .style(app.theme.base)
        .render(area, buf);
}
