//! The lesson panel: the lesson of the stage (or the part of the attack's
//! lesson the attack lab's row explains, or the lesson of the quick
//! experiment whose result is shown) with the live values of the run
//! filled in, the instructor's notes under `--notes`, scrolled with
//! PgUp/PgDn and ↑/↓ (or over the whole main area, once `f` focuses it). Until a stage's record has arrived its lesson cannot
//! be filled, and the panel says so; a stage an amended run did not reach,
//! or whose values it never produced, is explained in words.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget};

use crate::lessons::Lesson;

use super::app::{App, Mode, Run, RunKey};
use super::focus::Focus;
use super::markdown;
use super::rows::wrap_styled;
use super::scroll::Extent;
use super::tour::Place;
use super::{attack, bench};

/// The title and text of the lesson the screen shows.
pub fn lesson(app: &App) -> (String, Text<'static>) {
    let styles = app.theme.markdown_styles();
    if app.mode == Mode::AttackLab {
        return match attack::lesson(app) {
            Some((lesson, text)) => (lesson.title.clone(), with_notes(app, lesson, text)),
            None => (
                app.lab.attack.name().to_owned(),
                Text::raw("(no lesson for this attack)"),
            ),
        };
    }
    if app.place == Place::Discovery {
        return discovery_lesson(app);
    }
    // An experiment's lesson is filled at the stage whose request it
    // changed (its own), a stage's lesson at that stage.
    let (lesson, run, stage): (Option<&Lesson>, Option<&Run>, _) =
        match bench::experiment_lesson(app) {
            Some(lesson) => (Some(lesson), app.run(RunKey::honest(app.flow)), None),
            None => (
                app.lessons.for_stage(app.flow, app.stage),
                app.run(RunKey::honest(app.flow)),
                Some(app.stage),
            ),
        };
    let Some(lesson) = lesson else {
        let title = app.stage.title(app.flow).to_owned();
        return (title, Text::raw("(no lesson for this screen)"));
    };
    // The run whose records fill the lesson, once the records it needs exist.
    let ready = run.filter(|run| {
        run.stage(stage.or(lesson.stage).unwrap_or(app.stage))
            .is_some()
    });
    let not_reached = ready.and_then(|run| stage.and_then(|s| bench::not_reached(run, s)));
    let text = match (ready, not_reached) {
        (None, _) => Text::styled("waiting for the real exchange…", app.theme.dim),
        (Some(_), Some(why)) => Text::styled(
            format!("This stage was {why}. R replays the flow untouched."),
            app.theme.bad,
        ),
        (Some(run), None) => match lesson.fill(&run.trace, stage) {
            // A stage lesson over a request the learner amended: say first
            // that it tells the untouched run.
            Ok(markdown)
                if stage
                    .and_then(|s| run.stage(s))
                    .is_some_and(|r| r.amendments().next().is_some()) =>
            {
                let mut text = Text::styled(
                    "✎ You amended this stage's request: the panes show what it got; \
                     the lesson below tells the untouched run (R replays it).",
                    app.theme.missing,
                );
                text.lines.push(Line::default());
                text.extend(markdown::lesson_text(&markdown, &styles));
                text
            }
            Ok(markdown) => markdown::lesson_text(&markdown, &styles),
            // A value the run never recorded (a refused request, an
            // expired code): the lesson still shows, with "(not in this
            // run)" where the value would be, under a word of why.
            Err(_) => match lesson.fill_for_screen(&run.trace, stage) {
                Ok(markdown) => {
                    let expired = app.code_seconds_left(RunKey::honest(app.flow)) == Some(0);
                    let why = if expired {
                        "⏱ The code expired before the token request went (see stage 4's \
                         countdown; --code-lifetime sets how long codes live), so the server \
                         refused it and this run has no token. R runs the flow again with the \
                         same values."
                    } else if app.bench.is_untouched() || app.mode == Mode::AttackLab {
                        "Some values this lesson quotes were not recorded in this run (a request \
                         was refused): the panes above show what really happened."
                    } else {
                        "This stage's lesson tells the untouched run, and your amended run never \
                         produced some of the values it quotes. The panes above show what really \
                         happened; R replays the same values untouched, and the lesson with them."
                    };
                    let mut text = Text::styled(why, app.theme.dim);
                    text.lines.push(Line::default());
                    text.extend(markdown::lesson_text(&markdown, &styles));
                    text
                }
                Err(error) => Text::styled(format!("lesson error: {error}"), app.theme.bad),
            },
        },
    };
    (lesson.title.clone(), with_notes(app, lesson, text))
}

/// Stage 0's lesson, filled from the run once its first step is recorded.
fn discovery_lesson(app: &App) -> (String, Text<'static>) {
    let styles = app.theme.markdown_styles();
    let Some(lesson) = app.lessons.by_id("discovery") else {
        return (
            super::discovery_screen::STAGE_TITLE.to_owned(),
            Text::raw("(no lesson for this screen)"),
        );
    };
    let run = app
        .run(RunKey::honest(app.flow))
        .filter(|run| !run.trace.setup.is_empty());
    let text = match run.map(|run| lesson.fill_for_screen(&run.trace, None)) {
        None => Text::styled("waiting for the real exchange…", app.theme.dim),
        Some(Ok(markdown)) => markdown::lesson_text(&markdown, &styles),
        Some(Err(error)) => Text::styled(format!("lesson error: {error}"), app.theme.bad),
    };
    (lesson.title.clone(), with_notes(app, lesson, text))
}

/// The text with the lesson's instructor notes under it, under `--notes`.
fn with_notes(app: &App, lesson: &Lesson, mut text: Text<'static>) -> Text<'static> {
    if app.notes
        && let Some(notes) = &lesson.notes
    {
        text.lines.push(Line::default());
        text.lines
            .push(Line::styled("Instructor notes", app.theme.heading));
        text.extend(markdown::lesson_text(notes, &app.theme.markdown_styles()));
    }
    text
}

/// The panel's title, its lines wrapped for the panel drawn in `area`, and
/// the area inside its border: what [`extent`] measures and what is drawn.
fn laid_out(app: &App, area: Rect) -> (String, Vec<Line<'static>>, Rect) {
    let (title, text) = lesson(app);
    let inner = Block::bordered().inner(area);
    let lines = text
        .lines
        .iter()
        .flat_map(|line| wrap_styled(line, usize::from(inner.width)))
        .collect();
    (title, lines, inner)
}

/// How far the lesson scrolls in a panel drawn in `area`.
pub fn extent(app: &App, area: Rect) -> Extent {
    let (_, lines, inner) = laid_out(app, area);
    Extent::new(lines.len(), usize::from(inner.height))
}

/// Draws the panel; full screen (`f`), with the focused pane's thick
/// border.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (title, lines, inner) = laid_out(app, area);
    let block = Block::bordered().title(Span::styled(format!(" Why · {title} "), theme.pane_title));
    let mut block = if app.focus == Focus::Lesson {
        block.border_type(BorderType::Thick).border_style(theme.key)
    } else {
        block.border_style(theme.border)
    };
    // The app keeps its offset within what the keys scroll, which can be
    // longer than the lesson (the columns above it share the offset) or
    // measured before the last record arrived: stop at the lesson's end.
    let extent = Extent::new(lines.len(), usize::from(inner.height));
    let scroll = usize::from(extent.clamp(app.scroll));
    if let Some(hint) = extent.hint(app.scroll) {
        block = block.title_bottom(Line::styled(hint, theme.dim).right_aligned());
    }
    block.render(area, buf);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    Paragraph::new(visible).style(theme.base).render(inner, buf);
}
