//! The whole screen as a pure function of the [`App`]: the stage bar, the
//! main area of the mode (client and server panes with the sequence strip,
//! the contrast, or the attack lab), the lesson panel, the footer, and the
//! attack picker or the help overlay on top. Below the minimum size, the
//! too-small screen.
//!
//! The layout is computed once, by [`Screen::new`], for both drawing and
//! [`scroll_extent`], so that the scroll keys move by exactly what is drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Widget};

use crate::flow::Stage;

use super::app::{App, Mode, RunKey};
use super::client_pane::{client_items, fold_unamended, pending};
use super::pane::Pane;
use super::rows::Item;
use super::scroll::Extent;
use super::server_pane::server_items;
use super::{
    attack, checkpoint, contrast, editor, footer, help, lesson, sequence, stage_bar, status_line,
    summary_screen, too_small, wire_view,
};

/// Where each part of the screen goes, and what the panes list.
struct Screen {
    bar: Rect,
    footer: Rect,
    /// The main area, between the bar and the footer (the editor opens over
    /// it).
    main: Rect,
    body: Body,
}

/// The main area of the mode.
enum Body {
    /// The CLIENT and SERVER panes side by side, the sequence strip, and
    /// the lesson (the part the scroll keys move).
    Stepping {
        panes: [Rect; 2],
        items: [Vec<Item>; 2],
        strip: Rect,
        lesson: Rect,
    },
    /// Two columns (the contrast), the part the scroll keys move,
    /// with the lesson under them when there is room (it follows the same
    /// offset).
    Columns {
        panes: [Rect; 2],
        columns: [(String, Vec<Item>); 2],
        lesson: Option<Rect>,
    },
    /// The wire view over the whole main area (the part the scroll keys
    /// move).
    Wire(Rect),
    /// The end summary over the whole main area (the part the scroll keys
    /// move).
    Summary(Rect),
    /// An attack of the attack lab, laid out by its own module.
    Attack(attack::Layout),
}

impl Screen {
    /// The layout of `area`, or `None` when it is too small for one.
    fn new(app: &App, area: Rect) -> Option<Self> {
        if too_small::is_too_small(area) {
            return None;
        }
        let title_height =
            u16::try_from(stage_bar::title_lines(app, area.width).len()).unwrap_or(1);
        let footer_height = app
            .status
            .as_deref()
            .map_or(1, |s| status_line::height(s, area.width));
        let [bar, body, footer] = Layout::vertical([
            Constraint::Length(1 + title_height.min(2)),
            Constraint::Fill(1),
            Constraint::Length(footer_height),
        ])
        .areas(area);
        let main = body;
        let body = match app.mode {
            _ if app.summary => Body::Summary(body),
            Mode::Stepping => stepping(app, body),
            Mode::Wire => Body::Wire(body),
            Mode::Contrast => {
                let [left, _] = halves(body);
                with_lesson(app, body, contrast::columns(app, left.width))
            }
            Mode::AttackLab => Body::Attack(attack::Layout::new(app, body)),
        };
        Some(Self {
            bar,
            footer,
            main,
            body,
        })
    }
}

/// Draws the screen into `buf`.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    Block::new().style(app.theme.base).render(area, buf);
    let Some(screen) = Screen::new(app, area) else {
        too_small::render(app, area, buf);
        return;
    };
    stage_bar::render(app, screen.bar, buf);
    match &app.status {
        Some(status) => status_line::render(status, &app.theme, screen.footer, buf),
        None => footer::render(app, screen.footer, buf),
    }
    let theme = &app.theme;
    match screen.body {
        Body::Stepping {
            panes,
            items: [client, server],
            strip,
            lesson,
        } => {
            let address = app
                .run(RunKey::honest(app.flow))
                .and_then(|r| r.address())
                .unwrap_or("starting…");
            let titles = [
                "CLIENT (MCP client, public)".to_owned(),
                format!("AUTHORIZATION SERVER {address}"),
            ];
            for ((title, items), area) in titles.into_iter().zip([client, server]).zip(panes) {
                Pane {
                    title,
                    items: &items,
                    scroll: 0,
                    hint: "",
                    theme,
                }
                .render(area, buf);
            }
            sequence::render(app, strip, buf);
            lesson::render(app, lesson, buf);
        }
        Body::Columns {
            panes,
            columns,
            lesson,
        } => {
            for ((title, items), area) in columns.into_iter().zip(panes) {
                Pane {
                    title,
                    items: &items,
                    scroll: app.scroll,
                    hint: "PgUp/PgDn",
                    theme,
                }
                .render(area, buf);
            }
            if let Some(lesson) = lesson {
                lesson::render(app, lesson, buf);
            }
        }
        Body::Wire(area) => wire_view::render(app, area, buf),
        Body::Summary(area) => summary_screen::render(app, area, buf),
        Body::Attack(layout) => layout.render(app, buf),
    }
    if let Some(editor) = &app.editor {
        editor::view::render(editor, screen.main, buf, &app.theme);
    }
    if let Some(cursor) = app.lab.picker {
        attack::render_picker(cursor, screen.main, buf, &app.theme);
    }
    if let Some(open) = &app.learner.open {
        checkpoint::view::render(app, open, screen.main, buf);
    }
    if app.help {
        help::render(app, area, buf);
    }
}

