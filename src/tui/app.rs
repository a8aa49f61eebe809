//! The state of the tutorial and the only place it changes.
//!
//! [`App`] is plain data: what is shown (the place in the tour, flow,
//! stage, mode, help, focus and scroll offsets, the request editor, the
//! status line), the learner's amendments (the
//! [`Bench`]), the recorded runs received so far, the clock the countdown
//! is drawn against, and the terminal's size, by which the scroll keys page.
//! [`App::update`] applies an [`Action`] (from the keymap) and
//! [`App::handle_msg`] a [`Msg`] (from a flow task); neither performs I/O.
//! What the background should be running is declared by [`App::demands`],
//! which the loop reconciles with its tasks.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::layout::{Rect, Size};

use crate::flow::{
    Attack, AttackRecord, BrowserHandle, BrowserMode, Edit, Engine, Experiment, Flow, PlannedStep,
    Registration, Scenario, Stage, StageRecord, Step, StepRecord, Target, Trace,
};
use crate::lessons::{LessonSet, Letter};
use crate::record::ExternalRequest;

use super::ThemeName;
use super::attack::{self, Lab, Picked, PickerInput};
use super::autoplay::{self, Autoplay};
use super::bench::{self, Bench};
use super::checkpoint;
use super::editor::{self, Editor};
use super::focus::{self, Focus};
use super::learner::{self, Learner};
use super::scroll::Scroll;
use super::theme::Theme;
use super::tour::{self, Place};
use super::view::{self, Scrolled};

/// What the main area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One flow, client and server side by side.
    Stepping,
    /// The same stage of both flows side by side.
    Contrast,
    /// The attack lab: the attack chosen in the picker, stepped through,
    /// both of its sides at once.
    AttackLab,
    /// The raw HTTP of the stage's requests and responses (`w`).
    Wire,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Next stage.
    Next,
    /// Previous stage.
    Prev,
    /// Jump to a stage.
    Jump(Stage),
    /// Jump to stage 0, discovery and registration (`0`).
    JumpToDiscovery,
    /// Toggle the contrast with the other flow.
    ToggleContrast,
    /// Open the attack picker (or close it).
    ToggleAttack,
    /// A key for the open attack picker.
    Picker(PickerInput),
    /// In an attack shown one side at a time, show the other side.
    OtherSide,
    /// Toggle the help overlay.
    ToggleHelp,
    /// Move the focus, which the scroll keys move, to the next part of the
    /// screen (`f`).
    Focus,
    /// Close what is open: the help, else the attack picker, else the
    /// focus, else the contrast, the wire view or the attack lab.
    /// On the main screen it does nothing: Esc never quits (DESIGN v2),
    /// only [`Action::Quit`] does.
    Close,
    /// Quit.
    Quit,
    /// Restart every flow with fresh values (a new seed), untouched.
    Restart,
    /// Run every flow again with the same values, untouched (`R`).
    Rerun,
    /// Open the editor on the request Right would send next (`e`).
    Amend,
    /// A key for the open editor.
    Editor(editor::Input),
    /// Toggle the wire view.
    ToggleWire,
    /// Scroll the focused part (the lesson without a focus; the columns,
    /// the wire view; the help while it is open) by a page or a line.
    Scroll(Scroll),
    /// Answer the open checkpoint with this letter.
    Answer(Letter),
    /// Start or stop autoplay (`s`).
    ToggleAutoplay,
}

/// Which run of the engine: a flow, with or without an attack replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunKey {
    /// PKCE or plain.
    pub flow: Flow,
    /// The attack replayed after stage 4, if any.
    pub attack: Option<Attack>,
}

impl RunKey {
    /// A run of that flow without an attack.
    pub fn honest(flow: Flow) -> Self {
        Self { flow, attack: None }
    }

    /// A run of that flow with `attack` played after stage 4.
    pub fn attacked(flow: Flow, attack: Attack) -> Self {
        Self {
            flow,
            attack: Some(attack),
        }
    }
}

