//! The whole screen as a pure function of the [`App`]: the stage bar, the
//! main area of the mode (client and server panes with the sequence strip,
//! the contrast, or the attack lab), the lesson panel, the footer, and the
//! help overlay on top. Below the minimum size, the too-small screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Widget};

use crate::flow::Stage;

use super::app::{App, Mode, RunKey};
use super::content::{client_items, pending};
use super::events::server_items;
use super::pane::Pane;
use super::rows::Item;
use super::{
    attack_lab, contrast, editor, help, lesson, sequence, stage_bar, status_line, too_small,
    wire_view,
};

/// Draws the screen into `buf`.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    Block::new().style(app.theme.base).render(area, buf);
    if too_small::is_too_small(area) {
        too_small::render(app, area, buf);
        return;
    }
    let title_height = u16::try_from(stage_bar::title_lines(app, area.width).len()).unwrap_or(1);
    let footer_height = app
        .status
        .as_deref()
        .map_or(1, |s| status_line::height(s, area.width));
    let [top, body, footer] = Layout::vertical([
        Constraint::Length(1 + title_height.min(2)),
        Constraint::Fill(1),
        Constraint::Length(footer_height),
    ])
    .areas(area);
    stage_bar::render(app, top, buf);
    match &app.status {
        Some(status) => status_line::render(status, &app.theme, footer, buf),
        None => stage_bar::render_footer(app, footer, buf),
    }
    match app.mode {
        Mode::Stepping => render_stepping(app, body, buf),
        Mode::Wire => wire_view::render(app, body, buf),
        Mode::Contrast => {
            let [plain, pkce] = contrast::columns(app, body.width / 2);
            let want = want_of_columns(&[&plain.1, &pkce.1], body.width, app);
            let (top, rest) = split_with_lesson(body, want, 6);
            contrast::render(app, top, buf);
            if let Some(rest) = rest {
                lesson::render(app, rest, buf);
            }
        }
        Mode::AttackLab => {
            let columns = [
                attack_lab::column(app, crate::flow::Flow::Plain),
                attack_lab::column(app, crate::flow::Flow::Pkce),
            ];
            let want = want_of_columns(&[&columns[0], &columns[1]], body.width, app);
            let (top, rest) = split_with_lesson(body, want, 6);
            attack_lab::render(app, top, buf);
            if let Some(rest) = rest {
                lesson::render(app, rest, buf);
            }
        }
    }
    if let Some(editor) = &app.editor {
        editor::view::render(editor, body, buf, &app.theme);
    }
    if app.help {
        help::render(app, area, buf);
    }
}

fn want_of_columns(columns: &[&Vec<Item>], width: u16, app: &App) -> u16 {
    let half = width / 2;
    columns
        .iter()
        .map(|items| Pane::wanted_height(items, half, &app.theme))
        .max()
        .unwrap_or(3)
}

/// Splits `body` into the main part (as tall as it wants, leaving the
/// lesson at least `min_lesson` lines) and the lesson panel, which is left
/// out on short screens or when it would get fewer than 4 lines.
fn split_with_lesson(body: Rect, want: u16, min_lesson: u16) -> (Rect, Option<Rect>) {
    if body.height < 30 {
        return (body, None);
    }
    let top = want
        .min(body.height.saturating_sub(min_lesson))
        .max(body.height.min(8));
    let rest = body.height.saturating_sub(top);
    if rest < 4 {
        return (body, None);
    }
    let [top, rest] = Layout::vertical([Constraint::Length(top), Constraint::Fill(1)]).areas(body);
    (top, Some(rest))
}

/// The CLIENT and SERVER panes' items for the app's stage.
pub fn pane_items(app: &App) -> (Vec<Item>, Vec<Item>) {
    let key = RunKey::honest(app.flow);
    let run = app.run(key);
    match run.and_then(|r| r.stage(app.stage).map(|rec| (r, rec))) {
        Some((run, _)) if !run.stage(app.stage).is_some_and(|r| r.reached) => {
            let items = not_reached_items(run, app.stage);
            (items.clone(), items)
        }
        Some((run, record)) => {
            let left = (app.stage == Stage::CodeIssued)
                .then(|| app.code_seconds_left(key))
                .flatten();
            (
                client_items(record),
                server_items(run, app.flow, app.stage, left),
            )
        }
        None => (pending(run), pending(run)),
    }
}

/// A stage the flow did not reach, said in words on both sides.
pub fn not_reached_items(run: &super::app::Run, stage: Stage) -> Vec<Item> {
    let why = super::bench::not_reached(run, stage).unwrap_or_default();
    vec![
        Item::note(format!("✗ {why}"), super::rows::Tone::Bad),
        Item::note("R replays the flow untouched", super::rows::Tone::Dim),
    ]
}

fn render_stepping(app: &App, body: Rect, buf: &mut Buffer) {
    let (client, server) = pane_items(app);
    let strip = sequence::height(body.height);
    // Halves, unless the panes do not fit: then split the width where the
    // taller pane gets more room (within 40–60 %).
    let room = body.height.saturating_sub(strip + 4);
    let (half, want) = [50u16, 45, 55, 40, 60]
        .into_iter()
        .map(|percent| {
            let left = body.width * percent / 100;
            let want = Pane::wanted_height(&client, left, &app.theme).max(Pane::wanted_height(
                &server,
                body.width - left,
                &app.theme,
            ));
            (left, want)
        })
        .enumerate()
        .min_by_key(|&(i, (_, want))| if i == 0 && want <= room { 0 } else { want })
        .map_or((body.width / 2, 3), |(_, split)| split);
    let min_lesson = if body.height >= 24 { 8 } else { 4 };
    let panes_height = want
        .min(body.height.saturating_sub(strip + min_lesson))
        .max(3);
    let [panes, strip_area, lesson_area] = Layout::vertical([
        Constraint::Length(panes_height),
        Constraint::Length(strip),
        Constraint::Fill(1),
    ])
    .areas(body);
    let [left, right] =
        Layout::horizontal([Constraint::Length(half), Constraint::Fill(1)]).areas(panes);
    let address = app
        .run(RunKey::honest(app.flow))
        .and_then(|r| r.address())
        .unwrap_or("starting…");
    let theme = &app.theme;
    let hint = "";
    Pane {
        title: "CLIENT (MCP client, public)".into(),
        items: &client,
        scroll: 0,
        hint,
        theme,
    }
    .render(left, buf);
    Pane {
        title: format!("AUTHORIZATION SERVER {address}"),
        items: &server,
        scroll: 0,
        hint,
        theme,
    }
    .render(right, buf);
    sequence::render(app, strip_area, buf);
    lesson::render(app, lesson_area, buf);
}
