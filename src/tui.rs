//! The interactive tutorial (ratatui + crossterm) and `render`, which draws
//! the same screens into a `TestBackend` and returns them as text.
//!
//! Layout of the module (STYLE.md): [`App`] is the state and its `update`;
//! `keys` is the one table of keys, which [`keymap`] turns into [`Action`]s
//! and the help and the footer list; `view` draws the screen as a pure
//! function of the app, one file per part of it (stage bar, client and
//! server panes, sequence strip, lesson, contrast, the attack lab with its
//! picker, help, footer, too-small); `theme` holds every style; `event_loop` runs the loop and the
//! flow tasks. Only this module imports ratatui and crossterm.

mod ansi;
mod app;
mod attack;
mod autoplay;
mod bench;
mod browser_screen;
mod checkpoint;
mod client_pane;
mod contrast;
mod discovery_screen;
mod editor;
mod event_loop;
mod focus;
mod footer;
mod glossary;
mod help;
mod intro_screen;
mod keymap;
mod keys;
mod learner;
mod lesson;
pub mod markdown;
mod mcp_call;
mod open_url;
mod pane;
mod persist;
mod presenter_feed;
mod rows;
mod scroll;
mod sequence;
mod server_pane;
mod stage_bar;
mod status_line;
mod stepping;
mod summary_screen;
mod text_panel;
mod theme;
mod too_small;
mod tour;
mod view;
mod wire_view;

use std::sync::Arc;

use anyhow::Context as _;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::flow::{Attack, BrowserMode, Edit, Engine, Flow, Registration, Stage};
use crate::lessons::LessonSet;

pub use ansi::buffer_ansi;
pub use app::{Action, App, BrowserWait, Config, Mode, Msg, Run, RunEvent, RunKey, Upto};
pub use attack::{Lab, PickerInput, Side};
pub use checkpoint::Open as OpenCheckpoint;
pub use editor::Input as EditorInput;
pub use focus::Focus;
pub use keymap::{key_action, keymap};
pub use learner::Learner;
pub use persist::{Saver, start};
pub use presenter_feed::frame as notes_frame;
pub use scroll::Scroll;
pub use theme::Theme;
pub use too_small::{MIN_HEIGHT, MIN_WIDTH};
pub use tour::{Opening, Place};
pub use view::draw;

/// Colour themes (`--theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// Light text on a dark background.
    Dark,
    /// Dark text on a light background, for projectors.
    Light,
    /// No colour: bold, reverse and underline only (also under `NO_COLOR`).
    Mono,
}

/// Options of `pkce-tutor tour`.
#[derive(Debug, Clone)]
pub struct TourOptions {
    /// The flow shown first.
    pub flow: Flow,
    /// The stage shown first (`--stage`, 0 to 6); without it the tour
    /// resumes where the saved progress stopped, or opens at stage 1.
    pub stage: Option<Opening>,
    /// Seed of every random value.
    pub seed: Option<u64>,
    /// The lessons (built-in or `--lessons DIR`), already validated; without
    /// checkpoints under `--no-checkpoints`.
    pub lessons: Arc<LessonSet>,
    /// The theme (already resolved against `NO_COLOR` by the caller).
    pub theme: ThemeName,
    /// Show the instructors' notes.
    pub notes: bool,
    /// The port of the stepped flow's server (the other runs take the next
    /// ones).
    pub port: Option<u16>,
    /// Edits of the stepped flow's requests (`--set`, `--drop`).
    pub edits: Vec<(Stage, Edit)>,
    /// Move to the next screen every so often (`--autoplay`).
    pub autoplay: Option<std::time::Duration>,
    /// How long the server's codes live (`--code-lifetime`).
    pub code_lifetime: Option<std::time::Duration>,
    /// Tell a presenter's terminal (`pkce-tutor notes`) what is on screen.
    pub publish_notes: bool,
    /// How the MCP client gets its `client_id` (`--registration`).
    pub registration: Registration,
    /// Who plays the browser at stages 3 and 4 (`--browser`).
    pub browser: BrowserMode,
}

/// Screens `render --screen` draws besides the stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderScreen {
    /// The introduction, before stage 1.
    Intro,
    /// The end summary, after stage 6.
    Summary,
    /// The help overlay.
    Help,
}