/// How far the screen wants a run to go: the first `n` requests of stage
/// 0, or stage `n` (all of stage 0 before it). Ordered: every step of stage
/// 0 comes before stage 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Upto {
    /// The first `n` steps of discovery and registration.
    Discovery(u8),
    /// Stages 1 to `n`.
    Stage(u8),
}

impl Upto {
    /// Nothing yet: the run is started, nothing sent.
    pub const NOTHING: Self = Self::Discovery(0);
    /// Stage 0 over, no stage yet.
    pub const DISCOVERED: Self = Self::Stage(0);

    /// Up to and including `stage`.
    pub fn stage(stage: Stage) -> Self {
        Self::Stage(stage.number())
    }
}

/// A stage waiting for the learner's own browser (`--browser`).
#[derive(Debug, Clone)]
pub struct BrowserWait {
    /// The stage that waits: 3 (the browser is to open the URL) or 4 (the
    /// learner is to approve, and the browser to come back to the client).
    pub stage: Stage,
    /// The authorization URL the browser is to open.
    pub url: String,
    /// How the tour tried to open it: the command, or why it could not.
    pub opened: Result<String, String>,
    /// Hands the stage to the simulated browser (Esc).
    pub handle: BrowserHandle,
}

/// What a flow task reports.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// The engine's server is up (and the client's listener, if it runs
    /// one); nothing has been sent yet.
    Started {
        /// `http://127.0.0.1:<port>`.
        issuer: String,
        /// The client's listener, `http://127.0.0.1:<port>`, if any.
        listener: Option<String>,
    },
    /// A step of stage 0 (discovery and registration), with what the client
    /// checked and what the server reported.
    Discovered {
        /// The step (boxed: it is the largest event by far).
        step: Box<StepRecord>,
        /// Whether stage 0 has more steps.
        more: bool,
        /// The `client_id` the client holds after it, once it has one.
        client_id: Option<String>,
    },
    /// The next stage waits for the learner's browser.
    AwaitingBrowser(BrowserWait),
    /// The request the next stage would send, as planned (none when it
    /// sends nothing).
    Planned(Option<PlannedStep>),
    /// A stage completed.
    Stage(StageRecord),
    /// The attack was played.
    Attack(AttackRecord),
    /// A request the tutorial did not send reached the run's server (or
    /// what the server did with it has grown): the live view.
    External(ExternalRequest),
    /// The run could not go on.
    Failed(String),
}

impl RunEvent {
    /// The engine has started: its issuer and its listener.
    pub fn started(engine: &Engine) -> Self {
        Self::Started {
            issuer: engine.issuer().to_owned(),
            listener: engine.listener_origin(),
        }
    }
}

impl RunEvent {
    /// The engine's plan of its next request (a run that cannot plan, which
    /// only a broken metadata document causes, reports that it has none).
    pub fn planned(engine: &mut Engine) -> Self {
        Self::Planned(engine.plan().ok().flatten())
    }
}

impl From<Step> for RunEvent {
    fn from(step: Step) -> Self {
        match step {
            Step::Stage(record) => Self::Stage(record),
            Step::Attack(record) => Self::Attack(record),
        }
    }
}

/// A message from a flow task, tagged with the generation it belongs to.
#[derive(Debug, Clone)]
pub struct Msg {
    /// The generation (bumped by every restart); stale messages are dropped.
    pub generation: u64,
    /// Which run.
    pub run: RunKey,
    /// What happened.
    pub event: RunEvent,
}

/// Everything received from one run so far.
#[derive(Debug, Clone)]
pub struct Run {
    /// The records received, as a [`Trace`] (the issuer is empty until the
    /// run has started).
    pub trace: Trace,
    /// Why the run stopped, if it failed.
    pub failed: Option<String>,
    /// When the UI received the stage that issued the code (drives the
    /// "time left" countdown; the engine records a lifetime, not a clock).
    pub code_seen_at: Option<Instant>,
    /// The request the run's next stage would send, as planned.
    pub next_plan: Option<PlannedStep>,
    /// Whether stage 0 is over (its steps are in the trace's `setup`).
    pub discovered: bool,
    /// The `client_id` the client got at stage 0, once it has one.
    pub client_id: Option<String>,
    /// The stage waiting for the learner's browser, if one is.
    pub browser: Option<BrowserWait>,
}

