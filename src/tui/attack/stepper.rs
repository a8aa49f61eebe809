//! The screen of one attack: the top line (`step k/n`, one dot per row),
//! the row's caption, the two sides, the sequence strip and the lesson.
//! The sides stand side by side when both fit above a lesson of a few
//! lines; otherwise one side at a time fills the width, its title says so
//! and Tab shows the other, whose verdict stays in view in one line.
//!
//! The layout is computed once, by [`Layout::new`], for both drawing and
//! [`Layout::extent`], so the scroll keys move by exactly what is drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::Widget as _;

use crate::tui::app::App;
use crate::tui::pane::Pane;
use crate::tui::rows::Item;
use crate::tui::scroll::Extent;
use crate::tui::theme::Theme;
use crate::tui::{lesson as lesson_panel, view};

use super::align::{Row, rows};
use super::{Side, column, strip};

/// The fewest lines the lesson panel keeps, borders included, on a body of
/// at least 24 lines (4 below).
const LESSON_LINES: u16 = 6;

/// Where each part of the attack screen goes, with what the panes list.
pub struct Layout {
    rows: Vec<Row>,
    panes: Vec<(Rect, String, Vec<Item>)>,
    strip: Rect,
    lesson: Option<Rect>,
}

impl Layout {
    /// The layout of the attack screen in `body` (the area between the top
    /// lines and the footer).
    pub fn new(app: &App, body: Rect) -> Self {
        let lab = &app.lab;
        let rows = rows(app, lab.attack);
        let role = rows.get(lab.step).map(|r| r.role);
        let strip_height = strip::height(body.height, rows.len()).min(body.height);
        let lesson_lines = if body.height >= 24 { LESSON_LINES } else { 4 };
        let room = body.height.saturating_sub(strip_height + lesson_lines);
        let side_items = |side: Side| match role {
            Some(role) => {
                let mut items = column::verdict(app, lab, side, role);
                items.extend(column::body(app, lab, side, role));
                items
            }
            None => Vec::new(),
        };
        let halves = view::halves(body);
        let both = Side::BOTH.map(side_items);
        let want = halves
            .iter()
            .zip(&both)
            .map(|(half, items)| Pane::wanted_height(items, half.width, &app.theme))
            .max()
            .unwrap_or(3);
        let unsplit = halves
            .iter()
            .zip(&both)
            .all(|(half, items)| !Pane::splits_a_value(items, half.width));
        let (panes_height, panes) = if want <= room && unsplit {
            let [left, right] = both;
            (want, vec![left, right])
        } else {
            let side = lab.side;
            let mut items = side_items(side);
            let at = role.map_or(0, |role| column::verdict(app, lab, side, role).len());
            if let Some(role) = role {
                let others = column::other_side(app, lab, side, role);
                items.splice(at..at, others);
            }
            let want = Pane::wanted_height(&items, body.width, &app.theme);
            (want.min(room).max(3), vec![items])
        };
        let panes_height = panes_height.min(body.height.saturating_sub(strip_height));
        let [top, strip, rest] = ratatui::layout::Layout::vertical([
            Constraint::Length(panes_height),
            Constraint::Length(strip_height),
            Constraint::Fill(1),
        ])
        .areas(body);
        let one_side = panes.len() == 1;
        let areas: Vec<Rect> = if one_side {
            vec![top]
        } else {
            view::halves(top).to_vec()
        };
        let titles: Vec<String> = if one_side {
            let side = lab.side;
            let n = if side == Side::Without { 1 } else { 2 };
            vec![format!(
                "{} · side {n} of 2 · Tab: the other side",
                side.title()
            )]
        } else {
            Side::BOTH.iter().map(|s| s.title().to_owned()).collect()
        };
        Self {
            rows,
            panes: areas
                .into_iter()
                .zip(titles)
                .zip(panes)
                .map(|((area, title), items)| (area, title, items))
                .collect(),
            strip,
            lesson: (rest.height >= 4).then_some(rest),
        }
    }

    /// Whether the screen shows one side at a time (Tab switches).
    pub fn one_side(&self) -> bool {
        self.panes.len() == 1
    }

    /// Draws the sides, the strip and the lesson.
    pub fn render(&self, app: &App, buf: &mut Buffer) {
        let theme = &app.theme;
        for (area, title, items) in &self.panes {
            Pane {
                title: title.clone(),
                items,
                scroll: app.scroll,
                hint: "PgUp/PgDn",
                focused: false,
                theme,
            }
            .render(*area, buf);
        }
        strip::render(app, &self.rows, self.strip, buf);
        if let Some(area) = self.lesson {
            lesson_panel::render(app, area, buf);
        }
    }

    /// How far the scroll keys move the sides and the lesson under them.
    pub fn extent(&self, app: &App) -> Extent {
        self.panes
            .iter()
            .map(|(area, _, items)| Pane::extent(items, *area, &app.theme))
            .chain(self.lesson.map(|area| lesson_panel::extent(app, area)))
            .fold(Extent::default(), Extent::and)
    }
}

/// The top line's part after the app's name: the attack, `step k/n` and
/// one dot per row (the rows passed filled).
pub fn bar(app: &App, theme: &Theme) -> Vec<Span<'static>> {
    let lab = &app.lab;
    let total = rows(app, lab.attack).len();
    let mut spans = vec![
        Span::styled(format!("attack: {}", lab.attack.name()), theme.title),
        Span::styled(format!(" · step {}/{total} ", lab.step + 1), theme.value),
    ];
    for i in 0..total {
        let (dot, style) = match i.cmp(&lab.step) {
            std::cmp::Ordering::Equal => ("●", theme.lit),
            std::cmp::Ordering::Less => ("●", theme.value),
            std::cmp::Ordering::Greater => ("○", theme.dim),
        };
        spans.push(Span::styled(dot, style));
        spans.push(Span::raw(" "));
    }
    spans
}

/// The title under the top line: the row's number and caption.
pub fn title(app: &App) -> String {
    let lab = &app.lab;
    let rows = rows(app, lab.attack);
    match rows.get(lab.step) {
        Some(row) => format!("{} · {}", lab.step + 1, row.caption),
        None => lab.attack.name().to_owned(),
    }
}
