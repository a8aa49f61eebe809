//! Lesson Markdown to ratatui [`Text`]: a small pulldown-cmark converter.
//!
//! It renders what the lessons use: headings, paragraphs, *emphasis*,
//! **strong**, `inline code`, bullet and numbered lists (nested), and, for
//! instructors' own lessons, code blocks, block quotes, rules and links (link
//! text followed by the address). Wrapping is left to the caller, which draws
//! the result in a `Paragraph` with `Wrap`: this module only decides lines,
//! indentation and styles. Every style comes from [`MarkdownStyles`], which
//! the TUI builds from its theme, so a monochrome theme stays monochrome.
//!
//! Citations stay on one line when wrapped: in ordinary text the spaces of
//! `RFC 7636 §4.6` and `OAuth 2.1 §4.1.3` become non-breaking spaces, which
//! ratatui's wrapping does not break at.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};

/// The styles a lesson is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownStyles {
    /// Headings (patched over `text`).
    pub heading: Style,
    /// `*emphasis*` (patched over the surrounding style).
    pub emphasis: Style,
    /// `**strong**` (patched over the surrounding style).
    pub strong: Style,
    /// `` `inline code` `` and code blocks: live values appear in these.
    pub code: Style,
    /// List markers (`•`, `1.`) and block-quote bars.
    pub bullet: Style,
    /// Ordinary text.
    pub text: Style,
}

impl Default for MarkdownStyles {
    /// Modifiers only (no colour), so it suits `NO_COLOR` and tests.
    fn default() -> Self {
        Self {
            heading: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: Style::new().add_modifier(Modifier::BOLD),
            code: Style::new().add_modifier(Modifier::REVERSED),
            bullet: Style::new().add_modifier(Modifier::BOLD),
            text: Style::new(),
        }
    }
}

/// Converts lesson Markdown into styled lines, one blank line between blocks.
/// Soft line breaks become spaces, so the caller's wrapping decides where the
/// lines of a paragraph end.
pub fn lesson_text(markdown: &str, styles: &MarkdownStyles) -> Text<'static> {
    let mut renderer = Renderer::new(styles);
    for event in Parser::new_ext(markdown, Options::empty()) {
        renderer.handle(event);
    }
    renderer.finish()
}

/// Converts one short piece of inline Markdown (a question, an option, a
/// sentence of the summary) into a single styled line, citations kept
/// together as in lessons; the caller wraps it.
pub fn inline_text(markdown: &str, styles: &MarkdownStyles) -> Line<'static> {
    let text = lesson_text(markdown, styles);
    let mut spans: Vec<Span<'static>> = Vec::new();
    for line in text.lines.into_iter().filter(|l| l.width() > 0) {
        if !spans.is_empty() {
            spans.push(Span::styled(" ", styles.text));
        }
        spans.extend(line.spans);
    }
    Line::from(spans)
}

/// Replaces the spaces inside citations (`RFC 7636 §4.1`, `OAuth 2.1 §4`)
/// with non-breaking spaces.
fn keep_citations_together(text: &str) -> String {
    const NBSP: char = '\u{a0}';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        let joins = c == ' '
            && (after.starts_with('§')
                || (out.ends_with("RFC") && after.starts_with(|d: char| d.is_ascii_digit()))
                || (out.ends_with("OAuth") && after.starts_with("2.1")));
        out.push(if joins { NBSP } else { c });
        rest = after;
    }
    out
}

/// One open list: the number of its next item when it is ordered.
struct List {
    next: Option<u64>,
}

struct Renderer<'s> {
    styles: &'s MarkdownStyles,
    lines: Vec<Line<'static>>,
    current: Vec<Span<'static>>,
    /// Style of the text being emitted; the last entry is in force.
    style_stack: Vec<Style>,
    lists: Vec<List>,
    /// Indentation (in columns) of the content of each open list item.
    item_indents: Vec<usize>,
    /// The marker of an item whose first line has not started yet.
    pending_marker: Option<Vec<Span<'static>>>,
    /// Open block quotes.
    quote_depth: usize,
    in_code_block: bool,
    /// Link destinations, shown after the link text.
    links: Vec<String>,
    /// A blank line is due before the next block.
    blank_due: bool,
}

impl<'s> Renderer<'s> {
    fn new(styles: &'s MarkdownStyles) -> Self {
        Self {
            styles,
            lines: Vec::new(),
            current: Vec::new(),
            style_stack: vec![styles.text],
            lists: Vec::new(),
            item_indents: Vec::new(),
            pending_marker: None,
            quote_depth: 0,
            in_code_block: false,
            links: Vec::new(),
            blank_due: false,
        }
    }

