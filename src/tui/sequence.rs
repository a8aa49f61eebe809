//! The sequence strip: client, browser and server on one line with the
//! arrow of the current stage between them, lit, and the name of the stage's
//! actor lit too: the client, or at stages 3 and 4 the browser (which sends
//! the authorization request, then the user's Approve, and carries the
//! redirect back). When there is room, all six hops are listed with the
//! current one lit and marked `▸`. A hop of the stepped run that went
//! otherwise (a refused request, a stage not reached, no token) says so
//! instead of its usual caption.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::flow::{Flow, Stage};

use super::app::{App, RunKey};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hop {
    /// Computed inside the client.
    Local,
    /// client → browser → server (front channel).
    ToServerViaBrowser,
    /// browser → server (the user's Approve), and the redirect it gets
    /// back carried on to the client.
    ApproveViaBrowser,
    /// client → server (back channel).
    ToServer,
    /// server → client (back channel answer).
    ToClient,
}

fn hop(stage: Stage, flow: Flow) -> (Hop, &'static str) {
    let pkce = flow == Flow::Pkce;
    match stage {
        Stage::Verifier if pkce => (Hop::Local, "(1) makes a code_verifier, keeps it"),
        Stage::Verifier => (Hop::Local, "(1) nothing to make: no verifier"),
        Stage::Challenge if pkce => (Hop::Local, "(2) code_challenge = BASE64URL(SHA256(v))"),
        Stage::Challenge => (Hop::Local, "(2) nothing to derive: no challenge"),
        Stage::AuthorizationRequest if pkce => (
            Hop::ToServerViaBrowser,
            "(3) GET /authorize +code_challenge",
        ),
        Stage::AuthorizationRequest => (Hop::ToServerViaBrowser, "(3) GET /authorize"),
        Stage::CodeIssued => (Hop::ApproveViaBrowser, "(4) POST /consent: Approve"),
        Stage::TokenRequest if pkce => (Hop::ToServer, "(5) POST /token code +code_verifier"),
        Stage::TokenRequest => (Hop::ToServer, "(5) POST /token code, no proof"),
        Stage::Verification if pkce => (Hop::ToClient, "(6) checked ✓ → access_token"),
        Stage::Verification => (Hop::ToClient, "(6) access_token, nothing checked"),
    }
}

/// How many lines the strip takes in a body of that height.
pub fn height(body_height: u16) -> u16 {
    if body_height >= 34 { 6 } else { 1 }
}

/// Writes `text` into the cells from `x` on (what does not fit is dropped).
pub(super) fn put(cells: &mut [(char, Style)], x: usize, text: &str, style: Style) {
    for (i, c) in text.chars().enumerate() {
        if let Some(cell) = cells.get_mut(x + i) {
            *cell = (c, style);
        }
    }
}

/// A label squeezed into `room` cells (labels are captions, not values).
pub(super) fn fit(label: &str, room: usize) -> String {
    if label.chars().count() <= room {
        label.to_owned()
    } else if room == 0 {
        String::new()
    } else {
        let mut s: String = label.chars().take(room - 1).collect();
        s.push('…');
        s
    }
}

/// Draws an arrow from `from` to `to` (cell columns, either direction) with
/// a label near its tail.
pub(super) fn arrow(
    cells: &mut [(char, Style)],
    from: usize,
    to: usize,
    label: &str,
    style: Style,
) {
    let (lo, hi) = (from.min(to), from.max(to));
    if hi <= lo + 1 {
        return;
    }
    for cell in cells.iter_mut().take(hi).skip(lo) {
        *cell = ('─', style);
    }
    if to > from {
        cells[hi - 1] = ('▶', style);
    } else {
        cells[lo] = ('◀', style);
    }
    let room = (hi - lo).saturating_sub(6);
    let text = fit(label, room);
    if !text.is_empty() {
        put(cells, lo + 3, &text, style);
    }
}

/// The query of the redirect the browser carries to the client at stage 4.
const REDIRECT: &str = "?code&state&iss";

