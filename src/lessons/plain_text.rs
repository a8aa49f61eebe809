//! Lesson Markdown as plain text, for the linear tour (screen readers, dumb
//! terminals) and the end summary: the markup goes, the words and the values
//! stay. A paragraph or a list item is one line (a screen reader reads it
//! at once; a terminal wraps it), blocks are separated by one blank line,
//! code is verbatim.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The text of `markdown` without its markup.
pub fn plain_text(markdown: &str) -> String {
    let mut out = Writer::default();
    for event in Parser::new(markdown) {
        out.handle(event);
    }
    out.finish()
}

#[derive(Default)]
struct Writer {
    /// Finished lines.
    lines: Vec<String>,
    /// The line being written.
    line: String,
    /// The open lists: the next number of an ordered one, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Inside a fenced or indented code block.
    in_code_block: bool,
    /// Links being written, with their destination.
    links: Vec<String>,
    /// Where the current link's text starts in `line`.
    link_starts: Vec<usize>,
}

impl Writer {
    fn handle(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if self.in_code_block => {
                for line in text.lines() {
                    self.lines.push(format!("    {line}"));
                }
            }
            Event::Text(text) | Event::Code(text) => self.line.push_str(&text),
            Event::SoftBreak => self.line.push(' '),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.blank();
                self.lines.push("----".to_owned());
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            // A paragraph inside a list item continues the item's line.
            Tag::Paragraph | Tag::Heading { .. } | Tag::BlockQuote(_) if self.lists.is_empty() => {
                self.blank();
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.blank();
                self.in_code_block = true;
            }
            Tag::List(first) => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(first);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_owned(),
                };
                self.line = format!("{}{marker}", "  ".repeat(depth));
            }
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.into_string());
                self.link_starts.push(self.line.len());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item => self.flush(),
            TagEnd::CodeBlock => self.in_code_block = false,
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Link => {
                let (Some(url), Some(start)) = (self.links.pop(), self.link_starts.pop()) else {
                    return;
                };
                if self.line.get(start..) != Some(url.as_str()) {
                    self.line.push_str(&format!(" ({url})"));
                }
            }
            _ => {}
        }
    }

    /// Ends the line being written, if any.
    fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        if !line.trim().is_empty() {
            self.lines.push(line.trim_end().to_owned());
        }
    }

    /// One blank line between blocks, never two, none at the top.
    fn blank(&mut self) {
        self.flush();
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        self.lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_and_words_stay() {
        let text = plain_text(
            "**PKCE** (RFC 7636) makes a *stolen*\ncode useless: `abc`.\n\n- one\n- two `x`\n\nlast [RFC](https://example.test) and [https://a.test](https://a.test)",
        );
        assert_eq!(
            text,
            "PKCE (RFC 7636) makes a stolen code useless: abc.\n\n- one\n- two x\n\nlast RFC (https://example.test) and https://a.test"
        );
    }

    #[test]
    fn ordered_nested_lists_and_code_blocks() {
        let text = plain_text("1. a\n2. b\n   - c\n\n```\ncode = 1\n```\n\n# Title\nafter");
        assert_eq!(text, "1. a\n2. b\n  - c\n\n    code = 1\n\nTitle\n\nafter");
    }

    #[test]
    fn loose_list_items_stay_on_their_line() {
        assert_eq!(plain_text("- one\n\n- two\n"), "- one\n- two");
        assert_eq!(plain_text(""), "");
    }
}