/// How `render` writes the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderFormat {
    /// The characters only, trailing spaces trimmed.
    #[default]
    Text,
    /// The characters with the theme's colours and attributes as SGR
    /// escape sequences (every cell, to the last column).
    Ansi,
}

/// Options of `pkce-tutor render`.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The stage to draw (0 to 6).
    pub stage: Opening,
    /// The step to draw, from 1: of the attack, or of stage 0.
    pub step: usize,
    /// How the MCP client gets its `client_id`.
    pub registration: Registration,
    /// Another screen to draw, over or after the stage.
    pub screen: Option<RenderScreen>,
    /// The flow to draw.
    pub flow: Flow,
    /// Draw the side-by-side contrast with the other flow.
    pub contrast: bool,
    /// Width and height in cells.
    pub size: (u16, u16),
    /// Seed of every random value.
    pub seed: Option<u64>,
    /// The lessons (built-in or `--lessons DIR`), already validated.
    pub lessons: Arc<LessonSet>,
    /// The theme.
    pub theme: ThemeName,
    /// Text, or text with the theme's colours.
    pub format: RenderFormat,
    /// The port of the stepped flow's server (the other runs take the next
    /// ones): with a seed, the screen is the same on every run.
    pub port: Option<u16>,
    /// Draw the wire view.
    pub wire: bool,
    /// Edits of the stepped flow's requests (`--set`, `--drop`).
    pub edits: Vec<(Stage, Edit)>,
    /// Draw this attack of the attack lab (at `step`) instead of a stage.
    pub attack: Option<Attack>,
}

/// `render --step K` with K outside the attack's steps, or stage 0's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--step {step}: {what} has steps 1 to {steps}")]
pub struct StepOutOfRange {
    /// What has steps: "the interception attack", "stage 0".
    pub what: String,
    /// The step asked for.
    pub step: usize,
    /// How many steps it has.
    pub steps: usize,
}

/// Runs the interactive tutorial until the user quits or a signal ends it.
/// The terminal is restored on every way out (ratatui's panic hook covers
/// panics). The learner's progress is read from the state directory first
/// and saved as it changes ([`start`], [`Saver`]).
pub async fn run(options: TourOptions) -> anyhow::Result<()> {
    let (store, located) = crate::progress::Store::locate();
    let publish = options.publish_notes;
    let (mut app, mut saver) = start(options, store, located);
    app.clock = std::time::Instant::now();
    // The presenter's channel; a tour that cannot open it still runs, and
    // says why on the status line.
    let publisher = match publish.then(crate::presenter::socket_path) {
        None => None,
        Some(None) => {
            app.status = Some("--publish-notes: no runtime directory for this user".into());
            None
        }
        Some(Some(path)) => match crate::presenter::Publisher::bind(&path).await {
            Ok(publisher) => {
                app.status =
                    Some("notes published: run `pkce-tutor notes` in another terminal".into());
                Some(publisher)
            }
            Err(error) => {
                app.status = Some(format!("--publish-notes: {error}"));
                None
            }
        },
    };
    let mut terminal = ratatui::init();
    let result = event_loop::run_app(&mut terminal, &mut app, &mut saver, publisher.as_ref()).await;
    ratatui::restore();
    if result.is_ok()
        && let Some(farewell) = saver.farewell(&app)
    {
        println!("{farewell}");
    }
    result
}

/// Runs, for real and to completion, every run the app's screen needs (each
/// as far as it needs), feeding the records to the app as the loop would.
pub async fn load(app: &mut App) -> anyhow::Result<()> {
    load_with(app, |event| event).await
}

/// [`load`], passing every event through `map` before the app sees it
/// (tests use it to pin the ports, which the OS picks).
pub async fn load_with(
    app: &mut App,
    mut map: impl FnMut(RunEvent) -> RunEvent,
) -> anyhow::Result<()> {
    for (key, upto) in app.demands() {
        if app.run(key).is_some_and(|run| reached(run, upto)) {
            continue;
        }
        let generation = app.generation;
        let mut engine = Engine::open(app.scenario(key))
            .await
            .context("starting the flow")?;
        let mut feed = |event| {
            app.handle_msg(Msg {
                generation,
                run: key,
                event: map(event),
            })
        };
        feed(RunEvent::started(&engine));
        feed(RunEvent::planned(&mut engine));
        // As a flow task moves it (a simulated browser never waits).
        let (mut done, mut announced) = (Upto::NOTHING, None);
        while done < upto {
            let advanced = event_loop::advance(&mut engine, &mut done, &mut announced)
                .await
                .context("running the flow")?;
            let Some(event) = advanced else {
                break;
            };
            feed(event);
            feed(RunEvent::planned(&mut engine));
        }
    }
    Ok(())
}

