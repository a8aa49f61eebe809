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
use super::client_pane::{client_items, fold_unamended, pending};
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
    let (mut client, mut server) = pane_items(app);
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
/// split where the taller pane is shortest.
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
