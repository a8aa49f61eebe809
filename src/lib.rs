//! pkce-tutor: a terminal tutorial that shows PKCE (RFC 7636) working between
//! a real public client and a real authorization server on loopback.
//!
//! Dependencies point one way: `tui` → `flow` → `client` / `server` → `pkce`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod client;
pub mod commands;
pub mod flow;
pub mod lessons;
pub mod linear;
pub mod pkce;
pub mod presenter;
pub mod progress;
pub mod random;
pub mod record;
pub mod server;
pub mod shutdown;
pub mod summary;
pub mod transcript;
pub mod wire;

pub mod tui;
