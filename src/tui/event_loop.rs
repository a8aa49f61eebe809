//! The interactive loop and the flow tasks.
//!
//! The loop `select!`s on the terminal's events, the messages of the flow
//! tasks, SIGTERM/SIGINT/SIGHUP and, only while a code's countdown is shown,
//! a wake-up on the next whole second; it draws only when something changed.
//! Each run of the engine lives in its own task, which performs one stage
//! for real each time the screen asks for more (a `watch` of how many stages
//! are wanted) and sends every record back tagged with its generation.

use std::collections::HashMap;
use std::time::Instant;

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::flow::{Engine, Scenario, Stage, Step};

use super::app::{App, BrowserWait, Msg, RunEvent, RunKey, Upto};
use super::keymap::key_action;
use super::persist::Saver;
use super::view;
use super::{autoplay, open_url, presenter_feed};
use crate::presenter::Publisher;

struct Task {
    target: watch::Sender<Upto>,
    handle: JoinHandle<()>,
}

/// The flow tasks of the current generation.
#[derive(Default)]
struct Tasks {
    generation: u64,
    running: HashMap<RunKey, Task>,
}

impl Tasks {
    /// Starts what the app needs and lets the runs go as far as it wants;
    /// after a restart, ends every task of the old generation first.
    fn reconcile(&mut self, app: &App, tx: &mpsc::Sender<Msg>) {
        if app.generation != self.generation {
            self.abort_all();
            self.generation = app.generation;
        }
        for (key, upto) in app.demands() {
            let task = self.running.entry(key).or_insert_with(|| {
                let (target, wanted) = watch::channel(Upto::NOTHING);
                let handle = tokio::spawn(drive(
                    key,
                    app.scenario(key),
                    app.generation,
                    wanted,
                    tx.clone(),
                ));
                Task { target, handle }
            });
            task.target.send_if_modified(|t| {
                let more = upto > *t;
                if more {
                    *t = upto;
                }
                more
            });
        }
    }

    fn abort_all(&mut self) {
        for (_, task) in self.running.drain() {
            task.handle.abort();
        }
    }
}

/// One run of the engine: opens it, then performs the steps of stage 0
/// and the stages as they are wanted, reporting each record. Errors are
/// reported, never panicked on.
async fn drive(
    run: RunKey,
    scenario: Scenario,
    generation: u64,
    mut wanted: watch::Receiver<Upto>,
    tx: mpsc::Sender<Msg>,
) {
    let send = |event| {
        let tx = tx.clone();
        async move {
            tx.send(Msg {
                generation,
                run,
                event,
            })
            .await
            .is_ok()
        }
    };
    let mut engine = match Engine::open(scenario).await {
        Ok(engine) => engine,
        Err(error) => {
            tracing::warn!(?run, %error, "flow failed to start");
            send(RunEvent::Failed(error.to_string())).await;
            return;
        }
    };
    if !send(RunEvent::started(&engine)).await {
        return;
    }
    let mut done = Upto::NOTHING;
    let mut announced = None;
    let mut finished = false;
    loop {
        // The server stays up once the run is done, for as long as the
        // screen shows the run: the audience's requests keep arriving.
        let event = tokio::select! {
            more = async { wanted.wait_for(|&t| t > done).await.is_ok() }, if !finished => {
                if !more {
                    return;
                }
                match advance(&mut engine, &mut done, &mut announced).await {
                    Ok(Some(event)) => event,
                    Ok(None) => {
                        finished = true;
                        continue;
                    }
                    Err(error) => {
                        tracing::warn!(?run, %error, "flow failed");
                        send(RunEvent::Failed(error.to_string())).await;
                        return;
                    }
                }
            }
            external = engine.next_external() => match external {
                Some(request) => RunEvent::External(request),
                None => return,
            },
        };
        let external = matches!(event, RunEvent::External(_));
        let waiting = matches!(event, RunEvent::AwaitingBrowser(_));
        if !send(event).await
            || (!external && !waiting && !send(RunEvent::planned(&mut engine)).await)
        {
            return;
        }
    }
}