impl Run {
    fn new(flow: Flow, seed: Option<u64>) -> Self {
        Self {
            trace: Trace::new(flow, seed),
            failed: None,
            code_seen_at: None,
            next_plan: None,
            discovered: false,
            client_id: None,
            browser: None,
        }
    }

    /// The record of a stage, if it has arrived.
    pub fn stage(&self, stage: Stage) -> Option<&StageRecord> {
        self.trace.stage(stage)
    }

    /// The server's address, `127.0.0.1:<port>`, once started.
    pub fn address(&self) -> Option<&str> {
        let issuer = self.trace.issuer.as_str();
        (!issuer.is_empty()).then(|| issuer.trim_start_matches("http://"))
    }
}

/// How the app starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// The flow shown.
    pub flow: Flow,
    /// The stage shown first.
    pub stage: Stage,
    /// The seed of the first generation.
    pub seed: Option<u64>,
    /// The port of the stepped flow's server; the other runs take the next
    /// ones. A free port each when absent.
    pub port: Option<u16>,
    /// Edits of the stepped flow's requests from the command line.
    pub edits: Vec<(Stage, Edit)>,
    /// The theme.
    pub theme: ThemeName,
    /// Show the instructors' notes.
    pub notes: bool,
    /// The lessons.
    pub lessons: Arc<LessonSet>,
    /// Move to the next screen every so often (`--autoplay`).
    pub autoplay: Option<Duration>,
    /// How long the server's codes live (`--code-lifetime`).
    pub code_lifetime: Option<Duration>,
    /// How the MCP client gets its `client_id` (`--registration`).
    pub registration: Registration,
    /// Who plays the browser at stages 3 and 4 (`--browser`).
    pub browser: BrowserMode,
}

/// The whole state of the tutorial.
#[derive(Debug, Clone)]
pub struct App {
    /// The flow stepped through.
    pub flow: Flow,
    /// Where the tour is: the introduction, the stages or the summary.
    pub place: Place,
    /// The stage shown (on the introduction the first, on the summary the
    /// last).
    pub stage: Stage,
    /// What the main area shows.
    pub mode: Mode,
    /// Whether the help overlay is open.
    pub help: bool,
    /// The help's scroll offset, in lines.
    pub help_scroll: u16,
    /// Which part the scroll keys move (`f`).
    pub focus: Focus,
    /// Scroll offset of the lesson (stepping) or of the columns (contrast,
    /// attack lab), or of the whole screen (wire view, introduction,
    /// summary), in lines; kept within what a screen of the app's size
    /// (see [`App::resize`]) can scroll.
    pub scroll: u16,
    /// Scroll offsets of the left and right panes (CLIENT and SERVER, or
    /// the contrast's columns), moved while one has the focus.
    pub pane_scroll: [u16; 2],
    /// Bumped by every restart.
    pub generation: u64,
    /// The seed of the current runs: kept by a rerun (`R`) or a send from
    /// the editor, so that they reproduce every value; a restart (`r`)
    /// moves to the next one. Fresh randomness when absent.
    pub seed: Option<u64>,
    /// The stepped flow's server port; the other runs take the next ones.
    pub port: Option<u16>,
    /// What the learner changed in the stepped flow's requests.
    pub bench: Bench,
    /// The request editor, when open.
    pub editor: Option<Editor>,
    /// One line about what the last key did, until the next key.
    pub status: Option<String>,
    /// The styles.
    pub theme: Theme,
    /// Show the instructors' notes.
    pub notes: bool,
    /// The lessons.
    pub lessons: Arc<LessonSet>,
    /// The attack lab: the picker, the attack chosen and its step.
    pub lab: Lab,
    /// Set when the app should end.
    pub quit: bool,
    /// The learner's progress and the checkpoint overlay.
    pub learner: Learner,
    /// Whether the tour moves on its own, and when.
    pub autoplay: Autoplay,
    /// How long the server's codes live, when not its default.
    pub code_lifetime: Option<Duration>,
    /// How the stepped and contrasted runs' client gets its `client_id`.
    pub registration: Registration,
    /// Who plays the browser in the stepped run.
    pub browser: BrowserMode,
    /// On stage 0, the index of the step shown (the request, with what the
    /// client checked).
    pub discovery_step: usize,
    /// "Now" for everything drawn (set by the loop before each draw; fixed
    /// in tests so that screens are deterministic).
    pub clock: Instant,
    runs: HashMap<RunKey, Run>,
    /// The terminal's size (zero until the loop, or `render`, sets it):
    /// what the scroll keys measure the screen with.
    size: Size,
}

