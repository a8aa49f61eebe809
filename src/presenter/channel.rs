//! Both ends of the presenter's channel: the tour's [`Publisher`] (a Unix
//! socket that sends the current frame to each presenter terminal that
//! connects, then every change) and the presenter's [`Subscription`].

use std::io;
use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::NotesFrame;

/// The longest line a subscriber reads: a frame is a title and a few
/// paragraphs of notes.
const MAX_LINE: usize = 64 * 1024;

/// The tour's end: publishes frames to every presenter terminal connected.
#[derive(Debug)]
pub struct Publisher {
    frame: watch::Sender<NotesFrame>,
    path: PathBuf,
    task: JoinHandle<()>,
}

impl Publisher {
    /// Listens at `path`, in a directory only this user may enter (created
    /// if needed). A socket left behind by a tour that ended is replaced;
    /// one that answers belongs to a tour still running, and is an error.
    pub async fn bind(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        if path.exists() {
            if UnixStream::connect(path).await.is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!(
                        "another tour already publishes its notes at {}",
                        path.display()
                    ),
                ));
            }
            std::fs::remove_file(path)?;
        }
        let listener = UnixListener::bind(path)?;
        let (frame, watching) = watch::channel(NotesFrame::default());
        let task = tokio::spawn(accept(listener, watching));
        Ok(Self {
            frame,
            path: path.to_owned(),
            task,
        })
    }

    /// Shows this frame on every presenter terminal (nothing is sent when
    /// it is the frame already shown).
    pub fn publish(&self, frame: NotesFrame) {
        self.frame.send_if_modified(|current| {
            let changed = *current != frame;
            if changed {
                *current = frame;
            }
            changed
        });
    }

    /// Where presenter terminals connect.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Accepts presenter terminals, each served by a task of its own.
async fn accept(listener: UnixListener, frames: watch::Receiver<NotesFrame>) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(serve(stream, frames.clone()));
    }
}

/// Sends the current frame, then each new one, until the terminal goes.
async fn serve(mut stream: UnixStream, mut frames: watch::Receiver<NotesFrame>) {
    loop {
        let line = {
            let frame = frames.borrow_and_update();
            match serde_json::to_string(&*frame) {
                Ok(json) => json + "\n",
                Err(_) => return,
            }
        };
        if stream.write_all(line.as_bytes()).await.is_err() || frames.changed().await.is_err() {
            return;
        }
    }
}

/// The presenter's end: the frames of a tour, as they come.
#[derive(Debug)]
pub struct Subscription {
    lines: BufReader<UnixStream>,
}

impl Subscription {
    /// Connects to a publishing tour.
    pub async fn connect(path: &Path) -> io::Result<Self> {
        Ok(Self {
            lines: BufReader::new(UnixStream::connect(path).await?),
        })
    }

    /// The next frame; `None` when the tour has ended.
    pub async fn next(&mut self) -> io::Result<Option<NotesFrame>> {
        let mut line = String::new();
        let read = (&mut self.lines)
            .take(MAX_LINE as u64)
            .read_line(&mut line)
            .await?;
        if read == 0 {
            return Ok(None);
        }
        serde_json::from_str(&line)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(title: &str) -> NotesFrame {
        NotesFrame {
            title: title.to_owned(),
            notes: Some(format!("notes of {title}")),
            next: None,
        }
    }

    #[tokio::test]
    async fn a_subscriber_gets_the_current_frame_then_each_change() {
        let dir = std::env::temp_dir().join(format!("pkce-tutor-notes-{}", std::process::id()));
        let path = dir.join("notes.sock");
        let publisher = Publisher::bind(&path).await.unwrap();
        publisher.publish(frame("stage 1"));
        let mut subscription = Subscription::connect(&path).await.unwrap();
        assert_eq!(subscription.next().await.unwrap(), Some(frame("stage 1")));
        publisher.publish(frame("stage 1"));
        publisher.publish(frame("stage 2"));
        assert_eq!(subscription.next().await.unwrap(), Some(frame("stage 2")));
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "only this user may enter");
        assert!(Publisher::bind(&path).await.is_err(), "one tour at a time");
        drop(publisher);
        assert_eq!(subscription.next().await.unwrap(), None);
        assert!(!path.exists(), "the socket goes with the tour");
        let _ = std::fs::remove_dir(&dir);
    }
}
