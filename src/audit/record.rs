//! One audit record and how it is sealed.

use super::{Actor, sha256_hex};
use serde::{Deserialize, Serialize};

/// What is being done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Event {
    pub backend: String,
    /// e.g. `legitimation.approve`, `legitimation.reject`, `cpr.reveal`.
    pub action: String,
    /// Ids of what is acted on (user id, document id, …).
    pub targets: Vec<String>,
    /// `DDMMYY-****`: never the full number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpr_masked: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Ties the intent and outcome records of one action together.
    pub correlation: String,
}

/// How the actions that record a read of personal data end (PCI DSS 10.2.1: every access is
/// on the record); a change's action never ends so. Reads stay off the team's timelines.
const READS: [&str; 6] = [".view", ".list", ".search", ".export", ".copy", ".verify"];

/// The target that says which page of a cursor-paged list a read record is about.
pub fn page_after(after: &Option<String>) -> String {
    format!("after:{}", after.as_deref().unwrap_or("start"))
}

impl Event {
    /// The record of a read of personal data: `action` ends in `.view` (one record), `.list`
    /// (a page), `.search`, `.export`, `.copy` or `.verify` (of the audit log).
    pub fn read(backend: &str, action: &str, targets: Vec<String>) -> Event {
        debug_assert!(READS.iter().any(|r| action.ends_with(r)), "{action}");
        Event {
            backend: backend.to_string(),
            action: action.to_string(),
            targets,
            correlation: uuid::Uuid::new_v4().to_string(),
            ..Default::default()
        }
    }

    /// A read rather than a change (see [`Event::read`]); a CPR's copy is a reveal, not this.
    pub fn is_read(&self) -> bool {
        self.action != "cpr.copy" && READS.iter().any(|r| self.action.ends_with(r))
    }

    #[cfg(test)]
    pub fn test(action: &str) -> Event {
        Event {
            backend: "Test".into(),
            action: action.into(),
            correlation: "c".into(),
            ..Default::default()
        }
    }
}

impl Outcome {
    /// One word, as the audit pane, its export and `audit show` print it.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Intent => "intent",
            Outcome::Ok => "ok",
            Outcome::Error { .. } => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Written before the call.
    Intent,
    Ok,
    Error {
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// UTC, RFC 3339.
    pub time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    pub os_user: String,
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_client: Option<String>,
    pub profile: String,
    #[serde(flatten)]
    pub event: Event,
    pub outcome: Outcome,
    pub prev: String,
    /// SHA-256 of the line as written, up to the `,"hash":` that ends it (see [`Record::seal`]).
    /// Always the last field.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hash: String,
}

impl Record {
    /// Why: the error, for a call that failed; otherwise the reason the operator gave.
    pub fn reason_shown(&self) -> &str {
        match &self.outcome {
            Outcome::Error { message, .. } => message,
            _ => self.event.reason.as_deref().unwrap_or(""),
        }
    }

    /// Who: the operator named in the config, otherwise the OS user.
    pub fn by(&self) -> &str {
        self.operator.as_deref().unwrap_or(&self.os_user)
    }

    /// The words a filter matches against.
    pub fn search_text(&self) -> String {
        let outcome = match &self.outcome {
            Outcome::Error {
                message,
                request_id,
            } => format!("error {message} {}", request_id.as_deref().unwrap_or("")),
            other => other.label().to_string(),
        };
        format!(
            "{} {} {} {} {} {} {} {}",
            self.time,
            self.event.action,
            self.event.targets.join(" "),
            self.event.reason.as_deref().unwrap_or(""),
            self.event.cpr_masked.as_deref().unwrap_or(""),
            self.operator.as_deref().unwrap_or(""),
            self.os_user,
            outcome
        )
    }

    /// The record of `event` as it is written. A full CPR number typed or quoted into free
    /// text (a reason, an error message) is masked here, the one way into the log, whichever
    /// action built the event. Ids and the correlation are left as they are: a run of ten
    /// digits in one is not a CPR.
    pub fn seal(actor: &Actor, mut event: Event, outcome: Outcome, prev: &str) -> Record {
        use crate::core::cpr::redact_cprs;
        event.reason = event.reason.map(|r| redact_cprs(&r));
        event.cpr_masked = event.cpr_masked.map(|c| redact_cprs(&c));
        let outcome = match outcome {
            Outcome::Error {
                message,
                request_id,
            } => Outcome::Error {
                message: redact_cprs(&message),
                request_id,
            },
            other => other,
        };
        let mut r = Record {
            time: jiff::Timestamp::now().to_string(),
            operator: actor.operator.clone(),
            os_user: actor.os_user.clone(),
            host: actor.host.clone(),
            ssh_client: actor.ssh_client.clone(),
            profile: actor.profile.clone(),
            event,
            outcome,
            prev: prev.to_string(),
            hash: String::new(),
        };
        r.hash = r.compute_hash();
        r
    }

    /// The hash this record should carry: the SHA-256 of its line as written, up to where
    /// `,"hash":"…"}` is appended (the record serialized without `hash`, its closing brace left
    /// out). Verifying hashes the bytes read, not the record parsed again, so every byte before
    /// the hash counts: an added field, keys in another order or added whitespace break it.
    pub fn compute_hash(&self) -> String {
        let mut unsealed = serde_json::to_string(&Record {
            hash: String::new(),
            ..self.clone()
        })
        .expect("records serialize");
        unsealed.pop(); // the closing brace
        sha256_hex(unsealed.as_bytes())
    }

    /// The record's line as written to the log (without its newline): the hash ends it.
    pub fn line(&self) -> String {
        serde_json::to_string(self).expect("records serialize")
    }

    /// Whether `line`, the text this record was parsed from, is exactly the line it was sealed
    /// as: the hash ends it, and is the SHA-256 of every byte before `,"hash":`.
    pub fn sealed_as(&self, line: &str) -> bool {
        let Some(body) = line
            .strip_suffix("\"}")
            .and_then(|l| l.strip_suffix(self.hash.as_str()))
            .and_then(|l| l.strip_suffix(",\"hash\":\""))
        else {
            return false;
        };
        sha256_hex(body.as_bytes()) == self.hash || self.sealed_the_old_way(line)
    }

    /// Records written before the hash covered the line were hashed over the record without
    /// `hash`, re-serialized with its keys sorted. They still verify when the line is exactly
    /// as the console writes that record, so nothing can be added or moved in them either.
    fn sealed_the_old_way(&self, line: &str) -> bool {
        let mut v = serde_json::to_value(Record {
            hash: String::new(),
            ..self.clone()
        })
        .expect("records serialize");
        v.as_object_mut().expect("an object").remove("hash");
        line == self.line() && sha256_hex(v.to_string().as_bytes()) == self.hash
    }
}