/// One hop's line: `style` for its arrow, `names` for the lanes' names and
/// `actor` for the name of who acts at that stage.
fn strip_line(
    width: usize,
    stage: Stage,
    app: &App,
    style: Style,
    names: Style,
    actor: Style,
) -> Line<'static> {
    let mut cells = vec![(' ', Style::default()); width];
    let client_end = 8.min(width);
    let server_x = width.saturating_sub(7);
    let browser_x = width / 4 + 2;
    let (kind, usual) = hop(stage, app.flow);
    let outcome = outcome(app, stage);
    let label = outcome.as_deref().unwrap_or(usual);
    let by_browser = matches!(kind, Hop::ToServerViaBrowser | Hop::ApproveViaBrowser);
    let (client, browser) = if by_browser {
        (names, actor)
    } else {
        (actor, names)
    };
    put(&mut cells, 1, "client", client);
    put(&mut cells, server_x, "server", names);
    match kind {
        Hop::Local => {
            // Nothing leaves the client: the caption may run past the
            // browser, whose name is drawn only where the caption leaves room.
            let text = fit(
                &format!("↺ {label}"),
                server_x.saturating_sub(client_end + 1),
            );
            if client_end + text.chars().count() + 1 < browser_x {
                put(&mut cells, browser_x, "browser", browser);
            }
            put(&mut cells, client_end, &text, style);
        }
        Hop::ToServerViaBrowser | Hop::ApproveViaBrowser => {
            put(&mut cells, browser_x, "browser", browser);
            let (a, b) = (client_end, browser_x.saturating_sub(1));
            let (c, d) = (browser_x + 8, server_x.saturating_sub(1));
            if kind == Hop::ToServerViaBrowser {
                arrow(&mut cells, a, b, "", style);
            } else {
                // No redirect to carry when the approval went otherwise.
                let redirect = if outcome.is_some() { "" } else { REDIRECT };
                arrow(&mut cells, b, a, redirect, style);
            }
            arrow(&mut cells, c, d, label, style);
        }
        Hop::ToServer => arrow(
            &mut cells,
            client_end,
            server_x.saturating_sub(1),
            label,
            style,
        ),
        Hop::ToClient => arrow(
            &mut cells,
            server_x.saturating_sub(1),
            client_end,
            label,
            style,
        ),
    }
    cells_line(cells)
}

/// The cells as a line, neighbouring cells of one style in one span.
pub(super) fn cells_line(cells: Vec<(char, Style)>) -> Line<'static> {
    let mut spans: Vec<Span> = Vec::new();
    for (c, s) in cells {
        match spans.last_mut() {
            Some(last) if last.style == s => last.content.to_mut().push(c),
            _ => spans.push(Span::styled(c.to_string(), s)),
        }
    }
    Line::from(spans)
}

/// What became of a stage of the stepped run, when it is not what the hop's
/// usual caption says: refused, not reached, or no token to present.
fn outcome(app: &App, stage: Stage) -> Option<String> {
    let record = app.run(RunKey::honest(app.flow))?.stage(stage)?;
    let n = stage.number();
    if !record.reached {
        return Some(format!("({n}) not reached"));
    }
    // The first request the server said no to: an error status, or a
    // redirect carrying an error.
    for exchange in record.exchanges() {
        let response = &exchange.response;
        let redirected = response
            .location_params()
            .into_iter()
            .find(|p| p.name == "error")
            .map(|p| p.value);
        if response.status < 400 && redirected.is_none() {
            continue;
        }
        let error = redirected
            .or_else(|| response.json_str("error"))
            .or_else(|| record.client.error.clone())
            .unwrap_or_else(|| response.status.to_string());
        return Some(format!(
            "({n}) {} refused: {error}",
            exchange.request.summary()
        ));
    }
    match (&record.client.access_token, &record.client.error) {
        (None, Some(error)) if stage == Stage::Verification => {
            Some(format!("(6) no token ({error}): nothing to call"))
        }
        _ => None,
    }
}

/// Draws the strip for the current stage of the app's flow.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if app.place == super::tour::Place::Discovery {
        return super::discovery_screen::render_strip(app, area, buf);
    }
    let theme = &app.theme;
    let width = usize::from(area.width);
    let lines: Vec<Line> = if area.height >= 6 {
        Stage::ALL
            .iter()
            .map(|&stage| {
                let current = stage == app.stage;
                let style = if current { theme.lit } else { theme.dim };
                let actor = if current { theme.lit } else { theme.label };
                let mut line = strip_line(
                    width.saturating_sub(1),
                    stage,
                    app,
                    style,
                    theme.label,
                    actor,
                );
                line.spans
                    .insert(0, Span::styled(if current { "▸" } else { " " }, style));
                line
            })
            .collect()
    } else {
        vec![strip_line(
            width,
            app.stage,
            app,
            theme.lit,
            theme.label,
            theme.lit,
        )]
    };
    Paragraph::new(lines).style(theme.base).render(area, buf);
}
