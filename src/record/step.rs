//! One step of a scenario: who acted, what they planned to send, how the
//! learner amended it, what was actually sent and answered, and what the
//! server reported about that very request.

use serde::Serialize;

use super::check::Check;
use super::event::{RequestHead, RequestId, ServerEvent};
use crate::wire::{Exchange, Param};

/// Who performs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The legitimate public client (the victim's, in an attack).
    Client,
    /// The user agent, including the user's click on Approve.
    Browser,
    /// Someone who holds what an attack says they can see.
    Attacker,
    /// The authorization server acting on its own (a check, a fetch).
    Server,
}

impl Actor {
    /// The name shown on screen and in transcripts.
    pub fn name(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Browser => "browser",
            Self::Attacker => "attacker",
            Self::Server => "server",
        }
    }
}

/// Where a request's editable parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamCarrier {
    /// In the URL's query (`GET /authorize?…`).
    Query,
    /// In an `application/x-www-form-urlencoded` body (`POST /token`).
    Form,
    /// As request headers (`Authorization: Bearer …`).
    Headers,
}

/// A request an actor is about to send, before it goes: what a learner may
/// amend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRequest {
    /// `GET`, `POST`.
    pub method: String,
    /// The URL without its query.
    pub url: String,
    /// Where [`Self::params`] travel.
    pub carrier: ParamCarrier,
    /// The editable parameters, in the order they will be sent.
    pub params: Vec<Param>,
    /// Headers the actor always sends, not offered for editing
    /// (`Content-Type`, `Accept`, a cookie).
    pub fixed_headers: Vec<(String, String)>,
    /// A body sent as it stands, not offered for editing: the JSON-RPC
    /// message of an MCP request, whose editable parameters are its headers
    /// (the bearer token). Absent for query and form requests, whose body is
    /// made of their parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// A change the learner asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Give `param` this value, adding it if the request does not carry it.
    Set {
        /// The parameter's name.
        param: String,
        /// Its new value.
        value: String,
    },
    /// Remove `param`.
    Drop {
        /// The parameter's name.
        param: String,
    },
}

impl Edit {
    /// The parameter the edit is about.
    pub fn param(&self) -> &str {
        match self {
            Self::Set { param, .. } | Self::Drop { param } => param,
        }
    }
}

/// A change that was made to a planned request: `from` is absent when the
/// parameter was added, `to` when it was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amendment {
    /// The parameter's name.
    pub param: String,
    /// Its planned value.
    pub from: Option<String>,
    /// The value sent.
    pub to: Option<String>,
}

impl PlannedRequest {
    fn same_name(&self, a: &str, b: &str) -> bool {
        match self.carrier {
            ParamCarrier::Headers => a.eq_ignore_ascii_case(b),
            ParamCarrier::Query | ParamCarrier::Form => a == b,
        }
    }

    /// The method and path, e.g. `GET /authorize`.
    pub fn summary(&self) -> String {
        crate::wire::summary(&self.method, &self.url)
    }

    /// The URL with the query parameters in it, as a browser opens it (the
    /// planned URL itself for a form or header request).
    pub fn full_url(&self) -> String {
        match (self.carrier, url::Url::parse(&self.url)) {
            (ParamCarrier::Query, Ok(mut url)) => {
                url.query_pairs_mut()
                    .extend_pairs(self.params.iter().map(|p| (&p.name, &p.value)));
                url.to_string()
            }
            _ => self.url.clone(),
        }
    }

    /// The value of a parameter, if the request carries it.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| self.same_name(&p.name, name))
            .map(|p| p.value.as_str())
    }

    /// The request with the edits applied in order, and the amendments they
    /// made (an edit that changes nothing, such as dropping a parameter the
    /// request does not carry, makes none). Several edits of one parameter
    /// make one amendment, from the planned value to the last.
    pub fn amend(&self, edits: &[Edit]) -> (PlannedRequest, Vec<Amendment>) {
        let mut sent = self.clone();
        for edit in edits {
            let position = sent
                .params
                .iter()
                .position(|p| self.same_name(&p.name, edit.param()));
            match (edit, position) {
                (Edit::Set { value, .. }, Some(i)) => sent.params[i].value.clone_from(value),
                (Edit::Set { param, value }, None) => {
                    sent.params.push(Param::new(param.as_str(), value.as_str()));
                }
                (Edit::Drop { .. }, Some(i)) => {
                    sent.params.remove(i);
                }
                (Edit::Drop { .. }, None) => {}
            }
        }
        let mut amendments = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for name in edits.iter().map(Edit::param) {
            if names.iter().any(|n| self.same_name(n, name)) {
                continue;
            }
            names.push(name);
            let (from, to) = (self.param(name), sent.param(name));
            if from != to {
                amendments.push(Amendment {
                    param: name.to_owned(),
                    from: from.map(str::to_owned),
                    to: to.map(str::to_owned),
                });
            }
        }
        (sent, amendments)
    }
}

