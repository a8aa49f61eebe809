//! The wire view (`w`): the raw HTTP of the shown stage as it crossed the
//! wire, every step that sent a request, in order, with its actor and
//! purpose. The request is the head the server read off the socket (request
//! line in origin form, every header, those the HTTP stack added such as
//! `host` and `content-length` included) and the body the client sent; the
//! response is the status line, the headers and the body the client
//! received. What the learner amended is listed under the request
//! (planned → sent). Long lines wrap between parameters where they can,
//! else character by character, so nothing is cut and a value stays whole
//! wherever a line holds it; the view scrolls.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Widget};

use crate::record::{Actor, Amendment, StepRecord};
use crate::wire::HttpResponse;

use super::app::{App, RunKey};
use super::bench::not_reached;
use super::client_pane::reason;
use super::rows::{hard_wrap, word_wrap, wrap_after};
use super::scroll::Extent;
use super::theme::Theme;
use super::tour::Place;

/// The lines of the wire view of the app's stage, for an inner width.
pub fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let width = usize::from(width).max(1);
    let mut out = Lines {
        lines: Vec::new(),
        width,
    };
    let run = app.run(RunKey::honest(app.flow));
    if app.place == Place::Discovery {
        match super::discovery_screen::shown_step(app) {
            Some(step) if step.exchange.is_some() => step_lines(&mut out, step, 1, 1, theme),
            Some(_) => out.words(
                "Nothing crossed the wire at this step: the client only named its client_id.",
                theme.dim,
            ),
            None => out.words("waiting for the real exchange…", theme.dim),
        }
        return out.lines;
    }
    let Some((run, record)) = run.and_then(|r| r.stage(app.stage).map(|s| (r, s))) else {
        let text = match run.and_then(|r| r.failed.as_deref()) {
            Some(error) => format!("✗ the run stopped: {error}"),
            None => "waiting for the real exchange…".to_owned(),
        };
        out.words(&text, theme.dim);
        return out.lines;
    };
    if let Some(why) = not_reached(run, app.stage) {
        out.words(
            &format!("Nothing crossed the wire at this stage, which was {why}."),
            theme.bad,
        );
        return out.lines;
    }
    let steps: Vec<&StepRecord> = record
        .steps
        .iter()
        .filter(|s| s.exchange.is_some())
        .collect();
    if steps.is_empty() {
        out.words(
            "Nothing crossed the wire at this stage: the client computes locally, and the server has seen nothing of it.",
            theme.dim,
        );
        return out.lines;
    }
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            out.blank();
        }
        step_lines(&mut out, step, i + 1, steps.len(), theme);
    }
    out.lines
}

/// Where a raw line may wrap: after a space, between the parameters of a
/// query or a form (`?`, `&`), the fields of a JSON body (`,`), the
/// attributes of a cookie (`;`) and the tags of a page (`>`).
const RAW_BREAKS: &[char] = &[' ', '?', '&', ',', ';', '>'];

/// Lines wrapped to a width as they are added.
struct Lines {
    lines: Vec<Line<'static>>,
    width: usize,
}

impl Lines {
    fn blank(&mut self) {
        self.lines.push(Line::default());
    }

    /// Prose, wrapped between words.
    fn words(&mut self, text: &str, style: Style) {
        let lines = word_wrap(text, self.width);
        self.lines
            .extend(lines.into_iter().map(|l| Line::styled(l, style)));
    }

    /// A raw line of the message: wrapped after a separator where one
    /// fits, else character by character, nothing added or dropped, so it
    /// reads (and copies) as it was sent.
    fn raw(&mut self, text: &str, style: Style) {
        let lines = wrap_after(text, self.width, RAW_BREAKS);
        self.lines
            .extend(lines.into_iter().map(|l| Line::styled(l, style)));
    }

    /// `label value` indented 4, the value's continuation lines under its
    /// first character.
    fn indented(&mut self, label: &str, value: &str, theme: &Theme) {
        let indent = 4 + label.chars().count();
        let room = self.width.saturating_sub(indent).max(1);
        for (i, piece) in hard_wrap(value, room).into_iter().enumerate() {
            let lead = if i == 0 {
                format!("    {label}")
            } else {
                " ".repeat(indent)
            };
            self.lines.push(Line::from(vec![
                Span::styled(lead, theme.dim),
                Span::styled(piece, theme.value),
            ]));
        }
    }

    /// A header line, with a dim note after it when there is room.
    fn header(&mut self, name: &str, value: &str, note: Option<&str>, theme: &Theme) {
        let text = format!("{name}: {value}");
        let pieces = wrap_after(&text, self.width, RAW_BREAKS);
        let last = pieces.len() - 1;
        for (i, piece) in pieces.into_iter().enumerate() {
            let mut spans = match piece.split_once(": ") {
                Some((n, v)) if i == 0 => vec![
                    Span::styled(format!("{n}: "), theme.label),
                    Span::styled(v.to_owned(), theme.value),
                ],
                _ => vec![Span::styled(piece.clone(), theme.value)],
            };
            if i == last
                && let Some(note) = note
                && super::rows::str_width(&piece) + 3 + note.len() <= self.width
            {
                spans.push(Span::styled(format!("   {note}"), theme.dim));
            }
            self.lines.push(Line::from(spans));
        }
    }
}

