//! The top of the screen: app name, flow, stage n/6 with one dot per stage,
//! the mode, and the stage's title; in the attack lab, the attack, `step
//! k/n` with one dot per step, and the step's caption; on the introduction
//! and the summary, their names. One numbering shows, the stages': the
//! flows are named by [`Flow::caption`], not by the series' steps.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::flow::{Flow, Stage};

use super::app::{App, Mode};
use super::attack;
use super::rows::word_wrap;
use super::tour::Place;

/// The lines of the stage title under the bar, wrapped for `width`.
pub fn title_lines(app: &App, width: u16) -> Vec<String> {
    let text = match app.mode {
        _ if app.place == Place::Intro => super::intro_screen::title(app),
        _ if app.place == Place::Discovery => super::discovery_screen::title(app),
        _ if app.place == Place::Summary => super::summary_screen::TITLE.to_owned(),
        Mode::Stepping | Mode::Wire => {
            format!("{} · {}", app.stage.number(), app.stage.title(app.flow))
        }
        Mode::Contrast => format!(
            "{} · both flows, both run for real · + only this side has it · − missing here",
            app.stage.number()
        ),
        Mode::AttackLab => attack::title(app),
    };
    word_wrap(&text, usize::from(width.saturating_sub(1).max(1)))
        .into_iter()
        .map(|l| format!(" {l}"))
        .collect()
}

/// Draws the bar (one line) and the title lines below it.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let flow = match app.mode {
        Mode::Stepping | Mode::Wire => app.flow.caption().to_owned(),
        Mode::Contrast => format!("{} vs {}", Flow::Plain.caption(), Flow::Pkce.caption()),
        Mode::AttackLab => String::new(),
    };
    let mut left = vec![
        Span::styled(" pkce-tutor", theme.title),
        Span::styled(" · ", theme.dim),
        Span::styled(flow, theme.title),
    ];
    if app.mode == Mode::AttackLab && app.place == Place::Stages {
        left.extend(attack::bar(app, theme));
    } else {
        let last = Stage::ALL.last().map_or(0, |s| s.number());
        let here = match app.place {
            Place::Intro => " · introduction ".to_owned(),
            Place::Discovery => format!(" · stage 0/{last} "),
            Place::Stages => format!(" · stage {}/{last} ", app.stage.number()),
            Place::Summary => " · summary ".to_owned(),
        };
        left.push(Span::styled(here, theme.value));
        for stage in Stage::ALL {
            let (dot, style) = if matches!(app.place, Place::Intro | Place::Discovery) {
                ("○", theme.dim)
            } else if app.place == Place::Summary {
                ("●", theme.value)
            } else if stage == app.stage {
                ("●", theme.lit)
            } else if stage < app.stage {
                ("●", theme.value)
            } else {
                ("○", theme.dim)
            };
            left.push(Span::styled(dot, style));
            left.push(Span::raw(" "));
        }
    }
    if app.generation > 0 {
        left.push(Span::styled(
            format!(" run #{}", app.generation + 1),
            theme.dim,
        ));
    }
    let used: usize = left.iter().map(|s| s.width()).sum();
    let room = usize::from(area.width).saturating_sub(used + 1);
    if let Some(banner) = super::bench::banner(app, room) {
        left.push(Span::styled(format!(" {banner}"), theme.missing));
    }
    let bar_area = Rect {
        height: area.height.min(1),
        ..area
    };
    Paragraph::new(Line::from(left))
        .style(theme.base)
        .render(bar_area, buf);
    let rest = Rect {
        y: area.y.saturating_add(1),
        height: area.height.saturating_sub(1),
        ..area
    };
    let lines: Vec<Line> = title_lines(app, area.width)
        .into_iter()
        .map(|l| Line::styled(l, theme.stage_title))
        .collect();
    Paragraph::new(lines).style(theme.base).render(rest, buf);
}
