//! The stepping screen's layout: the CLIENT and SERVER panes sized by what
//! they hold, the sequence strip, and the lesson in the rows the panes do
//! not need.
//!
//! The width is split so that no value is cut in two where the screen is
//! wide enough for each pane to hold its longest value on a line of its
//! own (100 columns hold two 43-character values); on narrower screens,
//! where the taller pane gets more room. The panes take the height they
//! want, less what leaves the lesson its minimum; what does not fit
//! scrolls once `f` focuses the pane.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::flow::Stage;

use super::app::{App, Run, RunKey};
use super::bench;
use super::client_pane::{
    client_items, client_items_brief, fold_ordinary, fold_unamended, pending,
};
use super::pane::Pane;
use super::rows::{Item, Tone, str_width};
use super::sequence;
use super::server_pane::server_items;
use super::view::Panes;

/// The fewest rows the lesson keeps under the panes, borders included:
/// four lines of text on an 80×24 screen, six on taller ones.
fn min_lesson(body_height: u16) -> u16 {
    if body_height >= 24 { 8 } else { 6 }
}

/// The stepping screen laid out in `body`.
pub fn layout(app: &App, body: Rect) -> Panes {
    let (mut client, server) = pane_items(app);
    // Stage 6 on a small screen: the MCP session in one line and the
    // tool's answer, so that the server's verdict and the answer show.
    if app.stage == Stage::Verification
        && overflows(app, body, &client, &server)
        && let Some(brief) = brief_client_items(app)
    {
        client = brief;
    }
    layout_items(app, body, client, server)
}

/// Whether these panes, folded as [`layout_items`] folds them, still need
/// more rows than they get.
fn overflows(app: &App, body: Rect, client: &[Item], server: &[Item]) -> bool {
    let strip = sequence::height(body.height);
    let room = body.height.saturating_sub(strip + min_lesson(body.height));
    let client = fold_ordinary(fold_unamended(client.to_vec()));
    let server = fold_ordinary(fold_unamended(server.to_vec()));
    split_panes(app, body, room, &client, &server).1 > room
}

/// The CLIENT items of the stage shown, its MCP session in one line.
fn brief_client_items(app: &App) -> Option<Vec<Item>> {
    let run = app.run(RunKey::honest(app.flow))?;
    let record = run.stage(app.stage).filter(|r| r.reached)?;
    Some(client_items_brief(&run.trace, record))
}

/// The CLIENT and SERVER panes holding these items, the strip and the
/// lesson, laid out in `body` (stage 0 lays out its own items so).
pub fn layout_items(app: &App, body: Rect, mut client: Vec<Item>, mut server: Vec<Item>) -> Panes {
    let strip = sequence::height(body.height);
    let min_lesson = min_lesson(body.height);
    let room = body.height.saturating_sub(strip + min_lesson);
    let mut split = split_panes(app, body, room, &client, &server);
    // An amended request that does not fit folds the parameters sent as
    // planned, so that what was amended and the answer stay in view.
    if split.1 > room {
        client = fold_unamended(client);
        server = fold_unamended(server);
        split = split_panes(app, body, room, &client, &server);
    }
    // Still too tall (80×24): the parameters every flow sends alike fold,
    // so that PKCE's values stay in view.
    if split.1 > room {
        client = fold_ordinary(client);
        server = fold_ordinary(server);
        split = split_panes(app, body, room, &client, &server);
    }
    let (left, want) = split;
    let [panes, strip, lesson] = Layout::vertical([
        Constraint::Length(want.min(room).max(3)),
        Constraint::Length(strip),
        Constraint::Fill(1),
    ])
    .areas(body);
    let address = app
        .run(RunKey::honest(app.flow))
        .and_then(|r| r.address())
        .unwrap_or("starting…");
    Panes {
        titles: [
            "CLIENT (MCP client, public)".to_owned(),
            server_title(address, body.width.saturating_sub(left)),
        ],
        areas: Layout::horizontal([Constraint::Length(left), Constraint::Fill(1)]).areas(panes),
        items: [client, server],
        strip: Some(strip),
        lesson: (lesson.height >= 3).then_some(lesson),
        follow: false,
    }
}

/// The SERVER pane's title for a pane `width` cells wide: shorter rather
/// than cut, so that the port always shows whole.
fn server_title(address: &str, width: u16) -> String {
    // The title sits between the corners, a space either side of it.
    let room = usize::from(width).saturating_sub(4);
    [
        format!("AUTHORIZATION SERVER {address}"),
        format!("SERVER {address}"),
        address.to_owned(),
    ]
    .into_iter()
    .find(|title| str_width(title) <= room)
    .unwrap_or_else(|| "SERVER".to_owned())
}

/// The CLIENT and SERVER panes' items for the app's stage.
fn pane_items(app: &App) -> (Vec<Item>, Vec<Item>) {
    let key = RunKey::honest(app.flow);
    let run = app.run(key);
    match run.and_then(|r| r.stage(app.stage).map(|rec| (r, rec))) {
        Some((run, record)) if !record.reached => {
            let items = not_reached_items(run, app.stage);
            (items.clone(), items)
        }
        Some((run, record)) => {
            let left = (app.stage == Stage::CodeIssued)
                .then(|| app.code_seconds_left(key))
                .flatten();
            (
                client_items(&run.trace, record),
                server_items(run, app.flow, app.stage, left),
            )
        }
        None => (pending(run), pending(run)),
    }
}

/// The width of the left pane and the height the taller pane wants:
/// among splits from 40 to 60 %, those that cut no value when there are
/// any; of those, halves when the panes fit in `room` rows, else the
/// split where the taller pane is shortest. When every split cuts a value
/// (80 columns), halves unless another split saves more than a row: a
/// value both panes show then breaks at the same character on both sides.
fn split_panes(app: &App, body: Rect, room: u16, client: &[Item], server: &[Item]) -> (u16, u16) {
    let splits = [50u16, 45, 55, 40, 60].map(|percent| {
        let left = body.width * percent / 100;
        let right = body.width - left;
        let want = Pane::wanted_height(client, left, &app.theme)
            .max(Pane::wanted_height(server, right, &app.theme));
        let whole = !Pane::splits_a_value(client, left) && !Pane::splits_a_value(server, right);
        (left, want, whole)
    });
    let any_whole = splits.iter().any(|&(_, _, whole)| whole);
    if !any_whole {
        // Halves unless another split saves more than a row.
        let shortest = splits.iter().map(|&(_, want, _)| want).min().unwrap_or(0);
        if splits[0].1 <= shortest + 1 {
            return (splits[0].0, splits[0].1);
        }
    }
    splits
        .into_iter()
        .enumerate()
        .filter(|&(_, (_, _, whole))| whole || !any_whole)
        .min_by_key(|&(i, (_, want, _))| if i == 0 && want <= room { 0 } else { want })
        .map_or((body.width / 2, 3), |(_, (left, want, _))| (left, want))
}

/// A stage the flow did not reach, said in words on both sides.
pub fn not_reached_items(run: &Run, stage: Stage) -> Vec<Item> {
    let why = bench::not_reached(run, stage).unwrap_or_default();
    vec![
        Item::note(format!("✗ {why}"), Tone::Bad),
        Item::note("R replays the flow untouched", Tone::Dim),
    ]
}
