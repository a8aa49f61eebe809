//! The `pkce-tutor` binary: parse the command line and hand over to the
//! library (see `commands`). Exit codes: 0 done, 1 failed, 2 refused to start.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap prints usage errors and exits with 2 by itself.
    let cli = pkce_tutor::cli::Cli::parse();
    pkce_tutor::commands::run(cli)
}
