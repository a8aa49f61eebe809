//! Opening the authorization URL in the learner's browser (`--browser`):
//! the commands of `$BROWSER` (a `:`-separated list, `%s` standing for the
//! URL, else the URL appended), then the desktop's opener (`xdg-open`, or
//! `open` on macOS). The first command that starts wins; its output goes
//! nowhere, so nothing is written over the screen the tour draws on. The
//! tour shows the URL whatever happens here (over SSH nothing opens).

use std::process::Stdio;

use tokio::process::Command;

/// Starts the first browser command that runs; returns the command, or
/// why none could be started.
pub async fn open(url: &str) -> Result<String, String> {
    let from_env = std::env::var("BROWSER").unwrap_or_default();
    let mut tried = Vec::new();
    for (program, args) in commands(&from_env, url) {
        match spawn(&program, &args) {
            Ok(()) => return Ok(program),
            Err(error) => {
                tracing::debug!(%program, %error, "browser command did not start");
                tried.push(program);
            }
        }
    }
    Err(if tried.is_empty() {
        "no browser command to try".to_owned()
    } else {
        format!("none of {} could be started", tried.join(", "))
    })
}

/// The commands to try, in order, each as a program and its arguments.
fn commands(browser_var: &str, url: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = browser_var
        .split(':')
        .filter_map(|entry| {
            let mut words = entry.split_whitespace().map(str::to_owned);
            let program = words.next()?;
            let mut args: Vec<String> = words.collect();
            if args.iter().any(|a| a.contains("%s")) {
                for a in &mut args {
                    *a = a.replace("%s", url);
                }
            } else {
                args.push(url.to_owned());
            }
            Some((program, args))
        })
        .collect();
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    out.push((opener.to_owned(), vec![url.to_owned()]));
    out
}

/// Starts a program detached from the terminal, and reaps it when it ends.
fn spawn(program: &str, args: &[String]) -> std::io::Result<()> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    tokio::spawn(async move {
        let _ = child.wait().await;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_entries_are_tried_in_order_then_the_desktop_opener() {
        let got = commands("firefox --new-tab:chromium %s", "http://x/a");
        assert_eq!(got[0].0, "firefox");
        assert_eq!(got[0].1, ["--new-tab", "http://x/a"]);
        assert_eq!(
            got[1],
            ("chromium".to_owned(), vec!["http://x/a".to_owned()])
        );
        assert_eq!(got.len(), 3);
        assert_eq!(commands("", "u").len(), 1, "only the desktop opener");
    }

    #[tokio::test]
    async fn a_browser_that_starts_is_named_and_one_that_does_not_is_skipped() {
        let url = "http://127.0.0.1:1/authorize";
        let opened = spawn("/nonexistent/browser", &[url.to_owned()]);
        assert!(opened.is_err());
        assert!(spawn("true", &[url.to_owned()]).is_ok());
    }
}
