//! `pkce-tutor notes`: the presenter's terminal. It waits for a tour started
//! with `--publish-notes`, then shows the current screen's title, its
//! instructor notes and the next screen's title, redrawn the moment the tour
//! moves. On a terminal it draws full screen and quits on q or Ctrl-C; on a
//! pipe it prints each frame as plain text.

use std::io::IsTerminal as _;
use std::path::Path;
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use futures_util::StreamExt as _;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{NotesFrame, Subscription};

/// How often a waiting presenter terminal looks for the tour again.
const RETRY: Duration = Duration::from_millis(300);

/// What the presenter's terminal knows.
enum State {
    /// No tour publishes yet (or it ended).
    Waiting,
    /// The tour's current screen.
    Showing(NotesFrame),
}

/// Runs the presenter's terminal until q, Ctrl-C, SIGINT or SIGTERM.
pub async fn run_notes(path: &Path) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() {
        let mut terminal = ratatui::init();
        let result = follow(path, |state| {
            terminal
                .draw(|frame| draw(state, frame))
                .map(|_| ())
                .map_err(anyhow::Error::from)
        })
        .await;
        ratatui::restore();
        result
    } else {
        follow(path, |state| {
            println!("{}", plain(state));
            Ok(())
        })
        .await
    }
}

/// Follows the tour: (re)connects, reads frames and shows each.
async fn follow(
    path: &Path,
    mut show: impl FnMut(&State) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut keys = std::io::stdin().is_terminal().then(EventStream::new);
    let stop = crate::shutdown::signal()?;
    tokio::pin!(stop);
    let mut subscription: Option<Subscription> = None;
    show(&State::Waiting)?;
    loop {
        tokio::select! {
            () = &mut stop => return Ok(()),
            Some(event) = next_key(&mut keys) => {
                if quits(&event) {
                    return Ok(());
                }
            }
            frame = next_frame(&mut subscription) => match frame {
                Some(frame) => show(&State::Showing(frame))?,
                None => {
                    subscription = None;
                    show(&State::Waiting)?;
                }
            },
            connected = reconnect(path), if subscription.is_none() => {
                subscription = Some(connected);
            }
        }
    }
}

async fn next_key(keys: &mut Option<EventStream>) -> Option<Event> {
    match keys {
        Some(keys) => keys.next().await?.ok(),
        None => std::future::pending().await,
    }
}

fn quits(event: &Event) -> bool {
    let Event::Key(key) = event else {
        return false;
    };
    key.kind != KeyEventKind::Release
        && (key.code == KeyCode::Char('q')
            || (key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c')))
}

/// The next frame of a connected tour; `None` when it ends. Waits for ever
/// while not connected (the reconnect branch runs then).
async fn next_frame(subscription: &mut Option<Subscription>) -> Option<NotesFrame> {
    match subscription {
        Some(s) => s.next().await.ok().flatten(),
        None => std::future::pending().await,
    }
}

/// Connects to the tour, retrying until one publishes.
async fn reconnect(path: &Path) -> Subscription {
    loop {
        if let Ok(subscription) = Subscription::connect(path).await {
            return subscription;
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// A frame as plain text, for a pipe.
fn plain(state: &State) -> String {
    match state {
        State::Waiting => {
            "waiting for a tour started with --publish-notes on this machine…".to_owned()
        }
        State::Showing(frame) => {
            let mut out = format!("== {}\n", frame.title);
            out.push_str(
                frame
                    .notes
                    .as_deref()
                    .unwrap_or("(no notes for this screen)"),
            );
            out.push('\n');
            if let Some(next) = &frame.next {
                out.push_str(&format!("next: {next}\n"));
            }
            out
        }
    }
}

fn draw(state: &State, frame: &mut ratatui::Frame) {
    let [body, footer] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(frame.area());
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let text = match state {
        State::Waiting => {
            Text::from("waiting for a tour started with --publish-notes on this machine…")
        }
        State::Showing(notes) => {
            let mut lines = vec![Line::styled(notes.title.clone(), bold), Line::default()];
            let body = notes
                .notes
                .as_deref()
                .unwrap_or("(no notes for this screen)");
            lines.extend(body.lines().map(|l| Line::from(l.to_owned())));
            if let Some(next) = &notes.next {
                lines.push(Line::default());
                lines.push(Line::styled(format!("next: {next}"), bold));
            }
            Text::from(lines)
        }
    };
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" presenter notes · only on this terminal ")),
        body,
    );
    frame.render_widget(Line::from(" q quit"), footer);
}
