//! The end summary, from saved progress and the checkpoints: what the
//! learner saw, the checkpoints answered right and missed (with the screen
//! to revisit), and where to read next. Shown after stage 6 of the linear
//! tour and by `pkce-tutor progress`; [`resume_stage`] says where the next
//! tour starts.

use std::fmt::Write as _;

use crate::flow::{Flow, Stage};
use crate::lessons::{Checkpoint, CheckpointSet, Letter, Screen, plain_text};
use crate::progress::Progress;

/// The stage a tour of `flow` resumes at: the last stage screen of that
/// flow the learner was on (stage 4 after an attack, played after it; the
/// experiment's stage after an experiment). `None` for a fresh start, a
/// finished tour or the other flow.
pub fn resume_stage(progress: &Progress, flow: Flow) -> Option<Stage> {
    let screen = Screen::from_key(progress.last_screen.as_deref()?)?;
    if screen.flow() != Some(flow) {
        return None;
    }
    match screen {
        Screen::Stage(_, stage) => Some(stage),
        Screen::Attack(..) => Some(Stage::CodeIssued),
        Screen::Experiment(_, experiment) => Some(experiment.stage()),
        Screen::Intro | Screen::Discovery | Screen::Summary => None,
    }
}

/// What the learner did, with the checkpoints of the current lesson set.
#[derive(Debug, Clone)]
pub struct Summary<'a> {
    /// The screens seen, in the order first seen (keys this version does
    /// not know are left out).
    pub seen: Vec<Screen>,
    /// Checkpoints answered right.
    pub right: Vec<&'a Checkpoint>,
    /// Checkpoints missed, with the letter chosen.
    pub missed: Vec<(&'a Checkpoint, Letter)>,
    /// Checkpoints not answered yet.
    pub open: Vec<&'a Checkpoint>,
}

impl<'a> Summary<'a> {
    /// Reads the progress against the checkpoints (answers to checkpoints
    /// the set no longer has are left out).
    pub fn new(progress: &Progress, checkpoints: &'a CheckpointSet) -> Self {
        let mut summary = Self {
            seen: progress
                .seen
                .iter()
                .filter_map(|key| Screen::from_key(key))
                .collect(),
            right: Vec::new(),
            missed: Vec::new(),
            open: Vec::new(),
        };
        for checkpoint in checkpoints.all() {
            match progress.answer(&checkpoint.id) {
                Some(answer) if answer.correct => summary.right.push(checkpoint),
                Some(answer) => summary.missed.push((
                    checkpoint,
                    Letter::from_char(answer.chosen).unwrap_or(Letter::A),
                )),
                None => summary.open.push(checkpoint),
            }
        }
        // In the order the tour shows their screens, so that "revisit"
        // reads from the start of the tour to its end.
        summary.right.sort_by_key(|c| tour_order(c.revisit()));
        summary.missed.sort_by_key(|(c, _)| tour_order(c.revisit()));
        summary.open.sort_by_key(|c| tour_order(c.revisit()));
        summary
    }

    /// The sections to read next: those of the missed checkpoints, or, when
    /// none was missed, of the ones not answered yet; each once, in order.
    pub fn read_next(&self) -> Vec<&'a str> {
        let from: Vec<&'a Checkpoint> = if self.missed.is_empty() {
            self.open.clone()
        } else {
            self.missed.iter().map(|(c, _)| *c).collect()
        };
        let mut sections: Vec<&'a str> = Vec::new();
        for c in from {
            if !sections.contains(&c.section.as_str()) {
                sections.push(&c.section);
            }
        }
        sections
    }

    /// The summary as plain text (no markup, no drawing characters), one
    /// item a line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "What you saw: {}.", self.seen_text());
        let total = self.right.len() + self.missed.len() + self.open.len();
        if total == 0 {
            let _ = writeln!(out, "These lessons have no checkpoints.");
            return out;
        }
        let _ = writeln!(
            out,
            "Checkpoints: {} right, {} missed, {} not answered yet (of {total}).",
            self.right.len(),
            self.missed.len(),
            self.open.len()
        );
        if !self.missed.is_empty() {
            let _ = writeln!(out, "Missed, and where to look again:");
            for (c, chosen) in &self.missed {
                let _ = writeln!(
                    out,
                    "- {} You chose {chosen}; the answer is {}: {}. Revisit {}; read {}.",
                    plain_text(&c.question),
                    c.right,
                    plain_text(c.option(c.right).unwrap_or_default()),
                    c.revisit(),
                    c.section
                );
            }
        }
        if !self.right.is_empty() {
            let _ = writeln!(out, "Right:");
            for c in &self.right {
                let _ = writeln!(out, "- {}", plain_text(&c.question));
            }
        }
        let sections = self.read_next();
        if !sections.is_empty() {
            let why = if self.missed.is_empty() {
                "for the checkpoints not answered yet"
            } else {
                "for what you missed"
            };
            let _ = writeln!(out, "Read next ({why}): {}.", sections.join("; "));
        }
        out
    }

    /// "the introduction; stages 1, 2, 3 of the flow with PKCE; …".
    pub fn seen_text(&self) -> String {
        if self.seen.is_empty() {
            return "nothing yet".to_owned();
        }
        let mut parts = Vec::new();
        if self.seen.contains(&Screen::Intro) {
            parts.push("the introduction".to_owned());
        }
        if self.seen.contains(&Screen::Discovery) {
            parts.push(Screen::Discovery.to_string());
        }
        for flow in [Flow::Pkce, Flow::Plain] {
            let mut stages: Vec<u8> = self
                .seen
                .iter()
                .filter_map(|s| match s {
                    Screen::Stage(f, stage) if *f == flow => Some(stage.number()),
                    _ => None,
                })
                .collect();
            stages.sort_unstable();
            if !stages.is_empty() {
                let list: Vec<String> = stages.iter().map(u8::to_string).collect();
                parts.push(format!(
                    "{} {} of the flow {}",
                    if stages.len() == 1 { "stage" } else { "stages" },
                    list.join(", "),
                    flow.caption()
                ));
            }
        }
        parts.extend(
            self.seen
                .iter()
                .filter(|s| matches!(s, Screen::Attack(..) | Screen::Experiment(..)))
                .map(ToString::to_string),
        );
        if self.seen.contains(&Screen::Summary) {
            parts.push("the summary".to_owned());
        }
        parts.join("; ")
    }
}

