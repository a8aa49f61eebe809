//! The lesson panel of the attack lab: the part of the attack's lesson the
//! row explains. An attack lesson opens with what the attack is, then has
//! `###` sections: what the attacker can do, why it works without the
//! defence, which rule stops it, then what one run sent and got (for a
//! transcript of one side: here each side's column shows its own). Until
//! the attack is decided the panel shows the opening and the first section;
//! from the row that decides it on, the second and third. A lesson with
//! fewer sections (a `--lessons` directory of older files) is shown whole.

use ratatui::text::Text;

use crate::lessons::Lesson;
use crate::tui::app::App;
use crate::tui::markdown;

use super::align;
use super::{Lab, Side};

/// What an attack lesson is made of: the text before its first section,
/// and each section with its heading.
fn parts(markdown: &str) -> (String, Vec<String>) {
    let mut intro = String::new();
    let mut sections: Vec<String> = Vec::new();
    for line in markdown.split_inclusive('\n') {
        if line.starts_with("### ") {
            sections.push(String::new());
        }
        match sections.last_mut() {
            Some(section) => section.push_str(line),
            None => intro.push_str(line),
        }
    }
    (intro, sections)
}

/// The part of a lesson shown at a row: before the attack is decided, the
/// opening and the first section; from then on, the other sections.
fn part_for(markdown: &str, decided: bool) -> String {
    let (intro, sections) = parts(markdown);
    match &sections[..] {
        [first, ..] if sections.len() >= 3 && !decided => format!("{intro}{first}"),
        [_, without, with, ..] if decided => format!("{without}{with}"),
        _ => markdown.to_owned(),
    }
}

/// Whether the attack is decided on either side by the lab's row.
fn decided(app: &App, lab: &Lab) -> bool {
    Side::BOTH.iter().any(|&side| {
        align::run(app, lab.attack, side)
            .and_then(|run| run.trace.attack.as_ref())
            .and_then(align::decisive_row)
            .is_some_and(|row| lab.step >= row)
    })
}

/// The attack's lesson and the text the panel shows for the lab's row,
/// filled from the side as OAuth 2.1 requires (a lesson about an attack is
/// written for both sides); `None` when the set has no lesson for it.
pub fn lesson(app: &App) -> Option<(&Lesson, Text<'static>)> {
    let lab = &app.lab;
    let lesson = app.lessons.for_attack(lab.attack)?;
    let run = align::run(app, lab.attack, Side::With).filter(|r| r.trace.attack.is_some());
    let Some(run) = run else {
        let text = Text::styled("waiting for the real exchange…", app.theme.dim);
        return Some((lesson, text));
    };
    let text = match lesson.fill(&run.trace, None) {
        Ok(filled) => markdown::lesson_text(
            &part_for(&filled, decided(app, lab)),
            &app.theme.markdown_styles(),
        ),
        Err(error) => Text::styled(format!("lesson error: {error}"), app.theme.bad),
    };
    Some((lesson, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "Opening.\n\n### The attacker\nA.\n\n### Without\nB.\n\n### With\nC.\n\n\
                          ### This run\nD.\n";

    #[test]
    fn before_the_decision_the_opening_and_the_first_section() {
        assert_eq!(
            part_for(LESSON, false),
            "Opening.\n\n### The attacker\nA.\n\n"
        );
    }

    #[test]
    fn from_the_decision_on_the_second_and_third_sections() {
        assert_eq!(
            part_for(LESSON, true),
            "### Without\nB.\n\n### With\nC.\n\n",
            "this run's section is left to the columns"
        );
    }

    #[test]
    fn a_lesson_without_sections_is_shown_whole() {
        assert_eq!(part_for("Just text.\n", true), "Just text.\n");
        assert_eq!(part_for("Intro\n### One\nx\n", true), "Intro\n### One\nx\n");
    }
}