    fn style(&self) -> Style {
        self.style_stack.last().copied().unwrap_or(self.styles.text)
    }

    fn push_style(&mut self, patch: Style) {
        let style = self.style().patch(patch);
        self.style_stack.push(style);
    }

    fn pop_style(&mut self) {
        if self.style_stack.len() > 1 {
            self.style_stack.pop();
        }
    }

    fn handle(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if self.in_code_block {
                    self.code_block_text(&text);
                } else {
                    self.push_text(keep_citations_together(&text), self.style());
                }
            }
            Event::Code(code) | Event::InlineMath(code) | Event::DisplayMath(code) => {
                let style = self.style().patch(self.styles.code);
                self.push_text(code.into_string(), style);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for (i, part) in html.split('\n').enumerate() {
                    if i > 0 {
                        self.flush_line();
                    }
                    self.push_text(part.to_owned(), self.style());
                }
            }
            Event::FootnoteReference(label) => {
                self.push_text(format!("[{label}]"), self.style());
            }
            Event::SoftBreak => self.push_text(" ".to_owned(), self.style()),
            Event::HardBreak => self.flush_line(),
            Event::Rule => {
                self.start_block();
                self.push_text("─".repeat(20), self.styles.bullet);
                self.end_block();
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "[x] " } else { "[ ] " };
                self.push_text(mark.to_owned(), self.styles.bullet);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.start_block(),
            Tag::Heading { .. } => {
                self.start_block();
                self.push_style(self.styles.heading);
            }
            Tag::BlockQuote(_) => {
                self.start_block();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(_) => {
                self.start_block();
                self.in_code_block = true;
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.start_block();
                } else {
                    self.flush_line();
                }
                self.lists.push(List { next: first });
            }
            Tag::Item => self.start_item(),
            Tag::Emphasis => self.push_style(self.styles.emphasis),
            Tag::Strong => self.push_style(self.styles.strong),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.into_string());
            }
            _ => {}
        }
    }

    fn start_item(&mut self) {
        self.flush_line();
        if self.blank_due {
            self.push_blank();
        }
        let base = self.item_indents.last().copied().unwrap_or(0);
        let marker = match self.lists.last_mut() {
            Some(List { next: Some(n) }) => {
                let marker = format!("{n}. ");
                *n += 1;
                marker
            }
            _ => "• ".to_owned(),
        };
        let width = marker.chars().count();
        let mut spans = Vec::new();
        if base > 0 {
            spans.push(Span::styled(" ".repeat(base), self.styles.text));
        }
        spans.push(Span::styled(marker, self.styles.bullet));
        self.pending_marker = Some(spans);
        self.item_indents.push(base + width);
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.end_block(),
            TagEnd::Heading(_) => {
                self.pop_style();
                self.end_block();
            }
            TagEnd::BlockQuote(_) => {
                self.end_block();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                self.in_code_block = false;
                self.end_block();
            }
            TagEnd::List(_) => {
                self.flush_line();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank_due = true;
                }
            }
            TagEnd::Item => {
                self.flush_line();
                self.pending_marker = None;
                self.item_indents.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong => self.pop_style(),
            TagEnd::Link | TagEnd::Image => {
                if let Some(url) = self.links.pop() {
                    let shown: String = self.current.iter().map(|s| s.content.as_ref()).collect();
                    if !url.is_empty() && !shown.ends_with(url.as_str()) {
                        self.push_text(format!(" <{url}>"), self.style());
                    }
                }
            }
            _ => {}
        }
    }

    fn code_block_text(&mut self, text: &str) {
        let style = self.styles.code;
        let mut parts = text.split('\n').peekable();
        while let Some(part) = parts.next() {
            let last = parts.peek().is_none();
            if last && part.is_empty() {
                break;
            }
            self.push_text(format!("  {part}"), style);
            if !last {
                self.flush_line();
            }
        }
    }

    /// Adds text to the current line, starting the line (quote bars, list
    /// marker or item indentation) if it is empty.
    fn push_text(&mut self, text: String, style: Style) {
        if text.is_empty() {
            return;
        }
        if self.current.is_empty() {
            for _ in 0..self.quote_depth {
                self.current.push(Span::styled("│ ", self.styles.bullet));
            }
            if let Some(marker) = self.pending_marker.take() {
                self.current.extend(marker);
            } else if let Some(&indent) = self.item_indents.last() {
                self.current
                    .push(Span::styled(" ".repeat(indent), self.styles.text));
            }
        }
        self.current.push(Span::styled(text, style));
    }

    fn flush_line(&mut self) {
        if !self.current.is_empty() {
            let spans = std::mem::take(&mut self.current);
            self.lines.push(Line::from(spans));
        }
    }

    fn push_blank(&mut self) {
        if !self.lines.is_empty() {
            if self.quote_depth > 0 {
                let bars = "│ ".repeat(self.quote_depth);
                self.lines
                    .push(Line::from(Span::styled(bars, self.styles.bullet)));
            } else {
                self.lines.push(Line::default());
            }
        }
        self.blank_due = false;
    }

    fn start_block(&mut self) {
        self.flush_line();
        if self.blank_due {
            self.push_blank();
        }
    }

    fn end_block(&mut self) {
        self.flush_line();
        self.blank_due = true;
    }

    fn finish(mut self) -> Text<'static> {
        self.flush_line();
        while self.lines.last().is_some_and(|l| l.width() == 0) {
            self.lines.pop();
        }
        Text::from(self.lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &Text<'_>) -> Vec<String> {
        text.lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn inline_text_is_one_line_with_its_citations_kept_together() {
        let styles = MarkdownStyles::default();
        let line = inline_text("Send `code_verifier`: read RFC 7636 §4.6.", &styles);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "Send code_verifier: read RFC\u{a0}7636\u{a0}§4.6.");
        assert!(line.spans.iter().any(|s| s.style == styles.code));
    }

    #[test]
    fn blocks_are_separated_by_one_blank_line() {
        let text = lesson_text(
            "# Title\n\nFirst\nparagraph.\n\n- one\n- two\n\nEnd.",
            &MarkdownStyles::default(),
        );
        assert_eq!(
            plain(&text),
            [
                "Title",
                "",
                "First paragraph.",
                "",
                "• one",
                "• two",
                "",
                "End."
            ]
        );
    }

    #[test]
    fn styles_are_applied_and_nested() {
        let styles = MarkdownStyles::default();
        let text = lesson_text("a *b **c*** `d`", &styles);
        let spans = &text.lines[0].spans;
        let find = |s: &str| spans.iter().find(|sp| sp.content == s).unwrap().style;
        assert_eq!(find("a "), styles.text);
        assert_eq!(find("b "), styles.emphasis);
        assert_eq!(find("c"), styles.emphasis.patch(styles.strong));
        assert_eq!(find("d"), styles.code);
    }

    #[test]
    fn heading_style_applies_to_heading_text() {
        let styles = MarkdownStyles::default();
        let text = lesson_text("## Why", &styles);
        assert_eq!(text.lines[0].spans[0].style, styles.heading);
    }

    #[test]
    fn ordered_and_nested_lists_are_numbered_and_indented() {
        let text = lesson_text(
            "1. first\n2. second\n   - inner\n3. third",
            &MarkdownStyles::default(),
        );
        assert_eq!(
            plain(&text),
            ["1. first", "2. second", "   • inner", "3. third"]
        );
    }

    #[test]
    fn loose_list_items_keep_their_indentation() {
        let text = lesson_text("- a\n\n  more\n\n- b", &MarkdownStyles::default());
        assert_eq!(plain(&text), ["• a", "", "  more", "", "• b"]);
    }

    #[test]
    fn code_blocks_quotes_and_links() {
        let text = lesson_text(
            "```\nx = 1\n```\n\n> quoted\n\n[spec](https://example.org)",
            &MarkdownStyles::default(),
        );
        assert_eq!(
            plain(&text),
            ["  x = 1", "", "│ quoted", "", "spec <https://example.org>"]
        );
    }

    #[test]
    fn citations_do_not_break_but_code_is_verbatim() {
        let text = lesson_text(
            "See RFC 7636 §4.6 and OAuth 2.1 §4.1.3, not `RFC 1 §2`.",
            &MarkdownStyles::default(),
        );
        assert_eq!(
            plain(&text),
            ["See RFC\u{a0}7636\u{a0}§4.6 and OAuth\u{a0}2.1\u{a0}§4.1.3, not RFC 1 §2."]
        );
    }

    #[test]
    fn empty_input_gives_empty_text() {
        assert!(lesson_text("", &MarkdownStyles::default()).lines.is_empty());
    }
}