/// The run's next move: a step of stage 0, or, before a stage that waits
/// for the learner's browser, the URL to open (tried at once), or the next
/// stage (or the attack). `None` once there is nothing left to do. `done`
/// says how far the run has gone; the flow tasks and [`super::load`] both
/// move a run with it.
pub(super) async fn advance(
    engine: &mut Engine,
    done: &mut Upto,
    announced: &mut Option<Stage>,
) -> Result<Option<RunEvent>, crate::flow::FlowError> {
    if engine.discovering() {
        let Some(step) = engine.discover_next().await? else {
            *done = Upto::DISCOVERED;
            return Ok(Some(RunEvent::Planned(None)));
        };
        let more = engine.discovering();
        let client_id = engine.client_id().map(str::to_owned);
        *done = match (*done, more) {
            (_, false) => Upto::DISCOVERED,
            (Upto::Discovery(n), true) => Upto::Discovery(n.saturating_add(1)),
            (other, true) => other,
        };
        return Ok(Some(RunEvent::Discovered {
            step: Box::new(step),
            more,
            client_id,
        }));
    }
    // Before a stage that waits for the learner's browser, the screen gets
    // the URL once; the next call then waits for the browser.
    if engine.waits_for_browser()
        && let Some(stage) = engine.next_stage()
        && *announced != Some(stage)
    {
        *announced = Some(stage);
        let url = match engine.browser_url()? {
            Some(url) => url,
            None => engine
                .trace()
                .stages
                .iter()
                .find_map(|s| s.client.authorization_url.clone())
                .unwrap_or_default(),
        };
        let opened = if stage == Stage::AuthorizationRequest {
            tracing::info!(%url, "opening the authorization URL in the learner's browser");
            open_url::open(&url).await
        } else {
            Ok("already open".to_owned())
        };
        return Ok(Some(RunEvent::AwaitingBrowser(BrowserWait {
            stage,
            url,
            opened,
            handle: engine.browser_handle(),
        })));
    }
    Ok(match engine.step().await? {
        Some(step) => {
            if let Step::Stage(record) = &step {
                *done = Upto::stage(record.stage);
                tracing::debug!(stage = record.stage.number(), "stage recorded");
            }
            Some(RunEvent::from(step))
        }
        None => None,
    })
}

/// Runs the app on the terminal until it quits or a signal ends it. The flow
/// tasks are spawned on the runtime and report back through the channel, so
/// the loop never waits on the network. The learner's progress is saved
/// whenever it changed (a screen reached, a checkpoint answered), before
/// the next draw and before quitting.
pub async fn run_app(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    saver: &mut Saver,
    publisher: Option<&Publisher>,
) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    let mut tasks = Tasks::default();
    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut dirty = true;
    let result = loop {
        tasks.reconcile(app, &tx);
        dirty |= saver.sync(app);
        if app.quit {
            break Ok(());
        }
        if dirty {
            app.clock = Instant::now();
            if let Err(error) = terminal.draw(|frame| {
                let area = frame.area();
                view::draw(app, area, frame.buffer_mut());
            }) {
                break Err(error.into());
            }
            if let Some(publisher) = publisher {
                publisher.publish(presenter_feed::frame(app));
            }
            dirty = false;
        }
        let tick = app.next_tick();
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => {
                    if let Some(action) = key_action(app, key) {
                        tracing::debug!(?action, "key");
                        app.clock = Instant::now();
                        app.update(action);
                        // Autoplay gives every screen the learner moves to
                        // its full time.
                        app.autoplay.restart_clock(app.clock);
                        dirty = true;
                    }
                }
                Some(Ok(Event::Resize(width, height))) => {
                    app.resize(width, height);
                    dirty = true;
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => break Err(error.into()),
                None => break Ok(()),
            },
            Some(msg) = rx.recv() => {
                app.clock = Instant::now();
                dirty |= app.handle_msg(msg);
            }
            _ = sigterm.recv() => break Ok(()),
            _ = sigint.recv() => break Ok(()),
            _ = sighup.recv() => break Ok(()),
            () = sleep_until(tick), if tick.is_some() => {
                app.clock = Instant::now();
                autoplay::tick(app);
                dirty = true;
            }
        }
    };
    tasks.abort_all();
    result
}

async fn sleep_until(when: Option<Instant>) {
    if let Some(when) = when {
        tokio::time::sleep_until(when.into()).await;
    }
}
