//! What every feature's calls run against: the backends as the profile configures them, the
//! audit log, and the audited wrapper every mutation goes through.
//!
//! Audited calls write the intent record (fsynced) before anything is sent and the outcome
//! record after; if the intent cannot be written, nothing is sent (fail closed).

use crate::audit::{AuditLog, Outcome};
use crate::backends::{
    BackendError, BankStaff, BankUsers, EndUsers, FundPlatform, LegitimationReview, Onboarding,
    PeopleDirectory,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Where the console's calls go.
#[derive(Clone)]
pub struct Backends {
    pub people: Arc<dyn PeopleDirectory>,
    pub review: Arc<dyn LegitimationReview>,
    pub staff: Arc<dyn BankStaff>,
    /// Healthmov, when the profile has it.
    pub onboarding: Option<Arc<dyn Onboarding>>,
    /// VASCO, when the profile has it.
    pub platform: Option<Arc<dyn FundPlatform>>,
    /// Upvest, when the profile has it.
    pub end_users: Option<Arc<dyn EndUsers>>,
    pub bank_users: Option<Arc<dyn BankUsers>>,
    pub audit: Audit,
    /// Claims, proposals, notes and the audit copy.
    pub team: super::team::Team,
}

/// The audit log, or why it cannot be written (then every audited action is refused).
#[derive(Clone)]
pub enum Audit {
    /// The local log, and its central copy in the team store when the console keeps one.
    Open {
        log: Arc<Mutex<AuditLog>>,
        central: Option<Arc<super::central_audit::CentralCopy>>,
    },
    Unavailable {
        path: Option<PathBuf>,
        why: String,
    },
}

impl Audit {
    pub fn append(&self, event: &crate::audit::Event, outcome: Outcome) -> Result<(), String> {
        match self {
            Audit::Open { log, central } => {
                let mut log = log.lock().map_err(|_| {
                    "the audit log is unusable after an earlier failure".to_string()
                })?;
                let send = |log: &AuditLog, record: &crate::audit::Record| match central {
                    Some(c) => c.send(log.path(), record),
                    None => Ok(()),
                };
                match log.append(event.clone(), outcome) {
                    Ok(record) => send(&log, &record),
                    // The file was deleted or replaced: this action is refused, and the log
                    // is opened again at once with the gap on record, so the next one may go.
                    Err(e) if e.needs_reopen() => {
                        let gap = log.reopen().map_err(|e| e.to_string())?;
                        send(&log, &gap)?;
                        Err(format!(
                            "the audit log {} was deleted or replaced: nothing was sent; it is \
                             reopened with the gap recorded (audit.reopen), so do it again",
                            log.path().display()
                        ))
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
            Audit::Unavailable { why, .. } => Err(why.clone()),
        }
    }

    /// The same log, each record also sent to `team`'s central copy.
    pub fn with_central(self, team: super::team::Team) -> Audit {
        match self {
            Audit::Open { log, .. } => Audit::Open {
                log,
                central: Some(Arc::new(super::central_audit::CentralCopy::new(team))),
            },
            unavailable => unavailable,
        }
    }

    /// Puts what an audited action did on the timelines of what it acted on (each target, as
    /// `backend:target`), for every operator to see. Best effort: the audit copy is the
    /// record that must not be lost, and it is written already.
    pub async fn on_timeline(&self, event: &crate::audit::Event) {
        let Audit::Open {
            central: Some(c), ..
        } = self
        else {
            return;
        };
        // The store records these itself, with the proposal or claim they belong to; reads
        // are on the audit trail, not the team's timelines.
        if event.action.starts_with("claim.")
            || event.action.starts_with("proposal.")
            || event.is_read()
        {
            return;
        }
        let Some(store) = c.team().opened() else {
            return;
        };
        let text = match &event.reason {
            Some(r) => format!("{}: {r}", event.action),
            None => event.action.clone(),
        };
        for target in &event.targets {
            let subject = format!("{}:{target}", event.backend);
            if let Err(e) = store
                .record_event(&subject, &c.team().me, &event.action, &text)
                .await
            {
                tracing::warn!(error = %e, "an action could not be put on its timeline");
            }
        }
    }

    pub fn path(&self) -> Option<PathBuf> {
        match self {
            Audit::Open { log, .. } => log.lock().ok().map(|l| l.path().to_path_buf()),
            Audit::Unavailable { path, .. } => path.clone(),
        }
    }
}

/// An audit failure, worded as a refusal: nothing was sent.
pub fn audit_refusal(why: String) -> BackendError {
    BackendError::Rejected {
        backend: "Audit log",
        request_id: "-".into(),
        messages: vec![why],
        code: Some("AUDIT_UNAVAILABLE".into()),
    }
}

/// Runs a mutation between its audit records: the intent is written (and fsynced) first, and
/// if that fails nothing is sent; the outcome follows, with the request id of an error.
pub async fn audited<T>(
    log: &Audit,
    event: &crate::audit::Event,
    call: impl std::future::Future<Output = Result<T, BackendError>>,
) -> Result<T, BackendError> {
    audited_as(log, event, call, |_, _| {}).await
}

/// As [`audited`]; the outcome record of a success also says what only the answer knows
/// (`note` adds it to the event): the id of what was created, what an import sent.
pub async fn audited_as<T>(
    log: &Audit,
    event: &crate::audit::Event,
    call: impl std::future::Future<Output = Result<T, BackendError>>,
    note: impl FnOnce(&T, &mut crate::audit::Event),
) -> Result<T, BackendError> {
    let (intent_log, intent) = (log.clone(), event.clone());
    let written = tokio::task::spawn_blocking(move || intent_log.append(&intent, Outcome::Intent))
        .await
        .map_err(|e| e.to_string())
        .and_then(|w| w);
    if let Err(why) = written {
        // The intent may be in the local file with only its copy missing: close it there.
        let (refused_log, refused) = (log.clone(), event.clone());
        let not_sent = Outcome::Error {
            message: format!("not sent: {why}"),
            request_id: None,
        };
        let _ = tokio::task::spawn_blocking(move || refused_log.append(&refused, not_sent)).await;
        return Err(audit_refusal(why));
    }
    let result = call.await;
    let mut event = event.clone();
    let outcome = match &result {
        Ok(v) => {
            note(v, &mut event);
            log.on_timeline(&event).await;
            Outcome::Ok
        }
        Err(e) => Outcome::Error {
            message: e.to_string(),
            request_id: Some(e.request_id().to_string()),
        },
    };
    let outcome_log = log.clone();
    let written = tokio::task::spawn_blocking(move || outcome_log.append(&event, outcome)).await;
    if !matches!(written, Ok(Ok(()))) {
        tracing::error!("the outcome of an audited action could not be written to the audit log");
    }
    result
}

impl Backends {
    /// What a search can ask.
    pub fn sources(&self) -> crate::search::sources::Sources<'_> {
        crate::search::sources::Sources {
            people: &*self.people,
            onboarding: self.onboarding.as_deref().map(|o| o as _),
            platform: self.platform.as_deref(),
            end_users: self.end_users.as_deref(),
            bank_users: self.bank_users.as_deref(),
        }
    }

    pub fn bunq(&self) -> Result<&Arc<dyn BankUsers>, BackendError> {
        self.bank_users
            .as_ref()
            .ok_or_else(|| missing("bunq", "bunq"))
    }

    pub fn upvest(&self) -> Result<&Arc<dyn EndUsers>, BackendError> {
        self.end_users
            .as_ref()
            .ok_or_else(|| missing("Upvest", "upvest"))
    }

    pub fn vasco(&self) -> Result<&Arc<dyn FundPlatform>, BackendError> {
        self.platform
            .as_ref()
            .ok_or_else(|| missing("VASCO", "vasco"))
    }

    pub fn healthmov(&self) -> Result<&Arc<dyn Onboarding>, BackendError> {
        self.onboarding
            .as_ref()
            .ok_or_else(|| missing("Healthmov", "healthmov"))
    }
}

fn missing(what: &'static str, section: &str) -> BackendError {
    BackendError::Local {
        what,
        detail: format!("this profile has no [{section}] section in the config"),
    }
}

/// The record of opening a Unioo person (the people and review features both do).
pub fn person_access(id: uuid::Uuid) -> crate::audit::Event {
    crate::audit::Event::read(
        crate::backends::unioo::NAME,
        "person.view",
        vec![format!("user:{id}")],
    )
}

/// The record of opening one of a Unioo person's documents.
pub fn document_access(user: uuid::Uuid, kind: crate::core::DocumentKind) -> crate::audit::Event {
    crate::audit::Event::read(
        crate::backends::unioo::NAME,
        "document.view",
        vec![
            format!("user:{user}"),
            format!("document-kind:{}", kind.label()),
        ],
    )
}

/// A script's read between its audit records, as [`audited`] for the console's: the intent is
/// written first (a read that cannot be recorded is refused with `refused`'s error), then
/// whether it was done. For errors other than a backend's (a script's own).
pub async fn on_record<T, E>(
    log: &Audit,
    event: &crate::audit::Event,
    read: impl std::future::Future<Output = Result<T, E>>,
    refused: impl FnOnce(BackendError) -> E,
) -> Result<T, E>
where
    E: std::fmt::Display,
{
    let (intent_log, intent) = (log.clone(), event.clone());
    let written = blocking("Audit log", move || {
        intent_log.append(&intent, Outcome::Intent)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|w| w);
    if let Err(why) = written {
        return Err(refused(audit_refusal(why)));
    }
    let result = read.await;
    let outcome = match &result {
        Ok(_) => Outcome::Ok,
        Err(e) => Outcome::Error {
            message: crate::sanitize::line(&e.to_string()).into_owned(),
            request_id: None,
        },
    };
    let (outcome_log, event) = (log.clone(), event.clone());
    let written = blocking("Audit log", move || outcome_log.append(&event, outcome)).await;
    if !matches!(written, Ok(Ok(()))) {
        tracing::error!("the outcome of a read could not be written to the audit log");
    }
    result
}

/// Runs blocking work (files, decoding) off the async threads; a task that died is reported
/// as `what` failing.
pub async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, BackendError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| BackendError::Local {
            what,
            detail: e.to_string(),
        })
}

/// A document's image as the pane shows it: decoded, or why it was refused (too large).
pub struct DecodedDocument {
    pub file: Option<crate::core::DocumentFile>,
    pub image: Option<Arc<image::DynamicImage>>,
    pub image_refused: Option<String>,
}

/// A person's document and its image, decoded off the async threads (a large scan takes a
/// while) within the console's limits.
pub async fn load_document(
    b: &Backends,
    user: uuid::Uuid,
    kind: crate::core::DocumentKind,
) -> Result<DecodedDocument, BackendError> {
    use super::document_image::{ImageRefused, decode_image};
    let file = b.people.document(user, kind).await?;
    let (file, decoded) = tokio::task::spawn_blocking(move || {
        let decoded = file.as_ref().map(|f| decode_image(&f.bytes));
        (file, decoded)
    })
    .await
    .map_err(|e| BackendError::Local {
        what: "Document",
        detail: e.to_string(),
    })?;
    let (image, image_refused) = match decoded {
        Some(Ok(image)) => (Some(Arc::new(image)), None),
        Some(Err(ImageRefused::TooLarge(why))) => (None, Some(why)),
        Some(Err(ImageRefused::NotAnImage)) | None => (None, None),
    };
    Ok(DecodedDocument {
        file,
        image,
        image_refused,
    })
}
