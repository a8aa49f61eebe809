//! The contrast (c): the same stage of the flow without PKCE and of the
//! flow with it side by side, both run for real. Rows only one side has
//! are marked `+` there, and the other side gets a `−` row saying it has
//! none. The columns take the height they want; the lesson goes under them
//! where it gets four lines or more.

use std::collections::HashSet;

use ratatui::layout::{Constraint, Layout, Rect};

use crate::flow::{Flow, Stage};

use super::app::{App, RunKey};
use super::client_pane::{client_items_brief, pending};
use super::pane::Pane;
use super::rows::{Item, Mark, Tone};
use super::server_pane::server_items;
use super::stepping::not_reached_items;
use super::view::{Panes, halves};

/// The fewest rows the lesson under the columns gets, borders included.
const MIN_LESSON: u16 = 6;

/// The contrast laid out in `body`: the columns as tall as they want, and
/// the lesson under them when they leave it room, or when the screen is
/// tall (30 rows and more), where the columns then scroll with it.
pub fn layout(app: &App, body: Rect) -> Panes {
    let [left, _] = halves(body);
    let [(left_title, left_items), (right_title, right_items)] = columns(app, left.width);
    let want = halves(body)
        .iter()
        .zip([&left_items, &right_items])
        .map(|(half, items)| Pane::wanted_height(items, half.width, &app.theme))
        .max()
        .unwrap_or(3);
    let fits = want + MIN_LESSON <= body.height;
    let (top, lesson) = if fits || body.height >= 30 {
        let top = want.min(body.height.saturating_sub(MIN_LESSON)).max(8);
        let [top, lesson] =
            Layout::vertical([Constraint::Length(top), Constraint::Fill(1)]).areas(body);
        (top, (lesson.height >= 4).then_some(lesson))
    } else {
        (body, None)
    };
    Panes {
        titles: [left_title, right_title],
        areas: halves(top),
        items: [left_items, right_items],
        strip: None,
        lesson,
        follow: true,
    }
}

/// The CLIENT and SERVER items of one flow.
type Sides = (Vec<Item>, Vec<Item>);

/// The two columns' titles and items (plain, PKCE), differences marked.
pub fn columns(app: &App, column_width: u16) -> [(String, Vec<Item>); 2] {
    let side = |flow: Flow| -> (String, Option<Sides>) {
        let run = app.run(RunKey::honest(flow));
        let name = flow.caption();
        // The server's address only where both columns have room for it,
        // so that the two titles read alike.
        let longest = Flow::Plain.caption().len().max(Flow::Pkce.caption().len());
        let title = match run.and_then(|r| r.address()) {
            Some(addr) if usize::from(column_width) >= longest + addr.len() + 14 => {
                format!("{name} · server {addr}")
            }
            _ => name.to_owned(),
        };
        let parts = run.and_then(|run| {
            let record = run.stage(app.stage)?;
            if !record.reached {
                let items = not_reached_items(run, app.stage);
                return Some((items.clone(), items));
            }
            let left = (app.stage == Stage::CodeIssued)
                .then(|| app.code_seconds_left(RunKey::honest(flow)))
                .flatten();
            // What the server received is what the client sent: the SERVER
            // side keeps only what the server did with it.
            let mut server = server_items(run, flow, app.stage, left);
            drop_received(&mut server);
            // Without what it received, the server's answers to the MCP
            // calls read as one line repeated: once is enough.
            server.dedup();
            Some((client_items_brief(&run.trace, record), server))
        });
        (title, parts)
    };
    let (plain_title, plain) = side(Flow::Plain);
    let (pkce_title, pkce) = side(Flow::Pkce);
    let assemble = |flow: Flow, parts: Option<Sides>| match parts {
        Some((client, server)) => {
            let mut items = vec![Item::Heading("CLIENT".into())];
            items.extend(client);
            items.push(Item::Heading("SERVER".into()));
            items.extend(server);
            items
        }
        None => pending(app.run(RunKey::honest(flow))),
    };
    match (plain, pkce) {
        (Some((mut pc, mut ps)), Some((mut kc, mut ks))) => {
            mark_differences(&mut pc, &mut kc);
            mark_differences(&mut ps, &mut ks);
            [
                (plain_title, assemble(Flow::Plain, Some((pc, ps)))),
                (pkce_title, assemble(Flow::Pkce, Some((kc, ks)))),
            ]
        }
        (plain, pkce) => [
            (plain_title, assemble(Flow::Plain, plain)),
            (pkce_title, assemble(Flow::Pkce, pkce)),
        ],
    }
}

/// Removes the "← received …" sections (heading and parameter rows).
fn drop_received(items: &mut Vec<Item>) {
    let mut inside = false;
    items.retain(|item| {
        match item {
            Item::Heading(h) => inside = h.starts_with("← received"),
            Item::Note(..) => inside = false,
            Item::Row(_) | Item::Was(_) => {}
        }
        !inside
    });
}

fn row_keys(items: &[Item]) -> HashSet<String> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Row(r) => Some(r.key.clone()),
            _ => None,
        })
        .collect()
}

/// Marks rows only one side has with `+`, and gives the other side a `−`
/// row in the same place.
pub fn mark_differences(a: &mut Vec<Item>, b: &mut Vec<Item>) {
    let (keys_a, keys_b) = (row_keys(a), row_keys(b));
    let (source_a, source_b) = (a.clone(), b.clone());
    for (items, other_keys) in [(&mut *a, &keys_b), (&mut *b, &keys_a)] {
        for item in items.iter_mut() {
            if let Item::Row(row) = item
                && !other_keys.contains(&row.key)
                && row.mark == Mark::None
            {
                row.mark = Mark::Added;
            }
        }
    }
    insert_missing(a, &source_b, &keys_a);
    insert_missing(b, &source_a, &keys_b);
}

fn anchor(item: &Item) -> Option<String> {
    match item {
        Item::Row(r) => Some(format!("row:{}", r.key)),
        Item::Heading(h) => Some(format!("heading:{h}")),
        Item::Note(..) | Item::Was(_) => None,
    }
}

fn insert_missing(target: &mut Vec<Item>, source: &[Item], target_keys: &HashSet<String>) {
    for (j, item) in source.iter().enumerate() {
        let Item::Row(row) = item else { continue };
        if target_keys.contains(&row.key) {
            continue;
        }
        let position = source[..j]
            .iter()
            .rev()
            .filter_map(anchor)
            .find_map(|a| target.iter().rposition(|t| anchor(t).as_ref() == Some(&a)))
            .map_or(target.len(), |p| p + 1);
        target.insert(
            position,
            Item::marked(&row.key, &row.label, "(none)", Mark::Missing, Tone::Dim),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_only_one_side_has_is_marked_on_both() {
        let mut plain = vec![Item::row("param:state", "state", "s1")];
        let mut pkce = vec![
            Item::row("param:state", "state", "s2"),
            Item::row("param:code_challenge", "code_challenge", "E9M"),
        ];
        mark_differences(&mut plain, &mut pkce);
        assert_eq!(
            plain[1],
            Item::marked(
                "param:code_challenge",
                "code_challenge",
                "(none)",
                Mark::Missing,
                Tone::Dim
            )
        );
        assert!(matches!(&pkce[1], Item::Row(r) if r.mark == Mark::Added));
    }
}