/// Where a screen comes in the tour: the introduction, then each flow's
/// stages (PKCE first), an experiment after the stage it changes, an attack
/// after stage 4 (it is played after it), the summary last.
fn tour_order(screen: Screen) -> (u8, u8, u8) {
    let flow = |flow: Flow| match flow {
        Flow::Pkce => 1,
        Flow::Plain => 2,
    };
    match screen {
        Screen::Intro => (0, 0, 0),
        Screen::Discovery => (0, 1, 0),
        Screen::Stage(f, stage) => (flow(f), stage.number(), 0),
        Screen::Experiment(f, experiment) => (flow(f), experiment.stage().number(), 1),
        Screen::Attack(f, _) => (flow(f), Stage::CodeIssued.number(), 2),
        Screen::Summary => (u8::MAX, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Attack;
    use crate::lessons::LessonSet;

    #[test]
    fn resumes_at_the_last_stage_of_the_same_flow() {
        let mut progress = Progress::default();
        assert_eq!(resume_stage(&progress, Flow::Pkce), None);
        progress.visit(&Screen::Stage(Flow::Pkce, Stage::TokenRequest).key());
        assert_eq!(
            resume_stage(&progress, Flow::Pkce),
            Some(Stage::TokenRequest)
        );
        assert_eq!(resume_stage(&progress, Flow::Plain), None);
        progress.visit(&Screen::Attack(Flow::Pkce, Attack::Interception).key());
        assert_eq!(resume_stage(&progress, Flow::Pkce), Some(Stage::CodeIssued));
        progress.visit("summary");
        assert_eq!(resume_stage(&progress, Flow::Pkce), None);
        progress.last_screen = Some("from/a-newer-version".into());
        assert_eq!(resume_stage(&progress, Flow::Pkce), None);
    }

    #[test]
    fn stage_0_seen_is_listed_after_the_introduction() {
        let lessons = LessonSet::builtin();
        let mut progress = Progress::default();
        for key in ["intro", "discovery", "pkce/stage-1"] {
            progress.visit(key);
        }
        let summary = Summary::new(&progress, lessons.checkpoints());
        assert_eq!(
            summary.seen_text(),
            "the introduction; stage 0 (discovery and registration); stage 1 of the flow with PKCE"
        );
    }

    #[test]
    fn the_summary_lists_right_missed_and_where_to_read() {
        let lessons = LessonSet::builtin();
        let mut progress = Progress::default();
        progress.visit("intro");
        for n in [1, 2, 3] {
            progress.visit(&format!("pkce/stage-{n}"));
        }
        progress.visit("plain/stage-2");
        progress.visit("pkce/attack-interception");
        progress.record_answer("pkce-and-state", 'a', false);
        progress.record_answer("challenge-encoding", 'c', true);
        progress.record_answer("no-longer-there", 'a', true);
        let summary = Summary::new(&progress, lessons.checkpoints());
        assert_eq!(summary.right.len(), 1);
        assert_eq!(summary.missed.len(), 1);
        assert_eq!(summary.open.len(), lessons.checkpoints().all().len() - 2);
        assert_eq!(summary.read_next(), ["RFC 9700 §2.1"]);
        let text = summary.to_text();
        assert!(
            text.contains(
                "What you saw: the introduction; stages 1, 2, 3 of the flow with PKCE; stage 2 of the flow without PKCE; the interception attack against PKCE (the attack lab's right side)."
            ),
            "{text}"
        );
        assert!(text.contains("1 right, 1 missed"), "{text}");
        assert!(
            text.contains("You chose a; the answer is b: Not by default"),
            "{text}"
        );
        assert!(
            text.contains("Revisit stage 4 of the flow with PKCE; read RFC 9700 §2.1."),
            "{text}"
        );
        assert!(!text.contains('`'), "no markup: {text}");
    }

    #[test]
    fn checkpoints_are_listed_in_the_order_of_the_tour() {
        let lessons = LessonSet::builtin();
        let mut progress = Progress::default();
        // Stage 4, stage 2, stage 3: all wrong.
        for id in ["pkce-and-state", "challenge-encoding", "why-not-plain"] {
            progress.record_answer(id, 'a', false);
        }
        let summary = Summary::new(&progress, lessons.checkpoints());
        let missed: Vec<&str> = summary.missed.iter().map(|(c, _)| c.id.as_str()).collect();
        assert_eq!(
            missed,
            ["challenge-encoding", "why-not-plain", "pkce-and-state"]
        );
        assert_eq!(
            summary.read_next(),
            ["RFC 7636 §4.2", "OAuth 2.1 §7.5.2", "RFC 9700 §2.1"]
        );
    }
}
