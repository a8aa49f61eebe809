//! The whole screen as a pure function of the [`App`]: the stage bar, the
//! main area (the introduction, the panes of the stepping view or the
//! contrast with the lesson, the wire view, the attack lab, the lesson full
//! screen, the summary), the footer, and the editor, the attack picker, a
//! checkpoint or the help on top. Below the minimum size, the too-small
//! screen.
//!
//! The layout is computed once, by [`Screen::new`], for drawing and for
//! [`scroll_target`], so that the scroll keys move by exactly what is
//! drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Widget};

use super::app::{App, Mode};
use super::focus::Focus;
use super::pane::Pane;
use super::rows::Item;
use super::scroll::Extent;
use super::tour::Place;
use super::{
    attack, browser_screen, checkpoint, contrast, discovery_screen, editor, footer, help,
    intro_screen, lesson, sequence, stage_bar, status_line, stepping, summary_screen, too_small,
    wire_view,
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

/// The main area.
enum Body {
    /// Two panes side by side (CLIENT and SERVER, or the contrast's two
    /// flows), with the lesson under them where it has room.
    Panes(Panes),
    /// The lesson over the whole main area (`f` focused it).
    Lesson(Rect),
    /// The wire view over the whole main area.
    Wire(Rect),
    /// The introduction, before the first stage.
    Intro(Rect),
    /// The end summary, after the last stage.
    Summary(Rect),
    /// A stage waiting for the learner's browser (`--browser`).
    Browser(Rect),
    /// An attack of the attack lab, laid out by its own module.
    Attack(attack::Layout),
}

/// Two panes side by side, what they list, and what is under them.
pub(super) struct Panes {
    /// The titles in their top borders.
    pub titles: [String; 2],
    /// Where they go.
    pub areas: [Rect; 2],
    /// What they list.
    pub items: [Vec<Item>; 2],
    /// The sequence strip under them, if the screen has one.
    pub strip: Option<Rect>,
    /// The lesson under them, where it has room.
    pub lesson: Option<Rect>,
    /// Whether, without a focus, the panes scroll with the lesson (the
    /// contrast's columns) rather than stand still (CLIENT and SERVER).
    pub follow: bool,
}

/// A part of the screen with its own scroll offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scrolled {
    /// What the keys move without a focus: the lesson, the contrast's
    /// columns with it, the wire view, the introduction, the summary, an
    /// attack's sides, an open checkpoint; with `f` on it, the lesson full
    /// screen.
    Main,
    /// A pane (0 left, 1 right), while it has the focus.
    Pane(usize),
    /// The help, while it is open.
    Help,
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
        let body = match (app.place, app.mode) {
            (Place::Intro, _) => Body::Intro(body),
            (Place::Summary, _) => Body::Summary(body),
            (Place::Discovery, Mode::Wire) => Body::Wire(body),
            (Place::Discovery, _) if app.focus == Focus::Lesson => Body::Lesson(body),
            (Place::Discovery, _) => Body::Panes(discovery_screen::layout(app, body)),
            (Place::Stages, _) if app.focus == Focus::Lesson => Body::Lesson(body),
            (Place::Stages, Mode::Stepping) if browser_screen::shows(app) => Body::Browser(body),
            (Place::Stages, Mode::Stepping) => Body::Panes(stepping::layout(app, body)),
            (Place::Stages, Mode::Contrast) => Body::Panes(contrast::layout(app, body)),
            (Place::Stages, Mode::Wire) => Body::Wire(body),
            (Place::Stages, Mode::AttackLab) => Body::Attack(attack::Layout::new(app, body)),
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
    match screen.body {
        Body::Panes(panes) => render_panes(app, panes, buf),
        Body::Lesson(area) => lesson::render(app, area, buf),
        Body::Wire(area) => wire_view::render(app, area, buf),
        Body::Intro(area) => intro_screen::render(app, area, buf),
        Body::Summary(area) => summary_screen::render(app, area, buf),
        Body::Browser(area) => browser_screen::render(app, area, buf),
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

/// Draws two panes, each at its own offset, the focused one marked, then
/// the strip and the lesson under them.
fn render_panes(app: &App, panes: Panes, buf: &mut Buffer) {
    let Panes {
        titles,
        areas,
        items,
        strip,
        lesson,
        follow,
    } = panes;
    for (i, ((title, items), area)) in titles.into_iter().zip(items).zip(areas).enumerate() {
        let focused = app.focus.pane() == Some(i);
        Pane {
            title,
            items: &items,
            scroll: app.pane_scroll[i],
            // What a pane with more below says it takes to read on.
            hint: match (focused, follow) {
                (true, _) => "PgUp/PgDn",
                (false, true) => "PgUp/PgDn · f",
                (false, false) => "f focus",
            },
            focused,
            theme: &app.theme,
        }
        .render(area, buf);
    }
    if let Some(strip) = strip {
        sequence::render(app, strip, buf);
    }
    if let Some(lesson) = lesson {
        lesson::render(app, lesson, buf);
    }
}

/// The part the scroll keys move on a screen of `area`, and how far it can
/// move: an open checkpoint (modal), else the open help, else the focused
/// pane, else the main part.
pub fn scroll_target(app: &App, area: Rect) -> (Scrolled, Extent) {
    let Some(screen) = Screen::new(app, area) else {
        return (Scrolled::Main, Extent::default());
    };
    if let Some(open) = &app.learner.open {
        return (
            Scrolled::Main,
            checkpoint::view::extent(app, open, screen.main),
        );
    }
    if app.help {
        return (Scrolled::Help, help::extent(app, area));
    }
    if let (Body::Panes(panes), Some(i)) = (&screen.body, app.focus.pane()) {
        return (Scrolled::Pane(i), pane_extent(app, panes, i));
    }
    (Scrolled::Main, main_extent(app, &screen))
}

/// Every scrolled part of a screen of `area` and its extent (to bring the
/// offsets inside them when the terminal is resized).
pub fn scroll_extents(app: &App, area: Rect) -> Vec<(Scrolled, Extent)> {
    let Some(screen) = Screen::new(app, area) else {
        return Vec::new();
    };
    let mut parts = vec![(Scrolled::Help, help::extent(app, area))];
    if let Body::Panes(panes) = &screen.body {
        parts.extend((0..2).map(|i| (Scrolled::Pane(i), pane_extent(app, panes, i))));
    }
    let main = match &app.learner.open {
        Some(open) => checkpoint::view::extent(app, open, screen.main),
        None => main_extent(app, &screen),
    };
    parts.push((Scrolled::Main, main));
    parts
}

/// Whether the panes move with the main part: the contrast's columns,
/// without a focus.
pub fn panes_follow_main(app: &App, area: Rect) -> bool {
    app.focus == Focus::None
        && Screen::new(app, area).is_some_and(|s| matches!(&s.body, Body::Panes(p) if p.follow))
}

/// How far pane `i` scrolls.
fn pane_extent(app: &App, panes: &Panes, i: usize) -> Extent {
    Pane::extent(&panes.items[i], panes.areas[i], &app.theme)
}

/// How far the main part scrolls: the lesson, or the columns and the
/// lesson under them, or the whole main area's view.
fn main_extent(app: &App, screen: &Screen) -> Extent {
    match &screen.body {
        Body::Panes(panes) => {
            let lesson = panes.lesson.map(|area| lesson::extent(app, area));
            if panes.follow {
                (0..2)
                    .map(|i| pane_extent(app, panes, i))
                    .chain(lesson)
                    .fold(Extent::default(), Extent::and)
            } else {
                lesson.unwrap_or_default()
            }
        }
        Body::Lesson(area) => lesson::extent(app, *area),
        Body::Wire(area) => wire_view::extent(app, *area),
        Body::Intro(area) => intro_screen::extent(app, *area),
        Body::Summary(area) => summary_screen::extent(app, *area),
        Body::Browser(area) => browser_screen::extent(app, *area),
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
