//! The sequence strip of an attack: three lanes, the client on the left,
//! the server in the middle and the attacker on the right, so that the
//! client's requests and the attacker's meet at the server without
//! crossing a lane. The row's arrow is lit, and the name of whoever acts.
//! A step that sends nothing turns (`↺`) in its actor's lane. When there is
//! room every row is listed, the current one marked `▸`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::record::{Actor, StepRecord};
use crate::tui::app::App;
use crate::tui::sequence::{arrow, cells_line, fit, put};

use super::align::{self, Cell, Role, Row};
use super::{Side, script};

/// How many lines the strip takes in a body of that height.
pub fn height(body_height: u16, rows: usize) -> u16 {
    if body_height >= 34 {
        u16::try_from(rows).unwrap_or(1).max(1)
    } else {
        1
    }
}

/// What a row's line draws.
enum Hop {
    /// A request from that actor to the server.
    Request(Actor, String),
    /// A step of that actor that sends nothing.
    Local(Actor, &'static str),
}

/// The row's hop, from whichever side recorded the step.
fn hop(app: &App, row: &Row) -> Hop {
    let lab = &app.lab;
    let recorded: Option<&StepRecord> =
        Side::BOTH
            .iter()
            .find_map(|&side| match align::cell(app, lab, side, row.role) {
                Cell::Step(step) => Some(step),
                _ => None,
            });
    match (row.role, recorded) {
        (Role::Opening, _) => Hop::Local(Actor::Client, "1–4: victim gets a code"),
        (_, Some(step)) => match &step.exchange {
            Some(exchange) => Hop::Request(step.actor, exchange.request.summary()),
            None => Hop::Local(step.actor, local_label(lab.attack, row)),
        },
        (Role::RealClient, None) => Hop::Request(Actor::Client, "POST /token".into()),
        (Role::Step(_), None) => Hop::Local(Actor::Attacker, local_label(lab.attack, row)),
    }
}

fn local_label(attack: crate::flow::Attack, row: &Row) -> &'static str {
    match row.role {
        Role::Step(i) => script::of(attack)
            .steps
            .get(i)
            .and_then(|s| s.local)
            .unwrap_or(""),
        _ => "",
    }
}

/// One row's line: `style` for its arrow, `names` for the lanes, `actor`
/// for the name of who acts.
fn line(width: usize, hop: &Hop, style: Style, names: Style, actor: Style) -> Line<'static> {
    let mut cells = vec![(' ', Style::default()); width];
    let client_end = 8.min(width);
    let server_x = (width / 2).saturating_sub(3);
    let server_end = server_x + 7;
    let attacker_x = width.saturating_sub(9);
    let who = match hop {
        Hop::Request(a, _) | Hop::Local(a, _) => *a,
    };
    let lit = |lane: Actor| if lane == who { actor } else { names };
    put(&mut cells, 1, "client", lit(Actor::Client));
    put(&mut cells, server_x, "server", names);
    put(&mut cells, attacker_x, "attacker", lit(Actor::Attacker));
    match hop {
        Hop::Request(Actor::Attacker, label) => arrow(
            &mut cells,
            attacker_x.saturating_sub(1),
            server_end,
            label,
            style,
        ),
        Hop::Request(_, label) => arrow(
            &mut cells,
            client_end,
            server_x.saturating_sub(1),
            label,
            style,
        ),
        Hop::Local(Actor::Attacker, label) => {
            let room = attacker_x.saturating_sub(server_end + 1);
            let text = fit(&format!("{label} ↺"), room);
            let x = attacker_x.saturating_sub(text.chars().count() + 1);
            put(&mut cells, x, &text, style);
        }
        Hop::Local(_, label) => {
            let text = fit(
                &format!("↺ {label}"),
                server_x.saturating_sub(client_end + 1),
            );
            put(&mut cells, client_end, &text, style);
        }
    }
    cells_line(cells)
}

/// Draws the strip: every row when `area` is tall enough, else the row
/// shown.
pub fn render(app: &App, rows: &[Row], area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width);
    let lines: Vec<Line> = if usize::from(area.height) >= rows.len() && area.height > 1 {
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                let current = i == app.lab.step;
                let style = if current { theme.lit } else { theme.dim };
                let actor = if current { theme.lit } else { theme.label };
                let mut line = line(
                    width.saturating_sub(1),
                    &hop(app, row),
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
        rows.get(app.lab.step)
            .map(|row| line(width, &hop(app, row), theme.lit, theme.label, theme.lit))
            .into_iter()
            .collect()
    };
    Paragraph::new(lines).style(theme.base).render(area, buf);
}