impl App {
    /// A fresh app, nothing received yet.
    pub fn new(config: Config) -> Self {
        Self {
            place: Place::Stages,
            flow: config.flow,
            stage: config.stage,
            mode: Mode::Stepping,
            help: false,
            help_scroll: 0,
            focus: Focus::None,
            scroll: 0,
            pane_scroll: [0; 2],
            generation: 0,
            seed: config.seed,
            port: config.port,
            bench: Bench::with_edits(config.edits),
            editor: None,
            status: None,
            theme: Theme::new(config.theme),
            notes: config.notes,
            lessons: config.lessons,
            lab: Lab::default(),
            quit: false,
            learner: Learner::default(),
            autoplay: Autoplay::new(config.autoplay, Instant::now()),
            code_lifetime: config.code_lifetime,
            registration: config.registration,
            browser: config.browser,
            discovery_step: 0,
            clock: Instant::now(),
            runs: HashMap::new(),
            size: Size::ZERO,
        }
    }

    /// The scenario of a run of the current generation: its seed, its port
    /// (the pinned one for the stepped flow, the next ones for the others:
    /// the other flow, then each attack's two sides, so that the runs of
    /// every attack can live at once), and for the flow being stepped, the
    /// learner's edits and browser. The flows are the MCP client's (stage 0
    /// walks the discovery chain from `/mcp`, stage 6 is an MCP session);
    /// the attack lab's sides call `/resource`, as their scripts say.
    pub fn scenario(&self, key: RunKey) -> Scenario {
        let stepped = key == RunKey::honest(self.flow);
        let offset = match key {
            _ if stepped => 0,
            RunKey { attack: None, .. } => 1,
            RunKey {
                flow,
                attack: Some(attack),
            } => {
                let index = Attack::ALL.iter().position(|&a| a == attack).unwrap_or(0);
                let side = u16::from(flow == Flow::Pkce);
                2 + 2 * u16::try_from(index).unwrap_or(0) + side
            }
        };
        Scenario {
            attack: key.attack,
            seed: self.seed,
            edits: if stepped {
                self.bench.edits.clone()
            } else {
                Vec::new()
            },
            replay: stepped && self.bench.replay,
            port: self.port.and_then(|p| p.checked_add(offset)),
            code_lifetime: self.code_lifetime,
            target: if key.attack.is_some() {
                Target::Resource
            } else {
                Target::Mcp
            },
            // The attack lab's scripts register by DCR, as they always did.
            registration: if key.attack.is_some() {
                Registration::Dcr
            } else {
                self.registration
            },
            browser: if stepped {
                self.browser
            } else {
                BrowserMode::Simulated
            },
            ..Scenario::new(key.flow)
        }
    }

    /// The terminal's size, as last set by [`App::resize`].
    pub fn size(&self) -> Size {
        self.size
    }