/// Whether a run has gone as far as `upto`.
fn reached(run: &Run, upto: Upto) -> bool {
    match upto {
        Upto::Discovery(n) => run.discovered || run.trace.setup.len() >= usize::from(n),
        Upto::Stage(0) => run.discovered,
        Upto::Stage(n) => Stage::from_number(n).is_some_and(|s| run.stage(s).is_some()),
    }
}

/// Draws the app into a buffer of that size, through the same code as the
/// terminal. (The app's own size, [`App::resize`], is what its scroll keys
/// measure with; set it to the same size before scrolling.)
pub fn screen_buffer(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(terminal) => terminal,
        Err(never) => match never {},
    };
    let drawn = terminal.draw(|frame| {
        let area = frame.area();
        view::draw(app, area, frame.buffer_mut());
    });
    if let Err(never) = drawn {
        match never {}
    }
    terminal.backend().buffer().clone()
}

/// A buffer as text: one line per row, trailing spaces trimmed.
pub fn buffer_text(buffer: &Buffer) -> String {
    let Rect { width, height, .. } = buffer.area;
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            skip = rows::str_width(symbol).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Draws the app into a `width`×`height` screen and returns it as text.
pub fn screen_text(app: &App, width: u16, height: u16) -> String {
    buffer_text(&screen_buffer(app, width, height))
}

/// `pkce-tutor render`: runs the real flows up to the stage (and the other
/// flow for the contrast) and returns the screen as text, drawn by the same
/// code as the TUI: H lines of at most W columns (with `--format ansi`,
/// every cell, with the theme's colours as SGR sequences).
pub async fn render(options: &RenderOptions) -> anyhow::Result<String> {
    let lessons = Arc::clone(&options.lessons);
    let mut app = App::new(Config {
        flow: options.flow,
        stage: options.stage.stage(),
        seed: options.seed,
        port: options.port,
        edits: options.edits.clone(),
        theme: options.theme,
        notes: false,
        lessons,
        autoplay: None,
        code_lifetime: None,
        registration: options.registration,
        browser: BrowserMode::Simulated,
    });
    let (width, height) = options.size;
    app.resize(width, height);
    if options.contrast {
        app.update(Action::ToggleContrast);
    }
    if options.wire {
        app.update(Action::ToggleWire);
    }
    match options.screen {
        Some(RenderScreen::Intro) => {
            app.go_to(tour::first_stage());
            app.place = Place::Intro;
        }
        Some(RenderScreen::Summary) => summary_screen::show_after_tour(&mut app),
        Some(RenderScreen::Help) => app.update(Action::ToggleHelp),
        None => {}
    }
    if let Some(attack) = options.attack {
        app.update(Action::ToggleAttack);
        app.update(Action::Picker(attack::PickerInput::Pick(attack)));
    } else if options.stage == Opening::Discovery && options.screen.is_none() {
        app.update(Action::JumpToDiscovery);
        // The run goes as far as the step asked for, in one go (for a
        // step 0, all the way, to say how many there are).
        app.discovery_step = options.step.checked_sub(1).unwrap_or(usize::from(u8::MAX));
    }
    load(&mut app).await?;
    let step = options.step;
    if let Some(attack) = options.attack {
        let steps = app.attack_steps();
        if !(1..=steps).contains(&step) {
            return Err(StepOutOfRange {
                what: format!("the {} attack", attack.name()),
                step,
                steps,
            }
            .into());
        }
        for _ in 1..step {
            app.update(Action::Next);
        }
    } else if app.place == Place::Discovery {
        let (recorded, _) = tour::discovery_steps(&app);
        if !(1..=recorded).contains(&step) {
            return Err(StepOutOfRange {
                what: "stage 0".into(),
                step,
                steps: recorded,
            }
            .into());
        }
    }
    let buffer = screen_buffer(&app, width, height);
    Ok(match options.format {
        RenderFormat::Text => buffer_text(&buffer),
        RenderFormat::Ansi => buffer_ansi(&buffer),
    })
}