/// How far the scroll keys can move what they scroll on a screen of `area`:
/// the lesson, or the columns and the lesson under them.
pub fn scroll_extent(app: &App, area: Rect) -> Extent {
    let Some(screen) = Screen::new(app, area) else {
        return Extent::default();
    };
    // The checkpoint overlay is modal: the keys scroll it.
    if let Some(open) = &app.learner.open {
        return checkpoint::view::extent(app, open, screen.main);
    }
    match screen.body {
        Body::Stepping { lesson, .. } => lesson::extent(app, lesson),
        Body::Columns {
            panes,
            columns,
            lesson,
        } => columns
            .iter()
            .zip(panes)
            .map(|((_, items), area)| Pane::extent(items, area, &app.theme))
            .chain(lesson.map(|area| lesson::extent(app, area)))
            .fold(Extent::default(), Extent::and),
        Body::Wire(area) => wire_view::extent(app, area),
        Body::Summary(area) => summary_screen::extent(app, area),
        Body::Attack(layout) => layout.extent(app),
    }
}

/// Whether the attack lab shows one side at a time at the app's size (Tab
/// then shows the other).
pub fn attack_one_side(app: &App) -> bool {
    Screen::new(app, Rect::from(app.size()))
        .is_some_and(|screen| matches!(&screen.body, Body::Attack(layout) if layout.one_side()))
}

/// The left and right halves of `area`.
pub(super) fn halves(area: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Fill(1); 2]).areas(area)
}

/// Two columns, as tall as they want, with the lesson under them when there
/// is room for it.
fn with_lesson(app: &App, body: Rect, columns: [(String, Vec<Item>); 2]) -> Body {
    let want = halves(body)
        .iter()
        .zip(&columns)
        .map(|(half, (_, items))| Pane::wanted_height(items, half.width, &app.theme))
        .max()
        .unwrap_or(3);
    let (top, lesson) = split_with_lesson(body, want, 6);
    Body::Columns {
        panes: halves(top),
        columns,
        lesson,
    }
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
fn pane_items(app: &App) -> (Vec<Item>, Vec<Item>) {
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
                client_items(&run.trace, record),
                server_items(run, app.flow, app.stage, left),
            )
        }
        None => (pending(run), pending(run)),
    }
}

/// Where to split the width between the panes, and the height they want:
/// halves, unless the panes do not fit; then where the taller pane gets
/// more room (within 40–60 %).
fn split_panes(app: &App, body: Rect, strip: u16, client: &[Item], server: &[Item]) -> (u16, u16) {
    let room = body.height.saturating_sub(strip + 4);
    [50u16, 45, 55, 40, 60]
        .into_iter()
        .map(|percent| {
            let left = body.width * percent / 100;
            let want = Pane::wanted_height(client, left, &app.theme).max(Pane::wanted_height(
                server,
                body.width - left,
                &app.theme,
            ));
            (left, want)
        })
        .enumerate()
        .min_by_key(|&(i, (_, want))| if i == 0 && want <= room { 0 } else { want })
        .map_or((body.width / 2, 3), |(_, split)| split)
}

/// A stage the flow did not reach, said in words on both sides.
pub fn not_reached_items(run: &super::app::Run, stage: Stage) -> Vec<Item> {
    let why = super::bench::not_reached(run, stage).unwrap_or_default();
    vec![
        Item::note(format!("✗ {why}"), super::rows::Tone::Bad),
        Item::note("R replays the flow untouched", super::rows::Tone::Dim),
    ]
}

/// The stepping screen: the panes as tall as they want (within what leaves
/// the lesson room), the strip, and the lesson.
fn stepping(app: &App, body: Rect) -> Body {
    let (mut client, mut server) = pane_items(app);
    let strip = sequence::height(body.height);
    let min_lesson = if body.height >= 24 { 8 } else { 4 };
    let mut split = split_panes(app, body, strip, &client, &server);
    // An amended request that does not fit folds the parameters sent as
    // planned, so that what was amended and the answer stay in view.
    if split.1 > body.height.saturating_sub(strip + min_lesson) {
        client = fold_unamended(client);
        server = fold_unamended(server);
        split = split_panes(app, body, strip, &client, &server);
    }
    let (half, want) = split;
    let panes_height = want
        .min(body.height.saturating_sub(strip + min_lesson))
        .max(3);
    let [panes, strip, lesson] = Layout::vertical([
        Constraint::Length(panes_height),
        Constraint::Length(strip),
        Constraint::Fill(1),
    ])
    .areas(body);
    Body::Stepping {
        panes: Layout::horizontal([Constraint::Length(half), Constraint::Fill(1)]).areas(panes),
        items: [client, server],
        strip,
        lesson,
    }
}