    /// The terminal is now `width`×`height`: the scroll offsets are brought
    /// inside what that screen can scroll.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = Size::new(width, height);
        for (part, extent) in view::scroll_extents(self, Rect::from(self.size)) {
            let offset = self.offset_mut(part);
            *offset = extent.clamp(*offset);
        }
    }

    /// The offset of a scrolled part.
    fn offset_mut(&mut self, part: Scrolled) -> &mut u16 {
        match part {
            Scrolled::Main => &mut self.scroll,
            Scrolled::Pane(i) => &mut self.pane_scroll[i.min(1)],
            Scrolled::Help => &mut self.help_scroll,
        }
    }

    /// A scroll key: moves the part the keys move now (measured by the
    /// view's own layout for the app's size), within its extent. The
    /// contrast's columns move with the lesson under them unless one has
    /// the focus.
    fn scroll_by(&mut self, scroll: Scroll) {
        let area = Rect::from(self.size);
        let (part, extent) = view::scroll_target(self, area);
        let offset = self.offset_mut(part);
        *offset = extent.moved(*offset, scroll);
        if part == Scrolled::Main && view::panes_follow_main(self, area) {
            self.pane_scroll = [self.scroll; 2];
        }
    }

    /// Applies a user action.
    pub fn update(&mut self, action: Action) {
        if !matches!(action, Action::Editor(_)) {
            self.status = None;
        }
        if checkpoint::intercept(self, action) || tour::intercept(self, action) {
            learner::note_screen(self);
            return;
        }
        match action {
            // Inside an attack, Right and Left step through it.
            Action::Next | Action::Prev if self.mode == Mode::AttackLab => {
                let rows = self.attack_steps();
                let by = if action == Action::Next { 1 } else { -1 };
                let before = self.lab.step;
                self.lab.step_by(by, rows);
                if self.lab.step != before {
                    self.scroll_to_top();
                }
            }
            Action::Next => {
                if let Some(next) = self.stage.next() {
                    self.go_to(next);
                }
            }
            Action::Prev => {
                if let Some(prev) = self.stage.prev() {
                    self.go_to(prev);
                }
            }
            // Handled by the tour, which owns stage 0.
            Action::JumpToDiscovery => {}
            // A stage's digit leaves the attack for that stage of the flow.
            Action::Jump(stage) => {
                if self.mode == Mode::AttackLab {
                    self.set_mode(Mode::Stepping);
                }
                self.go_to(stage);
            }
            Action::ToggleContrast => self.toggle_mode(Mode::Contrast),
            Action::ToggleWire => self.toggle_mode(Mode::Wire),
            Action::ToggleAttack => {
                self.help = false;
                match self.lab.picker {
                    Some(_) => self.lab.picker = None,
                    None => self.lab.open_picker(),
                }
            }
            Action::Picker(input) => {
                if let Picked::Chosen(_) = self.lab.handle_picker(input) {
                    self.set_mode(Mode::AttackLab);
                }
            }
            Action::OtherSide => {
                if self.mode == Mode::AttackLab {
                    self.lab.side = self.lab.side.other();
                    self.scroll_to_top();
                }
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                self.help_scroll = 0;
            }
            Action::Focus => focus::cycle(self),
            Action::Close => {
                if self.help {
                    self.help = false;
                } else if self.lab.picker.is_some() {
                    self.lab.picker = None;
                } else if let Some(wait) = self.browser_wait() {
                    // The wait ends at once: the run goes on with the
                    // simulated browser.
                    wait.handle.fall_back();
                    self.status = Some(format!(
                        "the simulated browser does stage {} instead of yours",
                        wait.stage.number()
                    ));
                } else if self.focus != Focus::None {
                    self.focus = Focus::None;
                } else if self.mode != Mode::Stepping {
                    self.set_mode(Mode::Stepping);
                }
            }
            Action::Quit => self.quit = true,
            Action::Restart => {
                self.seed = self.seed.map(|s| s.wrapping_add(1));
                self.restart_untouched();
                self.status = Some("restarted with fresh values, untouched".into());
            }
            Action::Rerun => {
                let amended = !self.bench.is_untouched();
                self.restart_untouched();
                self.status = Some(if amended {
                    "replayed with the same values, untouched: your amendments are dropped".into()
                } else {
                    "replayed with the same values, untouched".into()
                });
            }
            Action::Amend => match bench::target(self) {
                Ok(target) => {
                    let current = self.bench.edits_at(target.stage);
                    self.help = false;
                    self.editor = Some(Editor::new(target, &current));
                }
                Err(why) => self.status = Some(why),
            },
            Action::Editor(input) => self.handle_editor(input),
            Action::Scroll(scroll) => self.scroll_by(scroll),
            // Answered by the checkpoint overlay, above.
            Action::Answer(_) => {}
            Action::ToggleAutoplay => autoplay::toggle(self),
        }
        learner::note_screen(self);
    }

    /// A new generation of every run, with the app's seed and no edits.
    fn restart_untouched(&mut self) {
        self.bench = Bench::default();
        self.restart();
    }

    /// A new generation: the runs start again, the screen stays.
    fn restart(&mut self) {
        self.generation += 1;
        self.runs.clear();
        self.scroll_to_top();
    }

    /// Every part of the screen back at its top (a new stage, mode or run).
    fn scroll_to_top(&mut self) {
        self.scroll = 0;
        self.pane_scroll = [0; 2];
    }

    fn handle_editor(&mut self, input: editor::Input) {
        let Some(editor) = &mut self.editor else {
            return;
        };
        match editor.handle(input) {
            editor::Outcome::Stay => {}
            editor::Outcome::Discard => {
                self.editor = None;
                self.status = Some("nothing sent: the changes were discarded".into());
            }
            editor::Outcome::Send {
                stage,
                edits,
                experiment,
            } => {
                self.editor = None;
                // A quick experiment with a prediction asks it first.
                checkpoint::send_or_ask(self, stage, edits, experiment);
            }
        }
    }

    /// Sends a stage's request with the learner's edits: the stepped run
    /// starts again with the same values, and the screen shows its answer.
    pub(super) fn send(&mut self, stage: Stage, edits: Vec<Edit>, experiment: Option<Experiment>) {
        let count = edits.len();
        self.bench.record(stage, edits, experiment);
        self.restart();
        self.go_to(bench::result_stage(stage, experiment));
        if self.mode == Mode::AttackLab {
            self.set_mode(Mode::Stepping);
        }
        let what = match (experiment, count) {
            (Some(e), _) => format!("experiment sent: {}", e.title()),
            (None, 0) => format!("stage {}'s request sent as planned", stage.number()),
            (None, 1) => format!("stage {}'s request sent with 1 change", stage.number()),
            (None, n) => {
                format!("stage {}'s request sent with {n} changes", stage.number())
            }
        };
        self.status = Some(format!(
            "{what} · every other value as before · R replays untouched"
        ));
    }

    /// Shows `stage` (from the top of its lesson).
    pub(super) fn go_to(&mut self, stage: Stage) {
        if self.stage != stage {
            self.stage = stage;
            self.scroll_to_top();
        }
    }

    fn toggle_mode(&mut self, mode: Mode) {
        self.set_mode(if self.mode == mode {
            Mode::Stepping
        } else {
            mode
        });
    }

    fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
        self.help = false;
        // The parts differ from mode to mode: a new one starts unfocused.
        self.focus = Focus::None;
        self.scroll_to_top();
    }

    /// Applies a message from a flow task; a message of an older generation
    /// (sent before a restart) is dropped. Returns whether anything changed.
    pub fn handle_msg(&mut self, msg: Msg) -> bool {
        if msg.generation != self.generation {
            return false;
        }
        let clock = self.clock;
        let seed = self.seed;
        let scenario = self.scenario(msg.run);
        let run = self
            .runs
            .entry(msg.run)
            .or_insert_with(|| Run::new(msg.run.flow, seed));
        match msg.event {
            // A run (re)started from nothing: what an earlier start of it
            // recorded is gone.
            RunEvent::Started { issuer, .. } => {
                *run = Run::new(msg.run.flow, seed);
                run.trace.issuer = issuer;
                run.trace.target = scenario.target;
                run.trace.registration = scenario.registration;
            }
            RunEvent::Discovered {
                step,
                more,
                client_id,
            } => {
                run.trace.setup.push(*step);
                run.discovered = !more;
                run.client_id = client_id;
            }
            RunEvent::AwaitingBrowser(wait) => run.browser = Some(wait),
            RunEvent::Stage(record) => {
                if record.stage == Stage::CodeIssued {
                    run.code_seen_at = Some(clock);
                }
                if run
                    .browser
                    .as_ref()
                    .is_some_and(|w| w.stage <= record.stage)
                {
                    run.browser = None;
                }
                // A request of the learner's own browser can reach the live
                // view before its stage claims it: it is the run's, not
                // the audience's.
                let claimed: Vec<_> = record.steps.iter().filter_map(|s| s.request_id).collect();
                run.trace.external.retain(|e| !claimed.contains(&e.request));
                run.trace.stages.retain(|r| r.stage != record.stage);
                run.trace.stages.push(record);
                run.trace.stages.sort_by_key(|r| r.stage);
            }
            RunEvent::Planned(plan) => run.next_plan = plan,
            RunEvent::Attack(record) => run.trace.attack = Some(record),
            RunEvent::External(request) => {
                match run
                    .trace
                    .external
                    .iter_mut()
                    .find(|known| known.request == request.request)
                {
                    Some(known) => *known = request,
                    None => run.trace.record_external(request),
                }
            }
            RunEvent::Failed(error) => run.failed = Some(error),
        }
        true
    }

    /// How many steps the attack of the attack lab has (its rows: the
    /// opening, the recorded steps, the legitimate client's request).
    pub fn attack_steps(&self) -> usize {
        attack::rows(self, self.lab.attack).len()
    }

    /// What has been received from a run.
    pub fn run(&self, key: RunKey) -> Option<&Run> {
        self.runs.get(&key)
    }

    /// The runs the screen needs and how far each: the loop starts the
    /// missing ones and lets the others run that far. On stage 0, the
    /// stepped run goes one request past the step shown, no further.
    pub fn demands(&self) -> Vec<(RunKey, Upto)> {
        if self.place == Place::Discovery {
            let upto = u8::try_from(self.discovery_step + 1).unwrap_or(u8::MAX);
            return vec![(RunKey::honest(self.flow), Upto::Discovery(upto))];
        }
        let upto = Upto::stage(self.stage);
        let mut wanted = vec![(RunKey::honest(self.flow), upto)];
        match self.mode {
            Mode::Stepping | Mode::Wire => {}
            Mode::Contrast => wanted.push((RunKey::honest(self.flow.other()), upto)),
            // Each side as far as the legitimate client's token request,
            // which follows the attack.
            Mode::AttackLab => {
                for flow in [Flow::Plain, Flow::Pkce] {
                    wanted.push((
                        RunKey::attacked(flow, self.lab.attack),
                        Upto::stage(Stage::TokenRequest),
                    ));
                }
            }
        }
        wanted
    }

    /// The stage of the stepped run waiting for the learner's browser, if
    /// the screen shows it.
    pub fn browser_wait(&self) -> Option<&BrowserWait> {
        let wait = self.run(RunKey::honest(self.flow))?.browser.as_ref()?;
        (self.place == Place::Stages && self.stage >= wait.stage).then_some(wait)
    }

    /// Seconds left before the code of that run expires (its recorded
    /// lifetime minus the time since the UI received it).
    pub fn code_seconds_left(&self, key: RunKey) -> Option<u64> {
        let run = self.runs.get(&key)?;
        let lifetime = run.trace.stored_code()?.lifetime_secs;
        let elapsed = self
            .clock
            .saturating_duration_since(run.code_seen_at?)
            .as_secs();
        Some(lifetime.saturating_sub(elapsed))
    }

    /// When the loop must wake to redraw the countdown: only while the
    /// main screen shows a code that has not expired yet.
    pub fn next_tick(&self) -> Option<Instant> {
        let countdown = self.countdown_tick();
        match (countdown, self.autoplay.due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next whole second of a code's countdown on screen.
    fn countdown_tick(&self) -> Option<Instant> {
        if self.mode != Mode::Stepping
            || self.place != Place::Stages
            || self.stage != Stage::CodeIssued
            || self.help
        {
            return None;
        }
        let key = RunKey::honest(self.flow);
        if self.code_seconds_left(key)? == 0 {
            return None;
        }
        let seen = self.runs.get(&key)?.code_seen_at?;
        let elapsed = self.clock.saturating_duration_since(seen).as_secs();
        Some(seen + Duration::from_secs(elapsed + 1))
    }
}