fn step_lines(out: &mut Lines, step: &StepRecord, n: usize, total: usize, theme: &Theme) {
    let Some(exchange) = &step.exchange else {
        return;
    };
    let actor = step.actor.name();
    // Purposes name their actor already ("… (browser)"): say it once.
    let purpose = step
        .purpose
        .strip_suffix(&format!(" ({actor})"))
        .unwrap_or(&step.purpose);
    let count = if total > 1 {
        format!("{n}/{total} · ")
    } else {
        String::new()
    };
    // The server's own request (a client metadata document it fetched)
    // goes to the client's listener, and the server is what read the
    // answer; every other request goes to the server.
    let (to, intro) = if step.actor == Actor::Server {
        (
            "the client's listener",
            "the server's request, as it sent it:".to_owned(),
        )
    } else {
        (
            "server",
            format!("{actor}'s request, as the server read it off the socket:"),
        )
    };
    out.words(
        &format!("━━ {count}{actor} → {to} · {purpose}"),
        theme.heading,
    );
    out.words(&intro, theme.dim);
    let sent_headers = &exchange.request.headers;
    match &step.received {
        Some(head) => {
            out.raw(
                &format!("{} {} {}", head.method, head.target, head.version),
                theme.heading,
            );
            for (name, value) in &head.headers {
                let set_by_client = sent_headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(name));
                let note = (!set_by_client).then_some("(added by the HTTP stack)");
                out.header(name, value, note, theme);
            }
        }
        None => {
            // The server reported no head: show what the client set.
            out.raw(
                &format!(
                    "{} {} HTTP/1.1",
                    exchange.request.method, exchange.request.url
                ),
                theme.heading,
            );
            for (name, value) in sent_headers {
                out.header(name, value, None, theme);
            }
        }
    }
    // The empty line that ends the head, then the body, if any.
    out.blank();
    if let Some(body) = exchange.request.body.as_deref().filter(|b| !b.is_empty()) {
        out.raw(body, theme.value);
        out.blank();
    }
    if step.amended() {
        amendment_lines(out, &step.amendments, theme);
        out.blank();
    }
    response_lines(out, &exchange.response, step.actor == Actor::Server, theme);
}

/// What the learner changed, each parameter's planned and sent values one
/// above the other, so that a single changed character shows.
fn amendment_lines(out: &mut Lines, amendments: &[Amendment], theme: &Theme) {
    out.words(
        "✎ you amended this request (planned → sent):",
        theme.missing,
    );
    for a in amendments {
        let (mark, what) = match (&a.from, &a.to) {
            (Some(_), Some(_)) => ("✎", ""),
            (Some(_), None) => ("−", ": removed"),
            (None, Some(_)) => ("+", ": added"),
            (None, None) => continue,
        };
        out.raw(&format!("{mark} {}{what}", a.param), theme.value);
        for (label, value) in [("planned", &a.from), ("sent   ", &a.to)] {
            if let Some(value) = value {
                out.indented(&format!("{label} "), value, theme);
            }
        }
    }
}

fn response_lines(out: &mut Lines, response: &HttpResponse, to_server: bool, theme: &Theme) {
    out.words(
        if to_server {
            "the client listener's response, as the server received it:"
        } else {
            "the server's response, as the client received it:"
        },
        theme.dim,
    );
    let status = format!("HTTP/1.1 {} {}", response.status, reason(response.status));
    let style = if response.status >= 400 {
        theme.bad
    } else {
        theme.heading
    };
    out.raw(status.trim_end(), style);
    for (name, value) in &response.headers {
        out.header(name, value, None, theme);
    }
    out.words(
        "(its date header is left out of the records, so a seeded run repeats byte for byte)",
        theme.dim,
    );
    out.blank();
    if let Some(body) = response.body.as_deref() {
        for line in body.lines() {
            out.raw(line, theme.value);
        }
    }
}

/// The wire view's frame over `area`, and the width its lines wrap to.
fn block(app: &App, area: Rect) -> (Block<'static>, Rect) {
    let at = if app.place == Place::Discovery {
        format!("stage 0 · step {}", app.discovery_step + 1)
    } else {
        format!("stage {}", app.stage.number())
    };
    let title = format!(" WIRE · {at} · the raw HTTP, as it crossed 127.0.0.1 · w closes ");
    let block = Block::bordered()
        .border_style(app.theme.border)
        .padding(Padding::left(1))
        .title(Span::styled(title, app.theme.pane_title));
    let inner = block.inner(area);
    (block, inner)
}

/// How far the scroll keys can move the view drawn over `area`.
pub fn extent(app: &App, area: Rect) -> Extent {
    let (_, inner) = block(app, area);
    Extent::new(lines(app, inner.width).len(), usize::from(inner.height))
}

/// Draws the view over the main area, scrolled by the app's offset (which
/// the app keeps within [`extent`]; clamped here too, for a record that
/// arrived since).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (mut block, inner) = block(app, area);
    let lines = lines(app, inner.width);
    let extent = Extent::new(lines.len(), usize::from(inner.height));
    let scroll = usize::from(extent.clamp(app.scroll));
    if let Some(hint) = extent.hint(app.scroll) {
        block = block.title_bottom(Line::styled(hint, theme.dim).right_aligned());
    }
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    Paragraph::new(visible)
        .style(theme.base)
        .block(block)
        .render(area, buf);
}