/// One step as it really happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    /// Who acted.
    pub actor: Actor,
    /// What the step is for, e.g. "token request".
    pub purpose: String,
    /// The request as the actor planned it, for an HTTP step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<PlannedRequest>,
    /// What the learner changed before it went.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
    /// The request as sent and the response as received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange: Option<Exchange>,
    /// The number the server gave the request (its `x-request-id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<RequestId>,
    /// The request line and headers as the server received them: the wire
    /// view's request side, with what the HTTP stack added (`host`,
    /// `content-length`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<RequestHead>,
    /// What the server reported about this request, in order.
    pub server_events: Vec<ServerEvent>,
    /// What the actor checked in the answer before going on (the client
    /// reading a discovery document, the server reading a client's
    /// metadata document), in order, up to the first failure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
}

impl StepRecord {
    /// A step that sends nothing (making a verifier, deriving a challenge).
    pub fn local(actor: Actor, purpose: impl Into<String>) -> Self {
        Self {
            actor,
            purpose: purpose.into(),
            planned: None,
            amendments: Vec::new(),
            exchange: None,
            request_id: None,
            received: None,
            server_events: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// The step with what its actor checked.
    pub fn with_checks(mut self, checks: Vec<Check>) -> Self {
        self.checks = checks;
        self
    }

    /// Whether the learner changed what this step sent.
    pub fn amended(&self) -> bool {
        !self.amendments.is_empty()
    }

    /// The amendment of a parameter, if it was amended.
    pub fn amendment(&self, param: &str) -> Option<&Amendment> {
        self.amendments.iter().find(|a| a.param == param)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_request() -> PlannedRequest {
        PlannedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:1/token".into(),
            carrier: ParamCarrier::Form,
            params: vec![
                Param::new("grant_type", "authorization_code"),
                Param::new("code", "c"),
                Param::new("code_verifier", "v"),
            ],
            fixed_headers: vec![],
            body: None,
        }
    }

    #[test]
    fn set_changes_adds_and_records_from_and_to() {
        let (sent, amendments) = token_request().amend(&[
            Edit::Set {
                param: "code_verifier".into(),
                value: "w".into(),
            },
            Edit::Set {
                param: "resource".into(),
                value: "r".into(),
            },
        ]);
        assert_eq!(sent.param("code_verifier"), Some("w"));
        assert_eq!(
            sent.params.last().map(|p| p.name.as_str()),
            Some("resource")
        );
        assert_eq!(
            amendments,
            vec![
                Amendment {
                    param: "code_verifier".into(),
                    from: Some("v".into()),
                    to: Some("w".into())
                },
                Amendment {
                    param: "resource".into(),
                    from: None,
                    to: Some("r".into())
                },
            ]
        );
    }

    #[test]
    fn drop_removes_and_dropping_an_absent_parameter_changes_nothing() {
        let (sent, amendments) = token_request().amend(&[
            Edit::Drop {
                param: "code_verifier".into(),
            },
            Edit::Drop {
                param: "nonce".into(),
            },
        ]);
        assert_eq!(sent.param("code_verifier"), None);
        assert_eq!(amendments.len(), 1);
        assert_eq!(amendments[0].to, None);
    }

    #[test]
    fn the_last_edit_of_a_parameter_wins_and_an_edit_back_is_no_amendment() {
        let set = |v: &str| Edit::Set {
            param: "code".into(),
            value: v.into(),
        };
        let (sent, amendments) = token_request().amend(&[set("x"), set("y")]);
        assert_eq!(sent.param("code"), Some("y"));
        assert_eq!(amendments.len(), 1);
        let (_, amendments) = token_request().amend(&[set("x"), set("c")]);
        assert!(amendments.is_empty());
    }
}
